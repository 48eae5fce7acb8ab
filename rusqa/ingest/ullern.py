"""Parser for the ullern layout: intro prose, «Mål:» / «Strategier:» bullet lists, then one table.

The table has four columns, Mål | Tiltaksbeskrivelse | Ansvarlig | Frist/Status, and no strategy
headings, so every row goes under the section «Tiltak». The PDF extraction prints each cell as a
block of lines separated by blank lines, in column order. Each row repeats one of the plan's goals in
its Mål cell, so a row starts where a block begins one of the goals listed under «Mål:» (matched
loosely: the table says «meningsfylt liv» where the list says «meningsfullt liv»). A long row comes out
interleaved (Mål part, tiltak part, owner, frist, rest of the Mål, rest of the tiltak); the goal list
tells which later block completes the Mål. A short owner and frist can share one line
(«Bydelsoverlege 1.Kvartal -22»); the frist starts at the first date-like word.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher

from rusqa.ingest.breaks import PlanWords
from rusqa.ingest.generic import heading_level
from rusqa.ingest.source import PAGE_NUMBER, SECTION_SEP, PlanBuilder, Source, add_prose, is_blank
from rusqa.models import ParsedPlan, Plan
from rusqa.text import collapse, join_bullets, join_lines, strip_bullet

_HEADER = re.compile(r"^\s*Mål\s+Tiltaksbeskrivelse\s+Ansvarlig\b", re.IGNORECASE)
_LABEL = re.compile(r"^\s*([A-ZÆØÅ][\wæøåÆØÅ ]{1,40}):\s*$")
_WORD = re.compile(r"\w+")
# Where a frist begins on a line shared with the owner: a digit, a season, or a time word.
_FRIST_START = re.compile(
    r"\s(?=(?:\d|Q\d|(?:Vår|Høst|Evalueres|Fortløpende|Løpende|Årlig|Årsrapportering|Innen|Uke)\b))",
    re.IGNORECASE,
)
_DATE_LIKE = re.compile(
    r"\d|kvartal|tertial|halvår|januar|februar|mars|april|mai|juni|juli|august|sept|okt|nov|des", re.I
)
_STATUS_LABEL = re.compile(r"\bStatus\s*:\s*", re.IGNORECASE)
_GOAL_MATCH = 0.8  # share of a block's words found, in order, in a goal
TABLE_SECTION = "Tiltak"

Block = tuple[int, int]  # 1-based inclusive line range of one cell fragment


@dataclass
class _Row:
    goal: list[Block]
    text: list[Block]
    owner: list[str]
    frist: list[str]
    lines: Block  # the whole row, from its first to its last line


def parse(source: Source, plan: Plan) -> ParsedPlan:
    builder = PlanBuilder(plan)
    vocab = PlanWords(source.lines)
    header = next((n for n, line in enumerate(source.lines, 1) if _HEADER.match(line)), None)
    table_end = len(source)
    if header is not None:
        after = (n for n in range(header + 1, len(source) + 1) if ends_table(source.line(n)))
        table_end = next(after, len(source) + 1) - 1
    goals = _read_front(builder, source, 1, (header or len(source) + 1) - 1)
    if header is None:
        builder.warnings.append("no table header «Mål Tiltaksbeskrivelse Ansvarlig …» found: no tiltak read")
        return builder.build()
    if not goals:
        builder.warnings.append("no «Mål:» list found: cannot tell where the table's rows begin")
        return builder.build()
    builder.add_section(TABLE_SECTION, [TABLE_SECTION], (header, header))
    for row in _rows(builder, source, goals, table_blocks(source, header + 1, table_end)):
        _add_row(builder, source, vocab, row)
    _read_back(builder, source, table_end + 1)
    return builder.build()


def _read_back(builder: PlanBuilder, source: Source, start: int) -> None:
    """Numbered headings and their prose after the table (none in the current edition)."""
    heads = [n for n in range(start, len(source) + 1) if heading_level(source.line(n))]
    for i, n in enumerate(heads):
        title = collapse(source.line(n))
        builder.add_section(title, [title], (n, n))
        add_prose(builder, source, title, n + 1, heads[i + 1] - 1 if i + 1 < len(heads) else len(source))


def ends_table(line: str) -> bool:
    """A numbered heading after the table ends it; a frist like «1. Kvartal 2023» does not."""
    return heading_level(line) is not None and not _DATE_LIKE.search(line.split(None, 1)[-1])


def _read_front(builder: PlanBuilder, source: Source, start: int, end: int) -> list[str]:
    """Prose before the table: intro paragraphs, then label sections («Mål:», «Strategier:»).

    The intro has no printed heading, so its passages go under the plan's title. A label's bullet
    list becomes one passage (items joined with « • »); the items under «Mål:» are the goals returned.
    """
    labels = [n for n in range(start, end + 1) if _LABEL.match(source.line(n))]
    add_prose(builder, source, builder.plan.title, start, (labels[0] if labels else end + 1) - 1)
    goals: list[str] = []
    for i, n in enumerate(labels):
        title = _LABEL.match(source.line(n)).group(1).strip()  # type: ignore[union-attr]
        stop = labels[i + 1] - 1 if i + 1 < len(labels) else end
        builder.add_section(title, [title], (n, n))
        body = [m for m in range(n + 1, stop + 1) if not is_blank(source.line(m))]
        if not body:
            continue
        lines = source.span(body[0], body[-1])
        if strip_bullet(lines[0]) != lines[0]:
            items = join_bullets(lines)
            builder.add_passage(title, items, (body[0], body[-1]))
            if title.casefold() == "mål":
                goals = items.split(" • ")
        else:
            add_prose(builder, source, title, body[0], body[-1])
    return goals


def table_blocks(source: Source, start: int, end: int) -> list[Block]:
    """Runs of non-blank lines in the table body; page numbers and repeated headers are dropped."""
    blocks: list[Block] = []
    run: int | None = None
    for n in range(start, end + 2):
        line = source.line(n) if n <= end else ""
        skip = is_blank(line) or PAGE_NUMBER.match(line) or _HEADER.match(line)
        if skip and run is not None:
            blocks.append((run, n - 1))
            run = None
        elif not skip and run is None:
            run = n
    return blocks


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def overlap(part: list[str], goal: list[str]) -> int:
    """How many words of `part` match `goal` in order (tolerates a changed word like fylt/fullt)."""
    return sum(m.size for m in SequenceMatcher(None, part, goal, autojunk=False).get_matching_blocks())


def goal_start(text: str, goals: list[str]) -> str | None:
    """The goal a Mål cell begins: same first word, and most of the block's words in order."""
    part = words(text)
    for goal in goals:
        target = words(goal)
        if part and target and part[0] == target[0] and overlap(part, target) >= _GOAL_MATCH * len(part):
            return goal
    return None


