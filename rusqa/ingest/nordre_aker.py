"""Parser for the nordre_aker layout: numbered chapters of prose, then tiltak tables per strategy.

Chapters are numbered headings in capitals («4.2. NASJONALE FØRINGER»); a strategy heading
(«7.1. STRATEGI 1 – …») starts a table block, and a level heading under it («7.1.1 Strukturelt nivå:»)
starts a two-column table «Tiltak | Ansvar». Each row is a numbered item («3. Bydelen skal …») whose
text runs over several lines and ends with its owner codes on a line of their own («OF/HM»); a short
row can carry the owner at the end of its text line, and a page break can even put the owner before
the rest of the text. Themed sub-lists inside a table («Tiltak for helse:») continue the numbering
and keep the Ansvar column, so their items are tiltak under a third section level.

The extraction puts an empty line between printed lines; a whitespace-only line marks a paragraph
break. Owner codes are expanded through the plan's own «Forkortelser:» list. Tiltak have no printed
goal, deadline, status or risk, and their numbers restart per level, so ids are ordinals.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rusqa.ingest.abbreviations import expand_owner
from rusqa.ingest.breaks import PlanWords
from rusqa.ingest.source import PAGE_NUMBER, SECTION_SEP, PlanBuilder, Source
from rusqa.models import ParsedPlan, Plan
from rusqa.text import is_bullet, join_bullets, join_lines, strip_bullet

_NUMBERED = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(\S.*?)\s*$")
_LEVEL = re.compile(r"^(?:Strukturelt|Gruppe|Individ)\w*(?:\s+nivå)?\s*:?$", re.IGNORECASE)
_STRATEGY = re.compile(r"^STRATEGI\s+\d", re.IGNORECASE)
_ABBREV_HEAD = re.compile(r"^\s*(Forkortelser)\s*:?\s*$", re.IGNORECASE)
_ABBREV = re.compile(r"^\s*([A-ZÆØÅ]{2,6})\s*:\s*(\S.*?)\s*$")
_TABLE_HEADER = re.compile(r"^\s*Tiltak\s+Ansvar\w*\s*$", re.IGNORECASE)
_ITEM = re.compile(r"^\s*(\d{1,2})\.\s+(\S.*?)\s*$")
_THEME = re.compile(r"^\s*([A-ZÆØÅ][^:.]{3,100}?)\d*\s*:\s*$")  # «Tiltak for … oppfølging1:»
_CODES = r"[A-ZÆØÅ]{2,5}(?:\s*/\s*[A-ZÆØÅ]{2,5})*"
_OWNER = re.compile(rf"^{_CODES}$")
_TRAILING_OWNER = re.compile(rf"^(.*\S)\s+({_CODES})$")
_NUMBER = re.compile(r"^\d[\d\s.,%+]*$")
_WORD = re.compile(r"[^\W\d_]+")


def parse(source: Source, plan: Plan) -> ParsedPlan:
    builder = PlanBuilder(plan)
    builder.abbreviations = abbreviations(source.lines)
    vocab = PlanWords(source.lines)
    numbered: list[str] = []  # the numbered headings above the current line, by depth
    path: list[str] = [plan.title]
    strategy: str | None = None
    table = False
    start = 1
    n = 1
    while n <= len(source):
        heading = _heading(source, n, vocab, table)
        if heading is None:
            n += 1
            continue
        title, depth, last, kind = heading
        _read_region(builder, source, vocab, path, table, start, n - 1)
        if kind == "level" and strategy is not None:
            path = [strategy, title]  # the layout's path: strategy / level
        else:
            numbered = [*numbered[: depth - 1], title]
            strategy = title if kind == "strategy" else None
            path = [title] if kind in ("strategy", "top") else list(numbered)
        table = kind == "level"
        builder.add_section(title, path, (n, last))
        start = n = last + 1
    _read_region(builder, source, vocab, path, table, start, len(source))
    return builder.build()


def abbreviations(lines: list[str]) -> dict[str, str]:
    """The plan's own «CODE: Expansion» list: runs of at least two such lines (blank lines allowed)."""
    found: dict[str, str] = {}
    run: dict[str, str] = {}
    for line in [*lines, "end of text"]:
        match = _ABBREV.match(line)
        if match:
            run[match.group(1)] = join_lines([match.group(2)])
        elif line.strip():
            if len(run) >= 2:
                found.update(run)
            run = {}
    return found


