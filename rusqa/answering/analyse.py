"""Question analysis: which plan(s), which intent, which search terms — Norwegian or English.

Pure functions over the question text, the corpus's plans and its vocabulary; the domain words
live in lexicon.yaml. No retrieval here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from pydantic import Field

from rusqa.lexicon import lexicon
from rusqa.models import Plan, Record

Intent = str
from rusqa.text import normalise, split_compound, stopwords, tokenize, word_groups, words

_CITY_PLAN = re.compile(
    r"\b(byens|byrådets|kommunens|oslo kommunes?|the city'?s?|city|municipal(?:ity)?'?s?|oslo'?s?)\b.{0,30}?"
    r"\b(plan|planen|handlingsplan|handlingsplanen|tiltak|measures?|action plan)\b"
    r"|\btryggere liv\b|\bbyplanen\b|\bbyrådsavdeling\w*\b|\boslo kommune\b|\bhandlingsplan(?:en)? for rusfeltet\b"
    r"|\b\d{1,2}\s?[fs]\b"
)
_OTHER_KOMMUNE = re.compile(r"\b([a-zæøå]+)\s+kommunes?\b")
_NOT_A_KOMMUNE = {"oslo", "i", "en", "hver", "denne", "vår", "var", "egen", "hele", "til", "av", "for"}

_INTENTS: list[tuple[Intent, re.Pattern[str]]] = [
    (
        "compare",
        re.compile(
            r"\b(sammenlign\w*|forskjell\w*|compare[sd]?|comparison|differ\w*|versus|vs\.?)\b"
            r"|\bhvordan\b.*\bog\b.*\b(jobber|arbeider|håndterer)\b"
        ),
    ),
    (
        "list",
        re.compile(
            r"\b(hvilke|which|what) (bydeler|planer|districts|plans|boroughs)\b"
            r"|\b(alle|all|list|liste|oversikt over|nevn)\b.{0,20}\b(tiltak|measures?|bydeler|planer|districts)\b"
            r"|\bhvor mange (bydeler|planer)\b|\bhvilke tiltak\b|\b(what|which) measures\b"
        ),
    ),
    ("risk", re.compile(r"\b(risiko|risikoen|risikonivå\w*|risk level|risk)\b(?!\s*(analys|vurder))")),
    ("status", re.compile(r"\b(status\w*|hvor langt|progress|how far|underveis|påbegynt|igangsatt)\b")),
    (
        "deadline",
        re.compile(
            r"\b(frist\w*|tidsfrist|deadline\w*|innen når|when (?:is|will|should|must|are) .{0,60}"
            r"(?:done|ready|finished|completed|due|in place)|by when|tidsramme|timeline|når skal .{0,60}"
            r"(?:være|ferdig|på plass|gjennomført))\b"
        ),
    ),
    (
        "owner",
        re.compile(
            r"\b(hvem|who|whom|ansvar\w*|responsib\w*|owns?|owner|eier|hvilken etat|which agency|"
            r"hvilken avdeling|hvilken byrådsavdeling|which department|står bak|tar seg av|følger opp|in charge)\b"
        ),
    ),
]
_FIELD_INTENTS = ("owner", "deadline", "status", "risk")
_ENGLISH_MARKERS = {
    "who", "what", "which", "when", "where", "how", "the", "does", "do", "is", "are", "of", "for", "and",
    "in", "to", "on", "with", "has", "have", "about", "owns", "any", "there", "their", "this", "that", "by",
    "did", "was", "were", "will", "should", "can", "at", "from", "its", "it", "be", "been", "whose",
}  # fmt: skip


class Query(Record):
    """What rusqa understood of a question."""

    text: str
    intent: Intent
    plan_ids: list[str] = Field(default_factory=list, description="Plans the question is limited to; empty = all.")
    unknown_place: str | None = Field(default=None, description="A place named that has no plan here.")
    english: bool = False
    concepts: list[list[str]] = Field(
        default_factory=list,
        description="The question's subject, one group of BM25 tokens per word (the word and its synonyms).",
    )
    unknown: list[int] = Field(default_factory=list, description="Indexes of concepts no plan contains.")
    quantity: bool = Field(default=False, description="The question asks for a number («hvor mange»).")
    dense_text: str = Field(default="", description="The question as embedded for the dense leg.")

    @property
    def terms(self) -> list[str]:
        return list(dict.fromkeys(t for group in self.concepts for t in group))

    @property
    def known_concepts(self) -> list[list[str]]:
        return [group for i, group in enumerate(self.concepts) if i not in self.unknown]


_QUANTITY = re.compile(
    r"\b(hvor mange|hvor stor\w*|hvor høy\w*|antall\w*|andel\w*|prosent\w*|how many|how much|number of|"
    r"population|percentage|share of)\b"
)


def detect_intent(norm: str) -> Intent:
    for intent, pattern in _INTENTS:
        if pattern.search(norm):
            return intent
    return "fact"


def is_english(norm: str) -> bool:
    """English when English function words outnumber Norwegian ones."""
    tokens = re.findall(r"[a-zæøå']+", norm)
    english = sum(1 for t in tokens if t in _ENGLISH_MARKERS)
    norwegian = sum(1 for t in tokens if t in stopwords() and t not in _ENGLISH_MARKERS)
    return english >= 1 and english > norwegian


def _first_unknown(current: str | None, candidate: str) -> str:
    return current if current is not None else candidate


@lru_cache(maxsize=1)
def _place_patterns() -> tuple[list[tuple[str, re.Pattern[str]]], list[tuple[str, re.Pattern[str]]]]:
    """Compiled once: Oslo's districts (longest name first, aliases and «bydel Sentrum» forms
    included) and the other municipalities."""
    lex = lexicon()
    bydeler = [(name, rf"\b{re.escape(normalise(name))}\b") for name in lex["oslo_bydeler"]]
    bydeler += [(name, rf"\bbydel(?:en)? {normalise(name)}\b") for name in lex["bydeler_only_after_bydel"]]
    bydeler += [(name, rf"\b{alias}\b") for alias, name in lex["bydel_aliases"].items()]
    bydeler.sort(key=lambda item: len(item[0]), reverse=True)
    others = [(place, rf"\b{re.escape(normalise(place))}\b") for place in lex["other_places"]]
    return [(n, re.compile(p)) for n, p in bydeler], [(n, re.compile(p)) for n, p in others]


def find_places(norm: str, plans: Iterable[Plan]) -> tuple[list[str], str | None]:
    """Plan ids the question names, and a named bydel/municipality that has no plan here.

    A plan word that could mean any municipality's plan («kommunens plan», «municipality's plan»)
    names the city plan only when no other municipality is named.
    """
    plans = list(plans)
    by_bydel = {normalise(p.bydel): p.id for p in plans if not p.is_city_plan}
    bydeler, others = _place_patterns()
    found: list[str] = []
    unknown: str | None = None
    rest = norm
    for name, pattern in bydeler:
        if pattern.search(rest):
            rest = pattern.sub(" ", rest)
            if normalise(name) in by_bydel:
                found.append(by_bydel[normalise(name)])
            else:
                unknown = _first_unknown(unknown, name)
    municipality = next((place for place, pattern in others if pattern.search(rest)), None)
    if municipality is None:
        match = next((m for m in _OTHER_KOMMUNE.finditer(rest) if m.group(1) not in _NOT_A_KOMMUNE), None)
        municipality = match.group(1).capitalize() if match else None
    if municipality is not None:
        unknown = _first_unknown(unknown, municipality)
    else:
        city = [p.id for p in plans if p.is_city_plan]
        if city and _CITY_PLAN.search(rest):
            found.extend(city)
    return list(dict.fromkeys(found)), unknown


def search_concepts(
    question: str, intent: Intent, vocabulary: frozenset[str], *, english: bool, places: Iterable[str] = ()
) -> list[list[str]]:
    """The question's subject as concepts: one token group per word (the word, its glossary
    translations, or its compound parts), with frame words and named places left out."""
    lex = lexicon()
    drop = set(lex["frame_words"]) | {w for place in places for w in words(place)}
    if intent in _FIELD_INTENTS:
        drop |= set(lex["field_words"][intent])
    if english:
        drop |= set(lex["english_frame"])
    glossary: dict[str, str] = lex["glossary"]
    if english:
        for phrase in lex["english_frame_phrases"]:
            question = re.sub(rf"\b{re.escape(phrase)}\b", " ", question, flags=re.IGNORECASE)
    concepts: list[list[str]] = []
    seen: set[str] = set()
    for segment, alternative in _segments(question):
        found = _segment_concepts(segment, drop, glossary, vocabulary, english)
        if alternative and concepts and found:
            # «IPS / individuell jobbstøtte», «hasjavvenningsprogram (HAP)»: other names of the same thing
            merged = list(dict.fromkeys([*concepts[-1], *(t for group in found for t in group)]))
            seen.discard(" ".join(concepts[-1]))
            concepts[-1] = merged
            found = []
        for group in found:
            key = " ".join(group)
            if group and key not in seen:
                seen.add(key)
                concepts.append(group)
    return concepts


_ALTERNATIVE = re.compile(r"\s/\s|\(([^()]*)\)")


def _segments(question: str) -> list[tuple[str, bool]]:
    """The question cut at « / » and around «( … )»; True marks a segment that names the same thing again."""
    out: list[tuple[str, bool]] = []
    pos = 0
    pending = False
    for match in _ALTERNATIVE.finditer(question):
        out.append((question[pos : match.start()], pending))
        if match.group(1) is not None:
            out.append((match.group(1), True))
            pending = False
        else:
            pending = True
        pos = match.end()
    out.append((question[pos:], pending))
    return [(text, alt) for text, alt in out if text.strip()]


def _segment_concepts(
    text: str, drop: set[str], glossary: dict[str, str], vocabulary: frozenset[str], english: bool
) -> list[list[str]]:
    concepts: list[list[str]] = []
    for forms in word_groups(text):
        if len(forms) > 1:  # «FACT-team»: the joined form or the first part, then the other parts
            head = [forms[0], forms[1]]
            groups = [tokenize(" ".join(f for f in head if f not in drop))] + [
                tokenize(part) for part in forms[2:] if part not in drop
            ]
            concepts.extend(group for group in groups if group)
            continue
        w = forms[0]
        if w in drop or len(w) < 2:
            continue
        parts = split_compound(w, vocabulary)
        if parts:
            groups = [tokenize(part) for part in parts]
        else:
            synonyms = glossary.get(w, "") if (english or w not in vocabulary) else ""
            own = tokenize(w) if (w in vocabulary or not synonyms) else []
            groups = [list(dict.fromkeys(own + tokenize(synonyms)))]
        concepts.extend(group for group in groups if group)
    return concepts


def analyse(question: str, plans: Iterable[Plan], vocabulary: frozenset[str], terms: frozenset[str]) -> Query:
    """Analyse a question against the corpus's plans, word vocabulary and BM25 term vocabulary."""
    plans = list(plans)
    norm = normalise(question)
    plan_ids, unknown = find_places(norm, plans)
    intent = detect_intent(norm)
    english = is_english(norm)
    named = [p.bydel for p in plans if p.id in plan_ids and not p.is_city_plan]
    places = [*named, *([unknown] if unknown else [])]
    concepts = search_concepts(question, intent, vocabulary, english=english, places=places)
    return Query(
        text=question,
        intent=intent,
        plan_ids=plan_ids,
        unknown_place=unknown,
        english=english,
        concepts=concepts,
        unknown=[i for i, group in enumerate(concepts) if not any(t in terms for t in group)],
        quantity=bool(_QUANTITY.search(norm)),
        dense_text=question,
    )
