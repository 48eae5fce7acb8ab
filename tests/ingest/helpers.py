"""Shared helpers for the per-plan golden tests."""

from __future__ import annotations

from functools import cache

from rusqa.ingest import parse_plan
from rusqa.ingest.catalog import load_catalog
from rusqa.ingest.source import Source
from rusqa.models import ParsedPlan, Tiltak
from rusqa.text import normalise
from tests.conftest import CORPUS


@cache
def parsed(plan_id: str) -> ParsedPlan:
    from rusqa.ingest import PARSERS

    plans, problems = load_catalog(CORPUS / "catalog.yaml", set(PARSERS))
    assert not problems, problems
    plan = next(p for p in plans if p.id == plan_id)
    return parse_plan(plan, CORPUS / "plans")


def source(plan_id: str) -> Source:
    plan = parsed(plan_id).plan
    return Source.read(CORPUS / "plans" / plan.file)


def tiltak(plan_id: str, tiltak_id: str) -> Tiltak:
    return next(t for t in parsed(plan_id).tiltak if t.id == tiltak_id)


def words_of(text: str) -> list[str]:
    return [w for w in normalise(text).replace("•", " ").split() if len(w) > 3]


def assert_lines_hold_text(plan_id: str) -> None:
    """Every tiltak's line range holds its text: its first and last long words appear there."""
    src = source(plan_id)
    for record in parsed(plan_id).tiltak:
        start, end = record.lines
        assert 1 <= start <= end <= len(src), record.id
        span = normalise("\n".join(src.span(start, end))).replace("-", "")
        words = [w.replace("-", "") for w in words_of(record.text)]
        for word in (words[0], words[-1]) if words else ():
            assert word.strip(".,:;()«»") in span, f"{record.id}: {word!r} not in lines {start}-{end}"


def assert_unique_texts(plan_id: str) -> None:
    texts = [normalise(t.text) for t in parsed(plan_id).tiltak]
    dupes = {t for t in texts if texts.count(t) > 1}
    assert not dupes, dupes
