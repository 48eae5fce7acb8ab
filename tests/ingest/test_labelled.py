"""Plans that print each tiltak as a labelled block («Tiltak 3: …», «Ansvarlig: …») rather than a table."""

from __future__ import annotations

from pathlib import Path

import pytest

from rusqa.ingest import parse_plan
from rusqa.ingest.labelled import label
from rusqa.ingest.source import Source
from rusqa.models import Plan

BLOCKS = [
    ("Innsatsområde 1: Forebygging", None),
    ("Mål: Færre unge debuterer med rusmidler", None),
    ("Tiltak 1: Etablere foreldreveiledning om rus", None),
    ("i ungdomsskolene", None),  # a wrapped line
    ("Ansvarlig: Forebyggende enhet", None),
    ("Frist: Høst 2025", None),
    ("Status: Påbegynt", None),
    ("", None),
    ("Tiltak 2: Kurse ansatte i bruk av nalokson", None),
    ("Ansvarlig: Helse og omsorg", None),
    ("Frist: 2026", None),
    ("", None),
    ("Tiltak: Se vedlegg 2 for hele listen.", None),  # a label with no field after it stays prose
    ("", None),
    ("Bydelen samarbeider tett med frivillige organisasjoner.", None),
]
EXPECTED = [
    ("1", "Etablere foreldreveiledning om rus i ungdomsskolene", "Forebyggende enhet", "Høst 2025", "Påbegynt"),
    ("2", "Kurse ansatte i bruk av nalokson", "Helse og omsorg", "2026", None),
]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Tiltak 3: Etablere et kontaktpunkt", ("text", "3", "Etablere et kontaktpunkt")),
        ("Tiltak 2.1 – Etablere et kontaktpunkt", ("text", "2.1", "Etablere et kontaktpunkt")),
        ("Ansvarlig: NAV Alna", ("owner", None, "NAV Alna")),
        ("Tidsfrist: 2026", ("deadline", None, "2026")),
        ("Ansvarlig 3: NAV", None),  # a number only after a tiltak label
        ("Mål – færre overdoser", None),  # a dash only after a numbered tiltak label
        ("Bydelen har tre mål: færre overdoser", None),
    ],
)
def test_a_label_is_a_column_header_word_and_a_colon(line: str, expected: tuple[str, str | None, str] | None) -> None:
    assert label(line) == expected


def _plan(path: Path, layout: str) -> Plan:
    return Plan(
        id="alna-2025",
        bydel="Alna",
        title="Handlingsplan mot rus for bydel Alna 2025–2027",
        period="2025–2027",
        file=path.name,
        layout=layout,
        sha256=Source.read(path).sha256,
    )


def _write(path: Path) -> None:
    if path.suffix == ".txt":
        path.write_text("\n".join(line for line, _ in BLOCKS) + "\n", encoding="utf-8")
    elif path.suffix == ".docx":
        from docx import Document

        document = Document()
        document.add_heading("Handlingsplan mot rus for bydel Alna 2025–2027", 0)
        for line, _ in BLOCKS:
            if line.startswith("Innsatsområde"):
                document.add_heading(line, 1)
            elif line:
                document.add_paragraph(line)
        document.save(str(path))
    else:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import getSampleStyleSheet
        from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

        styles = getSampleStyleSheet()
        story = [Paragraph("Handlingsplan mot rus for bydel Alna 2025–2027", styles["Title"])]
        for line, _ in BLOCKS:
            story.append(
                Paragraph(line, styles["Heading2"])
                if line.startswith("Innsats")
                else Paragraph(line, styles["Normal"])
                if line
                else Spacer(1, 12)
            )
        SimpleDocTemplate(str(path), pagesize=A4).build(story)


@pytest.mark.parametrize(("suffix", "layout"), [(".txt", "generic"), (".docx", "docx"), (".pdf", "pdf")])
def test_a_plan_of_labelled_blocks_gives_its_tiltak_with_their_fields(tmp_path: Path, suffix: str, layout: str) -> None:
    path = tmp_path / f"alna-2025{suffix}"
    _write(path)
    parsed = parse_plan(_plan(path, layout), tmp_path)
    got = [(t.id.removeprefix("alna-2025-"), t.text, t.owner, t.deadline, t.status) for t in parsed.tiltak]
    assert got == EXPECTED
    assert {t.goal for t in parsed.tiltak} == {"Færre unge debuterer med rusmidler"}
    passages = " ".join(p.text for p in parsed.passages)
    assert "Se vedlegg 2" in passages and "frivillige organisasjoner" in passages


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Tiltaks-\nbeskrivelse", "text"),  # hyphenated over two lines in a narrow header cell
        ("Tiltak nr.", "code"),
        ("Handling", "text"),
        ("Ansvarlig\nenhet", "owner"),
        ("Hvem", "owner"),
        ("Tidsramme", "deadline"),
        ("Fremdrift", "status"),
        ("Risikonivå", "risk"),
        ("Samarbeidspartnere", None),  # partners are not the owner
        ("Målgruppe", None),
    ],
)
def test_a_column_header_names_its_field(header: str, field: str | None) -> None:
    from rusqa.ingest.headers import column_field

    assert column_field(header) == field
