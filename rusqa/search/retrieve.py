"""Hybrid retrieval: BM25 and dense legs, filtered by plan, fused by record id with weights.

Weights and thresholds were chosen on evals/ (see README, «Retrieval»); the dense leg is the
weaker one on this corpus, so it only breaks ties and rescues questions that share no word with
the plan (English ones above all).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np

from rusqa.lexicon import general_frequencies
from rusqa.models import Hit, Question, Shape
from rusqa.search.live import LiveIndex
from rusqa.text import tokenize

RRF_K = 60
WEIGHTS = {"bm25": 1.0, "dense": 0.5}
# English questions meet the Norwegian plans through the glossary's renderings, which are often not the
# plans' words; the multilingual dense leg ranks them better (README, «English questions»), so it weighs more.
ENGLISH_DENSE_WEIGHT = 2.0
CANDIDATES = 30
# The dense leg is skipped when the lexical ranking is decisive (`decisive`): a Norwegian field question whose top
# record holds DECISIVE_COVERAGE of its concept weight and leads the runner-up's BM25 by DECISIVE_LEAD (1.0 = any
# lead). Swept on evals/dev (reports/sweep-DECISIVE_*.json; README «When a value question skips the dense leg»).
DECISIVE_COVERAGE = 0.7
DECISIVE_LEAD = 1.0
GENERAL_WEIGHT = 0.25
GENERAL_KEYNESS = 2.0


def fuse(
    rankings: Mapping[str, Sequence[str]], weights: Mapping[str, float], k: int = RRF_K
) -> list[tuple[str, float]]:
    """Weighted reciprocal rank fusion keyed by record id (Cormack et al. 2009, with per-leg weights).

    score(id) = Σ_leg weight[leg] / (k + rank_leg(id)), rank from 1. Ties keep the first leg's order.
    """
    scores: dict[str, float] = {}
    for leg, ranking in rankings.items():
        weight = weights.get(leg, 1.0)
        for rank, record_id in enumerate(ranking, start=1):
            scores[record_id] = scores.get(record_id, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda item: item[1], reverse=True)


def coverage(
    concepts: Sequence[Sequence[str]], text_tokens: frozenset[str] | set[str], weights: Sequence[float]
) -> float:
    """Share of the question's concepts, weighted by how telling each is (IDF), that a record holds."""
    total = sum(weights)
    if not concepts or total <= 0:
        return 0.0
    held = sum(w for group, w in zip(concepts, weights, strict=True) if text_tokens.intersection(group))
    return held / total


def lexical_ranking(
    live: LiveIndex,
    query: Question,
    plan_ids: Sequence[str],
    limit: int = CANDIDATES,
    only: frozenset[str] | None = None,
) -> tuple[list[str], dict[str, float]]:
    scores = live.lexical.concept_scores(query.known_concepts)
    ids = live.lexical.ids
    if plan_ids:
        allowed = np.isin(live.doc_plans, list(plan_ids))
        scores = np.where(allowed, scores, 0.0)
    if only is not None:
        scores = np.where(np.array([i in only for i in ids]), scores, 0.0)
    order = np.argsort(-scores, kind="stable")[:limit]
    ranked = [ids[i] for i in order if scores[i] > 0]
    return ranked, {ids[i]: float(scores[i]) for i in order if scores[i] > 0}


def decisive(live: LiveIndex, query: Question, lexical: Sequence[str], bm25: Mapping[str, float]) -> bool:
    """Whether the dense leg cannot change the answer: a Norwegian field question (its answer is a field of the
    top record) whose lexical top record holds DECISIVE_COVERAGE of the question's concept weight and leads the
    runner-up by DECISIVE_LEAD. A fact question quotes sentences the dense leg finds in other words, and an
    English question meets the plans through a glossary: they always embed."""
    if query.english or query.shape != Shape.VALUE or not lexical or DECISIVE_LEAD <= 0:
        return False
    top = lexical[0]
    if coverage(query.known_concepts, live.lexical.token_sets[top], concept_weights(live, query)) < DECISIVE_COVERAGE:
        return False
    runner_up = bm25.get(lexical[1], 0.0) if len(lexical) > 1 else 0.0
    return bm25[top] >= DECISIVE_LEAD * runner_up


