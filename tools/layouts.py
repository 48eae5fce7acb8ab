"""Leave-one-layout-out: the generic readers measured against the five hand parsers.

    python -m tools.layouts            (writes reports/layouts.json; `make layouts`)

For each plan: its golden records (the hand parser's) are rendered as PDF and DOCX by the test
fixture script and read back by the PDF / Word readers, and the plan's original text is read by the
generic text reader (no parser of its own); `pdftotext -layout` of the PDF rendering is read by the
same text reader where poppler is installed. A tiltak counts when it comes back with text, owner,
frist, status and risiko exactly as the hand parser printed them (for the text reader: text and
owner). Then the evaluation's test-set field questions are answered from an index built from each
generic path only, beside the hand parsers' figure. Generic records are given the hand parser's id
when their text is the same, so that the scorer can recognise them; anything else keeps its own id.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rusqa.answering.qa import Assistant
from rusqa.evaluation.evaluate import answer_items
from rusqa.evaluation.items import TEST_DIR, load_items
from rusqa.ingest import Corpus, ingest, parse_plan
from rusqa.ingest.source import Source
from rusqa.models import ParsedPlan
from rusqa.search.build import build_index
from rusqa.settings import Settings, get_settings
from tests.fixtures.render_plans import render_all

FIELDS = ("text", "owner", "deadline", "status", "risk")
REPORT = Path("reports/layouts.json")


def exact_share(gold: ParsedPlan, got: ParsedPlan, fields: tuple[str, ...]) -> tuple[int, float]:
    """How many of the gold tiltak come back (matched by text) with every field equal; and the share."""
    by_text = {t.text: t for t in got.tiltak}
    same = sum(
        1 for g in gold.tiltak if (t := by_text.get(g.text)) and all(getattr(t, f) == getattr(g, f) for f in fields)
    )
    return same, same / len(gold.tiltak)


def with_gold_ids(gold: ParsedPlan, got: ParsedPlan) -> ParsedPlan:
    ids = {t.text: t.id for t in gold.tiltak}
    taken: set[str] = set()
    tiltak = []
    for t in got.tiltak:
        new = ids.get(t.text)
        if new is None or new in taken:
            new = f"{t.id}-generic"
        taken.add(new)
        tiltak.append(t.model_copy(update={"id": new}))
    return got.model_copy(update={"tiltak": tiltak})


def read(path: Path, gold: ParsedPlan, layout: str) -> ParsedPlan:
    plan = gold.plan.model_copy(update={"layout": layout, "file": path.name, "sha256": Source.read(path).sha256})
    return parse_plan(plan, path.parent)


def field_accuracy(settings: Settings, plans: list[ParsedPlan]) -> float:
    """Strict accuracy on the test set's field questions, answered from an index of these records."""
    build_index(settings, Corpus(plans=plans))
    items = [i for i in load_items([TEST_DIR]) if i.kind == "field"]
    scores = answer_items(Assistant(settings), items)
    return sum(s.correct for s in scores) / len(scores)


def main() -> None:
    base = get_settings()
    golden = ingest(base.corpus_dir).plans
    work = Path(tempfile.mkdtemp(prefix="rusqa-layouts-"))
    started = time.perf_counter()
    rendered = render_all(work / "rendered", golden)
    layout_text: dict[str, Path] = {}
    if shutil.which("pdftotext"):
        for parsed in golden:
            out = work / f"{parsed.plan.id}-layout.txt"
            subprocess.run(["pdftotext", "-layout", str(rendered[f"{parsed.plan.id}.pdf"]), str(out)], check=True)
            layout_text[parsed.plan.id] = out
    paths: dict[str, Callable[[ParsedPlan], ParsedPlan]] = {
        "pdf": lambda g: read(rendered[f"{g.plan.id}.pdf"], g, "pdf"),
        "docx": lambda g: read(rendered[f"{g.plan.id}.docx"], g, "docx"),
        "text (generic, original export)": lambda g: parse_plan(g.plan.model_copy(update={"layout": "generic"}), base.corpus_dir / "plans"),
    }  # fmt: skip
    if layout_text:
        paths["text (generic, pdftotext -layout of the PDF)"] = lambda g: read(layout_text[g.plan.id], g, "generic")
    report: dict[str, Any] = {"plans": {}, "totals": {}, "field_questions_test": {}}
    parsed_by_path: dict[str, list[ParsedPlan]] = {name: [] for name in paths}
    for gold in golden:
        row: dict[str, Any] = {"hand parser tiltak": len(gold.tiltak)}
        for name, reader in paths.items():
            got = reader(gold)
            fields = FIELDS if not name.startswith("text (generic, original") else ("text", "owner")
            same, share = exact_share(gold, got, fields)
            row[name] = {"tiltak": len(got.tiltak), "exact": same, "share": round(share, 3)}
            parsed_by_path[name].append(with_gold_ids(gold, got))
        report["plans"][gold.plan.id] = row
    total = sum(len(g.tiltak) for g in golden)
    for name in paths:
        exact = sum(report["plans"][g.plan.id][name]["exact"] for g in golden)
        report["totals"][name] = {"exact": exact, "of": total, "share": round(exact / total, 3)}
    cache = base.embedding_cache_dir
    report["field_questions_test"]["hand parsers"] = round(
        field_accuracy(Settings(index_dir=work / "index-hand", cache_dir=cache), golden), 3
    )
    for name in ("pdf", "text (generic, original export)"):
        settings = Settings(index_dir=work / f"index-{name.split()[0]}", cache_dir=cache)
        report["field_questions_test"][name] = round(field_accuracy(settings, parsed_by_path[name]), 3)
    report["seconds"] = round(time.perf_counter() - started, 1)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report["totals"], ensure_ascii=False))
    print(json.dumps(report["field_questions_test"], ensure_ascii=False))


if __name__ == "__main__":
    main()
