"""A planner re-indexes while caseworkers ask: the app keeps answering, then serves the new build."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from rusqa.ingest import ingest
from rusqa.search.build import build_index, current_build_id
from rusqa.settings import Settings
from tests.conftest import CORPUS, EMBEDDING_CACHE, RUSQA
from tests.ui.conftest import running_app

pytestmark = [pytest.mark.server, pytest.mark.slow]

SAGENE_PLAN = """Rusplan for bydel Sagene 2025–2028

1 Innledning

Bydel Sagene har egne tiltak mot overdoser i bydelen.

2 Tiltak

Tiltak: Opplæring og utdeling av nalokson-nesespray ved Sagene frivilligsentral
Ansvarlig: Sagene frivilligsentral
Frist: 2027
"""
QUESTION = "Hvem har ansvar for nalokson i bydel Sagene?"


def add_sagene(corpus: Path) -> None:
    data = SAGENE_PLAN.encode()
    (corpus / "plans" / "sagene.txt").write_bytes(data)
    with (corpus / "catalog.yaml").open("a", encoding="utf-8") as catalog:
        catalog.write(
            "  - id: sagene-2025\n    bydel: Sagene\n    title: Rusplan for bydel Sagene 2025–2028\n"
            '    period: "2025–2028"\n    layout: generic\n    file: sagene.txt\n'
            f"    sha256: {hashlib.sha256(data).hexdigest()}\n"
        )


def test_the_app_answers_through_a_rebuild_and_then_knows_the_new_plan(tmp_path: Path) -> None:
    from gradio_client import Client

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index_dir = tmp_path / "index"
    build_index(Settings(corpus_dir=corpus, index_dir=index_dir, cache_dir=EMBEDDING_CACHE), ingest(corpus))
    first_build = current_build_id(index_dir)

    env = {**os.environ, "RUSQA_CORPUS_DIR": str(corpus)}
    with running_app(index_dir, corpus) as url:
        client = Client(url, verbose=False)
        before = client.predict(QUESTION, "", api_name="/svar")
        assert before["abstained"] and "Sagene" in before["answer"]

        add_sagene(corpus)
        answers: list[dict[str, object]] = []
        stop = threading.Event()

        def keep_asking() -> None:
            asker = Client(url, verbose=False)
            while not stop.is_set():
                answers.append(asker.predict("Hvem har ansvar for HAP i Grorud?", "", api_name="/svar"))

        asking = threading.Thread(target=keep_asking)
        asking.start()
        env.update(RUSQA_INDEX_DIR=str(index_dir), RUSQA_CACHE_DIR=str(EMBEDDING_CACHE))
        rebuilt = subprocess.run([str(RUSQA), "index"], env=env, capture_output=True, text=True, timeout=300)
        stop.set()
        asking.join(timeout=60)

        assert rebuilt.returncode == 0, rebuilt.stderr
        assert current_build_id(index_dir) != first_build
        assert answers and all(not a.get("error") and not a["abstained"] for a in answers)
        after = client.predict(QUESTION, "", api_name="/svar")
        assert not after["abstained"], after["answer"]
        assert "Sagene frivilligsentral" in after["answer"]
        assert after["citations"][0]["doc_id"] == "sagene-2025"
