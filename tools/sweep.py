"""Sweep one answering setting over values on evals/dev/ (never evals/test/), printing strict accuracy.

Usage: python -m tools.sweep MIN_COSINE_ENGLISH 0.78 0.80 0.82 0.86   (a setting of rusqa.answering.qa or
rusqa.search.retrieve)
Writes reports/sweep-<NAME>.json with the per-kind figures for each value.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rusqa.answering import qa
from rusqa.answering.qa import Assistant
from rusqa.evaluation.evaluate import answer_items, metrics
from rusqa.evaluation.items import DEV_DIR, load_items
from rusqa.search import retrieve


def main(name: str, values: list[float]) -> None:
    assistant = Assistant()
    items = load_items([DEV_DIR])
    module = qa if hasattr(qa, name) else retrieve
    original = getattr(module, name)
    out = {}
    try:
        for value in values:
            setattr(module, name, value)
            m = metrics(answer_items(assistant, items))
            kinds = {k: round(v["accuracy"], 3) for k, v in m["kinds"].items()}
            out[str(value)] = {"overall": m["overall"]["accuracy"], "kinds": kinds}
            print(f"{name}={value}: overall {m['overall']['accuracy']:.3f}  {kinds}", flush=True)
    finally:
        setattr(module, name, original)
    Path("reports").mkdir(exist_ok=True)
    Path(f"reports/sweep-{name}.json").write_text(json.dumps(out, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1], [float(v) for v in sys.argv[2:]])
