"""Asking: validate the question, analyse it, retrieve, decide, and build the answer.

`ask_many` is the implementation; `ask` is one line over it. The CLI's stdin mode, the UI and
the evaluation all go through this one path.
"""

from __future__ import annotations

import threading
import time
import unicodedata
from collections.abc import Sequence

from rusqa.answering.analyse import Query
from rusqa.answering.llm import with_generated_answer
from rusqa.answering.shapes import (
    Source,
    abstention,
    fact_answer,
    field_answer,
    list_answer,
    make_answer,
    number_near_term,
    sentences,
)
from rusqa.errors import InputError
from rusqa.models import Answer, Hit
from rusqa.search.live import LiveIndex
from rusqa.search.retrieve import search
from rusqa.settings import Settings, get_settings
from rusqa.text import collapse, strip_invisible

# Chosen on evals/ (README, «Retrieval»): a record answers when it holds at least half of the
# question's search terms, or when the dense leg finds it close; a list line needs more.
MIN_COVERAGE = 0.5
MIN_COSINE = 0.86
LIST_MIN_COVERAGE = 0.4
LIST_WITHIN_PLAN = 4
MAX_UNKNOWN_SHARE = 0.5
ALTERNATIVE_RATIO = 0.8
PREFER_WITHIN = 3
QUANTITY_POOL = 50  # a number may sit in a long passage that ranks low on one common word
FIELD_INTENTS = {"owner", "deadline", "status", "risk"}


def clean_question(question: str, max_chars: int) -> str:
    """The question as rusqa reads it, or InputError with a one-line message (in Norwegian)."""
    if not isinstance(question, str):
        raise InputError("Spørsmålet må være tekst.")
    if len(question) > max_chars * 4:
        raise InputError(
            f"Spørsmålet er for langt ({len(question)} tegn; maks {max_chars}). Skriv et kortere spørsmål."
        )
    # Lone surrogates (possible through the JSON API) cannot be encoded: drop them with the invisibles.
    question = "".join(ch for ch in question if unicodedata.category(ch) != "Cs")
    text = collapse(strip_invisible(unicodedata.normalize("NFC", question)))
    if not text:
        raise InputError(
            "Spørsmålet er tomt. Skriv et spørsmål om rusplanene, f.eks. «Hvem har ansvar for HAP i Grorud?»"
        )
    if len(text) > max_chars:
        raise InputError(f"Spørsmålet er for langt ({len(text)} tegn; maks {max_chars}). Skriv et kortere spørsmål.")
    if not any(ch.isalnum() for ch in text):
        raise InputError("Spørsmålet har ingen ord. Skriv et spørsmål om rusplanene.")
    return text


def is_relevant(hit: Hit, min_coverage: float = MIN_COVERAGE) -> bool:
    return hit.coverage >= min_coverage or (hit.cosine is not None and hit.cosine >= MIN_COSINE)


