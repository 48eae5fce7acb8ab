"""Asking: validate the question, analyse it into a `Question`, execute it by shape, build the answer.

`ask_many` is the implementation; `ask` is one line over it. The CLI's stdin mode, the UI, the
conversation and the evaluation all go through `answer` with a typed Question.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from rusqa.answering import shapes
from rusqa.answering.analyse import Vocabulary, analyse
from rusqa.answering.llm import with_generated_answer
from rusqa.answering.names import Name, giving, names
from rusqa.answering.shapes import Source
from rusqa.errors import InputError
from rusqa.facets import deadline_years, facet, measure_role, printed_alike
from rusqa.lexicon import lexicon
from rusqa.models import Answer, FieldName, Hit, Plan, Question, Shape, Tiltak
from rusqa.search import retrieve
from rusqa.search.documents import Doc
from rusqa.search.live import QUERY_CACHE, LiveIndex
from rusqa.search.retrieve import best_per_plan, concept_weights, coverage, search, will_embed
from rusqa.settings import Settings, get_settings
from rusqa.text import collapse, holds, normalise, orthography, strip_invisible, tokenize

# Chosen on evals/dev (README, «Settings»): a record answers when it holds at least half of the
# question's search terms, or when the dense leg finds it close; a set member and a line across plans
# need the same share of the subject.
MIN_COVERAGE = 0.5
MIN_COSINE = 0.86
# English questions share few words with the Norwegian plans and reach lower cosines (README, «Settings»).
MIN_COVERAGE_ENGLISH = 0.4
MIN_COSINE_ENGLISH = 0.80
SET_MIN_COVERAGE = 0.5
GROUPING_SHARE = 0.8
ACROSS_MIN_COVERAGE = 0.5
MAX_UNKNOWN_SHARE = 0.3
ALTERNATIVE_RATIO = 0.9
PREFER_WITHIN = 3
QUANTITY_POOL = 50  # a number may sit in a long passage that ranks low on one common word


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


def is_relevant(hit: Hit, *, english: bool = False) -> bool:
    min_coverage, min_cosine = (MIN_COVERAGE_ENGLISH, MIN_COSINE_ENGLISH) if english else (MIN_COVERAGE, MIN_COSINE)
    return hit.coverage >= min_coverage or (hit.cosine is not None and hit.cosine >= min_cosine)


@lru_cache(maxsize=4)
def vocabulary(live: LiveIndex) -> Vocabulary:
    """The analysis vocabulary of a live index (made once per index)."""
    # a word the plans print with «x» is also a word in its Norwegian spelling («naloxon» → «nalokson»), as the
    # index's tokens are: «naloksonopplæring» splits into «nalokson» + «opplæring», and is no typo
    respelled = {orthography(w): w for w in live.lexical.vocabulary if "x" in w}
    frequencies = live.word_frequencies
    return Vocabulary(
        words=live.lexical.vocabulary | frozenset(respelled),
        terms=live.lexical.terms,
        frequencies={**{k: frequencies.get(w, 1) for k, w in respelled.items()}, **frequencies},
        abbreviations=live.abbreviations,
        owner_codes=live.owner_codes,
        owner_words=live.owner_vocabulary,
    )


def understand(live: LiveIndex, text: str) -> Question:
    """The typed Question for a (cleaned) question text."""
    return analyse(unicodedata.normalize("NFC", text), live.plan_by_id.values(), vocabulary(live))


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
        return [self.answer(live, understand(live, self.clean(q))) for q in questions]

    def prepare(self, questions: Sequence[str]) -> None:
        """Embed, in one batch, the questions whose answers will use the dense leg (value and fact questions the
        words do not decide); the answers then find their vectors in the in-memory cache. Bad questions are left
        to `ask`."""
        live = self.live
        if not live.settings.dense:
            return
        texts = []
        for text in questions:
            try:
                question = understand(live, self.clean(text))
            except InputError:
                continue
            if (
                question.shape in (Shape.VALUE, Shape.FACT)
                and has_basis(live, question)
                and not question.filters.codes
                and will_embed(live, question)
            ):
                texts.append(question.dense_text)
        live.embed_queries(texts[:QUERY_CACHE])

    def clean(self, question: str) -> str:
        return clean_question(question, self.settings.max_question_chars)

    def answer(self, live: LiveIndex, question: Question, record_id: str | None = None) -> Answer:
        """Answer a typed question (a follow-up may pin the record), timed, with the optional LLM."""
        started = time.perf_counter()
        answer = execute(live, question, record_id=record_id)
        if self.settings.llm_url and not answer.abstained:
            answer = with_generated_answer(answer, self.settings.llm_url, self.settings.llm_model)
        return answer.model_copy(update={"latency_ms": round((time.perf_counter() - started) * 1000, 2)})


def _source(live: LiveIndex, hit: Hit) -> Source:
    doc = live.by_id[hit.record_id]
    return Source(hit=hit, doc=doc, plan=live.plan_by_id[doc.plan_id], tiltak=live.tiltak_by_id.get(doc.id))


def _plans(live: LiveIndex) -> list[Plan]:
    return list(live.plan_by_id.values())


def answer_question(live: LiveIndex, text: str) -> Answer:
    """One question against one live index, without settings-level extras (the LLM): a pure function."""
    return execute(live, understand(live, text))


def has_basis(live: LiveIndex, question: Question) -> bool:
    """Whether the plans could hold an answer: some search term occurs in them, and (in Norwegian, where every
    subject word should be the plans' own) most of the terms do — a word of general Norwegian the plans happen
    not to use («helt annet spørsmål») is no subject word they lack."""
    if not question.known_concepts:
        return False
    lacking = [i for i in question.unknown if not retrieve.is_general(live, question.concepts[i][0])]
    return question.english or len(lacking) / len(question.concepts) < MAX_UNKNOWN_SHARE


def execute(live: LiveIndex, question: Question, *, record_id: str | None = None) -> Answer:
    """Run a typed question: filter the records exactly, rank on the subject, build the shape's answer."""
    plans = _plans(live)
    if question.shape == Shape.SMALLTALK:
        return shapes.make_answer(question, shapes.SMALLTALK_REPLY, [], Shape.SMALLTALK)
    if question.unknown_place and not question.plan_ids:
        return shapes.abstain(question, shapes.abstention(plans, unknown_place=question.unknown_place))
    pinned_ok = record_id is not None and (question.field is None or record_id in live.tiltak_by_id)
    if record_id is not None and pinned_ok and record_id in live.by_id:
        source = _source(live, Hit(record_id=record_id, score=1.0, coverage=1.0))
        return _answer_from(question, [source])
    asked = asked_abbreviation(question.text)
    if asked is not None:
        return _abbreviation(live, question, asked)
    missing = [c for c in question.filters.codes if _code_id(live, c) is None]
    if missing:
        reason = f"Byplanen har ikke noe tiltak med kode {', '.join(missing)}."
        return shapes.abstain(question, shapes.abstention(plans, reason))
    if (
        question.numbers
        and len(question.plan_ids) == 1
        and question.shape not in (Shape.SET, Shape.COUNT, Shape.ACROSS)
    ):
        return _numbered(live, question)
    if question.shape in (Shape.SET, Shape.COUNT):
        return _set_or_count(live, question)
    if question.shape == Shape.PLAN:
        return _plan_description(live, question)
    if question.filters.codes:  # «Hvem har ansvar for 11S?», «Hva går tiltak 24F ut på?»
        ids = [_code_id(live, c) for c in question.filters.codes]
        sources = [_source(live, Hit(record_id=i, score=1.0, coverage=1.0)) for i in ids if i]
        return _answer_from(question, sources[:1])
    if question.shape == Shape.ACROSS and (state := asked_plan_state(question)) is not None:
        # «Hvilke planer har utløpt?»: the plans' periods answer it, not their words
        named = [live.plan_by_id[p] for p in question.plan_ids] or plans
        dated = [p for p in named if not p.is_city_plan] if question.districts_only else named
        return shapes.make_answer(question, shapes.plans_by_state(dated, state), [], Shape.ACROSS)
    if not has_basis(live, question):
        return shapes.abstain(question, shapes.abstention(plans))
    if question.shape == Shape.ACROSS:
        return _across(live, question)
    # «Hvem har ansvar for BrukerPlan i Ullern?»: a plan that never gives the name has nothing on it. In a plan that
    # does, the answer is searched among all its records: the one with the figure may not repeat the name (dev −1
    # when narrowed to the records that give it).
    given = names(question)
    if given and not giving(live, given, question.plan_ids):
        return _name_not_found(live, question, given)
    if not given and _absent_from_named(live, question):
        return _not_found(live, question)
    sources = ranked_sources(live, question)
    if question.field is not None:  # a field is printed on a tiltak: prose cannot answer it
        sources = [s for s in sources if s.tiltak is not None]
    if not sources:
        return _not_found(live, question)
    if question.quantity and not states_the_number(question, sources[0].doc.text):
        return shapes.abstain(question, shapes.abstention(plans, _no_number_near(question)))
    return _answer_from(question, sources)


def asked_plan_state(question: Question) -> str | None:
    """«ended» or «current» when the whole subject of the question is a word for a plan's period having ended or
    still running (`questions.yaml: plan_state`); else None."""
    said = [normalise(w) for w in question.subject]
    if not said:
        return None
    return next((state for state, known in _plan_state_words().items() if all(w in known for w in said)), None)


@lru_cache(maxsize=1)
def _plan_state_words() -> dict[str, frozenset[str]]:
    return {
        str(state): frozenset(w for entry in entries for w in normalise(entry).split())
        for state, entries in lexicon()["plan_state"].items()
    }


_NUMBER_IN = re.compile(r"\d+")


def _no_number_near(question: Question) -> str:
    """What the plans were searched for, said plainly: «Ingen setning i planene setter et tall ved «innbyggere».»
    — the plans may give the number in other words («befolkning»), so it says what it looked for, not that the
    plans lack it."""
    counted = set(question.counted)
    words = [w for w in question.subject if counted & set(tokenize(w))] if counted else question.subject
    shown = " ".join(words or question.subject)
    return f"Ingen setning i planene setter et tall ved «{shown}»." if shown else "Planene oppgir ikke dette tallet."


def states_the_number(question: Question, text: str) -> bool:
    """Whether a sentence of the record puts a number beside what the question counts («hvor mye penger»: beside
    «penger»), or else beside its terms — not a number the question typed itself («Brukerrom 2»), and in the year
    the question names, if it names one."""
    years = shapes.question_years(question)
    typed = set(_NUMBER_IN.findall(question.text))
    for sentence in shapes.sentences(text):
        if years and not years & set(shapes.YEAR.findall(sentence)):
            continue
        stripped = _NUMBER_IN.sub(lambda m: m.group(0) if m.group(0) not in typed else "", sentence)
        if shapes.number_near_term(stripped, set(question.counted or question.terms)):
            return True
    return False


def _answer_from(question: Question, sources: list[Source]) -> Answer:
    if question.field is not None:
        tiltak = [s for s in sources if s.tiltak is not None]
        if tiltak:
            top = tiltak[0].hit
            close = [
                s
                for s in tiltak[1:3]
                if s.hit.score >= ALTERNATIVE_RATIO * top.score and s.hit.coverage >= top.coverage
            ]
            chosen = [tiltak[0], *close[:1]]
            return shapes.make_answer(
                question, shapes.value_answer(question.field, chosen, question.terms), chosen, Shape.VALUE
            )
    top = sources[0].hit
    close = [s for s in sources[1:2] if s.hit.score >= ALTERNATIVE_RATIO * top.score and s.hit.coverage >= top.coverage]
    chosen = [sources[0], *close]
    return shapes.make_answer(question, shapes.fact_answer(question, chosen), chosen, Shape.FACT)


def asked_abbreviation(text: str) -> str | None:
    """«hva står AVL for?», «what does SET stand for?»: the abbreviation asked about, as typed, or None."""
    for cue in lexicon()["abbreviation_asked"]:
        match = re.search(cue, text)
        if match:
            return match.group(1)
    return None


def _abbreviation(live: LiveIndex, question: Question, abbr: str) -> Answer:
    """What an abbreviation stands for, from a record that spells it out («HM: Helse- og mestringsavdelingen»,
    «OF/HM (Oppvekst- og familieavdelingen / Helse- og mestringsavdelingen)», «… (HAP)»); where no record does,
    say so — and which plans use it — rather than quote a record that only uses it."""
    token = abbr.casefold()
    using = [d for d in live.docs if token in live.lexical.token_sets[d.id]]
    if question.plan_ids:
        using = sorted(using, key=lambda d: d.plan_id not in question.plan_ids)  # the named plan's first
    known = live.abbreviations.get(token, ())
    found = {doc.id: shapes.spelled_out(doc.text, abbr, known) for doc in using}
    for how in range(3):  # a list of abbreviations first, then an owner's expansion, then a known long form
        for doc in using:
            spelled = found[doc.id][how]
            if spelled:
                source = _source(live, Hit(record_id=doc.id, score=1.0, coverage=1.0))
                text = shapes.abbreviation_answer(abbr, spelled, source)
                return shapes.make_answer(question, text, [source], Shape.FACT)
    where = [p for p in _plans(live) if any(d.plan_id == p.id for d in using)]
    used = f" Den brukes i: {', '.join(shapes.plan_short(p) for p in where)}." if where else ""
    return shapes.abstain(question, f"Planene forklarer ikke forkortelsen «{abbr}».{used}")


def _not_found(live: LiveIndex, question: Question) -> Answer:
    """Nothing relevant: say which plan lacks it, and which plans have it, when one plan was named."""
    plans = _plans(live)
    if len(question.plan_ids) == 1 and question.english:  # the English words are not the plan's: name no topic
        return shapes.abstain(question, shapes.abstention([live.plan_by_id[question.plan_ids[0]]]))
    if len(question.plan_ids) == 1:
        plan = live.plan_by_id[question.plan_ids[0]]
        if _mentions(live, plan.id, question):
            return shapes.abstain(question, shapes.not_in_plan(plan, question.subject, [], mentioned=True))
        others = [p for p in plans if p.id != plan.id and _mentions(live, p.id, question)]
        held = live.plan_tokens.get(plan.id, frozenset())
        missing = [w for w in question.subject if not holds(held, w, live.lexical.vocabulary)]  # what it lacks
        telling = [w for w in missing if not all(retrieve.is_general(live, t) for t in tokenize(w))]  # not «stedet»
        return shapes.abstain(question, shapes.not_in_plan(plan, telling or missing or question.subject, others))
    return shapes.abstain(question, shapes.abstention(plans))


def _absent_from_named(live: LiveIndex, question: Question) -> bool:
    """In a Norwegian question, the subject words the named plan(s) never use weigh at least half: no
    record of those plans can hold the question (and the dense leg must not stand in for the words)."""
    if not question.plan_ids or not question.known_concepts or question.like:
        return False  # «samme spørsmål for Nordre Aker»: its counterpart of the tiltak answered may use other words
    tokens = frozenset().union(*(live.plan_tokens.get(p, frozenset()) for p in question.plan_ids))
    weights = dict(enumerate(concept_weights(live, question)))
    absent = sum(w for i, w in weights.items() if not tokens.intersection(question.known_concepts[i]))
    if question.english:  # the glossary's words may not be the plan's: only when the plan has none of them
        return absent >= sum(weights.values()) > 0
    return absent >= MIN_COVERAGE * sum(weights.values()) > 0


def _mentions(live: LiveIndex, plan_id: str, question: Question) -> bool:
    tokens = live.plan_tokens.get(plan_id, frozenset())
    return bool(question.known_concepts) and all(tokens.intersection(group) for group in question.known_concepts)


def ranked_sources(live: LiveIndex, question: Question) -> list[Source]:
    """The records a value or fact question is answered from, best first: retrieval, the relevance gate,
    then the fact preferences."""
    k = QUANTITY_POOL if question.quantity else live.settings.top_k
    hits = [h for h in search(live, question, k=k) if is_relevant(h, english=question.english)]
    if question.like in live.tiltak_by_id and live.tiltak_by_id[question.like].plan_id not in question.plan_ids:
        hits = _with_counterparts(live, question, hits, k)
    sources = [_source(live, h) for h in hits]
    if not sources or question.field is not None:
        return sources
    return prefer_for_fact(question, sources)


LIKE_WORDS = 8  # the most telling words of the tiltak whose counterpart is asked for
SHARED_GOAL = 0.25  # a goal more than this share of a plan's tiltak serve is one of its broad aims


def _with_counterparts(live: LiveIndex, question: Question, hits: list[Hit], k: int) -> list[Hit]:
    """«samme spørsmål for Nordre Aker» after an answer about a Grorud tiltak: the named plans' tiltak that hold
    MIN_COVERAGE of that tiltak's most telling words come before the question's own hits. The words are its goal's (what
    another plan would share; the text says how one district does it), or its text's where it prints no goal."""
    like = live.tiltak_by_id[question.like or ""]
    goals = [t.goal for t in live.tiltak_by_plan.get(like.plan_id, [])]
    # the goal is what another plan shares — unless it is one of a few broad aims most of the plan's tiltak serve
    # («Innbyggere med rusproblemer får bistand …»): then the text says what the tiltak is
    broad = like.goal is None or goals.count(like.goal) > len(goals) * SHARED_GOAL
    tokens = list(dict.fromkeys(tokenize(like.text if broad else like.goal or "")))
    telling = sorted(
        (t for t in tokens if t in live.lexical.terms and not retrieve.is_general(live, t)),
        key=lambda t: -live.lexical.idf.get(t, 0.0),
    )[:LIKE_WORDS]
    if not telling:
        return hits
    alike = question.model_copy(update={"concepts": [[t] for t in telling], "unknown": [], "english": False})
    counterparts = [
        h
        for h in search(live, alike, k=k, use_dense=False)
        if h.record_id in live.tiltak_by_id and h.coverage >= MIN_COVERAGE
    ]
    # the counterparts first (what «the same question» asks for), in the order the question's own words give them
    # where those words reach them, then the question's other hits
    own = {h.record_id: i for i, h in enumerate(hits)}
    counterparts.sort(key=lambda h: own.get(h.record_id, len(own)))
    held = {h.record_id for h in counterparts}
    return [*counterparts, *(h for h in hits if h.record_id not in held)]


def prefer_for_fact(question: Question, sources: list[Source]) -> list[Source]:
    """Reorder the best few sources for a fact question: a record with a number first when a number is
    asked for; prose over a tiltak that covers no more of the question («Hva sier planen om …»)."""
    head = sources[:PREFER_WITHIN]
    if question.quantity:
        terms = set(question.terms)
        counted = [s for s in sources if any(shapes.number_near_term(x, terms) for x in shapes.sentences(s.doc.text))]
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


# ── sets and counts ────────────────────────────────────────────────────────────────────────────


def _code_id(live: LiveIndex, code: str) -> str | None:
    city = next((p for p in live.plan_by_id.values() if p.is_city_plan), None)
    return numbered_id(live, city, code) if city is not None else None


def _numbered(live: LiveIndex, question: Question) -> Answer:
    """«Hvem har ansvar for tiltak 1.2 i Sagene?»: the tiltak the named plan prints with that number — or, in a plan
    that numbers none, the one rusqa shows as «t4» (the plan's 4th)."""
    plan = live.plan_by_id[question.plan_ids[0]]
    ids = [numbered_id(live, plan, n) for n in question.numbers]
    found = [_source(live, Hit(record_id=i, score=1.0, coverage=1.0)) for i in ids if i]
    if not found:
        numbers = ", ".join(question.numbers)
        return shapes.abstain(
            question, f"Jeg finner ikke dette: {shapes.plan_short(plan)} har ikke noe tiltak nummer {numbers}."
        )
    return _answer_from(question, found[:1])


def numbered_id(live: LiveIndex, plan: Plan, number: str) -> str | None:
    """The id of a plan's tiltak by the number it prints, or by rusqa's «t4» / «4» where the plan prints none."""
    own = live.tiltak_by_plan.get(plan.id, [])
    printed = f"{plan.id}-{number}"
    if any(t.id == printed for t in own):
        return printed
    unnumbered = all(re.fullmatch(rf"{re.escape(plan.id)}-t\d+", t.id) for t in own)
    ordinal = f"{plan.id}-t{number.removeprefix('t')}"
    return ordinal if unnumbered and any(t.id == ordinal for t in own) else None


def owner_matches(live: LiveIndex, t: Tiltak, owner: str) -> bool:
    """The unit is named in the printed owner or its expansion, or as the actor that opens the tiltak's text.

    Only the words of the phrase that some owner in the plans uses count («UTD oppført» → «utd»).
    """
    known = live.owner_vocabulary
    actor = live.actor_tokens[t.id]
    wanted = {w for w in tokenize(owner) if w in known or w in actor or _near(w, known)}
    if not wanted:
        return False
    held = live.owner_tokens[t.id]
    return all(w in held or _near(w, held) for w in wanted) or wanted <= actor


# Owners are listed with commas, slashes, «&», «+» or «og» — but «Helse- og mestringsavdelingen» is one unit
# (the hyphen stands for the shared second part).
# «NAV/Bydel», «SET, HEL», «… og …», and the phrases of cooperation that name a second owner («… i samarbeid med
# Velferdsetaten», «sammen med», «in cooperation with»: Norwegian and English comitative prepositions, a closed class)
_OWNER_SEPARATOR = re.compile(
    r"\s*[,/;&+]\s*|(?<!-)\s+og\s+|\s+and\s+|\s+(?:i samarbeid med|sammen med|in (?:cooperation|collaboration) with|together with)\s+",
    re.IGNORECASE,
)


def owner_parts(printed: str | None) -> list[str]:
    """The units a printed owner names: «NAV/Bydel» → two, «Helse- og mestringsavdelingen» → one."""
    return [part for part in _OWNER_SEPARATOR.split(printed or "") if part.strip()]


def _near(word: str, tokens: frozenset[str]) -> bool:
    """One edit away from a token of five letters or more: a plan's own typo («oppvekt» for «oppvekst»)."""
    return len(word) >= 5 and any(
        len(t) >= 5 and abs(len(t) - len(word)) <= 1 and Levenshtein.distance(word, t, score_cutoff=1) <= 1
        for t in tokens
    )


def matching_tiltak(live: LiveIndex, question: Question) -> list[Tiltak]:
    """The tiltak of the plans named (all plans when none) that pass every exact filter."""
    f = question.filters
    out = []
    for t in live.tiltak_of(question.plan_ids):
        if f.codes and t.id.removeprefix(f"{t.plan_id}-") not in f.codes:
            continue
        if f.code_group and not t.id.endswith(f.code_group):
            continue
        if f.for_bydelene and not t.for_bydelene:
            continue
        if f.districts_role and (not live.plan_by_id[t.plan_id].is_city_plan or measure_role(t) != f.districts_role):
            continue
        if f.status and (facet("status", t.status) in (f.status, *f.status_also)) == f.status_excluded:
            continue
        if f.risk and (facet("risk", t.risk) in (f.risk, *f.risk_also)) == f.risk_excluded:
            continue
        if f.year and f.year not in deadline_years(t.deadline):
            continue
        if f.deadline and not printed_alike(t.deadline, f.deadline):
            continue
        if f.owner_printed and not printed_alike(t.owner, f.owner_printed):
            continue
        if f.owner and not owner_matches(live, t, f.owner):
            continue
        if f.owner_only and len(owner_parts(t.owner)) != 1:
            continue
        if t.id in f.besides or (f.among and t.id not in f.among):
            continue
        out.append(t)
    return out


_NUMBERED = re.compile(r"\b([^\W\d_]{4,}) (\d{1,2})\b")


def by_grouping(live: LiveIndex, members: list[Tiltak], subject: Sequence[str]) -> list[Tiltak]:
    """Members under a section or goal the question names («under strategi 2», «målet om færre …»): the
    question holds most of the section's or goal's words, or the section path and goal hold most of the
    question's."""
    text = normalise(" ".join(subject))
    numbered = [f"{word} {n}" for word, n in _NUMBERED.findall(text)]  # «strategi 1»: one heading, not «1»
    under = [t for t in members if numbered and all(_heading_has(t.section, x) for x in numbered)]
    if under:
        members = under
    wanted = {t for t in tokenize(text) if t in live.lexical.idf} - _grouping_frame()  # «målet», «under» name none
    if len(wanted) == 1 and not under:
        # «skadeforebygging»: one word that is a heading's own word names that heading — or the first part of one
        # of its compounds («forebygging» in «Forebyggingsoffensiv for å hindre …»)
        (word,) = wanted
        headed = [
            t
            for t in members
            if any(any(x == word or (len(word) >= 6 and x.startswith(word)) for x in tokens)
                   for tokens in live.grouping_parts[t.id][:-1])
        ]  # fmt: skip
        if headed:
            return headed
    if len(wanted) < 2:
        return under
    out = []
    for t in members:
        held = live.grouping_tokens[t.id]
        named = any(
            len(tokens) >= 2 and len(tokens & wanted) >= GROUPING_SHARE * len(tokens)
            for tokens in live.grouping_parts[t.id]
        )
        if named or len(wanted & held) >= GROUPING_SHARE * len(wanted):
            out.append(t)
    return out or under


@lru_cache(maxsize=1)
def _grouping_frame() -> frozenset[str]:
    """The tokens of the words that name a part of a plan or place a tiltak under one (lexicon plan_parts,
    grouping_frame): a question's «under målet om færre …» names its goal by the other words."""
    words = [w for forms in lexicon()["plan_parts"].values() for w in forms] + lexicon()["grouping_frame"]
    return frozenset(t for w in words for t in tokenize(w))


def _heading_has(section: str, numbered: str) -> bool:
    return re.search(rf"\b{re.escape(numbered)}\b", normalise(section)) is not None


def _subject_hits(live: LiveIndex, question: Question, members: list[Tiltak]) -> list[Hit]:
    """Members ranked on the subject, with coverage measured on each record's own words."""
    only = frozenset(t.id for t in members)
    hits = search(live, question, k=len(only), only=only, use_dense=False)  # membership is decided on the words
    concepts = question.known_concepts
    weights = concept_weights(live, question)
    ranked = [
        h.model_copy(update={"coverage": coverage(concepts, live.own_tokens[h.record_id], weights)}) for h in hits
    ]
    seen = {h.record_id for h in ranked}
    return ranked + [Hit(record_id=t.id, score=0.0) for t in members if t.id not in seen]


def _filtered_fields(question: Question) -> list[FieldName]:
    f = question.filters
    return [
        field
        for field, on in ((FieldName.STATUS, f.status), (FieldName.RISK, f.risk), (FieldName.DEADLINE, f.year))
        if on
    ]


def _unprinted_filters(live: LiveIndex, question: Question) -> list[tuple[Plan, FieldName]]:
    """The (named plan, filtered field) pairs where the plan prints that field for none of its tiltak — only
    when no named plan prints it (then no tiltak can pass the filter, and saying «0» would mislead)."""
    if not question.plan_ids:
        return []
    out: list[tuple[Plan, FieldName]] = []
    for field in _filtered_fields(question):
        named = [live.plan_by_id[p] for p in question.plan_ids]
        if not any(t.value(field) for t in live.tiltak_of(question.plan_ids)):
            out.extend((plan, field) for plan in named)
    return out


def _printing(live: LiveIndex, unprinted: list[tuple[Plan, FieldName]]) -> dict[FieldName, list[Plan]]:
    """For each field a plan lacks: the plans that print it."""
    fields = dict.fromkeys(field for _, field in unprinted)
    return {
        field: [p for p in live.plan_by_id.values() if any(t.value(field) for t in live.tiltak_by_plan.get(p.id, []))]
        for field in fields
    }


def _set_or_count(live: LiveIndex, question: Question) -> Answer:
    """Filter exactly on the fields, narrow by a named section or goal, then rank on the subject; with no
    field filter, the subject itself defines the set."""
    plans = _plans(live)
    unprinted = _unprinted_filters(live, question)
    total = len(question.filters.among) or len(live.tiltak_of(question.plan_ids))  # «av dem»: of the last list
    if unprinted:  # «Hvilke tiltak i Stovner er fullført?»: the plan prints no status at all
        why = shapes.field_not_printed(unprinted, _printing(live, unprinted))
        if question.shape == Shape.COUNT:  # a count is still a number: none of them, and why
            return shapes.make_answer(question, f"0 av {total} tiltak. {why}", [], Shape.COUNT)
        return shapes.abstain(question, f"Jeg finner ikke dette: {why}")
    members = matching_tiltak(live, question)
    grouped = by_grouping(live, members, question.subject)
    if grouped:
        members = grouped
    # «hvor mange av dem gjelder bolig?»: membership in the last list is no field; the subject still narrows it
    field_filtered = question.filters.model_copy(update={"among": []}).any or bool(grouped)
    if question.known_concepts and members:
        hits = _subject_hits(live, question, members)
        if not field_filtered:
            hits = [h for h in hits if h.coverage >= SET_MIN_COVERAGE]
        if field_filtered or len(hits) <= shapes.CHAT_LINES:
            # the fields and headings decided the set, or every member is shown: it reads in the plan's order
            # («den første» is 14F); a longer set decided by its subject shows its best members first
            order = {t.id: i for i, t in enumerate(members)}
            hits = sorted(hits, key=lambda h: order.get(h.record_id, len(order)))
        sources = [_source(live, h) for h in hits]
    elif question.concepts and not question.known_concepts and not field_filtered:
        sources = []
    else:
        sources = [_source(live, Hit(record_id=t.id, score=1.0, coverage=1.0)) for t in members]
    if not sources:
        if question.shape == Shape.COUNT and field_filtered:
            named = [live.plan_by_id[p] for p in question.plan_ids] or plans
            return shapes.make_answer(question, shapes.count_zero_answer(question, named, total), [], Shape.COUNT)
        if len(question.plan_ids) == 1 and question.concepts:
            return _not_found(live, question)
        if question.filters.besides and question.plan_ids:  # «hvilke andre tiltak har samme ansvarlig?»: none
            plan = live.plan_by_id[question.plan_ids[0]]
            what = shapes.describe_filters(question.filters, [])
            return shapes.abstain(question, f"Ingen andre tiltak i {shapes.plan_short(plan)} {what}.")
        if field_filtered and question.plan_ids and question.shape == Shape.SET:
            # «Hvilke tiltak i Grorud har frist i 2024?»: none — said as a count, with the deadlines the plan prints
            named = [live.plan_by_id[p] for p in question.plan_ids]
            none = "Jeg finner ingen: " + shapes.count_zero_answer(question, named, total)
            if question.filters.year or question.filters.deadline:
                none += "\n" + shapes.printed_deadlines(live.tiltak_of(question.plan_ids))
            return shapes.abstain(question, none)
        return shapes.abstain(question, shapes.abstention(plans, "Ingen tiltak passer til dette."))
    under = _grouping_name(grouped) if grouped and len(sources) == len(grouped) else None
    if question.shape == Shape.COUNT:
        return shapes.make_answer(question, shapes.count_answer(question, sources, total, under), sources, Shape.COUNT)
    return shapes.make_answer(question, shapes.set_answer(question, sources, total, under), sources, Shape.SET)


def _grouping_name(members: list[Tiltak]) -> str | None:
    """The goal or heading all the members of a set decided by grouping share, as the answer names it."""
    goals = {t.goal for t in members}
    if len(goals) == 1 and None not in goals:
        return f"målet «{goals.pop()}»"
    paths = [t.section.split(" / ") for t in members]
    # the deepest heading they all stand under («7.3. STRATEGI 3 – …» over its «Strukturelt nivå», «Individnivå»)
    shared = [level[0] for level in itertools.takewhile(lambda level: len(set(level)) == 1, zip(*paths, strict=False))]
    return f"«{shared[-1]}»" if shared else None


# ── a plan as a whole, and across plans ────────────────────────────────────────────────────────


def _plan_description(live: LiveIndex, question: Question) -> Answer:
    plans = [live.plan_by_id[p] for p in question.plan_ids] or [p for p in live.plan_by_id.values() if p.is_city_plan]
    if not plans:
        return shapes.abstain(question, shapes.abstention(_plans(live)))
    asked = _asked_parts(question)
    parts = [_source(live, Hit(record_id=d.id, score=1.0)) for plan in plans for d in _part_lists(live, asked, plan)]
    texts = [shapes.plan_answer(plan, live.tiltak_by_plan.get(plan.id, [])) for plan in plans]
    if parts:  # «Hvilke mål og strategier har Ullern?»: the plan's own lists under those headings, cited
        words = [t for name in asked for t in tokenize(name)]
        texts += [shapes.part_line(s, n, words) for n, s in enumerate(parts, start=1)]
    return shapes.make_answer(question, "\n".join(texts), parts, Shape.PLAN)


PART_LISTS = 3  # passages quoted per plan for the parts a question names


def _asked_parts(question: Question) -> list[str]:
    """The parts of a plan a question names («mål», «strategi», «innsatsområde»)."""
    norm = normalise(question.text)
    return [
        part
        for part, names in lexicon()["plan_parts"].items()
        if any(re.search(rf"\b{re.escape(name)}\b", norm) for name in names)
    ]


def _part_lists(live: LiveIndex, asked: list[str], plan: Plan) -> list[Doc]:
    """The plan's passages that list a part the question asks for: a heading naming the part («Mål»,
    «Strategier», «… mål og strategier») over a bulleted list."""
    wanted = {t for part in asked for t in tokenize(part)}
    if not wanted:
        return []
    found = [
        d
        for d in live.passages_by_plan.get(plan.id, [])
        if " • " in d.text and wanted.intersection(tokenize(d.section.split(" / ")[-1]))
    ]
    return found[:PART_LISTS]


def _name_not_found(live: LiveIndex, question: Question, given: Sequence[Name]) -> Answer:
    """«Ullerns plan nevner ikke «BrukerPlan». Det gjør: Grorud, Nordre Aker, Stovner.»"""
    plans = _plans(live)
    if len(question.plan_ids) != 1:
        return shapes.abstain(question, shapes.abstention(plans))
    plan = live.plan_by_id[question.plan_ids[0]]
    have = {live.by_id[r].plan_id for r in giving(live, given)}
    others = [p for p in plans if p.id in have]
    return shapes.abstain(question, shapes.not_in_plan(plan, [" / ".join(n.typed for n in given)], others))


def _across(live: LiveIndex, question: Question) -> Answer:
    """One best record per plan (the plans named, or all; the district plans when districts are asked)."""
    plans = _plans(live)
    if len(question.plan_ids) >= 2:
        candidates = [live.plan_by_id[p] for p in question.plan_ids]
    elif question.districts_only:
        candidates = [p for p in plans if not p.is_city_plan]
    else:
        candidates = plans
    candidates = [p for p in candidates if p.id not in question.besides_plans]
    tiltak_only = question.tiltak_only
    found: list[Source] = []
    without: list[Plan] = []
    given = names(question)
    # one scoring, not one per plan; a name is looked for among all of a plan's records that hold any of the words
    per_plan = best_per_plan(live, question, [p.id for p in candidates], k=len(live.docs) if given else 5)
    with_name = giving(live, given)
    # whether a plan has it is decided on the words; which of its records the line cites: the one that holds most of
    # the question — a tiltak that holds enough of it before a passage that holds more (what the plan does about it
    # is what the line is for) — and among records that hold as much (to a tenth), the one the dense leg puts
    # nearest the question (dev +2; the BM25 order where no two tie)
    choices: dict[str, list[Hit]] = {}
    for plan in candidates:
        hits = [h for h in per_plan.get(plan.id, []) if not tiltak_only or h.record_id in live.tiltak_by_id]
        enough = ACROSS_MIN_COVERAGE
        if given:  # «(Rask psykisk helsehjelp)», «BrukerPlan»: a plan has it where, and only where, it gives the name
            hits = [h for h in hits if h.record_id in with_name]
            enough = 0.0
        tiltak = [h for h in hits if h.record_id in live.tiltak_by_id and h.coverage >= enough]
        pool = tiltak or hits
        if pool:
            most = max(round(h.coverage, 1) for h in pool)
            choices[plan.id] = [h for h in pool if round(h.coverage, 1) == most]
    tied = [h.record_id for hits in choices.values() if len(hits) > 1 for h in hits]
    near = live.cosines(live.embed_query(question.dense_text), tied) if tied and live.settings.dense else {}
    best_of = {plan_id: max(hits, key=lambda h: near.get(h.record_id, 0.0)) for plan_id, hits in choices.items()}
    for plan in candidates:
        best = best_of.get(plan.id)
        if best is None or best.coverage < (0.0 if given else ACROSS_MIN_COVERAGE):
            without.append(plan)
        else:
            found.append(_source(live, best))
    if not found:
        return shapes.abstain(question, shapes.abstention(plans))
    return shapes.make_answer(question, shapes.across_answer(question, found, without), found, Shape.ACROSS)
