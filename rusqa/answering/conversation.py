"""A chat conversation: each turn is answered in the state the earlier turns left.

The state is the plan filter, the record answered, the field asked and the last question. A turn with
no subject of its own is a follow-up: «og hva er fristen?» asks a new field of the same record, «hva med
Stovner?» asks the last question of another plan, «hvem har ansvaret for det?» points back to the last
tiltak (the first tiltak it cited, when a passage came first), «hvem har ansvar for den andre?» asks of the
second record of the last list, «hva med 12S?» asks the same field of another code, «hvor mange av dem har
høy risiko?» narrows the last set, «which plans have a routine like that?» asks the last subject across plans
(«hvilke andre planer …» without the plan the chat was about), «hvilke andre tiltak har samme ansvarlig?» lists
the other tiltak of the plan that share the owner (status, risk) of the tiltak the conversation is about,
«samme spørsmål for Nordre Aker» asks for that tiltak's counterpart there, and «og tiltak 1.3?» asks the same
field of another numbered tiltak. A question with a subject of its own starts afresh. The state lives in memory
only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from rusqa.answering.analyse import detect_field
from rusqa.answering.qa import Assistant, understand
from rusqa.facets import facet
from rusqa.lexicon import cue_patterns, english_of, lexicon, word_pattern
from rusqa.models import Answer, Context, FieldName, Plan, Question, Shape, Tiltak
from rusqa.text import normalise, tokenize, words

_SET_SHAPES = (Shape.SET, Shape.COUNT)


def ordinal_reference(text: str) -> int | None:
    """«den andre», «nummer 3», «the last one»: the place (from 1; -1 = the last) of a record in the last
    answer's list, or None."""
    norm = normalise(text)
    ordinals = {**lexicon()["cardinals"], **lexicon()["ordinals"]}  # «nummer to», «den andre»
    words = "|".join(sorted(map(re.escape, ordinals), key=len, reverse=True))
    match = re.search(rf"\b(?:den|det|the|nummer|nr|number|no)\.?\s+(?:(\d{{1,2}})\b|({words})\b)", norm)
    if not match:
        return None
    return int(match.group(1)) if match.group(1) else int(ordinals[match.group(2)])


# «av dem», «blant disse», «of those»: a part of the last list
_OF_THEM = re.compile(r"\b(?:av|blant) (?:dem|disse|de)\b|\bof (?:them|those|these)\b")
# «hvilke andre planer», «do the other district plans»: the plans other than the one the chat was about
_OTHER_PLANS = re.compile(r"\b(?:andre|other)\s+(?:bydel|plan|rusplan|distrikt|district|borough)\w*")


def across_follow_up(question: Question, last: Question, state: Context) -> Question:
    """An across-plans question in a chat: one that points back («… like that?», «… en rutine for dette?») asks the
    last question's subject (with its own words) in every plan; «the other plans» leaves out the plan the
    conversation was about."""
    update: dict[str, object] = {}
    if _OTHER_PLANS.search(normalise(question.text)) and state.plan_ids:
        update["besides_plans"] = list(state.plan_ids)
    back = {*lexicon()["anaphora"], *lexicon()["similar"]}  # «like that», «noe lignende»
    points_back = any(w in back for w in re.findall(r"\w+", normalise(question.text)))
    if points_back and last.concepts:
        framing = set(tokenize(" ".join([*lexicon()["similar"], *lexicon()["exclusion"]])))  # «andre», «lignende»
        own = [g for g in question.concepts if not set(g) & framing and g not in last.concepts]
        unknown = [last.concepts[i] for i in last.unknown] + [question.concepts[i] for i in question.unknown]
        concepts = [*last.concepts, *own]
        update |= {
            "concepts": concepts,
            "unknown": [i for i, g in enumerate(concepts) if g in unknown],
            "subject": list(dict.fromkeys([*last.subject, *question.subject])),
        }
    return question.model_copy(update=update)


@lru_cache(maxsize=1)
def _record_words() -> tuple[frozenset[str], frozenset[str]]:
    """The words for tiltak and the words for plans or districts, Norwegian and English (`record_words` and
    their renderings in the glossary)."""
    record = lexicon()["record_words"]
    tiltak = [w for w in record if w.startswith("tiltak")]
    plans = [w for w in record if not w.startswith("tiltak")]
    return frozenset([*tiltak, *english_of(tiltak)]), frozenset([*plans, *english_of(plans)])


