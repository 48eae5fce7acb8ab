"""Answers built from the records' fields, in Norwegian, with numbered citations — one builder per shape.

Each builder is a pure function of the question, the chosen records and their plans; the answer owns
only citations that resolve to those records. The first line states the claim (the value, the count);
what follows shows which tiltak it is, so the user can check it.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from rusqa.lexicon import lexicon
from rusqa.models import FIELD_LABELS, Answer, Citation, FieldName, Filters, Hit, Plan, Question, Role, Shape, Tiltak
from rusqa.search.documents import Doc, printed_code
from rusqa.text import YEAR, normalise, tokenize

CHAT_LINES = 15  # a set answer lists at most this many tiltak; the rest are cited and counted
COUNT_LINES = 5  # a count answer shows the first few it counted
SHORT = 160
CONTEXT_CHARS = 280
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9«•])| • ")
_MISSING = {
    FieldName.OWNER: "Planen oppgir ingen ansvarlig for dette tiltaket.",
    FieldName.DEADLINE: "Planen oppgir ingen frist for dette tiltaket",
    FieldName.STATUS: "Planen oppgir ikke status for dette tiltaket.",
    FieldName.RISK: "Planen oppgir ikke risiko for dette tiltaket.",
}
SMALLTALK_REPLY = (
    "Bare hyggelig! Spør gjerne om et tiltak i rusplanene — hvem som har ansvar, frist, status eller risiko."
)


@dataclass(frozen=True)
class Source:
    """A chosen record with what the builders need: its doc, plan and (for a tiltak) its fields."""

    hit: Hit
    doc: Doc
    plan: Plan
    tiltak: Tiltak | None


def plan_name(plan: Plan, today: date | None = None) -> str:
    """«Grorud: Ruspolitisk handlingsplan … 2023–2028», with a warning when the period has ended."""
    year = (today or date.today()).year
    name = plan.label
    if plan.period is None:
        return f"{name} (udatert plan)"
    if plan.period_end is not None and plan.period_end < year:
        return f"{name} (planperioden {plan.period} er utløpt)"
    return name


def plan_short(plan: Plan, today: date | None = None) -> str:
    """«Grorud-planen (2023–2028)», «Nordre Aker-planen (2020–2024, utløpt)», «byplanen Tryggere liv (2026–2029)»."""
    year = (today or date.today()).year
    name = f"byplanen {plan.title.split(' – ')[0].split(':')[0]}" if plan.is_city_plan else f"{plan.bydel}-planen"
    if plan.period is None:
        return f"{name} (udatert)"
    ended = plan.period_end is not None and plan.period_end < year
    return f"{name} ({plan.period}{', utløpt' if ended else ''})"


def shorten(text: str, limit: int = SHORT) -> str:
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:–-")
    return f"{cut} …"


def heading(section: str) -> str:
    """The heading a record stands under, as an answer's source line names it: the deepest of its section path
    (the citation below the answer gives the whole path)."""
    return shorten(section.split(" / ")[-1], 70)


def tiltak_label(t: Tiltak) -> str:
    """How an answer names a tiltak so the user can check it is the right one."""
    code = printed_code(t)
    head = f"tiltak {code} " if code else "tiltaket "
    subject = t.goal if t.goal and not code else t.text
    return f"{head}«{shorten(subject, 70)}»"


def fields_line(t: Tiltak, skip: FieldName | None = None) -> str:
    return " · ".join(f"{FIELD_LABELS[f].lower()}: {v}" for f, v in t.fields(skip))


def sentences(text: str) -> list[str]:
    """A text's sentences (and bullet items, and lines)."""
    return [part for part, _ in _parts(text)]


def _parts(text: str) -> list[tuple[str, bool]]:
    """A text's sentences, bullet items and lines, each marked True when it is a bullet item."""
    out: list[tuple[str, bool]] = []
    for line in text.splitlines():
        bullet = False
        for piece in _SEPARATED.split(line):
            if _SENTENCE_END.fullmatch(piece) or not piece.strip():
                bullet = bullet or "•" in piece
                continue
            out.append((piece.strip().lstrip("•").strip(), bullet or piece.strip().startswith("•")))
            bullet = False
    return [(part, bullet) for part, bullet in out if part]


