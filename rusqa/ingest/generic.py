"""The `generic` layout: a plan with no parser of its own.

Tiltak come from tables found by their header rows (`rusqa.ingest.text_tables`: by column position
or column by column), read by the shared table reader; a plan without such tables is read for
labelled blocks («Tiltak 3: …», «Ansvarlig: …»; `rusqa.ingest.labelled`). Sections come from numbered headings («3.1 Bakgrunn»).
"""

from __future__ import annotations

from rusqa.ingest import labelled, tables, text_tables
from rusqa.ingest.document import Table
from rusqa.ingest.labelled import Item
from rusqa.ingest.source import PlanBuilder, Source, heading_level
from rusqa.models import ParsedPlan, Plan
from rusqa.text import collapse


def parse(source: Source, plan: Plan) -> ParsedPlan:
    """A PDF or Word plan through the table reader; a text plan's header-driven tables, else labelled blocks."""
    if source.document is not None:
        return tables.read_document(source.document, plan, source)
    document = text_tables.document(source)
    if any(isinstance(b, Table) and tables.is_tiltak_header(b.header) and b.rows for b in document.blocks):
        return tables.read_document(document, plan, source)
    return _labelled(source, plan)


def _labelled(source: Source, plan: Plan) -> ParsedPlan:
    """A text plan's labelled tiltak blocks; numbered headings («3.1 Bakgrunn») are its sections."""
    builder = PlanBuilder(plan)
    items = []
    for n, line in enumerate(source.lines, start=1):
        level = heading_level(line)
        items.append(Item((n, n), collapse(line) if level is not None else line, level))
    labelled.add_to(builder, source, items)
    return builder.build()
