"""Norwegian text analysis: cleaning printed text, normalising for matching, and BM25 tokens.

Two forms of every text: the *printed* form (whitespace collapsed, hyphenation re-joined — what
answers quote) and the *normalised* form (NFKC, casefolded, soft hyphens and zero-width marks
removed — what matching uses). One tokeniser serves documents and questions alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence, Set
from functools import lru_cache
from pathlib import Path
from typing import Any

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACE = re.compile(r"\s+")
_BULLET = re.compile(r"^\s*(?:[•●▪◦·\uf0b7]|-(?=\s*\S))\s*")
# Words that follow a hyphen without joining to it: «rus- og psykiske», «bo- og».
_CLOSING = ",.;:)!?»"
_KEEP_HYPHEN_BEFORE = {"og", "eller", "til", "som", "samt", "&"}


def strip_invisible(text: str) -> str:
    """Drop soft hyphens, zero-width and bidi marks and control characters."""
    return _CONTROL.sub(" ", text.translate(_INVISIBLE))


def collapse(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return _SPACE.sub(" ", text).strip()


def join_lines(lines: Iterable[str]) -> str:
    """Join extracted lines into printed text, re-joining end-of-line hyphenation.

    «rus-» + «middel» → «rusmiddel»; «rus-» + «og psykiske» → «rus- og psykiske»;
    «bo-» + «Oppfølging» keeps the hyphen (a capital starts a new word: «NAV-»/«Bydel»).
    """
    out = ""
    for raw in lines:
        line = collapse(strip_invisible(raw))
        if not line:
            continue
        if not out:
            out = line
            continue
        first_word = line.split(" ", 1)[0]
        if line[0] in _CLOSING:  # «alkohol-» + «, benzodiazepin-»: punctuation belongs to the line before
            out += line
        elif out.endswith("-"):
            out = _rejoin_hyphen(out, first_word) + line
        else:
            out = f"{out} {line}"
    return out


def _rejoin_hyphen(before: str, first_word: str) -> str:
    """`before` (ending in «-») made ready to take the next line's text.

    Hyphenation is undone in «rus-» + «middel», «Vel-» + «ferdsetaten» and «OPP-» + «STÅR»; the
    hyphen stays, with no space, in «NAV-kontor» and «SaLTo-koordinator» (an acronym, or a name with a capital
    inside it) and «e-læring» (one letter); a space
    follows it in «rus- og psykisk». («Oslo-» + «gjennomsnittet» becomes one word: without a
    dictionary a name cannot be told from a hyphenated word, and a parser may do better.)
    """
    prefix = before[:-1].rsplit(" ", 1)[-1]
    if not prefix or not prefix[-1].isalpha() or first_word.lower().strip(",.;:") in _KEEP_HYPHEN_BEFORE:
        return before + " "
    if prefix.isupper() and first_word[:1].isupper() and first_word.strip(",.;:").isupper():
        return before[:-1]
    if first_word[:1].isdigit():  # «vår-» + «22»
        return before
    if not first_word[:1].islower():
        return before + " "
    if (
        len(prefix) == 1
        or (prefix.isupper() and len(prefix) >= 2)
        or any(c.isupper() for c in prefix.lstrip("(«\"'[")[1:])
    ):
        return before  # «NAV-» and «SaLTo-» (a capital inside: a name's own spelling) keep their hyphen
    return before[:-1]


def strip_bullet(line: str) -> str:
    """Remove a leading bullet («• », «- », «-») from a line."""
    return _BULLET.sub("", line, count=1)


def is_bullet(line: str) -> bool:
    return bool(_BULLET.match(line)) and bool(strip_bullet(line).strip())


def join_bullets(lines: Sequence[str]) -> str:
    """Join a cell whose items are bullets: items separated by « • », continuation lines joined.

    When the cell's items are «•» bullets, a wrapped line that happens to begin with «-» continues
    its item.
    """
    items: list[list[str]] = []
    dots = any(raw.lstrip().startswith("•") for raw in lines)
    for raw in lines:
        if not raw.strip():
            continue
        if (is_bullet(raw) and (not dots or raw.lstrip().startswith("•"))) or not items:
            items.append([strip_bullet(raw)])
        else:
            items[-1].append(raw)
    texts = [join_lines(item) for item in items]
    return " • ".join(text for text in texts if text)


# A question's analysis normalises and tokenises the same words and phrases many times over: short texts are
# remembered (long ones, such as records' texts at build time, are not worth keeping).
_SHORT = 64


def normalise(text: str) -> str:
    """Matching form: NFKC, casefold, invisible marks dropped, hyphenation re-joined, spaces collapsed."""
    return _normalised(text) if len(text) <= _SHORT else _normalise(text)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", strip_invisible(text))
    return join_lines(text.splitlines()).casefold()


_normalised = lru_cache(maxsize=16384)(_normalise)


def orthography(token: str) -> str:
    """One spelling for Norwegian's loanword variants: «x» is written «ks» (naloxon → nalokson,
    taxi → taksi), the rule of Norwegian orthography for adapted loanwords."""
    return token.replace("x", "ks") if "x" in token else token


NORWEGIAN_STOPWORDS_FILE = Path(__file__).parent / "lexicon" / "sources" / "norwegian_stopwords.txt"
# A code typed or printed in capitals («AVL», «HM», «SET»)
CAPITAL_CODE = re.compile(r"\b[A-ZÆØÅ]{2,6}\b")
YEAR = re.compile(r"\b(?:19|20)\d\d\b")  # a year a question, a sentence or a table header names
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("norwegian")


_VOWELS = frozenset("aeiouyæøå")


def undouble(stem: str) -> str:
    """A stem ending in a doubled consonant in its R1 region loses one («ungdomm» → «ungdom»): Norwegian doubles
    a final consonant before an ending (ungdom → ungdommer, program → programmet), which the Snowball Norwegian
    stemmer leaves in place; its Danish sibling has this step («undouble»), with the same R1 (the part after the
    first consonant that follows a vowel, at least three letters in), so «takk» keeps its «kk»."""
    if len(stem) < 4 or stem[-1] != stem[-2] or stem[-1] in _VOWELS or not stem[-1].isalpha():
        return stem
    r1 = next((i + 1 for i in range(1, len(stem)) if stem[i] not in _VOWELS and stem[i - 1] in _VOWELS), len(stem))
    return stem[:-1] if len(stem) - 2 >= max(r1, 3) else stem


def stems(words: Sequence[str]) -> list[str]:
    """Snowball's Norwegian stems, verbal nouns to their verb's stem, undoubled."""
    return [undouble(verb_stem(s)) for s in _stemmer().stemWords(list(words))]


VERBAL_NOUN = "ing"  # forebygge → forebygging, kartlegge → kartlegging (Bokmålsordboka: -ing, nouns from verbs)


def verb_stem(stem: str) -> str:
    """A verbal noun's stem as its verb's («forebygging» → «forebygg», as «forebyggende» and «forebygge» stem):
    Snowball's Norwegian stemmer keeps «-ing», so the noun and the verb it names never met. Only where five
    letters or more are left («læring», «mening», «ting» stay)."""
    return stem[: -len(VERBAL_NOUN)] if stem.endswith(VERBAL_NOUN) and len(stem) - len(VERBAL_NOUN) >= 5 else stem


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Norwegian stopwords (lexicon/sources/norwegian_stopwords.txt: bm25s's list, NLTK's), and «bydel(en)»."""
    lines = NORWEGIAN_STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#")) | {"bydel", "bydelen"}


