"""Asking questions end to end, against a real index of the five plans."""

from __future__ import annotations

import pytest

from rusqa.errors import InputError


def test_who_owns_naloxone_training_in_grorud(assistant) -> None:
    answer = assistant.ask("Hvem har ansvar for naloxonopplæring i Grorud?")
    assert not answer.abstained
    assert "Regnbuen" in answer.answer
    assert all(c.bydel == "Grorud" for c in answer.citations)
    assert any("naloxon" in c.text.lower() for c in answer.citations)


def test_english_question_gets_a_norwegian_answer(assistant) -> None:
    answer = assistant.ask("who owns naloxone training in Grorud?")
    assert not answer.abstained
    assert "Ansvarlig" in answer.answer and "Regnbuen" in answer.answer


def test_an_english_paraphrase_of_naloxone_reaches_grorud_s_overdose_measure(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("who runs the course on the overdose-reversal spray")
    assert answer.citations[0].record_id == "grorud-2023-t20"
    assert answer.answer.startswith("Ansvarlig: «Alle»")


def test_a_tiltak_by_its_number_in_a_plan_that_numbers_none_is_the_one_rusqa_shows_as_t4(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("Hvem har ansvar for tiltak 4 i Grorud?")
    assert answer.citations[0].record_id == "grorud-2023-t4" and answer.answer.startswith("Ansvarlig:")
    missing = assistant.ask("Hva går tiltak 30 i Grorud ut på?")
    assert missing.abstained and "har ikke noe tiltak nummer 30" in missing.answer


def test_a_bydel_without_a_plan_is_told_so(assistant) -> None:
    answer = assistant.ask("Hvem har ansvar for naloxon i bydel Frogner?")
    assert answer.abstained and not answer.citations
    assert answer.answer.startswith("Jeg finner ikke")
    assert "Frogner" in answer.answer


@pytest.mark.parametrize("question", ["", "   \n\t ", "x" * 5000, "???!!!"])
def test_unusable_questions_get_one_line_errors(assistant, question: str) -> None:
    with pytest.raises(InputError) as error:
        assistant.ask(question)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    "question",
    [
        "Hei! Hvem har ansvar for hasjavvenningsprogrammet i Grorud?",
        "Jeg lurer på hvem som har ansvar for HAP i Grorud, takk",
        "Hallo, hvem tar seg av HAP-kurs for ungdom i Grorud?",
    ],
)
def test_greetings_and_small_talk_around_a_question_do_not_stop_the_answer(assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert not answer.abstained and "Ruskonsulent" in answer.answer


def test_an_off_topic_question_about_a_district_with_a_plan_is_declined(assistant) -> None:
    answer = assistant.ask("Hvordan søker jeg om beboerparkering i bydel Stovner?")
    assert answer.abstained and not answer.citations


def test_which_grorud_tiltak_have_another_status_than_underway(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("Hvilke tiltak i Grorud har en annen status enn «Påbegynt»?")
    assert answer.answer.startswith("3 tiltak i Grorud-planen")
    assert sorted(c.record_id for c in answer.citations) == ["grorud-2023-t19", "grorud-2023-t4", "grorud-2023-t7"]


def test_a_plan_that_has_the_words_is_not_said_to_lack_them(assistant) -> None:  # type: ignore[no-untyped-def]
    """The city plan's title says «skadereduksjon» but its S section is «skadeforebygging»: no tiltak holds
    the word, and the answer must not claim the plan never mentions it."""
    answer = assistant.ask("Hvor mange tiltak har byplanen innen skadereduksjon?")
    assert answer.abstained and "nevner ikke" not in answer.answer
    assert "Byplanen nevner «skadereduksjon»" in answer.answer


def test_an_english_question_one_plan_cannot_answer_quotes_no_english_words_as_its_topic(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("Does Ullern's plan say anything about snus for pensioners on cruise ships?")
    assert answer.abstained and answer.answer == "Jeg finner ikke dette i rusplanene. Jeg har søkt i: Ullern."


def test_a_set_shown_whole_reads_in_the_plans_order_so_the_first_is_the_plans_first(assistant) -> None:  # type: ignore[no-untyped-def]
    listed = [c.record_id for c in assistant.ask("Hvilke tiltak i Grorud handler om ungdom?").citations]
    order = [t.id for t in assistant.live.tiltak_of(["grorud-2023"])]
    assert len(listed) >= 3 and listed == sorted(listed, key=order.index)


def test_a_line_across_plans_cites_a_plans_tiltak_before_a_passage_that_only_describes_it(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("Hvilke planer nevner IPS?")
    cited = {c.doc_id: c.tiltak_id for c in answer.citations}
    assert cited["nordre-aker-2020"] == "nordre-aker-2020-t32"  # «… (IPS prosjekter)»: a tiltak, not background
    assert all("ips" in assistant.live.by_id[c.record_id].text.casefold() for c in answer.citations)


def test_a_plan_has_a_named_service_only_where_it_gives_the_name(assistant) -> None:  # type: ignore[no-untyped-def]
    """Ullern's and Nordre Aker's plans say much about «psykisk helsehjelp», but never name the service."""
    answer = assistant.ask("Hvilke planer har noe om «Rask psykisk helsehjelp»?")
    assert {c.doc_id for c in answer.citations} == {"oslo-2026", "grorud-2023", "stovner-2021"}  # «Raskere …» too
    assert answer.answer.splitlines()[-1] == "Ikke funnet i: Ullern, Nordre Aker."
    english = assistant.ask("Which district plans use the BrukerPlan survey?")  # the name, not «survey», decides
    assert {c.doc_id for c in english.citations} == {"grorud-2023", "nordre-aker-2020", "stovner-2021"}
    aside = assistant.ask("Which plans (Grorud or Ullern) have measures about IPS?")  # places, not a name
    assert {c.doc_id for c in aside.citations} == {"grorud-2023", "ullern"}


def test_a_plan_that_never_gives_a_name_has_no_owner_for_it(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("Hvem har ansvar for BrukerPlan i Ullern?")
    assert answer.abstained and not answer.citations
    assert (
        answer.answer
        == "Jeg finner ikke dette: Ullerns plan nevner ikke «BrukerPlan». Det gjør: Grorud, Nordre Aker, Stovner."
    )
    grorud = assistant.ask("Hvem har ansvar for BrukerPlan i Grorud?")
    assert "brukerplan" in grorud.citations[0].text.casefold()


def test_the_norwegian_spelling_of_a_word_the_plans_print_with_x_splits_as_a_compound(assistant) -> None:  # type: ignore[no-untyped-def]
    printed = assistant.ask("Hvem har ansvar for naloxonopplæring i Grorud?").citations[0].record_id
    assert assistant.ask("hvem har ansvaret for naloksonopplæring i grorud").citations[0].record_id == printed
    assert assistant.ask("hvem har ansvaret for naloksonoplæring i grorud").citations[0].record_id == printed


def test_how_many_measures_are_aimed_at_the_districts_counts_them_in_plain_words(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("Hvor mange tiltak i byplanen er rettet mot bydelene?")
    assert (
        answer.answer.splitlines()[0]
        == "9 av 43 tiltak i byplanen Tryggere liv (2026–2029) som byplanen retter til bydelene."
    )
    led = assistant.ask("Hvilke tiltak i byplanen leder bydelene?")  # «leder» says who acts, it names no subject
    assert (
        led.answer.splitlines()[0] == "9 tiltak i byplanen Tryggere liv (2026–2029) som byplanen retter til bydelene:"
    )


def test_a_filter_no_tiltak_matches_is_said_with_what_the_plan_prints(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("Hvilke tiltak i Grorud har frist i 2024?")
    assert answer.abstained and not answer.citations
    assert answer.answer.splitlines() == [
        "Jeg finner ingen: 0 av 21 tiltak i Grorud-planen (2023–2028) er med frist i 2024.",
        "Fristene planen oppgir: Kontinuerlig (20), Avventer Korus (1).",
    ]


def test_an_english_question_about_a_topic_the_named_plan_never_mentions_finds_nothing(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("Does Ullern have anything on naloxone?")  # «nalokson»: Grorud's plan has it, Ullern's not
    assert answer.abstained and not answer.citations
    assert assistant.ask("Does Grorud have anything on naloxone?").citations[0].doc_id == "grorud-2023"


def test_what_a_unit_does_is_the_tiltak_it_owns_but_what_a_district_does_is_searched(assistant) -> None:  # type: ignore[no-untyped-def]
    owned = {c.record_id for c in assistant.ask("Hva har NAV ansvar for i Ullern?").citations}
    assert {c.record_id for c in assistant.ask("Hva gjør NAV i Ullern?").citations} == owned
    assert {c.record_id for c in assistant.ask("What does NAV do in Ullern?").citations} == owned
    district = assistant.ask("Hva gjør Grorud for pårørende?")  # a place, not an owner: a fact about pårørende
    assert district.citations and "pårørende" in district.citations[0].text.casefold()


def test_the_measures_in_which_the_districts_are_partners(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("Hvilke tiltak i byplanen har bydelene som samarbeidspartner?")
    assert (
        answer.answer.splitlines()[0]
        == "7 tiltak i byplanen Tryggere liv (2026–2029) der bydelene er samarbeidspartner:"
    )
    cited = {c.record_id.removeprefix("oslo-2026-") for c in answer.citations}
    assert cited == {"2F", "5F", "9F", "20F", "3S", "5S", "18S"}  # another actor works «i samarbeid med bydelene»
    english = assistant.ask("Which measures of the city plan have the districts as partners?")
    assert {c.record_id for c in english.citations} == {c.record_id for c in answer.citations}


def test_one_word_that_is_a_heading_s_own_word_counts_the_tiltak_under_that_heading(assistant) -> None:  # type: ignore[no-untyped-def]
    harm = assistant.ask("Hvor mange av byplanens tiltak gjelder skadeforebygging?")
    assert harm.answer.startswith("19 av 43 tiltak i byplanen")  # the S measures, under «… skadeforebygging (S)»
    prevention = assistant.ask("Hvor mange tiltak i byplanen handler om forebygging?")
    assert prevention.answer.startswith("24 av 43 tiltak i byplanen")  # «forebygging (F)», not «skadeforebygging»


def test_a_set_under_a_heading_is_named_by_that_heading(assistant) -> None:  # type: ignore[no-untyped-def]
    strategy = assistant.ask("Hvilke tiltak har Nordre Aker under strategi 3?")  # over several «… nivå» subsections
    assert strategy.answer.splitlines()[0].endswith("under «7.3. STRATEGI 3 – ØKT LIVSKVALITET VED RUSPROBLEMER»:")
    offensive = assistant.ask("Hvilke tiltak har Grorud under forebygging?")  # the first part of «Forebyggingsoffensiv»
    assert offensive.answer.splitlines()[0] == (
        "7 tiltak i Grorud-planen (2023–2028) under «Forebyggingsoffensiv for å hindre at rusproblemer oppstår»:"
    )


def test_a_quoted_sentence_names_the_heading_it_stands_under_not_the_whole_path(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("Hvor mange unge fra Nordre Aker var registrert på legevakta i 2018?")
    assert "47 ungdommer" in answer.answer
    assert (
        answer.answer.splitlines()[1] == "Kilde: Nordre Aker-planen (2020–2024, utløpt), «Ungdom og rus på legevakta»."
    )
    assert " / " in answer.citations[0].section  # the citation keeps the whole path


def test_a_numbered_heading_narrows_a_set_to_its_own_section(assistant) -> None:  # type: ignore[no-untyped-def]
    """Every strategy of Nordre Aker's plan has a «Strukturelt nivå»: «strategi 2» picks one of them."""
    answer = assistant.ask("Hvilke tiltak på strukturelt nivå står under strategi 2 i Nordre Aker?")
    sections = {assistant.live.tiltak_by_id[c.record_id].section for c in answer.citations}
    assert sections and all("STRATEGI 2" in s and "Strukturelt" in s for s in sections), sections


def test_owner_parts_keep_a_compound_with_a_hyphen_whole() -> None:
    from rusqa.answering.qa import owner_parts

    assert owner_parts("Helse- og mestringsavdelingen") == ["Helse- og mestringsavdelingen"]
    assert owner_parts("NAV/Bydel/ Forebyggende Enhet") == ["NAV", "Bydel", "Forebyggende Enhet"]
    assert owner_parts("HM, OF") == ["HM", "OF"] and owner_parts("NAV og bydel") == ["NAV", "bydel"]


def test_what_nav_alone_owns_in_ullern_is_a_subset_of_what_nav_owns(assistant) -> None:  # type: ignore[no-untyped-def]
    every = {c.record_id for c in assistant.ask("Hva har NAV ansvar for i Ullern?").citations}
    alone = assistant.ask("Hva har bare NAV ansvar for i Ullern?")
    assert alone.answer.startswith(f"{len(alone.citations)} tiltak") and "eneste ansvarlig" in alone.answer
    assert {c.record_id for c in alone.citations} < every
    # «Avdelingsleder NAV med ansvar for rus i samarbeid med Velferdsetaten»: two owners, so not NAV alone
    assert "ullern-t16" in every and "ullern-t16" not in {c.record_id for c in alone.citations}


def test_a_filter_on_a_field_the_named_plan_never_prints_says_so_instead_of_counting_nothing(assistant) -> None:  # type: ignore[no-untyped-def]
    listed = assistant.ask("Hvilke tiltak har høy risiko i Nordre Aker?")
    assert listed.abstained and "Nordre Aker-planen (2020–2024, utløpt) oppgir ikke risiko" in listed.answer
    assert "Det gjør bare Grorud-planen" in listed.answer
    counted = assistant.ask("Hvor mange tiltak i Stovner er fullført?")
    assert not counted.abstained and counted.answer.startswith("0 av 9 tiltak. Stovner-planen")
    assert "oppgir ikke status" in counted.answer


def test_what_a_district_does_for_a_group_is_answered_from_its_tiltak(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("Hva gjør Ullern for pårørende?")
    assert not answer.abstained and answer.citations[0].record_id == "ullern-t10"


def test_how_long_a_plan_runs_is_its_period(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("Hvor lenge gjelder Stovner-planen?")
    assert answer.answer.startswith("Stovner: Rusplan for bydel Stovner 2021–2024: Planperioden er 2021–2024")
    assert "6 Tiltak" not in answer.answer


def test_which_districts_lack_a_subject_names_them_first_and_cites_those_that_have_it(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("Hvilke bydeler har ikke tiltak om IPS?")
    assert answer.answer.splitlines()[:2] == ["1 av 4 planer har ikke noe om dette: Stovner.", "Disse har det:"]
    assert {c.doc_id for c in answer.citations} == {"grorud-2023", "ullern", "nordre-aker-2020"}


def test_a_plans_goals_and_strategies_are_quoted_from_its_own_lists_and_cited(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("Hvilke strategier og mål har Ullern-planen?")
    assert {c.record_id for c in answer.citations} == {"ullern-p2", "ullern-p3"}
    assert "Strategier: «Forebyggingsoffensiv for å hindre at rusproblemer oppstår • Tidlig innsats" in answer.answer
    areas = assistant.ask("Hvilke innsatsområder har byplanen?")
    assert "(innsatsområder): Kunnskapsbaserte forebyggingstiltak • Nye digitale virkemidler" in areas.answer
    period = assistant.ask("Hva er planperioden for Grorud?")
    assert not period.citations


def test_who_owns_is_an_owner_question_and_eier_is_no_subject(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("Hvem eier tiltaket om Kastanjen i Ullern?")
    assert answer.answer.startswith("Ansvarlig: «") and answer.citations[0].record_id == "ullern-t10"


def test_general_words_the_plan_lacks_do_not_stop_an_answer(assistant) -> None:  # type: ignore[no-untyped-def]
    # «få på plass» is not in Ullern's plan; it is general Norwegian, not what the question is about
    answer = assistant.ask("Hvem har ansvaret for å få på plass tilrettelagte boliger i Ullern?")
    assert not answer.abstained and answer.citations[0].tiltak_id == "ullern-t14"
    assert "boligbygg" in answer.answer.splitlines()[0]


def test_general_words_do_not_make_a_missing_topic_look_answered(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("Hvordan skal Grorud få på plass noe mot snusbruken?")
    assert answer.abstained and not answer.citations


def test_a_not_found_answer_quotes_the_telling_words_the_plan_lacks(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("Hva gjør Ullern i stedet for snusbruken?")
    assert answer.abstained and "«snusbruken»" in answer.answer and "stedet" not in answer.answer


def test_a_number_beside_another_thing_does_not_answer_how_much_money(assistant) -> None:  # type: ignore[no-untyped-def]
    # the city plan gives the consumption room's visits (52 000), not its money
    answer = assistant.ask("Hvor mye penger får brukerrommet i Tryggere liv?")
    assert answer.abstained and "52 000" not in answer.answer


def test_tiltak_under_a_goal_named_in_other_words_are_counted_under_that_goal(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("Hvor mange tiltak i Ullern hører til målet om at færre utvikler rusproblemer?")
    assert answer.answer.startswith("5 av 17 tiltak i Ullern-planen")
    assert "under målet «Færre innbyggere utvikler rusproblemer»" in answer.answer.splitlines()[0]


def test_a_number_the_plans_do_not_give_says_what_was_looked_for(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("Hvor mange ansatte har NAV Grorud?")
    assert answer.abstained and not answer.citations and "setter et tall ved «ansatte»" in answer.answer


def test_what_an_abbreviation_stands_for_comes_from_where_a_plan_spells_it_out(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("hva står HM for?")
    assert answer.answer.startswith("«HM» står for «Helse- og mestringsavdelingen». [1]")
    assert answer.citations[0].section == "Forkortelser"
    unexplained = assistant.ask("hva står AVL for?")  # Stovner's owner code, never spelled out
    assert unexplained.abstained and not unexplained.citations
    assert "forklarer ikke forkortelsen «AVL»" in unexplained.answer and "Stovner" in unexplained.answer


def test_an_abbreviation_written_in_mixed_case_is_spelled_out_too(assistant) -> None:  # type: ignore[no-untyped-def]
    # «SaLTo», «KoRus»: two capitals or more make an abbreviation; the plan's quotation marks are not doubled
    assert assistant.ask("Hva betyr SaLTo?").answer.startswith("«SaLTo» står for «Sammen lager vi et trygt Oslo». [1]")
    assert assistant.ask("What does KoRus stand for?").answer.startswith("«KoRus» står for «Kompetansesenter Rus».")
    assert "står for" not in assistant.ask("Hva betyr Grorud?").answer  # a name, not an abbreviation


def test_a_plan_word_whose_last_part_is_plan_is_its_own_subject(assistant) -> None:  # type: ignore[no-untyped-def]
    # «brukerplan» is a tool; without «plan» (a record word) the rest, «bruker», would hold for most tiltak
    answer = assistant.ask("hvilke tiltak nevner brukerplan?")
    assert all("brukerplan" in c.text.casefold() for c in answer.citations) and len(answer.citations) < 5


@pytest.mark.parametrize(
    ("question", "head"),
    [
        ("Hvilke planer har utløpt?", "2 av 5 planer er utløpt:"),
        ("Which plans are still in force?", "2 av 5 planer gjelder fortsatt:"),
        ("Hvilke bydelsplaner er utgått?", "2 av 4 planer er utløpt:"),  # the districts' plans only
    ],
)
def test_which_plans_have_ended_is_answered_from_their_periods(assistant, question: str, head: str) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask(question)
    assert answer.answer.startswith(head) and "Ullern-planen (udatert)" in answer.answer
    assert ("Nordre Aker-planen (2020–2024" in answer.answer) and ("Grorud-planen (2023–2028)" in answer.answer)


def test_a_set_of_two_risk_levels_lists_the_tiltak_of_either(assistant) -> None:  # type: ignore[no-untyped-def]
    either = assistant.ask("Hvilke tiltak i Grorud har høy eller middels risiko?")
    high, medium = (assistant.ask(f"Hvilke tiltak i Grorud har {r} risiko?") for r in ("høy", "middels"))
    assert either.answer.startswith("13 tiltak i Grorud-planen (2023–2028) med risiko «høy» eller «middels»")
    assert {c.record_id for c in either.citations} == {c.record_id for c in [*high.citations, *medium.citations]}


def test_general_words_the_plans_never_use_do_not_make_a_question_unanswerable(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("helt annet spm: hvor mange besøk hadde brukerrommet i 2024?")  # «helt», not the plans'
    assert not answer.abstained and "52 000" in answer.answer


def test_a_compound_whose_first_part_the_plans_write_only_inside_a_longer_word(assistant) -> None:  # type: ignore[no-untyped-def]
    # the plans write «hasjavvenningsprogram» (HAP), never «hasjavvenning» alone nor «…kurs»
    answer = assistant.ask("Hvem har ansvaret for hasjavvenningskurset i Stovner?")
    assert not answer.abstained and answer.citations[0].tiltak_id == "stovner-2021-t3"


def test_a_printed_tiltak_number_is_the_plans_own_and_an_unnumbered_plans_is_its_place() -> None:
    from types import SimpleNamespace

    from rusqa.answering.qa import numbered_id
    from rusqa.models import Plan

    def plan(plan_id: str) -> Plan:
        return Plan(id=plan_id, bydel="X", title="t", period="2025–2028", file="x.docx", layout="docx", sha256="")

    ids = {
        "sagene-2025": ["sagene-2025-1.1", "sagene-2025-1.2", "sagene-2025-t3"],
        "alna-2025": ["alna-2025-t1", "alna-2025-t2"],
    }
    live = SimpleNamespace(tiltak_by_plan={p: [SimpleNamespace(id=i) for i in v] for p, v in ids.items()})
    assert numbered_id(live, plan("sagene-2025"), "1.2") == "sagene-2025-1.2"  # type: ignore[arg-type]
    assert numbered_id(live, plan("sagene-2025"), "t3") == "sagene-2025-t3"  # type: ignore[arg-type]
    assert numbered_id(live, plan("sagene-2025"), "3") is None  # type: ignore[arg-type]  # the plan numbers its own
    assert numbered_id(live, plan("alna-2025"), "2") == "alna-2025-t2"  # type: ignore[arg-type]
    assert numbered_id(live, plan("alna-2025"), "7") is None  # type: ignore[arg-type]
