"""Structured JSON logs for operations: one object per line, never a question's text.

`log_event("answer", latency_ms=…, shape=…)` writes {"ts", "event", …}. Fields named like question text
are refused outright, so a caller cannot leak a caseworker's question (which may hold personal data) by
accident; an audit event («verdict», «index_build», «plan_added») says who did what.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

LOGGER = "rusqa"
_FORBIDDEN = {"question", "text", "answer", "comment", "query"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", {})
        return json.dumps(
            {"ts": datetime.now(UTC).isoformat(timespec="milliseconds"), "level": record.levelname.lower(), **fields},
            ensure_ascii=False,
            default=str,
        )


def configure(stream: Any = None) -> logging.Logger:
    """Send rusqa's events as JSON lines to stderr (or `stream`); idempotent for each stream."""
    logger = logging.getLogger(LOGGER)
    target = stream or sys.stderr
    if not any(
        isinstance(h.formatter, JsonFormatter) and getattr(h, "stream", None) is target for h in logger.handlers
    ):
        handler = logging.StreamHandler(target)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


def audit(data_dir: Any, event: str, who: str, **fields: Any) -> None:
    """An audit record (who did what, when) appended to <data_dir>/audit.jsonl, and logged."""
    from pathlib import Path

    record = {"ts": datetime.now(UTC).isoformat(timespec="seconds"), "event": event, "who": who, **fields}
    path = Path(data_dir) / "audit.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    log_event(event, who=who, **fields)


def log_event(event: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log one event with its fields; fields that could carry question text are refused."""
    leaked = _FORBIDDEN & set(fields)
    if leaked:
        raise ValueError(f"log fields {sorted(leaked)} could hold a question's text — log counts and ids only")
    logging.getLogger(LOGGER).log(level, event, extra={"fields": {"event": event, **fields}})
