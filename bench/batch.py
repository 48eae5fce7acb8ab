"""What batching the query embeddings saves `rusqa ask --json -`: the single questions of evals/ (dev and
test) answered one at a time, and answered after `Assistant.prepare` embedded them in one call — each way
with an empty query-embedding cache, in one process. Prints per-question milliseconds and writes
reports/batch.json.

    python -m bench.batch
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from rusqa.answering.qa import Assistant
from rusqa.evaluation.items import DEV_DIR, TEST_DIR, load_items

ROUNDS = 3


def run(assistant: Assistant, questions: list[str], *, batched: bool) -> float:
    """Seconds for all questions, the in-memory query cache emptied first."""
    assistant.live.forget_queries()
    started = time.perf_counter()
    if batched:
        for start in range(0, len(questions), 64):  # as `rusqa ask --json -` reads a piped file
            assistant.prepare(questions[start : start + 64])
            for question in questions[start : start + 64]:
                assistant.ask(question)
    else:
        for question in questions:
            assistant.ask(question)
    return time.perf_counter() - started


def main() -> None:
    assistant = Assistant()
    questions = [item.question for item in load_items([DEV_DIR, TEST_DIR]) if item.question]
    assistant.ask(questions[0])  # load everything once
    out: dict[str, object] = {"questions": len(questions)}
    for batched in (False, True):
        seconds = statistics.median(run(assistant, questions, batched=batched) for _ in range(ROUNDS))
        out["batched_ms" if batched else "one_by_one_ms"] = round(seconds / len(questions) * 1000, 2)
    Path("reports").mkdir(exist_ok=True)
    Path("reports/batch.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
