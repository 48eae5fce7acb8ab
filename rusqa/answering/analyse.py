"""Question analysis: one typed `Question` — where to look, what to filter, what to rank on, what shape
of answer — from Norwegian or English, typed as people type.

Pure functions over the question text, the corpus's plans and its `Vocabulary`; the words live in
rusqa/lexicon/ (each list with its source). No retrieval here.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from rusqa.answering.fuzzy import Speller, fold_places
from rusqa.facets import asked_facet, facet_table, joined_facets, negated_facet
from rusqa.lexicon import (
    courtesy_words,
    cue_patterns,
    english_frame,
    english_stopwords,
    field_words,
    frame_words,
    general_frequencies,
    glossary,
    glossary_phrases,
    lexicon,
    word_pattern,
)
from rusqa.models import FieldName, Filters, Plan, Question, Role, Shape
from rusqa.text import CAPITAL_CODE, holds, normalise, split_compound, stopwords, tokenize, word_groups

_CITY_PLAN = re.compile(
    r"\b(byens|byrådets|kommunens|oslo kommunes?|the city'?s?|city|municipal(?:ity)?'?s?|oslo'?s?)\b.{0,30}?"
    r"\b(plan|planen|handlingsplan|handlingsplanen|tiltak|measures?|action plan)\b"
    r"|\btryggere liv\b|\bbyplan\w*\b|\bbyrådsavdeling\w*\b|\boslo kommune\b|\bhandlingsplan(?:en)? for rusfeltet\b"
)
_CODE = re.compile(r"(?<![-–\w])(\d{1,2})\s?([fs])\b")
_TYPED_CODE = re.compile(r"(?<![-–\w])(\d{1,2})\s?([FSfs])\b")
# «S-tiltak», «(S)», and typed without the hyphen after a determiner («hvilke s tiltak»; not «Stovner's
# measures», which normalises to «stovner s measures»)
_CODE_GROUP = re.compile(
    r"\b([fs])-?tiltak\w*\b|\b([fs])-?(?:measures|koder|codes)\b|\(([fs])\)"
    r"|\b(?:hvilke|alle|de|mange|antall) ([fs]) tiltak\w*\b"
)
# «tiltak 1.2», «tiltak nr. 3», «measure 2», «t4» (rusqa's own name for the 4th tiltak of a plan that numbers none)
_TILTAK_NUMBER = re.compile(
    r"\b(?:tiltak(?:et)?|tiltaksnummer|tiltaksnr|measure|action)\.?\s+(?:nr\.?\s*|nummer\s+|number\s+|no\.?\s*)?"
    r"(t?\d{1,2}(?:\.\d{1,2}){0,2})(?!\.?\w)|\b(t\d{1,2})\b"
)
_OTHER_KOMMUNE = re.compile(r"\b([a-zæøå]+)\s+kommunes?\b")
_NOT_A_KOMMUNE = {"oslo", "i", "en", "hver", "denne", "vår", "var", "egen", "hele", "til", "av", "for"}
_YEAR = re.compile(r"(?<![\d–-])(20\d\d)(?![\d]|\s?[–-]\s?\d)")
_QUANTITY = re.compile(
    r"\b(hvor mange|hvor mye|hvor stor\w*|hvor høy\w*|antall\w*|andel\w*|prosent\w*|how many|how much|number of|"
    r"population|percentage|share of)\b"
)
# «hvor mye penger», «hvor mange ungdommer», «how many residents»: the word after the quantity asks what is counted
_COUNTED = re.compile(r"\b(?:hvor mange|hvor mye|antall|how many|how much|number of)\s+([^\W\d_]+)")
# A question that opens with the interrogative of a field asks for that field («hvem …», «når …», «who …»).
_FIELD_QUESTION = re.compile(r"\W*(?:hvem|når|who|whom|when)\b")
_COUNTED_RECORDS = re.compile(r"\b(\w*tiltak\w*|measures?|actions?|initiatives?|av dem|of them|av disse)\b")
# «Hva har NAV ansvar for», «which measures is Velferdsetaten responsible for», «tiltak der OF er ansvarlig»
_INVERSE_OWNER = (
    # «Hva har NAV ansvar for», «Hvilke tiltak skal KORUS ha hovedansvaret for» (a modal, a compound of «ansvar»)
    re.compile(r"\b(?:hva|hvilke(?: tiltak)?|hvor mange(?: tiltak)?)\b(?: i [\w -]+?)? (?:har|er|skal|vil|må) "
               r"(?P<x>.+?) (?:ha )?(?:\w*ansvar\w*|eier)\b"),
    re.compile(r"\b(?:står|med|har) (?P<x>.+?) (?:som|står som) ansvarlig\w*\b"),
    re.compile(r"\b(?:der|hvor|som) (?P<x>.+?) (?:er|står som) ansvarlig\w*\b"),
    re.compile(r"\b(?:what|which(?: measures| actions)?|how many(?: measures)?) (?:is|are|does|do) (?P<x>.+?) "
               r"(?:responsible|in charge|own|lead|run)\b"),
    re.compile(r"\b(?:owned|led|run) by (?P<x>[^?.,]+?)(?: in |$|\?)"),
    re.compile(r"\b(?:the )?responsibility of (?P<x>[^?.,]+?)(?: in |$|\?)"),
)  # fmt: skip
# «NAV alene», «bare NAV», «only NAV»: the unit is the only owner. Source: the Norwegian and English words for
# exclusiveness (alene, eneansvar, bare, kun; alone, only, solely, sole).
# «alene eller delt med andre» offers both, so it is no filter.
# A keyword string that opens with the record word asks for a set: «tiltak strukturelt nivå strategi 1».
# Across plans: «hvilke bydeler …» asks the districts' plans, «… har tiltak om …» their tiltak
_DISTRICT_WORDS = re.compile(r"\b(bydel\w*|districts?|boroughs?|district plans?)\b")
_TILTAK_WORDS = re.compile(r"\b(tiltak\w*|measures?|actions?|initiatives?)\b")
_KEYWORD_SET = re.compile(r"^\s*tiltak(?:ene)?\b(?!.*\b(?:hva|hvem|hvilke|hvor|når|who|what|which)\b)")
_DEADLINE_WORDS = re.compile(r"\b(frist\w*|innen|deadline\w*|due|by)\b")


@dataclass(frozen=True, eq=False)  # identity hash: one per live index
class Vocabulary:
    """What analysis knows of the corpus: its words (with frequencies), BM25 terms, abbreviations."""

    words: frozenset[str]
    terms: frozenset[str]
    frequencies: Mapping[str, int] = field(default_factory=dict)
    abbreviations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    owner_codes: frozenset[str] = frozenset()
    owner_words: frozenset[str] = frozenset()

    @property
    def speller(self) -> Speller:
        return _speller(self)


@lru_cache(maxsize=4)
def _speller(vocab: Vocabulary) -> Speller:
    lex = lexicon()
    places = {w for name in [*lex["oslo_bydeler"], *lex["other_places"]] for w in normalise(name).split()}
    known = (
        stopwords()
        | frame_words()
        | courtesy_words()
        | english_frame()
        | set(glossary())
        | {w for f in FieldName for w in field_words(f.value)}
        | places
    )
    frequencies = dict(vocab.frequencies) or dict.fromkeys(vocab.words, 1)
    for place in places:
        frequencies.setdefault(place, 1)
    return Speller(frequencies, known, general_frequencies())  # «penger» is Norwegian, not a typo for «lenger»


def is_english(norm: str) -> bool:
    """English when English stopwords outnumber Norwegian ones."""
    tokens = re.findall(r"[a-zæøå']+", norm)
    en = english_stopwords()
    english = sum(1 for t in tokens if t in en and t not in stopwords())
    norwegian = sum(1 for t in tokens if t in stopwords() and t not in en)
    return english >= 1 and english > norwegian


def _first_unknown(current: str | None, candidate: str) -> str:
    return current if current is not None else candidate


@lru_cache(maxsize=1)
def _place_patterns() -> tuple[list[tuple[str, re.Pattern[str]]], list[tuple[str, re.Pattern[str]]]]:
    """Compiled once: Oslo's districts (longest name first, genitives and «bydel Sentrum» forms included)
    and the other municipalities."""
    lex = lexicon()
    bydeler = [(name, rf"\b{re.escape(normalise(name))}(?:s|'s|')?\b") for name in lex["oslo_bydeler"]]
    bydeler += [(name, rf"\bbydel(?:en)? {normalise(name)}\b") for name in lex["bydeler_only_after_bydel"]]
    bydeler.sort(key=lambda item: len(item[0]), reverse=True)
    others = [(place, rf"\b{re.escape(normalise(place))}(?:s|'s)?\b") for place in lex["other_places"]]
    return [(n, re.compile(p)) for n, p in bydeler], [(n, re.compile(p)) for n, p in others]


@lru_cache(maxsize=1)
def place_names() -> tuple[str, ...]:
    """Every place name of the lexicon, normalised (once per process)."""
    lex = lexicon()
    return tuple(normalise(n) for n in [*lex["oslo_bydeler"], *lex["other_places"]])


@lru_cache(maxsize=1)
def place_tokens() -> frozenset[str]:
    """The tokens of every place name of the lexicon (once per process)."""
    return frozenset(t for place in place_names() for t in tokenize(place))


@lru_cache(maxsize=4)
def _district_names(
    districts: tuple[tuple[str, str], ...],
) -> tuple[dict[str, list[str]], re.Pattern[str] | None]:
    """For the district plans (id, bydel) of an index, in catalog order, compiled once: the plan ids by
    normalised bydel name, and one pattern for all the names (longest first, genitives included)."""
    by_name: dict[str, list[str]] = {}
    for plan_id, bydel in districts:
        by_name.setdefault(normalise(bydel), []).append(plan_id)
    names = sorted(by_name, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")(?:s|'s)?\b") if names else None
    return by_name, pattern


def find_places(norm: str, plans: Iterable[Plan]) -> tuple[list[str], str | None]:
    """Plan ids the question names, and a named bydel/municipality that has no plan here.

    A plan word that could mean any municipality's plan («kommunens plan», «municipality's plan»)
    names the city plan only when no other municipality is named.
    """
    plans = list(plans)
    by_bydel, added = _district_names(tuple((p.id, p.bydel) for p in plans if not p.is_city_plan))
    bydeler, others = _place_patterns()
    found: list[str] = []
    unknown: str | None = None
    rest = norm
    for name, pattern in bydeler:
        if pattern.search(rest):
            rest = pattern.sub(" ", rest)
            if normalise(name) in by_bydel:  # every plan of the district: a newer one need not replace the older
                found.extend(by_bydel[normalise(name)])
            else:
                unknown = _first_unknown(unknown, name)
    # a district added with `rusqa add` whose name is not in the lexicon (in catalog order)
    named = {plan_id for m in added.finditer(rest) for plan_id in by_bydel[m.group(1)]} if added else set()
    found += [p.id for p in plans if p.id in named and p.id not in found]
    municipality = next((place for place, pattern in others if pattern.search(rest)), None)
    if municipality is None:
        match = next((m for m in _OTHER_KOMMUNE.finditer(rest) if m.group(1) not in _NOT_A_KOMMUNE), None)
        municipality = match.group(1).capitalize() if match else None
    if municipality is not None:
        unknown = _first_unknown(unknown, municipality)
    else:
        city = [p.id for p in plans if p.is_city_plan]
        if city and (_CITY_PLAN.search(rest) or _CODE.search(rest)):
            found.extend(city)
    return list(dict.fromkeys(found)), unknown


# A question that names several tiltak («noen av tiltakene», «any measures») asks for a set, not one's status
_MANY = re.compile(r"\b(?:tiltakene|tiltak|noen|measures|actions|initiatives|any)\b")


def _opens_yes_no(norm: str) -> bool:
    """The question opens with a finite auxiliary or verb: a yes/no question («Er …?», «Has …?»)."""
    return bool(word_pattern("yes_no_openers").match(norm.lstrip()))


def detect_field(norm: str) -> FieldName | None:
    """The printed field a question asks for: the first of owner, deadline, status, risk whose cue occurs
    earliest in the question."""
    best: tuple[int, FieldName] | None = None
    for name, pattern in cue_patterns("fields").items():
        match = pattern.search(norm)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), FieldName(name))
    return best[1] if best else None


def detect_shape(norm: str, field: FieldName | None, filters: Filters) -> Shape:
    shapes = cue_patterns("shapes")
    if filters.owner:  # «Hva har NAV ansvar for?»: an inverse-owner question is a set
        return Shape.COUNT if shapes["count"].search(norm) else Shape.SET
    # «Hvilke tiltak / hvor mange tiltak … har bydelene som samarbeidspartner?»: city measures, not plans
    districts_act = filters.for_bydelene or filters.districts_role
    counted = filters.status or filters.risk or filters.code_group or districts_act
    if shapes["count"].search(norm) and (_COUNTED_RECORDS.search(norm) or counted):
        return Shape.ACROSS if shapes["across"].search(norm) and not districts_act else Shape.COUNT
    if districts_act and shapes["set"].search(norm):
        return Shape.SET
    if shapes["across"].search(norm):
        return Shape.ACROSS
    asks_which = filters.any and not filters.codes and re.search(r"\b(hvilke|which)\b", norm)
    # «hvem lager oversikten over …»: the interrogative asks a field; «oversikten» is its subject
    if field is not None and _FIELD_QUESTION.match(norm) and not asks_which:
        return Shape.VALUE
    keyword_set = _KEYWORD_SET.search(norm) and not tiltak_numbers(norm)  # «tiltak i Grorud», not «tiltak 4 i Grorud»
    if shapes["set"].search(norm) or asks_which or keyword_set:
        return Shape.SET
    if shapes["plan"].search(norm) and field is None:
        return Shape.PLAN
    if field is not None:
        return Shape.VALUE
    return Shape.FACT


def is_smalltalk(norm: str) -> bool:
    tokens = re.findall(r"[^\W\d_]+", norm)
    return bool(tokens) and all(t in courtesy_words() for t in tokens)


_ASKS_WHO = re.compile(
    r"\b(hvem|who|whom|hvilken (?:avdeling|byrådsavdeling|etat|enhet)|which (?:department|unit|agency))\b"
)


def owner_phrase(norm: str) -> str | None:
    """The unit an inverse-owner question names («Hva har NAV ansvar for» → «nav»); none when it asks who."""
    if _ASKS_WHO.search(norm):
        return None
    for pattern in _INVERSE_OWNER:
        match = pattern.search(norm)
        if match:
            words = [w for w in match.group("x").split() if w not in stopwords() and w not in english_stopwords()]
            words = [w for w in words if w not in frame_words() and w not in english_frame()]
            words = [w for w in words if not word_pattern("sole").fullmatch(w)]  # «NAV alene»: the word is a filter
            if words:
                return " ".join(words)
    return None


_DOING = re.compile(r"\b(?:[Hh]va gjør|[Ww]hat (?:does|do)) (?P<x>[A-ZÆØÅ][\w-]*(?: [A-ZÆØÅ][\w-]*)?)\b")


def doing_unit(question: str, vocab: Vocabulary) -> str | None:
    """«Hva gjør NAV …», «What does Velferdsetaten do …»: the unit, when it is a name (a capital) whose words the
    plans print as owners, and not a place («Hva gjør Grorud for …» asks what the plan does)."""
    match = _DOING.search(question)
    if not match:
        return None
    unit = normalise(match.group("x"))
    tokens = set(tokenize(unit))
    if not tokens or tokens & place_tokens() or not tokens <= vocab.owner_words:
        return None
    return unit


def typed_codes(question: str, english: bool) -> list[str]:
    """The city plan's codes as typed («11S», «12 s»); in English only with a capital letter («under 18s»)."""
    found = _TYPED_CODE.findall(question)
    return list(dict.fromkeys(f"{n}{letter.upper()}" for n, letter in found if letter.isupper() or not english))


