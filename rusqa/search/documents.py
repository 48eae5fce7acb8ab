"""Records → index documents: one per tiltak and one per passage, keyed by the record id."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Literal

from pydantic import Field

from rusqa.facets import deadline_years, facet, measure_role
from rusqa.ingest.abbreviations import defined_abbreviations
from rusqa.models import LineRange, PageRange, ParsedPlan, Passage, Plan, Record, Tiltak
from rusqa.text import words

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
    pages: PageRange | None = Field(default=None, description="First and last page (PDF plans only).")
    fields: dict[str, str | int | bool] = Field(
        default_factory=dict,
        description="A tiltak's filterable fields as Chroma metadata: printed owner/deadline/status/risk, the goal, "
        "the owner's expansion, the normalised status/risk facets, the deadline's year, for_bydelene, the code.",
    )


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


def metadata_fields(t: Tiltak) -> dict[str, str | int | bool]:
    """Every filterable field of a tiltak, as Chroma metadata (str/int/bool only, no None)."""
    out: dict[str, str | int | bool] = {
        name: value
        for name in ("owner", "owner_expanded", "deadline", "status", "risk", "goal")
        if (value := getattr(t, name))
    }
    for name in ("status", "risk"):
        if value := facet(name, getattr(t, name)):
            out[f"{name}_facet"] = value
    years = sorted(deadline_years(t.deadline))
    if years:
        out["deadline_year"] = years[0]
    out["for_bydelene"] = t.for_bydelene
    if code := printed_code(t):
        out["code"] = code
    return out


def to_doc(plan: Plan, record: Tiltak | Passage) -> Doc:
    """A record as the index holds it; the search text names the bydel, plan and section too."""
    is_tiltak = isinstance(record, Tiltak)
    text = tiltak_text(record) if isinstance(record, Tiltak) else record.text
    where = plan.bydel if plan.is_city_plan else f"Bydel {plan.bydel}"
    fields = metadata_fields(record) if isinstance(record, Tiltak) else {}
    if isinstance(record, Tiltak) and plan.is_city_plan and (role := measure_role(record)):
        fields["districts_role"] = role.value  # lead / partner: how the districts act in a city measure
    return Doc(
        id=record.id,
        kind="tiltak" if is_tiltak else "passage",
        plan_id=plan.id,
        bydel=plan.bydel,
        section=record.section,
        text=text,
        search_text=f"{where} – {plan.title}\n{record.section}\n{text}",
        lines=record.lines,
        pages=record.pages,
        fields=fields,
    )


def documents(plans: list[ParsedPlan]) -> list[Doc]:
    """Every record of every plan as a Doc, tiltak first within each plan."""
    docs: list[Doc] = []
    for parsed in plans:
        docs.extend(to_doc(parsed.plan, t) for t in parsed.tiltak)
        docs.extend(to_doc(parsed.plan, p) for p in parsed.passages)
    return docs


DERIVED_FILE = "derived.json"


def derived(docs: list[Doc]) -> dict[str, Any]:
    """Word frequencies, bracketed abbreviations and the owners' vocabulary over all records: made at build
    time, read at start-up (so that nothing at start-up or per question walks every record)."""
    from rusqa.search.lexical import document_tokens

    counts: Counter[str] = Counter()
    for doc in docs:
        counts.update(words(doc.text))
    vocabulary = frozenset(w for d in docs for w in words(d.search_text))  # as the BM25 index makes it
    owners = {
        token
        for d in docs
        for token in document_tokens(
            " ".join(str(d.fields[k]) for k in ("owner", "owner_expanded") if k in d.fields), vocabulary
        )
    }
    return {
        "word_frequencies": dict(counts),
        "abbreviations": defined_abbreviations([d.text for d in docs]),
        "owner_vocabulary": sorted(owners),
    }
