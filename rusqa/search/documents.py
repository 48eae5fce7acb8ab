"""Records → index documents: one per tiltak and one per passage, keyed by the record id."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from rusqa.models import LineRange, ParsedPlan, Passage, Plan, Record, Tiltak

TILTAK_LABELS = (
    ("goal", "Mål"),
    ("text", "Tiltak"),
    ("owner", "Ansvarlig"),
    ("deadline", "Frist"),
    ("status", "Status"),
    ("risk", "Risiko"),
)


class Doc(Record):
    """What the index holds for one record: its citation text and the text that is searched."""

    id: str = Field(description="The record id (tiltak or passage); also the Chroma and BM25 key.")
    kind: Literal["tiltak", "passage"]
    plan_id: str
    bydel: str
    section: str
    text: str = Field(description="The record's full cleaned text, as cited.")
    search_text: str = Field(description="What is embedded and BM25-indexed: plan, bydel, section and text.")
    lines: LineRange
    fields: dict[str, str] = Field(default_factory=dict, description="A tiltak's printed owner/deadline/status/risk.")


def printed_code(t: Tiltak) -> str | None:
    """The plan's own code of a tiltak (`11S` of `oslo-2026-11S`), None for ordinal ids."""
    code = t.id.removeprefix(f"{t.plan_id}-")
    return None if re.fullmatch(r"t\d+", code) else code


def tiltak_text(t: Tiltak) -> str:
    """A tiltak's full cleaned text: one labelled line per field the plan prints."""
    parts = []
    code = printed_code(t)
    for name, label in TILTAK_LABELS:
        value = getattr(t, name)
        if not value:
            continue
        if name == "text" and code:
            label = f"Tiltak {code}"
        if name == "owner" and t.owner_expanded and t.owner_expanded != value:
            value = f"{value} ({t.owner_expanded})"
        parts.append(f"{label}: {value}")
    return "\n".join(parts)


def to_doc(plan: Plan, record: Tiltak | Passage) -> Doc:
    """A record as the index holds it; the search text names the bydel, plan and section too."""
    is_tiltak = isinstance(record, Tiltak)
    text = tiltak_text(record) if isinstance(record, Tiltak) else record.text
    where = plan.bydel if plan.is_city_plan else f"Bydel {plan.bydel}"
    fields = {name: value for name in ("owner", "deadline", "status", "risk") if (value := getattr(record, name, None))}
    return Doc(
        id=record.id,
        kind="tiltak" if is_tiltak else "passage",
        plan_id=plan.id,
        bydel=plan.bydel,
        section=record.section,
        text=text,
        search_text=f"{where} – {plan.title}\n{record.section}\n{text}",
        lines=record.lines,
        fields=fields,
    )


def documents(plans: list[ParsedPlan]) -> list[Doc]:
    """Every record of every plan as a Doc, tiltak first within each plan."""
    docs: list[Doc] = []
    for parsed in plans:
        docs.extend(to_doc(parsed.plan, t) for t in parsed.tiltak)
        docs.extend(to_doc(parsed.plan, p) for p in parsed.passages)
    return docs
