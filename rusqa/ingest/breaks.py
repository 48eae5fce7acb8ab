"""Words a narrow table column broke at a line end without a hyphen («Forebyggen» / «de enhet»).

join_lines handles hyphenation; a break without a hyphen cannot be told from two words by looking
at the two lines alone. The plan itself is the evidence: one vocabulary of the words it prints
whole, shared by every layout's parser.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from itertools import pairwise

_WORD = re.compile(r"[^\W\d_]+")


def _break_pair(a: str, b: str) -> tuple[str, str] | None:
    """The word ending line a and the lower-case word starting line b, if both are plain words."""
    left = a.split()[-1] if a.split() else ""
    right = _WORD.match(b.lstrip())
    if not (left and right and _WORD.fullmatch(left) and right.group(0)[:1].islower()):
        return None
    return left, right.group(0)


class PlanWords:
    """How often each word (casefolded) occurs in a plan, and how often it sits at a possible break."""

    def __init__(self, lines: Sequence[str], known: Collection[str] = ()) -> None:
        """`known`: words of the language at large, for a compound a column cut where the plan never prints it
        whole («foreldreveiledningsk» + «urset»: «kurset» is a word, «urset» none)."""
        self.known = frozenset(known)
        self.total: Counter[str] = Counter(w.casefold() for line in lines for w in _WORD.findall(line))
        self.at_break: Counter[str] = Counter()
        for a, b in pairwise(lines):
            pair = _break_pair(a, b)
            if pair:
                self.at_break[pair[0].casefold()] += 1
                self.at_break[pair[1].casefold()] += 1

    def whole(self, word: str) -> bool:
        """Whether the plan prints this word where no line break could have cut it."""
        word = word.casefold()
        return self.total[word] - self.at_break[word] > 0

    def rejoin(self, lines: Sequence[str]) -> list[str]:
        """The lines with each broken word re-joined: «Forebyggen» + «de enhet» → «Forebyggende enhet».

        Join when the first fragment is never a whole word in the plan, and either the joined word
        occurs in it («forebyggende») or the second fragment is a letter or two that is never a word
        («Helsestasjo» + «n»). «Avd» + «oppvekst» and «på» + «de unges» stay apart.
        """
        out: list[str] = []
        for line in lines:
            if not line.strip():
                continue
            pair = _break_pair(out[-1], line) if out else None
            if pair:
                left, right = (w.casefold() for w in pair)
                short = len(right) <= 2 and not self.whole(right)
                if not self.whole(left) and (self.total[left + right] > 0 or short or self._completes(left, right)):
                    out[-1] = out[-1].rstrip() + line.lstrip()
                    continue
            out.append(line)
        return out

    def _completes(self, left: str, right: str) -> bool:
        """«urset» is no word, but «foreldreveiledningskurset» ends in one longer than it («kurset»): a cut compound."""
        if not self.known or right in self.known or self.whole(right):
            return False
        joined = left + right
        return any(
            (tail := joined[i:]) in self.known or self.whole(tail)
            for i in range(1, len(left))
            if len(joined) - i > len(right) and len(joined) - i >= 4
        )
