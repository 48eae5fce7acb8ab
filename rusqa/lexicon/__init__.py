"""The query-time vocabulary, as data beside this module, each list with its source.

`questions.yaml` holds places, record words, courtesy formulas, field and shape cues; `sources/` holds the
general lists it builds on: NLTK's English stopwords and the glossary (English renderings of every word the
plans use, `python -m tools.plan_words`). None of it is part of the index fingerprint: the index's tokens
depend only on rusqa.text.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

LEXICON_DIR = Path(__file__).parent
QUESTIONS_FILE = LEXICON_DIR / "questions.yaml"
SOURCES_DIR = LEXICON_DIR / "sources"
GLOSSARY_FILE = SOURCES_DIR / "glossary.tsv"
ENGLISH_STOPWORDS_FILES = (
    SOURCES_DIR / "english_stopwords.txt",  # NLTK's stopword corpus (from Snowball)
    SOURCES_DIR / "english_stopwords_glasgow.txt",  # the Glasgow IR group's list, as scikit-learn ships it
)
GENERAL_WORDS_FILE = SOURCES_DIR / "general_words_nb.txt"  # wordfreq's most frequent bokmål words
_ENGLISH_WORD = re.compile(r"[a-z][a-z'-]*")


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    return dict(yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8")) or {})


@lru_cache(maxsize=16)
def word_pattern(name: str) -> re.Pattern[str]:
    """One lexicon list as a pattern of whole words and phrases («*» marks a prefix or an ending)."""
    entries = sorted((str(e) for e in lexicon()[name]), key=len, reverse=True)
    return re.compile("|".join(_whole(e) for e in entries))


def _whole(entry: str) -> str:
    """An entry as a whole word; «*» at its end makes it a prefix («eneansvar*»), at its start an ending
    («*n't» in «don't»)."""
    head = r"\b\w*" if entry.startswith("*") else r"\b"
    tail = r"\w*\b" if entry.endswith("*") else r"\b"
    return head + re.escape(entry.strip("*")) + tail


@lru_cache(maxsize=1)
def english_stopwords() -> frozenset[str]:
    """General English stopword lists (NLTK's and the Glasgow IR group's)."""
    return frozenset(w.strip() for f in ENGLISH_STOPWORDS_FILES for w in f.read_text(encoding="utf-8").split())


@lru_cache(maxsize=1)
def general_frequencies() -> dict[str, float]:
    """How often each of the most frequent words of general Norwegian bokmål occurs: its share of all running
    words (sources/general_words_nb.txt, from wordfreq)."""
    rows = (line.split("\t") for line in GENERAL_WORDS_FILE.read_text(encoding="utf-8").splitlines())
    return {row[0]: float(row[1]) for row in rows if len(row) == 2 and not row[0].startswith("#")}


@lru_cache(maxsize=1)
def _glossary_rows() -> dict[str, list[str]]:
    """Norwegian plan word → its English renderings as sources/glossary.tsv writes them (case kept)."""
    out: dict[str, list[str]] = {}
    for line in GLOSSARY_FILE.read_text(encoding="utf-8").splitlines():
        if "\t" not in line or line.startswith("#"):
            continue
        norwegian, english = line.split("\t", 1)
        out[norwegian.strip()] = [e.strip() for e in english.split(",") if e.strip()]
    return out


@lru_cache(maxsize=1)
def renderings() -> dict[str, list[str]]:
    """Norwegian plan word → its English renderings (sources/glossary.tsv), lower-cased."""
    return {norwegian: [e.lower() for e in english] for norwegian, english in _glossary_rows().items()}


@lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    """The renderings the glossary writes as names, each content word capitalised («West End», «Education
    Agency»), lower-cased as `renderings` gives them."""
    out = set()
    for phrases in _glossary_rows().values():
        for phrase in phrases:
            content = [w for w in phrase.split() if w.lower() not in english_stopwords()]
            if len(content) >= 2 and all(w[:1].isupper() for w in content):
                out.add(phrase.lower())
    return frozenset(out)


def _content_words(phrase: str) -> list[str]:
    return [w for w in _ENGLISH_WORD.findall(phrase) if w not in english_stopwords()]


@lru_cache(maxsize=1)
def glossary() -> dict[str, tuple[str, ...]]:
    """English word → the plan words it renders. A rendering of several content words is left out, except that
    its head — the last word of an English noun phrase, which names what the whole is («nasal spray» is a
    spray) — renders the plan word when the head renders no plan word by itself: «who runs the course on the
    overdose-reversal spray» reaches «nesespray» (dev: one question more, none fewer). A name's words are no head
    («West End», «vestkanten», renders no «end»)."""
    out: dict[str, list[str]] = {}
    heads: dict[str, list[str]] = {}
    for norwegian, english in renderings().items():
        for phrase in english:
            content = _content_words(phrase)
            if len(content) == 1:
                out.setdefault(content[0], []).append(norwegian)
            elif content and phrase not in _names():  # a name's last word names no kind: «West End» is no end
                heads.setdefault(content[-1], []).append(norwegian)
    for head, words in heads.items():
        out.setdefault(head, words)
    return {english: tuple(dict.fromkeys(words)) for english, words in out.items()}


@lru_cache(maxsize=1)
def glossary_phrases() -> dict[str, str]:
    """English renderings of several words → the plan word («consumption room» → «brukerrom»)."""
    out: dict[str, str] = {}
    for norwegian, english in renderings().items():
        for phrase in english:
            if len(_content_words(phrase)) >= 2:
                out.setdefault(phrase, norwegian)
    return out


def english_of(words: list[str]) -> set[str]:
    """The English words rendering any of these Norwegian words: a one-word rendering, and the head of a longer one
    (the last content word, which names what the whole is: «drug plan» is a plan, so «rusplan» makes «plan» a
    frame word, not «drug»)."""
    return {
        content[-1] for word in words for phrase in renderings().get(word, []) if (content := _content_words(phrase))
    }


@lru_cache(maxsize=1)
def frame_words() -> frozenset[str]:
    """Norwegian words that frame a question rather than name its subject."""
    lex = lexicon()
    return frozenset([*lex["record_words"], *lex["request_words"], *lex["pro_verbs"]])


@lru_cache(maxsize=1)
def english_frame() -> frozenset[str]:
    """English words that frame a question: the stopword list, and the renderings of the Norwegian
    record and request words («tiltak» → measure, «bydeler» → districts)."""
    lex = lexicon()
    rendered = english_of([*lex["record_words"], *lex["request_words"]])
    return english_stopwords() | rendered | set(lex["english_courtesy"])


@cache
def field_words(field: str) -> frozenset[str]:
    """Words left out of the subject when the field is asked: the listed ones, and its printed column headers
    with their inflections («tidsrammen», «fremdriften»)."""
    headers = {h + ending for h in printed_headers(field) for ending in ("", "en", "et", "a", "ene", "er", "ane")}
    return frozenset(lexicon()["fields"][field]["words"]) | headers


@lru_cache(maxsize=1)
def courtesy_words() -> frozenset[str]:
    lex = lexicon()
    return frozenset([*lex["courtesy"], *lex["english_courtesy"]])


@lru_cache(maxsize=8)
def cue_patterns(section: str) -> dict[str, re.Pattern[str]]:
    """`fields` or `shapes`: one compiled alternation per name; a field's cues include the column headers
    plans print for it («Hva er tidsrammen for …?» asks for the frist)."""
    table = lexicon()[section]
    out = {}
    for name, entry in table.items():
        cues = entry["cues"] if isinstance(entry, dict) else entry
        if section == "fields":
            cues = [*cues, *(rf"\b{re.escape(h)}\w*" for h in printed_headers(name))]
        out[name] = re.compile("|".join(f"(?:{c})" for c in cues))
    return out


def printed_headers(field: str) -> list[str]:
    """The column headers plans print for a field (rusqa.ingest.headers, the one list the table readers use),
    less those that ask something else in a question (`headers_not_cues`)."""
    from rusqa.ingest.headers import COLUMN_HEADERS

    skip = set(lexicon()["headers_not_cues"])
    return [h for h in COLUMN_HEADERS.get(field, ()) if h.isalpha() and h not in skip]
