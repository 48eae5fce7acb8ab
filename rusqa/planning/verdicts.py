"""The planners' coverage verdicts, kept in SQLite under the data directory (never in the index).

A verdict is about one city measure and one district plan: a candidate tiltak accepted as covering or
partly covering the measure, or rejected, or the cell marked «ikke dekket». Each carries who and when, a
comment, and a hash of the tiltak's text as it was judged: when a new plan version changes that text, the
verdict is flagged for review; when the tiltak is gone, it is flagged as missing. Index rebuilds do not
touch the store.

The schema is versioned (`PRAGMA user_version`) and migrated forward on open. WAL mode and a busy timeout
let two app workers write at once.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from rusqa.errors import InputError
from rusqa.models import Tiltak
from rusqa.storage import SqliteFile

SCHEMA_VERSION = 2
FILE_NAME = "verdicts.sqlite"
CELL = ""  # the tiltak id of a verdict about the whole cell («ikke dekket»)


class Verdict(StrEnum):
    COVERS = "covers"
    PARTLY = "partly"
    REJECTED = "rejected"
    NOT_COVERED = "not_covered"


@dataclass(frozen=True)
class Decision:
    """One stored verdict, with whether it still fits the plan as it now reads."""

    measure_id: str
    plan_id: str
    tiltak_id: str
    verdict: Verdict
    comment: str
    who: str
    at: str
    stale: bool = False  # the tiltak's text changed since it was judged
    missing: bool = False  # the tiltak is no longer in the plan


# Each migration takes the schema from version n-1 to n; a fresh database runs them all.
MIGRATIONS: dict[int, str] = {
    1: """
        CREATE TABLE verdicts (
            measure_id TEXT NOT NULL,
            plan_id TEXT NOT NULL,
            status TEXT NOT NULL,
            tiltak_ids TEXT NOT NULL DEFAULT '',
            who TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (measure_id, plan_id)
        );
    """,
    2: """
        CREATE TABLE decisions (
            measure_id TEXT NOT NULL,
            plan_id TEXT NOT NULL,
            tiltak_id TEXT NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('covers', 'partly', 'rejected', 'not_covered')),
            tiltak_hash TEXT NOT NULL DEFAULT '',
            comment TEXT NOT NULL DEFAULT '',
            who TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (measure_id, plan_id, tiltak_id)
        );
        INSERT INTO decisions (measure_id, plan_id, tiltak_id, verdict, who, at)
            SELECT measure_id, plan_id, '',
                   CASE status WHEN 'covered' THEN 'covers' WHEN 'partial' THEN 'partly' ELSE 'not_covered' END,
                   who, at
            FROM verdicts;
        DROP TABLE verdicts;
    """,
}


def text_hash(t: Tiltak) -> str:
    return hashlib.sha256(f"{t.goal or ''}\n{t.text}".encode()).hexdigest()[:16]


class VerdictStore:
    """The verdicts database; one short transaction per write, safe across processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = SqliteFile(path)
        with self._connect() as db:
            migrate(db)

    @classmethod
    def in_dir(cls, data_dir: Path) -> VerdictStore:
        return cls(data_dir / FILE_NAME)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._file.connect()

    def record(
        self,
        measure_id: str,
        plan_id: str,
        verdict: Verdict,
        *,
        who: str,
        tiltak: Tiltak | None = None,
        comment: str = "",
    ) -> Decision:
        """Store (or replace) a verdict. A candidate verdict names its tiltak; «ikke dekket» names none."""
        if verdict != Verdict.NOT_COVERED and tiltak is None:
            raise InputError(f"the verdict «{verdict}» is about a tiltak — name the tiltak it is about")
        if not who.strip():
            raise InputError("a verdict needs who made it — give a name or user id")
        at = datetime.now(UTC).isoformat(timespec="seconds")
        tiltak_id = tiltak.id if tiltak is not None else CELL
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            if verdict == Verdict.NOT_COVERED:  # the whole cell: earlier candidate verdicts no longer hold
                db.execute(
                    "DELETE FROM decisions WHERE measure_id = ? AND plan_id = ? AND verdict IN ('covers', 'partly')",
                    (measure_id, plan_id),
                )
            else:
                db.execute(
                    "DELETE FROM decisions WHERE measure_id = ? AND plan_id = ? AND tiltak_id = ?",
                    (measure_id, plan_id, CELL),
                )
            db.execute(
                "INSERT OR REPLACE INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    measure_id,
                    plan_id,
                    tiltak_id,
                    verdict.value,
                    text_hash(tiltak) if tiltak else "",
                    comment.strip(),
                    who.strip(),
                    at,
                ),
            )
            db.execute("COMMIT")
        return Decision(measure_id, plan_id, tiltak_id, verdict, comment.strip(), who.strip(), at)

    def decisions(self, tiltak: Mapping[str, Tiltak] | None = None) -> list[Decision]:
        """Every stored verdict; with the current tiltak, each flagged when its tiltak changed or is gone."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT measure_id, plan_id, tiltak_id, verdict, tiltak_hash, comment, who, at FROM decisions "
                "ORDER BY measure_id, plan_id, tiltak_id"
            ).fetchall()
        out = []
        for measure_id, plan_id, tiltak_id, verdict, stored_hash, comment, who, at in rows:
            current = tiltak.get(tiltak_id) if tiltak is not None and tiltak_id != CELL else None
            missing = tiltak is not None and tiltak_id != CELL and current is None
            stale = current is not None and bool(stored_hash) and text_hash(current) != stored_hash
            out.append(
                Decision(
                    measure_id, plan_id, tiltak_id, Verdict(verdict), comment, who, at, stale=stale, missing=missing
                )
            )
        return out


def schema_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection) -> None:
    """Bring the database to SCHEMA_VERSION, one migration per transaction; the version is read inside the
    transaction, so two workers opening a fresh database at once do not both migrate it."""
    while True:
        db.execute("BEGIN IMMEDIATE")
        version = schema_version(db)
        if version >= SCHEMA_VERSION:
            db.execute("COMMIT")
            if version > SCHEMA_VERSION:
                raise InputError(
                    f"the verdicts database is schema {version}, newer than this rusqa ({SCHEMA_VERSION}) "
                    "— upgrade rusqa"
                )
            return
        try:
            for statement in MIGRATIONS[version + 1].split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {version + 1}")
            db.execute("COMMIT")
        except sqlite3.Error:
            db.execute("ROLLBACK")
            raise
