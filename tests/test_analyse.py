"""What rusqa understands of a question: plans, shape, field, filters, subject — in Norwegian, in English,
and as people type it."""

from __future__ import annotations

import pytest

from rusqa.answering.analyse import Vocabulary, analyse, find_places, is_english
from rusqa.models import FieldName, Plan, Shape
from rusqa.text import normalise, split_compound, tokenize

PLANS = [
    Plan(
        id="oslo-2026",
        bydel="Oslo kommune",
        title="Tryggere liv",
        period="2026–2029",
        layout="oslo",
        file="o",
        sha256="x",
    ),
    Plan(id="grorud-2023", bydel="Grorud", title="Grorud", period="2023–2028", layout="grorud", file="g", sha256="x"),
    Plan(id="ullern", bydel="Ullern", title="Ullern", period=None, layout="ullern", file="u", sha256="x"),
    Plan(
        id="nordre-aker-2020",
        bydel="Nordre Aker",
        title="NA",
        period="2020–2024",
        layout="nordre_aker",
        file="n",
        sha256="x",
    ),
]
WORDS = {
    "naloxon": 3, "opplæring": 9, "utdeling": 4, "kontakt": 5, "punkt": 2, "kontaktpunkt": 2, "grorud": 20,
    "hasjavvenningsprogram": 2, "ungdom": 30, "bolig": 12, "ullern": 10, "risiko": 5, "nav": 40,
}  # fmt: skip
VOCAB = Vocabulary(
    words=frozenset(WORDS),
    terms=frozenset({"søk", "nalokson", "opplæring", "utdeling", "kontaktpunkt", "kontakt", "ungdom", "bolig", "hap"}),
    frequencies=WORDS,
    abbreviations={"hap": ("hasjavvenningsprogram",)},
)


def ask(question: str):  # type: ignore[no-untyped-def]
    return analyse(question, PLANS, VOCAB)


@pytest.mark.parametrize(
    ("question", "plans", "unknown"),
    [
        ("Hvem har ansvar for naloxonopplæring i Grorud?", ["grorud-2023"], None),
        ("Hva står i Grorud sin plan om bolig?", ["grorud-2023"], None),
        ("Hva sier byens plan om brukerrom?", ["oslo-2026"], None),
        ("Hvilken byrådsavdeling har ansvar for 11S?", ["oslo-2026"], None),
        ("Hva er fristen for HAP i bydel Frogner?", [], "Frogner"),
        ("Har Bergen kommune en rusplan?", [], "Bergen"),
        ("Tiltak i Søndre Nordstrand", [], "Søndre Nordstrand"),
        ("Hva gjør Nordre Aker for eldre?", ["nordre-aker-2020"], None),
        ("Hva har Ullerns plan om bolig?", ["ullern"], None),
    ],
)
def test_places_in_a_question(question: str, plans: list[str], unknown: str | None) -> None:
    assert find_places(normalise(question), PLANS) == (plans, unknown)


