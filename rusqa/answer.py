"""Answers built from the records' fields, in Norwegian, with numbered citations — no LLM needed.

Each template is a pure function of the question's analysis, the hits and the records; the
answer owns only citations that resolve to retrieved records.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rusqa.analyse import Query
from rusqa.documents import Doc, printed_code
from rusqa.models import Answer, Citation, Hit, Plan, Tiltak
from rusqa.text import tokenize

FIELD_LABEL = {"owner": "Ansvarlig", "deadline": "Frist", "status": "Status", "risk": "Risiko"}
FIELD_ATTR = {"owner": "owner", "deadline": "deadline", "status": "status", "risk": "risk"}
_MISSING = {
    "owner": "Planen oppgir ingen ansvarlig for dette tiltaket.",
    "deadline": "Planen oppgir ingen frist for dette tiltaket",
    "status": "Planen oppgir ikke status for dette tiltaket.",
    "risk": "Planen oppgir ikke risiko for dette tiltaket.",
}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9«•])| • ")
SHORT = 160


@dataclass(frozen=True)
class Source:
    """A retrieved record with what the templates need: its doc, plan and (for a tiltak) its fields."""

    hit: Hit
    doc: Doc
    plan: Plan
    tiltak: Tiltak | None


def plan_name(plan: Plan, today: date | None = None) -> str:
    """«Grorud: Ruspolitisk handlingsplan … 2023–2028», with a warning when the period has ended."""
    year = (today or date.today()).year
    name = plan.label
    if plan.period is None:
        return f"{name} (udatert plan)"
    if plan.period_end is not None and plan.period_end < year:
        return f"{name} (planperioden {plan.period} er utløpt)"
    return name


def shorten(text: str, limit: int = SHORT) -> str:
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:–-")
    return f"{cut} …"


def tiltak_label(t: Tiltak) -> str:
    """How an answer names a tiltak so the user can check it is the right one."""
    code = printed_code(t)
    head = f"tiltak {code} " if code else "tiltaket "
    subject = t.goal if t.goal and not code else t.text
    return f"{head}«{shorten(subject, 110)}»"


def other_fields(t: Tiltak, skip: str) -> str:
    parts = [
        f"{FIELD_LABEL[name]}: {getattr(t, attr)}"
        for name, attr in FIELD_ATTR.items()
        if name != skip and getattr(t, attr)
    ]
    return " · ".join(parts)


def owner_value(t: Tiltak) -> str | None:
    if not t.owner:
        return None
    if t.owner_expanded and t.owner_expanded != t.owner:
        return f"{t.owner} ({t.owner_expanded})"
    return t.owner


def field_answer(intent: str, sources: Sequence[Source]) -> str:
    """Owner / deadline / status / risk of the best tiltak, quoted as printed; close alternatives named."""
    best = sources[0]
    t = best.tiltak
    assert t is not None
    value = owner_value(t) if intent == "owner" else getattr(t, FIELD_ATTR[intent])
    lines = []
    if value:
        lines.append(f"{FIELD_LABEL[intent]}: «{value}» [1]")
    else:
        missing = _MISSING[intent]
        if intent == "deadline" and best.plan.period:
            missing += f"; planperioden er {best.plan.period}."
        elif intent == "deadline":
            missing += "."
        lines.append(f"{missing} [1]")
    rest = other_fields(t, intent)
    lines.append(f"Gjelder {tiltak_label(t)} i {plan_name(best.plan)}, {t.section}." + (f" ({rest})" if rest else ""))
    for n, other in enumerate(sources[1:], start=2):
        assert other.tiltak is not None
        other_value = owner_value(other.tiltak) if intent == "owner" else getattr(other.tiltak, FIELD_ATTR[intent])
        shown = f"{FIELD_LABEL[intent].lower()}: «{other_value}»" if other_value else "ikke oppgitt"
        lines.append(f"Se også [{n}] {tiltak_label(other.tiltak)} ({other.plan.bydel}; {shown}).")
    return "\n".join(lines)


def best_sentences(text: str, terms: Sequence[str], max_chars: int = 400) -> str:
    """The sentence of a passage that holds most of the search terms, and the next one if it is short."""
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]
    if not sentences:
        return text
    wanted = set(terms)
    scores = [len(wanted & set(tokenize(s))) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    chosen = sentences[best]
    if len(chosen) < 120 and best + 1 < len(sentences):
        chosen = f"{chosen} {sentences[best + 1]}"
    return shorten(chosen, max_chars)


def fact_answer(query: Query, sources: Sequence[Source]) -> str:
    best = sources[0]
    if best.tiltak is not None:
        t = best.tiltak
        fields = other_fields(t, skip="")
        body = f"«{shorten(t.text, 300)}»" + (f" ({fields})" if fields else "")
        lines = [f"{plan_name(best.plan)} har {tiltak_label(t).split(' «')[0]}: {body} [1]"]
    else:
        lines = [
            f"«{best_sentences(best.doc.text, query.terms)}» [1]",
            f"Kilde: {plan_name(best.plan)}, {best.doc.section}.",
        ]
    for n, other in enumerate(sources[1:], start=2):
        lines.append(f"Se også [{n}] {plan_name(other.plan)}: «{shorten(_gist(other, query), 140)}»")
    return "\n".join(lines)


def _gist(source: Source, query: Query) -> str:
    if source.tiltak is not None:
        return source.tiltak.text
    return best_sentences(source.doc.text, query.terms, 200)


def list_answer(query: Query, per_plan: Sequence[Source]) -> str:
    """One cited line per plan that has a relevant record."""
    head = "Disse planene har noe om dette:" if len(per_plan) > 1 else "Bare én plan har noe om dette:"
    if query.intent == "compare":
        head = "Slik omtaler planene dette:"
    lines = [head]
    for n, source in enumerate(per_plan, start=1):
        what = _gist(source, query)
        owner = f" (ansvarlig: {source.tiltak.owner})" if source.tiltak is not None and source.tiltak.owner else ""
        lines.append(f"• {source.plan.bydel} — {plan_name(source.plan)}: «{shorten(what, 150)}»{owner} [{n}]")
    return "\n".join(lines)


def abstention(query: Query, plans: Sequence[Plan], reason: str | None = None) -> str:
    have = ", ".join(p.bydel if not p.is_city_plan else "Oslo kommune (Tryggere liv 2026–2029)" for p in plans)
    if query.unknown_place:
        return (
            f"Jeg finner ikke dette i rusplanene: det finnes ingen plan for {query.unknown_place} her. "
            f"Rusplanene jeg kan svare fra: {have}."
        )
    why = f" {reason}" if reason else ""
    return f"Jeg finner ikke dette i rusplanene.{why} Jeg har søkt i: {have}."


def citations(sources: Sequence[Source]) -> list[Citation]:
    return [
        Citation(
            n=n,
            doc_id=s.plan.id,
            bydel=s.plan.bydel,
            title=s.plan.title,
            section=s.doc.section,
            tiltak_id=s.doc.id if s.doc.kind == "tiltak" else None,
            text=s.doc.text,
            lines=s.doc.lines,
            record_id=s.doc.id,
        )
        for n, s in enumerate(sources, start=1)
    ]


def make_answer(query: Query, text: str, sources: Sequence[Source]) -> Answer:
    return Answer(
        question=query.text,
        answer=text,
        abstained=not sources,
        citations=citations(sources),
        intent=query.intent if sources else "abstain",
    )
