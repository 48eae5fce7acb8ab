"""Labelled tiltak blocks: plans that print each tiltak not in a table but as a line or heading
«Tiltak 3: Etablere …» followed by «Ansvarlig: …», «Frist: …», «Status: …» lines.

The labels are the column headers of the table reader (`headers.COLUMN_HEADERS`), so a word that names a column
also names a label. A block becomes a tiltak when it names a row field (owner, frist, status or risiko);
otherwise its lines stay what they were. A «Mål: …» line outside a block is the goal of the blocks after it,
until the next heading. Both the text reader and the PDF / Word reader walk their lines through `read`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from rusqa.ingest.abbreviations import expand_owner
from rusqa.ingest.document import Table
from rusqa.ingest.headers import COLUMN_HEADERS, ROW_FIELDS, column_field
from rusqa.ingest.source import NUMBER, SECTION_SEP, PlanBuilder, Source, add_prose
from rusqa.models import LineRange
from rusqa.text import is_bullet, join_lines

# «Tiltak 3: …», «Tiltak 2.1 – …», «Tiltak 1.1 Foreldreveiledning», «Ansvarlig: …»: a label word, a code after a
# tiltak label only, a colon (a dash, or a space before a capital, after a coded tiltak label), the value.
_LABEL = re.compile(
    r"^\s*([^\W\d_]+)(?:\s+(\d[\w.\-]{0,9}|[A-ZÆØÅ]{1,3}[.\-]?\d[\w.\-]{0,6}|[A-ZÆØÅ](?=:)))?(?:\s*(:|\s[–-]\s)|\s+(?=[A-ZÆØÅ]))\s*(.*)$"
)
# A row field labelled inside a sentence run: «… til foreldre. Ansvar: Oppvekst og familie. Frist: 2026.»
_INLINE_LABEL = re.compile(r"(?<=[.;!?])\s+(?=([^\W\d_]+)\s*:\s)")


@dataclass
class Item:
    """One line of the plan (or a heading, with its level; or a table that holds no tiltak). Lines of one
    `group` (a paragraph block of a PDF or Word file) that stay prose become passages together."""

    lines: LineRange
    text: str
    level: int | None = None
    table: Table | None = None
    group: int = 0


@dataclass
class LabelledTiltak:
    lines: LineRange
    code: str | None
    values: dict[str, str]


@dataclass
class _Block:
    items: list[Item]
    code: str | None
    fields: dict[str, list[str]] = field(default_factory=dict)
    current: str = "text"
    blanks: int = 0
    in_sentences: set[str] = field(default_factory=set)  # fields labelled inside a run of sentences (the block's
    # fields then end with their sentences' full stops)

    def is_tiltak(self) -> bool:
        return bool(self.fields.get("text")) and any(f in self.fields for f in ROW_FIELDS)


def label(line: str) -> tuple[str, str | None, str] | None:
    """(field, code, value) of a labelled line; None for any other line."""
    match = _LABEL.match(line)
    if not match:
        return None
    name = column_field(match.group(1))
    code, separator, value = match.group(2), match.group(3) or " ", match.group(4).strip()
    if name == "goal" and code and separator == ":":  # «Mål 1: …», «Delmål 2.1: …»: the goal as printed
        return name, code, f"{match.group(1)} {code}: {value}"
    if name is None or (name != "text" and (code or separator != ":")) or (separator != ":" and not code):
        return None
    return name, code, value


def field_value(name: str, value: str) -> str:
    """A labelled value as printed, less the full stop that ended its sentence («Frist: 1. kvartal 2027.»); a text
    keeps its own, and so does a value ending in an abbreviation («m.m.»)."""
    value = value.strip()
    if name in ROW_FIELDS and value.endswith(".") and not re.search(r"(?:^|\s|\.)\w\.$", value):
        return value[:-1].rstrip()
    return value


def inline_labels(text: str) -> list[str]:
    """A line cut before each row field labelled inside it («… foreldre. Ansvar: X. Frist: 2026.» → the text, «Ansvar:
    X», «Frist: 2026»); the period that ended the sentence before the next label is not part of a value."""
    cuts = [m.start() for m in _INLINE_LABEL.finditer(text) if column_field(m.group(1)) in ROW_FIELDS]
    if not cuts:
        return [text]
    parts = [text[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    return parts


_TRAILING_PARENTHESIS = re.compile(r"^\s*(?:[•●▪◦·\-–*]\s*)?(.+?)\s*\(([^()]+)\)\s*\.?\s*$")


# Between labelled row fields on one line: a comma, a semicolon, a bar, a dash set off by spaces, or a full stop
_FIELD_SEPARATOR = re.compile(r"\s*(?:[;,|]|\s[–—-]|\.)\s*(?=[^\W\d_]+\s*:)")


def row_fields(text: str) -> dict[str, str] | None:
    """«Ansvar: NAV Alna – Frist: 2026 – Status: Pågår» (or «ansvar: X, frist: Y»): the row fields a line labels,
    every part of it one; None for any other line."""
    fields: dict[str, str] = {}
    for part in _FIELD_SEPARATOR.split(text.strip().strip("()").strip()):
        found = label(part)
        if found is None or found[0] not in ROW_FIELDS:
            return None
        if value := found[2].rstrip(".").strip():  # «Frist:» printed with nothing after it gives no frist
            fields[found[0]] = value
        else:
            fields.setdefault(found[0], "")
    return {k: v for k, v in fields.items() if v} if fields else None


_NUMBER = re.compile(rf"^\s*({NUMBER})[.)]\s+(?=\S)")  # «3. …», «2.1) …»


_TRAILING_FIELDS = re.compile(r"^\s*(?:[•●▪◦·*]\s*)?(?P<text>.+?)\s+[–—-]\s+(?P<fields>[^\W\d_]+\s*:.+)$")


@lru_cache(maxsize=1)
def _before_field_word() -> re.Pattern[str]:
    """A comma or semicolon before a row field's name («…, frist løpende»)."""
    words = "|".join(re.escape(w) for name in ROW_FIELDS for w in COLUMN_HEADERS[name] if w.isalpha())
    return re.compile(rf"\s*[,;]\s*(?=(?:{words})\b)", re.IGNORECASE)


