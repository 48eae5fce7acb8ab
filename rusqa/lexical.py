"""The lexical leg: bm25s over our own Norwegian tokens (one tokeniser for documents and questions)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from rusqa.text import tokenize, words

K1, B = 1.2, 0.75


class LexicalIndex:
    """BM25 scores for every document, in the order of `ids`; `vocabulary` is the corpus's word set."""

    def __init__(self, retriever: object, ids: list[str], vocabulary: frozenset[str]) -> None:
        self._retriever = retriever
        self.ids = ids
        self.vocabulary = vocabulary

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> LexicalIndex:
        import bm25s

        retriever = bm25s.BM25(k1=K1, b=B)
        retriever.index([tokenize(t) or ["∅"] for t in texts], show_progress=False)
        vocabulary = frozenset(w for t in texts for w in words(t))
        return cls(retriever, ids, vocabulary)

    @property
    def terms(self) -> frozenset[str]:
        """Every token the index knows."""
        return frozenset(self._retriever.vocab_dict)  # type: ignore[attr-defined]

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of each document for the query tokens (zeros when no token is known)."""
        if not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)  # type: ignore[attr-defined]

    def concept_scores(self, concepts: list[list[str]]) -> np.ndarray:
        """Σ over concepts of the best BM25 score among the concept's tokens: synonyms don't add up."""
        total = np.zeros(len(self.ids), dtype=np.float32)
        for group in concepts:
            best = np.zeros(len(self.ids), dtype=np.float32)
            for token in group:
                best = np.maximum(best, self.scores([token]))
            total += best
        return total

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._retriever.save(str(directory))  # type: ignore[attr-defined]
        (directory / "rusqa.json").write_text(
            json.dumps({"ids": self.ids, "vocabulary": sorted(self.vocabulary)}, ensure_ascii=False), encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        import bm25s

        meta = json.loads((directory / "rusqa.json").read_text(encoding="utf-8"))
        retriever = bm25s.BM25.load(str(directory))
        return cls(retriever, meta["ids"], frozenset(meta["vocabulary"]))