@pytest.mark.parametrize(
    ("question", "shape", "field"),
    [
        ("Hvem har ansvar for naloxonopplæring i Grorud?", Shape.VALUE, FieldName.OWNER),
        ("who owns naloxone training in Grorud?", Shape.VALUE, FieldName.OWNER),
        ("Hva er fristen for kontaktpunktet i Ullern?", Shape.VALUE, FieldName.DEADLINE),
        ("Hva er status for HAP i Grorud?", Shape.VALUE, FieldName.STATUS),
        ("Hvor langt har de kommet med FACT-teamet?", Shape.VALUE, FieldName.STATUS),
        ("Hvilken avdeling skal styrke samarbeidet med Uteteam Ung i Nordre Aker?", Shape.VALUE, FieldName.OWNER),
        ("Hvilke tiltak i Grorud er vurdert til middels risiko?", Shape.SET, None),
        ("Hva har NAV ansvar for i Ullern?", Shape.SET, None),
        ("Hvor mange tiltak har Grorud?", Shape.COUNT, None),
        ("Hvilke bydelsplaner har tiltak om IPS?", Shape.ACROSS, None),
        ("Which districts have measures on housing?", Shape.ACROSS, None),
        ("Hvilke av planene nevner frivillige organisasjoner?", Shape.ACROSS, None),
        ("Har noen av bydelsplanene tiltak for eldre?", Shape.ACROSS, None),
        ("Hva gjør bydelene for barn som pårørende?", Shape.ACROSS, None),
        ("Har andre bydeler hasjavvenning?", Shape.ACROSS, None),
        ("Hvilke mål har Grorud-planen?", Shape.PLAN, None),
        ("Hvor mange tiltak i byplanen har bydelene som samarbeidspartner?", Shape.COUNT, None),  # city measures
        ("Hva er målene med tiltaket om gatelag i Grorud?", Shape.FACT, None),  # one tiltak's goals
        ("Hva gjør de ulike bydelene for pårørende?", Shape.ACROSS, None),
        ("Which of the plans mention volunteers?", Shape.ACROSS, None),
        ("Står det noe i planene om frivillige?", Shape.ACROSS, None),
        ("Is there anything in the district plans about volunteers?", Shape.ACROSS, None),
        ("Hvilket resultatmål hører tiltaket om ruskonsulenter i bydelene inn under?", Shape.FACT, None),
        ("Sammenlign planene om boliger med oppfølging", Shape.ACROSS, None),
        ("Hvor mange unge i Stovner har brukt cannabis, sammenlignet med Oslo?", Shape.FACT, None),
        ("Hva er planperioden for Grorud?", Shape.PLAN, None),
        ("What are Ullern's goals?", Shape.PLAN, None),
        ("Hvor lenge gjelder Grorud-planen?", Shape.PLAN, None),
        ("Gjelder Ullern-planen fremdeles?", Shape.PLAN, None),
        ("Is the Grorud plan still in force?", Shape.PLAN, None),
        ("Hva gjelder tiltaket om bolig i Grorud?", Shape.FACT, None),
        ("Hvilket botilbud skal Ullern bygge ut sammen med NAV i løpet av planperioden?", Shape.FACT, None),
        ("Hvor mange innbyggere har Ullern?", Shape.FACT, None),
        ("Hvem lager oversikten over gratis aktiviteter for unge i byplanen?", Shape.VALUE, FieldName.OWNER),
        ("Gi meg en oversikt over tiltakene om bolig i Grorud", Shape.SET, None),
        # a column header a plan prints for the field asks for it, as its own words
        ("Hva er tidsrammen for hasjavvenning i Grorud?", Shape.VALUE, FieldName.DEADLINE),
        ("Hva er fremdriften på kontaktpunktet i Ullern?", Shape.VALUE, FieldName.STATUS),
        ("Hvilken periode gjelder Grorud-planen for?", Shape.PLAN, None),
        # a yes/no question about one tiltak's state asks for its status; about several, it is no field question
        ("Er Grorud kommet i gang med hasjavvenningsprogrammet?", Shape.VALUE, FieldName.STATUS),
        ("Has Grorud started on the FACT team?", Shape.VALUE, FieldName.STATUS),
        ("Er noen av tiltakene i Grorud påbegynt?", Shape.FACT, None),
        # typed as a search: «tiltak i Grorud» lists the plan's tiltak, «tiltak 4 i Grorud» is one of them
        ("tiltak i Grorud", Shape.SET, None),
        # when a plan's period ends
        ("Når slutter Grorud-planen?", Shape.PLAN, None),
        ("When does the Ullern plan end?", Shape.PLAN, None),
        ("tiltak 4 i Grorud", Shape.FACT, None),
        ("takk!", Shape.SMALLTALK, None),
        ("Hei", Shape.SMALLTALK, None),
    ],
)
def test_the_shape_and_field_of_a_question(question: str, shape: Shape, field: FieldName | None) -> None:
    q = ask(question)
    assert (q.shape, q.field) == (shape, field)


