"""The input people type: typos repaired against the corpus's own words and the place names, and names
written without æøå («ostensjo», «grunerlokka»).

A word is repaired only when it is unknown (not a plan word, not a stopword, not a lexicon word, not a
compound of plan words), at least five letters long, and exactly one corpus word lies within one edit (two for words of ten letters or more;
an edit is an insertion, a deletion, a substitution or two neighbouring letters swapped — Damerau's four kinds
of single-letter typo, «stovenr» → «stovner»)
— the most frequent when several do; an inflected word the plans never print in that form is repaired on its
bare form («fastlegplanen» → «fastlegeplan» + «en»), a compound on its last part («naloksonoplæring» →
«nalokson» + «opplæring»), and a word of PREFIX_LENGTH letters or more that is one edit from the beginning of a
longer plan word on that beginning («hasjavenning» → «hasjavvenning», which begins «hasjavvenningsprogram»;
the question's concepts then reach the plan word as they do for the word typed right). English questions are
left alone: an English word is not a Norwegian typo.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cached_property

from rapidfuzz import process
from rapidfuzz.distance import OSA

from rusqa.text import split_compound

MIN_LENGTH = 5
LONG_WORD = 10
PREFIX_LENGTH = 8  # a typed word this long may be the beginning of a longer plan word with one typo
# The endings of Norwegian nouns' definite and plural forms (bokmål grammar), longest first: a typo in an
# inflected form is repaired on its bare form, which the plans may print where the inflected one is not.
INFLECTIONS = ("ene", "en", "et", "er", "a")
_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ü": "u", "é": "e", "ö": "o", "ä": "a"})
_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)


def fold(text: str) -> str:
    """ASCII-ish folding of Norwegian letters: «østensjø» → «ostensjo», «grünerløkka» → «grunerlokka»."""
    return text.translate(_FOLD)


def ascii_key(word: str) -> str:
    """The key a word typed without æøå shares with its proper spelling («nivaa», «nivå» → «niva»)."""
    return fold(word).replace("aa", "a").replace("oe", "o").replace("ae", "a")


def fold_places(norm: str, places: Iterable[str]) -> str:
    """Put the æøå back into place names typed without them («ostensjo» → «østensjø»)."""
    for place in sorted(places, key=len, reverse=True):
        folded = fold(place)
        if folded != place:
            norm = re.sub(rf"\b{re.escape(folded)}\b", place, norm)
            # «aa» for «å», «oe» for «ø»: the other common keyboard spellings
            alt = place.replace("å", "aa").replace("ø", "oe").replace("æ", "ae")
            if alt != place:
                norm = re.sub(rf"\b{re.escape(alt)}\b", place, norm)
    return norm


class Speller:
    """Repairs unknown words against a vocabulary with frequencies (the plans' words and the place names)."""

    def __init__(
        self, frequencies: Mapping[str, int], known: Iterable[str], general: Mapping[str, float] | None = None
    ) -> None:
        """`frequencies`: the plans' words; `known`: other words that are not typos; `general`: words of general
        Norwegian with their frequency — not typos either, and the tie-break among words typed without æøå."""
        self.frequencies = dict(frequencies)
        self.general = dict(general or {})
        self.known = frozenset(known) | frozenset(self.frequencies) | frozenset(self.general)
        self._choices = [w for w in self.frequencies if len(w) >= MIN_LENGTH - 1]
        self._words = frozenset(self.frequencies)
        self._starts_by_length: dict[int, dict[str, str]] = {}

    @cached_property
    def _folded(self) -> dict[str, str]:
        """Words with æøå by the key they share with their spelling without («nivaa» → «nivå»); made on the
        first unknown word, not at start-up."""
        folded: dict[str, str] = {}
        for word in sorted(self.known, key=lambda w: (-self.frequencies.get(w, 0), -self.general.get(w, 0.0), w)):
            if word != fold(word):
                folded.setdefault(ascii_key(word), word)
        return folded

    def repair_word(self, word: str) -> str | None:
        """The corpus word a typo stands for, or None."""
        if word in self.known or not word.isalpha():
            return None
        if ascii_key(word) in self._folded:  # «parorende», «nivaa», «nar»: typed without æøå
            return self._folded[ascii_key(word)]
        if len(word) < MIN_LENGTH or split_compound(word, self._words):
            return None  # «snusbruken» is «snus» + «bruken», not a typo for «rusbruken»
        fixed = self._nearest(word)
        if fixed is None:  # «fastlegplanen»: the bare form may be the plans' word though the inflected one is not
            ending = next((e for e in INFLECTIONS if word.endswith(e) and len(word) - len(e) >= MIN_LENGTH), None)
            bare = self._nearest(word[: -len(ending)]) if ending else None
            fixed = bare + ending if bare and ending else None
        return fixed or self._compound_tail(word) or self._beginning(word)

    def _compound_tail(self, word: str) -> str | None:
        """«naloksonoplæring»: a compound whose first part is a plan word and whose last part has the typo is
        repaired on that part («nalokson» + «opplæring»); the longest first part first, a linking «s» allowed."""
        for cut in range(len(word) - MIN_LENGTH, 3, -1):
            head, tail = word[:cut], word[cut:]
            if head in self._words or (head.endswith("s") and head[:-1] in self._words):
                fixed = self._nearest(tail)
                if fixed is not None:
                    return head + fixed
        return None

    def _beginning(self, word: str) -> str | None:
        """The beginning of a longer plan word that the word is one edit from (the most frequent word's, when
        several are), or None; the beginning is as long as the word, one letter more or one less."""
        if len(word) < PREFIX_LENGTH:
            return None
        starts = {k: w for n in (len(word) - 1, len(word), len(word) + 1) for k, w in self._starts(n).items()}
        starts.pop(word, None)
        found = process.extract(word, list(starts), scorer=OSA.distance, score_cutoff=1, limit=8)
        if not found:
            return None
        best = min(found, key=lambda item: (item[1], -self.frequencies.get(starts[item[0]], 0)))
        return str(best[0])

    def _starts(self, n: int) -> dict[str, str]:
        """The first n letters of each longer plan word, with the most frequent word that begins so."""
        if n not in self._starts_by_length:
            ranked = sorted(self._choices, key=lambda w: self.frequencies.get(w, 0))  # the most frequent last wins
            self._starts_by_length[n] = {w[:n]: w for w in ranked if len(w) > n}
        return self._starts_by_length[n]

    def _nearest(self, word: str) -> str | None:
        """The most frequent corpus word within the edit limit, or None."""
        limit = 2 if len(word) >= LONG_WORD else 1
        found = process.extract(word, self._choices, scorer=OSA.distance, score_cutoff=limit, limit=8)
        if not found:
            return None
        best = min(found, key=lambda item: (item[1], -self.frequencies.get(item[0], 0)))
        return str(best[0])

    def repair(self, norm: str) -> tuple[str, dict[str, str]]:
        """The normalised question with its typos repaired, and what was changed."""
        changed: dict[str, str] = {}

        def swap(match: re.Match[str]) -> str:
            word = match.group(0)
            fixed = self.repair_word(word)
            if fixed is None:
                return word
            changed[word] = fixed
            return fixed

        return _TOKEN.sub(swap, norm), changed