def trailing_fields(text: str) -> tuple[str, dict[str, str]] | None:
    """«• Tilby foreldremøter om rus – Ansvar: Oppvekst og familie, frist løpende»: a line that ends, after a dash,
    with its row fields (the first labelled with a colon, the rest perhaps only named) is a tiltak."""
    match = _TRAILING_FIELDS.match(text)
    if not match:
        return None
    fields: dict[str, str] = {}
    for part in _before_field_word().split(match.group("fields")):
        found = label(part)
        name, value = (found[0], found[2]) if found else (column_field(part.split(maxsplit=1)[0]), part)
        if found is None and name is not None:
            value = part.split(maxsplit=1)[1] if len(part.split(maxsplit=1)) > 1 else ""
        if name not in ROW_FIELDS:
            return None
        if value := field_value(name, value):
            fields[name] = value
    return (match.group("text"), fields) if fields.get("owner") or fields.get("deadline") else None


def parenthesised_fields(text: str) -> tuple[str, dict[str, str]] | None:
    """«• Etablere flere boliger (ansvar: Boligkontoret, frist: 2026)»: a line whose closing parenthesis labels row
    fields — every part of it, separated by commas or semicolons — is a tiltak: (its text, its fields)."""
    match = _TRAILING_PARENTHESIS.match(text)
    if not match:
        return None
    fields = row_fields(match.group(2))
    if fields is None:
        return None
    return match.group(1), fields


