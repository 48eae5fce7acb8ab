"""The lexical leg: bm25s over our own Norwegian tokens (one tokeniser for documents and questions).

Documents are also indexed under the parts of their compounds («risikoanalyse» → «risiko»,
«analyse») when both parts occur on their own in the plans: Norwegian writes one word where a
question may use two.
"""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from rusqa.text import split_compound, tokenize, words

K1, B = 1.2, 0.75


def document_tokens(text: str, vocabulary: frozenset[str]) -> list[str]:
    """A document's BM25 tokens: its own, plus the parts of its compounds."""
    tokens = tokenize(text)
    parts = [part for w in words(text) for part in split_compound(w, vocabulary, keep_known=True)]
    return tokens + tokenize(" ".join(parts)) if parts else tokens


class ScoreMatrix:
    """bm25s's precomputed BM25 scores, as it saves them: a sparse matrix with one column per token (CSC:
    `data`, `indices`, `indptr`) and the token → column map. A question's scores are read from it directly, as
    bm25s's own `get_scores` does, so that answering never imports bm25s and scipy (27 MB, 80 ms)."""

    FILES = ("data", "indices", "indptr")

    def __init__(self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, vocab: dict[str, int], docs: int):
        self.data, self.indices, self.indptr, self.vocab, self.docs = data, indices, indptr, vocab, docs

    @classmethod
    def of(cls, retriever: object) -> ScoreMatrix:
        """The matrix of a bm25s retriever just built."""
        scores = retriever.scores  # type: ignore[attr-defined]
        vocab = retriever.vocab_dict  # type: ignore[attr-defined]
        return cls(scores["data"], scores["indices"], scores["indptr"], dict(vocab), int(scores["num_docs"]))

    @classmethod
    def load(cls, directory: Path) -> ScoreMatrix:
        """The matrix bm25s saved in directory (`BM25.save`: *.csc.index.npy, vocab.index.json, params.index.json)."""
        data, indices, indptr = (np.load(directory / f"{name}.csc.index.npy") for name in cls.FILES)
        vocab = json.loads((directory / "vocab.index.json").read_text(encoding="utf-8"))
        params = json.loads((directory / "params.index.json").read_text(encoding="utf-8"))
        return cls(data, indices, indptr, vocab, int(params["num_docs"]))

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """Each document's BM25 score for the tokens (the index's unknown tokens left out)."""
        out = np.zeros(self.docs, dtype=np.float32)
        for token in tokens:
            column = self.vocab.get(token)
            if column is not None:
                start, end = self.indptr[column], self.indptr[column + 1]
                np.add.at(out, self.indices[start:end], self.data[start:end])
        return out

    def rows(self, token: str) -> np.ndarray:
        """The documents that hold a token (its column's rows)."""
        column = self.vocab.get(token)
        if column is None:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(self.indices[self.indptr[column] : self.indptr[column + 1]])


class LexicalIndex:
    """BM25 scores for every document, in the order of `ids`; `vocabulary` is the corpus's word set."""

    def __init__(
        self, matrix: ScoreMatrix, ids: list[str], vocabulary: frozenset[str], doc_tokens: Sequence[Sequence[str]]
    ) -> None:
        self._matrix = matrix
        self._retriever: object | None = None  # the bm25s retriever of a build, for `save`
        self.ids = ids
        self.vocabulary = vocabulary
        self.token_sets: dict[str, frozenset[str]] = {i: frozenset(t) for i, t in zip(ids, doc_tokens, strict=True)}
        self.terms: frozenset[str] = frozenset(matrix.vocab)
        df: dict[str, int] = {}
        for tokens in self.token_sets.values():
            for token in tokens:
                df[token] = df.get(token, 0) + 1
        n = len(ids)
        self.df = df
        self.mean_length = sum(len(t) for t in doc_tokens) / n if n else 0.0
        self._last: tuple[tuple[tuple[str, ...], ...], np.ndarray] | None = None
        self.idf: dict[str, float] = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}

    def keyness(self, token: str, general_share: float) -> float:
        """How much more often the records use a token than general language does (Ahmad et al.'s «weirdness»):
        the share of records holding it over the share a record of the mean length would hold at the token's
        general frequency. Far above 1 for the domain's words («ungdom», «bolig»), below ~1 for general ones."""
        expected = general_share * self.mean_length
        return (self.df.get(token, 0) / len(self.ids)) / expected if expected > 0 and self.ids else math.inf

    def giving(self, name: Iterable[str]) -> frozenset[str]:
        """The records that give a name: each of its tokens, or a longer form of it («rasker» for «rask»; a token of
        four letters or more), from the index's postings."""
        held: set[int] | None = None
        for token in name:
            forms = [token, *self._longer(token)] if len(token) >= 4 else [token]
            rows = {int(r) for form in forms for r in self._matrix.rows(form)}
            held = rows if held is None else held & rows
            if not held:
                return frozenset()
        return frozenset(self.ids[r] for r in held or ())

    def _longer(self, token: str) -> list[str]:
        terms = self._sorted_terms
        start = bisect.bisect_right(terms, token)
        out = []
        for term in terms[start:]:
            if not term.startswith(token):
                break
            out.append(term)
        return out

    @cached_property
    def _sorted_terms(self) -> list[str]:
        return sorted(self.terms)

    def concept_weight(self, group: Sequence[str]) -> float:
        """How telling a concept is: the highest IDF among its tokens (0 if the plans lack them all)."""
        return max((self.idf.get(t, 0.0) for t in group), default=0.0)

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> LexicalIndex:
        import bm25s

        vocabulary = frozenset(w for t in texts for w in words(t))
        doc_tokens = [document_tokens(t, vocabulary) or ["∅"] for t in texts]
        retriever = bm25s.BM25(k1=K1, b=B)
        retriever.index([list(t) for t in doc_tokens], show_progress=False)
        index = cls(ScoreMatrix.of(retriever), ids, vocabulary, doc_tokens)
        index._retriever = retriever
        return index

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of each document for the query tokens (zeros when no token is known)."""
        return self._matrix.scores(tokens)

    def concept_scores(self, concepts: list[list[str]]) -> np.ndarray:
        """Σ over concepts of the best BM25 score among the concept's tokens: synonyms don't add up.

        The last result is kept: a list question searches each plan with the same concepts.
        """
        key = tuple(tuple(group) for group in concepts)
        last = self._last
        if last is not None and last[0] == key:
            return last[1]
        total = self._concept_scores(concepts)
        self._last = (key, total)
        return total

    def _concept_scores(self, concepts: list[list[str]]) -> np.ndarray:
        total = np.zeros(len(self.ids), dtype=np.float32)
        for group in concepts:
            best = np.zeros(len(self.ids), dtype=np.float32)
            for token in group:
                best = np.maximum(best, self.scores([token]))
            total += best
        return total

    def save(self, directory: Path) -> None:
        if self._retriever is None:
            raise ValueError("only a lexical index just built can be saved")
        directory.mkdir(parents=True, exist_ok=True)
        self._retriever.save(str(directory))  # type: ignore[attr-defined]
        meta = {
            "ids": self.ids,
            "vocabulary": sorted(self.vocabulary),
            "tokens": [sorted(self.token_sets[i]) for i in self.ids],
        }
        (directory / "rusqa.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        meta = json.loads((directory / "rusqa.json").read_text(encoding="utf-8"))
        return cls(ScoreMatrix.load(directory), meta["ids"], frozenset(meta["vocabulary"]), meta["tokens"])
