"""The header-driven table reader: any `Document` (from a PDF, a Word file or a text) → records.

A table is a tiltak table when its header row names a tiltak column and at least one of owner,
frist, status or risiko (in any order and subset: «Nr. · Tiltak / Tiltaksbeskrivelse · Mål / Delmål
/ Resultatmål · Ansvarlig / Ansvar · Frist · Status · Risiko»). A two-column table of codes and what
they stand for, or a list of «OF – Oppvekst og familie» lines, is the plan's abbreviation list and
expands the owners. Headings become sections, other blocks prose passages, and tiltak printed as labelled
blocks between them are read too (`rusqa.ingest.labelled`, which walks the document); the header words are
`rusqa.ingest.headers`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rusqa.errors import CorpusError
from rusqa.ingest import labelled
from rusqa.ingest.abbreviations import abbreviation_lines, abbreviation_table, expand_owner
from rusqa.ingest.breaks import PlanWords
from rusqa.ingest.document import Document, Heading, Prose, Table
from rusqa.ingest.headers import ROW_FIELDS, column_field
from rusqa.ingest.labelled import Item
from rusqa.ingest.source import NUMBER, SECTION_SEP, PlanBuilder, Source
from rusqa.models import LineRange, PageRange, ParsedPlan, Plan
from rusqa.text import YEAR, collapse, is_bullet, join_bullets, join_lines


def header_fields(header: list[str]) -> list[str | None]:
    """The field each column holds; a field named twice keeps its first column — except the tiltak's text, which
    may be printed in two («Tiltak | Beskrivelse»: a title, then what it is) and is read from both."""
    seen: set[str] = set()
    fields: list[str | None] = []
    for cell in header:
        name = column_field(cell)
        fields.append(name if name and (name not in seen or name == "text") else None)
        if name:
            seen.add(name)
    return fields


def is_tiltak_header(header: list[str]) -> bool:
    fields = set(header_fields(header))
    return "text" in fields and bool(fields & set(ROW_FIELDS))


def header_index(rows: list[list[str]]) -> int:
    """Where a table's header row is: a caption row merged across the table («Tiltaksplan 2025–2028») may sit
    above it; 0 when none of the first three rows names the columns."""
    return next((n for n, row in enumerate(rows[:3]) if is_tiltak_header(row)), 0)


def cell_text(raw: str, words: PlanWords | None = None) -> str:
    """A cell's printed text: bullets joined with « • », wrapped lines re-joined (and, in a text export,
    words a narrow column broke without a hyphen, by the plan's own vocabulary)."""
    lines = [line for line in raw.split("\n") if line.strip()]
    if words is not None:
        lines = words.rejoin(lines)
    if lines and (is_bullet(lines[0]) or any(line.lstrip().startswith("•") for line in lines)):
        return join_bullets(lines)
    return join_lines(lines)


def read_document(document: Document, plan: Plan, source: Source) -> ParsedPlan:
    """Records from a Document whose lines are `source`'s lines."""
    builder = PlanBuilder(plan)
    builder.page_of = document.pages
    builder.warnings.extend(document.warnings)
    builder.abbreviations = _abbreviations(document, source)
    # words a narrow column broke without a hyphen: a text export's by the plan's own words; a PDF's or Word
    # file's cells (a word too long for its column is cut where the column ends) also by the language's words
    words = PlanWords(source.lines) if source.document is None else PlanWords(_cell_lines(document), known_words())

    cards: set[str] = set()  # the sections whose heading already titled a tiltak card

    def table(block: Table, section: str) -> None:
        if is_tiltak_header(block.header):
            _read_tiltak(builder, block, section, words)
        elif (values := key_values(block)) is not None:
            lines = (block.header_lines[0], block.rows[-1].lines[1])
            titled = card_title(section) if section not in cards else None
            cards.add(section)
            if titled is not None and "code" not in values:  # «A1 Mestringskurs for voksne» over its card
                code, title, goal = titled
                values = {**values, "code": code, "text": f"{title} – {values['text']}"}
                _add_tiltak(builder, section, lines, values, goal, block.rows[0].pages)
            else:
                _add_tiltak(builder, section, lines, values, section_goal(section), block.rows[0].pages)
        else:
            _other_table(builder, block, section)

    # one walk for headings (sections), prose, tables, and tiltak printed as labelled blocks between them
    labelled.add_to(builder, source, _items(document, source), table)
    return builder.build()


