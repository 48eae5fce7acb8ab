"""Parser for the stovner layout: numbered chapters of prose, then a two-column tiltak table.

The plan is chapters «1 Innledning», «1.1 Bakgrunn» … of prose (with charts that extract as
single characters), and under «6 Tiltak» one table with the columns «Tiltak Bydel Stovner» |
«Ansvarlig». The PDF extraction prints every line followed by a blank line, cell by cell: a row's
text lines, then its owner lines («AVL», «Avd» + «oppvekst»). A cell with no owner that is
followed by a wider gap is a group heading inside the table («Spesifikke tiltak knyttet til tiltak
i Strategisk plan for rusfeltet i Oslo kommune»); the rows under it get it in their section path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rusqa.ingest.abbreviations import expand_owner
from rusqa.ingest.breaks import PlanWords
from rusqa.ingest.source import SECTION_SEP, PlanBuilder, Source, heading_level, is_blank
from rusqa.models import ParsedPlan, Plan
from rusqa.text import collapse, is_bullet, join_bullets, join_lines, strip_bullet

Line = tuple[int, str]

_NUMBER = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})*)")
_TABLE_HEADER = re.compile(r"^\s*(Tiltak\b.*?)\s+Ansvarlig\s*$")
_FOOTER = re.compile(r"^.*\s•\s.*•\s*\d{1,3}\s*$")  # «Bydel Stovner • Rusplan 2021-2024 • 7»
_OWNER_START = re.compile(r"^(?:[A-ZÆØÅ]{2,}(?:\s*/\s*[A-ZÆØÅ]{2,})*/?|Avd\.?|Avdeling|Seksjon)(?=\s|/|$)")
_ABBREVIATION = re.compile(r"[A-ZÆØÅ]{2,}")
_WORD = re.compile(r"[^\W\d_]+")
_SENTENCE_END = (".", ":", "!", "?", "»", "”", ")")
_MAX_PASSAGE = 1200


@dataclass
class _Cell:
    """One table cell group: a row (text + owner lines) or, with no owner, a group heading."""

    text: list[Line] = field(default_factory=list)
    owner: list[Line] = field(default_factory=list)


def parse(source: Source, plan: Plan) -> ParsedPlan:
    builder = PlanBuilder(plan)
    vocabulary = PlanWords(source.lines)
    heads = headings(source)
    if not heads:
        builder.warnings.append("no numbered headings found")
    if heads and heads[0][0] > 1:
        _read_body(builder, source, [plan.title], 1, heads[0][0] - 1, vocabulary)
    path: list[str] = []
    for i, (n, level, title) in enumerate(heads):
        path = [*path[: level - 1], title]
        builder.add_section(title, path, (n, n))
        end = heads[i + 1][0] - 1 if i + 1 < len(heads) else len(source)
        _read_body(builder, source, path, n + 1, end, vocabulary)
    return builder.build()


def headings(source: Source) -> list[tuple[int, int, str]]:
    """Numbered headings as (line, level, title); a number not after the previous one is a list item.

    The appendix list «1. Strategisk plan …» under «7 Vedlegg» looks like a heading; the plan's
    numbering only ever moves forward, so a number that does not follow its predecessor is not one.
    """
    out: list[tuple[int, int, str]] = []
    last: tuple[int, ...] = ()
    for n, line in enumerate(source.lines, start=1):
        level = heading_level(line)
        match = _NUMBER.match(line)
        if level is None or match is None:
            continue
        number = tuple(int(part) for part in match.group(1).split("."))
        if number <= last:
            continue
        last = number
        out.append((n, level, collapse(line)))
    return out


def _read_body(
    builder: PlanBuilder, source: Source, path: list[str], start: int, end: int, vocabulary: PlanWords
) -> None:
    """Prose up to a tiltak table header becomes passages; the table becomes tiltak."""
    section = SECTION_SEP.join(path)
    header = next((n for n in range(start, end + 1) if _TABLE_HEADER.match(source.line(n))), None)
    if header is None:
        add_passages(builder, source, section, start, end)
        return
    add_passages(builder, source, section, start, header - 1)
    _read_table(builder, source, path, header, end, vocabulary)


def _read_table(
    builder: PlanBuilder, source: Source, path: list[str], header: int, end: int, vocabulary: PlanWords
) -> None:
    """Rows become tiltak under the current table group; owner-less cells open a new group."""
    match = _TABLE_HEADER.match(source.line(header))
    assert match is not None
    group = [*path, collapse(match.group(1))]
    builder.add_section(group[-1], group, (header, header))
    abbreviations = builder.abbreviations
    for cell in table_cells(source, header + 1, end):
        lines = (cell.text[0][0], (cell.owner or cell.text)[-1][0])
        text = join_bullets(vocabulary.rejoin([t for _, t in cell.text]))
        if not cell.owner:
            group = [*path, text]
            builder.add_section(text, group, lines)
            continue
        owner = join_lines(vocabulary.rejoin([t for _, t in cell.owner]))
        abbreviations.update(plan_abbreviations(source, owner))
        builder.add_tiltak(
            section=SECTION_SEP.join(group),
            text=text,
            lines=lines,
            owner=owner,
            owner_expanded=expand_owner(owner, abbreviations),
        )
    if not builder.tiltak:
        builder.warnings.append(f"tiltak table at line {header} has no rows with an owner")


def table_cells(source: Source, start: int, end: int) -> list[_Cell]:
    """Split the table's lines into cells: text lines, then short owner lines, row after row.

    A cell with no owner is kept when a wider gap (two or more blank lines) follows it: that is a
    group heading spanning both columns. Page footers and a repeated header are skipped, and a
    page break does not count as a gap, so a row split by a page break stays one row.
    """
    cells: list[_Cell] = []
    cell = _Cell()
    for n, line, gap in _table_lines(source, start, end):
        if cell.text and not cell.owner and is_owner_start(line):
            cell.owner.append((n, line))
            continue
        if cell.owner and is_owner_continuation(line):
            cell.owner.append((n, line))
            continue
        if cell.owner or (cell.text and gap >= 2):
            cells.append(cell)
            cell = _Cell()
        cell.text.append((n, line))
    if cell.text:
        cells.append(cell)
    return cells


def _table_lines(source: Source, start: int, end: int) -> list[tuple[int, str, int]]:
    """Non-blank table lines with the number of blank lines before each (1 after a page break)."""
    out: list[tuple[int, str, int]] = []
    gap, page_break = 0, False
    for n in range(start, end + 1):
        line = source.line(n)
        if is_blank(line):
            gap += 1
        elif _FOOTER.match(line) or _TABLE_HEADER.match(line):
            page_break = True  # the next line continues the same cell
        else:
            out.append((n, line, 1 if page_break else gap))
            gap, page_break = 0, False
    return out


def is_owner_start(line: str) -> bool:
    """An owner cell starts with a unit code («AVL», «AVL/HAM») or «Avd»/«Avdeling»/«Seksjon», ≤3 words."""
    text = collapse(line)
    return bool(_OWNER_START.match(text)) and len(text.split()) <= 3 and not text.endswith(".")


def is_owner_continuation(line: str) -> bool:
    """The narrow owner column wraps «Avd» / «oppvekst»: a short lowercase or code line continues it."""
    text = collapse(line)
    short = len(text.split()) <= 3 and not text.endswith(".")
    return short and (text[:1].islower() or text[:1] in "/,&" or bool(_OWNER_START.match(text)))


def plan_abbreviations(source: Source, owner: str) -> dict[str, str]:
    """The plan's own definitions («AVL – Avdeling …») of the codes in an owner; never guessed."""
    found: dict[str, str] = {}
    for code in _ABBREVIATION.findall(owner):
        pattern = re.compile(rf"^\s*{re.escape(code)}\s*[-–:=]\s+(\S.*?)\s*$")
        for line in source.lines:
            match = pattern.match(line)
            if match:
                found[code] = collapse(match.group(1))
                break
    return found