def read_filters(norm: str, field: FieldName | None, codes: list[str]) -> Filters:
    """The exact filters a question names: codes, facets, years, owner and «bydelene» (only the codes count
    unless the question turns out to ask for a set)."""
    group = _CODE_GROUP.search(norm)
    year = None
    if _DEADLINE_WORDS.search(norm):
        match = _YEAR.search(norm)
        year = int(match.group(1)) if match else None
    risk = asked_facet("risk", norm) if field == FieldName.RISK or re.search(r"\brisi[kc]", norm) else None
    owner = owner_phrase(norm)
    districts = bool(re.search(r"\b(bydelene|the districts)\b", norm)) and owner in (None, "bydelene")
    # «der bydelene er samarbeidspartner»: the measures in which another actor works with the districts
    partner = districts and bool(word_pattern("districts_partner").search(norm))
    for_bydelene = True if districts and not partner else None
    if owner == "bydelene":
        owner = None
    status = asked_facet("status", norm)
    # «høy eller middels risiko», «påbegynt eller ikke startet»: each facet joined so is accepted
    statuses = joined_facets("status", norm) if status else []
    risks = joined_facets("risk", norm) if risk else []
    status, risk = (statuses[0] if statuses else status), (risks[0] if risks else risk)
    return Filters(
        owner=owner,
        owner_only=bool(owner) and _sole(norm),
        status=status,
        risk=risk,
        status_also=statuses[1:],
        risk_also=risks[1:],
        status_excluded=bool(status) and negated_facet("status", norm),
        risk_excluded=bool(risk) and negated_facet("risk", norm),
        year=year,
        for_bydelene=for_bydelene,
        districts_role=Role.PARTNER if partner else None,
        codes=list(dict.fromkeys(codes)),
        code_group=next(g for g in group.groups() if g).upper() if group else None,
    )


