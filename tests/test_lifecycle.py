"""Index lifecycle: killed builds, concurrent builds, reproducible builds, foreign indexes, live switching.

Each test works on its own copy of the session's index (or builds into a temp dir); the copy is
what a caseworker's `rusqa ask` or the app would be serving while the build runs.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rusqa.answering.qa import Assistant, answer_question
from rusqa.errors import IndexBusyError, IndexMismatchError
from rusqa.ingest import ingest
from rusqa.search.build import build_index, build_lock, current_build_id
from rusqa.search.live import LiveIndex
from rusqa.settings import Settings
from tests.conftest import EMBEDDING_CACHE, RUSQA

QUESTIONS = [
    "Hvem har ansvar for naloxonopplæring i Grorud?",
    "Hva er fristen for kontaktpunktet i Ullern?",
    "Hvem har ansvar for HAP i Grorud?",
    "who owns naloxone training in Grorud?",
    "Hva er målet med Tryggere liv?",
    "Hvilke bydeler har tiltak om HAP?",
    "Hvem har ansvar for naloxon i bydel Frogner?",
]


def _copy_index(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest)
    return dest


def _env(index_dir: Path, cache_dir: Path = EMBEDDING_CACHE, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUSQA_")}
    env.update(RUSQA_INDEX_DIR=str(index_dir), RUSQA_CACHE_DIR=str(cache_dir), **extra)
    return env


def _rusqa(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(RUSQA), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("rusqa:")]


def _answers(assistant: Assistant, questions: list[str] = QUESTIONS) -> list[tuple[str, list[str]]]:
    return [(a.answer, [c.record_id for c in a.citations]) for a in assistant.ask_many(questions)]


def _wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.slow
def test_a_killed_build_never_goes_live_and_the_next_run_cleans_it_up(built_index_dir: Path, tmp_path: Path) -> None:
    index_dir = _copy_index(built_index_dir, tmp_path / "index")
    live_id = current_build_id(index_dir)
    settings = Settings(index_dir=index_dir, cache_dir=EMBEDDING_CACHE)
    before = _answers(Assistant(settings), QUESTIONS[:3])
    # An empty embedding cache makes the build embed every record (~45 s here): a wide window to kill it in.
    slow_env = _env(index_dir, cache_dir=tmp_path / "empty-cache")
    builder = subprocess.Popen(
        [str(RUSQA), "index", "--force"],
        env=slow_env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        half = None

        def embedding_started() -> bool:
            nonlocal half
            assert builder.poll() is None, builder.stderr.read() if builder.stderr else ""
            for build in (index_dir / "builds").iterdir():
                if (build / ".incomplete").exists() and (build / "bm25").is_dir():
                    half = build
                    return True
            return False

        _wait_for(embedding_started, 60, "the build to reach the embedding step")
        assert half is not None
        time.sleep(1.0)  # well into embedding
        assert builder.poll() is None, "the build finished before it could be killed"

        # A second `rusqa index` while the first holds the lock: refused in one line, exit 1.
        second = _rusqa(["index", "--force"], _env(index_dir), cwd=tmp_path)
        assert second.returncode == 1, second.stderr
        assert "Traceback" not in second.stderr
        [message] = _error_lines(second.stderr)
        assert "another `rusqa index` is building" in message

        # Meanwhile the live index keeps answering, from the old build.
        serving = Assistant(settings)
        assert _answers(serving, QUESTIONS[:3]) == before
        assert serving.live.build_id == live_id
    finally:
        os.kill(builder.pid, signal.SIGKILL)
        builder.wait(timeout=30)
    assert builder.returncode == -signal.SIGKILL

    assert current_build_id(index_dir) == live_id
    assert (half / ".incomplete").exists()
    assert _answers(Assistant(settings), QUESTIONS[:3]) == before

    # The next run removes the half build and says so; nothing changed, so nothing is built.
    after = _rusqa(["index"], _env(index_dir), cwd=tmp_path)
    assert after.returncode == 0, after.stderr
    assert f"fjernet en ufullstendig bygging fra et avbrutt løp: {half.name}" in after.stderr
    assert "Indeksen er oppdatert" in after.stdout
    assert not half.exists()
    assert current_build_id(index_dir) == live_id
    assert _answers(Assistant(settings), QUESTIONS[:3]) == before


def test_a_second_build_while_one_runs_is_refused_and_the_index_stays_valid(
    built_index_dir: Path, tmp_path: Path
) -> None:
    index_dir = _copy_index(built_index_dir, tmp_path / "index")
    live_id = current_build_id(index_dir)
    settings = Settings(index_dir=index_dir, cache_dir=EMBEDDING_CACHE)
    corpus = ingest(settings.corpus_dir)
    with build_lock(index_dir):  # what a running `rusqa index` holds
        with pytest.raises(IndexBusyError, match="another `rusqa index` is building"):
            build_index(settings, corpus, force=True)
        result = _rusqa(["index", "--force"], _env(index_dir), cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert len(_error_lines(result.stderr)) == 1
    assert current_build_id(index_dir) == live_id
    assert sorted(b.name for b in (index_dir / "builds").iterdir()) == [live_id]
    assert not Assistant(settings).ask(QUESTIONS[0]).abstained
    # Once the lock is free, building works again (the kernel drops it when a holder dies, too).
    assert build_index(settings, corpus, force=True).built


def test_building_twice_from_the_same_inputs_gives_the_same_records_and_results(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", cache_dir=EMBEDDING_CACHE)
    corpus = ingest(settings.corpus_dir)
    first = build_index(settings, corpus, force=True)
    time.sleep(1.0)  # build ids carry the second
    second = build_index(settings, corpus, force=True)
    assert first.build_id and second.build_id and first.build_id != second.build_id
    a, b = LiveIndex(settings, first.build_id), LiveIndex(settings, second.build_id)
    assert [(d.id, d.search_text, d.lines) for d in a.docs] == [(d.id, d.search_text, d.lines) for d in b.docs]
    assert a.lexical.ids == b.lexical.ids
    stored_a = a.dense.collection.get(include=["embeddings"])
    stored_b = b.dense.collection.get(include=["embeddings"])
    assert sorted(stored_a["ids"]) == sorted(stored_b["ids"]) == sorted(d.id for d in a.docs)
    for question in QUESTIONS:
        answer_a, answer_b = answer_question(a, question), answer_question(b, question)
        assert answer_a.model_dump() == answer_b.model_dump(), question
        vector = a.embed_query(question)
        assert a.dense_search(vector, 10, None) == b.dense_search(vector, 10, None)


def _edit_manifest(index_dir: Path, edit: Callable[[dict[str, Any]], object]) -> None:
    path = index_dir / "builds" / str(current_build_id(index_dir)) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    edit(manifest)
    path.write_text(json.dumps(manifest), encoding="utf-8")


FOREIGN = {
    "parser_version": lambda m: m["compat"].update(parser_version="0"),
    "embedder": lambda m: m["compat"].update(embedder="sentence-transformers:all-MiniLM-L6-v2"),
    "chromadb": lambda m: m["compat"].update(chromadb="0.4.24"),
    "index_format": lambda m: m["compat"].update(index_format="0"),
    "store": lambda m: m["compat"].update(store="server"),
    "no compat at all": lambda m: m.pop("compat"),
}


@pytest.mark.parametrize("what", list(FOREIGN))
def test_an_index_from_other_code_is_refused_with_run_rusqa_index(
    built_index_dir: Path, tmp_path: Path, what: str
) -> None:
    index_dir = _copy_index(built_index_dir, tmp_path / "index")
    _edit_manifest(index_dir, FOREIGN[what])
    settings = Settings(index_dir=index_dir, cache_dir=EMBEDDING_CACHE)
    with pytest.raises(IndexMismatchError) as error:
        Assistant(settings).ask(QUESTIONS[0])
    message = str(error.value)
    assert "run `rusqa index`" in message and "\n" not in message
    if what != "no compat at all":
        assert what in message  # names what differs
    # The advice works: `rusqa index` (no --force) rebuilds, and the new build answers.
    report = build_index(settings, ingest(settings.corpus_dir))
    assert report.built
    assert not Assistant(settings).ask(QUESTIONS[0]).abstained


def test_an_index_with_embeddings_of_another_dimension_is_refused(built_index_dir: Path, tmp_path: Path) -> None:
    index_dir = _copy_index(built_index_dir, tmp_path / "index")
    _edit_manifest(index_dir, lambda m: m["embedder"].update(dim=768))
    with pytest.raises(IndexMismatchError, match=r"768-dimensional .* run `rusqa index`"):
        Assistant(Settings(index_dir=index_dir, cache_dir=EMBEDDING_CACHE)).ask(QUESTIONS[0])


DAMAGE = {
    "records.json missing": lambda build: (build / "records.json").unlink(),
    "records.json truncated": lambda build: (build / "records.json").write_text('{"plans": [', encoding="utf-8"),
    "bm25 missing": lambda build: shutil.rmtree(build / "bm25"),
    "chroma missing": lambda build: shutil.rmtree(build / "chroma"),
    "manifest not an object": lambda build: (build / "manifest.json").write_text("[1, 2]", encoding="utf-8"),
    "manifest missing": lambda build: (build / "manifest.json").unlink(),
}


@pytest.mark.parametrize("what", list(DAMAGE))
def test_a_damaged_build_is_refused_with_a_fix_not_a_library_error(
    built_index_dir: Path, tmp_path: Path, what: str
) -> None:
    index_dir = _copy_index(built_index_dir, tmp_path / "index")
    DAMAGE[what](index_dir / "builds" / str(current_build_id(index_dir)))
    with pytest.raises(IndexMismatchError, match=r"run `rusqa index( --force)?`"):
        Assistant(Settings(index_dir=index_dir, cache_dir=EMBEDDING_CACHE)).ask(QUESTIONS[0])


@pytest.mark.parametrize(
    ("what", "expected"),
    [
        ("parser_version", "parser_version '0'"),
        ("chromadb", "chromadb '0.4.24'"),
        ("damaged", "is damaged"),
        ("missing", "no index in"),
    ],
)
def test_the_cli_refuses_a_foreign_or_broken_index_with_exit_code_3(
    built_index_dir: Path, tmp_path: Path, what: str, expected: str
) -> None:
    index_dir = _copy_index(built_index_dir, tmp_path / "index")
    if what == "damaged":
        (index_dir / "builds" / str(current_build_id(index_dir)) / "records.json").unlink()
    elif what == "missing":
        (index_dir / "CURRENT").unlink()
    else:
        _edit_manifest(index_dir, FOREIGN[what])
    result = _rusqa(["ask", QUESTIONS[0]], _env(index_dir), cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    [message] = _error_lines(result.stderr)
    assert expected in message and "run `rusqa index" in message
    assert result.stdout == ""


def test_a_serving_assistant_keeps_answering_during_a_rebuild_and_then_follows_it(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", cache_dir=EMBEDDING_CACHE)
    corpus = ingest(settings.corpus_dir)
    old_id = build_index(settings, corpus, force=True).build_id
    assistant = Assistant(settings)
    before = _answers(assistant)
    time.sleep(1.0)

    building, resume = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    reports = []

    def pause_mid_build(what: str, done: int, total: int) -> None:
        if not building.is_set():
            building.set()
            assert resume.wait(60)

    def rebuild() -> None:
        try:
            reports.append(build_index(settings, corpus, force=True, progress=pause_mid_build))
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)

    thread = threading.Thread(target=rebuild)
    thread.start()
    try:
        assert building.wait(60), errors
        new_dirs = [b for b in (settings.index_dir / "builds").iterdir() if (b / ".incomplete").exists()]
        assert len(new_dirs) == 1  # the new build exists, half written
        # Several readers at once, mid-build: all answered from the old build.
        results: list[list[tuple[str, list[str]]]] = []
        readers = [threading.Thread(target=lambda: results.append(_answers(assistant))) for _ in range(3)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(60)
        assert results == [before] * 3
        assert assistant.live.build_id == old_id
    finally:
        resume.set()
        thread.join(120)
    assert not errors, errors
    [report] = reports
    assert report.built and report.build_id != old_id
    assert _answers(assistant) == before
    assert assistant.live.build_id == report.build_id  # switched once the new build went live
    assert (settings.index_dir / "builds" / old_id).is_dir()  # kept: a reader may still hold it


def test_one_assistant_serves_many_threads_with_the_same_answers_as_one(assistant: Assistant) -> None:
    sequential = _answers(assistant)
    results: list[list[tuple[str, list[str]]]] = []
    errors: list[BaseException] = []

    def ask_all() -> None:
        try:
            results.append(_answers(assistant))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask_all) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    assert results == [sequential] * 6


def test_the_load_bench_runs_bounded_and_reports_its_numbers(live_settings: Settings) -> None:
    from bench.load import percentile, run

    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0 and percentile([1.0, 2.0, 3.0, 4.0], 99) == 4.0
    report = run(threads=2, per_thread=3, max_seconds=30)
    assert report["completed"] == 6 and report["errors"] == 0 and not report["stopped_by_time_limit"]
    assert report["latency_ms"]["p50"] <= report["latency_ms"]["p95"] <= report["latency_ms"]["p99"]
    assert report["peak_rss_mb"] > 0 and report["throughput_qps"] > 0
    assert run(threads=2, per_thread=1000, max_seconds=0.5)["stopped_by_time_limit"]


def test_a_build_killed_half_way_is_resumed_without_embedding_again(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The embedding cache is saved while a build runs, so a build that dies keeps what it embedded."""
    from rusqa.ingest import Corpus, ingest
    from rusqa.search import build as build_module
    from rusqa.search.embed import EmbeddingCache

    stovner = [p for p in ingest(Settings().corpus_dir).plans if p.plan.id == "stovner-2021"]
    settings = Settings(index_dir=tmp_path / "index", cache_dir=tmp_path / "cache")
    monkeypatch.setattr(build_module, "SAVE_SECONDS", 0.0)  # save after every batch
    real = EmbeddingCache.embed_passages
    calls = {"n": 0}

    def dies_on_the_third_batch(self, texts):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed")
        return real(self, texts)

    monkeypatch.setattr(EmbeddingCache, "embed_passages", dies_on_the_third_batch)
    with pytest.raises(KeyboardInterrupt):
        build_index(settings, Corpus(plans=stovner))
    monkeypatch.setattr(EmbeddingCache, "embed_passages", real)
    report = build_index(settings, Corpus(plans=stovner))
    total = len(stovner[0].tiltak) + len(stovner[0].passages)
    assert report.built and report.records == total
    assert report.embedded == total - 2 * 16  # the two batches made before the kill were not made again
