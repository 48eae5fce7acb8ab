"""The dense leg's store: Chroma (embedded PersistentClient, or a server) behind llama-index's ChromaVectorStore.

Chroma never gets an embedding function of its own (its default downloads a model): we pass
embeddings in and query with embeddings.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from rusqa.errors import IndexMismatchError, RusqaError
from rusqa.search.documents import Doc


def chroma_client(url: str | None, path: Path | None) -> Any:
    """A Chroma client: HttpClient for `url`, else a PersistentClient at `path`."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        try:
            return chromadb.HttpClient(
                host=parsed.hostname or "127.0.0.1",
                port=parsed.port or 8000,
                ssl=parsed.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:
            raise RusqaError(
                f"cannot reach the Chroma server at {url} ({type(exc).__name__}) — start it "
                "(`chroma run --path DIR --host 127.0.0.1 --port N`) or unset RUSQA_CHROMA_URL"
            ) from None
    assert path is not None
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


# The HNSW graph: wider than Chroma's defaults (ef 100, 16 neighbours). A search whose candidate list is at
# least as long as the collection visits every record, so below SEARCH_EF records the dense leg is exact and
# two builds from the same inputs answer alike; beyond it recall stays near 1 at a few ms a query.
SEARCH_EF = 512
HNSW = {"space": "cosine", "ef_construction": 200, "ef_search": SEARCH_EF, "max_neighbors": 32}
# Up to SEARCH_EF records that search is exhaustive, so the same search is a matrix product over the collection's
# own vectors, read from Chroma once: 0.05 ms instead of 3–6 ms for a call into Chroma (README «Benchmark»).
# Above it, whenever a filter other than the plans is asked, and against a Chroma server (the store a deployment
# moves to when it outgrows one process; a question there is one round trip), Chroma searches.
EXACT_MAX = SEARCH_EF


def collection_name(build_id: str) -> str:
    return f"rusqa-{build_id}"[:60]


class DenseStore:
    """Records' embeddings in one Chroma collection.

    Written as llama-index TextNodes through its ChromaVectorStore (ids, metadata, embeddings). Read
    with the Chroma collection's own query: importing llama-index's core costs ~0.8 s, a third of a
    cold `rusqa ask`, for a query that is one call either way. A small embedded collection is read once and
    searched exactly in memory (EXACT_MAX).
    """

    def __init__(self, collection: Any, url: str | None = None) -> None:
        self.collection = collection
        self.url = url
        self._exact: _Vectors | None = None
        self._exact_read = False
        self._exact_lock = threading.Lock()

    @property
    def vector_store(self) -> Any:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        return ChromaVectorStore(chroma_collection=self.collection)

    @classmethod
    def create(cls, client: Any, name: str) -> DenseStore:
        with contextlib.suppress(Exception):
            client.delete_collection(name)
        collection = client.create_collection(name=name, embedding_function=None, configuration={"hnsw": HNSW})
        return cls(collection)

    @classmethod
    def open(cls, client: Any, name: str, url: str | None = None) -> DenseStore:
        try:
            collection = client.get_collection(name=name, embedding_function=None)
        except Exception:
            raise IndexMismatchError(
                f"the index's Chroma collection `{name}` is missing — run `rusqa index --force`"
            ) from None
        return cls(collection, url)

    def add(self, docs: list[Doc], vectors: np.ndarray) -> None:
        from llama_index.core.schema import BaseNode, TextNode

        nodes: list[BaseNode] = [
            TextNode(
                id_=doc.id,
                text=doc.search_text,
                embedding=vector.tolist(),
                metadata={
                    "record_id": doc.id,
                    "kind": doc.kind,
                    "plan_id": doc.plan_id,
                    "bydel": doc.bydel,
                    "section": doc.section,
                    "line_start": doc.lines[0],
                    "line_end": doc.lines[1],
                    **({"page_start": doc.pages[0], "page_end": doc.pages[1]} if doc.pages else {}),
                    **doc.fields,
                },
                excluded_embed_metadata_keys=["record_id", "line_start", "line_end", "page_start", "page_end"],
            )
            for doc, vector in zip(docs, vectors, strict=True)
        ]
        for start in range(0, len(nodes), 256):
            self.vector_store.add(nodes[start : start + 256])

    def count(self) -> int:
        return int(self.collection.count())

    def query(
        self, vector: np.ndarray, k: int, plan_ids: list[str] | None = None, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """(record id, cosine similarity) of the k nearest records, optionally within some plans and matching
        metadata filters (e.g. {"risk_facet": "middels"}, {"for_bydelene": True})."""
        exact = self.exact() if not where else None
        if exact is not None:
            return exact.nearest(vector, k, plan_ids)
        clauses = [{"plan_id": {"$in": list(plan_ids)}}] if plan_ids else []
        clauses += [{key: value} for key, value in (where or {}).items()]
        where = None if not clauses else clauses[0] if len(clauses) == 1 else {"$and": clauses}
        result = self._call(
            lambda: self.collection.query(
                query_embeddings=[vector.tolist()], n_results=k, where=where, include=["distances"]
            )
        )
        ids = result["ids"][0] if result["ids"] else []
        distances = result["distances"][0] if result.get("distances") else []
        return [(record_id, 1.0 - float(d)) for record_id, d in zip(ids, distances, strict=False)]

    def cosines(self, vector: np.ndarray, record_ids: list[str]) -> dict[str, float]:
        """The cosine similarity of the vector to each of these records (their stored, normalised embeddings)."""
        if not record_ids:
            return {}
        exact = self.exact()
        if exact is not None:
            return exact.cosines(vector, record_ids)
        result = self._call(lambda: self.collection.get(ids=list(record_ids), include=["embeddings"]))
        stored = np.asarray(result["embeddings"], dtype=np.float32).reshape(len(result["ids"]), -1)
        return dict(zip(result["ids"], (stored @ vector).tolist(), strict=True))

    def exact(self) -> _Vectors | None:
        """An embedded collection's vectors in memory when it holds at most EXACT_MAX records (read once), else
        None."""
        with self._exact_lock:
            if not self._exact_read:
                if not self.url and self.count() <= EXACT_MAX:
                    result = self._call(lambda: self.collection.get(include=["embeddings", "metadatas"]))
                    self._exact = _Vectors(
                        ids=list(result["ids"]),
                        plans=[str((m or {}).get("plan_id", "")) for m in result["metadatas"]],
                        matrix=np.asarray(result["embeddings"], dtype=np.float32).reshape(len(result["ids"]), -1),
                    )
                self._exact_read = True
            return self._exact

    def _call(self, request: Callable[[], Any]) -> Any:
        """A request to the store; a lost Chroma server is one clear error naming the fix."""
        try:
            return request()
        except Exception as exc:
            if not self.url:
                raise
            raise RusqaError(
                f"lost the Chroma server at {self.url} ({type(exc).__name__}) — restart it "
                "(`chroma run --path DIR --host 127.0.0.1 --port N`) or unset RUSQA_CHROMA_URL"
            ) from None


class _Vectors:
    """A small collection's normalised vectors, searched exactly: what Chroma's exhaustive HNSW search returns."""

    def __init__(self, ids: list[str], plans: list[str], matrix: np.ndarray) -> None:
        self.ids = ids
        self.plans = np.array(plans)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True) if len(ids) else np.ones((0, 1), dtype=np.float32)
        self.matrix = matrix / np.maximum(norms, 1e-12)
        self.row = {record_id: i for i, record_id in enumerate(ids)}

    def nearest(self, vector: np.ndarray, k: int, plan_ids: list[str] | None) -> list[tuple[str, float]]:
        scores = self.matrix @ vector
        rows = np.flatnonzero(np.isin(self.plans, list(plan_ids))) if plan_ids else np.arange(len(self.ids))
        best = rows[np.argsort(-scores[rows], kind="stable")[:k]]
        return [(self.ids[i], float(scores[i])) for i in best]

    def cosines(self, vector: np.ndarray, record_ids: list[str]) -> dict[str, float]:
        rows = [self.row[r] for r in record_ids if r in self.row]
        return dict(zip((self.ids[i] for i in rows), (self.matrix[rows] @ vector).tolist(), strict=True))
