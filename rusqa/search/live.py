"""The live index, opened once per process: records, BM25, and (lazily) Chroma and the embedder."""

from __future__ import annotations

import contextlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from typing import Any, TypeVar

import numpy as np

from rusqa.errors import IndexMismatchError, IndexMissingError
from rusqa.models import ParsedPlan, Plan, Tiltak
from rusqa.search.build import compatibility, current_build_id, read_manifest
from rusqa.search.documents import DERIVED_FILE, Doc, derived
from rusqa.search.embed import Embedder, expected_embedder_dim, expected_embedder_name, load_embedder
from rusqa.search.lexical import LexicalIndex, document_tokens
from rusqa.search.store import DenseStore, chroma_client
from rusqa.settings import Settings
from rusqa.text import CAPITAL_CODE, normalise, tokenize

V = TypeVar("V")

QUERY_CACHE = 256  # query embeddings kept in memory (an LRU); questions are never stored on disk


class LiveIndex:
    """One build of the index, checked against the running code before use."""

    def __init__(self, settings: Settings, build_id: str) -> None:
        self.settings = settings
        self.build_id = build_id
        self.dir = settings.index_dir / "builds" / build_id
        self.manifest = read_manifest(settings.index_dir, build_id)
        check_compatible(self.manifest, settings)
        # refused at opening, not at the first question that embeds (a question its words decide never does)
        _check_dimension(
            self.manifest, build_id, expected_embedder_name(settings.embedder), expected_embedder_dim(settings.embedder)
        )
        if not settings.chroma_url and not (self.dir / "chroma").is_dir():
            raise IndexMismatchError(
                f"the index {build_id} is damaged (its Chroma store is missing) — run `rusqa index --force`"
            )
        try:
            records = json.loads((self.dir / "records.json").read_text(encoding="utf-8"))
            self.plans: list[ParsedPlan] = [ParsedPlan.model_validate(p) for p in records["plans"]]
            self.docs: list[Doc] = [Doc.model_validate(d) for d in records["docs"]]
            self.lexical = LexicalIndex.load(self.dir / "bm25")
        except (OSError, ValueError, KeyError, TypeError) as exc:  # pydantic's ValidationError is a ValueError
            raise IndexMismatchError(
                f"the index {build_id} is damaged ({type(exc).__name__}) — run `rusqa index --force`"
            ) from None
        self.by_id: dict[str, Doc] = {d.id: d for d in self.docs}
        self.plan_by_id: dict[str, Plan] = {p.plan.id: p.plan for p in self.plans}
        self.tiltak_by_id: dict[str, Tiltak] = {t.id: t for p in self.plans for t in p.tiltak}
        self.doc_plans = np.array([self.by_id[i].plan_id for i in self.lexical.ids])  # in BM25 order, for filters
        self._lock = threading.Lock()
        self._query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    @classmethod
    def open(cls, settings: Settings) -> LiveIndex:
        build_id = current_build_id(settings.index_dir)
        if build_id is None:
            raise IndexMissingError(f"no index in {settings.index_dir} — run `rusqa index`")
        return cls(settings, build_id)

    @cached_property
    def _derived(self) -> dict[str, Any]:
        """What the build computed once from all records (read instead of re-tokenising every text at start-up)."""
        path = self.dir / DERIVED_FILE
        if path.exists():
            with contextlib.suppress(OSError, ValueError):
                return dict(json.loads(path.read_text(encoding="utf-8")))
        return derived(self.docs)

    @cached_property
    def word_frequencies(self) -> dict[str, int]:
        """How often each word occurs in the records' texts (for typo repair)."""
        return dict(self._derived["word_frequencies"])

    @cached_property
    def abbreviations(self) -> dict[str, tuple[str, ...]]:
        """Short forms the plans define in brackets («HAP» → «hasjavvenningsprogram»)."""
        return {k: tuple(v) for k, v in self._derived["abbreviations"].items()}

    @cached_property
    def owner_codes(self) -> frozenset[str]:
        """The codes in capitals the plans print only as owners («AVL», «HM», «SET»), never in a tiltak's goal or
        text, casefolded: typed in a question, such a code can only name the owner."""
        printed = {c for t in self.tiltak_by_id.values() for c in CAPITAL_CODE.findall(t.owner or "")}
        texts = (f"{t.goal or ''} {t.text}" for t in self.tiltak_by_id.values())
        used = {c for text in texts for c in CAPITAL_CODE.findall(text) if c in printed}
        return frozenset(c.casefold() for c in printed - used)

    @cached_property
    def own_tokens(self) -> PerRecord[frozenset[str]]:
        """Each record's tokens from its own section and text (not the plan's title, which every record
        of a plan shares); made for a record when first asked for."""
        vocab = self.lexical.vocabulary
        return PerRecord(lambda i: frozenset(document_tokens(f"{self.by_id[i].section}\n{self.by_id[i].text}", vocab)))

    @cached_property
    def grouping_tokens(self) -> PerRecord[frozenset[str]]:
        """Each tiltak's tokens from its section path and goal: what a set «under strategi 2» names."""
        vocab = self.lexical.vocabulary

        def make(i: str) -> frozenset[str]:
            t = self.tiltak_by_id[i]
            return frozenset(document_tokens(f"{t.section}\n{t.goal or ''}", vocab))

        return PerRecord(make)

    @cached_property
    def owner_tokens(self) -> PerRecord[frozenset[str]]:
        """Each tiltak's tokens from its printed owner and expansion (with compound parts)."""
        vocab = self.lexical.vocabulary

        def make(i: str) -> frozenset[str]:
            t = self.tiltak_by_id[i]
            return frozenset(document_tokens(" ".join(x for x in (t.owner, t.owner_expanded) if x), vocab))

        return PerRecord(make)

    @cached_property
    def grouping_parts(self) -> PerRecord[list[frozenset[str]]]:
        """Each tiltak's section path components and goal, tokenised one by one."""

        def make(i: str) -> list[frozenset[str]]:
            t = self.tiltak_by_id[i]
            return [frozenset(tokenize(part)) for part in [*t.section.split(" / "), t.goal or ""]]

        return PerRecord(make)

    @cached_property
    def owner_vocabulary(self) -> frozenset[str]:
        """Every token any printed owner or expansion uses (made at build time)."""
        if "owner_vocabulary" in self._derived:
            return frozenset(self._derived["owner_vocabulary"])
        return frozenset().union(*(self.owner_tokens[i] for i in self.tiltak_by_id))

    @cached_property
    def actor_tokens(self) -> PerRecord[frozenset[str]]:
        """The tokens of the words that open each tiltak's text: its actor («Velferdsetaten …»)."""
        return PerRecord(lambda i: frozenset(tokenize(" ".join(self.tiltak_by_id[i].text.split()[:3]))))

    @cached_property
    def plan_tokens(self) -> dict[str, frozenset[str]]:
        """Every BM25 token of each plan's records: what a plan mentions at all."""
        out: dict[str, set[str]] = {}
        for record_id, plan_id in zip(self.lexical.ids, self.doc_plans, strict=True):
            out.setdefault(str(plan_id), set()).update(self.lexical.token_sets[record_id])
        return {k: frozenset(v) for k, v in out.items()}

    @cached_property
    def plan_texts(self) -> PerRecord[str]:
        """Plan id → all its records' text, normalised, as one string (made when a plan is first asked for)."""

        def make(plan_id: str) -> str:
            docs = self.passages_by_plan.get(plan_id, []) + [
                self.by_id[t.id] for t in self.tiltak_by_plan.get(plan_id, [])
            ]
            return normalise(" ".join(d.text for d in docs))

        return PerRecord(make)

    def warm(self) -> None:
        """Make now what questions would otherwise make on first use: every record's token maps, the analysis
        vocabulary, the embedder and Chroma's HNSW index. A server does this at start-up, in the background; a
        benchmark before it times warm questions. A single `rusqa ask` does not: it makes only what it uses."""
        self.own_tokens.make(self.by_id)
        for values in (self.grouping_tokens, self.owner_tokens, self.grouping_parts, self.actor_tokens):
            values.make(self.tiltak_by_id)
        for name in (
            "plan_tokens",
            "owner_vocabulary",
            "word_frequencies",
            "abbreviations",
            "tiltak_by_plan",
            "passages_by_plan",
            "owner_codes",
        ):
            getattr(self, name)
        if self.settings.dense:
            self.dense_search(self.embed_query("rusplan"), 1, None)
            self.forget_queries()

    def is_current(self) -> bool:
        return current_build_id(self.settings.index_dir) == self.build_id

    @cached_property
    def embedder(self) -> Embedder:
        embedder = load_embedder(self.settings.embedder, for_queries=True)
        _check_dimension(self.manifest, self.build_id, embedder.name, embedder.dim)
        return embedder

    @cached_property
    def dense(self) -> DenseStore:
        client = chroma_client(self.settings.chroma_url, self.dir / "chroma")
        return DenseStore.open(client, self.manifest["chroma"]["collection"], url=self.settings.chroma_url)

    def embed_query(self, question: str) -> np.ndarray:
        """The question's embedding; the last QUERY_CACHE are kept in memory only (never written anywhere)."""
        return self.embed_queries([question])[0]

    @cached_property
    def passages_by_plan(self) -> dict[str, list[Doc]]:
        """Each plan's records that are not tiltak (prose passages), in plan order."""
        out: dict[str, list[Doc]] = {}
        for doc in self.docs:
            if doc.kind != "tiltak":
                out.setdefault(doc.plan_id, []).append(doc)
        return out

    @cached_property
    def tiltak_by_plan(self) -> dict[str, list[Tiltak]]:
        return {p.plan.id: list(p.tiltak) for p in self.plans}

    def tiltak_of(self, plan_ids: Sequence[str]) -> list[Tiltak]:
        """The tiltak of the given plans (all plans when none), in catalog order."""
        if not plan_ids:
            return list(self.tiltak_by_id.values())
        wanted = set(plan_ids)
        return [t for plan_id, tiltak in self.tiltak_by_plan.items() if plan_id in wanted for t in tiltak]

    def forget_queries(self) -> None:
        """Empty the in-memory query-embedding cache (benchmarks start from nothing)."""
        with self._lock:
            self._query_vectors.clear()

    def embed_queries(self, questions: Sequence[str]) -> np.ndarray:
        """Embeddings of several questions, those not in the in-memory cache made in one batch."""
        with self._lock:  # the embedders are not documented as thread-safe
            todo = list(dict.fromkeys(q for q in questions if q not in self._query_vectors))
            if todo:
                for question, vector in zip(todo, self.embedder.embed(todo, query=True), strict=True):
                    self._query_vectors[question] = vector
            out = []
            for question in questions:
                self._query_vectors.move_to_end(question)
                out.append(self._query_vectors[question])
            while len(self._query_vectors) > QUERY_CACHE:
                self._query_vectors.popitem(last=False)
            return np.stack(out) if out else np.zeros((0, self.embedder.dim), dtype=np.float32)

    def dense_search(self, vector: np.ndarray, k: int, plan_ids: list[str] | None) -> list[tuple[str, float]]:
        """(record id, cosine) pairs of the k nearest records within plan_ids."""
        return self.dense.query(vector, k, plan_ids)

    def cosines(self, vector: np.ndarray, record_ids: list[str]) -> dict[str, float]:
        """The cosine of the vector to each of these records."""
        return self.dense.cosines(vector, record_ids)

    def info(self) -> dict[str, Any]:
        return {"build_id": self.build_id, **self.manifest}


