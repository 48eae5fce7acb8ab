"""Parser for the oslo layout: the city plan «Tryggere liv – Handlingsplan for rusfeltet i Oslo».

The plan is numbered chapters of prose («1 Innledning» …) and, under the chapters «Innsatsområder,
resultatmål og tiltak forebygging (F)» / «… skadeforebygging (S)», a three-column table
Resultatmål | Tiltak | Ansvarlig byrådsavdeling. The PDF extraction emits that table column by
column within each page: the resultatmål paragraph, then the measures («1F. KORUS Oslo …», each
with its «- » sub-items), then the byrådsavdeling codes («SET», «SET/HLS» …) of the measures that
began on that stretch of the page, one code paragraph per measure, in order. A page break repeats
the header «Resultatmål Tiltak Ansvarlig / byrådsavdeling»; the text after it that starts in lower
case or with a bullet continues the last cell.

The table does not say which of the chapter's bulleted innsatsområder a row belongs to, so a
measure's section is its chapter; its resultatmål is in `goal`. The plan prints no abbreviation
list for the byrådsavdeling codes, so `owner_expanded` stays None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rusqa.ingest.breaks import PlanWords
from rusqa.ingest.source import SECTION_SEP, PlanBuilder, Source, add_prose, is_blank, paragraphs
from rusqa.models import ParsedPlan, Plan
from rusqa.text import collapse, is_bullet, join_bullets, join_lines

_HEADING = re.compile(r"^\d{1,2}\s+[A-ZÆØÅ][a-zæøå]")
_TABLE_HEADER = re.compile(r"^Resultatmål\s+Tiltak\s+Ansvarlig\b")
_HEADER_TAIL = re.compile(r"^byrådsavdeling$", re.IGNORECASE)
_CODE = re.compile(r"^(\d{1,2})\s?([FS])\.\s*(.*)$")
_GOAL_AND_CODE = re.compile(r"^(.*?[a-zæøå])\s+(\d{1,2})\s?([FS])\.\s*(.*)$")
_OWNER = re.compile(r"^[A-ZÆØÅ]{2,5}(?:\s?/\s?[A-ZÆØÅ]{2,5})*$")
_FOR_BYDELENE = re.compile(r"^Bydelene\b")


@dataclass
class _Cell:
    """A goal or a measure: its source lines (number, text) as collected across page breaks."""

    lines: list[tuple[int, str]] = field(default_factory=list)
    code: str | None = None
    goal: _Cell | None = None
    owner: str | None = None


def parse(source: Source, plan: Plan) -> ParsedPlan:
    """Chapters become sections; their prose becomes passages; the measure tables become tiltak."""
    builder = PlanBuilder(plan)
    vocabulary = PlanWords(source.lines)
    headings = _headings(source)
    if headings and headings[0][0] > 1:
        add_prose(builder, source, plan.title, 1, headings[0][0] - 1)
    for i, (start, end, title) in enumerate(headings):
        section = builder.add_section(title, [title], (start, end))
        path = SECTION_SEP.join(section.path)
        body_end = headings[i + 1][0] - 1 if i + 1 < len(headings) else len(source)
        table = next((n for n in range(end + 1, body_end + 1) if _is_header(source.line(n))), None)
        add_prose(builder, source, path, end + 1, (table or body_end + 1) - 1)
        if table is not None:
            _read_table(builder, source, path, table, body_end, vocabulary)
    return builder.build()


def _headings(source: Source) -> list[tuple[int, int, str]]:
    """Numbered chapter headings («1 Innledning», «8 Innsatsområder … skadeforebygging» + «(S)»).

    A heading is a numbered line whose title starts with a word (so «11 S. Velferdsetaten» is not
    one) and whose block, up to the next blank line, is at most two short lines.
    """
    out: list[tuple[int, int, str]] = []
    for n, raw in enumerate(source.lines, start=1):
        line = collapse(raw)
        if not _HEADING.match(line) or line.endswith((".", ",", ":", ";")) or len(line) > 90:
            continue
        end = n
        while end < len(source) and not is_blank(source.line(end + 1)):
            end += 1
        if end - n > 1 or (end > n and len(collapse(source.line(end))) > 20):
            continue
        out.append((n, end, join_lines(source.span(n, end))))
    return out


def _is_header(line: str) -> bool:
    return bool(_TABLE_HEADER.match(collapse(line)))


def _read_table(builder: PlanBuilder, source: Source, section: str, start: int, end: int, vocab: PlanWords) -> None:
    """Read the table rows in start..end into tiltak, in document order."""
    measures: list[_Cell] = []
    pending: list[_Cell] = []
    codes: list[str] = []
    goal: _Cell | None = None
    last: _Cell | None = None

    def flush() -> None:
        owners = _assign_owners(len(pending), codes)
        if owners is None:
            ids = ", ".join(m.code or "?" for m in pending) or "none"
            builder.warnings.append(f"{section}: {len(codes)} owner code(s) {codes} for measure(s) {ids}")
        else:
            for measure, owner in zip(pending, owners, strict=True):
                measure.owner = owner
        pending.clear()
        codes.clear()

    for lines in _pieces(source, start, end):
        if all(_OWNER.match(collapse(text)) for _, text in lines):
            codes.extend(collapse(text) for _, text in lines)
            continue
        if codes:
            flush()
        for chunk in _chunks(lines):
            n, first = chunk[0]
            first = collapse(first)
            shared = None if _CODE.match(first) else _GOAL_AND_CODE.match(first)
            if shared:  # «Skolen er en rusfri arena 14F. Bydelene …»: goal and measure on one line
                goal = _Cell(lines=[(n, shared.group(1))])
                first = first[len(shared.group(1)) :].strip()
            code = _CODE.match(first)
            if code:
                last = _Cell(lines=[(n, code.group(3)), *chunk[1:]], code=code.group(1) + code.group(2), goal=goal)
                measures.append(last)
                pending.append(last)
            elif last is not None and (is_bullet(first) or first[:1].islower()):
                last.lines.extend(chunk)
            else:
                goal = last = _Cell(lines=list(chunk))
    if codes or pending:
        flush()
    for measure in measures:
        _add_measure(builder, section, measure, vocab)


def _pieces(source: Source, start: int, end: int) -> list[list[tuple[int, str]]]:
    """The table's paragraphs as (line number, text) runs, cut at and without the page header.

    The repeated header «Resultatmål Tiltak Ansvarlig» / «byrådsavdeling» can follow the last
    owner code of a page without a blank line, so it is cut out wherever it stands.
    """
    out: list[list[tuple[int, str]]] = []
    for para_start, para_end in paragraphs(source, start, end):
        piece: list[tuple[int, str]] = []
        skip_tail = False
        for n in range(para_start, para_end + 1):
            line = source.line(n)
            if _is_header(line) or (skip_tail and _HEADER_TAIL.match(collapse(line))):
                out.extend([piece] if piece else [])
                piece, skip_tail = [], _is_header(line)
                continue
            skip_tail = False
            piece.append((n, line))
        out.extend([piece] if piece else [])
    return out


def _chunks(lines: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Split a paragraph where a measure code starts a line, in case no blank line separates them."""
    out: list[list[tuple[int, str]]] = []
    for item in lines:
        if not out or _CODE.match(collapse(item[1])):
            out.append([item])
        else:
            out[-1].append(item)
    return out