def asks_whole_plans(question: Question) -> bool:
    """A set or count question that names the tiltak and the plans it is about («Hvor mange tiltak har
    Grorud?», «Hvor mange tiltak har alle planene til sammen?») has a subject of its own: those plans' tiltak,
    not the last list's — unless it opens as a continuation («og hvor mange tiltak i Ullern?»)."""
    said = words(question.text)
    if not said or said[0] in lexicon()["continuation"]:
        return False
    tiltak, plans = _record_words()
    named = set(said) | {w[:-1] for w in said if w.endswith("s")}  # English plurals: «measures»
    every_plan = bool(named & plans) and bool(named & set(lexicon()["universal"]))
    return bool(named & tiltak) and (bool(question.plan_ids) or every_plan)


def switches_subject(question: Question) -> bool:
    """«og om IPS?», «hva med bolig?», «and on housing first?»: a turn that names a new subject and nothing
    else — no interrogative of its own, no field, plan, filter or shape cue — after a continuation or «hva med»."""
    said = words(question.text)
    lex = lexicon()
    continues = bool(said) and said[0] in lex["continuation"]
    opener = continues or bool(word_pattern("subject_switch").match(" ".join(said)))
    rest = said[1:] if continues else said[2:]
    asks = any(w in lex["interrogatives"] for w in rest)
    plain = question.shape == Shape.FACT and question.field is None and not question.quantity
    return (
        opener and not asks and plain and bool(question.concepts) and not question.plan_ids and not question.filters.any
    )


def resolve(question: Question, last: Question | None, state: Context) -> tuple[Question, str | None]:
    """The question to answer in this state, and the record it is pinned to (None: search afresh)."""
    if last is None or question.shape == Shape.SMALLTALK:
        return question, None
    if question.shape == Shape.ACROSS:
        return across_follow_up(question, last, state), None
    place = ordinal_reference(question.text)
    pool = state.listed or state.cited  # the last list, also after turns about one of its members
    if place and pool and (place <= len(pool)) and not question.plan_ids:
        # «hvem har ansvar for den første?», «og den siste?»: one record of the last list
        record_id = pool[place - 1 if place > 0 else -1]
        field = question.field or last.field
        return question.model_copy(update={"field": field, "shape": Shape.VALUE if field else Shape.FACT}), record_id
    no_subject = not question.concepts and not question.plan_ids and not question.filters.any
    no_subject = no_subject and not asks_whole_plans(question)  # «… har alle planene til sammen?» names its plans
    if no_subject and last.shape in _SET_SHAPES and cue_patterns("shapes")["count"].search(normalise(question.text)):
        return last.model_copy(update={"text": question.text, "shape": Shape.COUNT}), None  # «hvor mange er det?»
    of_them = question.shape in _SET_SHAPES and bool(_OF_THEM.search(normalise(question.text)))
    if of_them and question.concepts and state.listed and not question.plan_ids:
        # «hvor mange av dem evalueres to ganger i året?»: the last list, narrowed by this subject
        among = question.filters.model_copy(update={"among": list(state.listed)})
        return question.model_copy(update={"filters": among, "plan_ids": last.plan_ids}), None
    if question.anaphor and not question.plan_ids and not question.filters.codes:
        if state.record_id and question.shape in (Shape.VALUE, Shape.FACT):  # «når skal det evalueres?»
            return question.model_copy(update={"plan_ids": state.plan_ids}), state.record_id
        narrows_a_set = question.shape in _SET_SHAPES and last.shape in _SET_SHAPES  # handled below
        if narrows_a_set and question.concepts and state.listed:  # «hvor mange av dem gjelder bolig?»
            among = question.filters.model_copy(update={"among": list(state.listed)})
            return question.model_copy(update={"filters": among, "plan_ids": question.plan_ids or last.plan_ids}), None
        if question.shape in (Shape.PLAN, Shape.SET, Shape.COUNT) and state.plan_ids and not narrows_a_set:
            return question.model_copy(update={"plan_ids": state.plan_ids}), None  # «is that plan still in force?»
    if question.shape == Shape.PLAN and not question.plan_ids and not question.unknown_place and state.plan_ids:
        return question.model_copy(update={"plan_ids": state.plan_ids}), None  # «er planen fortsatt gyldig?»
    if switches_subject(question) and last.shape != Shape.SMALLTALK:  # the last question, of this subject
        subject = ("text", "english", "concepts", "subject", "unknown", "corrected", "dense_text", "anaphor")
        return last.model_copy(update={k: getattr(question, k) for k in subject} | {"like": None}), None
    if question.concepts:
        return question, None
    if question.numbers and not question.plan_ids and state.plan_ids:  # «og tiltak 1.3?»: in the chat's plan
        field = question.field or last.field
        shape = Shape.VALUE if field else question.shape
        return question.model_copy(update={"plan_ids": state.plan_ids[:1], "field": field, "shape": shape}), None
    f = question.filters
    if question.shape in _SET_SHAPES and not f.any and asks_whole_plans(question):
        return question, None  # «Hvor mange tiltak har Grorud?» after a list of Grorud's NAV tiltak
    if f.codes:  # «hva med 12S?»: the same field of another measure
        if question.field is None and last.field is not None:
            return question.model_copy(update={"field": last.field, "shape": Shape.VALUE}), None
        return question, None
    if question.shape in _SET_SHAPES and (f.any or question.shape != last.shape):
        if last.shape in _SET_SHAPES:  # «hvor mange av dem har høy risiko?»: narrow the last set
            merged = last.filters.model_copy(update={k: v for k, v in f.model_dump().items() if v not in (None, [])})
            if state.listed:  # the members shown, so a list narrowed by its subject narrows further
                merged = merged.model_copy(update={"among": list(state.listed)})
            return last.model_copy(
                update={
                    "text": question.text,
                    "shape": question.shape,
                    "filters": merged,
                    "plan_ids": question.plan_ids or last.plan_ids,
                }
            ), None
        return question, None
    same_plans = question.plan_ids == last.plan_ids and not question.unknown_place
    if (question.plan_ids or question.unknown_place) and not (same_plans and question.field is not None):
        # «hva med Stovner?», «and in Ullern?»
        update: dict[str, Any] = {
            "text": question.text,
            "plan_ids": question.plan_ids,
            "unknown_place": question.unknown_place,
        }
        if question.field is not None:
            update |= {"field": question.field, "shape": Shape.VALUE}
        if last.filters.among and not same_plans:  # the last list's members are another plan's tiltak
            update["filters"] = last.filters.model_copy(update={"among": []})
        if state.topic and last.shape in (Shape.VALUE, Shape.FACT):  # the counterpart of the tiltak answered
            update["like"] = state.topic
        return last.model_copy(update=update), None
    if question.field is not None:  # «og fristen?», «hvem har ansvaret for det?»
        pinned = state.record_id
        moved = last.model_copy(update={"text": question.text, "field": question.field, "shape": Shape.VALUE})
        return moved, pinned
    return question, None