def word_groups(text: str) -> list[list[str]]:
    """Normalised words; a hyphenated compound as [joined, part, part …] («fact-team» → factteam, fact, team)."""
    groups: list[list[str]] = []
    for match in _WORD.finditer(normalise(text)):
        word = match.group(0)
        if "-" in word:
            groups.append([word.replace("-", ""), *(part for part in word.split("-") if part)])
        else:
            groups.append([word])
    return groups


def words(text: str) -> list[str]:
    """Normalised word tokens (hyphenated compounds split into their parts and kept whole)."""
    return [w for group in word_groups(text) for w in group]


def tokenize(text: str) -> list[str]:
    """BM25 tokens: normalised words minus Norwegian stopwords, stemmed, variants unified."""
    return list(_tokenized(text)) if len(text) <= _SHORT else list(_tokens(text))


def _tokens(text: str) -> tuple[str, ...]:
    kept = [orthography(w) for w in words(text) if w not in stopwords()]
    return tuple(stems(kept))


_tokenized = lru_cache(maxsize=16384)(_tokens)


@lru_cache(maxsize=4)
def _vocabulary_stems(vocabulary: frozenset[str]) -> frozenset[str]:
    return frozenset(stems(sorted(vocabulary)))


def split_compound(word: str, vocabulary: frozenset[str], *, keep_known: bool = False) -> list[str]:
    """«naloxonopplæring» → [«naloxon», «opplæring»] when both parts occur in the plans (linking s/e allowed).

    A word the plans already hold is not split unless keep_known (documents index both forms).
    """
    if (word in vocabulary and not keep_known) or len(word) < 7 or not word.isalpha():
        return []
    known_stems = _vocabulary_stems(vocabulary)
    best: list[str] = []
    for i in range(3, len(word) - 3):
        head, tail = word[:i], word[i:]
        # the tail may be inflected as the plans never print it («familieavdelingen» ← «avdeling»)
        tail_known = tail in vocabulary or stems([tail])[0] in known_stems
        for h in (head, head[:-1] if head.endswith(("s", "e")) and len(head) > 4 else None):
            if h and len(h) >= 3 and h in vocabulary and tail_known:
                candidate = [h, tail]
                if not best or min(map(len, candidate)) > min(map(len, best)):
                    best = candidate
    return best