def search_concepts(
    question: str,
    vocab: Vocabulary,
    *,
    english: bool,
    drop: set[str],
    either: bool = False,
) -> list[list[str]]:
    """The question's subject as concepts: one token group per word (the word, its glossary renderings,
    its compound parts, the plans' words it begins, or the plans' own abbreviation for it)."""
    concepts: list[list[str]] = []
    seen: set[str] = set()
    for segment, alternative in _segments(question, either=either):
        found = _segment_concepts(segment, drop, vocab, english)
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


_EITHER = re.compile(r"\s/\s|\s(?:eller|or)\s|\(([^()]*)\)")


def _segments(question: str, *, either: bool = False) -> list[tuple[str, bool]]:
    """The question cut at « / » and around «( … )» (and at «eller» / «or» when asked which plans have either
    thing); True marks a segment that names the same thing again."""
    out: list[tuple[str, bool]] = []
    pos = 0
    pending = False
    for match in (_EITHER if either else _ALTERNATIVE).finditer(question):
        out.append((question[pos : match.start()], pending))
        if match.group(1) is not None:
            out.append((match.group(1), True))
            pending = False
        else:
            pending = True
        pos = match.end()
    out.append((question[pos:], pending))
    return [(text, alt) for text, alt in out if text.strip()]


def _word_concept(w: str, vocab: Vocabulary, english: bool, drop: frozenset[str] = frozenset()) -> list[list[str]]:
    """The token groups one question word stands for."""
    raw = split_compound(w, vocab.words, keep_known=True)
    parts = [p for p in raw if p not in drop]
    if raw and not parts:  # «grorudplanen»: a place and a record word
        return []
    if parts and len(parts) < len(raw) and w in vocab.words and not set(tokenize(w)) & _tokens_of(drop):
        # «brukerplan»: a plan word whose other part frames a question («plan») names a thing of its own; its
        # remaining part alone («bruker») would stand for every record that mentions users
        return [_with_abbreviations(tokenize(w), w, vocab)]
    if parts:  # each part, or the whole compound where a plan writes it as one word
        whole = tokenize(w) if w in vocab.words else []
        return [_with_abbreviations(list(dict.fromkeys(tokenize(part) + whole)), part, vocab) for part in parts]
    if not english and w not in vocab.words:
        prefixed = _prefix_compound(w, vocab)
        if prefixed:
            return prefixed
    renderings = glossary().get(w, ()) if (english or w not in vocab.words) else ()
    own = tokenize(w) if (w in vocab.words or not renderings) else []
    group = list(dict.fromkeys(own + [t for r in renderings for t in tokenize(r)]))
    if w not in vocab.words and not renderings and len(w) >= 6:
        longer = words_beginning(vocab, w, len(w) + 1)
        group = list(dict.fromkeys(group + [t for x in longer for t in tokenize(x)]))
    return [_with_abbreviations(group, w, vocab)]