def section_goal(section: str) -> str | None:
    """The goal a section's own heading states («Mål 1: Færre unge debuterer tidlig»), if it is one."""
    found = labelled.label(section.rsplit(SECTION_SEP, 1)[-1])
    return found[2] if found and found[0] == "goal" else None


# A tiltak card's own heading: its number («A1», «2.3», «B-4») and its title.
_CARD_TITLE = re.compile(rf"^\s*([A-ZÆØÅ]{{0,3}}[.\-]?{NUMBER})\.?\s+(\S.*)$")


def card_title(section: str) -> tuple[str, str, str | None] | None:
    """A tiltak printed as a card — a heading «A1 Mestringskurs for voksne» right above its table of Beskrivelse,
    Ansvarlig, Frist … —: the heading's number and title, and the goal: the heading above it when that one names
    a goal («Satsingsområde A – Forebygging og mestring», «Mål 2: …»). None when the section's own heading is no
    numbered title."""
    *above, last = section.split(SECTION_SEP)
    titled = _CARD_TITLE.match(last)
    if not above or titled is None:
        return None
    parent = above[-1]
    opening = re.match(r"[^\W\d_]+", parent)
    named = parent if opening and column_field(opening.group(0)) == "goal" else None
    return titled.group(1), titled.group(2), section_goal(SECTION_SEP.join(above)) or named


def key_values(table: Table) -> dict[str, str] | None:
    """A tiltak printed as a small table of its own, one field a row («Tiltak | …», «Ansvarlig | …», «Frist | …»):
    its values by field; None for any other table. A second text row («Beskrivelse») follows the first."""
    rows = [table.header, *(r.cells for r in table.rows)]
    if len(table.header) != 2 or len(rows) < 3:
        return None
    values: dict[str, str] = {}
    for key, value in rows:
        name = column_field(key)
        if name is None or (name in values and name != "text"):
            return None
        if value.strip():
            text = cell_text(value)
            values[name] = f"{values[name]} – {text}" if name in values else text
    return values if "text" in values and any(f in values for f in ROW_FIELDS) else None


def _cell_lines(document: Document) -> list[str]:
    """The document's lines as printed: prose lines, and each table cell's own lines (a blank between cells)."""
    out: list[str] = []
    for block in document.blocks:
        if isinstance(block, Table):
            for cells in [block.header, *(r.cells for r in block.rows)]:
                for cell in cells:
                    out += [*cell.split("\n"), ""]
        elif isinstance(block, Heading):
            out += [block.title, ""]
        else:
            out += [*document.lines[block.lines[0] - 1 : block.lines[1]], ""]
    return out


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Words of Norwegian at large: the most frequent bokmål words and every word the corpus plans print."""
    from rusqa.lexicon import general_frequencies, glossary

    return frozenset(general_frequencies()) | frozenset(glossary())


def _other_table(builder: PlanBuilder, table: Table, section: str) -> None:
    """A table that holds no tiltak: its rows are passages (an abbreviation list is read elsewhere)."""
    if abbreviation_table(table):
        return
    for row in table.rows:
        text = " · ".join(cell_text(c) for c in row.cells if c.strip())
        builder.add_passage(section, text, row.lines)


def _items(document: Document, source: Source) -> list[Item]:
    """The document as labelled.Items: headings, each prose line (grouped by its block), tables as they are."""
    items: list[Item] = []
    for group, block in enumerate(document.blocks):
        if isinstance(block, Heading):
            items.append(Item(block.lines, block.title, block.level))
        elif isinstance(block, Prose):
            start = block.lines[0]
            items += [Item((n, n), line, group=group) for n, line in enumerate(source.span(*block.lines), start=start)]
        elif not is_tiltak_header(block.header) and _labels_row_fields(block):
            # a table with no header whose cells label the fields («Ansvarlig: …» | «Frist: …») under a row that
            # holds the tiltak: its rows read as lines, one paragraph each, for the labelled reader
            for cells, lines in [(block.header, block.header_lines), *((r.cells, r.lines) for r in block.rows)]:
                text = " – ".join(dict.fromkeys(collapse(c) for c in cells if c.strip()))
                items.append(Item(lines, text, group=-lines[0]))
        else:
            items.append(Item((0, 0), "", table=block))
    return items


def _labels_row_fields(table: Table) -> bool:
    """Some row's cells are all labelled row fields («Ansvarlig: NAV», «Frist: 2026»)."""
    rows = [table.header, *(r.cells for r in table.rows)]
    return any(
        (filled := [c for c in cells if c.strip()]) and all(labelled.row_fields(c) for c in filled) for cells in rows
    )