def test_a_plan_named_by_its_title_is_not_a_subject() -> None:
    title = "Tryggere liv – Handlingsplan for rusfeltet i Oslo 2026–2029: Forebygging og skadereduksjon"
    plans = [p.model_copy(update={"title": title}) if p.is_city_plan else p for p in PLANS]
    words = {**WORDS, "rus": 50, "felt": 3, "rusfelt": 4, "handlingsplan": 5, "kommune": 9}
    vocab = Vocabulary(words=frozenset(words), terms=VOCAB.terms, frequencies=words, abbreviations={})
    q = analyse("Når utløper Oslo kommunes handlingsplan for rusfeltet, og hvilken periode dekker den?", plans, vocab)
    assert q.shape == Shape.PLAN and q.plan_ids == ["oslo-2026"]
    assert not any({"rus", "felt", "rusfelt", "handlingsplan"} & set(group) for group in q.concepts)


@pytest.mark.parametrize(
    ("question", "lacking"),
    [
        ("Hvilke bydeler har ikke tiltak om bolig?", True),
        ("Which plans don't mention naloxone?", True),
        ("Hvilke planer mangler tiltak for ungdom?", True),
        ("Hvilke planer har tiltak for ungdom som ikke går på skole?", False),
        ("Hvilke bydeler har tiltak om bolig?", False),
    ],
)
def test_which_plans_lack_something_is_read_from_a_negation_near_the_start(question: str, lacking: bool) -> None:
    q = ask(question)
    assert q.shape == Shape.ACROSS and q.lacking is lacking
    assert "mangler" not in q.subject


def test_a_set_question_filters_on_the_risk_facet_not_the_word() -> None:
    q = ask("Hvilke tiltak i Grorud er vurdert til middels risiko?")
    assert q.filters.risk == "middels" and q.plan_ids == ["grorud-2023"]
    assert "middels" not in q.terms and "risiko" not in q.terms


def test_an_inverse_owner_question_filters_on_the_unit() -> None:
    q = ask("Hva har NAV ansvar for i Ullern?")
    assert q.filters.owner == "nav" and q.plan_ids == ["ullern"] and not q.concepts
    q = ask("Hvilke tiltak skal Velferdsetaten ha hovedansvaret for?")  # a modal, a compound of «ansvar»
    assert q.shape == Shape.SET and q.filters.owner == "velferdsetaten"
    q = ask("Which measures in Ullern are the responsibility of NAV?")  # «the responsibility of X»
    assert q.shape == Shape.SET and q.filters.owner == "nav" and q.plan_ids == ["ullern"]


def test_statuses_and_deadline_years_become_filters() -> None:
    q = ask("Hvilke tiltak i Ullern har frist i 2022?")
    assert q.filters.year == 2022
    assert ask("Hvilke tiltak i Grorud er påbegynt?").filters.status == "pågår"
    assert ask("Hvilke tiltak venter i Grorud?").filters.status == "ikke startet"


def test_city_codes_and_code_groups() -> None:
    assert ask("Hvem har ansvar for 11S?").filters.codes == ["11S"]
    assert ask("Hvor mange S-tiltak har byplanen?").filters.code_group == "S"
    assert ask("Which measures are for people under-18s?").filters.codes == []


@pytest.mark.parametrize(
    ("question", "english"),
    [
        ("who owns naloxone training in Grorud?", True),
        ("When did the injection room start?", True),
        ("Hvem har ansvar for HAP i Grorud?", False),
        ("Hva er status for tiltaket?", False),
    ],
)
def test_english_questions_are_recognised(question: str, english: bool) -> None:
    assert is_english(normalise(question)) is english


def test_a_compound_is_split_into_words_the_plans_use() -> None:
    assert split_compound("naloxonopplæring", frozenset(WORDS)) == ["naloxon", "opplæring"]
    assert split_compound("grorud", frozenset(WORDS)) == []


def test_english_words_become_the_plans_norwegian_terms() -> None:
    q = ask("who owns naloxone training in Grorud?")
    assert q.plan_ids == ["grorud-2023"] and q.field == FieldName.OWNER and q.english
    assert {*tokenize("naloxon"), *tokenize("opplæring")} <= set(q.terms)
    assert "who" not in q.terms and "grorud" not in q.terms


