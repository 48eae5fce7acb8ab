"""The answer builders, one per shape, on literal records: fields quoted as printed, plans named, sources
numbered, sets counted first."""

from __future__ import annotations

from datetime import date

from rusqa.answering.shapes import (
    Source,
    abstention,
    across_answer,
    count_answer,
    fact_answer,
    make_answer,
    not_in_plan,
    plan_answer,
    plan_name,
    set_answer,
    value_answer,
)
from rusqa.evaluation.scoring import stated_value
from rusqa.models import FieldName, Filters, Hit, Passage, Plan, Question, Shape, Tiltak
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


def question(text: str, shape: Shape = Shape.FACT, terms: list[str] | None = None, **kw: object) -> Question:
    return Question(text=text, shape=shape, concepts=[[t] for t in terms or []], **kw)  # type: ignore[arg-type]


def test_owner_answer_quotes_the_owner_and_names_the_tiltak() -> None:
    text = value_answer(FieldName.OWNER, [source(GRORUD, REGNBUEN)])
    assert text.startswith("Ansvarlig: «Ansatte ved Regnbuen, ruskonsulent» [1]")
    assert "Øke tilbudet ved Regnbuen" in text and "Grorud-planen (2023–2028)" in text
    assert "frist: Kontinuerlig" in text and "risiko: Lav" in text
    assert len(text.splitlines()[0]) <= 200


def test_an_abbreviated_owner_is_expanded_and_the_printed_code_is_the_claim() -> None:
    text = value_answer(FieldName.OWNER, [source(NORDRE_AKER, HAP)])
    assert stated_value(text) == "OF (Oppvekst- og familieavdelingen)"


def test_a_missing_column_is_said_plainly_with_the_plan_period() -> None:
    text = value_answer(FieldName.DEADLINE, [source(NORDRE_AKER, HAP)])
    assert text.startswith("Planen oppgir ingen frist") and "2020–2024" in text


def test_close_alternatives_are_numbered_after_the_answer() -> None:
    text = value_answer(FieldName.RISK, [source(GRORUD, REGNBUEN), source(NORDRE_AKER, HAP, 0.9)])
    assert "Risiko: «Lav» [1]" in text and "Se også [2]" in text


def test_an_ended_period_is_flagged() -> None:
    assert "planperioden 2020–2024 er utløpt" in plan_name(NORDRE_AKER, today=date(2026, 11, 24))
    assert "utløpt" not in plan_name(GRORUD, today=date(2026, 11, 24))


def test_fact_answer_quotes_the_best_sentence_of_a_passage() -> None:
    text = fact_answer(question("rus og psykiske lidelser", terms=["psykisk", "lidels"]), [source(GRORUD, INTRO)])
    assert "«Rusproblemer har en nær tilknytning til andre psykiske lidelser." in text and "[1]" in text


def test_a_set_answer_gives_the_count_first_then_one_cited_line_per_tiltak() -> None:
    q = question("Hvilke tiltak har lav risiko?", Shape.SET, filters=Filters(risk="lav"))
    text = set_answer(q, [source(GRORUD, REGNBUEN)], total=21)
    lines = text.splitlines()
    assert lines[0].startswith("1 tiltak i Grorud") and "risiko «lav»" in lines[0]
    assert lines[1].startswith("• t14 «") and "ansvarlig: Ansatte ved Regnbuen" in lines[1] and lines[1].endswith("[1]")


def test_a_long_set_is_cut_at_fifteen_lines_with_the_rest_counted() -> None:
    many = [
        source(GRORUD, REGNBUEN.model_copy(update={"id": f"grorud-2023-t{n}", "text": f"Tiltak nummer {n}"}))
        for n in range(1, 21)
    ]
    text = set_answer(question("Hvilke tiltak har Grorud?", Shape.SET), many, total=20)
    lines = text.splitlines()
    assert lines[0].startswith("20 tiltak") and len(lines) == 1 + 15 + 1
    assert lines[-1].startswith("… og 5 til")


def test_a_count_answer_says_the_number_and_how_it_was_counted() -> None:
    q = question("Hvor mange tiltak har høy risiko?", Shape.COUNT, filters=Filters(risk="høy"))
    text = count_answer(q, [source(GRORUD, REGNBUEN)], total=21)
    assert text.startswith("1 av 21 tiltak i Grorud") and "Talt:" in text.splitlines()[1]


def test_across_plans_one_cited_line_per_plan_and_the_plans_without_it() -> None:
    text = across_answer(question("Hvilke bydeler har HAP?", Shape.ACROSS), [source(GRORUD, REGNBUEN)], [NORDRE_AKER])
    lines = text.splitlines()
    assert lines[0] == "1 av 2 planer har noe om dette:"
    assert lines[1].startswith("• Grorud") and lines[1].endswith("[1]")
    assert lines[2] == "Ikke funnet i: Nordre Aker."