def concept_weights(live: LiveIndex, query: Question, *, general: bool = True) -> list[float]:
    """How telling each of the question's concepts is: the BM25 index's IDF, discounted (`general`) for a word of
    general Norwegian the plans use no more than general language does («få på plass», «i stedet for», «folk»),
    which a few hundred records make look rarer than it is. Lines across plans weigh every word at its IDF: with
    the discount a plan passed on fewer of the question's words (dev: one across question fewer right)."""
    return [
        live.lexical.concept_weight(group) * (GENERAL_WEIGHT if general and is_general(live, group[0]) else 1.0)
        for group in query.known_concepts
    ]


def is_general(live: LiveIndex, token: str) -> bool:
    """Whether a token is a word of general Norwegian rather than of the plans: frequent in general language
    (sources/general_words_nb.txt) and not used by the plans much more often than that (keyness below
    GENERAL_KEYNESS)."""
    share = general_shares().get(token)
    return share is not None and live.lexical.keyness(token, share) < GENERAL_KEYNESS


@lru_cache(maxsize=1)
def general_shares() -> dict[str, float]:
    """The general-language frequency of each index token: the summed frequencies of the words it stands for."""
    shares: dict[str, float] = {}
    for word, share in general_frequencies().items():
        for token in tokenize(word):
            shares[token] = shares.get(token, 0.0) + share
    return shares


def will_embed(live: LiveIndex, query: Question) -> bool:
    """Whether `search` over the plans a question names will embed it (the dense leg on, the words not
    decisive): what a batch of questions embeds together ahead of answering them."""
    return live.settings.dense and not decisive(live, query, *lexical_ranking(live, query, list(query.plan_ids)))


def search(
    live: LiveIndex,
    query: Question,
    *,
    plan_ids: Sequence[str] | None = None,
    k: int = 10,
    vector: np.ndarray | None = None,
    only: frozenset[str] | None = None,
    use_dense: bool = True,
) -> list[Hit]:
    """The k best records for the query within plan_ids (default: the plans the question names), and
    within `only` (record ids) when given; `use_dense=False` when the dense leg cannot change what the caller
    decides (set membership and lines across plans are decided on the words)."""
    within = list(plan_ids if plan_ids is not None else query.plan_ids)
    pool = max(CANDIDATES, k)
    lexical, bm25 = lexical_ranking(live, query, within, pool, only)
    rankings: dict[str, list[str]] = {"bm25": lexical}
    cosines: dict[str, float] = {}
    concepts = query.known_concepts
    weights = concept_weights(live, query)
    if use_dense and live.settings.dense and not decisive(live, query, lexical, bm25):
        if vector is None:
            vector = live.embed_query(query.dense_text)
        dense = live.dense_search(vector, pool, within or None)
        if only is not None:
            dense = [(rid, cos) for rid, cos in dense if rid in only]
        rankings["dense"] = [rid for rid, _ in dense]
        cosines = dict(dense)
    hits = []
    for record_id, score in fuse(rankings, {**WEIGHTS, "dense": ENGLISH_DENSE_WEIGHT} if query.english else WEIGHTS)[
        :k
    ]:
        hits.append(
            Hit(
                record_id=record_id,
                score=score,
                bm25=bm25.get(record_id, 0.0),
                cosine=cosines.get(record_id),
                coverage=coverage(concepts, live.lexical.token_sets[record_id], weights),
            )
        )
    return hits


def best_per_plan(live: LiveIndex, query: Question, plan_ids: Sequence[str], k: int = 5) -> dict[str, list[Hit]]:
    """The k best records of each plan on the words alone, from one scoring of the whole index — what
    `search(…, plan_ids=[plan], use_dense=False)` gives for each plan in turn, without a pass per plan."""
    scores = live.lexical.concept_scores(query.known_concepts)
    ids = live.lexical.ids
    wanted = set(plan_ids)
    concepts = query.known_concepts
    weights = concept_weights(live, query, general=False)  # whether a plan has it: every word counts (dev)
    order = np.argsort(-scores, kind="stable")[: int(np.count_nonzero(scores > 0))]
    out: dict[str, list[Hit]] = {}
    for i in order:
        record_id = ids[i]
        plan_id = live.by_id[record_id].plan_id
        hits = out.setdefault(plan_id, []) if plan_id in wanted else None
        if hits is None or len(hits) >= k:
            continue
        hits.append(
            Hit(
                record_id=record_id,
                score=WEIGHTS["bm25"] / (RRF_K + len(hits) + 1),
                bm25=float(scores[i]),
                coverage=coverage(concepts, live.lexical.token_sets[record_id], weights),
            )
        )
    return out
