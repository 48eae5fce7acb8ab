"""Write rusqa/lexicon/sources/general_words_nb.txt: the most frequent words of general Norwegian (bokmål),
each with its frequency (the share of all running words).

    pip install wordfreq==3.1.1 && python -m tools.general_words [N]   (default 10000)

The list is wordfreq's `top_n_list("nb", N)` with `word_frequency(word, "nb")` (Robyn Speer et al., wordfreq 3.1.1: frequencies pooled from
Wikipedia, subtitles, news, books, web text and other corpora; data under CC BY-SA 4.0, so the list is too).
It is a general source, not the plans' words: rusqa uses it to tell a question's general-language words
(«få», «plass», «folk», «stedet») from the words that name what it asks about (rusqa.search.retrieve).
wordfreq is needed only to regenerate the file; nothing imports it at run time.
"""

from __future__ import annotations

import sys

from rusqa.lexicon import GENERAL_WORDS_FILE

HEADER = """\
# The {n} most frequent words of general Norwegian bokmål, most frequent first: word TAB frequency (share of
# running words). Source: wordfreq 3.1.1, top_n_list("nb", {n}) and word_frequency (Robyn Speer et al.; data
# CC BY-SA 4.0, and so this list).
# Written by `python -m tools.general_words {n}`; not the plans' words, not chosen from any question.
"""


def main(n: int) -> None:
    import wordfreq

    words = [w for w in wordfreq.top_n_list("nb", n) if w.isalpha()]
    lines = [f"{w}\t{wordfreq.word_frequency(w, 'nb'):.3g}" for w in words]
    GENERAL_WORDS_FILE.write_text(HEADER.format(n=n) + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{GENERAL_WORDS_FILE}: {len(words)} words")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