_SEPARATED = re.compile(f"({_SENTENCE_END.pattern})")


_NUMBER_OR_WORD = re.compile(r"\d[\d .,]*\d|\d|[^\W\d_]+")


@lru_cache(maxsize=1)
def _cardinals() -> frozenset[str]:
    return frozenset(lexicon()["cardinals"])


def number_near_term(sentence: str, terms: set[str], window: int = 3) -> bool:
    """Whether a number, in digits or words, stands within `window` words of a search term («34 000 innbyggere»,
    «i tre bydeler»)."""
    tokens = _NUMBER_OR_WORD.findall(sentence)
    cardinals = _cardinals()
    numbers = [i for i, t in enumerate(tokens) if t[0].isdigit() or t.casefold() in cardinals]
    if not numbers:
        return False
    hits = [i for i, t in enumerate(tokens) if not t[0].isdigit() and _holds_term(tokenize(t), terms)]
    return any(abs(i - j) <= window for i in numbers for j in hits)


def _holds_term(tokens: Sequence[str], terms: set[str]) -> bool:
    """A word holds a term as its token, or as the stem a longer word is made from («ung» in «ungdommer»)."""
    return any(t in terms or any(len(term) >= 3 and t.startswith(term) for term in terms) for t in tokens)


def best_sentences(
    text: str, terms: Sequence[str], max_chars: int = 400, *, numbers: bool = False, years: Collection[str] = ()
) -> str:
    """The sentence of a text that holds most of the search terms (one naming the question's year first, then
    one with a number when the question asks for one), and the next one if it is short."""
    parts = sentences(text)
    if not parts:
        return text
    wanted = set(terms)

    def score(i: int) -> tuple[int, int, int, int]:
        hits = len(wanted & set(tokenize(parts[i])))
        has_number = int(numbers and number_near_term(parts[i], wanted))
        in_year = int(bool(set(years) & set(YEAR.findall(parts[i]))))
        return (in_year, has_number, hits, -i)  # «i 2019»: the sentence about that year first

    best = max(range(len(parts)), key=score)
    chosen = parts[best]
    if chosen.endswith(":"):  # «… behov for (innsatsområder):» introduces a list: the answer is the list
        listed = [part for part, _ in itertools.takewhile(lambda p: p[1], _parts(text)[best + 1 :])]
        if listed:
            return shorten(f"{chosen} {' • '.join(listed)}", max_chars)
    if best + 1 < len(parts) and len(chosen) + len(parts[best + 1]) <= CONTEXT_CHARS:
        chosen = f"{chosen} {parts[best + 1]}"  # the next sentence often completes the answer
    return shorten(chosen, max_chars)


# ── value: one field of one tiltak ─────────────────────────────────────────────────────────────


def value_answer(field: FieldName, sources: Sequence[Source], terms: Sequence[str] = ()) -> str:
    """The field of the best tiltak, quoted as printed; which tiltak it is; a close alternative named."""
    best = sources[0]
    t = best.tiltak
    assert t is not None
    value = t.value(field)
    if value:
        lines = [f"{FIELD_LABELS[field]}: «{value}» [1]"]
    else:
        missing = _MISSING[field]
        if field == FieldName.STATUS and t.deadline:  # a plan whose one column is «Frist/Status»
            missing = f"{missing[:-1]}; kolonnen frist/status sier «{t.deadline}»."
        elif field == FieldName.DEADLINE and t.status:
            missing += f"; status: «{t.status}»."
        elif field == FieldName.DEADLINE and best.plan.period:
            missing += f"; planperioden er {best.plan.period}."
        elif field == FieldName.DEADLINE:
            missing += "."
        lines = [f"{missing} [1]"]
    rest = fields_line(t, skip=field)
    lines.append(f"Gjelder {tiltak_label(t)} i {plan_short(best.plan)}." + (f" ({rest})" if rest else ""))
    if t.goal and not printed_code(t) and terms:  # the label showed the goal: show the matching part of the text
        lines.append(f"Tiltaket: «{best_sentences(t.text, terms, 110)}»")
    for n, other in enumerate(sources[1:], start=2):
        assert other.tiltak is not None
        other_value = other.tiltak.value(field)
        shown = f"{FIELD_LABELS[field].lower()}: «{other_value}»" if other_value else "ikke oppgitt"
        lines.append(f"Se også [{n}] {tiltak_label(other.tiltak)} ({other.plan.bydel}; {shown}).")
    return "\n".join(lines)


