"""The app's backend, without a server: table filters, CSV export, chat validation, and escaping."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from rusqa.answering.qa import Assistant
from rusqa.models import Answer, Citation, Plan, Tiltak
from ui import render
from ui.app import ALL, RusqaApp, scoped_question, tiltak_csv

PAYLOAD = "<script>window.__pwned=1</script><img src=x onerror=window.__pwned=1>"
GRORUD = "Grorud (2023–2028)"


@pytest.fixture
def app(assistant: Assistant) -> RusqaApp:
    return RusqaApp(assistant)


def test_all_tiltak_of_all_plans_in_one_table(app: RusqaApp) -> None:
    rows = app.filter_rows(ALL, "", ALL, ALL, "")
    assert len(rows) == sum(len(p.tiltak) for p in app.assistant.live.plans)
    assert {t.plan_id for t in rows} == {p.plan.id for p in app.assistant.live.plans}


def test_filter_grorud_by_free_text_naloxon(app: RusqaApp) -> None:
    rows = app.filter_rows(GRORUD, "", ALL, ALL, "naloxon")
    assert rows and all(t.plan_id == "grorud-2023" for t in rows)
    assert "grorud-2023-t20" in [t.id for t in rows]


def test_filter_by_owner_status_and_strategy(app: RusqaApp) -> None:
    by_owner = app.filter_rows(ALL, "regnbuen", ALL, ALL, "")
    assert by_owner and all("regnbuen" in (t.owner or "").casefold() for t in by_owner)
    started = app.filter_rows(ALL, "", "Påbegynt", ALL, "")
    assert started and all(t.status == "Påbegynt" for t in started)
    strategy = "Økt livskvalitet ved rusproblemer"
    assert all(t.section.startswith(strategy) for t in app.filter_rows(ALL, "", ALL, strategy, ""))
    assert app.filter_rows(GRORUD, "", ALL, "Tiltak", "") == []


def test_table_update_exports_the_filtered_rows_as_csv(app: RusqaApp) -> None:
    values, _, path, note, ids = app.table(GRORUD, "", ALL, ALL, "naloxon")
    assert [v[0] for v in values] == [i.removeprefix("grorud-2023-") for i in ids]  # the plan is its own column
    assert values[0][1] == "Grorud" and len(values[0]) == 7
    lines = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))
    assert [line["id"] for line in lines] == ids
    assert f"{len(ids)} tiltak" in note


def test_every_printed_field_can_filter_the_table(app: RusqaApp) -> None:
    ullern = next(choice for choice in app.snapshot().choices if choice.startswith("Ullern"))
    *_, ids = app.table(ullern, "", ALL, ALL, "", ALL, "22")
    assert ids and all("22" in (app.snapshot().live.tiltak_by_id[i].deadline or "") for i in ids)
    _, _, _, _, high = app.table(GRORUD, "", ALL, ALL, "", "høy")
    assert len(high) == 5


def test_no_rows_says_so(app: RusqaApp) -> None:
    _, _, _, note, ids = app.table(ALL, "", ALL, ALL, "finnesikkeiplanene")
    assert ids == [] and "Ingen tiltak" in note


def test_a_row_opens_the_full_record_with_source_lines(app: RusqaApp) -> None:
    html = app.record("grorud-2023-t20")
    assert "Ansvarlig" in html and "Kildelinjer 471" in html and "Naloxon" in html


def test_empty_and_overlong_questions_get_a_clear_message(app: RusqaApp) -> None:
    history, _, kept, _, _ = app.chat("   ", ALL, [])
    assert kept == "   "  # the question stays in the box to be fixed
    assert "tomt" in history[-1]["content"]
    history, *_ = app.chat("hva " * 2000, ALL, [])
    assert "for langt" in history[-1]["content"]
    assert app.api_answer("x" * 50_000)["error"].startswith("Spørsmålet er for langt")


def test_chat_answer_has_sources_and_escapes_the_question(app: RusqaApp) -> None:
    history, sources, cleared, _, _ = app.chat("Hvem har ansvar for HAP i Grorud?", ALL, [])
    assert cleared == "" and history[-1]["role"] == "assistant"
    assert "Kilder" in sources and "grorud-2023" in sources
    history, *_ = app.chat(f"{PAYLOAD} i Grorud?", ALL, [])
    assert "<script" not in history[-2]["content"] and "&lt;script&gt;" in history[-2]["content"]


def test_a_follow_up_in_the_chat_answers_from_the_same_tiltak(app: RusqaApp) -> None:
    history, _, _, saved, context = app.chat("Hvem har ansvar for hasjavvenningsprogrammet i Grorud?", ALL, [])
    assert "Gjelder:" in context and "Grorud" in context
    history, sources, _, saved, _ = app.chat("og hva er fristen?", ALL, history, saved)
    assert history[-1]["content"].startswith("Frist: «Kontinuerlig» \\[1\\]") and "grorud-2023-t11" in sources
    history, *_ = app.chat("hva med Ullern?", ALL, history, saved)
    assert "Ullern" in history[-1]["content"]


def test_feedback_on_the_last_answer_is_stored_with_its_sources(app: RusqaApp, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from rusqa.service.feedback import FeedbackStore

    monkeypatch.setattr(app.assistant.settings, "data_dir", tmp_path)
    assert "Still et spørsmål først" in app.feedback(1, "", False, None)
    _, _, _, saved, _ = app.chat("Hvem har ansvar for hasjavvenningsprogrammet i Grorud?", ALL, [])
    assert "uten spørsmålet" in app.feedback(-1, "feil eier", False, saved)
    assert "med spørsmålet" in app.feedback(1, "", True, saved)  # the same answer: its row is revised
    [row] = FeedbackStore.in_dir(tmp_path).all()
    assert (row.rating, row.comment) == (1, "")
    assert row.question == "Hvem har ansvar for hasjavvenningsprogrammet i Grorud?"
    assert row.cited == ["grorud-2023-t11"] and row.build_id == app.assistant.live.build_id


def test_a_thumb_on_an_earlier_answer_rates_that_answer_and_clicking_it_again_takes_it_back(  # type: ignore[no-untyped-def]
    app: RusqaApp, tmp_path, monkeypatch
) -> None:
    import gradio as gr

    from rusqa.service.feedback import FeedbackStore

    monkeypatch.setattr(app.assistant.settings, "data_dir", tmp_path)
    store = FeedbackStore.in_dir(tmp_path)
    history, _, _, saved, _ = app.chat("Hvem har ansvar for hasjavvenningsprogrammet i Grorud?", ALL, [])
    history, _, _, saved, _ = app.chat("Hva er fristen for kontaktpunktet i Ullern?", ALL, history, saved)
    first_answer = history[1]["content"]

    def thumb(index: int, liked: bool | str) -> str:
        return app.rate(
            saved, gr.LikeData(None, {"index": index, "value": [history[index]["content"]], "liked": liked})
        )

    assert "Svar 1 er merket som feil" in thumb(1, False)
    [row] = store.all()
    assert row.rating == -1 and row.cited == ["grorud-2023-t11"] and row.question is None
    assert row.answer.splitlines()[0] in first_answer.replace("\\", "")
    # the comment form now refines the answer just rated, not the last one
    assert "svar 1 er lagret uten spørsmålet" in app.feedback(-1, "eieren er feil", False, saved)
    [row] = store.all()
    assert (row.rating, row.comment, row.cited) == (-1, "eieren er feil", ["grorud-2023-t11"])
    assert "Svar 2 er merket som riktig" in thumb(3, True)
    assert [r.rating for r in store.all()] == [-1, 1]
    assert "trukket tilbake" in thumb(3, "")  # the thumb clicked again
    assert [r.rating for r in store.all()] == [-1]
    assert "kan ikke få tilbakemelding" in thumb(0, True)  # a question, not an answer


def test_plan_filter_names_the_plan_in_the_question() -> None:
    grorud = Plan(
        id="grorud-2023", bydel="Grorud", title="T", period="2023–2028", layout="grorud", file="f", sha256="x"
    )
    assert scoped_question("Hvem har ansvar for HAP?", grorud) == "Hvem har ansvar for HAP? (bydel Grorud)"
    assert scoped_question("Hvem har ansvar for HAP i Grorud?", grorud) == "Hvem har ansvar for HAP i Grorud?"
    assert scoped_question("Hva?", None) == "Hva?"


def hostile() -> tuple[Plan, Tiltak]:
    plan = Plan(
        id="x-2024", bydel=f"X{PAYLOAD}", title=PAYLOAD, period="2024–2027", layout="generic", file="x.txt", sha256="0"
    )
    t = Tiltak(
        id="x-2024-t1",
        plan_id="x-2024",
        bydel=plan.bydel,
        section=PAYLOAD,
        goal=PAYLOAD,
        text=PAYLOAD,
        owner=PAYLOAD,
        owner_expanded=f"E{PAYLOAD}",
        lines=(1, 2),
    )
    return plan, t


def assert_inert(html: str) -> None:
    lowered = html.casefold()
    assert (
        "<script" not in lowered and "<img" not in lowered and "onerror=" not in lowered.replace("onerror=window", "")
    )


def test_plan_text_is_escaped_everywhere_it_is_rendered(tmp_path: Path) -> None:
    plan, t = hostile()
    (tmp_path / "x.txt").write_text(f"{PAYLOAD}\n{PAYLOAD}\n", encoding="utf-8")
    answer = Answer(
        question=PAYLOAD,
        answer=f"Ansvarlig: «{PAYLOAD}» [1]",
        abstained=False,
        citations=[
            Citation(
                n=1,
                doc_id=plan.id,
                bydel=plan.bydel,
                title=plan.title,
                section=PAYLOAD,
                tiltak_id=t.id,
                text=PAYLOAD,
                lines=(1, 2),
                record_id=t.id,
            )
        ],
    )
    for html in (
        render.answer_markdown(answer),
        render.sources_html(answer, {plan.id: plan}, {t.id: t}, tmp_path),
        render.tiltak_record_html(t, plan, tmp_path),
        render.error_markdown(PAYLOAD),
        render.note_html(PAYLOAD),
    ):
        assert_inert(html)
        assert "&lt;script&gt;" in html


def test_cited_words_are_marked_in_the_source() -> None:
    html = render.highlight("Ansatte ved Regnbuen, ruskonsulent", ["ansatte ved regnbuen"])
    assert html == "<mark>Ansatte ved Regnbuen</mark>, ruskonsulent"
    assert render.quoted_spans("Frist: «1.kvartal-22» [1] og «Øke tilbudet …»") == ["1.kvartal-22", "Øke tilbudet"]


def test_abstention_looks_different_and_has_no_sources(tmp_path: Path) -> None:
    answer = Answer(question="q", answer="Jeg finner ikke dette i rusplanene.", abstained=True)
    assert render.answer_markdown(answer).startswith("**Ikke funnet i rusplanene.**")
    assert "Ingen kilder" in render.sources_html(answer, {}, {}, tmp_path)


def test_tiltak_csv_defuses_formulas() -> None:
    _, t = hostile()
    t = t.model_copy(update={"text": "=cmd|' /C calc'!A0"})
    line = next(csv.DictReader(io.StringIO(tiltak_csv([t]))))
    assert line["text"].startswith("'=")


def test_a_pdf_plans_source_lines_say_they_are_the_text_read_from_the_pdf(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rusqa.models import Plan
    from ui.render import lines_html

    plan = Plan(id="x-2025", bydel="X", title="T", period=None, layout="pdf", file="x.pdf", sha256="0" * 64)
    assert "i teksten lest fra x.pdf" in lines_html(tmp_path, plan, (3, 4))


def test_behind_access_control_the_logs_name_the_user_and_never_the_question(
    app: RusqaApp, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import io
    import json
    import logging
    from types import SimpleNamespace

    from rusqa.service.auth import User, UserRole
    from rusqa.service.feedback import FeedbackStore
    from rusqa.service.logs import LOGGER, configure

    monkeypatch.setattr(app.assistant.settings, "data_dir", tmp_path)
    monkeypatch.setattr(app, "gate", SimpleNamespace(mode="basic", role_of=lambda name: User(name, UserRole.READER)))
    stream = io.StringIO()
    configure(stream)
    try:
        kari = SimpleNamespace(username="kari")
        question = "Hvem har ansvar for hasjavvenningsprogrammet i Grorud?"
        _, _, _, saved, _ = app.chat(question, ALL, [], None, kari)
        app.feedback(-1, "", False, saved, kari)
    finally:
        logger = logging.getLogger(LOGGER)
        logger.removeHandler(next(h for h in logger.handlers if getattr(h, "stream", None) is stream))
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert {(e["event"], e["user"]) for e in events} >= {("answer", "kari"), ("feedback", "kari")}
    assert "hasjavvenning" not in stream.getvalue()
    assert FeedbackStore.in_dir(tmp_path).all()[0].user == "kari"
