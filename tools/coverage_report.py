"""How the coverage suggestions agree with the planner-style labels (evals/coverage/labels.yaml).

Per cell: found / not found agreement, exact status agreement, and whether a labelled covering tiltak is
among the cell's three candidates — over the dev and test halves (measures alternate between them in plan
order) and all cells, for the shipped matcher and for its lexical leg alone. Writes reports/coverage.json.

`--grid` prints, on the dev cells only, what each lexical weight and threshold would give: the way
LEXICAL_WEIGHT, FOUND_AT and COVERED_AT in rusqa/planning/coverage.py were chosen. The test half is never
looked at to choose them. The dev cells are the dev half of the four district plans and, where
evals/coverage/labels-extra.yaml exists, eight more district plans (evals/coverage/extra-plans.yaml), added to a
copy of the corpus in a temporary folder as `rusqa add` adds them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from rusqa.answering.qa import Assistant
from rusqa.ingest import ingest
from rusqa.planning import coverage
from rusqa.planning.add import add, review
from rusqa.planning.coverage import CoverageMatrix, Row
from rusqa.search.build import build_index
from rusqa.search.live import LiveIndex
from rusqa.settings import Settings, get_settings
from tests.fixtures.new_layouts import HERE as NEW_LAYOUTS

LABELS = Path(__file__).resolve().parent.parent / "evals" / "coverage" / "labels.yaml"
SECOND_READER = LABELS.with_name("labels-second-reader.yaml")
EXTRA_PLANS = LABELS.with_name("extra-plans.yaml")
EXTRA_LABELS = LABELS.with_name("labels-extra.yaml")
EXTRA_STRICT = LABELS.with_name("labels-extra-strict.yaml")  # the same cells read strictly: reported only
WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)


Labels = dict[str, dict[str, dict[str, Any]]]  # measure id → plan id → cell label


def load_labels(path: Path = LABELS) -> tuple[Labels, list[str]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {row["measure_id"]: {c["plan_id"]: c for c in row["cells"]} for row in raw}, [r["measure_id"] for r in raw]


def cells(rows: list[Row], labels: Labels, measures: set[str]) -> list[tuple[Any, Any]]:
    """(suggested cell, label) for the labelled cells of these measures."""
    return [
        (c, labels[r.measure.id][c.plan.id])
        for r in rows
        if r.measure.id in measures
        for c in r.cells
        if c.plan.id in labels[r.measure.id]
    ]


def measure(
    pairs: list[tuple[Any, Any]], found_at: float | None = None, covered_at: float | None = None
) -> dict[str, Any]:
    """Agreement of the cells with the labels: the cells' own status, or (given thresholds, as the grid tries
    them) their score graded against those thresholds."""
    graded = [
        (
            c.status
            if found_at is None or covered_at is None
            else coverage.grade(c.score, found_at, covered_at, c.unnamed),
            lab,
        )
        if c.candidates
        else ("none", lab)
        for c, lab in pairs
    ]
    labelled = [(c, lab) for c, lab in pairs if lab["status"] != "none"]
    top3 = sum(bool(set(lab["tiltak"]) & {x.tiltak.id for x in c.candidates}) for c, lab in labelled)
    return {
        "cells": len(pairs),
        "found_agreement": round(sum((s == "none") == (lab["status"] == "none") for s, lab in graded) / len(pairs), 3),
        "status_agreement": round(sum(s == lab["status"] for s, lab in graded) / len(pairs), 3),
        "covered_or_partial_cells": len(labelled),
        "top3_recall": round(top3 / len(labelled), 3) if labelled else 0.0,
    }


def found(label: dict[str, Any]) -> bool:
    return label["status"] != "none"


def readers_agree(first: Labels, second: Labels, measures: set[str]) -> dict[str, Any]:
    """How two readings of the same cells agree: found / not found (with Cohen's kappa), exact status, and
    whether the cells both call covered or partial name a common tiltak."""
    pairs = [(first[m][p], second[m][p]) for m in sorted(measures) for p in first[m]]
    n = len(pairs)
    agree = sum(found(a) == found(b) for a, b in pairs) / n
    share_a, share_b = sum(found(a) for a, _ in pairs) / n, sum(found(b) for _, b in pairs) / n
    chance = share_a * share_b + (1 - share_a) * (1 - share_b)
    both = [(a, b) for a, b in pairs if found(a) and found(b)]
    return {
        "cells": n,
        "found_agreement": round(agree, 3),
        "found_kappa": round((agree - chance) / (1 - chance), 3) if chance < 1 else 1.0,
        "status_agreement": round(sum(a["status"] == b["status"] for a, b in pairs) / n, 3),
        "found_by_first": sum(found(a) for a, _ in pairs),
        "found_by_second": sum(found(b) for _, b in pairs),
        "both_found": len(both),
        "both_found_sharing_a_tiltak": sum(bool(set(a["tiltak"]) & set(b["tiltak"])) for a, b in both),
    }


def best_thresholds(pairs: list[tuple[Any, Any]]) -> tuple[float, float]:
    """FOUND_AT with the best found / not found agreement, then COVERED_AT (≥ it) with the best exact status
    agreement; ties go to the lower threshold."""
    scores = sorted({round(c.score, 2) for c, _ in pairs})
    found_at = max(scores, key=lambda t: (measure(pairs, t, 99.0)["found_agreement"], -t))
    covered_at = max(
        (t for t in scores if t >= found_at), key=lambda t: (measure(pairs, found_at, t)["status_agreement"], -t)
    )
    return found_at, covered_at


def extended(work: Path, base: Settings) -> LiveIndex:
    """The corpus with the extra district plans added (in `work`), as a live index."""
    shutil.copytree(base.corpus_dir, work / "corpus")
    settings = Settings(corpus_dir=work / "corpus", index_dir=work / "index", cache_dir=base.embedding_cache_dir)
    for entry in yaml.safe_load(EXTRA_PLANS.read_text(encoding="utf-8")):
        path = NEW_LAYOUTS / entry["file"]
        add(settings, path, review(settings, path, entry["bydel"], None, None))
    build_index(settings, ingest(settings.corpus_dir))
    return Assistant(settings).live


Sources = list[tuple[LiveIndex, Labels, set[str]]]  # a live index, its labels, the measures whose cells count


def paired(rows: list[list[Row]], sources: Sources) -> list[tuple[Any, Any]]:
    """(cell, label) over the sources' counted cells, given each source's rows."""
    return [pair for r, (_, labels, ids) in zip(rows, sources, strict=True) for pair in cells(r, labels, ids)]


def dev_cells(sources: Sources, **matrix: Any) -> list[tuple[Any, Any]]:
    return paired([CoverageMatrix(live, **matrix).rows() for live, _, _ in sources], sources)


def grid(sources: Sources) -> None:
    for dense in (True, False):
        for weight in WEIGHTS if dense else (1.0,):  # weight 1 alone
            pairs = dev_cells(sources, dense=dense, lexical_weight=weight)
            found_at, covered_at = best_thresholds(pairs)
            print(json.dumps({"dense": dense, "lexical_weight": weight, "found_at": found_at,
                              "covered_at": covered_at, **measure(pairs, found_at, covered_at)}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", action="store_true", help="dev cells only: each weight and its best thresholds")
    args = parser.parse_args()
    labels, order = load_labels()
    halves = {"dev": set(order[0::2]), "test": set(order[1::2]), "all": set(order)}
    live = Assistant().live
    with tempfile.TemporaryDirectory() as work:
        sources: Sources = [(live, labels, halves["dev"])]
        if EXTRA_LABELS.exists():
            extra, extra_order = load_labels(EXTRA_LABELS)
            sources.append((extended(Path(work), get_settings()), extra, set(extra_order)))
        if args.grid:
            grid(sources)
            return
        write_report(live, labels, halves, sources)


def write_report(live: LiveIndex, labels: Labels, halves: dict[str, set[str]], sources: Sources) -> None:
    # each matrix once: the shipped one and the words alone, for every index the dev cells come from
    shipped_rows = [CoverageMatrix(source).rows() for source, _, _ in sources]
    lexical_rows = [CoverageMatrix(source, dense=False).rows() for source, _, _ in sources]
    shipped, lexical = shipped_rows[0], lexical_rows[0]
    lexical_at = best_thresholds(paired(lexical_rows, sources))  # coverage.WORDS_ONLY_* were set from it
    report: dict[str, Any] = {
        "method": (
            "dense (best cosine of a measure clause or its goal and a tiltak part, standardised) + "
            f"{coverage.LEXICAL_WEIGHT} × words (top-{coverage.TELLING_WORDS} shared IDF); found from "
            f"{coverage.FOUND_AT}, covered from {coverage.COVERED_AT}; none where the measure names a programme in "
            "quotation marks the plan never names"
        ),
        "shipped": {name: measure(cells(shipped, labels, ids)) for name, ids in halves.items()},
        "lexical_only": {
            "thresholds_from_dev": list(lexical_at),
            **{name: measure(cells(lexical, labels, ids), *lexical_at) for name, ids in halves.items()},
        },
    }
    if len(sources) > 1:
        _, extra, extra_ids = sources[1]
        report["extra_plans_dev"] = {
            "shipped": measure(cells(shipped_rows[1], extra, extra_ids)),
            "lexical_only": measure(cells(lexical_rows[1], extra, extra_ids), *lexical_at),
            "dev_all": measure(paired(shipped_rows, sources)),
        }
        if EXTRA_STRICT.exists():
            strict, strict_order = load_labels(EXTRA_STRICT)
            report["extra_plans_dev"]["strict_reading"] = measure(cells(shipped_rows[1], strict, set(strict_order)))
            report["extra_plans_dev"]["readings_agree"] = readers_agree(extra, strict, extra_ids)
    second, _ = load_labels(SECOND_READER)
    agreed = {
        m: {p: label for p, label in cells_.items() if found(label) == found(second[m][p])}
        for m, cells_ in labels.items()
    }
    report["second_reader"] = {
        "readers_agree": {name: readers_agree(labels, second, ids) for name, ids in halves.items()},
        "shipped_vs_second_reader": {name: measure(cells(shipped, second, ids)) for name, ids in halves.items()},
        "shipped_on_cells_the_readers_agree_on": {
            name: measure(cells(shipped, agreed, ids)) for name, ids in halves.items()
        },
    }
    Path("reports").mkdir(exist_ok=True)
    Path("reports/coverage.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
