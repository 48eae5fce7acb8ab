"""A planner's coverage verdicts: which city measures the districts act in, and verdicts that are kept."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from rusqa.facets import measure_role
from rusqa.ingest import ingest
from rusqa.models import Role, Tiltak
from rusqa.planning.verdicts import SCHEMA_VERSION, Verdict, VerdictStore, schema_version
from rusqa.settings import Settings, get_settings
from tests.conftest import rusqa_cli

# Read from «Tryggere liv»: an item opening «Bydelene …» makes the districts lead; «i samarbeid med bydelene»,
# «samarbeider med bydelene» makes them partners (evals/coverage/labels.yaml, labelled from the plan text).
LEAD = ["10F", "13F", "14F", "17F", "18F", "19F", "21F", "4S", "16S", "19S"]
PARTNER = ["2F", "5F", "9F", "20F", "3S", "5S", "18S"]


def city_tiltak() -> list[Tiltak]:
    corpus = ingest(get_settings().corpus_dir)
    return [t for p in corpus.plans if p.plan.is_city_plan for t in p.tiltak]


def test_the_districts_lead_or_partner_in_exactly_the_measures_the_plan_says() -> None:
    roles = {t.id.removeprefix("oslo-2026-"): measure_role(t) for t in city_tiltak()}
    assert sorted(c for c, r in roles.items() if r == Role.LEAD) == sorted(LEAD)
    assert sorted(c for c, r in roles.items() if r == Role.PARTNER) == sorted(PARTNER)


def tiltak(tid: str = "ullern-t4", text: str = "Utvikle og tilby rusforebyggende program på skoler") -> Tiltak:
    return Tiltak(id=tid, plan_id="ullern", bydel="Ullern", section="Tiltak", text=text, lines=(1, 2))


def test_a_verdict_is_kept_with_who_and_when(tmp_path: Path) -> None:
    store = VerdictStore.in_dir(tmp_path)
    store.record("oslo-2026-14F", "ullern", Verdict.COVERS, who="kari", tiltak=tiltak(), comment="skoleprogrammet")
    (d,) = VerdictStore.in_dir(tmp_path).decisions({"ullern-t4": tiltak()})
    assert (d.tiltak_id, d.verdict, d.who, d.comment) == ("ullern-t4", Verdict.COVERS, "kari", "skoleprogrammet")
    assert d.at and not d.stale and not d.missing


def test_marking_a_cell_not_covered_replaces_accepted_candidates(tmp_path: Path) -> None:
    store = VerdictStore.in_dir(tmp_path)
    store.record("oslo-2026-14F", "ullern", Verdict.COVERS, who="kari", tiltak=tiltak())
    store.record("oslo-2026-14F", "ullern", Verdict.NOT_COVERED, who="ola")
    assert [(d.tiltak_id, d.verdict) for d in store.decisions()] == [("", Verdict.NOT_COVERED)]


def test_a_verdict_whose_tiltak_changed_or_disappeared_is_flagged(tmp_path: Path) -> None:
    store = VerdictStore.in_dir(tmp_path)
    store.record("oslo-2026-14F", "ullern", Verdict.PARTLY, who="kari", tiltak=tiltak())
    (changed,) = store.decisions({"ullern-t4": tiltak(text="Et annet tiltak i ny planversjon")})
    assert changed.stale and not changed.missing
    (gone,) = store.decisions({})
    assert gone.missing


def test_a_candidate_verdict_needs_its_tiltak_and_a_person(tmp_path: Path) -> None:
    from rusqa.errors import InputError

    store = VerdictStore.in_dir(tmp_path)
    with pytest.raises(InputError):
        store.record("oslo-2026-14F", "ullern", Verdict.COVERS, who="kari")
    with pytest.raises(InputError):
        store.record("oslo-2026-14F", "ullern", Verdict.NOT_COVERED, who="  ")


def test_a_database_from_the_first_schema_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "verdicts.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE verdicts (measure_id TEXT, plan_id TEXT, status TEXT, tiltak_ids TEXT, who TEXT, at TEXT,"
        " PRIMARY KEY (measure_id, plan_id));"
        "INSERT INTO verdicts VALUES ('oslo-2026-4S', 'grorud-2023', 'none', '', 'kari', '2026-11-30T10:00:00');"
        "PRAGMA user_version = 1;"
    )
    db.close()
    (d,) = VerdictStore(path).decisions()
    assert (d.measure_id, d.plan_id, d.verdict, d.who) == ("oslo-2026-4S", "grorud-2023", Verdict.NOT_COVERED, "kari")
    with sqlite3.connect(path) as check:
        assert schema_version(check) == SCHEMA_VERSION


def _write_many(path: str, worker: int) -> None:
    store = VerdictStore(Path(path))
    for n in range(40):
        t = tiltak(tid=f"ullern-t{worker}-{n}")
        store.record(f"oslo-2026-{n}F", "ullern", Verdict.PARTLY, who=f"worker{worker}", tiltak=t)


def test_two_app_workers_write_at_once_and_nothing_is_lost(tmp_path: Path) -> None:
    path = str(tmp_path / "verdicts.sqlite")
    workers = [multiprocessing.get_context("spawn").Process(target=_write_many, args=(path, w)) for w in (1, 2)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(60)
        assert p.exitcode == 0
    decisions = VerdictStore(Path(path)).decisions()
    assert len(decisions) == 80 and {d.who for d in decisions} == {"worker1", "worker2"}


@pytest.mark.slow
def test_a_verdict_survives_a_forced_rebuild_and_is_exported(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from rusqa.search.build import build_index
    from tests.conftest import EMBEDDING_CACHE

    built_index_dir = tmp_path / "index"  # an index of its own: this test rebuilds it
    settings = Settings(index_dir=built_index_dir, cache_dir=EMBEDDING_CACHE)
    build_index(settings, ingest(settings.corpus_dir))
    monkeypatch.setenv("RUSQA_DATA_DIR", str(tmp_path / "data"))
    done = rusqa_cli(
        ["verdict", "oslo-2026-14F", "ullern", "--covers", "ullern-t5", "--who", "kari", "--comment", "kontaktpunktet"],
        built_index_dir,
    )
    assert done.returncode == 0, done.stderr
    assert rusqa_cli(["index", "--force"], built_index_dir).returncode == 0
    audit = [json.loads(line) for line in (tmp_path / "data" / "audit.jsonl").read_text().splitlines()]
    assert [a["event"] for a in audit] == ["verdict", "index_build"] and audit[0]["who"] == "kari"
    rows = [json.loads(line) for line in rusqa_cli(["coverage", "--json"], built_index_dir).stdout.splitlines()]
    row = next(r for r in rows if r["measure_id"] == "oslo-2026-14F")
    cell = next(c for c in row["cells"] if c["plan_id"] == "ullern")
    assert (cell["status"], cell["source"], cell["tiltak"][0]["id"]) == ("covered", "planner", "ullern-t5")
    assert cell["verdicts"][0]["comment"] == "kontaktpunktet" and row["role"] == "lead"
    assert all(
        c["source"] == "suggested"
        for r in rows
        for c in r["cells"]
        if (r["measure_id"], c["plan_id"]) != ("oslo-2026-14F", "ullern")
    )
    csv_text = rusqa_cli(["coverage", "--csv"], built_index_dir).stdout
    assert "kontaktpunktet" in csv_text and "ullern-t5" in csv_text and "planlegger" in csv_text
    xlsx = tmp_path / "dekning.xlsx"
    assert rusqa_cli(["coverage", "--xlsx", str(xlsx)], built_index_dir).returncode == 0
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx)["Dekning"]
    lines = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    mine = next(line for line in lines if line[0] == "oslo-2026-14F" and line[4] == "ullern")
    assert mine[5] == "dekket" and mine[6] == "planlegger" and "ullern-t5" in mine[8] and "kontaktpunktet" in mine[11]
