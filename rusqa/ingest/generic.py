"""The `generic` layout: a plan with no parser of its own.

Tiltak come from tables found by their header rows (`rusqa.ingest.text_tables`: by column position
or column by column), read by the shared table reader; a plan without such tables is read for
`Tiltak:` / `Ansvarlig:` labelled blocks. Sections come from numbered headings («3.1 Bakgrunn»).
"""

from __future__ import annotations

import re

from rusqa.ingest import tables, text_tables
from rusqa.ingest.document import Table
from rusqa.ingest.source import SECTION_SEP, PlanBuilder, Source, add_prose, heading_level, is_blank
from rusqa.models import ParsedPlan, Plan
from rusqa.text import collapse, join_lines

_LABEL = re.compile(r"^\s*(Tiltak|Ansvarlig|Ansvar|Frist|Status|Risiko|Mål)\s*:\s*(.*)$", re.IGNORECASE)


def parse(source: Source, plan: Plan) -> ParsedPlan:
    """A PDF or Word plan through the table reader; a text plan's header-driven tables, else labelled blocks."""
    if source.document is not None:
        return tables.read_document(source.document, plan, source)
    document = text_tables.document(source)
    if any(isinstance(b, Table) and tables.is_tiltak_header(b.header) and b.rows for b in document.blocks):
        return tables.read_document(document, plan, source)
    return _labelled(source, plan)


def _labelled(source: Source, plan: Plan) -> ParsedPlan:
    builder = PlanBuilder(plan)
    path: list[str] = []
    start = 1
    section = plan.title

    def close(end: int) -> None:
        if end >= start:
            _read_body(builder, source, section, start, end)

    for n, line in enumerate(source.lines, start=1):
        level = heading_level(line)
        if level is None:
            continue
        close(n - 1)
        title = collapse(line)
        path = [*path[: level - 1], title]
        builder.add_section(title, path, (n, n))
        section = SECTION_SEP.join(path)
        start = n + 1
    close(len(source))
    return builder.build()


def _read_body(builder: PlanBuilder, source: Source, section: str, start: int, end: int) -> None:
    """Labelled tiltak blocks become tiltak; everything else becomes prose passages."""
    prose_start = start
    n = start
    while n <= end:
        if _LABEL.match(source.line(n)) and _LABEL.match(source.line(n)).group(1).lower() == "tiltak":  # type: ignore[union-attr]
            block_end = n
            fields: dict[str, list[str]] = {}
            current = ""
            m = n
            while m <= end and not (is_blank(source.line(m)) and m > n and _blank_run(source, m, end)):
                label = _LABEL.match(source.line(m))
                if label:
                    current = str(tables.column_field(label.group(1)))
                    if current == "text" and "text" in fields:
                        break
                    fields.setdefault(current, []).append(label.group(2))
                elif current:
                    fields[current].append(source.line(m))
                block_end = m
                m += 1
            if "owner" in fields:
                if prose_start < n:
                    add_prose(builder, source, section, prose_start, n - 1)
                values = {key: join_lines(lines) for key, lines in fields.items()}
                builder.add_tiltak(
                    section=section,
                    lines=(n, block_end),
                    text=values.pop("text", ""),
                    goal=values.get("goal"),
                    owner=values.get("owner"),
                    deadline=values.get("deadline"),
                    status=values.get("status"),
                    risk=values.get("risk"),
                )
                prose_start = block_end + 1
                n = block_end + 1
                continue
        n += 1
    if prose_start <= end:
        add_prose(builder, source, section, prose_start, end)


def _blank_run(source: Source, n: int, end: int) -> bool:
    """Two blank lines in a row end a labelled block."""
    return n + 1 <= end and is_blank(source.line(n + 1))
