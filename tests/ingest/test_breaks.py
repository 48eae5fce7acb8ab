"""Words a narrow column broke at a line end: one rule, the plan's own words as evidence, for every layout."""

from __future__ import annotations

from rusqa.ingest.breaks import PlanWords
from rusqa.text import join_lines
from tests.ingest.helpers import source


def joined(words: PlanWords, lines: list[str]) -> str:
    return join_lines(words.rejoin(lines))


def test_a_word_broken_without_a_hyphen_is_rejoined_when_the_plan_prints_it_whole() -> None:
    words = PlanWords(["Forebyggende enhet har ansvar", "Forebyggen", "de enhet"])
    assert words.rejoin(["Forebyggen", "de enhet, "]) == ["Forebyggende enhet, "]
    assert joined(words, ["Forebyggende", "enhet"]) == "Forebyggende enhet"


def test_a_one_or_two_letter_tail_that_is_never_a_word_is_rejoined() -> None:
    grorud = PlanWords(source("grorud-2023").lines)
    assert grorud.rejoin(["Helsestasjo", "n for "]) == ["Helsestasjon for "]
    assert grorud.rejoin(["Forebyggen", "de enhet, "]) == ["Forebyggende enhet, "]


def test_real_words_at_a_line_end_stay_apart() -> None:
    grorud = PlanWords(source("grorud-2023").lines)
    assert grorud.rejoin(["kunnskap til å håndtere ", "bekymring i forhold til "]) == [
        "kunnskap til å håndtere ",
        "bekymring i forhold til ",
    ]
    assert grorud.rejoin(["Oppsøkende arbeid på ", "de unges arenaer. "]) == [
        "Oppsøkende arbeid på ",
        "de unges arenaer. ",
    ]
    nordre_aker = PlanWords(source("nordre-aker-2020").lines)
    assert nordre_aker.rejoin(["tilbud til", "de eldste"]) == ["tilbud til", "de eldste"]
    assert nordre_aker.rejoin(["NAV-", "Bydel"]) == ["NAV-", "Bydel"]
    words = PlanWords(["Forebyggende enhet arbeider", "Avd oppvekst", "rusfri og også"])
    assert words.rejoin(["Avd", "oppvekst"]) == ["Avd", "oppvekst"]
    assert words.rejoin(["rusfri og", "så videre"]) == ["rusfri og", "så videre"]


def test_hyphenation_is_left_to_join_lines() -> None:
    assert join_lines(["AT RUSPROBLEMER OPP-", "STÅR"]) == "AT RUSPROBLEMER OPPSTÅR"
    assert join_lines(["Høst/vår-", "22, evalueres"]) == "Høst/vår-22, evalueres"
    assert join_lines(["alkohol-", ", benzodiazepin-"]) == "alkohol-, benzodiazepin-"


def test_a_compound_a_narrow_column_cut_is_rejoined_where_its_tail_is_a_word_of_the_language() -> None:
    # a Word table exported to PDF cuts a word too long for its column where the column ends
    known = {"kurset", "arrangementer", "og", "til"}
    words = PlanWords(["Tilby", "foreldreveiledningsk", "urset til foreldre", "", "Helse og mestring tilbyr"], known)
    assert words.rejoin(["Tilby", "foreldreveiledningsk", "urset til foreldre"]) == [
        "Tilby", "foreldreveiledningskurset til foreldre"]  # fmt: skip
    # a real word at the line end stays apart: «og» is a word, and nothing longer ends the pair
    assert words.rejoin(["Helse", "og mestring"]) == ["Helse", "og mestring"]
    # without the language's words (the hand parsers), only the plan's own evidence counts
    assert PlanWords(["foreldreveiledningsk", "urset"]).rejoin(["foreldreveiledningsk", "urset"]) == [
        "foreldreveiledningsk", "urset"]  # fmt: skip
