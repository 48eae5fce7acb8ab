"""What users save (coverage verdicts, feedback): small SQLite databases under the data directory.

One connection recipe for all of them: autocommit (callers open their own transactions), WAL so that two
app workers can write at once, and a busy timeout instead of «database is locked».
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class SqliteFile:
    """A database file under the data directory; `connect()` yields a ready connection and closes it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA busy_timeout=30000")
            yield db
        finally:
            db.close()
