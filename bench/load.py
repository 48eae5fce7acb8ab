"""A bounded load run: N threads × M questions through one shared Assistant, stopped after at most T s.

    python -m bench.load [--threads 8] [--per-thread 25] [--max-seconds 60] [--report reports/load.json]

Questions come from evals/*.yaml (in a fixed order per thread). Reports throughput, p50/p95/p99
latency, errors, and the process's peak RSS. Uses the live index of the current settings
(`RUSQA_INDEX_DIR`; run `rusqa index` first).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any

import yaml

from rusqa.settings import apply_offline_env, get_settings

ROOT = Path(__file__).resolve().parent.parent


def eval_questions() -> list[str]:
    questions = []
    for path in sorted((ROOT / "evals").glob("*.yaml")):
        if path.name == "thresholds.yaml":
            continue
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if isinstance(item, dict) and item.get("question"):
                questions.append(str(item["question"]))
    return questions


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (q in 0..100)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(q / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run(threads: int, per_thread: int, max_seconds: float) -> dict[str, Any]:
    from rusqa.qa import Assistant

    apply_offline_env()
    questions = eval_questions()
    if not questions:
        raise SystemExit("no questions found in evals/*.yaml")
    assistant = Assistant(get_settings())
    load_started = time.perf_counter()
    assistant.ask(questions[0])  # warm: index, embedder, Chroma's HNSW
    warmup_s = time.perf_counter() - load_started
    rss_after_warmup = peak_rss_mb()

    latencies: list[float] = []
    errors: list[str] = []
    abstained = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + max_seconds
    barrier = threading.Barrier(threads)

    def worker(n: int) -> None:
        nonlocal abstained
        barrier.wait()
        for i in range(per_thread):
            if time.perf_counter() > deadline:
                return
            question = questions[(n * per_thread + i) % len(questions)]
            started = time.perf_counter()
            try:
                answer = assistant.ask(question)
            except Exception as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                abstained += answer.abstained

    pool = [threading.Thread(target=worker, args=(n,), name=f"load-{n}") for n in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(max_seconds + 30)
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    planned = threads * per_thread
    return {
        "threads": threads,
        "per_thread": per_thread,
        "planned": planned,
        "completed": len(latencies),
        "errors": len(errors),
        "error_examples": errors[:5],
        "abstained": abstained,
        "stopped_by_time_limit": len(latencies) + len(errors) < planned,
        "wall_s": round(wall, 2),
        "throughput_qps": round(len(latencies) / wall, 2) if wall else 0.0,
        "latency_ms": {
            "p50": round(percentile(ordered, 50), 1),
            "p95": round(percentile(ordered, 95), 1),
            "p99": round(percentile(ordered, 99), 1),
            "max": round(ordered[-1], 1) if ordered else None,
            "mean": round(sum(ordered) / len(ordered), 1) if ordered else None,
        },
        "warmup_s": round(warmup_s, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_after_warmup_mb": round(rss_after_warmup, 1),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "index": assistant.live.build_id,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--per-thread", type=int, default=25)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    parser.add_argument("--report", type=Path, default=ROOT / "reports" / "load.json")
    args = parser.parse_args(argv)
    result = run(args.threads, args.per_thread, args.max_seconds)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    lat = result["latency_ms"]
    print(
        f"{result['completed']}/{result['planned']} questions ({result['threads']} threads) in {result['wall_s']} s: "
        f"{result['throughput_qps']} q/s; latency p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms; "
        f"errors {result['errors']}; peak RSS {result['peak_rss_mb']} MB"
        + (" — stopped by the time limit" if result["stopped_by_time_limit"] else "")
    )
    print(f"report: {args.report}", file=sys.stderr)
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
