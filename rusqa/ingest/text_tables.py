"""Tables in a plan's plain text, found by their header rows: the `generic` layout's table reader.

Two kinds of text export are read:
- **by column position** (`pdftotext -layout`): the header row's cells stand apart by two or more
  spaces; each later line is cut at the header's column starts. A row begins where a one-line
  column (Nr., Frist, Status, Risiko) gets a value while the row already has one, or at a blank
  line; a page's running header, page number and repeated header row are skipped.
- **column by column** (a PDF extraction that prints a row's cells one after the other, as the five
  current plans are): after a single-spaced header row, blocks of lines separated by blank lines
  are the cells in column order; with two columns (tiltak, ansvarlig) a short line that begins with
  a capital after a tiltak's text starts the owner cell.
Everything else is prose, headings are numbered lines («3.1 Bakgrunn»).
"""

from __future__ import annotations

import re

from rusqa.ingest.document import Document, Heading, Prose, Row, Table
from rusqa.ingest.source import Source, is_blank
from rusqa.ingest.tables import ROW_FIELDS, column_field
from rusqa.text import collapse

_GAP = re.compile(r"\S+(?: \S+)*")  # cells of a layout line: runs separated by two or more spaces
_NUMBERED = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})*)\.?\s+([A-ZÆØÅ].{1,80})$")
_PAGE_NUMBER = re.compile(r"^\s*(?:side\s*)?\d{1,4}(?:\s*(?:av|/)\s*\d{1,4})?\s*$", re.IGNORECASE)
_ROW_NUMBER = re.compile(r"^\s*(\d{1,3})[.)]\s+(?=\S)")
_ONE_LINE = {"code", "deadline", "status", "risk"}
_SHORT_WORDS = 4


def cells_by_position(line: str) -> list[tuple[int, str]]:
    """(start column, text) of each run of text separated by two or more spaces."""
    return [(m.start(), m.group(0)) for m in _GAP.finditer(line.replace("\t", "    ")) if m.group(0).strip()]


def header_of(line: str) -> tuple[list[str | None], list[int], bool] | None:
    """The fields of a header row, its column starts, and whether it is laid out by position."""
    cells = cells_by_position(line)
    if len(cells) >= 2:
        fields = [column_field(text) for _, text in cells]
        if "text" in fields and set(fields) & set(ROW_FIELDS) and None not in fields:
            return fields, [start for start, _ in cells], True
    words = line.split()
    if 2 <= len(words) <= 8:
        fields = [column_field(w) for w in words]
        known: list[str | None] = [f for f in fields if f]
        if "text" in known and set(known) & set(ROW_FIELDS) and len(known) >= len(words) - 2:
            return known, [], False
    return None


def document(source: Source) -> Document:
    """Headings, prose and header-driven tables over the source's own lines."""
    doc = Document(lines=source.lines)
    n, prose_start = 1, 1
    total = len(source)

    def close_prose(end: int) -> None:
        if end >= prose_start:
            doc.blocks.append(Prose((prose_start, end)))

    while n <= total:
        line = source.line(n)
        header = header_of(line)
        heading = _NUMBERED.match(line)
        if header is not None:
            close_prose(n - 1)
            fields, starts, positional = header
            read = _by_position if positional and _laid_out(source, n, starts) else _by_column
            n = read(doc, source, n, fields, starts)
            prose_start = n
            continue
        if heading and not heading.group(2).rstrip().endswith((".", ",", ":", ";")):
            close_prose(n - 1)
            doc.blocks.append(Heading(heading.group(1).count(".") + 1, collapse(line), (n, n)))
            prose_start = n + 1
        n += 1
    close_prose(total)
    return doc


