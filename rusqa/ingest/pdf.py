"""PDF plans: pdfplumber reads text and tables from the page geometry into a `Document`.

Ruled tables come from their lines (pdfplumber's table finder); unruled ones from the column
positions of a header row that names the plan's columns. A header row repeated on every page is
dropped and the table continues; a row split across a page break becomes one row with both pages.
Running headers and footers (the same line at the top or bottom of most pages) and page numbers are
dropped. Headings are lines set larger than the body text. A PDF without a text layer (a scan) or
with a password is refused with a line that says what to do.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from rusqa.errors import CorpusError
from rusqa.ingest.document import Document, Row, Table
from rusqa.ingest.headers import ROW_FIELDS, column_field
from rusqa.ingest.source import PAGE_NUMBER
from rusqa.ingest.tables import header_fields, header_index, is_tiltak_header
from rusqa.text import collapse

MAX_PAGES = 1000
_EDGE = 0.09  # share of the page height at the top and bottom where running headers and footers sit
_CID = re.compile(r"\(cid:(\d+)\)")
_DIGITS = re.compile(r"\d+")
_BULLET_CIDS = {"127": "•", "149": "•", "183": "•"}


@dataclass
class _Line:
    top: float
    bottom: float
    x0: float
    size: float
    words: list[dict[str, Any]]

    @property
    def text(self) -> str:
        return clean(" ".join(w["text"] for w in self.words))


@dataclass
class _Page:
    number: int
    height: float
    items: list[tuple[float, Any]] = field(default_factory=list)  # (top, _Line | list of rows)
    sizes: Counter[int] = field(default_factory=Counter)  # characters per font size, tables included


def clean(text: str) -> str:
    """pdfminer's «(cid:127)» for a bullet in a standard font becomes «•»; other unknown glyphs go."""
    return _CID.sub(lambda m: _BULLET_CIDS.get(m.group(1), ""), text)


def read(path: Path) -> Document:
    """The plan as a Document; CorpusError for a scan, an encrypted or a broken PDF."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:
        causes = {type(exc), type(exc.__cause__), type(exc.__context__), *(type(a) for a in exc.args)}
        if causes & {PDFPasswordIncorrect, PDFEncryptionError}:
            raise CorpusError(
                f"{path}: the PDF is encrypted (password protected) — ask the sender for an unprotected copy; plan skipped"
            ) from None
        raise CorpusError(
            f"{path}: not a readable PDF ({type(exc).__name__}) — re-export it from the original; plan skipped"
        ) from None
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise CorpusError(
                f"{path}: {len(pdf.pages)} pages is more than a plan has (limit {MAX_PAGES}) — check the file"
            )
        pages = [_read_page(page) for page in _pages(pdf)]
    if not any(page.items for page in pages):
        raise CorpusError(
            f"{path}: the PDF has no text layer (a scanned document) — run OCR on it (e.g. `ocrmypdf`) and add the result"
        )
    return _document(pages)


def _pages(pdf: Any) -> Any:
    for page in pdf.pages:
        yield page
        page.flush_cache()  # keep memory flat over a long document


def _read_page(page: Any) -> _Page:
    out = _Page(number=page.page_number, height=float(page.height))
    words = page.extract_words(extra_attrs=["size"], keep_blank_chars=False)
    if not words:
        return out
    for w in words:
        out.sizes[round(w["size"])] += len(w["text"])
    # A table cut by a page break has no rule where it is cut: close it where its vertical rules end.
    edges = page.edges
    ends = sorted({round(float(y), 1) for e in edges if e["orientation"] == "v" for y in (e["top"], e["bottom"])})
    settings = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "explicit_horizontal_lines": ends}
    tables = page.find_tables(settings) if ends else []  # no rules on the page: no ruled table
    boxes = []
    for table in tables:
        rows = [[clean(cell or "") for cell in row] for row in table.extract()]
        if rows and len(rows[0]) > 1:  # one column is a shaded box or a striped row, not a table: its text is free
            out.items.append((float(table.bbox[1]), rows))
            boxes.append(table.bbox)
    free = [w for w in words if not any(_inside(w, box) for box in boxes)]
    lines = _lines(free)
    out.items.extend(_unruled(lines))
    return out


def _inside(word: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    mid_x, mid_y = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return x0 <= mid_x <= x1 and top <= mid_y <= bottom


def _lines(words: list[dict[str, Any]]) -> list[_Line]:
    """Words grouped into text lines by their vertical position."""
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        last = lines[-1] if lines else None
        if last and abs(word["top"] - last.top) <= 2:
            last.words.append(word)
            last.bottom = max(last.bottom, word["bottom"])
        else:
            lines.append(_Line(top=word["top"], bottom=word["bottom"], x0=word["x0"], size=word["size"], words=[word]))
    for line in lines:
        line.words.sort(key=lambda w: w["x0"])
        line.x0 = line.words[0]["x0"]
        line.size = max(w["size"] for w in line.words)
    return lines


def _header_cells(line: _Line) -> list[tuple[float, str]]:
    """A line's words grouped into cells at gaps wider than two spaces: (x0, text)."""
    cells: list[tuple[float, list[str], float]] = []
    for word in line.words:
        if cells and word["x0"] - cells[-1][2] < 2.2 * word["size"] * 0.5:
            cells[-1][1].append(word["text"])
            cells[-1] = (cells[-1][0], cells[-1][1], word["x1"])
        else:
            cells.append((word["x0"], [word["text"]], word["x1"]))
    return [(x0, " ".join(text)) for x0, text, _ in cells]


