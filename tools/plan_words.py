"""The plans' own words that the English glossary renders (rusqa/lexicon/sources/plan_words.txt).

    python -m tools.plan_words            # rewrite the list from corpus/plans/*.txt
    python -m tools.plan_words --check    # exit 1 when the list differs from what the plans give

A word of four letters or more that is not a Norwegian stopword and has no digit, as rusqa.text splits the
plans (a hyphenated compound as its parts). The glossary (sources/glossary.tsv) gives each word's English
renderings as a general dictionary does, written by helpers who saw only this list. Until v0.3 the list held
the words used at least twice (1,043); it now holds every such word (`--min-count 1`). Words of two or three
letters stay out: in these plans they are mostly codes and abbreviations (a helper given the 116 of them skipped
47 as such), and rendering the rest («rus» → intoxication, high; «rop» → shout, though the plans' ROP is an
abbreviation) moved no dev answer.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from rusqa.lexicon import SOURCES_DIR
from rusqa.text import NORWEGIAN_STOPWORDS_FILE, word_groups

ROOT = Path(__file__).resolve().parent.parent
PLAN_WORDS_FILE = SOURCES_DIR / "plan_words.txt"
MIN_LETTERS = 4


def norwegian_stopwords() -> frozenset[str]:
    """The general stopword list alone (rusqa.text.stopwords adds «bydel», «bydelen» for BM25, but the glossary
    renders them: «district» is then a frame word, as «districts» is)."""
    lines = NORWEGIAN_STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def plan_word_counts(plans_dir: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    for path in sorted(plans_dir.glob("*.txt")):
        for forms in word_groups(path.read_text(encoding="utf-8")):
            counts.update(forms[1:] if len(forms) > 1 else forms)
    return counts


def plan_words(plans_dir: Path, min_count: int = 1) -> list[str]:
    return sorted(
        word
        for word, n in plan_word_counts(plans_dir).items()
        if n >= min_count
        and len(word) >= MIN_LETTERS
        and word not in norwegian_stopwords()
        and not any(c.isdigit() for c in word)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=Path, default=ROOT / "corpus" / "plans")
    parser.add_argument("--min-count", type=int, default=1)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = "\n".join(plan_words(args.plans, args.min_count)) + "\n"
    if args.check:
        same = PLAN_WORDS_FILE.read_text(encoding="utf-8") == text
        print("plan_words.txt is current" if same else "plan_words.txt differs: run `python -m tools.plan_words`")
        return 0 if same else 1
    PLAN_WORDS_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {PLAN_WORDS_FILE.relative_to(ROOT)}: {text.count(chr(10))} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
