"""A plan as the generic readers see it: headings, prose and tables, each tied to lines of a text.

The PDF and Word readers build a `Document` while they write the plan out as text (one line per
heading, prose line or table row), so that every record keeps a line range in that text as well as
its page(s); the plain-text reader builds one over the file's own lines. `rusqa.ingest.tables` turns
any `Document` into records, so the three paths share one table reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rusqa.models import LineRange, PageRange
from rusqa.text import collapse


@dataclass
class Heading:
    level: int
    title: str
    lines: LineRange


@dataclass
class Prose:
    lines: LineRange


@dataclass
class Row:
    cells: list[str]  # a cell's lines joined with "\n" (bullets kept as «• » lines)
    lines: LineRange
    pages: PageRange | None = None


@dataclass
class Table:
    header: list[str]
    rows: list[Row] = field(default_factory=list)
    header_lines: LineRange = (0, 0)


Block = Heading | Prose | Table


@dataclass
class Document:
    """Blocks in reading order over `lines` (1-based line ranges); `pages[i]` is line i+1's page."""

    lines: list[str] = field(default_factory=list)
    pages: list[int] | None = None
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def write(self, text_lines: list[str], page: int | None = None) -> LineRange:
        """Append lines to the text (at least one); their line range."""
        text_lines = text_lines or [""]
        start = len(self.lines) + 1
        self.lines.extend(text_lines)
        if page is not None:
            if self.pages is None:
                self.pages = [page] * (start - 1)
            self.pages.extend([page] * len(text_lines))
        elif self.pages is not None:
            self.pages.extend([self.pages[-1] if self.pages else 1] * len(text_lines))
        return (start, len(self.lines))

    def heading(self, level: int, title: str, page: int | None = None) -> None:
        title = collapse(title)
        if title:
            self.blocks.append(Heading(level, title, self.write([title], page)))

    def prose(self, text_lines: list[str], page: int | None = None) -> None:
        kept = [line for line in text_lines if line.strip()]
        if kept:
            self.blocks.append(Prose(self.write([*kept, ""], page)))

    def table(self, header: list[str]) -> Table:
        table = Table(header=[collapse(h) for h in header])
        self.blocks.append(table)
        table.header_lines = self.write([" | ".join(table.header)])
        return table

    def row(self, table: Table, cells: list[str], pages: PageRange | None = None) -> Row:
        lines = self.write([" | ".join(collapse(c) for c in cells)], pages[0] if pages else None)
        row = Row(cells=cells, lines=lines, pages=pages)
        table.rows.append(row)
        return row

    def page_range(self, lines: LineRange) -> PageRange | None:
        if self.pages is None:
            return None
        return (self.pages[lines[0] - 1], self.pages[lines[1] - 1])