def _assign_owners(measures: int, codes: list[str]) -> list[str] | None:
    """The owner of each measure of a stretch: one code per measure in order, or one code for all.

    The extraction emits one code paragraph per owner cell; when the counts match, cell k belongs
    to measure k; a single cell spanning the stretch belongs to all its measures. Anything else is
    ambiguous (None → a warning) rather than a guess.
    """
    if measures and len(codes) == measures:
        return list(codes)
    if measures and len(codes) == 1:
        return codes * measures
    return None


def _add_measure(builder: PlanBuilder, section: str, measure: _Cell, vocab: PlanWords) -> None:
    numbers = [n for n, _ in measure.lines]
    text = join_bullets(vocab.rejoin([t for _, t in measure.lines]))
    goal = join_lines(vocab.rejoin([t for _, t in measure.goal.lines])) if measure.goal else None
    builder.add_tiltak(
        section=section,
        text=text,
        lines=(min(numbers), max(numbers)),
        code=measure.code,
        goal=goal,
        owner=measure.owner,
        for_bydelene=for_bydelene(text),
    )


def for_bydelene(text: str) -> bool:
    """Whether a city measure is addressed to the districts: its own text starts with «Bydelene».

    The measure text names who carries it out first, so «Bydelene …», «Bydelene og skolene …» and
    «Bydelene i samarbeid med …» are the districts' measures. «Velferdsetaten sørger for at
    bydelene …» or «… samarbeider med bydelene» is the agency's measure (False), and so is a
    measure whose «- Bydelene …» sub-item merely adds a task: only the measure's lead counts.
    """
    return bool(_FOR_BYDELENE.match(text))
