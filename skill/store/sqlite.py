"""SQLite persistence adapter: one row per Alexa user id, the record as JSON.

The ASK SDK has no SQLite adapter; this implements its ``AbstractPersistenceAdapter``.
WAL mode lets readers proceed while one writer commits; ``BEGIN IMMEDIATE`` takes the
write lock up front and the busy timeout makes concurrent writers wait their turn
instead of failing. Each thread gets its own connection (sqlite3 connections are not
shared across threads). Failures surface as the SDK's ``PersistenceException``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from skill.store.keys import user_key

SCHEMA = """
CREATE TABLE IF NOT EXISTS attributes (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
)
"""


class SQLiteStore(AbstractPersistenceAdapter):  # type: ignore[misc]
    def __init__(self, path: Path, *, timeout: float = 5.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened (and the table created) on first use."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            connection.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute(SCHEMA)
            self._local.connection = connection
        return connection

    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        key = user_key(request_envelope)
        try:
            row = self._connection().execute("SELECT data FROM attributes WHERE id = ?", (key,)).fetchone()
        except (sqlite3.Error, OSError) as exc:
            raise PersistenceException(f"SQLite read failed: {type(exc).__name__}") from exc
        if row is None:
            return {}
        try:
            data = json.loads(row[0])
        except ValueError as exc:
            raise PersistenceException("stored record is not valid JSON") from exc
        return data if isinstance(data, dict) else {}

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        self._save(request_envelope, attributes, expected_rev=None)

    def save_if(self, request_envelope: Any, attributes: dict[str, Any], expected_rev: int) -> bool:
        """Save only if the stored record is still at ``expected_rev`` (or absent and 0).

        False means another device saved in between; the caller merges and tries again.
        The read and the write happen in one ``BEGIN IMMEDIATE`` transaction, so two
        writers cannot both succeed from the same revision.
        """
        return self._save(request_envelope, attributes, expected_rev=expected_rev)

    def _save(self, request_envelope: Any, attributes: dict[str, Any], *, expected_rev: int | None) -> bool:
        key = user_key(request_envelope)
        data = json.dumps(attributes, separators=(",", ":"), sort_keys=True)
        try:
            with _write(self._connection()) as connection:
                if expected_rev is not None:
                    row = connection.execute(
                        "SELECT json_extract(data, '$.rev') FROM attributes WHERE id = ?", (key,)
                    ).fetchone()
                    current = None if row is None else (row[0] or 0)
                    if current != expected_rev and not (current is None and expected_rev == 0):
                        return False
                connection.execute(
                    "INSERT INTO attributes (id, data) VALUES (?, ?) "
                    "ON CONFLICT(id) DO UPDATE SET data = excluded.data, "
                    "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                    (key, data),
                )
        except (sqlite3.Error, OSError) as exc:
            raise PersistenceException(f"SQLite write failed: {type(exc).__name__}") from exc
        return True

    def delete_attributes(self, request_envelope: Any) -> None:
        key = user_key(request_envelope)
        try:
            with _write(self._connection()) as connection:
                connection.execute("DELETE FROM attributes WHERE id = ?", (key,))
        except (sqlite3.Error, OSError) as exc:
            raise PersistenceException(f"SQLite delete failed: {type(exc).__name__}") from exc

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None


class _write:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any error."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> sqlite3.Connection:
        self.connection.execute("BEGIN IMMEDIATE")
        return self.connection

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.connection.execute("COMMIT")
        elif self.connection.in_transaction:
            self.connection.execute("ROLLBACK")
