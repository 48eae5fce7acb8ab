"""Normalised facets of printed field values (status, risk, the years of a deadline, the districts' role in a
city measure).

The plans print «LAV» and «Lav», «Venter» and «Avventer»: answers quote the printed words, filters
compare facets. The mapping is data (lexicon/facets.yaml) and is shown in the README.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from pathlib import Path

import yaml

from rusqa.lexicon import word_pattern
from rusqa.models import Role, Tiltak
from rusqa.text import normalise

FACETS_FILE = Path(__file__).parent / "lexicon" / "facets.yaml"


@lru_cache(maxsize=1)
def facet_table() -> dict[str, dict[str, dict[str, list[str]]]]:
    return dict(yaml.safe_load(FACETS_FILE.read_text(encoding="utf-8")))


def facet(field: str, printed: str | None) -> str | None:
    """The facet of a printed status or risk («LAV» → «lav», «Venter» → «ikke startet»), or None."""
    if not printed:
        return None
    value = normalise(printed)
    for name, entry in facet_table()[field].items():
        if any(value == word or value.startswith(word + " ") for word in entry["printed"]):
            return name
    return None


def asked_facet(field: str, norm_question: str) -> str | None:
    """The facet a (normalised) question names for a field, longest wording first, or None."""
    found = _facet_mentions(field, norm_question)
    return max(found)[1] if found else None


def joined_facets(field: str, norm_question: str) -> list[str]:
    """Every facet a question names for a field when it joins them with «eller», «og», «or», «and» or a comma
    («høy eller middels risiko»), in the order named; [] when it names fewer than two so."""
    found = sorted((start, -length, name) for length, name, start in _facet_mentions(field, norm_question))
    kept: list[tuple[int, int, str]] = []
    for start, neg_length, name in found:  # the longest wording at a place, no wording inside another
        if kept and start < kept[-1][0] - kept[-1][1]:
            continue
        kept.append((start, neg_length, name))
    if len(kept) < 2:
        return []
    for (start, neg_length, _), (following, _, _) in itertools.pairwise(kept):
        between = norm_question[start - neg_length : following]
        if not re.fullmatch(r"[\s,/]*(?:eller|og|or|and)?[\s,/]*", between):
            return []
    return list(dict.fromkeys(name for _, _, name in kept))


def negated_facet(field: str, norm_question: str) -> bool:
    """Whether the question excludes the facet it names («en annen status enn påbegynt», «ikke lav risiko»,
    «not started» excepted: a facet whose own wording holds the negation is not negated)."""
    found = _facet_mentions(field, norm_question)
    if not found:
        return False
    _, _, start = max(found)
    return bool(word_pattern("exclusion").search(norm_question[max(0, start - 30) : start]))


def _facet_mentions(field: str, norm_question: str) -> list[tuple[int, str, int]]:
    """(length of the wording, facet, where it starts) for each facet wording the question holds."""
    found: list[tuple[int, str, int]] = []
    for name, entry in facet_table()[field].items():
        for word in entry["asked"]:
            match = re.search(rf"(?<![\wæøå]){re.escape(word)}(?![\wæøå])", norm_question)
            if match:
                found.append((len(word), name, match.start()))
    return found


_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)|-\s?(\d\d)(?!\d)")


def deadline_years(printed: str | None) -> set[int]:
    """The years a printed deadline names: «2025», «vår-22» / «-22» → 2022."""
    if not printed:
        return set()
    years = set()
    for full, short in _YEAR.findall(printed):
        years.add(int(full) if full else 2000 + int(short))
    return years


def printed_alike(a: str | None, b: str | None) -> bool:
    """Two printed values that differ only in case, spacing and punctuation («1.Kvartal -22», «1.kvartal-22»)."""
    return bool(a) and bool(b) and re.sub(r"\W+", "", normalise(a or "")) == re.sub(r"\W+", "", normalise(b or ""))


# One rule for the districts' part in a city measure, read from its actor phrase: they lead when an item
# of the measure opens with «Bydelene …»; they are partners when another actor works «i samarbeid med
# bydelene», «samarbeider med bydelene» or «sammen med bydelene». Districts that only receive something,
# or are a place («i tre bydeler»), are neither.
_LEAD = re.compile(r"^bydelen(?:e)?\b")
_PARTNER = re.compile(r"\b(?:i samarbeid med|samarbeider med|sammen med) bydel(?:en|ene)?\b")


def measure_role(t: Tiltak) -> Role | None:
    """lead, partner, or None when the districts do not act in the measure."""
    items = [item.strip().casefold() for item in t.text.split(" • ")]
    if any(_LEAD.match(item) for item in items):
        return Role.LEAD
    if _PARTNER.search(t.text.casefold()):
        return Role.PARTNER
    return None
