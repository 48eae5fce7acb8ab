"""The domain vocabulary (variants, places, frame words, glossary), read from lexicon.yaml beside this module."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    return dict(yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8")))
