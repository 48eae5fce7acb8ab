"""Hermetic tests: every test gets its own index dir; nothing touches the real index/ or the network."""

from __future__ import annotations

from pathlib import Path

import pytest

from rusqa.settings import apply_offline_env, get_settings

apply_offline_env()

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUSQA_INDEX_DIR", str(tmp_path_factory.mktemp("index")))
    monkeypatch.delenv("RUSQA_CHROMA_URL", raising=False)
    monkeypatch.delenv("RUSQA_LLM_URL", raising=False)
    get_settings.cache_clear()
