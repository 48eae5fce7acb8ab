"""Answers built from the records' fields, in Norwegian, with numbered citations — no LLM needed.

Each template is a pure function of the question's analysis, the hits and the records; the
answer owns only citations that resolve to retrieved records.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rusqa.answering.analyse import Query
from rusqa.models import Answer, Citation, Hit, Plan, Shape, Tiltak
from rusqa.search.documents import Doc, printed_code
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
CONTEXT_CHARS = 280


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


def field_answer(intent: str, sources: Sequence[Source], terms: Sequence[str] = ()) -> str:
    """Owner / deadline / status / risk of the best tiltak, quoted as printed; the part of the tiltak the
    question is about, so the user can check it is the right one; close alternatives named."""
    best = sources[0]
    t = best.tiltak
    assert t is not None
    value = owner_value(t) if intent == "owner" else getattr(t, FIELD_ATTR[intent])
    lines = []
    if value:
        lines.append(f"{FIELD_LABEL[intent]}: «{value}» [1]")
    else:
        missing = _MISSING[intent]
        if intent == "status" and t.deadline:  # e.g. a plan whose one column is «Frist/Status»
            missing = f"{missing[:-1]}; fristen er «{t.deadline}»."
        elif intent == "deadline" and t.status:
            missing += f"; status: «{t.status}»."
        elif intent == "deadline" and best.plan.period:
            missing += f"; planperioden er {best.plan.period}."
        elif intent == "deadline":
            missing += "."
        lines.append(f"{missing} [1]")
    rest = other_fields(t, intent)
    lines.append(f"Gjelder {tiltak_label(t)} i {plan_name(best.plan)}, {t.section}." + (f" ({rest})" if rest else ""))
    if t.goal and not printed_code(t) and terms:  # the label showed the goal: show the matching part of the text
        lines.append(f"Tiltaket: «{best_sentences(t.text, terms, 220)}»")
    for n, other in enumerate(sources[1:], start=2):
        assert other.tiltak is not None
        other_value = owner_value(other.tiltak) if intent == "owner" else getattr(other.tiltak, FIELD_ATTR[intent])
        shown = f"{FIELD_LABEL[intent].lower()}: «{other_value}»" if other_value else "ikke oppgitt"
        lines.append(f"Se også [{n}] {tiltak_label(other.tiltak)} ({other.plan.bydel}; {shown}).")
    return "\n".join(lines)


def sentences(text: str) -> list[str]:
    """A text's sentences (and bullet items, and lines)."""
    return [s.strip() for line in text.splitlines() for s in _SENTENCE_END.split(line) if s and s.strip()]


_NUMBER_OR_WORD = re.compile(r"\d[\d .,]*\d|\d|[^\W\d_]+")


def number_near_term(sentence: str, terms: set[str], window: int = 3) -> bool:
    """Whether a number stands within `window` words of a search term («34 000 innbyggere»)."""
    tokens = _NUMBER_OR_WORD.findall(sentence)
    numbers = [i for i, t in enumerate(tokens) if t[0].isdigit()]
    if not numbers:
        return False
    hits = [i for i, t in enumerate(tokens) if not t[0].isdigit() and terms.intersection(tokenize(t))]
    return any(abs(i - j) <= window for i in numbers for j in hits)


def best_sentences(text: str, terms: Sequence[str], max_chars: int = 400, *, numbers: bool = False) -> str:
    """The sentence of a text that holds most of the search terms (one with a number first when the
    question asks for one), and the next one if it is short."""
    parts = sentences(text)
    if not parts:
        return text
    wanted = set(terms)

    def score(i: int) -> tuple[int, int, int]:
        hits = len(wanted & set(tokenize(parts[i])))
        has_number = int(numbers and number_near_term(parts[i], wanted))
        return (has_number, hits, -i)

    best = max(range(len(parts)), key=score)
    chosen = parts[best]
    if best + 1 < len(parts) and len(chosen) + len(parts[best + 1]) <= CONTEXT_CHARS:
        chosen = f"{chosen} {parts[best + 1]}"  # the next sentence often completes the answer
    return shorten(chosen, max_chars)


def fact_answer(query: Query, sources: Sequence[Source]) -> str:
    best = sources[0]
    if best.tiltak is not None:
        t = best.tiltak
        text = t.text if len(t.text) <= 300 else best_sentences(t.text, query.terms, 300, numbers=query.quantity)
        fields = other_fields(t, skip="")
        goal = f" Mål: «{shorten(t.goal, 200)}»." if t.goal else ""
        head = tiltak_label(t).split(" «")[0]
        lines = [f"{plan_name(best.plan)} har {head}: «{text}»{goal}" + (f" ({fields})" if fields else "") + " [1]"]
    else:
        sentence = best_sentences(best.doc.text, query.terms, numbers=query.quantity)
        lines = [f"«{sentence}» [1]", f"Kilde: {plan_name(best.plan)}, {best.doc.section}."]
    for n, other in enumerate(sources[1:], start=2):
        lines.append(f"Se også [{n}] {plan_name(other.plan)}: «{shorten(_gist(other, query), 140)}»")
    return "\n".join(lines)


def _gist(source: Source, query: Query) -> str:
    if source.tiltak is not None:
        return source.tiltak.text
    return best_sentences(source.doc.text, query.terms, 200, numbers=query.quantity)


def list_answer(query: Query, sources: Sequence[Source], *, across_plans: bool) -> str:
    """One cited line per source: per plan across plans, or per record within one plan."""
    if across_plans:
        head = "Disse planene har noe om dette:" if len(sources) > 1 else "Bare én plan har noe om dette:"
        if query.intent == "compare":
            head = "Slik omtaler planene dette:"
    else:
        head = f"Dette finner jeg i {plan_name(sources[0].plan)}:"
    lines = [head]
    for n, source in enumerate(sources, start=1):
        what = f"«{shorten(_gist(source, query), 150)}»"
        if source.tiltak is not None:
            code = printed_code(source.tiltak)
            what = f"tiltak {code}: {what}" if code else what
            if source.tiltak.owner:
                what += f" (ansvarlig: {source.tiltak.owner})"
        where = f"{source.plan.bydel} — {plan_name(source.plan)}: " if across_plans else ""
        lines.append(f"• {where}{what} [{n}]")
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
        shape=Shape.FACT if sources else Shape.NONE,
    )
