"""Scoring the claim an answer makes, per intent — never a regex over the whole answer.

- field (owner / deadline / status / risk): the value the answer's first line states, for the record it
  answers from (citation [1]), equals the reference after normalising case and whitespace, and that record
  is a gold record; where the plan prints no such field, the first line must say so.
- fact / plan: every `must` regex matches the main text (not «Se også», not the source line); for a fact,
  citation [1] is a gold record.
- list: precision and recall of the cited record ids against the gold ids; correct when both are 1.
- count: the first number of the first line equals the reference count.
- compare (across plans): the plans cited with a gold record equal the plans that have one.
- abstain: the answer abstains and cites nothing.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from rusqa.evaluation.items import Turn
from rusqa.models import Answer, Intent
from rusqa.text import collapse

_QUOTED = re.compile(r"«(.*)»")
_NOT_PRINTED = re.compile(r"\boppgir (?:ikke|ingen)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\b\d+\b")
# Lines that are not the answer's claim: alternatives and the source line.
_SIDE_LINE = re.compile(r"^\s*(Se også|Kilde:|Kilder:)")


class ItemScore(BaseModel):
    """How one question (or conversation turn) was answered and whether its claim is right."""

    id: str
    kind: str
    intent: str
    question: str
    correct: bool
    abstained: bool
    abstain_expected: bool
    precision: float | None = None
    recall: float | None = None
    first_line: str
    cited: list[str]
    chars: int = 0
    latency_ms: float = 0.0


def norm_value(text: str) -> str:
    return collapse(text).casefold().strip(" .")


def main_text(answer: str) -> str:
    """The answer's own claim: its lines up to the first «Se også» or source line."""
    lines = []
    for line in answer.splitlines():
        if _SIDE_LINE.match(line):
            break
        lines.append(line)
    return "\n".join(lines)


def first_line(answer: str) -> str:
    return next((line for line in answer.splitlines() if line.strip()), "")


def stated_value(answer: str) -> str | None:
    """The value quoted on the first line («…»), or None when none is quoted."""
    match = _QUOTED.search(first_line(answer))
    return match.group(1) if match else None


def value_matches(stated: str, reference: str) -> bool:
    """The stated value is the reference, or the reference followed by its expansion in brackets."""
    got, want = norm_value(stated), norm_value(reference)
    return got == want or (got.startswith(want + " (") and got.endswith(")"))


def _precision_recall(cited: set[str], gold: set[str]) -> tuple[float, float]:
    hit = len(cited & gold)
    precision = hit / len(cited) if cited else 0.0
    recall = hit / len(gold) if gold else 1.0
    return precision, recall


def _plan_of(record_id: str, plan_ids: list[str]) -> str:
    return max((p for p in plan_ids if record_id.startswith(p + "-")), key=len, default=record_id)


def score(turn: Turn, answer: Answer, plan_ids: list[str]) -> ItemScore:
    """Score one answer against its reference (plan_ids: the corpus's plans, to map records to plans)."""
    cited = [c.record_id for c in answer.citations]
    gold = set(turn.gold_ids)
    precision = recall = None
    if turn.abstain:
        correct = answer.abstained and not cited
    elif answer.abstained or (not cited and turn.intent not in (Intent.PLAN, Intent.COUNT)):
        correct = False
    elif turn.field is not None:
        first_ok = cited[0] in gold
        if turn.value is None:
            correct = first_ok and bool(_NOT_PRINTED.search(first_line(answer.answer)))
        else:
            stated = stated_value(answer.answer)
            correct = first_ok and stated is not None and value_matches(stated, turn.value)
    elif turn.intent == Intent.FACT:
        correct = (not gold or cited[0] in gold) and _musts(turn, answer)
    elif turn.intent == Intent.PLAN:
        correct = _musts(turn, answer)
    elif turn.intent == Intent.LIST:
        precision, recall = _precision_recall(set(cited), gold)
        correct = precision == 1.0 and recall == 1.0
    elif turn.intent == Intent.COUNT:
        if gold:
            precision, recall = _precision_recall(set(cited), gold)
        numbers = _NUMBER.findall(first_line(answer.answer))
        correct = bool(numbers) and int(numbers[0]) == turn.count
    elif turn.intent == Intent.COMPARE:
        gold_plans = {_plan_of(g, plan_ids) for g in gold}
        found = {_plan_of(c, plan_ids) for c in cited if c in gold}
        wrong = {_plan_of(c, plan_ids) for c in cited} - gold_plans
        precision = len(found) / (len(found) + len(wrong)) if found or wrong else 0.0
        recall = len(found) / len(gold_plans) if gold_plans else 1.0
        correct = found == gold_plans and not wrong
    else:  # pragma: no cover - every intent is handled above
        raise ValueError(f"cannot score intent {turn.intent}")
    return ItemScore(
        id=turn.id,
        kind=turn.kind,
        intent=turn.intent.value,
        question=turn.question,
        correct=correct,
        abstained=answer.abstained,
        abstain_expected=turn.abstain,
        precision=precision,
        recall=recall,
        first_line=first_line(answer.answer),
        cited=cited,
        chars=len(answer.answer),
        latency_ms=answer.latency_ms,
    )


def _musts(turn: Turn, answer: Answer) -> bool:
    text = main_text(answer.answer)
    return all(re.search(pattern, text, re.IGNORECASE) for pattern in turn.must)
