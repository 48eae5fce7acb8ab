"""Proper names a question gives, and the records that give them.

A programme, tool or service named in quotation marks, in parentheses after what it names, or with a capital
inside the word («Play it right», «(Rask psykisk helsehjelp)», «BrukerPlan») is specific: a plan has it where one
of its records gives the name, and only there. Used by value, fact and across-plan answers, and by the coverage
matrix for the programmes a city measure names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rusqa.answering.analyse import place_tokens
from rusqa.lexicon import english_stopwords
from rusqa.models import Question
from rusqa.search.live import LiveIndex
from rusqa.text import proper_names, tokenize


class Name(NamedTuple):
    """A proper name a question gives: as typed, and its tokens."""

    typed: str
    tokens: frozenset[str]


def name(typed: str) -> Name:
    return Name(typed, frozenset(tokenize(typed)) - english_stopwords())


def names(question: Question) -> list[Name]:
    """The proper names a question gives, a place's name and an aside about places («(Grorud or Ullern)») left
    out."""
    given = [name(typed) for typed in proper_names(question.text)]
    return [n for n in given if n.tokens and not n.tokens & place_tokens()]


def giving(live: LiveIndex, given: Sequence[Name], plan_ids: Sequence[str] = ()) -> frozenset[str]:
    """The records (of these plans, or of all) that give one of the names: its words, or longer forms of them
    («Raskere psykisk helsehjelp» gives «Rask psykisk helsehjelp»), from the BM25 postings."""
    found = frozenset().union(*(live.lexical.giving(n.tokens) for n in given))
    return frozenset(r for r in found if live.by_id[r].plan_id in plan_ids) if plan_ids else found
