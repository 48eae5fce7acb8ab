"""`rusqa eval`: ask every item (conversations turn by turn), score the claims, report per kind with
95 % bootstrap intervals, write the report and the per-question snapshot, and apply the gate.

The gate runs on evals/dev/ (the set that may be tuned on); evals/test/ is answered and reported, never
gated and never used to choose a rule, a word or a threshold.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from rusqa.answering.conversation import Conversation
from rusqa.answering.qa import Assistant
from rusqa.errors import InputError
from rusqa.evaluation.items import DEV_DIR, EVALS_DIR, KINDS, TEST_DIR, EvalItem, load_items
from rusqa.evaluation.scoring import ItemScore, score
from rusqa.models import Answer

THRESHOLDS_FILE = EVALS_DIR / "thresholds.yaml"
SNAPSHOT_FILE = EVALS_DIR / "snapshot.jsonl"
BOOTSTRAP_SAMPLES = 2000


def answer_items(assistant: Assistant, items: Sequence[EvalItem]) -> list[ItemScore]:
    """Ask each item through the same path the chat uses; a conversation keeps its state across turns."""
    plan_ids = list(assistant.live.plan_by_id)
    scores = []
    for item in items:
        conversation = Conversation(assistant)
        for turn in item.as_turns():
            started = time.perf_counter()
            try:
                answer = conversation.ask(turn.question)
            except InputError as exc:
                answer = Answer(question=turn.question, answer=str(exc), abstained=True)
            answer = answer.model_copy(update={"latency_ms": (time.perf_counter() - started) * 1000})
            scores.append(score(turn, answer, plan_ids))
    return scores


def bootstrap_interval(values: Sequence[bool], samples: int = BOOTSTRAP_SAMPLES) -> tuple[float, float]:
    """95 % percentile bootstrap interval of a share (seeded: the same data gives the same interval)."""
    if not values:
        return (0.0, 0.0)
    data = np.asarray(values, dtype=float)
    rng = np.random.default_rng(0)
    means = rng.choice(data, size=(samples, len(data)), replace=True).mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def _group(scores: Sequence[ItemScore]) -> dict[str, Any]:
    correct = [s.correct for s in scores]
    low, high = bootstrap_interval(correct)
    out: dict[str, Any] = {"n": len(scores), "accuracy": sum(correct) / len(correct) if correct else 0.0}
    out["ci95"] = [low, high]
    pr = [s for s in scores if s.precision is not None]
    if pr:
        out["precision"] = statistics.fmean(s.precision or 0.0 for s in pr)
        out["recall"] = statistics.fmean(s.recall or 0.0 for s in pr)
    return out


def metrics(scores: Sequence[ItemScore]) -> dict[str, Any]:
    """Per kind and per intent, overall, abstention precision/recall and latency."""
    abstained = [s for s in scores if s.abstained]
    expected = [s for s in scores if s.abstain_expected]
    latencies = sorted(s.latency_ms for s in scores)
    return {
        "overall": _group(scores),
        "kinds": {k: _group([s for s in scores if s.kind == k]) for k in KINDS if any(s.kind == k for s in scores)},
        "intents": {i: _group([s for s in scores if s.intent == i]) for i in sorted({s.intent for s in scores})},
        "abstention_precision": sum(s.abstain_expected for s in abstained) / len(abstained) if abstained else 1.0,
        "abstention_recall": sum(s.abstained for s in expected) / len(expected) if expected else 1.0,
        "latency_p50_ms": statistics.median(latencies) if latencies else 0.0,
        "latency_p95_ms": latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else 0.0,
    }


def load_thresholds(path: Path = THRESHOLDS_FILE) -> dict[str, Any]:
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def check(values: dict[str, Any], thresholds: dict[str, Any]) -> list[str]:
    """What falls below its minimum: `overall`, each `kinds.<kind>`, `abstention_precision` / `_recall`."""
    failures = []
    if "overall" in thresholds and values["overall"]["accuracy"] < thresholds["overall"]:
        failures.append(f"overall accuracy {values['overall']['accuracy']:.3f} < {thresholds['overall']}")
    for kind, limit in (thresholds.get("kinds") or {}).items():
        got = values["kinds"].get(kind)
        if got is None:
            failures.append(f"{kind}: no items")
        elif got["accuracy"] < limit:
            failures.append(f"{kind} accuracy {got['accuracy']:.3f} < {limit}")
    for name in ("abstention_precision", "abstention_recall"):
        if name in thresholds and values[name] < thresholds[name]:
            failures.append(f"{name} {values[name]:.3f} < {thresholds[name]}")
    return failures


def snapshot_lines(scores: Sequence[ItemScore]) -> list[str]:
    return [
        json.dumps({"id": s.id, "answer": s.first_line, "cited": s.cited}, ensure_ascii=False)
        for s in sorted(scores, key=lambda s: s.id)
    ]


def _table(title: str, values: dict[str, Any]) -> Any:
    from rich.table import Table

    table = Table(title=title)
    for column in ("kind", "n", "accuracy", "95 % CI", "precision", "recall"):
        table.add_column(column, justify="right" if column != "kind" else "left")
    rows = [*values["kinds"].items(), ("overall", values["overall"])]
    for name, group in rows:
        low, high = group["ci95"]
        table.add_row(
            name,
            str(group["n"]),
            f"{group['accuracy']:.3f}",
            f"{low:.2f}–{high:.2f}",
            f"{group['precision']:.2f}" if "precision" in group else "",
            f"{group['recall']:.2f}" if "recall" in group else "",
        )
    return table


def run_evaluation(
    gate: list[Path] | None,
    report_path: Path,
    *,
    report_only: list[Path] | None = None,
    assistant: Assistant | None = None,
    snapshot: Path | None = SNAPSHOT_FILE,
) -> bool:
    """Evaluate the gated sets (default evals/dev/) and the reported ones (default evals/test/); print the
    tables and the failed items, write the report and the snapshot; True when the gate passes."""
    from rich.console import Console

    console = Console()
    assistant = assistant or Assistant()
    sets = {"dev": gate or [DEV_DIR]}
    if report_only is None and gate is None:
        report_only = [TEST_DIR]
    if report_only:
        sets["test"] = report_only
    report: dict[str, Any] = {"build_id": assistant.live.build_id, "sets": {}}
    thresholds = load_thresholds()
    all_scores: list[ItemScore] = []
    failures: list[str] = []
    for name, paths in sets.items():
        items = load_items(paths)
        scores = answer_items(assistant, items)
        all_scores.extend(scores)
        values = metrics(scores)
        gated = name == "dev"
        set_failures = check(values, thresholds) if gated else []
        failures.extend(set_failures)
        console.print(_table(f"rusqa eval — {name} ({len(items)} items, {len(scores)} questions)", values))
        # a held-out item's failure is never printed, whichever set it is run in: once read it is no longer unseen
        held_out = any(p.resolve().is_relative_to(TEST_DIR.resolve()) for p in paths)
        for s in scores:
            if not s.correct and gated and not held_out:
                console.print(
                    f"[yellow]✗ {s.id}[/] ({s.kind}/{s.intent}) {s.question}", highlight=False, soft_wrap=True
                )
        report["sets"][name] = {
            "paths": [
                str(p.relative_to(EVALS_DIR.parent)) if p.is_relative_to(EVALS_DIR.parent) else str(p) for p in paths
            ],
            "gated": gated,
            "items": len(items),
            "metrics": values,
            "failures": set_failures,
            "scores": [s.model_dump() for s in scores],
        }
    report["thresholds"] = thresholds
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    if snapshot is not None:
        snapshot.write_text("\n".join(snapshot_lines(all_scores)) + "\n", encoding="utf-8")
    for failure in failures:
        console.print(f"[red]FAIL[/] {failure}", highlight=False)
    console.print(f"Rapport: {report_path}")
    return not failures
