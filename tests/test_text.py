"""Norwegian text analysis: printed text re-joined, matching forms, one tokeniser for all."""

from __future__ import annotations

from rusqa.text import join_bullets, join_lines, normalise, tokenize


def test_end_of_line_hyphenation_is_rejoined() -> None:
    assert join_lines(["bruk av rus-", "middel"]) == "bruk av rusmiddel"
    assert join_lines(["Rus-", "konsulent Ung"]) == "Ruskonsulent Ung"


def test_hyphens_that_belong_to_the_text_are_kept() -> None:
    assert join_lines(["rus- ", "og psykiske lidelser"]) == "rus- og psykiske lidelser"
    assert join_lines(["NAV-", "kontoret"]) == "NAV-kontoret"
    assert join_lines(["e-", "læring"]) == "e-læring"


def test_bullets_become_one_cell() -> None:
    assert join_bullets(["- Sommerjobb", "- Helseavklaring for", "unge"]) == "Sommerjobb • Helseavklaring for unge"


def test_soft_hyphens_and_zero_width_marks_do_not_change_matching() -> None:
    assert normalise("nalok\u00adson\u200b") == normalise("nalokson") == "nalokson"


def test_spelling_variants_of_naloxone_and_hap_meet() -> None:
    assert tokenize("Naloxon")[0] == tokenize("nalokson")[0] == tokenize("naloxone")[0]
    assert tokenize("hasjavvenningsprogrammet") == tokenize("HAP")


def test_stopwords_go_and_words_are_stemmed() -> None:
    assert tokenize("Hvem har ansvaret for tiltakene?") == ["ansvar", "tiltak"]