def test_the_glossary_renders_every_word_the_plans_use_not_only_the_frequent_ones() -> None:
    from pathlib import Path

    from rusqa.lexicon import SOURCES_DIR, english_frame, glossary
    from tools.plan_words import plan_words

    listed = (SOURCES_DIR / "plan_words.txt").read_text(encoding="utf-8").split()
    assert listed == plan_words(Path(__file__).parent.parent / "corpus" / "plans")  # python -m tools.plan_words
    assert "ambassadører" in glossary()["ambassadors"]  # a word Grorud's plan prints once
    assert "district" in english_frame()  # «bydel»: a record word, as «districts» (bydeler) is


def test_english_request_words_frame_a_question_and_the_subject_of_a_record_word_does_not() -> None:
    from rusqa.lexicon import english_frame

    assert {"say", "says", "mention", "tell"} <= english_frame()  # «sier», «nevner», «fortell»
    assert not {"drug", "substance", "abuse"} & english_frame()  # «rusplan» is a «drug plan»: a plan
    q = ask("Does the Grorud plan say anything about drug checking?")
    assert "say" not in q.subject and "drug" in q.subject


def test_the_head_of_a_glossary_phrase_renders_the_plan_word_only_where_the_head_renders_none_itself() -> None:
    from rusqa.lexicon import glossary

    assert "nesespray" in glossary()["spray"]  # «nasal spray»: a spray
    assert "barnevern" not in glossary()["welfare"]  # «child welfare»: «welfare» renders «velferd» itself
    q = ask("who runs the course on the overdose-reversal spray in Grorud?")
    assert any("nesespray" in group for group in q.concepts)


def test_a_public_body_named_in_english_is_the_name_the_plans_print() -> None:
    assert ["nav"] in ask("what keeps young people from dreading the welfare office").concepts
    assert any("velferdsetat" in g for g in ask("What does the Welfare Agency do for young people?").concepts)


def test_a_typo_in_a_place_and_in_a_plan_word_is_repaired() -> None:
    q = ask("hvem har ansvar for kontakpunkt i grorudd")
    assert q.plan_ids == ["grorud-2023"]
    assert q.corrected == {"kontakpunkt": "kontaktpunkt", "grorudd": "grorud"}


@pytest.mark.parametrize(
    "question",
    [
        "Hvordan går det med kontaktpunktet i Ullern?",
        "How is the contact point in Ullern coming along?",
    ],
)
def test_the_everyday_ways_of_asking_how_far_a_tiltak_has_come_ask_its_status(question: str) -> None:
    q = ask(question)
    assert q.field == FieldName.STATUS and q.plan_ids == ["ullern"]
    assert not {"går", "coming"} & set(q.subject)


def test_a_verb_of_aboutness_frames_the_subject() -> None:
    assert ask("Hvilke tiltak i Grorud handler om bolig?").subject == ["bolig"]
    assert ask("Hvilke tiltak i Ullern dreier seg om ungdom?").subject == ["ungdom"]
    assert ask("Hvilke tiltak i byplanen er rettet mot ungdom?").subject == ["ungdom"]
    assert ask("Hva gjør de ulike bydelene for pårørende?").subject == ["pårørende"]


def test_a_typo_in_the_last_part_of_a_compound_is_repaired_on_that_part() -> None:
    from rusqa.answering.fuzzy import Speller

    speller = Speller({"nalokson": 3, "opplæring": 9, "rusbruken": 2, "snus": 4, "bruken": 3}, known=[])
    assert speller.repair_word("naloksonoplæring") == "naloksonopplæring"
    assert speller.repair_word("snusbruken") is None  # a compound of plan words, not a typo


def test_a_name_s_last_word_renders_nothing_and_aboutness_verbs_frame_an_english_set_question() -> None:
    from rusqa.lexicon import glossary

    assert "vestkanten" not in glossary().get("end", ())  # «West End» is no end
    q = ask("Which measures in Grorud involve housing?")
    assert q.shape == Shape.SET and q.concepts and not any("involv" in t or "inklu" in t for g in q.concepts for t in g)