@lru_cache(maxsize=64)
def _tokens_of(words: frozenset[str]) -> frozenset[str]:
    return frozenset(t for w in words for t in tokenize(w))


@lru_cache(maxsize=4)
def _sorted_words(vocab: Vocabulary) -> tuple[str, ...]:
    return tuple(sorted(vocab.words))


def words_beginning(vocab: Vocabulary, prefix: str, min_length: int, limit: int = 12) -> list[str]:
    """The plans' words (at most `limit`, in order) that begin with prefix and have at least min_length letters:
    a range of the sorted word list, found by bisection instead of a pass over every word."""
    words = _sorted_words(vocab)
    start = bisect.bisect_left(words, prefix)
    out: list[str] = []
    for word in words[start:]:
        if not word.startswith(prefix) or len(out) >= limit:
            break
        if len(word) >= min_length:
            out.append(word)
    return out


def _prefix_compound(w: str, vocab: Vocabulary) -> list[list[str]]:
    """«hasjavvenningskurset»: a compound whose first part the plans write only inside longer words
    («hasjavvenningsprogram», and its abbreviation «HAP») and whose last part is a plan word («kurs»): the longer
    words stand for it."""
    for i in range(len(w) - 4, 5, -1):
        head, tail = w[:i], w[i:]
        if tail not in vocab.words and not set(tokenize(tail)) & vocab.terms:
            continue
        longer = words_beginning(vocab, head, len(head) + 3)
        if longer:
            # the last part names what kind of thing it is («kurs» for the plans' «program»): the first part says which
            return [list(dict.fromkeys(t for x in longer for t in _with_abbreviations(tokenize(x), x, vocab)))]
    return []


