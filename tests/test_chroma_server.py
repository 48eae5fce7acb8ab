"""Server mode: with RUSQA_CHROMA_URL set, rusqa indexes into and queries a real `chroma run` on loopback."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.chroma_server import CHROMA, ChromaServer, free_port
from rusqa.answering.qa import Assistant
from rusqa.errors import IndexMismatchError, RusqaError
from rusqa.ingest import ingest
from rusqa.search.build import build_index, compatibility, read_manifest
from rusqa.search.store import chroma_client
from rusqa.settings import Settings
from tests.conftest import EMBEDDING_CACHE

QUESTIONS = [
    "Hvem har ansvar for naloxonopplæring i Grorud?",
    "Hva er fristen for kontaktpunktet i Ullern?",
    "Hvem har ansvar for HAP i Grorud?",
    "who owns naloxone training in Grorud?",
    "Hvilke bydeler har tiltak om HAP?",
    "Hva er målet med Tryggere liv?",
    "Hvem har ansvar for naloxon i bydel Frogner?",
    "who runs the course on the overdose-reversal spray in Grorud?",
]
NEEDS_VECTORS = QUESTIONS[-1]  # its words do not decide it: it is embedded and searched in Chroma

pytestmark = [pytest.mark.server, pytest.mark.skipif(not CHROMA.exists(), reason="no `chroma` CLI in the venv")]


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    server = ChromaServer(tmp_path / "chroma-data", free_port(), tmp_path / "chroma.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _answers(assistant: Assistant) -> list[tuple[str, list[str]]]:
    return [(a.answer, [c.record_id for c in a.citations]) for a in assistant.ask_many(QUESTIONS)]


@pytest.mark.slow
def test_a_chroma_server_gives_the_same_answers_as_the_embedded_store_and_survives_a_restart(
    chroma_server: ChromaServer, assistant: Assistant, tmp_path: Path
) -> None:
    embedded = _answers(assistant)
    settings = Settings(index_dir=tmp_path / "index", cache_dir=EMBEDDING_CACHE, chroma_url=chroma_server.url)
    report = build_index(settings, ingest(settings.corpus_dir))
    assert report.built and report.build_id
    manifest = read_manifest(settings.index_dir, report.build_id)
    assert manifest["compat"]["store"] == "server" and manifest["chroma"]["url"] == chroma_server.url
    assert not (settings.index_dir / "builds" / report.build_id / "chroma").exists()  # vectors live on the server
    collections = [c.name for c in chroma_client(chroma_server.url, None).list_collections()]
    assert manifest["chroma"]["collection"] in collections

    serving = Assistant(settings)
    assert _answers(serving) == embedded

    chroma_server.stop()
    # While the server is down: a question its words decide is still answered; one that needs the vectors gets
    # one clear error naming the fix, not a library traceback.
    assert serving.ask(QUESTIONS[1]).answer == embedded[1][0]
    with pytest.raises(RusqaError, match="Chroma server") as error:
        serving.ask(NEEDS_VECTORS)
    assert "\n" not in str(error.value)
    with pytest.raises(RusqaError, match="cannot reach the Chroma server"):
        Assistant(settings).ask(NEEDS_VECTORS)

    chroma_server.start()  # same data path: the collection persisted
    assert _answers(serving) == embedded  # the serving process reconnects by itself
    assert _answers(Assistant(settings)) == embedded


def test_a_server_index_and_an_embedded_index_are_different_builds(built_index_dir: Path) -> None:
    embedded = Settings(index_dir=built_index_dir, cache_dir=EMBEDDING_CACHE)
    # Refused before any connection is tried: nothing needs to listen on this port.
    server = Settings(
        index_dir=built_index_dir, cache_dir=EMBEDDING_CACHE, chroma_url=f"http://127.0.0.1:{free_port()}"
    )
    assert compatibility(embedded)["store"] == "embedded" and compatibility(server)["store"] == "server"
    with pytest.raises(IndexMismatchError, match=r"store 'embedded' ≠ 'server'\).* run `rusqa index`"):
        Assistant(server).ask(QUESTIONS[0])


def test_prune_removes_old_builds_collections_from_the_server(chroma_server: ChromaServer, tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", cache_dir=EMBEDDING_CACHE, chroma_url=chroma_server.url)
    corpus = ingest(settings.corpus_dir)
    names = []
    for _ in range(3):
        report = build_index(settings, corpus, force=True)
        names.append(read_manifest(settings.index_dir, str(report.build_id))["chroma"]["collection"])
        time.sleep(1.0)  # build ids carry the second
    on_server = {c.name for c in chroma_client(chroma_server.url, None).list_collections()}
    assert names[0] not in on_server
    assert {names[1], names[2]} <= on_server