@pytest.mark.parametrize(
    ("question", "risk", "also"),
    [
        ("Hvilke tiltak i Grorud har høy eller middels risiko?", "høy", ["middels"]),
        ("Which measures in Grorud have high or medium risk?", "høy", ["middels"]),
        ("Hvilke tiltak i Grorud har middels risiko?", "middels", []),
        ("Hvilke tiltak har middels risiko og høy prioritet?", "middels", []),  # «høy» is not joined to a risk level
    ],
)
def test_risk_levels_joined_by_or_are_each_accepted(question: str, risk: str, also: list[str]) -> None:
    f = ask(question).filters
    assert (f.risk, f.risk_also) == (risk, also)


def test_a_district_with_two_plans_is_asked_in_both() -> None:
    newer = Plan(id="ullern-2025", bydel="Ullern", title="U2", period="2025–2028", layout="docx", file="u2", sha256="x")
    assert find_places(normalise("Hvem har ansvar for kontaktpunktet i Ullern?"), [*PLANS, newer]) == (
        ["ullern", "ullern-2025"],
        None,
    )


@pytest.mark.parametrize(
    "question",
    ["Innen hvilket år skal Grorud ha etablert FACT-team?", "By which year should Ullern have a contact point?"],
)
def test_asking_by_which_year_asks_the_deadline(question: str) -> None:
    q = ask(question)
    assert (q.shape, q.field) == (Shape.VALUE, FieldName.DEADLINE) and not any(
        "år" in g or "year" in g for g in q.concepts
    )


def test_a_typo_in_the_beginning_of_a_longer_plan_word_is_repaired_on_that_beginning() -> None:
    from rusqa.answering.fuzzy import Speller

    speller = Speller({"hasjavvenningsprogram": 4, "ansvar": 40, "ungdom": 30}, known=[])
    assert speller.repair_word("hasjavenning") == "hasjavvenning"  # which begins «hasjavvenningsprogram»
    assert speller.repair_word("ungdomsarbeid") is None  # no plan word begins within one edit of it
    assert speller.repair_word("hasjav") is None  # too short to be taken for the beginning of a word