class PerRecord(dict[str, V]):
    """Record id → a value made from the record the first time it is asked for (per-question work then
    touches only the records a question reaches, whatever the size of the corpus)."""

    def __init__(self, make: Callable[[str], V]) -> None:
        super().__init__()
        self._make = make

    def make(self, record_ids: Iterable[str]) -> None:
        """Make the values of these records now."""
        for record_id in record_ids:
            if record_id not in self:
                self[record_id] = self._make(record_id)

    def __missing__(self, record_id: str) -> V:
        value = self[record_id] = self._make(record_id)
        return value


def _check_dimension(manifest: dict[str, Any], build_id: str, embedder: str, dim: int | None) -> None:
    built_dim = manifest.get("embedder", {}).get("dim")
    if dim is not None and built_dim != dim:
        raise IndexMismatchError(
            f"the index {build_id} holds {built_dim}-dimensional embeddings, the embedder {embedder} makes {dim} "
            "— run `rusqa index`"
        )


def check_compatible(manifest: dict[str, Any], settings: Settings) -> None:
    """Refuse an index built by other code or settings, naming what differs and the fix."""
    wanted = compatibility(settings)
    have = manifest.get("compat", {})
    diffs = [f"{key} {have.get(key)!r} ≠ {value!r}" for key, value in wanted.items() if have.get(key) != value]
    if diffs:
        raise IndexMismatchError(
            f"the index {manifest.get('build_id', '?')} does not match this code/settings ({'; '.join(diffs)}) "
            "— run `rusqa index`"
        )
