"""The domain vocabulary, as data beside this module.

`variants.yaml` is index-time (it changes BM25 tokens, so it is part of the index fingerprint);
`questions.yaml` is query-time (places, frame words, glossary) and can change without a rebuild.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LEXICON_DIR = Path(__file__).parent
VARIANTS_FILE = LEXICON_DIR / "variants.yaml"
QUESTIONS_FILE = LEXICON_DIR / "questions.yaml"


def _load(path: Path) -> dict[str, Any]:
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    return {**_load(VARIANTS_FILE), **_load(QUESTIONS_FILE)}