def test_a_question_with_a_typo_in_the_beginning_of_a_plan_word_finds_it(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("hvem har ansvr for hasjavenning i grorud")
    assert (
        answer.answer.startswith("Ansvarlig: «Ruskonsulent Ung") and answer.citations[0].record_id == "grorud-2023-t11"
    )


def test_a_place_joined_to_a_record_word_is_not_part_of_the_subject() -> None:
    assert ask("Hva sier Grorud-planen om ungdom?").subject == ["ungdom"]


def test_an_english_hyphenated_compound_is_translated_word_by_word() -> None:
    q = ask("Which health-related measures does Grorud have?")
    assert any("hels" in group for group in q.concepts) and not any("healthrelated" in g for g in q.concepts)


def test_a_compound_of_plan_words_is_not_taken_for_a_typo() -> None:
    from rusqa.answering.fuzzy import Speller

    speller = Speller({"snus": 2, "bruken": 5, "rusbruken": 9, "ungdom": 30}, [])
    assert speller.repair("hva gjør de mot snusbruken blant ungdom")[1] == {}
    assert speller.repair("hva gjør de mot rusbrukenn")[1] == {"rusbrukenn": "rusbruken"}


def test_place_names_typed_without_special_letters() -> None:
    assert ask("rusplan for ostensjo").unknown_place == "Østensjø"
    assert ask("tiltak i grunerlokka").unknown_place == "Grünerløkka"


def test_keyword_strings_without_question_words() -> None:
    q = ask("nalokson grorud hvem")
    assert (q.shape, q.field, q.plan_ids) == (Shape.VALUE, FieldName.OWNER, ["grorud-2023"])


def test_the_plans_own_abbreviation_joins_the_long_form() -> None:
    q = ask("Hvem har ansvar for hasjavvenningsprogram i Grorud?")
    assert "hap" in q.concepts[0]


def test_other_names_in_parentheses_or_after_a_slash_are_one_concept() -> None:
    q = ask("Hvilke planer nevner IPS / individuell jobbstøtte?")
    assert len(q.concepts) == 1 and "ips" in q.concepts[0]


def test_words_no_plan_contains_are_marked_unknown() -> None:
    q = ask("Hvordan søker jeg om beboerparkering?")
    assert [q.concepts[i] for i in q.unknown] == [tokenize("beboerparkering")]


def test_how_many_of_a_thing_asks_for_a_number() -> None:
    assert ask("Hvor mange innbyggere har Grorud?").quantity


def test_a_pronoun_without_a_subject_points_back() -> None:
    assert ask("hvem har ansvaret for det?").anaphor


def test_a_keyword_string_ending_in_when_asks_for_the_deadline() -> None:
    assert ask("kontakpunkt ulern når").field == FieldName.DEADLINE
    assert ask("fagdag ulern nar").field == FieldName.DEADLINE


def test_a_status_or_risk_can_be_excluded() -> None:
    q = ask("Hvilke tiltak i Grorud har en annen status enn «Påbegynt»?")
    assert (q.shape, q.filters.status, q.filters.status_excluded) == (Shape.SET, "pågår", True)
    assert not q.concepts  # «annen … enn» frames the filter, it is not a subject
    q = ask("Hvilke tiltak i Grorud har ikke lav risiko?")
    assert (q.filters.risk, q.filters.risk_excluded) == ("lav", True)


def test_a_status_whose_own_words_hold_a_negation_is_not_excluded() -> None:
    q = ask("Hvilke tiltak i Grorud har status ikke startet?")
    assert (q.filters.status, q.filters.status_excluded) == ("ikke startet", False)
    q = ask("Which measures in Grorud are not started?")
    assert (q.filters.status, q.filters.status_excluded) == ("ikke startet", False)


def test_a_code_group_typed_without_its_hyphen() -> None:
    assert ask("hvor mange s tiltak har byplanen").filters.code_group == "S"
    assert ask("Which of Stovner's measures have high risk?").filters.code_group is None


def test_a_unit_that_owns_alone() -> None:
    assert ask("Hva har bare NAV ansvar for i Ullern?").filters.owner_only
    q = ask("Hvor mange tiltak har Helse- og mestringsavdelingen alene ansvaret for i Nordre Aker?")
    assert q.filters.owner_only and "alene" not in q.filters.owner and not q.concepts
    assert not ask("Hvilke tiltak har NAV ansvar for, alene eller delt med andre?").filters.owner_only


def test_a_typo_in_an_inflected_form_is_repaired_on_the_bare_form_the_plans_print() -> None:
    from rusqa.answering.fuzzy import Speller

    speller = Speller({"fastlegeplan": 2, "plan": 40}, [])  # the plans print «Fastlegeplan», never «…planen»
    assert speller.repair("frist for fastlegplanen")[1] == {"fastlegplanen": "fastlegeplanen"}


def test_a_word_of_general_norwegian_is_not_a_typo_for_a_plan_word() -> None:
    q = ask("Hvor mye penger får brukerrommet?")  # not «lenger», which the plans use
    assert q.corrected == {} and "penger" in q.subject


def test_two_swapped_letters_are_one_typo() -> None:
    from rusqa.answering.fuzzy import Speller

    speller = Speller({"stovner": 5, "grorud": 5}, [])
    assert speller.repair("hvem har ansvaret på stovenr")[1] == {"stovenr": "stovner"}


@pytest.mark.parametrize(
    "question",
    [
        "Hvor mange tiltak har Grorud totalt?",
        "Hvor mange tiltak er det til sammen i Ullern?",
        "How many measures does Grorud have in total?",
    ],
)
def test_a_count_in_total_has_no_subject(question: str) -> None:
    q = ask(question)
    assert q.shape in (Shape.COUNT, Shape.PLAN) and q.concepts == []


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("hvem har ansvar for tiltak 1.2 i sagene?", ["1.2"]),
        ("hva er status på tiltak nr. 3", ["3"]),
        ("who owns measure 2 in bjerke", ["2"]),
        ("og t4?", ["t4"]),
        ("hvem har ansvar for tiltak 11s", []),  # the city plan's code, read elsewhere
        ("hvor mange tiltak har frist i 2025", []),
    ],
)
def test_a_tiltak_number_is_read_as_typed(text: str, numbers: list[str]) -> None:
    from rusqa.answering.analyse import tiltak_numbers

    assert tiltak_numbers(text) == numbers
