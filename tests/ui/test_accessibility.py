"""Universal design (WCAG 2.1 AA): axe-core in Debian's chromium, in every tab and state, on a laptop and a phone;
and the whole flow by keyboard alone. axe-core comes from the npm registry (`make browser`) and is injected from
the local file: nothing is fetched at run time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.ui.test_browser import ask, open_app, pick, shot

pytestmark = [pytest.mark.browser, pytest.mark.server]

AXE = Path(__file__).resolve().parents[2] / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
RULES = "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}"


def violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations of WCAG 2.1 A/AA on the page as it is now."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make browser`")
    page.wait_for_timeout(800)  # let Gradio's tab transition finish: a half-faded text is no contrast verdict
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        f"async () => (await axe.run(document, {RULES})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", [1400, 390])
def test_no_serious_axe_violations_in_any_tab_or_state(browser: Any, app_url: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nb-NO")
    page = context.new_page()
    open_app(page, app_url)
    states: dict[str, list[dict[str, Any]]] = {}

    def check(state: str, screenshot: str) -> None:
        states[state] = violations(page)
        shot(page, f"11-{width}-{screenshot}.png")

    check("on load", "1-spor")
    ask(page, "Hvem har ansvar for hasjavvenningsprogrammet i Grorud?")
    page.wait_for_selector("#rq-sources .rq-source", timeout=30_000)
    check("after an answer", "2-svar")
    page.get_by_role("tab", name="Tiltak").click()
    pick(page, "rq-t-pick", "grorud-2023-t20")
    page.wait_for_selector("#rq-t-record .rq-source", timeout=15_000)
    check("a record open", "3-tiltak")
    page.get_by_role("tab", name="Dekning").click()
    page.wait_for_selector(".rq-coverage tbody tr", timeout=60_000)
    pick(page, "rq-c-measure", "14F")
    pick(page, "rq-c-plan", "Ullern")
    page.wait_for_function("document.querySelector('#rq-c-detail').innerText.includes('Kandidater')", timeout=30_000)
    check("a coverage cell open", "4-dekning")
    page.get_by_role("tab", name="Om").click()
    page.wait_for_function("document.body.innerText.includes('Indeks bygget')", timeout=15_000)
    check("about", "5-om")
    context.close()
    assert {state: v for state, v in states.items() if v} == {}


def focus_until(page: Any, selector: str, text: str = "", limit: int = 80) -> None:
    """Press Tab until the focused element is (inside) selector and shows text; fail after `limit` presses."""
    check = (
        f"(() => {{ const e = document.activeElement; return !!e && !!e.closest({selector!r})"
        f" && (e.innerText || '').includes({text!r}); }})()"
    )
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(check):
            return
    raise AssertionError(f"Tab never reached {selector} {text}")


def test_ask_read_the_sources_open_a_record_and_export_by_keyboard_alone(page: Any, app_url: str) -> None:
    open_app(page, app_url)
    focus_until(page, "#rq-question")
    page.keyboard.type("Hvem har ansvar for hasjavvenningsprogrammet i Grorud?")
    page.keyboard.press("Enter")
    page.wait_for_selector("#rq-sources .rq-source", timeout=30_000)
    focus_until(page, "#rq-sources")  # the source lines open from the keyboard
    page.keyboard.press("Enter")
    assert page.evaluate("!!document.querySelector('#rq-sources details[open]')")
    focus_until(page, "[role=tab]", "Tiltak")
    page.keyboard.press("Enter")
    focus_until(page, "#rq-t-pick")
    page.keyboard.type("grorud-2023-t20")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector("#rq-t-record .rq-source", timeout=15_000)
    focus_until(page, "#rq-t-export")
    with page.expect_download(timeout=15_000) as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".csv")


@pytest.mark.parametrize(("width", "under"), [(390, True), (1400, False)])
def test_the_sources_sit_beside_the_answer_on_a_laptop_and_directly_under_it_on_a_phone(
    browser: Any, app_url: str, width: int, under: bool
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 844}, locale="nb-NO")
    page = context.new_page()
    open_app(page, app_url)
    ask(page, "Hvem har ansvar for hasjavvenningsprogrammet i Grorud?")
    page.wait_for_selector("#rq-sources .rq-source", timeout=30_000)
    chat = page.locator("#rq-chat").bounding_box()
    sources = page.locator("#rq-sources").bounding_box()
    question = page.locator("#rq-question").bounding_box()
    if under:
        assert 0 <= sources["y"] - (chat["y"] + chat["height"]) < 60  # nothing between the answer and its sources
        assert question["y"] > sources["y"]
    else:
        assert sources["x"] > chat["x"] + chat["width"] - 5 and abs(sources["y"] - chat["y"]) < 120
    shot(page, f"12-sources-{width}.png")
    context.close()


def test_gradios_own_labels_are_norwegian_even_in_an_english_browser(browser: Any, app_url: str) -> None:
    from ui.app import GRADIO_LABELS_NB

    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    page = context.new_page()
    open_app(page, app_url)
    labels = "Array.from(document.querySelectorAll('[aria-label], [title]')).flatMap(e => [e.getAttribute('aria-label'), e.getAttribute('title')])"
    # the relabelling runs as Gradio renders: wait until no English label is left (a busy machine is slow)
    relabelled = f"() => {{ const en = new Set({json.dumps(sorted(GRADIO_LABELS_NB))}); return !({labels}).some(x => en.has(x)); }}"
    page.wait_for_function(relabelled, timeout=15_000)
    ask(page, "Hvem har ansvar for hasjavvenningsprogrammet i Grorud?")  # 👍 / 👎 appear under the answer
    page.wait_for_function(f"() => ({labels}).includes('Svaret er riktig')", timeout=15_000)
    page.wait_for_function(relabelled, timeout=15_000)
    seen = set(page.evaluate(labels))
    page.get_by_role("tab", name="Tiltak").click()
    page.wait_for_selector("#rq-t-table table", timeout=15_000)
    page.wait_for_function(f"() => ({labels}).includes('Kopier tabellen')", timeout=15_000)
    page.wait_for_function(relabelled, timeout=15_000)
    seen |= set(page.evaluate(labels))
    assert not seen & set(GRADIO_LABELS_NB), seen & set(GRADIO_LABELS_NB)
    assert {"Kopier tabellen", "Flere faner", "Svaret er riktig", "Svaret er feil"} <= seen
    assert page.evaluate("navigator.language") == "nb-NO"  # Gradio's own translations: bokmål
    assert page.evaluate("document.documentElement.lang") == "nb"
    context.close()
