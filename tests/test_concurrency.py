"""Many users at once on one SQLite file and on the DynamoDB emulator, and two devices of one
user at the same time: no lost or mixed-up progress."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from skill.alexa.factory import build_skill
from skill.devtools.envelopes import LOCAL_SKILL_ID
from skill.devtools.simulator import Conversation, in_process
from skill.domain.catalog import Catalog
from skill.domain.clock import FixedClock
from skill.domain.merge import merge
from skill.domain.user import UserRecord
from skill.store.dynamodb import dynamodb_store
from skill.store.sqlite import SQLiteStore
from tests.dynamo import Emulator
from tests.support import LINK, checked, linked
from tests.test_store_sqlite import pains_of, request_for

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
            checked(in_process(skill)), device=linked(user_id=f"amzn1.ask.account.USER{number:03d}"), clock=clock
        )
        routine = ROUTINES[number % len(ROUTINES)]
        convo.launch()
        convo.say(f"my physio moved me to the {routine} routine")
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
        assert pains_of(store, f"amzn1.ask.account.USER{number:03d}") == [number % 11], number
        assert record.place["state"]["done"] == DONE_AFTER_ONE_READY[routine], number


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
        "from skill.domain.clock import FixedClock\n"
        "from skill.devtools.envelopes import LOCAL_SKILL_ID\n"
        "from skill.alexa.factory import build_skill\n"
        "from skill.store.sqlite import SQLiteStore\n"
        "from tests.test_concurrency import user_session\n"
        "from tests.support import LINK\n"
        "LINK['token'] = sys.argv[3]  # the patients' account link, from the provider the tests run\n"
        "clock = FixedClock(datetime(2026, 11, 21, 10, tzinfo=UTC))\n"
        "skill = build_skill(store=SQLiteStore(Path(sys.argv[1])), clock=clock, skill_id=LOCAL_SKILL_ID)\n"
        "errors = []\n"
        "for n in range(int(sys.argv[2]), int(sys.argv[2]) + 4):\n"
        "    user_session(skill, clock, n, errors)\n"
        "assert not errors, errors\n"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", script, str(store_path), str(first), LINK["token"]])
        for first in range(0, 16, 4)
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

    @property
    def link_secret(self) -> bytes:
        secret: bytes = self.inner.link_secret
        return secret

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

    def append_history(self, request_envelope: Any, entries: list[tuple[str, dict[str, Any]]]) -> None:
        self.inner.append_history(request_envelope, entries)

    def history(self, request_envelope: Any, start: str, end: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.inner.history(request_envelope, start, end)
        return found

    def delete_attributes(self, request_envelope: Any) -> None:
        self.inner.delete_attributes(request_envelope)


def inner_store(request: pytest.FixtureRequest, store_path: Path, backend: str, table: str) -> Any:
    if backend == "sqlite":
        return SQLiteStore(store_path)
    emulator: Emulator = request.getfixturevalue("emulator")
    emulator.create_table(table)
    return dynamodb_store(table=table, region="us-east-1", endpoint=emulator.endpoint)


def interleave(store: PausingStore, paused: Conversation, line: str, others: Callable[[], object]) -> Any:
    """``paused`` says ``line``; its turn reads the record and waits while ``others`` run
    (on this thread), then saves. Fails unless the others really ran in between."""
    store.pause_device = paused.device.device_id
    result: dict[str, Any] = {}
    worker = threading.Thread(target=lambda: result.update(reply=paused.say(line)))
    worker.start()
    assert store.loaded.wait(timeout=10)
    others()
    # Had the other device's turns waited for this one (a lock shared by all requests, as
    # functools.cached_property takes on Python 3.11), this turn would have gone on by now.
    assert worker.is_alive(), "the other device's turns ran while this one was between its read and its write"
    store.proceed.set()
    worker.join(timeout=30)
    store.loaded.clear()
    store.proceed.clear()
    return result["reply"]


@pytest.mark.parametrize("backend", ["sqlite", "dynamodb"])
def test_two_devices_of_one_user_at_once(
    request: pytest.FixtureRequest, store_path: Path, clock: FixedClock, catalog: Catalog, backend: str
) -> None:
    inner = inner_store(request, store_path, backend, "two-devices")
    store = PausingStore(inner)
    skill = build_skill(store=store, clock=clock, catalog=catalog, skill_id=LOCAL_SKILL_ID)
    user = "amzn1.ask.account.SAMEUSER"
    kitchen = Conversation(
        checked(in_process(skill)), device=linked(user_id=user, device_id="amzn1.ask.device.KITCHEN"), clock=clock
    )
    bedroom = Conversation(
        checked(in_process(skill)), device=linked(user_id=user, device_id="amzn1.ask.device.BEDROOM"), clock=clock
    )
    kitchen.launch()
    kitchen.say("my physio moved me to the week six routine")
    kitchen.say("start my week six routine")
    bedroom.say("ask spine coach to log my pain as two")
    rev_before = UserRecord.from_dict(inner.get_attributes(request_for(user))).rev

    def bedroom_turns() -> None:
        bedroom.say("ask spine coach to log my pain as four")
        bedroom.say("ask spine coach my surgeon cleared me for cat cow")

    # The kitchen counts a set: its turn reads the record, the bedroom's turns save, then
    # the kitchen saves (its conditional write fails, it merges and writes again).
    reply = interleave(store, kitchen, "ready", bedroom_turns)
    assert "Flatten your back." in reply.ssml
    record = UserRecord.from_dict(inner.get_attributes(request_for(user)))
    assert pains_of(inner, user) == [2, 4], "the bedroom's pain scores landed"
    assert record.clearances == ["cat_cow"], "the bedroom's clearance survived the kitchen's save"
    assert record.place is not None, "and the kitchen's progress is saved too"
    assert record.place["state"]["index"] == 1
    assert record.place["state"]["done"] == ["pelvic_tilts"]
    assert record.rev == rev_before + 2  # the bedroom's clearance, then the kitchen's merged save


@pytest.mark.parametrize("backend", ["sqlite", "dynamodb"])
def test_two_devices_log_the_same_score_at_the_old_cap(
    request: pytest.FixtureRequest, store_path: Path, clock: FixedClock, catalog: Catalog, backend: str
) -> None:
    """A user with 400 pain scores (the old record's cap): two devices log the same score
    on the same day at the same time. Both are kept, and so are the 400 before them."""
    inner = inner_store(request, store_path, backend, "cap-loss")
    user = "amzn1.ask.account.CAPUSER"
    start = date(2026, 11, 20) - timedelta(days=399)
    scores = [{"date": (start + timedelta(days=n)).isoformat(), "score": 2} for n in range(400)]
    inner.save_attributes(request_for(user), {"v": 1, "rev": 7, "disclaimer_heard": True, "pain": scores})
    store = PausingStore(inner)
    skill = build_skill(store=store, clock=clock, catalog=catalog, skill_id=LOCAL_SKILL_ID)
    kitchen = Conversation(
        checked(in_process(skill)), device=linked(user_id=user, device_id="amzn1.ask.device.KITCHEN"), clock=clock
    )
    bedroom = Conversation(
        checked(in_process(skill)), device=linked(user_id=user, device_id="amzn1.ask.device.BEDROOM"), clock=clock
    )
    reply = interleave(
        store,
        kitchen,
        "ask spine coach to log my pain as three",
        lambda: bedroom.say("ask spine coach to log my pain as three"),
    )
    assert "I've logged your pain as 3." in reply.text
    assert pains_of(inner, user) == [2] * 400 + [3, 3]


def test_merge_rules() -> None:
    base: dict[str, Any] = {
        "rev": 3,
        "clearances": [],
        "levels": {"bridging": 1},
        "pace": 1.0,
        "reminders": [{"token": "t1", "time": "09:00"}],
        "streak": {"last": "2026-11-19", "days": 4},
    }
    ours = {**base, "pace": 1.25, "reminders": [], "streak": {"last": "2026-11-21", "days": 1}}
    theirs = {
        **base,
        "rev": 4,
        "clearances": ["cat_cow"],
        "levels": {"bridging": 1, "pelvic_tilts": 2},
        "reminders": [{"token": "t1", "time": "09:00"}, {"token": "t2", "time": "18:00"}],
        "streak": {"last": "2026-11-20", "days": 5},
    }
    merged = merge(base, ours, theirs)
    assert merged["rev"] == 4
    assert merged["clearances"] == ["cat_cow"]
    assert merged["levels"] == {"bridging": 1, "pelvic_tilts": 2}
    assert merged["pace"] == 1.25
    assert merged["reminders"] == [{"token": "t2", "time": "18:00"}]
    assert merged["streak"] == {"last": "2026-11-21", "days": 6}  # their run to the 20th, then our 21st


def test_a_place_saved_by_another_device_outlives_a_turn_that_cleared_it() -> None:
    """Issue 30: device B is told "I've saved your place" while device A's finishing turn
    is between its read and its write; A's merge wrote ``place = None``. The newer save wins,
    by when it was saved, whichever side it is on."""
    older = {"state": "A", "saved_at": "2026-12-06T09:00:00+00:00"}
    newer = {"state": "B", "saved_at": "2026-12-06T09:05:00+00:00"}
    base: dict[str, Any] = {"rev": 3, "place": older}
    finished = {**base, "place": None}  # A finished its workout: no place to keep
    assert merge(base, finished, {**base, "rev": 4, "place": newer})["place"] == newer
    assert merge(base, {**base, "place": newer}, {**base, "rev": 4, "place": None})["place"] == newer
    latest = {"state": "A2", "saved_at": "2026-12-06T09:06:00+00:00"}
    assert merge(base, {**base, "place": newer}, {**base, "rev": 4, "place": latest})["place"] == latest
    assert merge(base, {**base, "place": latest}, {**base, "rev": 4, "place": newer})["place"] == latest