# A proper name a text gives: in quotation marks («Play it right»), in parentheses after what it names («rapid mental
# health care (Rask psykisk helsehjelp)»), or written with a capital inside the word (BrukerPlan). A name begins
# with a capital: “kasteballer” in quotation marks is a figure of speech, «(i Grorud)» an aside.
_QUOTED_NAME = re.compile(r"[«“\"]([^»”\"]{3,80})[»”\"]")
_PARENTHESISED_NAME = re.compile(r"\(([^()]{3,80})\)")
_INNER_CAPITAL = re.compile(r"\b[A-ZÆØÅ][a-zæøå]+[A-ZÆØÅ][a-zæøå]\w*\b")


def proper_names(text: str, *, quoted_only: bool = False) -> list[str]:
    """The proper names a text gives (programmes, tools, services), as written, in order. `quoted_only`: those in
    quotation marks (a city measure's «(IPS)» abbreviates what it has just described in other words, which a district
    plan may do without the abbreviation: reports/coverage.json, dev 0.78 → 0.67 with parentheses)."""
    patterns = (_QUOTED_NAME,) if quoted_only else (_QUOTED_NAME, _PARENTHESISED_NAME)
    found = [m.group(1).strip() for pattern in patterns for m in pattern.finditer(text)]
    names = [n for n in found if n[:1].isupper()] + ([] if quoted_only else _INNER_CAPITAL.findall(text))
    return list(dict.fromkeys(names))


def names_in(name: str, text: str) -> bool:
    """Whether a normalised text names a normalised name, as whole words."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def holds(tokens: Set[str], word: str, vocabulary: frozenset[str]) -> bool:
    """Whether a set of tokens holds a word: the word's own tokens, or every part of a compound
    («boligutfordring»: «bolig» and «utfordring»; «snusbruken» is not held by «bruk» alone)."""
    own = tokenize(word)
    if own and set(own) <= tokens:
        return True
    parts = split_compound(word, vocabulary, keep_known=True)
    return bool(parts) and all(tokens & set(tokenize(part)) for part in parts)


_CLAUSE_BREAK = re.compile(r" • |(?<=[.;:])\s+(?=[A-ZÆØÅ])|,? samt ")


def clauses(text: str) -> list[str]:
    """A text's clauses for the dense leg: sentences, bullet items, and what «samt» adds (short scraps kept
    with nothing of their own)."""
    parts = [part.strip() for part in _CLAUSE_BREAK.split(text)]
    return [part for part in parts if len(part) > 12] or [text]