def _unruled(lines: list[_Line]) -> list[tuple[float, Any]]:
    """Text lines, with each unruled tiltak table (found by its header row) read into rows."""
    items: list[tuple[float, Any]] = []
    n = 0
    while n < len(lines):
        cells = _header_cells(lines[n])
        fields = [column_field(text) for _, text in cells]
        if "text" not in fields or sum(f is not None for f in fields) < 3 or fields.count(None) > len(fields) // 3:
            items.append((lines[n].top, lines[n]))
            n += 1
            continue
        starts = [x0 for x0, _ in cells]
        body = lines[n].size
        m = n + 1  # the table's lines: body text up to a gap of three lines
        if m < len(lines) and _header_goes_on(lines[n], lines[m], starts):  # «Tiltak» over «nr.»
            cells = [
                (x0, f"{text} {more}".strip())
                for (x0, text), more in zip(cells, _split_columns(lines[m], starts), strict=True)
            ]
            fields = [column_field(text) for _, text in cells]
            m += 1
        begin = m
        while m < len(lines) and lines[m].size <= body * 1.1 and lines[m].top - lines[m - 1].bottom < body * 3:
            m += 1
        table = lines[begin:m]
        # A row's own lines sit closer together than two rows do: a gap clearly wider than the tightest one
        # starts a row. Evenly spaced lines give no such sign; there a row starts where a short field (owner,
        # frist, status …) is printed again, since a row's wrapped lines fill only its longer cells.
        gaps = [b.top - a.bottom for a, b in pairwise(table)]
        tight = min((g for g in gaps if g > 0), default=0.0)
        spaced = any(g > tight + body * 0.4 for g in gaps)
        short = [c for c, name in enumerate(fields) if name in ROW_FIELDS]
        rows: list[list[Any]] = [[text for _, text in cells]]
        current: list[list[str]] | None = None
        previous_bottom = lines[begin - 1].bottom
        for line in table:
            if _spans(line, starts):  # «Mål 1: …» printed across the columns heads the rows below it
                rows.append([_line_text(line)] * len(starts))
                current, previous_bottom = None, line.bottom
                continue
            split = _split_columns(line, starts)
            if current is None:
                new_row = True
            elif spaced:
                new_row = line.top - previous_bottom > tight + body * 0.4
            else:
                new_row = any(split[c] and current[c] for c in short)
            if fields[0] == "code" and split[0].strip() and current is not None and current[0]:
                new_row = True
            if new_row:
                current = [[] for _ in starts]
                rows.append(current)
            for c, text in enumerate(split):
                if text and current is not None:
                    current[c].append(text)
            previous_bottom = line.bottom
        items.append((lines[n].top, [rows[0]] + [_joined(row) for row in rows[1:]]))
        n = m
    return items


def _joined(row: list[Any]) -> list[str]:
    return [cell if isinstance(cell, str) else "\n".join(cell) for cell in row]


def _line_text(line: _Line) -> str:
    return clean(" ".join(w["text"] for w in line.words))


def _header_goes_on(header: _Line, line: _Line, starts: list[float]) -> bool:
    """The line under a header row holds more of its cells' words («Tiltak» over «nr.», «Ansvarlig/» over
    «samarbeidspartnere»): set close under it, in the header's type, a few short words in its columns only."""
    words = [w["text"] for w in line.words]
    return (
        line.top - header.bottom < header.size * 0.6
        and abs(line.size - header.size) < 0.5
        and len(words) <= len(starts) * 2
        and all(len(w) <= 20 for w in words)
        and all(any(abs(w["x0"] - s) < header.size * 4 for s in starts) for w in line.words)
        and not any(ch.isdigit() for w in words for ch in w)
    )


def _spans(line: _Line, starts: list[float]) -> bool:
    """One run of text across a column boundary, with no gap at it: a line printed across the table."""
    cells = _header_cells(line)
    return (
        len(cells) == 1
        and len(starts) > 1
        and any(line.words[0]["x0"] < start - 3 < line.words[-1]["x1"] for start in starts[1:])
    )


def _split_columns(line: _Line, starts: list[float]) -> list[str]:
    parts: list[list[str]] = [[] for _ in starts]
    for word in line.words:
        column = max((c for c, x in enumerate(starts) if word["x0"] >= x - 3), default=0)
        parts[column].append(word["text"])
    return [clean(" ".join(p)) for p in parts]


