"""Golden tests for «Rusplan for bydel Stovner 2021–2024» (layout `stovner`)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from rusqa.ingest import stovner
from rusqa.ingest.source import Source
from rusqa.models import Plan
from tests.ingest.helpers import assert_lines_hold_text, assert_unique_texts, parsed, tiltak

PLAN = "stovner-2021"
OWN = "6 Tiltak / Tiltak Bydel Stovner"
CITY = "6 Tiltak / Spesifikke tiltak knyttet til tiltak i Strategisk plan for rusfeltet i Oslo kommune"


def test_every_row_of_the_tiltak_table_is_a_tiltak() -> None:
    # Counted by reading chapter 6: the table «Tiltak Bydel Stovner | Ansvarlig» has 4 rows
    # (AVL, AVL, Avd oppvekst, AVL), then the full-width row «Spesifikke tiltak knyttet til tiltak i
    # Strategisk plan for rusfeltet i Oslo kommune» (a group heading, no owner) and 5 rows under it
    # (Avd oppvekst, AVL, AVL, AVL, AVL/HAM): 9 tiltak.
    records = parsed(PLAN).tiltak
    assert len(records) == 9
    assert Counter(t.section for t in records) == {OWN: 4, CITY: 5}
    assert [t.owner for t in records] == [
        "AVL", "AVL", "Avd oppvekst", "AVL", "Avd oppvekst", "AVL", "AVL", "AVL", "AVL/HAM",
    ]  # fmt: skip


EXPECTED = {
    "stovner-2021-t1": dict(
        section=OWN,
        text="Det utarbeides nærmere plan for desentraliserte tjenester - økt bosetting og lokal oppfølging "
        "av personer med rusproblemer",
        owner="AVL",
        lines=(894, 898),
    ),
    # The owner column wraps «Avd» / «oppvekst»: one owner, two words.
    "stovner-2021-t3": dict(
        section=OWN,
        text="Bydelen tilbyr hasjavvenningsprogram (CPU) som også inndrar ungdommenes foreldre",
        owner="Avd oppvekst",
        lines=(908, 914),
    ),
    # «erfarings- og» keeps its hyphen; the double space after «kompetansedeling» is collapsed.
    "stovner-2021-t4": dict(
        section=OWN,
        text="Det utarbeides et program for systematisk erfarings- og kompetansedeling i bydelens rusarbeid, "
        "særlig rettet mot de som arbeider med barn og unge",
        owner="AVL",
        lines=(916, 922),
    ),
    # First row after the full-width group heading; multi-line owner again.
    "stovner-2021-t5": dict(
        section=CITY,
        text="Bydel Stovner etablerer en samarbeidsstruktur som sikrer tydelig ansvar for oppfølging når det "
        "meldes bekymringer knyttet til rus og barn og unge.",
        owner="Avd oppvekst",
        lines=(930, 938),
    ),
    # Printed «siker» (sic) is kept as printed.
    "stovner-2021-t6": dict(
        section=CITY,
        text="Det utarbeides rutine som siker at bydelen tilbyr oppfølgingssamtale for alle som henvender seg "
        "til tjenester i kommunen med behov for hjelp ved rusproblemer, eller som er pårørende.",
        owner="AVL",
        lines=(940, 948),
    ),
    "stovner-2021-t8": dict(
        section=CITY,
        text="Bydelen sikrer at den enkeltes opplevelse av livskvalitet dokumenteres, som et av resultatmålene "
        "i endrings- og mestringsarbeidet – i tråd med byrådsavdelingens føringer",
        owner="AVL",
        lines=(956, 962),
    ),
    "stovner-2021-t9": dict(
        section=CITY,
        text="Det utarbeides rutiner for systematisk evaluering av alvorlige hendelser og dødsfall med tanke "
        "på læring og forebygging",
        owner="AVL/HAM",
        lines=(964, 968),
    ),
}


@pytest.mark.parametrize("tiltak_id", sorted(EXPECTED))
def test_tiltak_fields_are_printed_words(tiltak_id: str) -> None:
    record = tiltak(PLAN, tiltak_id)
    # The plan prints no goal, deadline, status or risk column and defines no abbreviations,
    # so those fields and owner_expanded stay None.
    expected = dict(
        goal=None, owner_expanded=None, deadline=None, status=None, risk=None, for_bydelene=False,
        **EXPECTED[tiltak_id],
    )  # fmt: skip
    assert record.model_dump(include=set(expected)) == expected


def test_line_ranges_hold_texts_and_texts_are_unique() -> None:
    assert_lines_hold_text(PLAN)
    assert_unique_texts(PLAN)


def test_no_warnings_and_no_invented_abbreviations() -> None:
    plan = parsed(PLAN)
    assert plan.warnings == []
    assert plan.abbreviations == {}


def test_sections_follow_the_numbered_headings_and_the_table_groups() -> None:
    paths = [s.path for s in parsed(PLAN).sections]
    assert paths[:2] == [["1 Innledning"], ["1 Innledning", "1.1 Bakgrunn"]]
    assert ["2 Befolkningen – demografi og statistikk", "2.3 Ungdom og rusbruk"] in paths
    assert ["5 Kompetanse"] in paths
    assert OWN.split(" / ") in paths and CITY.split(" / ") in paths
    # The appendix list «1. Strategisk plan …» under «7 Vedlegg» is not a heading.
    assert paths[-1] == ["7 Vedlegg"]
    assert len(paths) == 20


def _passage_with(sentence: str) -> str:
    hits = [p.section for p in parsed(PLAN).passages if sentence in p.text]
    assert len(hits) == 1, sentence
    return hits[0]


def test_prose_lands_under_its_section() -> None:
    introduction = (
        "Bydel Stovners rusplan er utarbeidet av en arbeidsgruppe sammensatt på tvers av bydelens avdelinger."
    )
    assert _passage_with(introduction) == "1 Innledning / 1.1 Bakgrunn"
    assert _passage_with("Per 1.1.2020 har bydelen en total befolkning på 33 316") == (
        "2 Befolkningen – demografi og statistikk / 2.1 Demografi og levekår"
    )
    assert _passage_with("Meldinger til barnevern 12,5 26,7") == (
        "2 Befolkningen – demografi og statistikk / 2.2 Data om målgruppen"
    )
    # A sentence across a page break (footer «Bydel Stovner • Rusplan 2021-2024 • 9») stays whole.
    assert _passage_with("som kommer til Legevakten på grunn av rusmiddelforgiftning") == (
        "2 Befolkningen – demografi og statistikk / 2.3 Ungdom og rusbruk"
    )
    assert _passage_with("Med ansvarlig menes ansvarlig for at tiltaket gjennomføres") == "6 Tiltak"
    assert _passage_with("• REBUS – tverrfaglig team med helsestasjon og barnevern") == (
        "3 Status i bydelens rusarbeid / 3.2 Bistand til mestring av rusproblemer og økt livskvalitet"
    )


def test_footers_and_chart_residue_are_not_prose() -> None:
    texts = " ".join(p.text for p in parsed(PLAN).passages)
    assert "Rusplan 2021-2024 •" not in texts
    assert "Kvinner Menn" not in texts
    assert "AVL" not in texts  # the table's cells are tiltak, not passages


def _synthetic(lines: list[str]) -> Source:
    spaced = [part for line in lines for part in (line, "")]
    return Source(path=Path("synthetic.txt"), lines=spaced, sha256="0" * 64)


def test_a_revised_edition_with_a_page_break_and_an_abbreviation_list() -> None:
    text = [
        "1 Innledning",
        "AVL – Avdeling arbeid, velferd og levekår",
        "HAM – Avdeling helse, aktivitet og mestring",
        "6 Tiltak",
        "Tiltak Bydel Stovner Ansvarlig",
        "Det utarbeides en plan for",
        "Bydel Stovner • Rusplan 2025-2028 • 12",
        "Tiltak Bydel Stovner Ansvarlig",
        "lokal oppfølging i bolig",
        "AVL/HAM",
        "Bydelen tilbyr HAP til ungdom",
        "Avd",
        "oppvekst",
    ]
    plan = Plan(
        id="stovner-x", bydel="Stovner", title="Rusplan", period=None, layout="stovner", file="x.txt", sha256="0"
    )
    result = stovner.parse(_synthetic(text), plan)
    assert result.warnings == []
    first, second = result.tiltak
    assert first.text == "Det utarbeides en plan for lokal oppfølging i bolig"
    assert first.lines == (11, 19)
    assert first.owner == "AVL/HAM"
    assert first.owner_expanded == "Avdeling arbeid, velferd og levekår / Avdeling helse, aktivitet og mestring"
    assert (second.owner, second.owner_expanded) == ("Avd oppvekst", None)
