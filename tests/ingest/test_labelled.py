"""Plans that print each tiltak as a labelled block («Tiltak 3: …», «Ansvarlig: …») rather than a table."""

from __future__ import annotations

from pathlib import Path

import pytest

from rusqa.ingest import parse_plan
from rusqa.ingest.labelled import field_value, inline_labels, label, parenthesised_fields
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
        ("Tiltak 1.1 Foreldreveiledning", ("text", "1.1", "Foreldreveiledning")),  # a heading: no colon
        ("Tiltak 3 skal gjennomføres i 2025", None),  # a sentence about a tiltak, not its label
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


def test_row_fields_labelled_inside_a_paragraph_are_cut_out_of_it() -> None:
    line = "Bydelen tilbyr foreldreveiledning kl. 18. Ansvar: Oppvekst og familie. Frist: Q2 2026. Status: Pågår."
    assert inline_labels(line) == [
        "Bydelen tilbyr foreldreveiledning kl. 18.",
        "Ansvar: Oppvekst og familie.",
        "Frist: Q2 2026.",
        "Status: Pågår.",
    ]
    # the full stop that ends a field's sentence is no part of its value, once the value is whole
    # («Frist: 2.» ⏎ «kvartal 2026.» is «2. kvartal 2026»); a text keeps its own, an abbreviation too
    assert [field_value(name, v) for name, v in [("owner", "Oppvekst og familie."), ("deadline", "2. kvartal 2026."),
            ("text", "Kurs for foreldre."), ("owner", "NAV m.m.")]] == [
        "Oppvekst og familie", "2. kvartal 2026", "Kurs for foreldre.", "NAV m.m."]  # fmt: skip
    assert inline_labels("Målet er klart: færre overdoser. Tiltaket: se vedlegg.") == [
        "Målet er klart: færre overdoser. Tiltaket: se vedlegg."  # not a row field
    ]


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_a_plan_that_prints_each_tiltak_as_a_heading_over_a_paragraph_with_its_fields(
    tmp_path: Path, suffix: str
) -> None:
    """«Tiltak 1.1 Foreldreveiledning» as a heading, the fields labelled in the paragraph under it."""
    tiltak = [
        ("1.1", "Foreldreveiledning", "Bydelen tilbyr ICDP til foreldre.", "Oppvekst og familie", "2026", "Pågår"),
        ("2.1", "Nalokson", "Alle ansatte får opplæring i nalokson.", "Rustjenesten", "Q2 2025", "Fullført"),
    ]
    path = tmp_path / f"alna-2025{suffix}"
    paragraphs = [
        f"{text} Ansvar: {owner}. Frist: {deadline}. Status: {status}."
        for _, _, text, owner, deadline, status in tiltak
    ]
    if suffix == ".docx":
        from docx import Document

        document = Document()
        document.add_heading("Handlingsplan mot rus for bydel Alna 2025–2027", 0)
        for (code, title, *_), paragraph in zip(tiltak, paragraphs, strict=True):
            document.add_heading(f"Tiltak {code} {title}", 2)
            document.add_paragraph(paragraph)
        document.save(str(path))
    else:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import getSampleStyleSheet
        from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

        styles = getSampleStyleSheet()
        story = [Paragraph("Handlingsplan mot rus for bydel Alna 2025–2027", styles["Title"])]
        for (code, title, *_), paragraph in zip(tiltak, paragraphs, strict=True):
            story += [Paragraph(f"Tiltak {code} {title}", styles["Heading2"]), Paragraph(paragraph, styles["Normal"])]
            story.append(Spacer(1, 12))
        SimpleDocTemplate(str(path), pagesize=A4).build(story)
    parsed = parse_plan(_plan(path, suffix.lstrip(".")), tmp_path)
    got = [(t.id.removeprefix("alna-2025-"), t.text, t.owner, t.deadline, t.status) for t in parsed.tiltak]
    assert got == [(c, f"{title} – {text}", o, d, st) for c, title, text, o, d, st in tiltak]


def test_a_line_whose_closing_parenthesis_labels_its_fields_is_a_tiltak() -> None:
    assert parenthesised_fields("• Etablere flere boliger med oppfølging (ansvar: Boligkontoret, frist: 2026)") == (
        "Etablere flere boliger med oppfølging",
        {"owner": "Boligkontoret", "deadline": "2026"},
    )
    assert parenthesised_fields("Styrke bo-oppfølgingen (Ansvarlig: Helse og mestring; Status: Pågår).") == (
        "Styrke bo-oppfølgingen",
        {"owner": "Helse og mestring", "status": "Pågår"},
    )
    assert parenthesised_fields("Bydelen samarbeider med NAV (se kapittel 3)") is None
    assert parenthesised_fields("Tilbudet gjelder unge (alder: 16–24 år, frist: 2026)") is None  # not all row fields


def test_a_tiltak_line_whose_field_parenthesis_wraps_onto_the_next_line_is_one_tiltak(tmp_path: Path) -> None:
    # as a Word plan exported to PDF prints «Tiltak 1: … (Ansvar: OPP; frist: 2025; status: gjennomført)»
    path = tmp_path / "alna-2025.txt"
    path.write_text(
        "Mål 1: Færre barn og unge begynner å bruke rusmidler\n\n"
        "Tiltak 1: Lage en plan for hvordan skolene skal følge opp elever som blir tatt\n"
        "med rusmidler i skoletiden. (Ansvar: OPP; frist: 2025; status: gjennomført)\n"
        "Tiltak 2: Holde fritidsklubbene åpne minst tre kvelder i uken gjennom hele\n"
        "skoleåret. (Ansvar: UNG; frist: løpende)\n",
        encoding="utf-8",
    )
    parsed = parse_plan(_plan(path, "generic"), tmp_path)
    assert [(t.text, t.owner, t.deadline, t.status) for t in parsed.tiltak] == [
        (
            "Lage en plan for hvordan skolene skal følge opp elever som blir tatt med rusmidler i skoletiden.",
            "OPP",
            "2025",
            "gjennomført",
        ),
        ("Holde fritidsklubbene åpne minst tre kvelder i uken gjennom hele skoleåret.", "UNG", "løpende", None),
    ]
