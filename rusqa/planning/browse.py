"""Listing and filtering the records (the `rusqa tiltak` / `rusqa plans` contracts, and the UI's table)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rusqa.models import ParsedPlan, Tiltak
from rusqa.text import normalise


def tiltak_record(t: Tiltak) -> dict[str, Any]:
    """One tiltak in the `rusqa tiltak --json` contract."""
    return {
        "id": t.id,
        "plan_id": t.plan_id,
        "bydel": t.bydel,
        "section": t.section,
        "goal": t.goal,
        "text": t.text,
        "owner": t.owner,
        "owner_expanded": t.owner_expanded,
        "deadline": t.deadline,
        "status": t.status,
        "risk": t.risk,
        "for_bydelene": t.for_bydelene,
        "lines": list(t.lines),
    }


def plan_record(parsed: ParsedPlan) -> dict[str, Any]:
    """One plan in the `rusqa plans --json` contract."""
    plan = parsed.plan
    return {
        "id": plan.id,
        "bydel": plan.bydel,
        "title": plan.title,
        "period": plan.period,
        "sections": len(parsed.sections),
        "passages": len(parsed.passages),
        "tiltak": len(parsed.tiltak),
    }


def _contains(haystack: str | None, needle: str | None) -> bool:
    return not needle or (haystack is not None and normalise(needle) in normalise(haystack))


def filter_tiltak(
    tiltak: Iterable[Tiltak],
    *,
    plan: str | None = None,
    bydel: str | None = None,
    owner: str | None = None,
    status: str | None = None,
    section: str | None = None,
    text: str | None = None,
) -> list[Tiltak]:
    """Tiltak matching every given filter: plan id exactly; bydel, owner, status, section and free text by
    case-insensitive substring (free text searches goal, text, owner and its expansion)."""
    out = []
    for t in tiltak:
        if plan and t.plan_id != plan:
            continue
        if bydel and normalise(bydel) != normalise(t.bydel) and not _contains(t.bydel, bydel):
            continue
        if owner and not (_contains(t.owner, owner) or _contains(t.owner_expanded, owner)):
            continue
        if status and not _contains(t.status, status):
            continue
        if section and not _contains(t.section, section):
            continue
        if text and not _contains(" ".join(filter(None, [t.goal, t.text, t.owner, t.owner_expanded])), text):
            continue
        out.append(t)
    return out


def missing_fields(parsed: ParsedPlan) -> dict[str, int]:
    """How many tiltak lack each field (only fields that some tiltak of the plan has)."""
    fields = ("goal", "owner", "deadline", "status", "risk")
    counts: dict[str, int] = {}
    for name in fields:
        present = sum(1 for t in parsed.tiltak if getattr(t, name))
        if present and present < len(parsed.tiltak):
            counts[name] = len(parsed.tiltak) - present
    return counts
