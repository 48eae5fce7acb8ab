"""What users save (coverage verdicts, feedback): small SQLite databases under the data directory.

One connection recipe for all of them: autocommit (callers open their own transactions), WAL so that two
app workers can write at once, and a busy timeout instead of «database is locked».
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _use_wal(db: sqlite3.Connection, attempts: int = 40) -> None:
    """Switch to WAL (kept in the file). Two processes creating the file at once can see «database is
    locked» here without the busy handler being asked, so the switch is retried for a few seconds."""
    for attempt in range(attempts):
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(min(0.02 * (attempt + 1), 0.25))


class SqliteFile:
    """A database file under the data directory; `connect()` yields a ready connection and closes it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout=30000")
            _use_wal(db)
            yield db
        finally:
            db.close()