def prose_lines(source: Source, start: int, end: int) -> list[Line]:
    """The prose lines of start..end: page footers and chart residue dropped.

    Charts extract as runs of one- to three-character lines («0», «5», «å», «r o»); their legend
    lines («Kvinner Menn») sit next to that run and are dropped with it.
    """
    kept = [(n, collapse(source.line(n))) for n in range(start, end + 1) if not is_blank(source.line(n))]
    kept = [(n, text) for n, text in kept if not _FOOTER.match(text)]
    residue = [len(text) <= 3 for _, text in kept]

    def legend(i: int, neighbour: int) -> bool:
        text = kept[i][1]
        return residue[neighbour] and len(text.split()) <= 4 and not text.endswith(_SENTENCE_END)

    for i in range(1, len(kept)):  # legend lines after a chart
        residue[i] = residue[i] or legend(i, i - 1)
    for i in range(len(kept) - 2, -1, -1):  # and before it
        residue[i] = residue[i] or legend(i, i + 1)
    return [line for line, dropped in zip(kept, residue, strict=True) if not dropped]


def add_passages(builder: PlanBuilder, source: Source, section: str, start: int, end: int) -> None:
    """Prose as passages of whole sentences (≤ ~1200 characters), each bullet its own unit.

    Every printed line is followed by a blank line, so blank lines do not mark paragraphs here;
    a unit ends at a line ending a sentence, which also keeps a sentence across a page break whole.
    """
    units: list[tuple[int, int, str]] = []
    current: list[Line] = []

    def close() -> None:
        if current:
            text = join_lines(t for _, t in current)
            units.append((current[0][0], current[-1][0], text))
            current.clear()

    for n, text in prose_lines(source, start, end):
        if is_bullet(text):
            close()
            text = "• " + strip_bullet(text)
        current.append((n, text))
        if text.endswith(_SENTENCE_END):
            close()
    close()
    group: list[tuple[int, int, str]] = []
    for unit in units:
        if group and sum(len(u[2]) + 1 for u in group) + len(unit[2]) > _MAX_PASSAGE:
            builder.add_passage(section, " ".join(u[2] for u in group), (group[0][0], group[-1][1]))
            group = []
        group.append(unit)
    if group:
        builder.add_passage(section, " ".join(u[2] for u in group), (group[0][0], group[-1][1]))