def _laid_out(source: Source, n: int, starts: list[int], sample: int = 15) -> bool:
    """Whether the lines under a header really sit in its columns (some start at a later column)."""
    lines = [line for line in source.span(n + 1, min(len(source), n + 60)) if not is_blank(line)][:sample]
    placed = sum(
        1 for line in lines if any(abs(start - x) <= 2 for start, _ in cells_by_position(line) for x in starts[1:])
    )
    return placed >= max(2, len(lines) // 3)


def _table(doc: Document, fields: list[str | None], header_line: int) -> Table:
    names = {"code": "Nr.", "goal": "Mål", "text": "Tiltak", "owner": "Ansvarlig", "deadline": "Frist",
             "status": "Status", "risk": "Risiko"}  # fmt: skip
    table = Table(header=[names.get(f or "", "") for f in fields])
    doc.blocks.append(table)
    return table


def _by_position(doc: Document, source: Source, n: int, fields: list[str | None], starts: list[int]) -> int:
    """Read a `pdftotext -layout` table from the header at line n; return the first line after it."""
    table = _table(doc, fields, n)
    header_text = collapse(source.line(n)).casefold()
    cells: list[list[str]] | None = None
    first = n + 1
    blanks = 0
    m = n + 1
    while m <= len(source):
        line = source.line(m)
        if is_blank(line):
            blanks += 1
            if blanks >= 3 and cells is not None:  # a page break: the table goes on if its header comes again
                again = next(
                    (
                        k
                        for k in range(m + 1, min(len(source), m + 10) + 1)
                        if collapse(source.line(k)).casefold() == header_text
                    ),
                    None,
                )
                if again is None:
                    break
                m, blanks = again + 1, 0
                continue
            m += 1
            continue
        blanks = 0
        if collapse(line).casefold() == header_text or _PAGE_NUMBER.match(line):
            m += 1
            continue
        parts = _cut(line, starts)
        if not any(parts[i] for i, f in enumerate(fields) if f) or (
            _NUMBERED.match(line) and not parts[0] and len(cells_by_position(line)) == 1
        ):
            break
        if cells is None or _starts_row(fields, parts, cells):
            if cells is not None:
                table.rows.append(Row(["\n".join(c) for c in cells], (first, m - 1)))
            cells, first = [[] for _ in fields], m
        for i, part in enumerate(parts):
            if part:
                cells[i].append(part)
        m += 1
    if cells is not None:
        table.rows.append(Row(["\n".join(c) for c in cells], (first, m - 1)))
    return m


def _starts_row(fields: list[str | None], parts: list[str], cells: list[list[str]]) -> bool:
    """A line starts a new row when a one-line column (Nr., Frist, Status, Risiko) gets a second value;
    in a table without one, when the owner column does while the tiltak column starts on the same line."""
    columns = range(len(fields))
    if any(f in _ONE_LINE for f in fields):
        return any(parts[i] and fields[i] in _ONE_LINE for i in columns) and any(
            cells[i] and fields[i] in _ONE_LINE for i in columns
        )
    owner = fields.index("owner") if "owner" in fields else None
    text = fields.index("text")
    return owner is not None and bool(parts[owner] and parts[text] and cells[owner])


def _cut(line: str, starts: list[int]) -> list[str]:
    parts: list[list[str]] = [[] for _ in starts]
    for start, text in cells_by_position(line):
        column = max((c for c, x in enumerate(starts) if start >= x - 2), default=0)
        parts[column].append(text)
    return [" ".join(p) for p in parts]


def _blocks(source: Source, start: int) -> tuple[list[tuple[int, int]], int]:
    """Runs of non-blank lines from start up to the next heading or header row; and where that is."""
    blocks: list[tuple[int, int]] = []
    m = start
    run: int | None = None
    while m <= len(source):
        line = source.line(m)
        if (_NUMBERED.match(line) and not _ROW_NUMBER.match(line)) or header_of(line) is not None:
            break
        if is_blank(line) or _PAGE_NUMBER.match(line):
            if run is not None:
                blocks.append((run, m - 1))
                run = None
        elif run is None:
            run = m
        m += 1
    if run is not None:
        blocks.append((run, m - 1))
    return blocks, m


def _by_column(doc: Document, source: Source, n: int, fields: list[str | None], starts: list[int]) -> int:
    """Read a column-by-column table from the header at line n; return the first line after it."""
    table = _table(doc, fields, n)
    blocks, end = _blocks(source, n + 1)
    if fields == ["text", "owner"]:
        _two_columns(table, source, blocks)
    else:
        k = len(fields)
        cells: list[tuple[str, int, int]] = []
        seen_first: set[str] = set()
        for block in blocks:
            for text in _split_block(source.span(*block)):
                if cells and collapse(text) in seen_first:  # a repeated Mål starts a row: resynchronise
                    cells = []
                if not cells:
                    seen_first.add(collapse(text))
                cells.append((text, *block))
                if len(cells) == k:
                    table.rows.append(Row([c[0] for c in cells], (cells[0][1], cells[-1][2])))
                    cells = []
    return end


def _split_block(lines: list[str]) -> list[str]:
    """A block whose lines hold two or more cells side by side (a gap of two spaces) → those cells."""
    starts = [start for start, _ in cells_by_position(lines[0])]
    if len(starts) < 2:
        return ["\n".join(lines)]
    columns: list[list[str]] = [[] for _ in starts]
    for line in lines:
        for c, part in enumerate(_cut(line, starts)):
            if part:
                columns[c].append(part)
    return ["\n".join(column) for column in columns if column]


def _two_columns(table: Table, source: Source, blocks: list[tuple[int, int]]) -> None:
    """Tiltak text, then its owner: a short capitalised line after text starts the owner cell."""
    text: list[str] = []
    owner: list[str] = []
    first = 0
    last = 0

    def close() -> None:
        if text and owner:
            table.rows.append(Row(["\n".join(text), "\n".join(owner)], (first, last)))

    lines = [(m, source.line(m)) for start, end in blocks for m in range(start, end + 1)]
    for m, raw in lines:
        line = raw.strip()
        numbered = _ROW_NUMBER.match(line)
        continues = bool(text or owner) and (owner or text)[-1].endswith("-")
        short = len(line.split()) <= _SHORT_WORDS and len(line) <= 40 and not line.endswith((",", "-"))
        if (
            numbered
            or (owner and not continues and not short)
            or (owner and line[:1].isupper() and len(line.split()) > 2)
        ):
            close()
            text, owner, first = [], [], m
            text.append(line[numbered.end() :] if numbered else line)
        elif owner or (text and short and line[:1].isupper() and not continues):
            owner.append(line)
        else:
            if not text:
                first = m
            text.append(line)
        last = m
    close()