def goal_complete(text: str, goal: str) -> bool:
    """Does the Mål text cover (nearly) all of the goal's words?"""
    return overlap(words(text), words(goal)) >= _GOAL_MATCH * len(words(goal))


def _rows(builder: PlanBuilder, source: Source, goals: list[str], blocks: list[Block]) -> list[_Row]:
    """Group the blocks into rows: each row runs from one goal-starting block to the next."""

    def text(block: Block) -> str:
        return join_lines(source.span(*block))

    starts = [i for i, b in enumerate(blocks) if goal_start(text(b), goals)]
    if blocks and (not starts or starts[0] != 0):
        builder.warnings.append(f"table lines {blocks[0][0]}–{blocks[0][1]}: no goal at the start of the table")
    rows: list[_Row] = []
    for k, i in enumerate(starts):
        group = blocks[i : starts[k + 1] if k + 1 < len(starts) else len(blocks)]
        goal = goal_start(text(group[0]), goals) or ""
        row = split_row(group, [text(b) for b in group], goal, lambda b: source.span(*b))
        if row is None:
            builder.warnings.append(f"lines {group[0][0]}–{group[-1][1]}: could not split the row into its cells")
        else:
            rows.append(row)
    return rows


def split_row(group: list[Block], texts: list[str], goal: str, lines: Callable[[Block], list[str]]) -> _Row | None:
    """Assign a row's blocks to its cells.

    Plain row: Mål, tiltak, owner, frist (owner and frist may share lines: see split_owner_frist).
    Interleaved row: the Mål block is incomplete; the block that completes it starts the second
    half (rest of the Mål, rest of the tiltak, and any rest of owner/frist), the blocks before it
    are the first half (tiltak, owner, frist).
    """
    first, rest = [0], list(range(1, len(group)))
    second: list[int] = []
    if not goal_complete(texts[0], goal):
        cont = next((i for i in rest if goal_complete(texts[0] + " " + texts[i], goal)), None)
        if cont is not None:
            first, second, rest = [0, cont], list(range(cont + 1, len(group))), list(range(1, cont))
    if len(rest) == 2:
        owner, frist = split_owner_frist(lines(group[rest[1]]))
    elif len(rest) == 3:
        owner, frist = lines(group[rest[1]]), lines(group[rest[2]])
    else:
        return None
    text_blocks = [group[rest[0]]] + ([group[second[0]]] if second else [])
    if len(second) >= 2:
        owner = owner + lines(group[second[1]])
    if len(second) >= 3:
        frist = frist + lines(group[second[2]])
    if len(second) > 3:
        return None
    whole = (group[0][0], group[-1][1])
    return _Row(goal=[group[i] for i in first], text=text_blocks, owner=owner, frist=frist, lines=whole)