# ── fact: a sentence of one record ──────────────────────────────────────────────────────────────


def question_years(question: Question) -> set[str]:
    """The years a question names («i 2019»)."""
    return set(YEAR.findall(question.text))


def spelled_out(text: str, abbr: str, known: Sequence[str] = ()) -> tuple[str | None, str | None, str | None]:
    """The long form a text gives an abbreviation, by how it gives it: in a list of abbreviations («HM: Helse- og
    mestringsavdelingen»), beside an owner code («OF/HM (Oppvekst- og familieavdelingen / Helse- og
    mestringsavdelingen)»), or as one of the plans' known long forms it holds («Hasjavvenningsprogram (HAP)»)."""
    a = re.escape(abbr)
    listed = re.search(rf"(?<![\w/-]){a}\s*[:=–]\s*(.+?)(?=\s+[A-ZÆØÅ]{{2,8}}\s*[:=–]|\s+•|[.;\n]|$)", text)
    paired = re.search(rf"((?:[A-ZÆØÅ]{{2,8}}/)*{a}(?:/[A-ZÆØÅ]{{2,8}})*)\s*\(([^)]+)\)", text)
    pair = None
    if paired:
        codes, longs = paired.group(1).split("/"), [p.strip() for p in paired.group(2).split(" / ")]
        pair = longs[codes.index(abbr)] if len(codes) == len(longs) else None
    held = next((m.group(0) for long in known if (m := re.search(re.escape(long), text, re.IGNORECASE))), None)
    return (listed.group(1).strip() if listed else None), pair, held


def abbreviation_answer(abbr: str, spelled: str, source: Source) -> str:
    """«HM står for «Helse- og mestringsavdelingen».» with where the plan says so (a long form the plan prints in
    quotation marks, «Sammen lager vi et trygt Oslo», quoted once)."""
    spelled = spelled.strip().strip('«»"“”').strip()
    return f"«{abbr}» står for «{spelled}». [1]\nKilde: {plan_short(source.plan)}, {heading(source.doc.section)}."


def fact_answer(question: Question, sources: Sequence[Source]) -> str:
    best = sources[0]
    if best.tiltak is not None:
        t = best.tiltak
        text = best_sentences(t.text, question.terms, 170, numbers=question.quantity, years=question_years(question))
        head = tiltak_label(t).split(" «")[0]
        lines = [f"{head[0].upper()}{head[1:]}: «{text}» [1]"]
        goal = f"Mål: «{shorten(t.goal, 120)}» · " if t.goal else ""
        rest = fields_line(t)
        lines.append(f"{goal}{plan_short(best.plan)}" + (f" ({rest})" if rest else "") + ".")
    else:
        sentence = best_sentences(
            best.doc.text, question.terms, numbers=question.quantity, years=question_years(question)
        )
        lines = [f"«{sentence}» [1]", f"Kilde: {plan_short(best.plan)}, {heading(best.doc.section)}."]
    for n, other in enumerate(sources[1:], start=2):
        lines.append(f"Se også [{n}] {plan_short(other.plan)}: «{shorten(_gist(other, question), 120)}»")
    return "\n".join(lines)


def _gist(source: Source, question: Question) -> str:
    if source.tiltak is not None:
        return source.tiltak.text
    return best_sentences(
        source.doc.text, question.terms, 200, numbers=question.quantity, years=question_years(question)
    )


# ── set and count: the tiltak matching filters ─────────────────────────────────────────────────