def _abbreviations(document: Document, source: Source) -> dict[str, str]:
    found: dict[str, str] = {}
    heading = ""  # a list of codes may sit under its own heading («4. Forkortelser brukt i tiltakstabellen»)
    for block in document.blocks:
        if isinstance(block, Table):
            found.update(abbreviation_table(block))
        elif isinstance(block, Prose):
            found.update(abbreviation_lines([heading, *source.span(*block.lines)]))
            heading = ""
        else:
            heading = block.title
    return found


def group_heading(cells: list[str], fields: list[str | None]) -> str | None:
    """A row that heads the rows below it rather than being a tiltak: one text merged across the row («Mål 1:
    Barn og unge …» spanning every column, read into each), a lone text in the number or goal column, or a lone
    cell labelled as a goal («Delmål 2: …»)."""
    filled = [(name, collapse(cell)) for name, cell in zip(fields, cells, strict=False) if cell.strip()]
    if not filled:
        return None
    texts = {text for _, text in filled}
    if len(filled) >= 2 and len(texts) == 1:
        return filled[0][1]
    if len(filled) != 1:
        return None
    name, text = filled[0]
    found = labelled.label(text)
    if found is not None and found[0] == "goal":
        return found[2]
    if name in ("code", "goal") and len(text) > 12 and re.search(r"[^\W\d_]{4}", text):
        return text
    return None


def _read_tiltak(builder: PlanBuilder, table: Table, section: str, words: PlanWords | None) -> None:
    fields = header_fields(table.header)
    heading = section_goal(section)  # a table under the heading «Mål 1: …», or under a group heading row
    above: str | None = None  # the goal cell of the row above: a goal printed once for its group is theirs too
    for row in table.rows:
        if (group := group_heading(row.cells, fields)) is not None:
            heading, above = group, None
            continue
        values: dict[str, str] = {}
        for name, raw in zip(fields, row.cells, strict=False):
            if name and raw.strip():
                text = cell_text(raw, words)
                values[name] = f"{values[name]} – {text}" if name in values else text  # a title, then its text
        if "goal" in fields:
            above = values.get("goal") or above
        if not values.get("text"):
            continue
        if "deadline" not in values and (marked := _marked_years(table.header, row.cells)):
            values["deadline"] = marked  # «2025 | 2026 | 2027» columns with an «X» in the years it runs
        # bullets inside a tiltak cell stay one tiltak, as the plans print them (Grorud's «Overdoseforebyggende
        # arbeid» lists its activities so); a writer who meant one tiltak a bullet is not told apart from it
        _add_tiltak(builder, section, row.lines, values, above or heading, row.pages)


def _marked_years(header: list[str], cells: list[str]) -> str | None:
    """The years whose column is marked in the row, as printed in the header («2025, 2026»); or the words the year
    columns print instead of a mark («Løpende», written across them)."""
    marked = [
        (h.strip(), c.strip()) for h, c in zip(header, cells, strict=False) if YEAR.fullmatch(h.strip()) and c.strip()
    ]
    printed = list(dict.fromkeys(c for _, c in marked if re.search(r"[^\W\d_]{3}", c)))  # a word, not «X» or «✓»
    return ", ".join(printed or [year for year, _ in marked]) or None


def _add_tiltak(
    builder: PlanBuilder, section: str, lines: LineRange, values: dict[str, str], goal: str | None,
    pages: PageRange | None,
) -> None:  # fmt: skip
    owner = values.get("owner")
    builder.add_tiltak(
        section=section,
        lines=lines,
        text=values["text"],
        code=_code(values.get("code")),
        goal=values.get("goal") or goal,
        owner=owner,
        owner_expanded=expand_owner(owner, builder.abbreviations),
        deadline=values.get("deadline"),
        status=values.get("status"),
        risk=values.get("risk"),
        pages=pages,
    )


def _code(raw: str | None) -> str | None:
    """A printed tiltak number usable in an id («11S», «3.2», «A-4»); None for anything longer."""
    if not raw:
        return None
    code = raw.strip().rstrip(".")
    return code if re.fullmatch(r"[\wæøåÆØÅ][\wæøåÆØÅ.\-]{0,9}", code) else None


def parse(source: Source, plan: Plan) -> ParsedPlan:
    """The `pdf` and `docx` layouts: whatever the file's reader found, read by its header rows."""
    if source.document is None:
        raise CorpusError(f"{source.path}: layout `{plan.layout}` needs a PDF or .docx file — use `generic` for text")
    return read_document(source.document, plan, source)
