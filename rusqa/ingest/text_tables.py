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

from rusqa.facets import facet, facet_table
from rusqa.ingest.document import Document, Heading, Prose, Row, Table
from rusqa.ingest.headers import ROW_FIELDS, column_field, column_name
from rusqa.ingest.source import NUMBERED_LINE, PAGE_NUMBER, Source, heading_level, is_blank, paragraphs
from rusqa.text import collapse, normalise

_GAP = re.compile(r"\S+(?: \S+)*")  # cells of a layout line: runs separated by two or more spaces
_ROW_NUMBER = re.compile(r"^\s*(\d{1,3})[.)]\s+(?=\S)")
_ONE_LINE = {"code", "deadline", "status", "risk"}
_CLOSED = {"status", "risk"}  # columns whose printed values are a closed list (rusqa/lexicon/facets.yaml)
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
        level = heading_level(line)
        if header is not None:
            close_prose(n - 1)
            fields, starts, positional = header
            read = _by_position if positional and _laid_out(source, n, starts) else _by_column
            n = read(doc, source, n, fields, starts)
            prose_start = n
            continue
        if level is not None:
            close_prose(n - 1)
            doc.blocks.append(Heading(level, collapse(line), (n, n)))
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
    table = Table(header=[column_name(f) if f else "" for f in fields])
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
        if collapse(line).casefold() == header_text or PAGE_NUMBER.match(line):
            m += 1
            continue
        parts = _cut(line, starts)
        if not any(parts[i] for i, f in enumerate(fields) if f) or (
            NUMBERED_LINE.match(line) and not parts[0] and len(cells_by_position(line)) == 1
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
    end = start
    while end <= len(source):
        line = source.line(end)
        if (NUMBERED_LINE.match(line) and not _ROW_NUMBER.match(line)) or header_of(line) is not None:
            break
        end += 1
    return paragraphs(source, start, end - 1), end


def _by_column(doc: Document, source: Source, n: int, fields: list[str | None], starts: list[int]) -> int:
    """Read a column-by-column table from the header at line n; return the first line after it."""
    table = _table(doc, fields, n)
    blocks, end = _blocks(source, n + 1)
    if fields == ["text", "owner"]:
        _two_columns(table, source, blocks)
    elif fields[-1] in _CLOSED and len(fields) >= 3:
        _closed_tail(table, source, blocks, fields)
    elif fields[-1] == "owner" and fields[0] == "goal":
        _owners_after(table, source, blocks, fields)
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


_CODED = re.compile(r"^\s*(\d{1,3}[A-ZÆØÅ]{0,2})[.)]\s+(?=\S)")


def _is_short(lines: list[str]) -> bool:
    return all(len(line.split()) <= 3 and len(line) <= 30 and line[:1].isupper() for line in lines)


def _owners_after(table: Table, source: Source, blocks: list[tuple[int, int]], fields: list[str | None]) -> None:
    """Mål, then numbered tiltak («1F. …»), then their owners as a run of short blocks, one per tiltak.

    A block that begins with a tiltak number starts a tiltak; a block of short capitalised lines is the
    owner of the earliest tiltak still without one; any other block continues the last tiltak while
    some tiltak of the group still wait for their owner, and is the next group's Mål when none does.
    """
    rows: list[dict[str, object]] = []
    goal: list[str] = []
    text_column, owner_column = fields.index("text"), fields.index("owner")
    for start, end in blocks:
        lines = [line.strip() for line in source.span(start, end) if line.strip()]
        numbered = _CODED.match(lines[0])
        waiting = [r for r in rows if not r["owner"]]
        if numbered:
            rows.append({"code": numbered.group(1), "goal": list(goal), "text": [lines[0][numbered.end() :], *lines[1:]],
                         "owner": [], "lines": (start, end)})  # fmt: skip
        elif _is_short(lines):
            if waiting:
                waiting[0]["owner"] = lines
                waiting[0]["lines"] = (waiting[0]["lines"][0], end)  # type: ignore[index]
        elif rows and waiting:
            rows[-1]["text"] += lines  # type: ignore[operator]
        else:
            goal = lines
    if "code" not in fields:  # the printed numbers become the tiltak's codes (and ids)
        table.header.insert(0, column_name("code"))
    for r in rows:
        cells = [""] * len(fields)
        cells[0] = "\n".join(r["goal"])  # type: ignore[arg-type]
        cells[text_column] = "\n".join(r["text"])  # type: ignore[arg-type]
        cells[owner_column] = "\n".join(r["owner"])  # type: ignore[arg-type]
        if "code" in fields:
            cells[fields.index("code")] = str(r["code"])
        else:
            cells.insert(0, str(r["code"]))
        table.rows.append(Row(cells, r["lines"]))  # type: ignore[arg-type]


def _closed_value(field: str, text: str) -> tuple[str, str] | None:
    """(what is left, the value) when text ends with a printed value of a closed column (status, risiko)."""
    words = text.rstrip().split()
    for size in (3, 2, 1):
        if (
            len(words) >= size
            and facet(field, " ".join(words[-size:])) is not None
            and (size == len(words) or facet(field, " ".join(words[-size - 1 :])) is None)
        ):
            candidate = " ".join(words[-size:])
            if normalise(candidate) in _printed(field):
                return " ".join(words[:-size]), candidate
    return None


def _printed(field: str) -> set[str]:
    return {word for entry in facet_table()[field].values() for word in entry["printed"]}


def _closed_tail(table: Table, source: Source, blocks: list[tuple[int, int]], fields: list[str | None]) -> None:
    """Cells column by column, where the last column is a closed vocabulary (risiko / status).

    A row ends at the block whose last line ends with a value of the last column. Its cells are taken
    from the end: the closed columns' values (whole blocks, or the end of a shared line), then one
    block per open column (frist, ansvarlig) and the first block as the Mål; the blocks between are the
    tiltak. A row with more blocks than that begins with what a page break cut off the row before:
    those blocks go to the previous row's columns, in order.
    """
    pending: list[list[str]] = []
    first_line = 0
    k = len(fields)
    for start, end in blocks:
        lines = [line.strip() for line in source.span(start, end) if line.strip()]
        if not pending:
            first_line = start
        pending.append(lines)
        if _closed_value(str(fields[-1]), lines[-1]) is None:
            continue
        cells = _take_row(pending, fields)
        extra = len(pending) - k
        if cells is not None and extra > 0 and table.rows and fields[0] == "goal":
            previous = table.rows[-1]
            for i, remnant in enumerate(pending[:extra]):
                previous.cells[min(i, k - 1)] += "\n" + "\n".join(remnant)
            cells = _take_row(pending[extra:], fields)
        if cells is not None:
            table.rows.append(Row(cells, (first_line, end)))
        pending = []


def _take_row(blocks: list[list[str]], fields: list[str | None]) -> list[str] | None:
    """The row's cells from its blocks, read from the end (see _closed_tail); None if they do not fit."""
    tail = [list(b) for b in blocks]
    values: dict[int, str] = {}
    column = len(fields) - 1
    while column >= 0 and fields[column] in _CLOSED and tail:
        found = _closed_value(str(fields[column]), tail[-1][-1])
        if found is None:
            break
        rest, values[column] = found
        if rest:
            tail[-1][-1] = rest
        else:
            tail[-1].pop()
            if not tail[-1]:
                tail.pop()
        column -= 1
    while column >= 0 and fields[column] not in ("text", "goal") and tail:
        values[column] = "\n".join(tail.pop())
        column -= 1
    if not tail or column < 0:
        return None
    if fields[0] == "goal" and column > 0:
        values[0] = "\n".join(tail.pop(0))
    text_column = fields.index("text")
    values[text_column] = "\n".join(line for block in tail for line in block)
    return [values.get(i, "") for i in range(len(fields))]


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