def describe_filters(filters: Filters, subject: Sequence[str], under: str | None = None) -> str:
    """The filter in words: «med risiko «middels» og ansvarlig «nav»»; `under` names the goal or heading that
    decided the set, in place of the subject's words."""
    parts = []
    if filters.codes:
        parts.append("med kode " + ", ".join(filters.codes))
    if filters.code_group:
        parts.append(f"i gruppen {filters.code_group} (kodene …{filters.code_group})")
    if filters.for_bydelene:
        parts.append("som byplanen retter til bydelene")
    if filters.districts_role == Role.PARTNER:
        parts.append("der bydelene er samarbeidspartner")
    if filters.owner or filters.owner_printed:
        owner = filters.owner or filters.owner_printed
        parts.append(f"der {'eneste ' if filters.owner_only else ''}ansvarlig er «{owner}»")
    if filters.status:
        status = " eller ".join(f"«{s}»" for s in (filters.status, *filters.status_also))
        parts.append(f"med {'en annen status enn' if filters.status_excluded else 'status'} {status}")
    if filters.risk:
        risk = " eller ".join(f"«{r}»" for r in (filters.risk, *filters.risk_also))
        parts.append(f"med {'en annen risiko enn' if filters.risk_excluded else 'risiko'} {risk}")
    if filters.year:
        parts.append(f"med frist i {filters.year}")
    if filters.deadline:
        parts.append(f"med frist «{filters.deadline}»")
    if under:
        parts.append(f"under {under}")
    elif subject:
        parts.append(f"om «{' '.join(subject)}»")
    return " og ".join(parts)


def _set_line(n: int, source: Source) -> str:
    t = source.tiltak
    assert t is not None
    code = printed_code(t) or t.id.removeprefix(f"{t.plan_id}-")
    rest = fields_line(t)
    return f"• {code} «{shorten(t.text, 90)}»" + (f" — {rest}" if rest else "") + f" [{n}]"


def set_lines(sources: Sequence[Source], filter_text: str, limit: int = CHAT_LINES) -> list[str]:
    lines = [_set_line(n, s) for n, s in enumerate(sources[:limit], start=1)]
    more = len(sources) - limit
    if more > 0:
        lines.append(f"… og {more} til (alle er sitert; se Tiltak-fanen, filter: {filter_text or 'planen'}).")
    return lines


def _plans_phrase(sources: Sequence[Source]) -> str:
    plans = list(dict.fromkeys(s.plan.id for s in sources))
    names = {s.plan.id: plan_short(s.plan) for s in sources}
    return names[plans[0]] if len(plans) == 1 else f"{len(plans)} planer"


def set_answer(question: Question, sources: Sequence[Source], total: int, under: str | None = None) -> str:
    """The count first, then one cited line per tiltak (code or id, short text, the printed fields)."""
    what = describe_filters(question.filters, question.subject, under)
    where = _plans_phrase(sources)
    head = f"{len(sources)} tiltak i {where}" + (f" {what}" if what else "") + ":"
    if not what:
        head = f"{len(sources)} tiltak i {where} (alle planens {total} tiltak):"
    return "\n".join([head, *set_lines(sources, what)])


def count_answer(question: Question, sources: Sequence[Source], total: int, under: str | None = None) -> str:
    """«8 av 21 tiltak …»: the number first, how it was counted, then the tiltak counted."""
    what = describe_filters(question.filters, question.subject, under)
    where = _plans_phrase(sources)
    if what:  # «… er med risiko «høy»», «… der ansvarlig er «nav»»
        head = f"{len(sources)} av {total} tiltak i {where} {_be(what)}{what}."
    else:
        head = f"{len(sources)} tiltak i {where}."
    how = "Talt: tiltakene planen lister opp" + (f" {what}" if what else "") + "."
    return "\n".join([head, how, *set_lines(sources, what, limit=COUNT_LINES)])


def count_zero_answer(question: Question, plans: Sequence[Plan], total: int) -> str:
    what = describe_filters(question.filters, question.subject)
    where = plan_short(plans[0]) if len(plans) == 1 else f"{len(plans)} planer"
    return f"0 av {total} tiltak i {where} {_be(what)}{what}." if what else f"0 tiltak i {where}."


PRINTED_DEADLINES = 6  # the most frequent deadlines shown when none matches the one asked for


def printed_deadlines(tiltak: Sequence[Tiltak]) -> str:
    """«Fristene planen oppgir: Kontinuerlig (17), 2023 (2) …» — what a deadline filter can match."""
    counts = Counter(t.deadline for t in tiltak if t.deadline)
    if not counts:
        return "Planen oppgir ingen frister."
    shown = [f"{deadline} ({n})" for deadline, n in counts.most_common(PRINTED_DEADLINES)]
    more = len(counts) - len(shown)
    return "Fristene planen oppgir: " + ", ".join(shown) + (f" og {more} andre." if more > 0 else ".")


