"""Persistence: where each user's record lives, chosen by one setting.

``SPINE_COACH_STORE`` (or ``open_store(url)``):

- ``sqlite:///path.db`` - the embedded default, for the local console and a single-host
  server. As in SQLAlchemy, the path after the third slash is used as is:
  ``sqlite:///data/coach.db`` is relative, ``sqlite:////var/lib/coach.db`` absolute;
- ``dynamodb://table-name?region=eu-west-1&endpoint=http://127.0.0.1:5000`` - DynamoDB
  through the official ASK adapter, the scale path on Lambda. History goes to
  ``table-name-history`` unless ``history=other-table`` says otherwise;
  ``retention_days=N`` makes DynamoDB's TTL delete history items N days after they were
  written (off by default).

Both stores hold the user's small hot record (read and written by every turn, saved with
``save_if`` on its revision) and their history as one row or item per entry
(``append_history``, read by sort-key range with ``history``); ``delete_attributes``
removes both.

Unset, the store is a SQLite file under the user's data directory.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

ENV_VAR = "SPINE_COACH_STORE"


def default_sqlite_path() -> Path:
    """``$XDG_DATA_HOME/spine-coach/spine-coach.db`` (``~/.local/share`` by default)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "spine-coach" / "spine-coach.db"


def store_url_from_env() -> str:
    return os.environ.get(ENV_VAR) or f"sqlite:///{default_sqlite_path()}"


def _sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url.removeprefix("sqlite:")


def check_store_url(url: str) -> str | None:
    """What is wrong with a store URL, in one line, or None when ``open_store`` takes it."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return None if _sqlite_path(url) else f"store URL {url!r} names no file"
    if parts.scheme == "dynamodb":
        return None if parts.netloc else f"store URL {url!r} names no table"
    return f"unknown store URL {url!r}: use sqlite:///path.db or dynamodb://table"


def open_store(url: str | None = None) -> AbstractPersistenceAdapter:
    """The persistence adapter a store URL names; ``ValueError`` for a URL it cannot use."""
    url = url or store_url_from_env()
    problem = check_store_url(url)
    if problem:
        raise ValueError(problem)
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        from skill.store.sqlite import SQLiteStore

        return SQLiteStore(Path(_sqlite_path(url)))
    from skill.store.dynamodb import dynamodb_store

    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    retention = query.get("retention_days")
    return dynamodb_store(
        table=parts.netloc,
        region=query.get("region"),
        endpoint=query.get("endpoint"),
        history_table=query.get("history"),
        retention_days=int(retention) if retention else None,
    )
