"""What rusqa understands of a question: plan, intent, language, search concepts."""

from __future__ import annotations

import pytest

from rusqa.answering.analyse import analyse, detect_intent, find_places, is_english, split_compound
from rusqa.models import Plan
from rusqa.text import normalise

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
VOCABULARY = frozenset({"naloxon", "opplæring", "utdeling", "kontakt", "punkt", "kontaktpunkt", "grorud"})


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
        ("Hvor mange sprøytebokser er det i sentrum?", [], None),
        ("Hva gjør Nordre Aker for eldre?", ["nordre-aker-2020"], None),
    ],
)
def test_places_in_a_question(question: str, plans: list[str], unknown: str | None) -> None:
    assert find_places(normalise(question), PLANS) == (plans, unknown)


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Hvem har ansvar for naloxonopplæring i Grorud?", "owner"),
        ("who owns naloxone training in Grorud?", "owner"),
        ("Hva er fristen for kontaktpunktet i Ullern?", "deadline"),
        ("Hva er status for HAP i Grorud?", "status"),
        ("Hvor langt har de kommet med FACT-teamet?", "status"),
        ("Hva er risikoen ved Brukerplan?", "risk"),
        ("Hvilke bydeler har tiltak om HAP?", "list"),
        ("Which districts have measures on housing?", "list"),
        ("Sammenlign Grorud og Stovner om pårørende", "compare"),
        ("Hvor mange innbyggere har Ullern?", "fact"),
        ("Hvilken bydel tilbyr Dagfolkehøyskole?", "fact"),
    ],
)
def test_intent_of_a_question(question: str, intent: str) -> None:
    assert detect_intent(normalise(question)) == intent


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
    assert split_compound("naloxonopplæring", VOCABULARY) == ["naloxon", "opplæring"]
    assert split_compound("grorud", VOCABULARY) == []


def test_english_words_become_the_plans_norwegian_terms() -> None:
    query = analyse("who owns naloxone training in Grorud?", PLANS, VOCABULARY, frozenset({"nalokson", "opplæring"}))
    assert query.plan_ids == ["grorud-2023"] and query.intent == "owner" and query.english
    flat = query.terms
    assert "nalokson" in flat and "opplæring" in flat
    assert "who" not in flat and "grorud" not in flat


def test_other_names_in_parentheses_or_after_a_slash_are_one_concept() -> None:
    query = analyse("Hvilke planer nevner IPS / individuell jobbstøtte?", PLANS, VOCABULARY, frozenset({"ips"}))
    assert len(query.concepts) == 1 and "ips" in query.concepts[0]


def test_words_no_plan_contains_are_marked_unknown() -> None:
    query = analyse("Hvordan søker jeg om beboerparkering?", PLANS, VOCABULARY, frozenset({"søk"}))
    assert [query.concepts[i] for i in query.unknown] == [["beboerparkering"]]


def test_how_many_asks_for_a_number() -> None:
    assert analyse("Hvor mange innbyggere har Grorud?", PLANS, VOCABULARY, frozenset()).quantity
