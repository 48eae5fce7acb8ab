"""The README's measured tables, generated from reports/*.json so that they cannot drift.

`python -m tools.readme` rewrites each block between `<!-- NAME:start -->` and `<!-- NAME:end -->`;
tests/test_readme.py fails when a block differs from what the committed reports give.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
REPORTS = ROOT / "reports"
KIND_NAMES = {
    "field": "field (owner / frist / status / risiko of one tiltak)",
    "fact": "fact (a sentence of one record)",
    "set": "set / filter (ids cited)",
    "count": "count",
    "inverse_owner": "inverse owner («Hva har NAV ansvar for …»)",
    "across": "across plans (plans cited)",
    "plan": "a plan as a whole",
    "casual": "casual / misspelled",
    "english": "English paraphrases",
    "abstain": "abstain (cites nothing)",
    "conversation": "conversation turns",
}


def _load(name: str) -> dict[str, Any] | None:
    path = REPORTS / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def from_report(name: str, command: str) -> Callable[[Callable[[Any], str]], Callable[[], str]]:
    """A table made from reports/NAME, or a note saying which command writes it."""

    def wrap(make: Callable[[Any], str]) -> Callable[[], str]:
        def table() -> str:
            report = _load(name)
            return f"_No report yet: run `{command}`._" if report is None else make(report)

        table.__doc__ = make.__doc__
        return table

    return wrap


def _cell(group: dict[str, Any] | None) -> str:
    if not group:
        return "–"
    low, high = group["ci95"]
    return f"{group['accuracy']:.2f} [{low:.2f}–{high:.2f}] (n={group['n']})"


@from_report("eval.json", "make eval")
def eval_table(report: dict[str, Any]) -> str:
    """Strict accuracy per kind on dev and test, with 95 % bootstrap intervals, and the v0.1 baseline."""
    baseline = _load("eval-baseline.json")
    sets = report["sets"]
    base = (baseline or {}).get("sets", {})
    lines = [
        "| kind | dev (tuned on) | test (never tuned on) | v0.1 on test.yaml, the first test file, same scorer |",
        "|---|---|---|---|",
    ]
    for kind, label in KIND_NAMES.items():
        dev = sets.get("dev", {}).get("metrics", {}).get("kinds", {}).get(kind)
        test = sets.get("test", {}).get("metrics", {}).get("kinds", {}).get(kind)
        old = base.get("test", {}).get("metrics", {}).get("kinds", {}).get(kind)
        lines.append(f"| {label} | {_cell(dev)} | {_cell(test)} | {_cell(old)} |")
    chosen = (sets.get("dev"), sets.get("test"), base.get("test"))
    overall = [(s or {}).get("metrics", {}).get("overall") for s in chosen]
    lines.append(f"| **all questions** | {_cell(overall[0])} | {_cell(overall[1])} | {_cell(overall[2])} |")
    extra = []
    for name in ("dev", "test"):
        m = sets.get(name, {}).get("metrics")
        if m:
            extra.append(
                f"{name}: abstention precision {m['abstention_precision']:.2f}, recall {m['abstention_recall']:.2f}"
            )
    return "\n".join(lines) + "\n\n" + "; ".join(extra) + "."


@from_report("eval.json", "make eval")
def kinds_table(report: dict[str, Any]) -> str:
    """How many questions of each kind the sets hold."""
    rows = ["| kind | dev | test |", "|---|---:|---:|"]
    for kind in KIND_NAMES:
        counts = [
            report["sets"].get(s, {}).get("metrics", {}).get("kinds", {}).get(kind, {}).get("n", 0)
            for s in ("dev", "test")
        ]
        rows.append(f"| {kind} | {counts[0]} | {counts[1]} |")
    items = [report["sets"].get(s, {}).get("items", 0) for s in ("dev", "test")]
    rows.append(f"| **items (a conversation is one item)** | {items[0]} | {items[1]} |")
    return "\n".join(rows)


@from_report("bench.json", "make bench")
def bench_table(report: dict[str, Any]) -> str:
    from bench.compare import markdown

    return markdown(report).rstrip()


def facets_table() -> str:
    """The normalised facets of status and risk (rusqa/lexicon/facets.yaml)."""
    from rusqa.facets import facet_table

    rows = ["| field | facet | printed values it covers | words a question may use |", "|---|---|---|---|"]
    for field, facets in facet_table().items():
        for name, entry in facets.items():
            rows.append(f"| {field} | {name} | {', '.join(entry['printed'])} | {', '.join(entry['asked'])} |")
    return "\n".join(rows)


@from_report("ablation.json", "python -m tools.ablate_lexicon")
def ablation_table(report: list[dict[str, Any]]) -> str:
    used = [r for r in report if r["items"]]
    depended = sorted((r for r in report if r["lost"]), key=lambda r: (-r["lost"], r["entry"]))
    lines = [
        f"{len(report)} entries, {len(used)} of them occur in a dev question; "
        f"{len(depended)} have dev items that depend on them alone:",
        "",
        "| entry | kind | source | dev items with the word | lost without it | gained without it |",
        "|---|---|---|---:|---:|---:|",
    ]
    lines += [
        f"| {r['entry']} | {r['kind']} | {r['source']} | {r['items']} | {r['lost']} | {r['gained']} |" for r in depended
    ]
    return "\n".join(lines)


SWEEP_NOTES = {
    "MIN_COSINE_ENGLISH": "English: dense cosine that makes a record relevant",
    "MIN_COVERAGE_ENGLISH": "English: share of the question's concepts a record must hold",
    "MAX_UNKNOWN_SHARE": "Norwegian: largest share of subject words the plans may lack",
    "ACROSS_MIN_COVERAGE": "a plan gets a line across plans when its best record holds this share",
    "ENGLISH_DENSE_WEIGHT": "English: the dense leg's weight in the fusion (BM25 1.0; Norwegian 0.5)",
    "DECISIVE_LEAD": "skip the query embedding only when the lexical top record's BM25 also leads the runner-up's"
    " by this factor (1 = any lead, 0 = never skip)",
    "DECISIVE_COVERAGE": "skip the query embedding when the lexical top record holds this share of the question's"
    " concept weight",
    "GENERAL_WEIGHT": "the share of its IDF a general-Norwegian word keeps (1 = no discount)",
    "GENERAL_KEYNESS": "a frequent general word is discounted when the plans use it less than this many times as often (0 = never)",
}


def _cost(row: dict[str, Any]) -> str:
    """What a value cost, where the sweep measured it: questions embedded, and the median latency."""
    if "embedded" not in row:
        return ""
    return f" ({row['embedded']}/{row['questions']} embedded, p50 {row['p50_ms']} ms)"


def sweeps_table() -> str:
    """Each setting swept on dev (reports/sweep-NAME.json): overall strict accuracy at each value tried."""
    rows = ["| setting | dev overall accuracy at each value tried | chosen |", "|---|---|---|"]
    for path in sorted(REPORTS.glob("sweep-*.json")):
        name, *held = path.stem.removeprefix("sweep-").split("-")  # a grid: sweep-NAME-OTHER=VALUE.json
        values = json.loads(path.read_text(encoding="utf-8"))
        tried = " · ".join(f"{v}: {r['overall']:.3f}{_cost(r)}" for v, r in values.items())
        from rusqa.answering import qa
        from rusqa.search import retrieve

        chosen = getattr(qa, name, getattr(retrieve, name, "?"))
        at = f" (with {', '.join(held)})" if held else ""
        rows.append(f"| `{name}`{at} — {SWEEP_NOTES.get(name, '')} | {tried} | **{chosen}** |")
    return "\n".join(rows)


@from_report("coverage.json", "python -m tools.coverage_report")
def coverage_table(report: dict[str, Any]) -> str:
    rows = [
        "| cells | found / not found agreement | exact status | labelled tiltak among the top 3 |"
        " lexical leg alone: found / top 3 |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in ("dev", "test", "all"):
        r, lex = report["shipped"][name], report["lexical_only"][name]
        rows.append(
            f"| {name} ({r['cells']} cells, {r['covered_or_partial_cells']} covered or partial) | "
            f"{r['found_agreement']:.2f} | {r['status_agreement']:.2f} | {r['top3_recall']:.2f} | "
            f"{lex['found_agreement']:.2f} / {lex['top3_recall']:.2f} |"
        )
    extra = report.get("extra_plans_dev")
    if extra:
        for name, r, lex in (
            ("dev: eight more district plans", extra["shipped"], extra["lexical_only"]),
            ("dev: those eight, read strictly (reported only)", extra["strict_reading"], None),
            ("dev: all the cells the thresholds were chosen on", extra["dev_all"], None),
        ):
            lexical = f"{lex['found_agreement']:.2f} / {lex['top3_recall']:.2f}" if lex else "—"
            rows.append(
                f"| {name} ({r['cells']} cells, {r['covered_or_partial_cells']} covered or partial) | "
                f"{r['found_agreement']:.2f} | {r['status_agreement']:.2f} | {r['top3_recall']:.2f} | {lexical} |"
            )
    rows.append(f"\nSuggestions: {report['method']}.")
    second = report.get("second_reader")
    if second:
        rows += [
            "",
            "| cells | two readers: found / not found (κ) | two readers: exact status | suggestions vs the second reader:"
            " found / top 3 | suggestions on the cells both readers agree on: found / top 3 |",
            "|---|---:|---:|---:|---:|",
        ]
        for name in ("dev", "test", "all"):
            both = second["readers_agree"][name]
            vs, agreed = second["shipped_vs_second_reader"][name], second["shipped_on_cells_the_readers_agree_on"][name]
            rows.append(
                f"| {name} ({both['cells']}; covered or partial: {both['found_by_first']} first, "
                f"{both['found_by_second']} second) | {both['found_agreement']:.2f} ({both['found_kappa']:.2f}) | "
                f"{both['status_agreement']:.2f} | {vs['found_agreement']:.2f} / {vs['top3_recall']:.2f} | "
                f"{agreed['found_agreement']:.2f} / {agreed['top3_recall']:.2f} ({agreed['cells']} cells) |"
            )
    return "\n".join(rows)


@from_report("english-legs.json", "python -m tools.english_legs")
def english_table(report: dict[str, Any]) -> str:
    rows = ["| dev English questions answered with … | strict accuracy |", "|---|---:|"]
    rows += [f"| {k} | {v:.2f} |" for k, v in report.items() if k != "items"]
    return "\n".join(rows) + f"\n\n({report['items']} dev items asked in English; conversations count per turn.)"


@from_report("layouts.json", "make layouts")
def layouts_table(report: dict[str, Any]) -> str:
    """Leave-one-layout-out: each plan read by the generic paths, against its hand parser."""
    paths = list(report["totals"])
    rows = ["| plan | hand parser | " + " | ".join(paths) + " |", "|---|---:|" + "---:|" * len(paths)]
    for plan_id, row in report["plans"].items():
        cells = [f"{row[p]['exact']}/{row['hand parser tiltak']} ({row[p]['share']:.0%})" for p in paths]
        rows.append(f"| {plan_id} | {row['hand parser tiltak']} | " + " | ".join(cells) + " |")
    totals = [f"**{t['exact']}/{t['of']} ({t['share']:.0%})**" for t in report["totals"].values()]
    rows.append("| **all** | " + str(next(iter(report["totals"].values()))["of"]) + " | " + " | ".join(totals) + " |")
    fq = report["field_questions_test"]
    answered = " · ".join(f"{name}: {value:.2f}" for name, value in fq.items())
    text = "\n".join(rows) + f"\n\nTest-set field questions (strict), index built from each path only: {answered}."
    return text + "\n\n" + new_layouts_table(report.get("new_layouts", {}))


def new_layouts_table(batches: dict[str, Any]) -> str:
    """Plans in layouts none of the five uses, as `rusqa add` reads them, and their helper's questions."""
    rows = [
        "| batch | file | layout (as its writer describes it) | tiltak | found | fields exact | page | goal | extra |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for batch, found in batches.items():
        for f in found["files"]:
            rows.append(
                f"| {batch} | {f['file']} | {f['layout'].replace('|', '·')} | {f['tiltak']} | {f['found']} | {f['exact']} | "
                f"{f['pages']} | {f['goals']} | {f['extra']} |"
            )
        t, q = found["totals"], found["questions"]
        if exported := found.get("word_exported_as_pdf"):
            rows.append(
                f"| {batch} | its Word files exported to PDF by LibreOffice | (pages not compared) | {exported['tiltak']} | "
                f"{exported['found']} | {exported['exact']} | | | |"
            )
        rows.append(
            f"| **{batch}** | | questions answered after `rusqa add`: **{q['right']}/{q['of']}** | **{t['tiltak']}** | "
            f"**{t['found']}** | **{t['exact']}** | **{t['pages']}** | **{t['goals']}** | **{t['extra']}** |"
        )
    return "\n".join(rows)


@from_report("scale.json", "make bench-scale")
def scale_table(report: dict[str, Any]) -> str:
    """Cost against the number of plans, one row per corpus size."""
    rows = [
        "| plans | store | code | records | build s (rec/s) | build RSS MB | unchanged rebuild s |"
        " killed build: embedded before / again | cold ask s | field p50 / p95 ms | set p50 / p95 ms |"
        " across p50 / p95 ms | coverage, one district s | serve RSS MB |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sorted(report["runs"].values(), key=lambda r: (r["plans"], r.get("store", "embedded"))):
        k = r.get("killed_build")
        killed = f"{k['embedded_before_kill']} / {k['embedded_after']}" if k else "not run"
        store = r.get("store", "embedded")
        serve = f"{r['serve_rss_mb']}" + (
            f" + server {r['chroma_server_rss_mb']}" if "chroma_server_rss_mb" in r else ""
        )
        rows.append(
            f"| {r['plans']} | {store} | {r.get('commit', 'fc0e847 or before')} | {r['records']:,} | {r['build_s']} ({r['build_records_per_s']}) | "
            f"{r['build_rss_mb']} | {r['unchanged_rebuild_s']} | {killed} | {r['cold_ask_s']} | "
            f"{r['field']['p50_ms']} / {r['field']['p95_ms']} | {r['set']['p50_ms']} / {r['set']['p95_ms']} | "
            f"{r['across']['p50_ms']} / {r['across']['p95_ms']} | {r['coverage_one_district_s']} | {serve} |"
        )
    return "\n".join(rows)


@from_report("floor.json", "python -m bench.floor")
def floor_table(report: dict[str, Any]) -> str:
    """What the stack weighs before rusqa, the embedder's cost per token, and the test mix's embeddings."""
    stack, cost, mix = report["stack"]["peak_rss_mb_after"], report["embedder"], report["test_mix"]
    steps = " → ".join(f"{step} {mb:.0f}" for step, mb in stack.items())
    return "\n".join(
        [
            "| measured | value |",
            "|---|---|",
            f"| a bare process, peak RSS MB after each step | {steps} |",
            f"| query embedding on this machine | {cost['ms_per_token']} ms a token + {cost['intercept_ms']} ms; "
            f"the probe question ({cost['probe_tokens']} tokens) {cost['probe_ms']} ms |",
            f"| test mix: questions that embed | {mix['embeddings']} of {mix['questions']} ({mix['embedded_share']:.0%}); "
            f"tokens p50 {mix['embedded_tokens_p50']:.0f}, p90 {mix['embedded_tokens_p90']} |",
            f"| test mix: p95 of the embedding's cost alone / p95 measured | {mix['p95_of_embedding_cost_alone_ms']} ms / "
            f"{mix['latency_p95_ms']} ms (target ≤ {report['target_ms']:.0f}: {report['tokens_within_target']} tokens "
            "would fit it at this speed) |",
            f"| run | {report['run']['started']}, {report['run']['cpus']} CPUs, load {report['run']['load_average']:.2f} |",
        ]
    )


BLOCKS: dict[str, Callable[[], str]] = {
    "floor": floor_table,
    "scale": scale_table,
    "layouts": layouts_table,
    "coverage": coverage_table,
    "sweeps": sweeps_table,
    "english-legs": english_table,
    "eval-table": eval_table,
    "eval-kinds": kinds_table,
    "bench-table": bench_table,
    "facets": facets_table,
    "ablation": ablation_table,
}


def render(text: str) -> str:
    for name, make in BLOCKS.items():
        pattern = re.compile(rf"(<!-- {name}:start -->)\n(?:.*?\n)?(<!-- {name}:end -->)", re.DOTALL)
        text = pattern.sub(lambda m, make=make: f"{m.group(1)}\n{make()}\n{m.group(2)}", text)
    return text


def main() -> None:
    README.write_text(render(README.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