def _be(what: str) -> str:
    """«… er med risiko «høy»», but «… der ansvarlig er «nav»», «… som byplanen retter til bydelene»."""
    return "" if what.startswith(("der ", "som ")) else "er "


def _listed(items: Sequence[str]) -> str:
    """«a», «a og b», «a, b og c»."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} og {items[-1]}"


def field_not_printed(unprinted: Sequence[tuple[Plan, FieldName]], printing: dict[FieldName, list[Plan]]) -> str:
    """«Stovner-planen oppgir ikke status for tiltakene sine. Det gjør bare Grorud-planen.»"""
    lines = []
    for field in dict.fromkeys(field for _, field in unprinted):
        lacking = [plan_short(p) for p, f in unprinted if f == field]
        label = FIELD_LABELS[field].lower()
        line = f"{_listed(lacking)} oppgir ikke {label} for tiltakene sine."
        others = [plan_short(p) for p in printing.get(field, [])]
        line += f" Det gjør bare {_listed(others)}." if others else " Ingen av planene gjør det."
        lines.append(line)
    return " ".join(lines)


# ── across plans: one line per plan that has it ────────────────────────────────────────────────


def plans_by_state(plans: Sequence[Plan], state: str, today: date | None = None) -> str:
    """«2 av 5 planer er utløpt: …», then the plans that still run and the undated ones, each with its period."""
    year = (today or date.today()).year
    ended = [p for p in plans if p.period_end is not None and p.period_end < year]
    running = [p for p in plans if p.period is not None and p not in ended]
    undated = [p for p in plans if p.period is None]
    asked, other = (ended, running) if state == "ended" else (running, ended)
    asked_word, other_label = ("er utløpt", "Gjelder fortsatt") if state == "ended" else ("gjelder fortsatt", "Utløpt")
    lines = [f"{len(asked)} av {len(plans)} planer {asked_word}" + (":" if asked else ".")]
    lines += [f"• {plan_short(p)}" for p in asked]
    if other:
        lines.append(f"{other_label}: " + ", ".join(plan_short(p) for p in other) + ".")
    if undated:
        lines.append("Uten planperiode: " + ", ".join(plan_short(p) for p in undated) + ".")
    return "\n".join(lines)


def across_answer(question: Question, sources: Sequence[Source], without: Sequence[Plan]) -> str:
    """One cited line per plan that has it; the plans that do not are named."""
    n_plans = len(sources)
    total = n_plans + len(without)
    names = [p.bydel if not p.is_city_plan else "byplanen" for p in without]
    if question.lacking:  # «Hvilke bydeler har ikke …?»: the plans without it first, then the evidence
        head = (
            f"{len(without)} av {total} planer har ikke noe om dette: {_listed(names)}."
            if names
            else (f"Alle de {total} planene har noe om dette.")
        )
        lines = [head, "Disse har det:" if n_plans > 1 else "Denne har det:"]
    else:
        lines = [f"{n_plans} av {total} planer har noe om dette:"]
    for n, source in enumerate(sources, start=1):
        what = f"«{shorten(_gist(source, question), 140)}»"
        if source.tiltak is not None:
            code = printed_code(source.tiltak)
            what = f"tiltak {code}: {what}" if code else what
            if source.tiltak.owner:
                what += f" (ansvarlig: {source.tiltak.owner})"
        lines.append(f"• {source.plan.bydel} — {what} [{n}]")
    if without and not question.lacking:
        lines.append("Ikke funnet i: " + ", ".join(names) + ".")
    return "\n".join(lines)


# ── a plan as a whole ──────────────────────────────────────────────────────────────────────────


def plan_answer(plan: Plan, tiltak: Sequence[Tiltak], today: date | None = None) -> str:
    """Period (and whether it has ended), number of tiltak, and the parts the tiltak are grouped in."""
    year = (today or date.today()).year
    if plan.period is None:
        period = "Planen er udatert (ingen planperiode er oppgitt)."
    elif plan.period_end is not None and plan.period_end < year:
        period = f"Planperioden er {plan.period}; den er utløpt."
    else:
        period = f"Planperioden er {plan.period}; den gjelder fortsatt."
    grouped = list(dict.fromkeys(a for t in tiltak if (a := _area(t.section, plan))))
    goals = list(dict.fromkeys(shorten(t.goal, 90) for t in tiltak if t.goal))
    if len(grouped) <= 1 and goals:  # one table («Tiltak»): its goals are what the plan works towards
        grouped = goals
    lines = [f"{plan.label}: {period} Planen har {len(tiltak)} tiltak."]
    if grouped:
        lines.append("Innsatsområder / strategier: " + "; ".join(grouped) + ".")
    return "\n".join(lines)


def _area(section: str, plan: Plan) -> str | None:
    """The first heading of a section path that names something («6 Tiltak», «Tiltak Bydel Stovner» name only
    the record kind and the plan)."""
    plain = set(lexicon()["record_words"]) | set(normalise(plan.bydel).split())
    for part in section.split(" / "):
        if any(w not in plain and not w.isdigit() for w in normalise(part).split()):
            return part
    return None


def part_line(source: Source, n: int, words: Sequence[str]) -> str:
    """«Mål: «Færre innbyggere … • …» [1]»: a list that stands alone under its heading whole, else the
    sentence that introduces the list with its items."""
    heading = source.doc.section.split(" / ")[-1]
    text = source.doc.text
    items = _parts(text)
    listed = all(bullet for _, bullet in items[1:])  # the text is the list itself
    quoted = shorten(" • ".join(part for part, _ in items), 400) if listed else best_sentences(text, words)
    return f"{heading}: «{quoted}» [{n}]"


# ── abstentions ────────────────────────────────────────────────────────────────────────────────


def abstention(plans: Sequence[Plan], reason: str | None = None, unknown_place: str | None = None) -> str:
    have = ", ".join(p.bydel if not p.is_city_plan else "Oslo kommune (byplanen)" for p in plans)
    if unknown_place:
        return (
            f"Jeg finner ikke dette i rusplanene: det finnes ingen plan for {unknown_place} her. "
            f"Rusplanene jeg kan svare fra: {have}."
        )
    why = f" {reason}" if reason else ""
    return f"Jeg finner ikke dette i rusplanene.{why} Jeg har søkt i: {have}."


def not_in_plan(plan: Plan, subject: Sequence[str], others: Sequence[Plan], *, mentioned: bool = False) -> str:
    """«Ullerns plan nevner ikke nalokson.», and which plans do; when the plan has the words but no record
    that answers, it says so instead of denying them."""
    name = "Byplanen" if plan.is_city_plan else f"{plan.bydel}s plan"
    topic = " ".join(subject) or "dette"
    if mentioned:
        return f"Jeg finner ikke dette: {name} nevner «{topic}», men ikke i noe tiltak eller avsnitt som svarer på spørsmålet."
    line = f"Jeg finner ikke dette: {name} nevner ikke «{topic}»."
    if others:
        line += " Det gjør: " + ", ".join(p.bydel if not p.is_city_plan else "byplanen" for p in others) + "."
    return line


# ── the answer record ──────────────────────────────────────────────────────────────────────────


def citations(sources: Sequence[Source]) -> list[Citation]:
    return [
        Citation(
            n=n,
            doc_id=s.plan.id,
            bydel=s.plan.bydel,
            title=s.plan.title,
            section=s.doc.section,
            tiltak_id=s.doc.id if s.doc.kind == "tiltak" else None,
            text=s.doc.text,
            lines=s.doc.lines,
            page=s.doc.pages[0] if s.doc.pages else None,
            record_id=s.doc.id,
        )
        for n, s in enumerate(sources, start=1)
    ]


def make_answer(question: Question, text: str, sources: Sequence[Source], shape: Shape) -> Answer:
    return Answer(
        question=question.text,
        answer=text,
        abstained=shape in (Shape.NONE, Shape.SMALLTALK),
        citations=citations(sources),
        shape=shape,
    )


def abstain(question: Question, text: str) -> Answer:
    return make_answer(question, text, [], Shape.NONE)
