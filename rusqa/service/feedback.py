"""Feedback on answers (👍 / 👎, an optional comment), kept in SQLite under the data directory.

What is stored: the rating, the comment, the answer as shown, the ids it cited and the index build — and the
question text only when the user ticked «del spørsmålet med forvalter». `rusqa feedback` lists it, so that
a maintainer can turn a 👎 into an evaluation item.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from rusqa.errors import InputError
from rusqa.storage import SqliteFile

FILE_NAME = "feedback.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment TEXT NOT NULL DEFAULT '',
    answer TEXT NOT NULL,
    cited TEXT NOT NULL,
    build_id TEXT NOT NULL,
    question TEXT,
    user TEXT
)
"""
MAX_COMMENT = 2000


@dataclass(frozen=True)
class Feedback:
    id: int
    at: str
    rating: int
    comment: str
    answer: str
    cited: list[str]
    build_id: str
    question: str | None
    user: str | None


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = SqliteFile(path)
        with self._connect() as db:
            db.execute(SCHEMA)

    @classmethod
    def in_dir(cls, data_dir: Path) -> FeedbackStore:
        return cls(data_dir / FILE_NAME)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._file.connect()

    def add(
        self,
        rating: int,
        answer: str,
        cited: list[str],
        build_id: str,
        *,
        comment: str = "",
        question: str | None = None,
        share_question: bool = False,
        user: str | None = None,
    ) -> int:
        """Store one piece of feedback; the question is kept only when the user chose to share it."""
        if rating not in (-1, 1):
            raise InputError("feedback is 👍 (1) or 👎 (-1)")
        at = datetime.now(UTC).isoformat(timespec="seconds")
        kept = question if share_question and question else None
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO feedback (at, rating, comment, answer, cited, build_id, question, user)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (at, rating, comment.strip()[:MAX_COMMENT], answer, json.dumps(cited), build_id, kept, user),
            )
            return int(cursor.lastrowid or 0)

    def revise(self, feedback_id: int, rating: int, *, comment: str | None = None,
               question: str | None = None, share_question: bool = False) -> None:  # fmt: skip
        """Change a stored piece of feedback (the user clicked the other thumb, or added a comment); the question
        is kept only when the user chose to share it, and dropped again when they no longer do."""
        if rating not in (-1, 1):
            raise InputError("feedback is 👍 (1) or 👎 (-1)")
        kept = question if share_question and question else None
        with self._connect() as db:
            if comment is None:
                db.execute("UPDATE feedback SET rating = ? WHERE id = ?", (rating, feedback_id))
            else:
                db.execute(
                    "UPDATE feedback SET rating = ?, comment = ?, question = ? WHERE id = ?",
                    (rating, comment.strip()[:MAX_COMMENT], kept, feedback_id),
                )

    def withdraw(self, feedback_id: int) -> None:
        """The user took their 👍 / 👎 back: nothing of it is kept."""
        with self._connect() as db:
            db.execute("DELETE FROM feedback WHERE id = ?", (feedback_id,))

    def all(self) -> list[Feedback]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, at, rating, comment, answer, cited, build_id, question, user FROM feedback ORDER BY id"
            ).fetchall()
        return [Feedback(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6], r[7], r[8]) for r in rows]


def feedback_csv(items: list[Feedback]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(Feedback.__dataclass_fields__), lineterminator="\n")
    writer.writeheader()
    for item in items:
        row = asdict(item)
        row["cited"] = " ".join(item.cited)
        writer.writerow(row)
    return out.getvalue()