@dataclass
class _Paragraph:
    """Prose lines just read, held back until it is known whether they are a tiltak: when a line that labels only
    row fields follows («Ansvar: NAV Alna – Frist: 2026», perhaps after one blank line), or when the paragraph
    ends with them in parentheses («… (Ansvarlig: X. Frist: 2026.)»)."""

    lines: list[Item] = field(default_factory=list)
    blank: Item | None = None  # one blank line after the paragraph: its fields may still follow
    heading: Item | None = None  # a numbered heading right above it («3.1 Trygg russefeiring»): its title
    made: LabelledTiltak | None = None  # the tiltak a field line just made: further field lines add to it

    def tiltak(self, fields: dict[str, str], last: Item, goal: str | None) -> LabelledTiltak:
        text = join_lines([line.text for line in self.lines])
        number = _NUMBER.match(text)
        code, text = (number.group(1), text[number.end() :]) if number else (None, text)
        first = self.lines[0].lines[0]
        if self.heading is not None and (titled := _NUMBER_TITLE.match(self.heading.text)):
            code, text, first = titled.group(1), f"{titled.group(2)} – {text}", self.heading.lines[0]
        values = {"text": text, **fields, **({"goal": goal} if goal else {})}
        self.lines, self.blank, self.heading = [], None, None
        return LabelledTiltak((first, last.lines[1]), code, values)

    def release(self, goal: str | None) -> Iterator[Item | LabelledTiltak]:
        """The paragraph as it is: a tiltak when it ends with its fields in parentheses, else its lines."""
        if self.made is not None:
            yield self.made
            self.made = None
        if self.lines:
            text = join_lines([line.text for line in self.lines])
            fielded = _fielded(text) if len(self.lines) > 1 else None
            if fielded is not None:
                last, blank = self.lines[-1], self.blank
                self.lines = [Item(self.lines[0].lines, fielded[0])]
                yield self.tiltak(fielded[1], last, goal)
                if blank is not None:
                    yield blank
                return
        if self.lines:  # prose between a numbered heading and a tiltak: the heading is a section, not its title
            self.heading = None
        yield from self.lines
        if self.blank is not None:
            yield self.blank
        self.lines, self.blank = [], None


def _fielded(text: str) -> tuple[str, dict[str, str]] | None:
    """A line or paragraph that carries its tiltak's fields at its end, in parentheses or after a dash."""
    return parenthesised_fields(text) or trailing_fields(text)


_NUMBER_TITLE = re.compile(rf"^\s*({NUMBER})\.?\s+(\S.*)$")  # «3.1 Trygg russefeiring», «2.1 Tilby …»


