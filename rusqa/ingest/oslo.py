"""Parser for the oslo layout (placeholder: the generic fallback until the layout parser lands)."""

from __future__ import annotations

from rusqa.ingest import generic
from rusqa.ingest.source import Source
from rusqa.models import ParsedPlan, Plan


def parse(source: Source, plan: Plan) -> ParsedPlan:
    return generic.parse(source, plan)
