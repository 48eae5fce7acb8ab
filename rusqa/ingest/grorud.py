"""Parser for the grorud layout: intro prose, then one table per strategy.

Each strategy heading is the line just above a table header «Mål Tiltak Ansvarlig Frist Status
Risiko». The PDF extraction prints a row's cells column by column as blocks of lines separated by
blank lines: Mål, Tiltak (often «- » bullets, sometimes several blocks), Ansvarlig, Frist, Status,
Risiko. Short cells share a line («Kontinuerlig Påbegynt Lav», «Alle Kontinuerlig  Påbegynt Høy»,
«Brukerplan, som er verktøy for bydelen.  Alle Avventer Korus Avventer Høy»), so a row ends at the
line whose last word is a risk (a closed vocabulary) preceded by a status (another closed
vocabulary); what is left is the frist, with the owner (and even the tail of the tiltak, after a
double space) in front of it. A page break (a run of empty lines) can split a row: the rest of its
cells comes after its risk, before the next row's Mål, again in column order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from rusqa.ingest.breaks import PlanWords
from rusqa.ingest.source import SECTION_SEP, PlanBuilder, Source, add_prose, is_blank
from rusqa.models import ParsedPlan, Plan
from rusqa.text import is_bullet, join_bullets, join_lines

_HEADER = re.compile(r"^\s*Mål\s+Tiltak\s+Ansvarlig\s+Frist\b", re.IGNORECASE)
_RISK = re.compile(r"(?:^|\s)(lav|middels|høy)\s*$", re.IGNORECASE)
_STATUS = re.compile(
    r"(?:^|\s)(ikke påbegynt|ikke startet|påbegynt|venter|oppstart|avventer|pågår|pågående|i gang|igangsatt|"
    r"startet|planlagt|fullført|gjennomført|ferdig|videreført|utsatt|avsluttet|i drift)\s*$",
    re.IGNORECASE,
)
# Where a frist begins when the owner shares its line («Alle Avventer Korus», «Ruskonsulentene Kontinuerlig»).
_FRIST_START = re.compile(
    r"\b(?:kontinuerlig|løpende|fortløpende|avventer|årlig|innen|høst|vår|sommer|vinter|q[1-4]|\d|"
    r"januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember)",
    re.IGNORECASE,
)
_CELL_GAP = re.compile(r"\s{2,}")  # two or more spaces inside a line: two cells on one line
_PAGE_BREAK_RUN = 2  # consecutive empty lines (a form feed comes out as an empty line too)
_GOAL_WIDTH_FACTOR = 1.5  # a Mål block this much wider than the column holds a tiltak too
GOAL, TEXT, OWNER = 0, 1, 2  # the cells a row keeps as lines


@dataclass
class _Block:
    start: int
    lines: list[str]
    after_break: bool

    @property
    def end(self) -> int:
        return self.start + len(self.lines) - 1

    @property
    def has_bullet(self) -> bool:
        return any(is_bullet(line) for line in self.lines)


@dataclass
class _Row:
    cells: list[list[str]]  # Mål, Tiltak, Ansvarlig lines
    deadline: str
    status: str
    risk: str
    first: int  # the row's first line
    last: int  # its last line, continuation after a page break included


def parse(source: Source, plan: Plan) -> ParsedPlan:
    builder = PlanBuilder(plan)
    headers = [n for n, line in enumerate(source.lines, 1) if _HEADER.match(line)]
    if not headers:
        builder.warnings.append("no table header «Mål Tiltak Ansvarlig Frist …» found: no tiltak read")
    headings = [_previous_nonblank(source, n) for n in headers]
    intro_end = (headings[0] if headings else len(source) + 1) - 1
    title_line = next((n for n in range(1, intro_end + 1) if not is_blank(source.line(n))), intro_end)
    add_prose(builder, source, plan.title, title_line + 1, intro_end)  # its first line is the plan's title
    vocab = PlanWords(source.lines)
    for i, (heading, header) in enumerate(zip(headings, headers, strict=True)):
        title = join_lines([source.line(heading)])
        section = SECTION_SEP.join(builder.add_section(title, [title], (heading, heading)).path)
        end = (headings[i + 1] - 1) if i + 1 < len(headings) else len(source)
        rows = _rows(builder, section, _blocks(source, header + 1, end))
        width = median(max(len(line.strip()) for line in row.cells[GOAL]) for row in rows) if rows else 0
        for row in rows:
            _split_goal(row, width)
            _add_row(builder, section, row, vocab)
    return builder.build()


def _previous_nonblank(source: Source, n: int) -> int:
    """The strategy heading is the nearest non-blank line above a table header."""
    m = n - 1
    while m > 1 and is_blank(source.line(m)):
        m -= 1
    return m


def _blocks(source: Source, start: int, end: int) -> list[_Block]:
    """Runs of non-blank lines; a block after a run of empty lines starts a new page."""
    out: list[_Block] = []
    empty_run, seen_break = 0, False
    for n in range(start, end + 1):
        line = source.line(n)
        if is_blank(line):
            empty_run = empty_run + 1 if line == "" else 0
            seen_break |= empty_run >= _PAGE_BREAK_RUN
            continue
        if out and out[-1].end == n - 1:
            out[-1].lines.append(line)
        else:
            out.append(_Block(n, [line], seen_break))
        empty_run, seen_break = 0, False
    return out


def split_status(text: str) -> tuple[str, str | None]:
    """«Kontinuerlig Påbegynt» → («Kontinuerlig», «Påbegynt»): a status word ends the text, or None."""
    match = _STATUS.search(text.rstrip())
    if not match:
        return text.strip(), None
    return text[: match.start()].strip(), match.group(1)


def split_tail(line: str) -> tuple[str, str | None, str] | None:
    """«Alle Kontinuerlig  Påbegynt Høy» → («Alle Kontinuerlig», «Påbegynt», «Høy»); None if no risk ends it."""
    risk = _RISK.search(line)
    if not risk:
        return None
    rest, status = split_status(line[: risk.start()])
    return rest, status, risk.group(1)


def split_frist(text: str) -> tuple[str, str]:
    """«Brukerplan, … bydelen.  Alle Avventer Korus» → («Brukerplan, … bydelen.  Alle», «Avventer Korus»).

    The frist is the last cell on the line and starts at its first deadline word; whatever is in
    front of it is the owner (and, before a double space, the end of the tiltak).
    """
    cells = _CELL_GAP.split(text.strip())
    last = cells[-1]
    start = _FRIST_START.search(last)
    cut = start.start() if start else 0
    prefix = "  ".join(c for c in [*cells[:-1], last[:cut].strip()] if c)
    return prefix, last[cut:].strip()


@dataclass
class _Tail:
    body: int  # how many pending blocks come before the tail
    owner_lines: list[str]  # lines above the frist line in its block
    prefix: str  # text in front of the frist on its line
    deadline: str
    status: str
    risk: str


def _read_tail(pending: list[_Block]) -> _Tail | None:
    """If the last block ends a row (a risk after a status), read frist, status and risk backwards."""
    last = pending[-1]
    tail = split_tail(last.lines[-1])
    if tail is None:
        return None
    rest, status, risk = tail
    used = 1
    if status is None:  # the risk alone: the status is the block in front of it
        if rest or len(last.lines) > 1 or len(pending) < 2:
            return None
        rest, status = split_status(pending[-2].lines[-1])
        if status is None or len(pending[-2].lines) > 1:
            return None
        used = 2
    if not rest and len(pending[-used].lines) == 1 and len(pending) > used:  # the frist is its own block
        used += 1
        rest = pending[-used].lines[-1]
    prefix, deadline = split_frist(rest)
    return _Tail(len(pending) - used, pending[-used].lines[:-1], prefix, deadline, status, risk)


def _rows(builder: PlanBuilder, section: str, blocks: list[_Block]) -> list[_Row]:
    """Group blocks into rows: a row ends at its risk; blocks after a page break may continue the last row."""
    rows: list[_Row] = []
    pending: list[_Block] = []
    for block in blocks:
        pending.append(block)
        tail = _read_tail(pending)
        if tail is None:
            continue
        body = pending[: tail.body]
        if rows and body and body[0].after_break:
            body = _continue_row(rows[-1], body, tail)
        if body:
            rows.append(_make_row(body, tail, pending[-1].end))
        else:
            builder.warnings.append(f"{section}: the risk at line {block.end} has no row in front of it")
        pending = []
    if pending and rows and pending[0].after_break:
        _continue_row(rows[-1], pending, None)
    elif pending:
        builder.warnings.append(f"{section}: lines {pending[0].start}-{pending[-1].end} belong to no row")
    return rows


def _next_goal(body: list[_Block], tail: _Tail | None) -> int:
    """Index of the next row's Mål among the blocks after a page break (len(body) if none follows).

    The next row takes as few blocks as it needs: its Mål (no bullet, no lower-case continuation),
    a tiltak block unless the tiltak shares a line with the Mål or the tail, and an owner block
    unless the owner sits on the tail line.
    """
    if tail is None:
        return len(body)
    cells = _CELL_GAP.split(tail.prefix) if tail.prefix else []
    for m in range(len(body) - 1, -1, -1):
        first = body[m].lines[0].strip()
        merged = bool(_CELL_GAP.search(first))
        needed = int(not cells and not tail.owner_lines) + int(len(cells) < 2 and not merged)
        if len(body) - 1 - m >= needed and not (is_bullet(first) or first[:1].islower()):
            return m
    return 0


def _continue_row(row: _Row, body: list[_Block], tail: _Tail | None) -> list[_Block]:
    """Give the blocks before the next row's Mål to the previous row, in column order; return the rest.

    A bullet continues the tiltak; a lower-case start continues the first cell left open (no full
    stop); any other block starts the next cell (at least the tiltak: a Mål is one phrase).
    """
    start = _next_goal(body, tail)
    column = -1
    for block in body[:start]:
        first = block.lines[0].strip()
        if is_bullet(first):
            column = TEXT
        elif first[:1].islower():
            still_open = (c for c in range(max(column, GOAL), OWNER + 1) if not _closed(row.cells[c]))
            column = next(still_open, max(column, GOAL))
        else:
            column = min(max(column + 1, TEXT), OWNER)
        row.cells[column].extend(block.lines)
        row.last = max(row.last, block.end)
    return body[start:]


def _closed(cell: list[str]) -> bool:
    return join_lines(cell).endswith((".", "!", "?"))


def _make_row(body: list[_Block], tail: _Tail, last: int) -> _Row:
    """Mål is the first block; the owner is what follows the last bullet block (or the last block)
    unless it sits on the tail line; the tiltak is in between."""
    goal, rest = body[0], body[1:]
    cells = _CELL_GAP.split(tail.prefix) if tail.prefix else []
    owner_blocks: list[_Block] = []
    bullets = [i for i, b in enumerate(rest) if b.has_bullet]
    if bullets:
        rest, owner_blocks = rest[: bullets[-1] + 1], rest[bullets[-1] + 1 :]
    elif not cells and not tail.owner_lines and rest:
        rest, owner_blocks = rest[:-1], rest[-1:]
    text = [line for b in rest for line in b.lines] + cells[:-1]
    owner = [line for b in owner_blocks for line in b.lines] + tail.owner_lines + cells[-1:]
    return _Row([list(goal.lines), text, owner], tail.deadline, tail.status, tail.risk, goal.start, last)


def _split_goal(row: _Row, width: float) -> None:
    """A Mål line that also holds the tiltak's first line: split at a double space, or at « - »
    (a bullet) when the block is far wider than the table's Mål column."""
    first = row.cells[GOAL][0].strip()
    gap = _CELL_GAP.search(first)
    widest = max(len(line.strip()) for line in row.cells[GOAL])
    if gap:
        goal, text = first[: gap.start()], first[gap.end() :]
    elif widest > width * _GOAL_WIDTH_FACTOR and " - " in first:
        goal, text = first.split(" - ", 1)
        text = "- " + text
    else:
        return
    row.cells[TEXT] = [text, *row.cells[GOAL][1:], *row.cells[TEXT]]
    row.cells[GOAL] = [goal]


def _add_row(builder: PlanBuilder, section: str, row: _Row, vocab: PlanWords) -> None:
    goal, text, owner = (vocab.rejoin(cell) for cell in row.cells)
    if not text or not owner or not row.deadline:
        builder.warnings.append(f"{section}: the row at lines {row.first}-{row.last} lacks a tiltak, owner or frist")
    builder.add_tiltak(
        section=section,
        text=join_bullets(text),
        lines=(row.first, row.last),
        goal=join_lines(goal),
        owner=join_lines(owner),
        deadline=row.deadline,
        status=row.status,
        risk=row.risk,
    )
