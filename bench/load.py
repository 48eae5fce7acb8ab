"""A bounded load run: N threads × M questions, stopped after at most T s.

    python -m bench.load [--threads 8] [--per-thread 25] [--max-seconds 60] [--report reports/load.json]
    python -m bench.load --app          # the same through the running app: starts `rusqa serve` on a
                                        # free loopback port, one gradio_client per thread, then stops it

In-process, the threads share one Assistant; with --app each thread is an API client of the app
(its queue: `default_concurrency_limit=2`, `max_size=64`, see README) and the peak RSS reported is
the server's.

Questions come from evals/dev/ (in a fixed order per thread). Reports throughput, p50/p95/p99
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

from rusqa.settings import apply_offline_env, get_settings

ROOT = Path(__file__).resolve().parent.parent


def eval_questions() -> list[str]:
    """The self-contained questions of evals/dev/ (conversation turns left out: they need their context)."""
    from rusqa.evaluation.items import DEV_DIR, load_items

    return [item.question for item in load_items([DEV_DIR]) if not item.turns]


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (q in 0..100)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(q / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def server_peak_rss_mb(pid: int) -> float:
    """The peak resident memory of another process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class AppClients:
    """`rusqa serve` on a free loopback port, and one gradio_client per calling thread."""

    def __init__(self) -> None:
        import socket
        import subprocess
        import urllib.request

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/"
        rusqa = Path(sys.executable).parent / "rusqa"
        self.proc = subprocess.Popen(
            [str(rusqa), "serve", "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.perf_counter() + 90
        while True:
            try:
                urllib.request.urlopen(self.url, timeout=2).close()
                break
            except OSError:
                if time.perf_counter() > deadline or self.proc.poll() is not None:
                    self.close()
                    raise SystemExit("rusqa serve did not start") from None
                time.sleep(0.2)
        self._local = threading.local()

    def ask(self, question: str) -> bool:
        from gradio_client import Client

        if not hasattr(self._local, "client"):
            self._local.client = Client(self.url, verbose=False)
        answer = self._local.client.predict(question, "", api_name="/svar")
        if answer.get("error"):
            raise RuntimeError(answer["error"])
        return bool(answer["abstained"])

    def peak_rss_mb(self) -> float:
        return server_peak_rss_mb(self.proc.pid)

    def close(self) -> None:
        import signal

        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)


def run(threads: int, per_thread: int, max_seconds: float, app: bool = False) -> dict[str, Any]:
    apply_offline_env()
    questions = eval_questions()
    if not questions:
        raise SystemExit("no questions found in evals/*.yaml")
    load_started = time.perf_counter()
    if app:
        clients = AppClients()
        ask = clients.ask
        peak = clients.peak_rss_mb
        index = "via the app"
    else:
        from rusqa.answering.qa import Assistant

        assistant = Assistant(get_settings())
        ask = lambda question: assistant.ask(question).abstained  # noqa: E731
        peak = peak_rss_mb
        index = assistant.live.build_id
    try:
        return _run(questions, ask, peak, threads, per_thread, max_seconds, load_started) | {
            "mode": "app (gradio_client over loopback)" if app else "in-process Assistant",
            "index": index,
        }
    finally:
        if app:
            clients.close()


def _run(
    questions: list[str], ask: Any, peak: Any, threads: int, per_thread: int, max_seconds: float, load_started: float
) -> dict[str, Any]:
    ask(questions[0])  # warm: index, embedder, Chroma's HNSW
    warmup_s = time.perf_counter() - load_started
    rss_after_warmup = peak()

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
                was_abstention = ask(question)
            except Exception as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                abstained += was_abstention

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
        "peak_rss_mb": round(peak(), 1),
        "rss_after_warmup_mb": round(rss_after_warmup, 1),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--per-thread", type=int, default=25)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    parser.add_argument("--report", type=Path, default=ROOT / "reports" / "load.json")
    parser.add_argument("--app", action="store_true", help="Load the running app through gradio_client.")
    args = parser.parse_args(argv)
    result = run(args.threads, args.per_thread, args.max_seconds, app=args.app)
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
