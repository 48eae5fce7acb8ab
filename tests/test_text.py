"""Norwegian text analysis: printed text re-joined, matching forms, one tokeniser for all."""

from __future__ import annotations

from rusqa.text import join_bullets, join_lines, normalise, tokenize


def test_end_of_line_hyphenation_is_rejoined() -> None:
    assert join_lines(["bruk av rus-", "middel"]) == "bruk av rusmiddel"
    assert join_lines(["Rus-", "konsulent Ung"]) == "Ruskonsulent Ung"


def test_hyphens_that_belong_to_the_text_are_kept() -> None:
    assert join_lines(["rus- ", "og psykiske lidelser"]) == "rus- og psykiske lidelser"
    assert join_lines(["NAV-", "kontoret"]) == "NAV-kontoret"
    assert join_lines(["SaLTo-", "koordinator"]) == "SaLTo-koordinator"  # a capital inside: a name's spelling
    assert join_lines(["e-", "læring"]) == "e-læring"


def test_bullets_become_one_cell() -> None:
    assert join_bullets(["- Sommerjobb", "- Helseavklaring for", "unge"]) == "Sommerjobb • Helseavklaring for unge"


def test_soft_hyphens_and_zero_width_marks_do_not_change_matching() -> None:
    assert normalise("nalok\u00adson\u200b") == normalise("nalokson") == "nalokson"


def test_norwegian_writes_ks_for_x_so_naloxone_spellings_meet() -> None:
    assert tokenize("Naloxon")[0] == tokenize("nalokson")[0] == tokenize("naloxone")[0]


def test_a_plans_own_abbreviation_is_found_in_its_text() -> None:
    from rusqa.ingest.abbreviations import defined_abbreviations

    found = defined_abbreviations(
        ["Alle får tilbud om Hasjavvenningsprogram (HAP) i bydelen", "IPS (Individuell jobbstøtte)"]
    )
    assert found["hap"] == ("hasjavvenningsprogram",) and found["ips"] == ("individuell jobbstøtte",)


def test_stopwords_go_and_words_are_stemmed() -> None:
    assert tokenize("Hvem har ansvaret for tiltakene?") == ["ansvar", "tiltak"]


def test_a_consonant_doubled_before_an_ending_meets_the_bare_word() -> None:
    from rusqa.text import tokenize

    assert tokenize("ungdommer") == tokenize("ungdom") == tokenize("ungdommene")
    assert tokenize("programmet") == tokenize("program")
    assert tokenize("brukerrommet") == tokenize("brukerrom")
    assert tokenize("takk") == ["takk"]  # the double consonant of a short word is its own, not an ending's


def test_a_verbal_noun_meets_its_verb() -> None:
    """«Hvem samarbeider med skolene om rusforebygging?» must find «rusforebyggende program på skoler»."""
    assert tokenize("rusforebygging") == tokenize("rusforebyggende") == tokenize("rusforebygge")
    assert tokenize("kartlegginger") == tokenize("kartlegge")
    assert tokenize("oppfølgingen") == tokenize("oppfølgende")
    assert tokenize("læring") != tokenize("lære")  # too short a stem to tell a verbal noun: left alone
    assert tokenize("mening") == ["mening"]


def test_the_norwegian_stopwords_are_bm25s_list_read_without_importing_bm25s() -> None:
    from bm25s.stopwords import STOPWORDS_NORWEGIAN

    from rusqa.text import stopwords

    assert stopwords() == frozenset(STOPWORDS_NORWEGIAN) | {"bydel", "bydelen"}


def test_proper_names_are_quoted_parenthesised_or_capitalised_inside_the_word() -> None:
    from rusqa.text import proper_names

    assert proper_names("rapid mental health care (Rask psykisk helsehjelp) and the BrukerPlan survey") == [
        "Rask psykisk helsehjelp",
        "BrukerPlan",
    ]
    assert proper_names("Bydelene bruker «Play it right» som “kasteballer” (i Grorud)") == ["Play it right"]
