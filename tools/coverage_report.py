"""How the coverage suggestions agree with the planner-style labels (evals/coverage/labels.yaml).

Found / not found agreement per cell, and how often a labelled covering tiltak is among a cell's top-3
candidates, over all cells and over the dev and test halves (measures alternate between them in plan
order; thresholds may be chosen on dev only). Writes reports/coverage.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from rusqa.answering.qa import Assistant
from rusqa.planning.coverage import coverage_rows

LABELS = Path(__file__).resolve().parent.parent / "evals" / "coverage" / "labels.yaml"


def measure(rows: list[Any], labels: dict[str, dict[str, Any]], measures: set[str]) -> dict[str, Any]:
    cells = [(c, labels[r.measure.id][c.plan.id]) for r in rows if r.measure.id in measures for c in r.cells]
    found = sum((c.status == "none") == (lab["status"] == "none") for c, lab in cells)
    labelled = [(c, lab) for c, lab in cells if lab["status"] != "none"]
    top3 = sum(bool(set(lab["tiltak"]) & {x.tiltak.id for x in c.candidates}) for c, lab in labelled)
    return {
        "cells": len(cells),
        "found_agreement": found / len(cells) if cells else 0.0,
        "covered_or_partial_cells": len(labelled),
        "top3_recall": top3 / len(labelled) if labelled else 0.0,
    }


def main() -> None:
    raw = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    labels = {row["measure_id"]: {c["plan_id"]: c for c in row["cells"]} for row in raw}
    order = [row["measure_id"] for row in raw]
    rows = coverage_rows(Assistant().live)
    report = {
        "all": measure(rows, labels, set(order)),
        "dev": measure(rows, labels, set(order[0::2])),
        "test": measure(rows, labels, set(order[1::2])),
        "method": "v0.1 lexical suggestions (distinctive terms, coverage / cosine thresholds), unchanged",
    }
    Path("reports").mkdir(exist_ok=True)
    Path("reports/coverage.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