class Assistant:
    """Answers questions from the live index; follows `index/CURRENT` when a new build goes live."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self._live: LiveIndex | None = None
        self._lock = threading.Lock()

    @property
    def live(self) -> LiveIndex:
        with self._lock:
            if self._live is None or not self._live.is_current():
                self._live = LiveIndex.open(self.settings)
            return self._live

    def ask(self, question: str) -> Answer:
        return self.ask_many([question])[0]

    def ask_many(self, questions: Sequence[str]) -> list[Answer]:
        """Answers in order; a bad question raises InputError (the CLI turns it into one line)."""
        live = self.live
        answers = []
        for question in questions:
            started = time.perf_counter()
            text = clean_question(question, self.settings.max_question_chars)
            answer = answer_question(live, text)
            if self.settings.llm_url:
                answer = with_generated_answer(answer, self.settings.llm_url, self.settings.llm_model)
            answers.append(answer.model_copy(update={"latency_ms": round((time.perf_counter() - started) * 1000, 2)}))
        return answers


def _source(live: LiveIndex, hit: Hit) -> Source:
    doc = live.by_id[hit.record_id]
    return Source(hit=hit, doc=doc, plan=live.plan_by_id[doc.plan_id], tiltak=live.tiltak_by_id.get(doc.id))


def has_basis(query: Query) -> bool:
    """Whether the plans could hold an answer: some search term occurs in them, and (in Norwegian,
    where every subject word should be the plans' own) most of the terms do."""
    if not query.known_concepts:
        return False
    return query.english or len(query.unknown) / len(query.concepts) < MAX_UNKNOWN_SHARE


def answer_question(live: LiveIndex, question: str) -> Answer:
    """Answer one question (already checked by clean_question)."""
    question = unicodedata.normalize("NFC", question)
    plans = [p.plan for p in live.plans]
    query = live.analyse(question)
    if query.unknown_place and not query.plan_ids:
        return make_answer(query, abstention(query, plans), [])
    if not has_basis(query):
        return make_answer(query, abstention(query, plans), [])
    if query.intent in {"list", "compare"}:
        return _list_or_compare(live, query)
    sources = ranked_sources(live, query)
    if not sources:
        return make_answer(query, abstention(query, plans), [])
    if query.intent in FIELD_INTENTS:
        tiltak = [s for s in sources if s.tiltak is not None]
        if tiltak:
            top = tiltak[0].hit.score
            chosen = [tiltak[0], *[s for s in tiltak[1:3] if s.hit.score >= ALTERNATIVE_RATIO * top]]
            return make_answer(query, field_answer(query.intent, chosen, query.terms), chosen)
    chosen = [sources[0], *[s for s in sources[1:2] if s.hit.score >= ALTERNATIVE_RATIO * sources[0].hit.score]]
    return make_answer(query, fact_answer(query, chosen), chosen)


def ranked_sources(live: LiveIndex, query: Query, *, relevant_only: bool = True) -> list[Source]:
    """The records a (non-list) question is answered from, best first: retrieval, then the
    relevance gate, then the fact preferences. `rusqa eval` measures recall on this order."""
    k = QUANTITY_POOL if query.quantity else live.settings.top_k
    hits = [h for h in search(live, query, k=k) if is_relevant(h) or not relevant_only]
    sources = [_source(live, h) for h in hits]
    if not sources or query.intent in FIELD_INTENTS:
        return sources
    return prefer_for_fact(query, sources)


def prefer_for_fact(query: Query, sources: list[Source]) -> list[Source]:
    """Reorder the best few sources for a fact question: a record with a number first when a number is
    asked for; prose over a tiltak that covers no more of the question («Hva sier planen om …»)."""
    head = sources[:PREFER_WITHIN]
    if query.quantity:
        terms = set(query.terms)
        counted = [s for s in sources if any(number_near_term(x, terms) for x in sentences(s.doc.text))]
        if counted:
            return [counted[0], *[s for s in sources if s is not counted[0]]]
    fullest = max(head, key=lambda s: s.hit.coverage)  # the first record that holds most of the question
    if fullest.hit.coverage > head[0].hit.coverage:
        sources = [fullest, *[s for s in sources if s is not fullest]]
        head = sources[:PREFER_WITHIN]
    if head[0].tiltak is not None:
        prose = [s for s in head if s.tiltak is None and s.hit.coverage >= head[0].hit.coverage]
        if prose:
            return [prose[0], *[s for s in sources if s is not prose[0]]]
    return sources


def _list_or_compare(live: LiveIndex, query: Query) -> Answer:
    """One best record per plan (the plans named, or all); within one named plan, its best few records."""
    plans = [p.plan for p in live.plans]
    if len(query.plan_ids) == 1:  # «Hvilke tiltak har Grorud for …»: several records of one plan
        hits = [h for h in search(live, query, k=live.settings.top_k) if is_relevant(h)]
        if query.intent == "compare":  # «… compared with Oslo»: one plan named, answer from it
            if not hits:
                return make_answer(query, abstention(query, plans), [])
            sources = prefer_for_fact(query, [_source(live, h) for h in hits])
            return make_answer(query, fact_answer(query, sources[:1]), sources[:1])
        listed = [h for h in hits if h.coverage >= LIST_MIN_COVERAGE] or hits[:1]
        sources = [_source(live, h) for h in listed[:LIST_WITHIN_PLAN]]
        if not sources:
            return make_answer(query, abstention(query, plans), [])
        return make_answer(query, list_answer(query, sources, across_plans=False), sources)
    plan_ids = query.plan_ids if len(query.plan_ids) >= 2 else [p.id for p in plans]
    vector = live.embed_query(query.dense_text) if live.settings.dense else None
    per_plan: list[Source] = []
    for plan_id in plan_ids:
        hits = search(live, query, plan_ids=[plan_id], k=3, vector=vector)
        best = next((h for h in hits if h.coverage >= LIST_MIN_COVERAGE), None)
        if best is not None:
            per_plan.append(_source(live, best))
    if not per_plan:
        return make_answer(query, abstention(query, plans), [])
    return make_answer(query, list_answer(query, per_plan, across_plans=True), per_plan)
