"""Leave-one-layout-out: the generic readers measured against the five hand parsers.

    python -m tools.layouts                  (writes reports/layouts.json; `make layouts`)
    python -m tools.layouts --batch batch5   (one batch of tests/fixtures/new_layouts, printed only)

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
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import yaml

from rusqa.answering.qa import Assistant
from rusqa.evaluation.evaluate import answer_items
from rusqa.evaluation.items import TEST_DIR, load_items
from rusqa.ingest import Corpus, ingest, parse_plan
from rusqa.ingest.source import Source
from rusqa.models import Answer, ParsedPlan
from rusqa.planning.add import add, review
from rusqa.search.build import build_index
from rusqa.settings import Settings, get_settings
from tests.fixtures.new_layouts import HERE as NEW_LAYOUTS
from tests.fixtures.new_layouts import norm, score, truths
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


def new_layouts(base: Settings, work: Path, only: str | None = None) -> dict[str, Any]:
    """Plans in layouts none of the five uses (tests/fixtures/new_layouts): read as `rusqa add` reads them,
    then added to a copy of the corpus and asked their helper's questions."""
    report: dict[str, Any] = {}
    for batch in sorted(
        p.name for p in NEW_LAYOUTS.iterdir() if p.is_dir() and truths(p.name) and only in (None, p.name)
    ):
        corpus = work / f"corpus-{batch}"
        shutil.copytree(base.corpus_dir, corpus)
        settings = Settings(corpus_dir=corpus, index_dir=work / f"index-{batch}", cache_dir=base.embedding_cache_dir)
        files, added = [], set()
        for truth_file in truths(batch):
            truth = yaml.safe_load(truth_file.read_text(encoding="utf-8"))
            path = truth_file.parent / truth["file"]
            found = review(settings, path, truth["bydel"], None, None)
            row = asdict(score(truth_file, found.parsed))
            files.append({k: v for k, v in row.items() if k != "misses"} | {"misses": row["misses"][:5]})
            plan = (truth["bydel"], truth.get("period"))
            if plan not in added:  # a plan given as both PDF and Word is added once; a district's other plans too
                add(settings, path, found)
                added.add(plan)
        build_index(settings, ingest(corpus))
        assistant = Assistant(settings)
        questions = yaml.safe_load((NEW_LAYOUTS / batch / "questions.yaml").read_text(encoding="utf-8"))
        texts = {t.id: t.text for t in assistant.live.tiltak_by_id.values()}
        right = [q["id"] for q in questions if _answered(assistant.ask(q["question"]), q["answer"], texts)]
        totals = {k: sum(f[k] for f in files) for k in ("tiltak", "found", "exact", "pages", "goals", "extra")}
        exported = _word_as_pdf(batch, settings, work / f"exported-{batch}")
        report[batch] = {
            "files": files,
            "totals": totals,
            "questions": {"right": len(right), "of": len(questions), "wrong": sorted({q["id"] for q in questions} - set(right))},
            **({"word_exported_as_pdf": exported} if exported else {}),
        }  # fmt: skip
    return report


def _word_as_pdf(batch: str, settings: Settings, out: Path) -> dict[str, int] | None:
    """The batch's Word files exported to PDF by LibreOffice (as a municipality's office suite would), read as
    PDFs against the same truth (pages aside); None where LibreOffice is not installed."""
    if not shutil.which("soffice"):
        return None
    out.mkdir(parents=True)
    total = {"tiltak": 0, "found": 0, "exact": 0}
    for truth_file in truths(batch):
        truth = yaml.safe_load(truth_file.read_text(encoding="utf-8"))
        if not truth["file"].endswith(".docx"):
            continue
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out),
                        str(truth_file.parent / truth["file"])], check=True, capture_output=True, timeout=120)  # fmt: skip
        pdf = out / (Path(truth["file"]).stem + ".pdf")
        truth["file"] = pdf.name
        for printed in truth["tiltak"]:
            printed.pop("page", None)
        local = out / (pdf.stem + ".truth.yaml")
        local.write_text(yaml.safe_dump(truth, allow_unicode=True), encoding="utf-8")
        found = score(local, review(settings, pdf, truth["bydel"], None, None).parsed)
        for key in total:
            total[key] += getattr(found, key)
    return total


def _answered(answer: Answer, expected: str | list[str], texts: dict[str, str]) -> bool:
    """A value stated on the answer's first line; a set: every printed number or text cited, nothing else."""
    if answer.abstained:
        return False
    if isinstance(expected, str):  # the value, before any explanation the writer added («… (frist Q3 2027)»)
        value = norm(re.split(r" \(|;|\. | [–-] det vil si|, det vil si", expected)[0].rstrip("."))
        first = norm(answer.answer.splitlines()[0])
        if value.startswith(("ingen frist", "planen oppgir ingen")):  # a field the plan leaves empty
            return "oppgir ingen" in first
        return value in first
    cited = [c for c in answer.citations if c.tiltak_id]
    hits = {e for e in expected for c in cited if _names(c.tiltak_id or "", texts.get(c.tiltak_id or "", ""), e)}
    return hits == set(expected) and len(cited) == len(expected)


def _names(tiltak_id: str, text: str, printed: str) -> bool:
    """A cited tiltak is the one printed: by its printed number, or by its text (a title may stand before it)."""
    number = tiltak_id.rsplit("-", 1)[-1]
    return number == printed.strip() or number == f"t{printed.strip()}" or norm(printed)[:60] in norm(text)


def main() -> None:
    base = get_settings()
    if len(sys.argv) > 2 and sys.argv[1] == "--batch":  # one batch's files and questions, as they come
        work = Path(tempfile.mkdtemp(prefix="rusqa-layouts-"))
        print(json.dumps(new_layouts(base, work, sys.argv[2]), ensure_ascii=False, indent=1))
        shutil.rmtree(work, ignore_errors=True)
        return
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
    report["new_layouts"] = new_layouts(base, work)
    report["seconds"] = round(time.perf_counter() - started, 1)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report["totals"], ensure_ascii=False))
    print(json.dumps(report["field_questions_test"], ensure_ascii=False))
    for batch, found in report["new_layouts"].items():
        print(batch, json.dumps(found["totals"]), json.dumps(found["questions"], ensure_ascii=False))


if __name__ == "__main__":
    main()