def _with_abbreviations(group: list[str], word: str, vocab: Vocabulary) -> list[str]:
    """Add the plans' own abbreviation for a long form, or the long form for an abbreviation."""
    extra = [t for long in vocab.abbreviations.get(word, ()) for t in tokenize(long)]
    for abbr, long in _one_word_long_forms(vocab):
        if long.startswith(word) or word.startswith(long):
            extra.extend(tokenize(abbr))
    return list(dict.fromkeys(group + extra))


@lru_cache(maxsize=4)
def _one_word_long_forms(vocab: Vocabulary) -> tuple[tuple[str, str], ...]:
    """(abbreviation, its normalised long form) for the plans' one-word long forms, made once per index."""
    return tuple(
        (abbr, normalise(long)) for abbr, longs in vocab.abbreviations.items() for long in longs if " " not in long
    )


def _segment_concepts(text: str, drop: set[str], vocab: Vocabulary, english: bool) -> list[list[str]]:
    concepts: list[list[str]] = []
    for forms in word_groups(text):
        if len(forms) > 1:  # «FACT-team»: the joined form or the first part, then the other parts
            joined_english = english and forms[0] not in vocab.words  # «health-related»: English words, each
            if joined_english or any(part in drop for part in forms[1:]):  # «Grorud-planen»: a place joined on
                forms = [part for part in forms[1:] if part not in drop]
                concepts.extend(g for part in forms for g in _word_concept(part, vocab, english) if g)
                continue
            head = [forms[0], forms[1]]
            groups = [tokenize(" ".join(f for f in head if f not in drop))] + [
                tokenize(part) for part in forms[2:] if part not in drop
            ]
            concepts.extend(group for group in groups if group)
            continue
        w = forms[0]
        if w in drop or len(w) < 2 or w.isdigit():
            continue
        concepts.extend(group for group in _word_concept(w, vocab, english, frozenset(drop)) if group)
    return concepts