def test_a_plan_description_gives_period_expiry_count_and_areas() -> None:
    text = plan_answer(NORDRE_AKER, [HAP], today=date(2026, 12, 6))
    assert "2020–2024" in text and "utløpt" in text and "1 tiltak" in text and "Strategi 2" in text


def test_abstention_names_the_place_without_a_plan_and_cites_nothing() -> None:
    q = question("naloxon i Frogner", Shape.VALUE, unknown_place="Frogner")
    answer = make_answer(q, abstention([GRORUD, NORDRE_AKER], unknown_place="Frogner"), [], Shape.NONE)
    assert answer.abstained and not answer.citations
    assert answer.answer.startswith("Jeg finner ikke dette i rusplanene") and "Frogner" in answer.answer


def test_a_topic_absent_from_the_plan_named_says_which_plans_have_it() -> None:
    text = not_in_plan(NORDRE_AKER, ["nalokson"], [GRORUD])
    assert "Nordre Akers plan nevner ikke «nalokson»" in text and "Det gjør: Grorud." in text


def test_citations_resolve_to_the_records() -> None:
    answer = make_answer(question("x"), "svar [1] [2]", [source(GRORUD, REGNBUEN), source(GRORUD, INTRO)], Shape.FACT)
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
    text = value_answer(FieldName.STATUS, [source(ullern, hap)])
    assert text.startswith("Planen oppgir ikke status for dette tiltaket; kolonnen frist/status sier «Fortløpende")


def test_an_answer_names_its_plan_short_with_its_period_and_whether_it_has_ended() -> None:
    from rusqa.answering.shapes import plan_short

    assert plan_short(NORDRE_AKER, today=date(2026, 12, 6)) == "Nordre Aker-planen (2020–2024, utløpt)"
    assert plan_short(GRORUD, today=date(2026, 12, 6)) == "Grorud-planen (2023–2028)"


def test_a_number_asked_for_a_year_is_quoted_from_that_years_sentence() -> None:
    from rusqa.answering.shapes import best_sentences

    text = "I 2017 hadde 68 ungdommer individuell oppfølging i bydelen. I 2019 var det 60 ungdommer."
    quoted = best_sentences(text, ["ungdomm", "individuell", "oppfølging"], numbers=True, years={"2019"})
    assert quoted.startswith("I 2019 var det 60")


def test_a_sentence_that_introduces_a_list_is_quoted_with_the_whole_list() -> None:
    from rusqa.answering.shapes import best_sentences

    text = (
        "Rusmiljøet er hardere. Bydelen prioriterer disse satsingsområdene: • Tidlig innsats i skolen "
        "• Bolig med oppfølging • Aktivitet for eldre. Planen evalueres hvert år."
    )
    quoted = best_sentences(text, ["satsingsområd", "prioriter"])
    assert quoted == (
        "Bydelen prioriterer disse satsingsområdene: Tidlig innsats i skolen • Bolig med oppfølging • Aktivitet for eldre."
    )


def test_a_number_in_words_beside_what_is_counted_is_a_stated_number() -> None:
    from rusqa.answering.shapes import number_near_term

    assert number_near_term("Utdanningsetaten piloterer i tre bydeler et tilbud", {"bydel"})
    assert number_near_term("Bydelen har 34 000 innbyggere", {"innbygger"})
    assert not number_near_term("Bydelen har mange innbyggere", {"innbygger"})
    assert number_near_term("henvendelser fra 47 ungdommer", {"ung"})  # «hvor mange unge»: a word made from «ung»
    assert not number_near_term("henvendelser fra 47 personer", {"ung"})


def test_an_abbreviation_is_spelled_out_in_a_list_beside_an_owner_code_or_by_a_known_long_form() -> None:
    from rusqa.answering.shapes import spelled_out

    assert spelled_out("HM: Helse- og mestringsavdelingen FMS: Avdeling folkehelse", "HM")[0] == (
        "Helse- og mestringsavdelingen"
    )
    owner = "OF/HM (Oppvekst- og familieavdelingen / Helse- og mestringsavdelingen)"
    assert spelled_out(owner, "OF")[1] == "Oppvekst- og familieavdelingen"
    assert spelled_out("Tilbud om Hasjavvenningsprogram (HAP)", "HAP", ["hasjavvenningsprogram"])[2] == (
        "Hasjavvenningsprogram"
    )
    assert spelled_out("Ansvarlig: AVL", "AVL") == (None, None, None)
