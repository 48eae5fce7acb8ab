"""A plan that arrives as a PDF or a Word file is read without a parser of its own.

The fixture script renders the five plans' golden records (their hand parsers' output) as PDF and
DOCX; the generic readers must give the same tiltak back, field for field.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rusqa.ingest import ParsedPlan, ingest, parse_plan
from rusqa.ingest.source import Source
from rusqa.models import Plan
from tests.conftest import CORPUS
from tests.fixtures.render_plans import madeup_plan, render_all

COMPARED = ("text", "goal", "owner", "owner_expanded", "deadline", "status", "risk")


@pytest.fixture(scope="module")
def golden() -> dict[str, ParsedPlan]:
    return {p.plan.id: p for p in ingest(CORPUS).plans}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, golden: dict[str, ParsedPlan]) -> dict[str, Path]:
    return render_all(tmp_path_factory.mktemp("rendered"), list(golden.values()))


def read_as(path: Path, like: Plan) -> ParsedPlan:
    layout = path.suffix.removeprefix(".")
    plan = like.model_copy(update={"layout": layout, "file": path.name, "sha256": Source.read(path).sha256})
    return parse_plan(plan, path.parent)


def agreement(gold: ParsedPlan, got: ParsedPlan) -> float:
    """Share of the hand parser's tiltak that come back with every compared field equal."""
    same = sum(
        all(getattr(a, f) == getattr(b, f) for f in COMPARED) for a, b in zip(gold.tiltak, got.tiltak, strict=False)
    )
    return same / len(gold.tiltak)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("plan_id", ["oslo-2026", "grorud-2023", "ullern", "nordre-aker-2020", "stovner-2021"])
def test_a_plan_sent_as_pdf_or_word_gives_the_hand_parsers_tiltak(
    plan_id: str, fmt: str, golden: dict[str, ParsedPlan], rendered: dict[str, Path]
) -> None:
    gold = golden[plan_id]
    got = read_as(rendered[f"{plan_id}.{fmt}"], gold.plan)
    assert len(got.tiltak) == len(gold.tiltak)
    assert agreement(gold, got) >= 0.98


def test_a_row_split_by_a_page_break_is_one_tiltak_citing_both_pages(
    golden: dict[str, ParsedPlan], rendered: dict[str, Path]
) -> None:
    got = read_as(rendered["grorud-2023.pdf"], golden["grorud-2023"].plan)
    split = [t for t in got.tiltak if t.pages and t.pages[0] != t.pages[1]]
    assert split, "the rendering should split at least one row across pages"
    for t in split:
        gold = next(g for g in golden["grorud-2023"].tiltak if g.text == t.text)
        assert (t.owner, t.deadline, t.status, t.risk) == (gold.owner, gold.deadline, gold.status, gold.risk)


def test_running_headers_page_numbers_and_repeated_header_rows_are_dropped(
    golden: dict[str, ParsedPlan], rendered: dict[str, Path]
) -> None:
    source = Source.read(rendered["oslo-2026.pdf"])
    text = "\n".join(source.lines)
    assert "høringsutkast" not in text
    assert not any(line.strip().startswith("Side ") for line in source.lines)
    got = read_as(rendered["oslo-2026.pdf"], golden["oslo-2026"].plan)
    assert not any(t.text in ("Tiltak", "Mål") or t.owner == "Ansvarlig" for t in got.tiltak)


def test_a_tiltak_from_a_pdf_keeps_its_page(golden: dict[str, ParsedPlan], rendered: dict[str, Path]) -> None:
    got = read_as(rendered["oslo-2026.pdf"], golden["oslo-2026"].plan)
    pages = [t.pages for t in got.tiltak]
    assert all(p is not None for p in pages)
    assert pages[0] == (1, 1) or pages[0][0] == 1
    assert max(p[1] for p in pages if p) > 3  # the tables run over several pages


def test_owner_codes_are_expanded_from_the_plans_own_list_in_every_form(rendered: dict[str, Path]) -> None:
    sagene = madeup_plan()
    for fmt in ("pdf", "docx"):  # «HOM – Helse og mestring» lines in the PDF, a two-column table in Word
        got = read_as(rendered[f"sagene-2025.{fmt}"], sagene.plan)
        assert got.abbreviations == sagene.abbreviations
        assert [t.owner_expanded for t in got.tiltak] == [t.owner_expanded for t in sagene.tiltak]


def test_the_made_up_plan_in_a_new_layout_reads_completely(rendered: dict[str, Path]) -> None:
    sagene = madeup_plan()
    for fmt in ("pdf", "docx"):
        got = read_as(rendered[f"sagene-2025.{fmt}"], sagene.plan)
        assert [t.id for t in got.tiltak] == [t.id for t in sagene.tiltak]
        assert agreement(sagene, got) == 1.0
        assert got.tiltak[0].section.endswith("Innsatsområde A – Barn og unge")