def _dropped(norm: str, english: bool, field: FieldName | None, shape: Shape, places: list[str]) -> set[str]:
    drop = set(frame_words()) | courtesy_words() | {w for place in places for w in normalise(place).split()}
    drop |= {w + "s" for place in places for w in normalise(place).split()}
    drop |= set(lexicon()["anaphora"])
    if shape == Shape.ACROSS:  # «Hvilke planer mangler …»: the absence frames the question
        drop |= set(lexicon()["absence"])
    if field is not None:
        drop |= field_words(field.value)
    if field == FieldName.RISK:  # «hvor høy risiko»: the level words frame the question
        drop |= {w for facet in facet_table()["risk"] for w in lexicon_facet_words("risk", facet)}
    if shape in (Shape.SET, Shape.COUNT, Shape.ACROSS, Shape.PLAN):
        for f in FieldName:
            drop |= field_words(f.value)
        drop |= {w for m in word_pattern("totality").finditer(norm) for w in m.group(0).split()}  # «til sammen»
        if re.search(r"risi[kc]", norm):  # «middels risiko»: the facet words are a filter, not a subject
            drop |= {w for facet in facet_table()["risk"] for w in lexicon_facet_words("risk", facet)}
    if english:
        drop |= english_frame()
        if shape in (Shape.SET, Shape.COUNT, Shape.ACROSS):  # «which measures target young people»
            drop |= set(lexicon()["aboutness_english"])
    else:
        drop |= set(lexicon()["aboutness"])
    return drop


