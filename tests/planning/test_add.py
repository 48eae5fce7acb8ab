"""A planner adds the next district plan from the PDF or Word file it arrived as (`rusqa add`)."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import pytest
import yaml

from rusqa.ingest import ingest
from tests.conftest import CORPUS, EMBEDDING_CACHE, rusqa_cli
from tests.fixtures.render_plans import MADEUP_COLUMNS, madeup_plan, render_bad, render_docx, render_pdf

FIVE = {"oslo-2026", "grorud-2023", "ullern", "nordre-aker-2020", "stovner-2021"}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("arrived")
    sagene = madeup_plan()
    render_pdf(sagene, out / "Rusplan Sagene.pdf", ruled=False, columns=MADEUP_COLUMNS)
    render_docx(sagene, out / "Rusplan Sagene.docx", columns=MADEUP_COLUMNS, caption=True)
    return {"pdf": out / "Rusplan Sagene.pdf", "docx": out / "Rusplan Sagene.docx", **render_bad(out / "bad")}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target, copy_function=shutil.copyfile)
    return target


def test_a_dry_run_shows_the_review_and_changes_nothing(files: dict[str, Path], corpus: Path, tmp_path: Path) -> None:
    before = (corpus / "catalog.yaml").read_bytes(), sorted(p.name for p in (corpus / "plans").iterdir())
    run = rusqa_cli(["add", str(files["pdf"]), "--bydel", "Sagene", "--dry-run"], tmp_path / "index", corpus_dir=corpus)
    assert run.returncode == 0, run.stderr
    assert "Fant 8 tiltak" in run.stdout
    assert "Ansvarlig 8/8 · Frist 8/8 · Status 8/8" in run.stdout
    assert "sagene-2025-S1 (side 1)" in run.stdout
    assert "OPF = Oppvekst og familie" in run.stdout
    assert ((corpus / "catalog.yaml").read_bytes(), sorted(p.name for p in (corpus / "plans").iterdir())) == before


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_an_added_plan_is_answerable_with_citations_naming_the_page(
    fmt: str, files: dict[str, Path], corpus: Path, tmp_path: Path, built_index_dir: Path
) -> None:
    index, cache = tmp_path / "index", tmp_path / "cache"
    shutil.copytree(EMBEDDING_CACHE, cache)  # the five plans, cached by built_index_dir
    assert rusqa_cli(["index"], index, corpus_dir=corpus, cache_dir=cache).returncode == 0
    title = f"Rusforebyggende handlingsplan for bydel Sagene 2025–2028 ({uuid.uuid4().hex[:8]})"
    run = rusqa_cli(["add", str(files[fmt]), "--bydel", "Sagene", "--title", title], index, corpus_dir=corpus,
                    cache_dir=cache, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stderr
    # only the new plan's records were embedded: its tiltak and prose passages, nothing of the five plans
    new = next(p for p in ingest(corpus).plans if p.plan.id == "sagene-2025")
    embedded = int(run.stdout.split(" nye embeddinger")[0].rsplit(" ", 1)[1])
    assert embedded == len(new.tiltak) + len(new.passages)
    entry = yaml.safe_load((corpus / "catalog.yaml").read_text(encoding="utf-8"))["plans"][-1]
    assert entry["id"] == "sagene-2025" and entry["layout"] == fmt and entry["period"] == "2025–2028"
    assert (corpus / "plans" / f"sagene-2025.{fmt}").is_file()

    ask = rusqa_cli(["ask", "--json", "Hvem har ansvar for gjeldsrådgivning i Sagene?"], index, corpus_dir=corpus)
    answer = json.loads(ask.stdout)
    assert answer["citations"][0]["tiltak_id"] == "sagene-2025-S6"
    assert "SOS (Sosialtjenesten)" in answer["answer"].splitlines()[0]
    if fmt == "pdf":
        assert answer["citations"][0]["page"] == 1
        assert (
            "side 1"
            in rusqa_cli(["ask", "Hvem har ansvar for gjeldsrådgivning i Sagene?"], index, corpus_dir=corpus).stdout
        )
    else:
        assert "page" not in answer["citations"][0]
    audit = (Path(os.environ["RUSQA_DATA_DIR"]) / "audit.jsonl").read_text(encoding="utf-8")
    assert '"event": "plan_added"' in audit and "sagene-2025" in audit


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("encrypted.pdf", "encrypted (password protected) — ask the sender for an unprotected copy"),
        ("scanned.pdf", "no text layer (a scanned document) — run OCR"),
        ("bomb.docx", "a zip bomb, not a plan"),
        ("not-really.pdf", "the name says PDF but the content is text"),
        ("actually-a-pdf.docx", "the name says a Word document (.docx) but the content is PDF"),
    ],
)
def test_a_bad_file_gets_one_line_naming_it_and_the_other_plans_are_still_ingested(
    name: str, says: str, files: dict[str, Path], corpus: Path, tmp_path: Path
) -> None:
    run = rusqa_cli(["add", str(files[name]), "--bydel", "Sagene"], tmp_path / "index", corpus_dir=corpus)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and name in run.stderr and says in run.stderr, run.stderr
    assert "Traceback" not in run.stderr

    # the same file already in the catalog: reported and skipped, the five plans still read
    shutil.copyfile(files[name], corpus / "plans" / name)
    with (corpus / "catalog.yaml").open("a", encoding="utf-8") as catalog:
        catalog.write(f"  - id: bad\n    bydel: Sagene\n    title: X\n    period: null\n    layout: {'pdf' if name.endswith('.pdf') else 'docx'}\n"
                      f"    file: {name}\n    sha256: '{'0' * 64}'\n")  # fmt: skip
    parsed = ingest(corpus)
    assert {p.plan.id for p in parsed.plans} == FIVE
    [problem] = parsed.problems
    assert name in problem and "\n" not in problem


def test_a_300_page_pdf_is_read_page_by_page_and_a_plan_without_tiltak_is_never_silent(
    files: dict[str, Path], corpus: Path, tmp_path: Path
) -> None:
    run = rusqa_cli(["add", str(files["long.pdf"]), "--bydel", "Sagene", "--dry-run"], tmp_path / "index",
                    corpus_dir=corpus, timeout=600)  # fmt: skip
    assert run.returncode == 2
    assert "Fant 0 tiltak" in run.stdout
    assert "no tiltak found" in run.stdout
