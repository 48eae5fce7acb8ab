"""`rusqa eval`: the evaluation set's metrics, a table, a JSON report, and the gate.

Metrics: retrieval recall@5 and MRR@10 on record ids, answer accuracy (`must` regexes),
citation accuracy (`gold` substrings in a cited text), abstention accuracy, latency p50/p95.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from rusqa.answering.qa import Assistant, ranked_sources
from rusqa.errors import InputError
from rusqa.models import Answer, Intent
from rusqa.settings import PROJECT_ROOT
from rusqa.text import normalise

EVALS_DIR = PROJECT_ROOT / "evals"
THRESHOLDS_FILE = EVALS_DIR / "thresholds.yaml"


class EvalItem(BaseModel):
    """One evaluation question with its reference answer (the evals/*.yaml format)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    question: str
    reference: str = ""
    must: list[str] = Field(default_factory=list)
    gold: list[str] = Field(default_factory=list)
    gold_ids: list[str] = Field(default_factory=list)
    intent: Intent
    abstain: bool = False


class ItemResult(BaseModel):
    id: str
    question: str
    intent: str
    abstain_expected: bool
    abstained: bool
    answer: str
    answer_ok: bool | None
    citation_ok: bool | None
    abstention_ok: bool
    rank: int | None = Field(description="1-based rank of the first gold id in the retrieval, None if not in top 10.")
    retrieved: list[str]
    cited: list[str]
    latency_ms: float


def load_items(files: list[Path] | None = None) -> list[EvalItem]:
    paths = files or sorted(p for p in EVALS_DIR.glob("*.yaml") if p != THRESHOLDS_FILE)
    items: list[EvalItem] = []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        items.extend(EvalItem.model_validate(entry) for entry in data)
    ids = [i.id for i in items]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError(f"duplicate evaluation ids {dupes} — give each item its own id")
    return items


def answer_ok(item: EvalItem, answer: Answer) -> bool:
    return not answer.abstained and all(re.search(p, answer.answer, re.IGNORECASE) for p in item.must)


def citation_ok(item: EvalItem, answer: Answer) -> bool:
    texts = [normalise(c.text) for c in answer.citations]
    return any(normalise(g) in t for g in item.gold for t in texts)


def evaluate(assistant: Assistant, items: list[EvalItem]) -> list[ItemResult]:
    live = assistant.live
    results = []
    for item in items:
        started = time.perf_counter()
        answer = assistant.ask(item.question)
        latency = (time.perf_counter() - started) * 1000
        query = live.analyse(item.question)
        retrieved = [s.hit.record_id for s in ranked_sources(live, query, relevant_only=False)][:10]
        rank = next((n for n, rid in enumerate(retrieved, start=1) if rid in item.gold_ids), None)
        results.append(
            ItemResult(
                id=item.id,
                question=item.question,
                intent=item.intent,
                abstain_expected=item.abstain,
                abstained=answer.abstained,
                answer=answer.answer,
                answer_ok=None if item.abstain else answer_ok(item, answer),
                citation_ok=None if item.abstain or not item.gold else citation_ok(item, answer),
                abstention_ok=answer.abstained == item.abstain,
                rank=None if item.abstain else rank,
                retrieved=retrieved,
                cited=[c.record_id for c in answer.citations],
                latency_ms=latency,
            )
        )
    return results


def _share(values: list[bool]) -> float:
    return sum(values) / len(values) if values else 1.0


def metrics(results: list[ItemResult], items: list[EvalItem]) -> dict[str, float]:
    by_id = {i.id: i for i in items}
    answerable = [r for r in results if not r.abstain_expected]
    with_ids = [r for r in answerable if by_id[r.id].gold_ids]
    latencies = sorted(r.latency_ms for r in results)
    return {
        "items": float(len(results)),
        "answer_accuracy": _share([bool(r.answer_ok) for r in answerable]),
        "citation_accuracy": _share([bool(r.citation_ok) for r in answerable if r.citation_ok is not None]),
        "abstention_accuracy": _share([r.abstention_ok for r in results]),
        "recall_at_5": _share([r.rank is not None and r.rank <= 5 for r in with_ids]),
        "mrr_at_10": sum(1 / r.rank for r in with_ids if r.rank) / len(with_ids) if with_ids else 1.0,
        "latency_p50_ms": statistics.median(latencies) if latencies else 0.0,
        "latency_p95_ms": latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else 0.0,
    }


def load_thresholds() -> dict[str, float]:
    return {k: float(v) for k, v in (yaml.safe_load(THRESHOLDS_FILE.read_text(encoding="utf-8")) or {}).items()}


def check(values: dict[str, float], thresholds: dict[str, float]) -> list[str]:
    """The metrics that fail their threshold (`*_ms` are maxima, the rest minima)."""
    failures = []
    for name, limit in thresholds.items():
        value = values.get(name)
        if value is None:
            failures.append(f"{name}: not measured")
        elif name.endswith("_ms") and value > limit:
            failures.append(f"{name} = {value:.1f} > {limit}")
        elif not name.endswith("_ms") and value < limit:
            failures.append(f"{name} = {value:.3f} < {limit}")
    return failures


def run_evaluation(files: list[Path] | None, report_path: Path, assistant: Assistant | None = None) -> bool:
    """Evaluate, print the table and the failed items, write the report; True when the gate passes."""
    from rich.console import Console
    from rich.table import Table

    items = load_items(files)
    assistant = assistant or Assistant()
    results = evaluate(assistant, items)
    values = metrics(results, items)
    thresholds = load_thresholds()
    failures = check(values, thresholds)
    console = Console()
    table = Table(title=f"rusqa eval — {len(items)} spørsmål")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("threshold", justify="right")
    for name, value in values.items():
        limit = thresholds.get(name)
        shown = f"{value:.1f}" if name.endswith("_ms") or name == "items" else f"{value:.3f}"
        table.add_row(name, shown, "" if limit is None else str(limit))
    console.print(table)
    for r in results:
        if r.answer_ok is False or r.citation_ok is False or not r.abstention_ok:
            flags = [
                n
                for n, bad in (
                    ("answer", r.answer_ok is False),
                    ("citation", r.citation_ok is False),
                    ("abstention", not r.abstention_ok),
                )
                if bad
            ]
            console.print(
                f"[yellow]✗ {r.id}[/] ({', '.join(flags)}) {r.question}", markup=True, highlight=False, soft_wrap=True
            )
    report: dict[str, Any] = {
        "metrics": values,
        "thresholds": thresholds,
        "failures": failures,
        "build_id": assistant.live.build_id,
        "items": [r.model_dump() for r in results],
    }
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    for failure in failures:
        console.print(f"[red]FAIL[/] {failure}", highlight=False)
    console.print(f"Rapport: {report_path}")
    return not failures