def analyse(question: str, plans: Iterable[Plan], vocab: Vocabulary) -> Question:
    """Analyse a question against the corpus's plans and vocabulary."""
    plans = list(plans)
    typed = normalise(question)
    english = is_english(typed)
    norm = fold_places(typed, place_names())
    corrected: dict[str, str] = {}
    if not english:
        norm, corrected = vocab.speller.repair(norm)
    if is_smalltalk(norm):
        return Question(text=question, shape=Shape.SMALLTALK, english=english, dense_text=question)
    plan_ids, unknown = find_places(norm, plans)
    field = detect_field(norm)
    # a yes/no question about one tiltak's state; «Er noen av tiltakene påbegynt?» names records and asks for a set
    about_one = field is None and _opens_yes_no(norm) and not _MANY.search(norm)
    state = asked_facet("status", norm) if about_one else None
    if state is not None:  # «Har Grorud kommet i gang med …?»: whether a tiltak is in a state is its status
        field = FieldName.STATUS
    codes = typed_codes(question, english)
    filters = read_filters(norm, field, codes)
    if not filters.owner and field is None:
        unit = doing_unit(question, vocab)
        if unit:  # «Hva gjør NAV i Ullern?»: what a unit the plans name as an owner does is the tiltak it owns
            filters = filters.model_copy(update={"owner": unit})
    shape = detect_shape(norm, field, filters)
    if shape not in (Shape.SET, Shape.COUNT):
        filters = Filters(codes=filters.codes)
    elif not filters.owner:  # «hvor mange av dem har AVL alene?»: a code the plans print only as an owner
        # a code typed in capitals is an owner when the plans print it only as one (LiveIndex.owner_codes)
        code = next((c for c in CAPITAL_CODE.findall(question) if c.casefold() in vocab.owner_codes), None)
        if code:
            filters = filters.model_copy(update={"owner": code.casefold(), "owner_only": _sole(norm)})
    if filters.codes or filters.code_group or filters.for_bydelene or filters.districts_role:
        plan_ids = plan_ids or [p.id for p in plans if p.is_city_plan]
    named = [p.bydel for p in plans if p.id in plan_ids and not p.is_city_plan]
    numbers = tiltak_numbers(norm) if len(named) == len(plan_ids) <= 1 else []  # a district plan's, or the chat's
    places = [*named, *([unknown] if unknown else [])]
    drop = _dropped(norm, english, field, shape, places)
    if filters.owner:
        drop |= {w.strip("-") for w in filters.owner.split()}  # «Helse- og mestringsavdelingen»
    if filters.owner_only:
        drop |= {m.group(0) for m in word_pattern("sole").finditer(norm)}
    if filters.for_bydelene:  # «rettet mot bydelene»
        drop |= {m.group(0) for m in word_pattern("addressed").finditer(norm)}
    if filters.districts_role:  # «der bydelene er samarbeidspartner»
        drop |= {w for m in word_pattern("districts_partner").finditer(norm) for w in m.group(0).split()}
    if state is not None:
        drop |= {w for entry in lexicon_facet_words("status", state) for w in entry.split()}
    for facet_field in ("status", "risk"):
        for value in (getattr(filters, facet_field), *getattr(filters, f"{facet_field}_also")):
            if value:
                drop |= {w for entry in lexicon_facet_words(facet_field, value) for w in entry.split()}
    if filters.status_excluded or filters.risk_excluded:  # «en annen status enn …»: the exclusion frames it
        drop |= {w for m in word_pattern("exclusion").finditer(norm) for w in m.group(0).split()} | {"enn", "than"}
    subject_text = _CODE_GROUP.sub(" ", _CODE.sub(" ", _TILTAK_NUMBER.sub(" ", norm) if numbers else norm))
    if english:  # «consumption room» → «brukerrom»: a rendering of several words names one plan word
        subject_text = _english_phrases().sub(lambda m: glossary_phrases()[m.group(0)], subject_text)
    titles = {t for p in plans if p.id in plan_ids for t in tokenize(p.title.split(":")[0])}
    # «Oslo kommunes handlingsplan for rusfeltet», «Nordre Akers lokale rusplan»: the words of the named plan's
    # own title name the plan, not a subject (a word of three letters or fewer is kept: «liv» in «Tryggere liv»)
    drop |= {
        w for forms in word_groups(subject_text) for w in forms[:1] if len(w) > 3 and holds(titles, w, vocab.words)
    }
    if any(live_city(plans, plan_ids)):  # «Tryggere liv», «byplanen»: the plan's name is not the subject
        subject_text = _CITY_PLAN.sub(" ", subject_text)
    concepts = search_concepts(subject_text, vocab, english=english, drop=drop, either=shape == Shape.ACROSS)
    concepts = [g for g in concepts if not set(g) <= titles]  # «Ullerns ruspolitiske handlingsplan»: its name
    ignore = drop | stopwords() | (english_stopwords() if english else set())
    subject = [
        w
        for forms in word_groups(subject_text)
        # «Ullern-planen»: a place or record word joined on leaves the other part(s)
        for w in ([p for p in forms[1:] if p not in ignore] if any(p in ignore for p in forms[1:]) else forms[:1])
        if w not in ignore and (not w.isdigit() or len(w) <= 2)
    ]
    typed_words = re.findall(r"[^\W\d_]+", norm)
    anaphor = len(concepts) <= 1 and any(w in lexicon()["anaphora"] for w in typed_words)
    lacking = shape == Shape.ACROSS and bool(word_pattern("absence").search(" ".join(norm.split()[:5])))
    if shape == Shape.PLAN:
        subject_words = sum(not set(g) <= _plan_tokens() for g in concepts)
        if subject_words >= PLAN_MAX_SUBJECT or (subject_words and word_pattern("one_record").search(norm)):
            # «Hvilket behandlingsteam skal Grorud etablere i løpet av planperioden?»: the period is a time, and the
            # question asks for a record; «Hva er målene med tiltaket om gatelag?»: the goals of one tiltak
            shape = Shape.FACT
    return Question(
        text=question,
        shape=shape,
        field=field if shape == Shape.VALUE else None,
        plan_ids=plan_ids,
        unknown_place=unknown,
        english=english,
        filters=filters,
        concepts=concepts,
        subject=subject,
        unknown=[i for i, group in enumerate(concepts) if not any(t in vocab.terms for t in group)],
        quantity=bool(_QUANTITY.search(norm)) and shape == Shape.FACT,
        counted=counted_terms(norm, english) if shape == Shape.FACT else [],
        numbers=numbers,
        corrected=corrected,
        anaphor=anaphor,
        lacking=lacking,
        districts_only=bool(_DISTRICT_WORDS.search(norm)),
        tiltak_only=bool(_TILTAK_WORDS.search(norm)),
        dense_text=question,
    )


