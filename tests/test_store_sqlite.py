"""The SQLite store: a real file, WAL mode, concurrent writers, clear failures."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.devtools import envelopes
from skill.devtools.envelopes import Device
from skill.domain import history as keys
from skill.store import default_sqlite_path, open_store
from skill.store.sqlite import SQLiteStore
from tests.support import STORED_PERSON


def request_for(user_id: str, person: str | None = STORED_PERSON) -> Any:
    """A request as the store sees it from ``user_id``'s account; by default from the suites'
    recognised patient (``tests.support.linked``) under their clinic account, whose record
    the conversation suites write."""
    device = Device(user_id=user_id, person_id=person)
    body = envelopes.envelope(device, envelopes.launch_request(device), session_id=envelopes.new_session_id(), new=True)
    import json

    return DefaultSerializer().deserialize(json.dumps(body), RequestEnvelope)


def sessions_of(store: Any, user_id: str = "amzn1.ask.account.LOCALCONSOLEUSER") -> list[dict[str, Any]]:
    """Every session in the user's history, oldest first."""
    found: list[dict[str, Any]] = store.history(request_for(user_id), keys.SESSION, keys.SESSION + keys.END)
    return found


def pains_of(store: Any, user_id: str = "amzn1.ask.account.LOCALCONSOLEUSER") -> list[int]:
    """Every pain score in the user's history, oldest first."""
    return [p["score"] for p in store.history(request_for(user_id), keys.PAIN, keys.PAIN + keys.END)]


def test_round_trip_in_a_real_file(store: SQLiteStore, store_path: Path) -> None:
    request = request_for("amzn1.ask.account.A")
    assert store.get_attributes(request) == {}
    store.save_attributes(request, {"v": 1, "name": "Zoë", "pace": 1.25, "list": [1, 2]})
    assert store.get_attributes(request) == {"v": 1, "name": "Zoë", "pace": 1.25, "list": [1, 2]}
    fresh = SQLiteStore(store_path)  # another connection, as another process would have
    assert fresh.get_attributes(request)["name"] == "Zoë"
    with sqlite3.connect(store_path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("SELECT count(*) FROM attributes").fetchone()[0] == 1
    store.delete_attributes(request)
    assert fresh.get_attributes(request) == {}


def test_users_are_kept_apart(store: SQLiteStore) -> None:
    a, b = request_for("amzn1.ask.account.A"), request_for("amzn1.ask.account.B")
    store.save_attributes(a, {"who": "a"})
    store.save_attributes(b, {"who": "b"})
    assert store.get_attributes(a) == {"who": "a"}
    assert store.get_attributes(b) == {"who": "b"}


def test_concurrent_writers_all_land(store_path: Path) -> None:
    stores = [SQLiteStore(store_path) for _ in range(4)]
    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        store = stores[worker % len(stores)]
        try:
            for round_ in range(40):
                store.save_attributes(request_for(f"amzn1.ask.account.W{worker}"), {"round": round_})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    reader = SQLiteStore(store_path)
    for worker in range(8):
        assert reader.get_attributes(request_for(f"amzn1.ask.account.W{worker}")) == {"round": 39}


def test_unusable_location_raises_persistence_exception(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = SQLiteStore(blocker / "db.sqlite")
    with pytest.raises(PersistenceException):
        store.get_attributes(request_for("amzn1.ask.account.A"))
    with pytest.raises(PersistenceException):
        store.save_attributes(request_for("amzn1.ask.account.A"), {})


def test_corrupt_row_raises_persistence_exception(store: SQLiteStore, store_path: Path) -> None:
    request = request_for("amzn1.ask.account.A")
    store.save_attributes(request, {"ok": True})
    with sqlite3.connect(store_path) as raw:
        raw.execute("UPDATE attributes SET data = '{not json'")
    with pytest.raises(PersistenceException, match="not valid JSON"):
        store.get_attributes(request)


def test_store_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    absolute = open_store(f"sqlite:///{tmp_path}/a.db")
    assert isinstance(absolute, SQLiteStore)
    assert absolute.path == tmp_path / "a.db"
    monkeypatch.chdir(tmp_path)
    relative = open_store("sqlite:///data/b.db")
    assert isinstance(relative, SQLiteStore)
    assert relative.path == Path("data/b.db")
    with pytest.raises(ValueError, match="unknown store URL"):
        open_store("postgres://x")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("SPINE_COACH_STORE", raising=False)
    assert default_sqlite_path() == tmp_path / "xdg" / "spine-coach" / "spine-coach.db"
    default = open_store()
    assert isinstance(default, SQLiteStore)
    assert default.path == tmp_path / "xdg" / "spine-coach" / "spine-coach.db"