def read(items: Iterable[Item]) -> Iterator[Item | LabelledTiltak]:
    """The items in order, each labelled tiltak block given as one `LabelledTiltak` in place of its items; so is a
    paragraph with its row fields labelled after it or in parentheses at its end (`_Paragraph`)."""
    block: _Block | None = None
    goal: str | None = None
    goal_level: int | None = None  # the level of the heading that states the goal, when one does
    paragraph = _Paragraph()

    def close() -> Iterator[Item | LabelledTiltak]:
        if block is None:
            return
        # «Tiltak 1: Lage … (Ansvar: OPP;» wrapped onto «frist: 2025; status: gjennomført)»: the fields are the
        # parenthesis's, read from the whole block as one line
        opened = " ".join(block.fields["text"])
        whole = label(join_lines([i.text for i in block.items])) if opened.count("(") > opened.count(")") else None
        fielded = _fielded(whole[2]) if whole and whole[0] == "text" else None
        if fielded is not None:
            values = {"text": fielded[0], **fielded[1], **({"goal": goal} if goal else {})}
            yield LabelledTiltak((block.items[0].lines[0], block.items[-1].lines[1]), block.code, values)
            return
        if block.is_tiltak():
            # fields labelled in a run of sentences end with their sentences' full stops; fields on lines of their
            # own («Ansvarlig: NAV Ung v/Enhet for russaker.») keep what they print
            values = {
                name: field_value(name, join_lines(lines)) if block.in_sentences else join_lines(lines)
                for name, lines in block.fields.items()
            }
            values = {name: value for name, value in values.items() if value}
            title, *rest = block.fields["text"]
            if block.items[0].level is not None and join_lines(rest):  # «Tiltak 1.1 Foreldreveiledning» over its text
                values["text"] = f"{title} – {join_lines(rest)}"
            if goal and "goal" not in values:
                values["goal"] = goal
            yield LabelledTiltak((block.items[0].lines[0], block.items[-1].lines[1]), block.code, values)
        else:
            yield from block.items

    for item in items:
        plain = item.table is None and item.level is None
        fields = row_fields(item.text) if plain and block is None else None
        if fields is not None and paragraph.made is not None and not paragraph.lines:  # «Tidsplan: …» after «Ansvar: …»
            for name, value in fields.items():
                paragraph.made.values.setdefault(name, value)
            paragraph.made.lines = (paragraph.made.lines[0], item.lines[1])
            continue
        if fields is not None and paragraph.lines and ("owner" in fields or "deadline" in fields):
            if paragraph.made is not None:
                yield paragraph.made
            paragraph.made = paragraph.tiltak(fields, item, goal)
            continue
        blank = plain and not item.text.strip()
        if blank and paragraph.lines and paragraph.blank is None:
            paragraph.blank = item
            continue
        # «3. …», «2.1 …» or «• …» starts a paragraph of its own
        opens = bool(_NUMBER.match(item.text) or _NUMBER_TITLE.match(item.text)) or is_bullet(item.text)
        same = plain and paragraph.lines and paragraph.blank is None and item.group == paragraph.lines[-1].group
        if opens or blank or not same:
            yield from paragraph.release(goal)
        found = label(item.text) if item.table is None else None
        if found and found[0] == "text":
            yield from close()
            block = None
            if (fielded := _fielded(found[2])) is not None:  # «Tiltak 1: Lage … (Ansvar: OPP; frist: 2025)»
                text, values = fielded
                yield LabelledTiltak(item.lines, found[1], {"text": text, **values, **({"goal": goal} if goal else {})})
                continue
            block = _Block([item], found[1], {"text": [found[2]]})
            continue
        next_goal = bool(found and found[0] == "goal" and block is not None and block.is_tiltak())
        if block is not None and item.level is None and item.table is None and not next_goal:
            if found:
                block.fields.setdefault(found[0], []).append(found[2])
                block.current = found[0]
                block.items.append(item)
                continue
            block.blanks += blank
            # a value wrapped onto the next line; a blank line ends a tiltak, two end a block that named no field
            if not (blank and (block.is_tiltak() or block.blanks >= 2)):
                if not blank:
                    first, *labelled = inline_labels(item.text)
                    block.fields.setdefault(block.current, []).append(first)
                    for part in labelled:
                        name, _, value = label(part) or (block.current, None, part)
                        block.fields.setdefault(name, []).append(value)
                        block.current = name
                        block.in_sentences.add(name)
                block.items.append(item)
                continue
        yield from close()
        block = None
        if item.level is not None:  # a heading ends the goal, unless it is one («Mål 2: …») or sits under it
            heading = label(item.text)
            if heading and heading[0] == "goal":
                goal, goal_level = heading[2], item.level
            elif goal_level is None or item.level <= goal_level:
                goal, goal_level = None, None
            paragraph.heading = item if _NUMBER_TITLE.match(item.text) else None
        elif found and found[0] == "goal":
            goal = found[2]  # a «Mål: …» line holds until the next heading
        elif plain and not paragraph.lines and (fielded := _fielded(item.text)) is not None:
            text, values = fielded
            numbered = _NUMBER_TITLE.match(text)  # «2.1 Tilby …», as Word numbers its lists
            code, text = (numbered.group(1), numbered.group(2)) if numbered else (None, text)
            yield LabelledTiltak(item.lines, code, {"text": text, **values, **({"goal": goal} if goal else {})})
            continue
        if plain and not blank and not found:
            paragraph.lines.append(item)
            continue
        if item.table is not None:
            paragraph.heading = None
        yield item
    yield from paragraph.release(goal)
    yield from close()


def add_to(
    builder: PlanBuilder,
    source: Source,
    items: Iterable[Item],
    on_table: Callable[[Table, str], None] = lambda table, section: None,
) -> None:
    """Sections, labelled tiltak and prose passages from the items (headings by their level)."""
    path: list[str] = []
    section = builder.plan.title
    prose: list[Item] = []

    def flush() -> None:
        if prose:
            add_prose(builder, source, section, prose[0].lines[0], prose[-1].lines[1])
            prose.clear()

    for out in read(items):
        if isinstance(out, LabelledTiltak):
            flush()
            values = out.values
            builder.add_tiltak(
                section=section,
                lines=out.lines,
                text=values["text"],
                code=out.code,
                goal=values.get("goal"),
                owner=values.get("owner"),
                owner_expanded=expand_owner(values.get("owner"), builder.abbreviations),
                deadline=values.get("deadline"),
                status=values.get("status"),
                risk=values.get("risk"),
            )
        elif out.level is not None:
            flush()
            path = [*path[: out.level - 1], out.text]
            builder.add_section(out.text, path, out.lines)
            section = SECTION_SEP.join(path)
        elif out.table is not None:
            flush()
            on_table(out.table, section)
        else:
            if prose and (out.group != prose[-1].group or out.lines[0] != prose[-1].lines[1] + 1):
                flush()
            prose.append(out)
    flush()
