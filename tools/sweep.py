"""Sweep one answering setting over values on evals/dev/ (never evals/test/), printing strict accuracy.

Usage: python -m tools.sweep MIN_COSINE_ENGLISH 0.78 0.80 0.82 0.86   (a setting of rusqa.answering.qa or
rusqa.search.retrieve); `--with NAME=VALUE` (repeatable) holds another setting at a value for the whole sweep,
for a grid over two settings.
Writes reports/sweep-<NAME>.json with the per-kind figures for each value, how many questions were
embedded (the dense leg's cost) and the median and p95 latency, each value starting from an empty
query-embedding cache.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench.load import percentile
from rusqa.answering import qa
from rusqa.answering.qa import Assistant
from rusqa.evaluation.evaluate import answer_items, metrics
from rusqa.evaluation.items import DEV_DIR, load_items
from rusqa.search import retrieve


def _module(name: str) -> object:
    return qa if hasattr(qa, name) else retrieve


def main(name: str, values: list[float], held: dict[str, float] | None = None) -> None:
    held = held or {}
    originals = {other: getattr(_module(other), other) for other in held}
    for other, value in held.items():
        setattr(_module(other), other, value)
    try:
        _sweep(name, values, held)
    finally:
        for other, value in originals.items():
            setattr(_module(other), other, value)


def _sweep(name: str, values: list[float], held: dict[str, float]) -> None:
    assistant = Assistant()
    items = load_items([DEV_DIR])
    module = _module(name)
    original = getattr(module, name)
    embedded: list[str] = []
    embed_queries = assistant.live.embed_queries

    def counting(questions: Sequence[str]) -> np.ndarray:
        embedded.extend(questions)
        return embed_queries(questions)

    assistant.live.embed_queries = counting  # type: ignore[method-assign]
    out = {}
    try:
        for value in values:
            setattr(module, name, value)
            assistant.live.forget_queries()
            embedded.clear()
            scores = answer_items(assistant, items)
            m = metrics(scores)
            kinds = {k: round(v["accuracy"], 3) for k, v in m["kinds"].items()}
            latencies = sorted(s.latency_ms for s in scores)
            cost = {
                "questions": len(scores),
                "embedded": len(embedded),
                "p50_ms": round(percentile(latencies, 50), 1),
                "p95_ms": round(percentile(latencies, 95), 1),
            }
            out[str(value)] = {"overall": m["overall"]["accuracy"], "kinds": kinds, **cost}
            print(f"{name}={value}{held or ''}: overall {m['overall']['accuracy']:.3f}  {kinds}  {cost}", flush=True)
    finally:
        setattr(module, name, original)
    Path("reports").mkdir(exist_ok=True)
    suffix = "".join(f"-{other}={value}" for other, value in held.items())
    Path(f"reports/sweep-{name}{suffix}.json").write_text(json.dumps(out, indent=1), encoding="utf-8")


def _arguments(argv: list[str]) -> tuple[str, list[float], dict[str, float]]:
    held: dict[str, float] = {}
    rest: list[str] = []
    words = iter(argv)
    for word in words:
        if word == "--with":
            other, _, value = next(words).partition("=")
            held[other] = float(value)
        else:
            rest.append(word)
    return rest[0], [float(v) for v in rest[1:]], held


if __name__ == "__main__":
    main(*_arguments(sys.argv[1:]))
