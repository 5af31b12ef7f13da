"""Many users at once on one SQLite file and on the DynamoDB emulator, and two devices of one
user at the same time: no lost or mixed-up progress."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from skill.catalog import Catalog
from skill.clock import FixedClock
from skill.envelopes import LOCAL_SKILL_ID, Device
from skill.factory import build_skill
from skill.merge import merge
from skill.simulator import Conversation, in_process
from skill.store.dynamodb import dynamodb_store
from skill.store.sqlite import SQLiteStore
from skill.user import UserRecord
from tests.dynamo import Emulator
from tests.support import checked
from tests.test_store_sqlite import request_for

ROUTINES = ["in hospital", "weeks one to two", "weeks three to six", "week six"]
# One "ready" counts one chunk: pelvic tilts (one set, no sides) are done after it; ankle
# pumps are counted on each foot, so only the first foot is.
DONE_AFTER_ONE_READY: dict[str, list[str]] = {
    "in hospital": [],
    "weeks one to two": [],
    "weeks three to six": ["pelvic_tilts"],
    "week six": ["pelvic_tilts"],
}
ROUTINE_IDS = {
    "in hospital": "in_hospital",
    "weeks one to two": "early",
    "weeks three to six": "mid",
    "week six": "week_six",
}


def user_session(skill: Any, clock: FixedClock, number: int, errors: list[BaseException]) -> None:
    """One user: their own routine, their own pain score, their own clearance."""
    try:
        convo = Conversation(
            checked(in_process(skill)), device=Device(user_id=f"amzn1.ask.account.USER{number:03d}"), clock=clock
        )
        routine = ROUTINES[number % len(ROUTINES)]
        convo.launch()
        convo.say(f"start my {routine} routine")
        convo.say("ready")
        convo.say("stop")
        convo.say(f"ask spine coach to log my pain as {number % 11}")
    except BaseException as exc:
        errors.append(exc)


def check_users(store: Any, count: int) -> None:
    for number in range(count):
        record = UserRecord.from_dict(store.get_attributes(request_for(f"amzn1.ask.account.USER{number:03d}")))
        routine = ROUTINES[number % len(ROUTINES)]
        assert record.place is not None, number
        assert record.place["state"]["routine"] == ROUTINE_IDS[routine], number
        assert [p["score"] for p in record.pain] == [number % 11], number
        assert record.history[-1]["done"] == DONE_AFTER_ONE_READY[routine], number


def run_users(skill: Any, clock: FixedClock, count: int) -> None:
    errors: list[BaseException] = []
    threads = [threading.Thread(target=user_session, args=(skill, clock, n, errors)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_many_users_in_parallel_on_one_sqlite_file(store_path: Path, clock: FixedClock, catalog: Catalog) -> None:
    store = SQLiteStore(store_path)
    skill = build_skill(store=store, clock=clock, catalog=catalog, skill_id=LOCAL_SKILL_ID)
    run_users(skill, clock, 24)
    check_users(store, 24)


def test_many_processes_on_one_sqlite_file(store_path: Path) -> None:
    """Separate processes (like gunicorn workers) writing the same file."""
    script = (
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "from pathlib import Path\n"
        "from skill.clock import FixedClock\n"
        "from skill.envelopes import LOCAL_SKILL_ID\n"
        "from skill.factory import build_skill\n"
        "from skill.store.sqlite import SQLiteStore\n"
        "from tests.test_concurrency import user_session\n"
        "clock = FixedClock(datetime(2026, 11, 21, 10, tzinfo=UTC))\n"
        "skill = build_skill(store=SQLiteStore(Path(sys.argv[1])), clock=clock, skill_id=LOCAL_SKILL_ID)\n"
        "errors = []\n"
        "for n in range(int(sys.argv[2]), int(sys.argv[2]) + 4):\n"
        "    user_session(skill, clock, n, errors)\n"
        "assert not errors, errors\n"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", script, str(store_path), str(first)]) for first in range(0, 16, 4)
    ]
    assert [p.wait(timeout=120) for p in processes] == [0, 0, 0, 0]
    check_users(SQLiteStore(store_path), 16)


def test_many_users_in_parallel_on_dynamodb(emulator: Emulator, clock: FixedClock, catalog: Catalog) -> None:
    emulator.create_table("concurrency")
    store = dynamodb_store(table="concurrency", region="us-east-1", endpoint=emulator.endpoint)
    skill = build_skill(store=store, clock=clock, catalog=catalog, skill_id=LOCAL_SKILL_ID)
    run_users(skill, clock, 12)
    check_users(store, 12)


class PausingStore:
    """A real store that can hold one device between its read and its write (to make two
    devices' turns overlap deterministically)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.loaded = threading.Event()
        self.proceed = threading.Event()
        self.pause_device: str | None = None

    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        result: dict[str, Any] = self.inner.get_attributes(request_envelope)
        if request_envelope.context.system.device.device_id == self.pause_device:
            self.pause_device = None
            self.loaded.set()
            self.proceed.wait(timeout=10)
        return result

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        self.inner.save_attributes(request_envelope, attributes)

    def save_if(self, request_envelope: Any, attributes: dict[str, Any], expected_rev: int) -> bool:
        saved: bool = self.inner.save_if(request_envelope, attributes, expected_rev)
        return saved

    def delete_attributes(self, request_envelope: Any) -> None:
        self.inner.delete_attributes(request_envelope)


@pytest.mark.parametrize("backend", ["sqlite", "dynamodb"])
def test_two_devices_of_one_user_at_once(
    request: pytest.FixtureRequest, store_path: Path, clock: FixedClock, catalog: Catalog, backend: str
) -> None:
    if backend == "sqlite":
        inner: Any = SQLiteStore(store_path)
    else:
        emulator: Emulator = request.getfixturevalue("emulator")
        emulator.create_table("two-devices")
        inner = dynamodb_store(table="two-devices", region="us-east-1", endpoint=emulator.endpoint)
    store = PausingStore(inner)
    skill = build_skill(store=store, clock=clock, catalog=catalog, skill_id=LOCAL_SKILL_ID)
    user = "amzn1.ask.account.SAMEUSER"
    kitchen = Conversation(
        checked(in_process(skill)), device=Device(user_id=user, device_id="amzn1.ask.device.KITCHEN"), clock=clock
    )
    bedroom = Conversation(
        checked(in_process(skill)), device=Device(user_id=user, device_id="amzn1.ask.device.BEDROOM"), clock=clock
    )
    kitchen.launch()
    kitchen.say("start my week six routine")
    bedroom.say("ask spine coach to log my pain as two")
    # The kitchen counts a set while the bedroom logs pain and reports the surgery date:
    # the kitchen's turn reads the record, then the bedroom's turns save, then the kitchen saves.
    store.pause_device = "amzn1.ask.device.KITCHEN"
    result: dict[str, Any] = {}
    worker = threading.Thread(target=lambda: result.update(reply=kitchen.say("ready")))
    worker.start()
    assert store.loaded.wait(timeout=10)
    bedroom.say("ask spine coach to log my pain as four")
    bedroom.say("ask spine coach my surgeon cleared me for cat cow")
    store.proceed.set()
    worker.join(timeout=30)
    assert "Flatten your back." in result["reply"].ssml
    record = UserRecord.from_dict(inner.get_attributes(request_for(user)))
    assert [p["score"] for p in record.pain] == [2, 4], "the bedroom's pain score survived the kitchen's save"
    assert record.clearances == ["cat_cow"], "so did its clearance"
    assert record.place is not None, "and the kitchen's progress is saved too"
    assert record.place["state"]["index"] == 1
    assert record.history[-1]["done"] == ["pelvic_tilts"]
    assert record.rev >= 5


def test_merge_rules() -> None:
    base: dict[str, Any] = {
        "rev": 3,
        "pain": [{"date": "2026-11-20", "score": 2}],
        "clearances": [],
        "levels": {"bridging": 1},
        "history": [{"started_at": "a", "done": []}],
        "pace": 1.0,
        "reminders": [{"token": "t1", "time": "09:00"}],
    }
    ours = {
        **base,
        "pain": [*base["pain"], {"date": "2026-11-21", "score": 5}],
        "pace": 1.25,
        "history": [{"started_at": "a", "done": ["bridging"]}],
        "reminders": [],
    }
    theirs = {
        **base,
        "rev": 4,
        "pain": [*base["pain"], {"date": "2026-11-21", "score": 3}],
        "clearances": ["cat_cow"],
        "levels": {"bridging": 1, "pelvic_tilts": 2},
        "history": [*base["history"], {"started_at": "b", "done": ["walking"]}],
        "reminders": [{"token": "t1", "time": "09:00"}, {"token": "t2", "time": "18:00"}],
    }
    merged = merge(base, ours, theirs)
    assert merged["rev"] == 4
    assert [p["score"] for p in merged["pain"]] == [2, 3, 5]
    assert merged["clearances"] == ["cat_cow"]
    assert merged["levels"] == {"bridging": 1, "pelvic_tilts": 2}
    assert merged["pace"] == 1.25
    assert merged["history"] == [{"started_at": "a", "done": ["bridging"]}, {"started_at": "b", "done": ["walking"]}]
    assert merged["reminders"] == [{"token": "t2", "time": "18:00"}]
