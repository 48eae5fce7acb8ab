"""Lexicon ablation: for each entry of the query-time vocabulary, how many evals/dev/ items depend on it alone.

An entry is removed (the others kept), the dev items whose questions contain its word are answered again,
and the items that turn from right to wrong (or wrong to right) are counted. Every entry names its source in
rusqa/lexicon/; this measures what each is worth, it does not choose them.

Usage: python -m tools.ablate_lexicon [--report reports/ablation.json]
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rusqa.answering import analyse
from rusqa.answering.qa import Assistant
from rusqa.evaluation.evaluate import answer_items
from rusqa.evaluation.items import DEV_DIR, EvalItem, load_items
from rusqa.lexicon import courtesy_words, frame_words, glossary, lexicon
from rusqa.text import normalise


@contextmanager
def patched(name: str, replacement: Callable[[], Any]) -> Iterator[None]:
    original = getattr(analyse, name)
    setattr(analyse, name, replacement)
    try:
        yield
    finally:
        setattr(analyse, name, original)


def entries() -> list[tuple[str, str, str, Callable[[], Any]]]:
    """(kind, word, source, replacement of the analyse-level function without that word)."""
    out: list[tuple[str, str, str, Callable[[], Any]]] = []
    gloss = glossary()
    for word in sorted(gloss):
        out.append(
            ("glossary", word, "sources/glossary.tsv", lambda w=word: {k: v for k, v in gloss.items() if k != w})
        )
    frames = frame_words()
    for word in sorted(frames):
        out.append(("frame", word, "questions.yaml record/request words", lambda w=word: frames - {w}))
    courtesy = courtesy_words()
    for word in sorted(courtesy):
        out.append(("courtesy", word, "questions.yaml courtesy", lambda w=word: courtesy - {w}))
    return out


def words_of(item: EvalItem) -> set[str]:
    return {w for turn in item.as_turns() for w in re.findall(r"[^\W\d_]+", normalise(turn.question))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--report", default="reports/ablation.json")
    args = parser.parse_args()
    assistant = Assistant()
    items = load_items([DEV_DIR])
    baseline = {s.id: s.correct for s in answer_items(assistant, items)}
    rows = []
    for kind, word, source, replacement in entries():
        touched = [item for item in items if word in words_of(item)]
        if not touched:
            rows.append({"kind": kind, "entry": word, "source": source, "items": 0, "lost": 0, "gained": 0})
            continue
        target = {"glossary": "glossary", "frame": "frame_words", "courtesy": "courtesy_words"}[kind]
        with patched(target, replacement):
            analyse._speller.cache_clear()
            scores = answer_items(assistant, touched)
        analyse._speller.cache_clear()
        lost = sum(1 for s in scores if baseline[s.id] and not s.correct)
        gained = sum(1 for s in scores if not baseline[s.id] and s.correct)
        rows.append(
            {"kind": kind, "entry": word, "source": source, "items": len(touched), "lost": lost, "gained": gained}
        )
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    used = [r for r in rows if r["items"]]
    depended = [r for r in rows if r["lost"]]
    print(
        f"{len(rows)} entries ({len(used)} occur in dev questions); {len(depended)} have items depending on them alone:"
    )
    for r in sorted(depended, key=lambda r: -r["lost"]):
        print(
            f"  {r['kind']:9} {r['entry']:20} lost {r['lost']}, gained {r['gained']} of {r['items']}  ({r['source']})"
        )
    print(
        f"places: {len(lexicon()['oslo_bydeler'])} bydeler and {len(lexicon()['other_places'])} other places "
        "(official lists); field and shape cues: questions.yaml, each with its source."
    )


if __name__ == "__main__":
    main()