def test_word_merged_goal_cells_and_bulleted_cells(golden: dict[str, ParsedPlan], rendered: dict[str, Path]) -> None:
    from docx import Document

    sagene = rendered["sagene-2025.docx"]  # a caption row merged across every column (gridSpan) above the header
    assert "w:gridSpan" in Document(str(sagene)).element.xml
    got = read_as(sagene, madeup_plan().plan)
    assert agreement(madeup_plan(), got) == 1.0 and not any("Innsatsområde" in (t.owner or "") for t in got.tiltak)

    oslo = rendered["oslo-2026.docx"]  # the city plan's rows share a resultatmål: one vertically merged cell
    assert "w:vMerge" in Document(str(oslo)).element.xml
    got = read_as(oslo, golden["oslo-2026"].plan)
    assert [t.goal for t in got.tiltak] == [t.goal for t in golden["oslo-2026"].tiltak]

    grorud = golden["grorud-2023"]  # Grorud's tiltak cells are bullet lists
    got = read_as(rendered["grorud-2023.docx"], grorud.plan)
    bulleted = [t.text for t in got.tiltak if " • " in t.text]
    assert bulleted and bulleted == [t.text for t in grorud.tiltak if " • " in t.text]


def test_a_pdftotext_layout_export_is_read_by_column_position(rendered: dict[str, Path], tmp_path: Path) -> None:
    """The text a planner gets from `pdftotext -layout` (poppler, installed by `make test`)."""
    import subprocess

    sagene = madeup_plan()
    out = tmp_path / "sagene-2025.txt"
    subprocess.run(["pdftotext", "-layout", str(rendered["sagene-2025.pdf"]), str(out)], check=True)
    got = read_as_text(out, sagene.plan)
    assert [t.id for t in got.tiltak] == [t.id for t in sagene.tiltak]
    assert agreement(sagene, got) == 1.0


def test_the_generic_text_reader_finds_six_in_ten_tiltak_with_their_owner_in_the_original_exports(
    golden: dict[str, ParsedPlan],
) -> None:
    """No hand parser: the column-by-column exports are read by header rows alone (measured in reports/layouts.json)."""
    found = 0
    for gold in golden.values():
        got = parse_plan(gold.plan.model_copy(update={"layout": "generic"}), CORPUS / "plans")
        by_text = {t.text: t.owner for t in got.tiltak}
        found += sum(1 for t in gold.tiltak if t.text in by_text and by_text[t.text] == t.owner)
    assert found / sum(len(g.tiltak) for g in golden.values()) >= 0.6


def read_as_text(path: Path, like: Plan) -> ParsedPlan:
    plan = like.model_copy(update={"layout": "generic", "file": path.name, "sha256": Source.read(path).sha256})
    return parse_plan(plan, path.parent)


def test_a_word_plan_whose_columns_are_named_by_synonyms_or_hva_hvem_naar_reads_every_row(tmp_path: Path) -> None:
    from docx import Document

    document = Document()
    document.add_heading("Rusmiddelpolitisk handlingsplan for bydel Alna 2025–2028", 0)
    tables = [
        (
            ["Nr", "Handling", "Delmål", "Ansvar", "Tidsfrist", "Fremdrift"],
            [
                [
                    "1.1",
                    "Samtaletilbud for ungdom som bruker cannabis",
                    "Færre unge debuterer",
                    "Helsestasjon for ungdom",
                    "2. kvartal 2025",
                    "Igangsatt",
                ]
            ],
        ),
        (["Hva", "Hvem", "Når"], [["Opplæring i nalokson nesespray", "Seksjon rus og psykisk helse", "Desember 2025"]]),
    ]
    for header, rows in tables:
        table = document.add_table(rows=1, cols=len(header))
        for cell, label in zip(table.rows[0].cells, header, strict=True):
            cell.text = label
        for row in rows:
            for cell, value in zip(table.add_row().cells, row, strict=True):
                cell.text = value
    path = tmp_path / "alna-2025.docx"
    document.save(str(path))
    like = Plan(
        id="alna-2025",
        bydel="Alna",
        title="Rusmiddelpolitisk handlingsplan for bydel Alna 2025–2028",
        period="2025–2028",
        file=path.name,
        layout="docx",
        sha256="",
    )
    got = read_as(path, like)
    assert [(t.text, t.owner, t.deadline, t.status) for t in got.tiltak] == [
        ("Samtaletilbud for ungdom som bruker cannabis", "Helsestasjon for ungdom", "2. kvartal 2025", "Igangsatt"),
        ("Opplæring i nalokson nesespray", "Seksjon rus og psykisk helse", "Desember 2025", None),
    ]
    assert got.tiltak[0].goal == "Færre unge debuterer"