def tiltak_numbers(norm: str) -> list[str]:
    """The tiltak numbers a question names («tiltak 1.2», «tiltak nr. 3», «t4»), as typed."""
    return list(dict.fromkeys(a or b for a, b in _TILTAK_NUMBER.findall(norm)))


def counted_terms(norm: str, english: bool) -> list[str]:
    """The tokens of what a quantity question counts («hvor mye penger» → «peng»), in Norwegian; [] when the
    word after the quantity is not a subject word («hvor mange er det …»)."""
    match = _COUNTED.search(norm)
    if not match or english:
        return []
    return tokenize(match.group(1))


def _sole(norm: str) -> bool:
    """«bare NAV», «NAV alene» — but not «NAV eller bare bydelen», where the restriction is one alternative."""
    return any(
        not re.search(r"\b(?:eller|or)\s*$", norm[: m.start()]) and not re.match(r"\s*(?:eller|or)\b", norm[m.end() :])
        for m in word_pattern("sole").finditer(norm)
    )


@lru_cache(maxsize=1)
def _plan_tokens() -> frozenset[str]:
    """The tokens of the words that ask about a plan as a whole (lexicon plan_words)."""
    return frozenset(t for w in lexicon()["plan_words"] for t in tokenize(w))


# A question about the plan as a whole names little else: with this many subject words of its own, it asks
# for a record (chosen on evals/dev).
PLAN_MAX_SUBJECT = 3


@lru_cache(maxsize=1)
def _english_phrases() -> re.Pattern[str]:
    phrases = sorted(glossary_phrases(), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b")


def live_city(plans: list[Plan], plan_ids: list[str]) -> list[str]:
    return [p.id for p in plans if p.is_city_plan and p.id in plan_ids]


def lexicon_facet_words(field_name: str, facet: str) -> list[str]:
    return list(facet_table()[field_name][facet]["asked"])
