"""The answer templates, on literal records: fields quoted as printed, plans named, sources numbered."""

from __future__ import annotations

from datetime import date

from rusqa.answering.analyse import Query
from rusqa.answering.shapes import Source, abstention, fact_answer, field_answer, list_answer, make_answer, plan_name
from rusqa.models import Hit, Passage, Plan, Tiltak
from rusqa.search.documents import to_doc

GRORUD = Plan(
    id="grorud-2023",
    bydel="Grorud",
    title="Ruspolitisk handlingsplan bydel Grorud 2023–2028",
    period="2023–2028",
    layout="grorud",
    file="g.txt",
    sha256="x",
)
NORDRE_AKER = Plan(
    id="nordre-aker-2020",
    bydel="Nordre Aker",
    title="Lokal rusplan Nordre Aker 2020–2024",
    period="2020–2024",
    layout="nordre_aker",
    file="n.txt",
    sha256="x",
)
REGNBUEN = Tiltak(
    id="grorud-2023-t14",
    plan_id="grorud-2023",
    bydel="Grorud",
    section="Økt livskvalitet ved rusproblemer",
    goal="Øke tilbudet ved Regnbuen",
    text="Utdeling av brukerutstyr og kondomer • Opplæring og utdeling av Naloxon-nesespray",
    owner="Ansatte ved Regnbuen, ruskonsulent",
    deadline="Kontinuerlig",
    status="Påbegynt",
    risk="Lav",
    lines=(349, 373),
)
HAP = Tiltak(
    id="nordre-aker-2020-t24",
    plan_id="nordre-aker-2020",
    bydel="Nordre Aker",
    section="Strategi 2",
    text="Tilby kurset Hasjavvenningsprogram (HAP)",
    owner="OF",
    owner_expanded="Oppvekst- og familieavdelingen",
    lines=(945, 949),
)
INTRO = Passage(
    id="grorud-2023-p1",
    plan_id="grorud-2023",
    bydel="Grorud",
    section="Innledning",
    text="Rusproblemer har en nær tilknytning til andre psykiske lidelser. Samhandling er viktig.",
    lines=(6, 21),
)


def source(plan: Plan, record: Tiltak | Passage, score: float = 1.0) -> Source:
    doc = to_doc(plan, record)
    return Source(
        hit=Hit(record_id=record.id, score=score, coverage=1.0),
        doc=doc,
        plan=plan,
        tiltak=record if isinstance(record, Tiltak) else None,
    )


def query(text: str, intent: str = "fact", terms: list[str] | None = None) -> Query:
    return Query(text=text, intent=intent, concepts=[[t] for t in terms or []])  # type: ignore[arg-type]


def test_owner_answer_quotes_the_owner_and_names_the_tiltak() -> None:
    text = field_answer("owner", [source(GRORUD, REGNBUEN)])
    assert "«Ansatte ved Regnbuen, ruskonsulent» [1]" in text
    assert "Øke tilbudet ved Regnbuen" in text and GRORUD.title in text
    assert "Frist: Kontinuerlig" in text and "Risiko: Lav" in text


def test_an_abbreviated_owner_is_expanded() -> None:
    assert "OF (Oppvekst- og familieavdelingen)" in field_answer("owner", [source(NORDRE_AKER, HAP)])


def test_a_missing_column_is_said_plainly_with_the_plan_period() -> None:
    text = field_answer("deadline", [source(NORDRE_AKER, HAP)])
    assert text.startswith("Planen oppgir ingen frist") and "2020–2024" in text


def test_close_alternatives_are_numbered_after_the_answer() -> None:
    text = field_answer("risk", [source(GRORUD, REGNBUEN), source(NORDRE_AKER, HAP, 0.9)])
    assert "Risiko: «Lav» [1]" in text and "[2]" in text


def test_an_ended_period_is_flagged() -> None:
    assert "planperioden 2020–2024 er utløpt" in plan_name(NORDRE_AKER, today=date(2026, 11, 24))
    assert "utløpt" not in plan_name(GRORUD, today=date(2026, 11, 24))


def test_fact_answer_quotes_the_best_sentence_of_a_passage() -> None:
    text = fact_answer(query("rus og psykiske lidelser", terms=["psykisk", "lidels"]), [source(GRORUD, INTRO)])
    assert "«Rusproblemer har en nær tilknytning til andre psykiske lidelser." in text and "[1]" in text


def test_list_answer_has_one_cited_line_per_plan() -> None:
    text = list_answer(
        query("Hvilke bydeler har HAP?", "list"),
        [source(GRORUD, REGNBUEN), source(NORDRE_AKER, HAP)],
        across_plans=True,
    )
    lines = text.splitlines()
    assert len(lines) == 3 and lines[1].startswith("• Grorud") and lines[2].endswith("[2]")


def test_abstention_names_the_place_without_a_plan_and_cites_nothing() -> None:
    q = Query(text="naloxon i Frogner", intent="owner", unknown_place="Frogner")
    answer = make_answer(q, abstention(q, [GRORUD, NORDRE_AKER]), [])
    assert answer.abstained and not answer.citations
    assert answer.answer.startswith("Jeg finner ikke dette i rusplanene") and "Frogner" in answer.answer


def test_citations_resolve_to_the_records() -> None:
    answer = make_answer(query("x"), "svar [1] [2]", [source(GRORUD, REGNBUEN), source(GRORUD, INTRO)])
    first, second = answer.citations
    assert (first.n, first.tiltak_id, first.lines) == (1, "grorud-2023-t14", (349, 373))
    assert "Ansvarlig: Ansatte ved Regnbuen" in first.text
    assert (second.tiltak_id, second.record_id, second.section) == (None, "grorud-2023-p1", "Innledning")


def test_a_status_question_on_a_frist_status_column_quotes_that_column() -> None:
    ullern = Plan(id="ullern", bydel="Ullern", title="Ullern", period=None, layout="ullern", file="u.txt", sha256="x")
    hap = Tiltak(
        id="ullern-t2",
        plan_id="ullern",
        bydel="Ullern",
        section="Tiltak",
        text="Tilby HAP",
        owner="Avdelingsdirektør",
        deadline="Fortløpende, evalueres to ganger pr år",
        lines=(74, 90),
    )
    text = field_answer("status", [source(ullern, hap)])
    assert text.startswith("Planen oppgir ikke status for dette tiltaket; fristen er «Fortløpende, evalueres")
