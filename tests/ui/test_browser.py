"""Real browser: Debian's chromium driven by Playwright against a running `rusqa serve`.

Screenshots go to screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.ui.conftest import PAYLOAD, SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.server]

NALOXONE = "Hvem har ansvar for opplæring og utdeling av Naloxon-nesespray i bydel Grorud?"


def open_app(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#rq-question textarea", timeout=30_000)


def ask(page: Any, question: str) -> float:
    box = page.locator("#rq-question textarea")
    box.fill(question)
    before = page.locator("#rq-chat .message").count()
    started = time.perf_counter()
    box.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('#rq-chat .message').length >= {before + 2}", timeout=30_000)
    return time.perf_counter() - started


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_ask_in_the_chat_and_see_the_answer_with_its_sources(page: Any, app_url: str) -> None:
    open_app(page, app_url)
    assert page.evaluate("document.documentElement.lang") == "nb"
    seconds = ask(page, NALOXONE)
    page.wait_for_selector("#rq-sources .rq-source", timeout=30_000)
    print(f"\nbrowser: answer and sources shown {seconds * 1000:.0f} ms after Enter")
    chat = page.locator("#rq-chat").inner_text()
    assert "Ansvarlig:" in chat and "Kilder:" in chat
    sources = page.locator("#rq-sources").inner_text()
    assert "[1]" in sources and "grorud-2023" in sources and "Kildelinjer" in sources
    assert page.locator("#rq-sources mark").count() >= 1
    shot(page, "01-chat-answer.png")


def test_a_three_turn_conversation_keeps_its_subject(page: Any, app_url: str) -> None:
    open_app(page, app_url)
    ask(page, "Hvem har ansvar for hasjavvenningsprogrammet i Grorud?")
    page.wait_for_function("document.querySelector('#rq-context').innerText.includes('Gjelder')", timeout=15_000)
    ask(page, "og hva er fristen?")
    messages = page.locator("#rq-chat .message")
    assert "Frist: «Kontinuerlig»" in messages.nth(messages.count() - 1).inner_text()
    assert "grorud-2023-t11" in page.locator("#rq-sources").inner_text()
    ask(page, "hva med Ullern?")
    page.wait_for_function("document.querySelector('#rq-sources').innerText.includes('ullern-')", timeout=15_000)
    assert "Ullern" in page.locator("#rq-context").inner_text()
    shot(page, "08-chat-follow-ups.png")
    page.locator("#rq-clear").click()
    page.wait_for_function("document.querySelector('#rq-context').innerText.includes('Ny samtale')", timeout=15_000)
    assert page.locator("#rq-chat .message").count() == 0


def test_a_thumb_on_an_earlier_answer_is_stored_for_that_answer_with_a_comment(
    page: Any, app_url: str, built_index_dir: Any
) -> None:
    from rusqa.service.feedback import FeedbackStore

    store = FeedbackStore.in_dir(built_index_dir.parent / "data")
    before = len(store.all())
    open_app(page, app_url)
    ask(page, "Hvem har ansvar for hasjavvenningsprogrammet i Grorud?")
    ask(page, "Hva er fristen for kontaktpunktet i Ullern?")
    # each message reaches a screen reader as clean Norwegian text, not «bot's message: **Kilder:** \\[1\\]»
    names = page.evaluate(
        "Array.from(document.querySelectorAll('#rq-chat [aria-label]')).map(e => e.getAttribute('aria-label'))"
    )
    answers = [n for n in names if n.startswith("Svar: ")]
    assert len(answers) == 2 and not any("message:" in n for n in names), names
    assert not any(mark in n for n in answers for mark in ("**", "\\[", "<br")), answers
    assert "Ansvarlig: «Ruskonsulent Ung" in answers[0]
    wrong = page.locator("#rq-chat").get_by_role("button", name="Svaret er feil")
    assert wrong.count() == 2  # one under each answer
    wrong.first.click()
    page.wait_for_function(
        "document.querySelector('#rq-fb-note [role=status]')?.innerText.includes('Svar 1 er merket som feil')",
        timeout=15_000,
    )
    page.locator("#rq-fb-comment textarea").fill("Eieren er feil")  # the form opened with the note
    page.locator("#rq-fb-down").click()
    page.wait_for_function(
        "document.querySelector('#rq-fb-note').innerText.includes('svar 1 er lagret')", timeout=15_000
    )
    shot(page, "12-chat-feedback.png")
    [row] = store.all()[before:]
    assert (row.rating, row.comment, row.cited, row.question) == (-1, "Eieren er feil", ["grorud-2023-t11"], None)


def test_a_set_question_is_a_counted_list_with_working_citations(page: Any, app_url: str) -> None:
    open_app(page, app_url)
    ask(page, "Hvilke tiltak i Grorud er vurdert til middels risiko?")
    page.wait_for_selector("#rq-sources .rq-source", timeout=30_000)
    messages = page.locator("#rq-chat .message")
    answer = messages.nth(messages.count() - 1).inner_text()
    lines = [line for line in answer.splitlines() if line.startswith("• ")]
    assert answer.startswith("8 tiltak i Grorud") and len(lines) == 8 and lines[-1].endswith("[8]")
    sources = page.locator("#rq-sources").inner_text()
    assert "[8]" in sources and "Middels" in sources
    shot(page, "09-chat-set-answer.png")


def test_nothing_is_kept_in_the_browser_after_asking_and_reloading(page: Any, app_url: str) -> None:
    open_app(page, app_url)
    ask(page, "Hvem har ansvar for hasjavvenningsprogrammet i Grorud?")
    page.reload()
    page.wait_for_selector("#rq-question textarea", timeout=30_000)
    stored = page.evaluate(
        """async () => ({
            local: Object.keys(localStorage),
            session: Object.keys(sessionStorage),
            idb: indexedDB.databases ? (await indexedDB.databases()).map(d => d.name) : [],
        })"""
    )
    assert stored == {"local": [], "session": [], "idb": []}, stored
    assert page.locator("#rq-chat .message").count() == 0  # the conversation is gone with the page
    # no settings link, so no screen recorder, and no run-history page in the footer
    assert page.locator("footer a, footer button").count() == 0


def test_abstention_and_empty_question_are_told_plainly(page: Any, app_url: str) -> None:
    open_app(page, app_url)
    ask(page, "Hvem har ansvar for naloxonopplæring i Bergen?")
    assert "Ikke funnet i rusplanene" in page.locator("#rq-chat").inner_text()
    assert "Ingen kilder" in page.locator("#rq-sources").inner_text()
    page.locator("#rq-question textarea").fill("   ")
    page.locator("#rq-send").click()
    page.wait_for_function("document.querySelector('#rq-chat').innerText.includes('tomt')", timeout=30_000)
    shot(page, "02-chat-abstention-and-empty.png")


def test_tiltak_table_filters_and_opens_a_record(page: Any, app_url: str) -> None:
    open_app(page, app_url)
    page.get_by_role("tab", name="Tiltak").click()
    page.wait_for_function("/^[0-9]+ tiltak/.test(document.querySelector('#rq-t-count').innerText)")
    plan = page.locator("#rq-t-plan input")
    plan.click()
    plan.fill("Grorud")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#rq-t-count').innerText.startsWith('21 tiltak')", timeout=15_000)
    page.locator("#rq-t-text textarea, #rq-t-text input").first.fill("naloxon")
    page.keyboard.press("Enter")
    page.wait_for_function("/^[0-9] tiltak/.test(document.querySelector('#rq-t-count').innerText)", timeout=15_000)
    page.locator("#rq-t-table").get_by_text("t20", exact=True).first.click()
    page.wait_for_selector("#rq-t-record .rq-source", timeout=15_000)
    record = page.locator("#rq-t-record").inner_text()
    assert "Ansvarlig" in record and "Kildelinjer 471" in record
    assert page.evaluate("document.querySelector('#rq-t-record').getBoundingClientRect().top") < 1000  # in view
    shot(page, "03-tiltak-filtered-record.png")
    page.locator("#rq-t-text textarea, #rq-t-text input").first.fill("")
    page.keyboard.press("Enter")
    pick(page, "rq-t-risk", "høy")
    page.wait_for_function("document.querySelector('#rq-t-count').innerText.startsWith('5 tiltak')", timeout=15_000)
    header = page.locator("#rq-t-table").inner_text()
    assert all(word in header for word in ("Ansvarlig", "Frist", "Status", "Risiko"))
    box = page.locator("#rq-t-table").get_by_text("Risiko").first.bounding_box()
    assert box is not None and box["x"] < 1400  # the fields an answer is checked against are on screen


def test_dekning_shows_city_measures_against_district_plans(page: Any, app_url: str) -> None:
    open_app(page, app_url)
    page.get_by_role("tab", name="Dekning").click()
    page.wait_for_selector(".rq-coverage tbody tr", timeout=60_000)
    assert page.locator(".rq-coverage tbody tr").count() == 17
    text = page.locator(".rq-coverage").inner_text()
    assert "14F" in text and "bydelene samarbeider" in text and "forslag" in text
    assert page.locator(".rq-coverage").bounding_box()["height"] < 2500  # one compact line per measure
    shot(page, "04-dekning.png")
    page.get_by_role("tab", name="Om").click()
    page.wait_for_function("document.body.innerText.includes('Indeks bygget')", timeout=15_000)
    shot(page, "05-om.png")


def pick(page: Any, elem_id: str, text: str) -> None:
    box = page.locator(f"#{elem_id} input")
    box.click()
    box.fill(text)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")


def test_a_planners_verdict_is_kept_over_a_reload_and_a_rebuild(page: Any, verdict_app: tuple[str, Any]) -> None:
    url, rebuild = verdict_app
    open_app(page, url)
    page.get_by_role("tab", name="Dekning").click()
    page.wait_for_selector(".rq-coverage tbody tr", timeout=60_000)
    pick(page, "rq-c-measure", "14F")
    pick(page, "rq-c-plan", "Ullern")
    page.wait_for_function("document.querySelector('#rq-c-detail').innerText.includes('Kandidater')", timeout=30_000)
    page.get_by_label("Dekker", exact=True).check()
    pick(page, "rq-c-tiltak", "ullern-t5")
    page.locator("#rq-c-comment textarea, #rq-c-comment input").first.fill("kontaktpunktet for skolene")
    page.locator("#rq-c-who textarea, #rq-c-who input").first.fill("kari")
    page.locator("#rq-c-save").click()
    page.wait_for_function("document.querySelector('#rq-c-saved').innerText.includes('Lagret')", timeout=30_000)
    shot(page, "10-dekning-verdict.png")
    for _ in range(2):  # after a reload, and after `rusqa index --force`
        page.reload()
        page.wait_for_selector("#rq-question textarea", timeout=30_000)
        page.get_by_role("tab", name="Dekning").click()
        page.wait_for_selector(".rq-coverage tbody tr", timeout=60_000)
        row = page.locator(".rq-coverage tbody tr").filter(has_text="14F")
        assert "dekket ✔" in row.inner_text()
        pick(page, "rq-c-measure", "14F")
        pick(page, "rq-c-plan", "Ullern")
        page.wait_for_function("document.querySelector('#rq-c-detail').innerText.includes('kari')", timeout=30_000)
        assert "kontaktpunktet for skolene" in page.locator("#rq-c-detail").inner_text()
        rebuild()


def test_behind_basic_auth_a_planner_records_a_verdict_and_a_reader_is_refused(
    browser: Any, basic_auth_app: str
) -> None:
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(basic_auth_app, timeout=10)
    assert refused.value.code == 401
    for user, password, expected in (
        ("ola", "lesepassord-12345", "lesetilgang"),
        ("kari", "korrekt-hest-batteri", "Lagret"),
    ):
        context = browser.new_context(http_credentials={"username": user, "password": password}, locale="nb-NO")
        page = context.new_page()
        open_app(page, basic_auth_app)
        page.get_by_role("tab", name="Dekning").click()
        page.wait_for_selector(".rq-coverage tbody tr", timeout=60_000)
        pick(page, "rq-c-measure", "18F")
        pick(page, "rq-c-plan", "Ullern")
        page.wait_for_function(
            "document.querySelector('#rq-c-detail').innerText.includes('Kandidater')", timeout=30_000
        )
        page.get_by_label("Ikke dekket", exact=True).check()
        page.locator("#rq-c-save").click()
        page.wait_for_function(
            f"document.querySelector('#rq-c-saved').innerText.includes('{expected}')", timeout=30_000
        )
        context.close()


def test_script_in_plans_and_questions_does_not_run(page: Any, hostile_app_url: str) -> None:
    open_app(page, hostile_app_url)
    ask(page, f"Hvem har ansvar for opplæring i naloxon? {PAYLOAD}")
    page.wait_for_selector("#rq-sources .rq-source", timeout=30_000)
    assert "<script>" in page.locator("#rq-sources").inner_text()  # shown as text
    for tab in ("Tiltak", "Dekning", "Om"):
        page.get_by_role("tab", name=tab).click()
        time.sleep(0.5)
    page.get_by_role("tab", name="Tiltak").click()
    pick = page.locator("#rq-t-pick input")  # the keyboard way to open a record
    pick.click()
    pick.fill("testby")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector("#rq-t-record .rq-source", timeout=15_000)
    shot(page, "07-script-injection-record.png")
    page.get_by_role("tab", name="Om").click()
    page.wait_for_function("document.body.innerText.includes('Testby plan')", timeout=15_000)
    time.sleep(0.5)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.get_by_role("tab", name="Spør").click()
    shot(page, "06-script-injection-inert.png")