def _heading(source: Source, n: int, vocab: PlanWords, table: bool) -> tuple[str, int, int, str] | None:
    """(title, depth, last line, kind) when line n starts a heading of this layout, else None.

    Kinds: «level» (Strukturelt nivå …), «strategy» (STRATEGI n – …), «top» (an unnumbered heading in
    capitals, or «Forkortelser»), «chapter» (a numbered heading in capitals). A chapter title that ends
    in a hyphen or runs on in capitals continues on the next printed line.
    """
    line = source.line(n).strip()
    if abbrev_head := _ABBREV_HEAD.match(line):
        return abbrev_head.group(1), 1, n, "top"
    match = _NUMBERED.match(line)
    if match is None:
        words = line.split()
        if not table and 0 < len(words) <= 6 and line.replace(" ", "").isalpha() and line.isupper() and len(line) >= 5:
            return line, 1, n, "top"
        return None
    number, title = match.groups()
    depth = number.count(".") + 1
    if depth > 1 and _LEVEL.match(title):
        return f"{number} {title.rstrip(':').rstrip()}", depth, n, "level"
    if not any(c.isalpha() for c in title) or not title.isupper() or len(title) < 3:
        return None
    last = n
    nxt = _next_printed(source, n)
    rest = source.line(nxt).strip() if nxt else ""
    if rest.isupper() and not _NUMBERED.match(rest) and (title.endswith("-") or len(rest.split()) <= 3):
        title = join_lines(vocab.rejoin([title, rest]))
        last = nxt or n
    title = f"{number}. {title}" if line.startswith(f"{number}.") else f"{number} {title}"
    kind = "strategy" if _STRATEGY.match(match.group(2)) else "chapter"
    return title, depth, last, kind


def _next_printed(source: Source, n: int) -> int | None:
    """The next line with text after n, skipping the empty lines the extraction puts between lines."""
    for m in range(n + 1, min(n + 3, len(source)) + 1):
        if source.line(m):
            return m if source.line(m).strip() else None
    return None


def _read_region(
    builder: PlanBuilder, source: Source, vocab: PlanWords, path: list[str], table: bool, start: int, end: int
) -> None:
    if start > end:
        return
    if table:
        _read_table(builder, source, vocab, path, start, end)
    else:
        _read_prose(builder, source, vocab, path, start, end)


@dataclass
class _Row:
    first: int
    last: int
    text: list[str] = field(default_factory=list)
    owner: str | None = None
    inline: tuple[int, str] | None = None  # (index in text, code) of an owner printed after the text

    @property
    def closed(self) -> bool:
        return self.owner is not None and self.inline is None


def _read_table(builder: PlanBuilder, source: Source, vocab: PlanWords, path: list[str], start: int, end: int) -> None:
    """Rows of one level's «Tiltak | Ansvar» table; themed sub-lists and stray prose (footnotes) too."""
    section = list(path)
    row: _Row | None = None
    expected = 1
    prose_start: int | None = None

    def close_row() -> None:
        nonlocal row
        if row is not None:
            _add_row(builder, vocab, SECTION_SEP.join(section), row)
        row = None

    def close_prose(upto: int) -> None:
        nonlocal prose_start
        if prose_start is not None:
            _read_prose(builder, source, vocab, section, prose_start, upto)
        prose_start = None

    for n in range(start, end + 1):
        raw = source.line(n)
        line = raw.strip()
        if not line or _TABLE_HEADER.match(raw) or PAGE_NUMBER.match(raw):
            if row is not None and row.inline and raw and not line:
                close_row()  # a paragraph break ends a row whose owner was already printed
            continue
        item = _ITEM.match(raw)
        if item and int(item.group(1)) in (expected, 1):
            close_row()
            close_prose(n - 1)
            expected = int(item.group(1)) + 1
            row = _Row(first=n, last=n)
            _add_text(row, item.group(2), builder.abbreviations)
            continue
        if row is not None and not row.closed:
            theme = _THEME.match(raw)
            if row.inline and theme:
                close_row()
            else:
                row.last = n
                if _OWNER.match(line):
                    if row.inline:  # the earlier trailing code was part of the text after all
                        index, code = row.inline
                        row.text[index] = f"{row.text[index]} {code}"
                    row.owner, row.inline = line, None
                else:
                    _add_text(row, raw, builder.abbreviations)
                continue
        close_row()
        theme = _THEME.match(raw)
        if theme:
            close_prose(n - 1)
            title = theme.group(1).strip()
            section = [*path, title]
            builder.add_section(title, section, (n, n))
        elif prose_start is None:
            prose_start = n
    close_row()
    close_prose(end)


def _add_text(row: _Row, text: str, abbrevs: dict[str, str]) -> None:
    """Add a text line to a row; a known owner code at its end (before any owner) is the row's owner."""
    trailing = _TRAILING_OWNER.match(text.strip())
    codes = re.split(r"\s*/\s*", trailing.group(2)) if trailing else []
    if trailing and row.owner is None and all(code in abbrevs for code in codes):
        row.text.append(trailing.group(1))
        row.owner, row.inline = trailing.group(2), (len(row.text) - 1, trailing.group(2))
    else:
        row.text.append(text)


