"""Fill `gold_ids` in evals/*.yaml from the `gold` strings: the records whose cited text holds one.

Run after a parser change that renumbers records; review the diff (git diff evals/) before committing.
Usage: python tools/fill_gold_ids.py [--check] [FILE …]  (default: evals/*.yaml)
"""

from __future__ import annotations

import sys

import yaml

from rusqa.ingest import ingest
from rusqa.search.documents import documents
from rusqa.settings import PROJECT_ROOT
from rusqa.text import normalise


def main() -> int:
    check = "--check" in sys.argv
    files = [PROJECT_ROOT / a for a in sys.argv[1:] if not a.startswith("--")]
    corpus = ingest(PROJECT_ROOT / "corpus")
    docs = [(d.id, normalise(d.text)) for d in documents(corpus.plans)]
    problems = 0
    for path in files or sorted((PROJECT_ROOT / "evals").glob("*.yaml")):
        if path.name == "thresholds.yaml":
            continue
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        changed = False
        for item in items:
            if item.get("abstain"):
                continue
            ids = sorted({doc_id for g in item.get("gold", []) for doc_id, text in docs if normalise(g) in text})
            if not ids:
                problems += 1
                print(f"{path.name} {item['id']}: no record holds any gold string {item.get('gold')}")
            if ids != item.get("gold_ids"):
                changed = True
                if check:
                    print(f"{path.name} {item['id']}: gold_ids {item.get('gold_ids')} ≠ {ids}")
                item["gold_ids"] = ids
        if changed and not check:
            path.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
