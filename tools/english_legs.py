"""Where English questions fail: the dev English questions answered with both legs, without the dense leg,
and without the glossary (python -m tools.english_legs; writes reports/english-legs.json)."""

from __future__ import annotations

import json
from pathlib import Path

from rusqa.answering import analyse
from rusqa.answering.qa import Assistant, understand
from rusqa.evaluation.evaluate import answer_items
from rusqa.evaluation.items import DEV_DIR, EvalItem, load_items


def english_items(assistant: Assistant) -> list[EvalItem]:
    live = assistant.live
    return [i for i in load_items([DEV_DIR]) if understand(live, i.as_turns()[0].question).english]


def accuracy(assistant: Assistant, items: list[EvalItem]) -> float:
    scores = answer_items(assistant, items)
    return sum(s.correct for s in scores) / len(scores)


def main() -> None:
    assistant = Assistant()
    items = english_items(assistant)
    out = {"items": len(items), "both legs": accuracy(assistant, items)}
    dense = assistant.settings.dense
    object.__setattr__(assistant.settings, "dense", False)
    out["lexical leg only (glossary, no dense)"] = accuracy(assistant, items)
    object.__setattr__(assistant.settings, "dense", dense)
    original = analyse.glossary
    analyse.glossary = lambda: {}  # type: ignore[assignment]
    try:
        out["dense leg and English words as typed (no glossary)"] = accuracy(assistant, items)
    finally:
        analyse.glossary = original  # type: ignore[assignment]
    Path("reports").mkdir(exist_ok=True)
    Path("reports/english-legs.json").write_text(json.dumps(out, indent=1), encoding="utf-8")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