def _add_row(builder: PlanBuilder, vocab: PlanWords, section: str, row: _Row) -> None:
    text = join_bullets(vocab.rejoin(row.text))
    if row.owner is None:
        builder.warnings.append(f"lines {row.first}-{row.last}: tiltak without an Ansvar code: {text[:60]!r}")
    builder.add_tiltak(
        section=section,
        text=text,
        lines=(row.first, row.last),
        owner=row.owner,
        owner_expanded=expand_owner(row.owner, builder.abbreviations),
    )


@dataclass
class _Para:
    first: int
    last: int
    lead: list[str] = field(default_factory=list)
    items: list[list[str]] = field(default_factory=list)
    heading: bool = False
    text: str = ""


def _para_text(para: _Para, vocab: PlanWords) -> str:
    """The paragraph's lead text, then its list items, joined with « • »."""
    parts = [join_lines(vocab.rejoin(para.lead))] if para.lead else []
    parts += [join_lines(vocab.rejoin([strip_bullet(item[0]), *item[1:]])) for item in para.items]
    return " • ".join(part for part in parts if part)


def _read_prose(builder: PlanBuilder, source: Source, vocab: PlanWords, path: list[str], start: int, end: int) -> None:
    """Prose as passages of whole paragraphs (≤ ~1200 characters); a short title line opens a sub-section."""
    section = list(path)
    group: list[_Para] = []

    def flush() -> None:
        if group:
            text = " ".join(para.text for para in group)
            lines = (min(p.first for p in group), max(p.last for p in group))
            builder.add_passage(SECTION_SEP.join(section), text, lines)
        group.clear()

    for para in sorted(_paragraphs(source, vocab, start, end, builder.abbreviations), key=lambda p: p.first):
        if para.heading:
            flush()
            title = join_lines(para.lead)
            section = [*path, title]
            builder.add_section(title, section, (para.first, para.last))
            continue
        if group and sum(len(p.text) + 1 for p in group) + len(para.text) > 1200:
            flush()
        group.append(para)
    flush()


def _paragraphs(source: Source, vocab: PlanWords, start: int, end: int, abbrevs: dict[str, str]) -> list[_Para]:
    """Split prose into paragraphs: whitespace-only lines break them, bullets and «CODE: …» lines are items.

    Rows of numbers (a statistics table printed into a sentence) are kept as a paragraph of their own,
    so the sentence around them still reads whole.
    """
    out: list[_Para] = []
    para: _Para | None = None
    numbers: _Para | None = None
    after_break = True

    def is_item(line: str) -> bool:
        match = _ABBREV.match(line)
        return is_bullet(line) or bool(match and match.group(1) in abbrevs)

    for n in range(start, end + 1):
        raw = source.line(n)
        if not raw:
            continue
        if not raw.strip() or PAGE_NUMBER.match(raw):
            para, numbers, after_break = None, None, True
            continue
        if _is_table_row(raw):
            if numbers is None:
                numbers = _Para(n, n)
                out.append(numbers)
            numbers.lead.append(raw)
            numbers.last = n
            continue
        if after_break and _is_title(source, n, end, is_item):
            out.append(_Para(n, n, lead=[raw], heading=True))
            para, after_break = None, True
            continue
        after_break = False
        if para is not None and not is_item(raw) and para.items and not _continues(para.items[-1][-1], raw):
            para = None
        if para is None:
            para = _Para(n, n)
            out.append(para)
        if is_item(raw):
            para.items.append([raw])
        elif para.items:
            para.items[-1].append(raw)
        else:
            para.lead.append(raw)
        para.last = n
    for para in out:
        para.text = _para_text(para, vocab)
    return [p for p in out if p.text]


def _continues(previous: str, line: str) -> bool:
    """A line continues a list item when the item broke a word or the line starts in lower case."""
    return previous.rstrip().endswith("-") or line.strip()[:1].islower()


def _is_table_row(line: str) -> bool:
    """A row of a statistics table: a short label and at least five numbers («0 år 606 612 …»)."""
    tokens = line.split()
    numeric = [t for t in tokens if _NUMBER.match(t)]
    return len(numeric) >= 5 and len(numeric) >= 0.6 * len(tokens)


def _is_title(source: Source, n: int, end: int, is_item: Callable[[str], bool]) -> bool:
    """A short unnumbered title line («Doping», «Narkotikautløste dødsfall») on its own after a break."""
    line = source.line(n).strip()
    if is_item(line) or len(line.split()) > 5 or len(line) > 45 or ":" in line:
        return False
    if not (line[:1].isupper() or line.startswith("«")) or any(c.isdigit() for c in line):
        return False
    if not (line[-1].isalpha() or line.endswith("»")):
        return False
    nxt = next((m for m in range(n + 1, end + 1) if source.line(m)), None)
    if nxt is None:
        return True
    following = source.line(nxt).strip()
    return not following or following[:1].isupper() or following.startswith("«")
