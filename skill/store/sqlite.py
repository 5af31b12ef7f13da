"""SQLite persistence: the user's hot record in one row, their history in rows of its own.

The ASK SDK has no SQLite adapter; this implements its ``AbstractPersistenceAdapter`` plus
what the skill needs beyond it: a compare-and-write on the record's revision and
append-only history rows read by key range (``skill.domain.history``).

- ``attributes``: one row per Alexa user id: the record as JSON and its revision in a
  column of its own, so the conditional write is one statement that never parses JSON.
- ``history``: one row per finished or abandoned session and per pain score, keyed by user
  id and sort key (a ``WITHOUT ROWID`` table: the primary key is the storage order, so a
  user's rows since a day are one index range).

WAL mode lets readers proceed while one writer commits and the busy timeout makes
concurrent writers wait their turn instead of failing. Each thread gets its own connection
(sqlite3 connections are not shared across threads). Failures surface as the SDK's
``PersistenceException``. A file from before the history table (the record held all
history) gets its ``rev`` column on first open; the records themselves are converted by
the skill on first read (``skill.domain.user.split_legacy``).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from skill.store.keys import (
    CODE,
    CODE_END,
    LINK,
    PERSON_ROW,
    PLAN,
    REFUSALS,
    REFUSALS_ID,
    account_key,
    code_index,
    indexed_link,
    link_id,
    link_index,
    link_secret,
    listed_person,
    person_row,
    user_key,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS attributes (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    rev INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS history (
    id TEXT NOT NULL,
    sk TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (id, sk)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS history_links ON history (sk) WHERE sk = 'link';
"""
_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
_INSERT_FIRST = (
    "INSERT INTO attributes (id, data, rev) VALUES (?, ?, ?) "
    f"ON CONFLICT(id) DO UPDATE SET data = excluded.data, rev = excluded.rev, updated_at = {_NOW} "
    "WHERE attributes.rev = 0"
)
_UPDATE_IF = f"UPDATE attributes SET data = ?, rev = ?, updated_at = {_NOW} WHERE id = ? AND rev = ?"
_UPSERT = (
    "INSERT INTO attributes (id, data, rev) VALUES (?, ?, ?) "
    f"ON CONFLICT(id) DO UPDATE SET data = excluded.data, rev = excluded.rev, updated_at = {_NOW}"
)