def _document(pages: list[_Page]) -> Document:
    document = Document(pages=[])
    running = _running_lines(pages)
    sizes = Counter(round(item.size) for page in pages for _, item in page.items if isinstance(item, _Line))
    chars = sum((page.sizes for page in pages), Counter())
    body = chars.most_common(1)[0][0] if chars else 10
    heading_sizes = sorted({s for s in sizes if s >= body * 1.15}, reverse=True)
    title_size = heading_sizes[0] if heading_sizes and sizes[heading_sizes[0]] == 1 else None
    levels = {size: level for level, size in enumerate([s for s in heading_sizes if s != title_size], start=1)}
    table: Table | None = None
    paragraph: list[str] = []
    paragraph_page = 1
    last_bottom = 0.0

    def flush() -> None:
        nonlocal paragraph
        if paragraph:
            document.prose(paragraph, paragraph_page)
        paragraph = []

    for page in pages:
        first_row_on_page = True
        for _, item in sorted(page.items, key=lambda pair: pair[0]):
            if isinstance(item, _Line):
                text = item.text
                if not text or PAGE_NUMBER.match(text) or _key(text, item, page) in running:
                    continue
                size = round(item.size)
                if size in levels or size == title_size:
                    flush()
                    table = None
                    if size == title_size:
                        document.prose([text], page.number)
                    else:
                        document.heading(levels[size], text, page.number)
                    continue
                if paragraph and item.top - last_bottom > item.size * 0.9:
                    flush()
                if not paragraph:
                    paragraph_page = page.number
                paragraph.append(text)
                last_bottom = item.bottom
                continue
            flush()
            table = _add_rows(document, table, item, page.number, first_row_on_page)
            first_row_on_page = False
        flush()
    return document


def _key(text: str, line: _Line, page: _Page) -> str:
    edge = "top" if line.top < page.height * _EDGE else "bottom" if line.top > page.height * (1 - _EDGE) else "body"
    return edge + ":" + _DIGITS.sub("#", text.casefold())


def _running_lines(pages: list[_Page]) -> set[str]:
    """Lines at a page edge repeated on at least half the pages (two at least): running headers and footers."""
    counts: Counter[str] = Counter()
    for page in pages:
        keys = {_key(item.text, item, page) for _, item in page.items if isinstance(item, _Line)}
        counts.update(k for k in keys if not k.startswith("body:"))
    return {k for k, n in counts.items() if n >= max(2, len(pages) // 2)}


def _same_header(row: list[str], header: list[str]) -> bool:
    return len(row) == len(header) and all(
        collapse(cell).casefold().startswith(collapse(h).casefold()) for cell, h in zip(row, header, strict=True)
    )


def _add_rows(
    document: Document, table: Table | None, rows: list[list[str]], page: int, top_of_page: bool
) -> Table | None:
    """One table found on a page: a new table, or the continuation of the last one."""
    if not rows:
        return table
    if table is not None:  # a caption row over the repeated header («Skal være gjennomført innen» over its years)
        rows = rows[next((n for n, row in enumerate(rows[:3]) if _same_header(row, table.header)), 0) :]
    first = rows[0]
    carry: list[str] | None = None
    if table is not None and _same_header(first, table.header):  # the header row repeated on a new page
        rest = [collapse(cell)[len(collapse(h)) :].strip() for cell, h in zip(first, table.header, strict=True)]
        remainder = [cell.split("\n", 1)[1] if "\n" in cell else "" for cell in first]
        if any(rest):
            carry = remainder
        body = rows[1:]
    elif table is not None and top_of_page and len(first) == len(table.header) and not is_tiltak_header(first):
        body = rows  # the table goes on without repeating its header
    else:
        start = header_index(rows)  # a caption row merged across the table may sit above its header
        if start:
            document.prose([" ".join(c for c in row if c.strip()) for row in rows[:start]], page)
        table = document.table([collapse(c) for c in rows[start]])
        body = rows[start + 1 :]
        top_of_page = False
    assert table is not None
    if carry is not None:
        body = [carry, *body]
    fields = header_fields(table.header)
    for n, cells in enumerate(body):
        if n == 0 and top_of_page and table.rows and _continues(table.rows[-1].cells, cells, fields):
            _merge(document, table.rows[-1], cells, page)
            continue
        document.row(table, [c or "" for c in cells], (page, page))
    return table


def _continues(previous: list[str], cells: list[str], fields: list[str | None]) -> bool:
    """A row at the top of a page is the rest of the last row on the previous page.

    Its number cell is empty (when the table numbers its rows), or one of the two parts has none of
    the short cells (owner, frist, status, risiko) that the other part has: a row split by a page
    break leaves them in one part, top- or bottom-aligned.
    """
    if "code" in fields:
        return not cells[fields.index("code")].strip()
    short = [i for i, f in enumerate(fields) if f in ROW_FIELDS]
    if not short:
        return False
    filled_before = [bool(previous[i].strip()) for i in short]
    filled_now = [bool(cells[i].strip()) for i in short]
    return (not any(filled_now) and any(filled_before)) or (not any(filled_before) and any(filled_now))


def _merge(document: Document, row: Row, cells: list[str], page: int) -> None:
    row.cells = ["\n".join(part for part in (a, b) if part.strip()) for a, b in zip(row.cells, cells, strict=False)]
    row.pages = (row.pages[0] if row.pages else page, page)
    document.lines[row.lines[1] - 1] = " | ".join(collapse(c) for c in row.cells)