def same_as(
    question: Question, topic: Tiltak | None, asked: FieldName | None = None, owner_tokens: frozenset[str] = frozenset()
) -> Question | None:
    """«hvilke andre tiltak har samme ansvarlig?»: the set of the topic's plan whose owner (status, risk, frist) is
    the topic's, the topic left out; «which others are rated the same?» compares the field the last turn asked
    (`asked`). None when the question does not ask that or the topic prints no such field. `owner_tokens`: the
    tokens of the topic's owner (their words name it, they are no subject)."""
    if topic is None or any(p != topic.plan_id for p in question.plan_ids):
        return None  # «samme spørsmål for Nordre Aker»: the same question of another plan
    norm = normalise(question.text)
    field = detect_field(norm) or asked
    if field is None or not word_pattern("same").search(norm):
        return None
    # «andre», «other», «alene», a word no plan uses («rated») and the words that name the topic's owner («den
    # samme lederen» for «Avdelingsleder …») are no subject of their own
    framing = set(
        tokenize(" ".join(m.group(0) for name in ("exclusion", "sole") for m in word_pattern(name).finditer(norm)))
    )
    owner = {o for o in owner_tokens if len(o) >= 3}
    for i, group in enumerate(question.concepts):
        names_owner = any(t.startswith(o) or o.startswith(t) for t in group for o in owner)
        if i not in question.unknown and not set(group) & framing and not names_owner:
            return None  # a subject of its own: not a follow-up
    printed = getattr(topic, field.value)
    if not printed:
        return None
    update: dict[str, object] = {"besides": [topic.id]}
    if field == FieldName.OWNER and not tokenize(printed):  # «Alle»: no unit to look for, the printed words
        update["owner_printed"] = printed
    elif field == FieldName.OWNER:
        update |= {"owner": printed, "owner_only": bool(word_pattern("sole").search(norm))}
    elif field == FieldName.DEADLINE:  # «1.Kvartal -22» is «1.kvartal-22»: the printed words, spacing aside
        update["deadline"] = printed
    elif facet(field.value, printed):
        update[field.value] = facet(field.value, printed)
    else:
        return None
    filters = question.filters.model_copy(update=update)
    shape = Shape.COUNT if cue_patterns("shapes")["count"].search(norm) else Shape.SET
    return question.model_copy(
        update={
            "filters": filters,
            "plan_ids": [topic.plan_id],
            "shape": shape,
            "field": None,
            "concepts": [],
            "subject": [],
        }
    )