class SQLiteStore(AbstractPersistenceAdapter):  # type: ignore[misc]
    def __init__(self, path: Path, *, timeout: float = 5.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self._local = threading.local()
        self._link_secret: bytes | None = None

    @property
    def link_secret(self) -> bytes:
        """The deployment's secret for link-code hashes (``skill.store.keys.link_secret``)."""
        if self._link_secret is None:
            self._link_secret = link_secret(self.path)
        return self._link_secret

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened (and the tables created) on first use."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            connection.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            # Deleted rows are overwritten, not left in free pages ("delete my data").
            connection.execute("PRAGMA secure_delete = ON")
            with _write(connection):
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        connection.execute(statement)
                columns = {row[1] for row in connection.execute("PRAGMA table_info(attributes)")}
                if "rev" not in columns:  # a file from before the revision column
                    connection.execute("ALTER TABLE attributes ADD COLUMN rev INTEGER NOT NULL DEFAULT 0")
                    connection.execute("UPDATE attributes SET rev = coalesce(json_extract(data, '$.rev'), 0)")
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
        key = user_key(request_envelope)
        data = json.dumps(attributes, separators=(",", ":"))
        self._list_person(request_envelope)
        self._execute("write", _UPSERT, (key, data, _rev(attributes)))

    def _list_person(self, request_envelope: Any) -> None:
        """List the request's person under its account (once), so that disabling the skill
        finds their record; first, so that a failure between the two leaves nothing unlisted."""
        listed = person_row(request_envelope)
        if listed is not None:
            self._execute(
                "write",
                "INSERT OR IGNORE INTO history (id, sk, data) VALUES (?, ?, '{}')",
                (account_key(request_envelope), listed),
            )

    def save_if(self, request_envelope: Any, attributes: dict[str, Any], expected_rev: int) -> bool:
        """Save only if the stored record is still at ``expected_rev`` (or absent and 0).

        False means another device saved in between; the caller merges and tries again.
        One statement compares the revision column and writes, so two writers cannot both
        succeed from the same revision.
        """
        key = user_key(request_envelope)
        data = json.dumps(attributes, separators=(",", ":"))
        rev = _rev(attributes)
        if expected_rev == 0:  # a first record
            self._list_person(request_envelope)
            return self._execute("write", _INSERT_FIRST, (key, data, rev)) == 1
        return self._execute("write", _UPDATE_IF, (data, rev, key, expected_rev)) == 1

    def append_history(self, request_envelope: Any, entries: list[tuple[str, dict[str, Any]]]) -> None:
        """Add history rows (sort key, entry); a row with the same key is replaced."""
        if not entries:
            return
        self._list_person(request_envelope)  # a person whose first words were a pain score
        key = user_key(request_envelope)
        rows = [(key, sk, json.dumps(entry, separators=(",", ":"))) for sk, entry in entries]
        try:
            with _write(self._connection()) as connection:
                connection.executemany("INSERT OR REPLACE INTO history (id, sk, data) VALUES (?, ?, ?)", rows)
        except (sqlite3.Error, OSError) as exc:
            raise PersistenceException(f"SQLite write failed: {type(exc).__name__}") from exc

    def history(self, request_envelope: Any, start: str, end: str) -> list[dict[str, Any]]:
        """The user's history rows with ``start <= sort key < end``, in key order."""
        key = user_key(request_envelope)
        try:
            rows = (
                self._connection()
                .execute("SELECT data FROM history WHERE id = ? AND sk >= ? AND sk < ? ORDER BY sk", (key, start, end))
                .fetchall()
            )
        except (sqlite3.Error, OSError) as exc:
            raise PersistenceException(f"SQLite read failed: {type(exc).__name__}") from exc
        found = []
        for (data,) in rows:
            try:
                entry = json.loads(data)
            except ValueError:
                continue  # one damaged row costs that entry, not the answer
            if isinstance(entry, dict):
                found.append(entry)
        return found

    def delete_attributes(self, request_envelope: Any) -> None:
        """Delete the user's record, every history row and every link code issued to them,
        in one transaction; then checkpoint the write-ahead log, so the deleted rows are not
        left in it while the service runs."""
        listed = person_row(request_envelope)
        # A person's listing under the account goes too: nothing of them is left to find. The
        # account's own record keeps the other people's listings: they are theirs.
        self._delete(
            [user_key(request_envelope)], [(account_key(request_envelope), listed)] if listed else [], keep_people=True
        )

    def delete_account(self, request_envelope: Any) -> None:
        """``delete_attributes`` for the account and for every person recognised on it (the
        skill was disabled: nothing of anyone is kept)."""
        account = account_key(request_envelope)
        try:
            rows = self._connection().execute(
                "SELECT sk FROM history WHERE id = ? AND sk >= ? AND sk < ?", (account, PERSON_ROW, PERSON_ROW + "~")
            )
            people = [listed_person(account, sk) for (sk,) in rows]
        except (sqlite3.Error, OSError) as exc:
            raise PersistenceException(f"SQLite read failed: {type(exc).__name__}") from exc
        self._delete([*people, account], keep_people=False)

    def _delete(self, keys: list[str], rows: Sequence[tuple[str, str]] = (), *, keep_people: bool) -> None:
        """Everything under ``keys`` (but the people listed under them, with ``keep_people``)
        and the history ``rows`` (id, sort key), in one transaction."""
        listing = (PERSON_ROW, PERSON_ROW + "~") if keep_people else ("", "")
        try:
            with _write(self._connection()) as connection:
                for key in keys:
                    _revoke_codes(connection, key)
                    connection.execute("DELETE FROM history WHERE id = ? AND NOT (sk >= ? AND sk < ?)", (key, *listing))
                    connection.execute("DELETE FROM attributes WHERE id = ?", (key,))
                connection.executemany("DELETE FROM history WHERE id = ? AND sk = ?", rows)
            self._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except (sqlite3.Error, OSError) as exc:
            raise PersistenceException(f"SQLite delete failed: {type(exc).__name__}") from exc

    # -- a physiotherapist's plan and its link codes (rows of the history table) -----------

    def put_link(self, code_hash: str, user: str, now: int, expires_at: int) -> bool:
        """Store a link code's hash for ``user`` until ``expires_at`` (epoch seconds); False
        when a live code with the same hash is waiting (the caller draws another). The user's
        older codes are revoked (one live code each) and every expired code is purged. Each
        code is also indexed under its user ("code#<hash>"), so deleting the user deletes it."""
        row_id = link_id(code_hash)
        data = json.dumps({"user": user, "expires_at": expires_at}, separators=(",", ":"))
        try:
            with _write(self._connection()) as connection:
                found = connection.execute(
                    "SELECT data FROM history WHERE id = ? AND sk = ?", (row_id, LINK)
                ).fetchone()
                if found is not None and _expires(found[0]) > now:
                    return False
                _revoke_codes(connection, user)
                _purge_expired(connection, now)
                connection.executemany(
                    "INSERT OR REPLACE INTO history (id, sk, data) VALUES (?, ?, ?)",
                    [(row_id, LINK, data), (user, code_index(code_hash), data)],
                )
        except (sqlite3.Error, OSError) as exc:
            raise PersistenceException(f"SQLite write failed: {type(exc).__name__}") from exc
        return True

    def claim_link(self, code_hash: str, now: int) -> str | None:
        """The user a live code was made for, deleting it (single use); None when there is
        no such code or it has expired (also deleted)."""
        row_id = link_id(code_hash)
        try:
            with _write(self._connection()) as connection:
                found = connection.execute(
                    "SELECT data FROM history WHERE id = ? AND sk = ?", (row_id, LINK)
                ).fetchone()
                connection.execute("DELETE FROM history WHERE id = ? AND sk = ?", (row_id, LINK))
                owner = _owner(found[0]) if found else None
                if owner is not None:
                    connection.execute("DELETE FROM history WHERE id = ? AND sk = ?", (owner, code_index(code_hash)))
        except (sqlite3.Error, OSError) as exc:
            raise PersistenceException(f"SQLite write failed: {type(exc).__name__}") from exc
        return _live_user(found[0] if found else None, now)

    def peek_link(self, code_hash: str, now: int) -> str | None:
        """The user a live code was made for, leaving the code in place (the adherence
        report reads it; only ``claim_link`` uses it up); None when absent or expired."""
        try:
            found = (
                self._connection()
                .execute("SELECT data FROM history WHERE id = ? AND sk = ?", (link_id(code_hash), LINK))
                .fetchone()
            )
        except (sqlite3.Error, OSError) as exc:
            raise PersistenceException(f"SQLite read failed: {type(exc).__name__}") from exc
        return _live_user(found[0] if found else None, now)

    def count_refusal(self, now: int, window: int) -> int:
        """Record a refused link code; how many were refused in the last ``window`` seconds."""
        try:
            with _write(self._connection()) as connection:
                found = connection.execute(
                    "SELECT data FROM history WHERE id = ? AND sk = ?", (REFUSALS_ID, REFUSALS)
                ).fetchone()
                times = [*_recent(found[0] if found else None, now, window), now]
                connection.execute(
                    "INSERT OR REPLACE INTO history (id, sk, data) VALUES (?, ?, ?)",
                    (REFUSALS_ID, REFUSALS, json.dumps({"at": times})),
                )
        except (sqlite3.Error, OSError) as exc:
            raise PersistenceException(f"SQLite write failed: {type(exc).__name__}") from exc
        return len(times)

    def recent_refusals(self, now: int, window: int) -> int:
        try:
            found = (
                self._connection()
                .execute("SELECT data FROM history WHERE id = ? AND sk = ?", (REFUSALS_ID, REFUSALS))
                .fetchone()
            )
        except (sqlite3.Error, OSError) as exc:
            raise PersistenceException(f"SQLite read failed: {type(exc).__name__}") from exc
        return len(_recent(found[0] if found else None, now, window))

    def put_plan(self, user: str, record: dict[str, Any]) -> None:
        """Set (or replace) the user's linked plan record."""
        data = json.dumps(record, separators=(",", ":"))
        self._execute("write", "INSERT OR REPLACE INTO history (id, sk, data) VALUES (?, ?, ?)", (user, PLAN, data))

    def get_plan(self, user: str) -> dict[str, Any] | None:
        try:
            row = (
                self._connection().execute("SELECT data FROM history WHERE id = ? AND sk = ?", (user, PLAN)).fetchone()
            )
        except (sqlite3.Error, OSError) as exc:
            raise PersistenceException(f"SQLite read failed: {type(exc).__name__}") from exc
        if row is None:
            return None
        try:
            record = json.loads(row[0])
        except ValueError:
            return None
        return record if isinstance(record, dict) else None

    def delete_plan(self, user: str) -> None:
        self._execute("delete", "DELETE FROM history WHERE id = ? AND sk = ?", (user, PLAN))

    def _execute(self, what: str, sql: str, parameters: tuple[Any, ...]) -> int:
        try:
            cursor = self._connection().execute(sql, parameters)
        except (sqlite3.Error, OSError) as exc:
            raise PersistenceException(f"SQLite {what} failed: {type(exc).__name__}") from exc
        return cursor.rowcount

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None


def _rev(attributes: dict[str, Any]) -> int:
    rev = attributes.get("rev")
    return rev if isinstance(rev, int) and not isinstance(rev, bool) else 0


def _live_user(data: str | None, now: int) -> str | None:
    """The user of a stored link code's data, or None when there is none or it has expired."""
    if data is None or _expires(data) <= now:
        return None
    return _owner(data)


def _recent(data: str | None, now: int, window: int) -> list[int]:
    """The refusal times in ``data`` within the last ``window`` seconds."""
    try:
        times = json.loads(data).get("at", []) if data else []
    except (ValueError, AttributeError):
        return []
    return [t for t in times if isinstance(t, int) and t > now - window]


def _owner(data: str) -> str | None:
    try:
        user = json.loads(data).get("user")
    except (ValueError, AttributeError):
        return None
    return user if isinstance(user, str) else None


def _revoke_codes(connection: sqlite3.Connection, user: str) -> None:
    """Delete every link code issued to ``user`` and its index row (inside a transaction)."""
    rows = connection.execute(
        "SELECT sk FROM history WHERE id = ? AND sk >= ? AND sk < ?", (user, CODE, CODE_END)
    ).fetchall()
    for (sk,) in rows:
        connection.execute("DELETE FROM history WHERE id = ? AND sk = ?", (indexed_link(sk), LINK))
    connection.execute("DELETE FROM history WHERE id = ? AND sk >= ? AND sk < ?", (user, CODE, CODE_END))


def _purge_expired(connection: sqlite3.Connection, now: int) -> None:
    """Delete every expired link code and its index row (the partial index finds them)."""
    for row_id, data in connection.execute("SELECT id, data FROM history WHERE sk = ?", (LINK,)).fetchall():
        if _expires(data) <= now:
            connection.execute("DELETE FROM history WHERE id = ? AND sk = ?", (row_id, LINK))
            owner = _owner(data)
            if owner is not None:
                code = link_index(row_id)
                connection.execute("DELETE FROM history WHERE id = ? AND sk = ?", (owner, code))


def _expires(data: str) -> int:
    try:
        expires = json.loads(data).get("expires_at")
    except (ValueError, AttributeError):
        return 0
    return expires if isinstance(expires, int) else 0


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