def split_owner_frist(lines: list[str]) -> tuple[list[str], list[str]]:
    """«Bydelsoverlege 1.Kvartal -22» → owner «Bydelsoverlege», frist «1.Kvartal -22».

    The narrow Ansvarlig and Frist cells of a short row can come out on one line; the frist begins
    at the first word that starts with a digit or is a season or time word. Each line is split so
    that a two-line owner beside a one-line frist also works; a line with no split goes to the
    frist when it starts like one («-22», «2.tertial»), else to the owner.
    """
    owner: list[str] = []
    frist: list[str] = []
    for raw in lines:
        line = " " + collapse(raw)
        match = _FRIST_START.search(line)
        if match and match.start() > 0:
            owner.append(line[: match.start()])
            frist.append(line[match.end() :])
        elif match or line.lstrip().startswith("-"):
            frist.append(line)
        else:
            owner.append(line)
    return owner, frist


def split_status(frist: str) -> tuple[str | None, str | None]:
    """The Frist/Status column is one cell: it all goes to `deadline`, `status` stays None.

    The plan's cells mix dates and evaluation notes («Fortløpende, evalueres to ganger pr år»)
    with nothing that says which part is frist and which is status, so splitting them would be a
    guess. Only a cell that labels its status («… Status: …») is split there.
    """
    match = _STATUS_LABEL.search(frist)
    if not match:
        return frist, None
    return frist[: match.start()].strip() or None, frist[match.end() :].strip() or None


def _add_row(builder: PlanBuilder, source: Source, vocab: PlanWords, row: _Row) -> None:
    def cell(blocks: list[Block]) -> str:
        return join_lines(vocab.rejoin([line for b in blocks for line in source.span(*b)]))

    deadline, status = split_status(join_lines(vocab.rejoin(row.frist)))
    builder.add_tiltak(
        section=SECTION_SEP.join([TABLE_SECTION]),
        text=cell(row.text),
        lines=row.lines,
        goal=cell(row.goal),
        owner=join_lines(vocab.rejoin(row.owner)),
        deadline=deadline,
        status=status,
    )