def context_parts(context: Context | None, plans: Mapping[str, Plan] | None = None) -> list[str]:
    """What the next follow-up will be about, as the chat shows it after «Gjelder:»: the plans by their district's
    name, then the subject's words (without an ordinal or a pronoun that pointed at a record: «den tredje»)."""
    if context is None:
        return []
    names = ", ".join(plans[p].bydel if plans and p in plans else p for p in context.plan_ids)
    pointers = set(lexicon()["ordinals"]) | set(lexicon()["anaphora"])
    subject = " ".join(w for w in context.subject.split() if w not in pointers)
    return [part for part in (names, subject) if part]


class Conversation:
    """One conversation with the assistant; `ask` answers a turn and records the state it left."""

    def __init__(self, assistant: Assistant, state: Context | None = None, last: Question | None = None) -> None:
        self.assistant = assistant
        self.state = state or Context()
        self.last: Question | None = last

    def reset(self) -> None:
        self.state = Context()
        self.last = None

    def _topic(self, question: Question, cited: list[str], plan_ids: list[str]) -> str | None:
        """The tiltak the conversation is about after this turn: the first tiltak it cited — unless the turn
        only asked about words of the last answer («hva står HM for?» after «Ansvarlig: «HM …»»). A turn that
        cites no tiltak (a passage, or nothing) leaves the topic where it was, if it stayed in its plan."""
        tiltak = self.assistant.live.tiltak_by_id
        topic = self.state.topic
        first = next((c for c in cited if c in tiltak), None)
        last = normalise(self.state.said)
        asked = [w for w in question.subject if len(w) > 1]
        clarifies = bool(asked) and all(re.search(rf"\b{re.escape(w)}\b", last) for w in asked)
        if topic and (clarifies or first is None) and (not plan_ids or tiltak[topic].plan_id in plan_ids):
            return topic
        return first

    def saved(self) -> tuple[Context, Question | None]:
        """The state to keep between requests (the app keeps it per browser session, in memory)."""
        return self.state, self.last

    def ask(self, text: str) -> Answer:
        live = self.assistant.live
        question = understand(live, self.assistant.clean(text))
        topic = live.tiltak_by_id.get(self.state.topic or "")
        same = same_as(question, topic, self.state.field, live.owner_tokens[topic.id] if topic else frozenset())
        resolved, pinned = (same, None) if same is not None else resolve(question, self.last, self.state)
        if resolved.field is not None and pinned is not None and pinned not in live.tiltak_by_id:
            # a field is printed on a tiltak: «who owns it?» after an answer that cited a passage first goes to
            # the tiltak the conversation is about
            pinned = self.state.topic or pinned
        answer = self.assistant.answer(live, resolved, record_id=pinned)
        if answer.shape != Shape.SMALLTALK:
            cited = answer.citations[0].record_id if answer.citations else None
            single = answer.shape in (Shape.VALUE, Shape.FACT)
            cited_ids = [c.record_id for c in answer.citations]
            plan_ids = resolved.plan_ids or ([answer.citations[0].doc_id] if single and answer.citations else [])
            if not plan_ids and all(c.doc_id in self.state.plan_ids for c in answer.citations):
                # «hva står AVL for?», a turn that found nothing: still in the plan the chat was about
                plan_ids = self.state.plan_ids
            self.state = Context(
                plan_ids=plan_ids,
                record_id=cited if single else None,
                field=resolved.field,
                subject=" ".join(resolved.subject),
                cited=cited_ids,
                topic=self.state.topic if same is not None else self._topic(question, cited_ids, plan_ids),
                said=answer.answer,
                listed=cited_ids if answer.shape in _SET_SHAPES else self.state.listed,
            )
            # A follow-up pinned to the last tiltak keeps the subject that found it: «hva med Grorud?» after
            # «når skal det evalueres?» asks the first question's subject of Grorud, with the new field.
            keep_subject = pinned is not None and self.last is not None
            self.last = (
                self.last.model_copy(update={"field": resolved.field, "shape": resolved.shape, "text": resolved.text})
                if keep_subject and self.last is not None
                else resolved
            )
        return answer.model_copy(update={"context": self.state})
