"""Faults: the store failing mid-workout (SQLite read-only or locked, DynamoDB down or
throttling), and a gunicorn worker crashing. Coaching carries on; nothing saved is lost."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from skill.alexa.factory import build_skill
from skill.devtools.envelopes import LOCAL_SKILL_ID
from skill.devtools.simulator import Conversation, in_process
from skill.domain.catalog import Catalog
from skill.domain.clock import FixedClock
from skill.domain.user import UserRecord
from skill.store.dynamodb import dynamodb_store
from skill.store.sqlite import SQLiteStore
from tests.dynamo import Emulator, FaultyProxy
from tests.support import checked, free_port, linked, patient_key
from tests.test_coaching import count_in
from tests.test_serve import serving
from tests.test_store_sqlite import request_for
from tests.test_web import launch_body

NOTICE = "can't reach your saved progress"


def workout_through_a_store_failure(convo: Conversation, break_store: Any, mend_store: Any) -> list[str]:
    """Start the week six routine, break the store, count two more sets, mend it."""
    convo.launch()
    convo.say("my physio moved me to the week six routine")
    convo.say("start my week six routine")
    assert count_in(convo.say("ready"), "Flatten your back.")[0] == 10  # saved normally
    break_store()
    try:
        during = [convo.say("ready"), convo.say("ready")]
    finally:
        mend_store()
    assert count_in(during[0], "Draw your belly in.")[0] == 10, "coaching carries on from the session"
    assert count_in(during[1], "Lift your hips.")[0] == 10
    return [reply.text for reply in during]


def test_sqlite_file_made_read_only_mid_workout(tmp_path: Path, clock: FixedClock, catalog: Catalog) -> None:
    if shutil.which("chattr") is None or os.geteuid() != 0:
        pytest.skip("needs chattr and root to make a file truly read-only")
    folder = tmp_path / "store"
    store = SQLiteStore(folder / "coach.db")
    skill = build_skill(store=store, clock=clock, catalog=catalog, skill_id=LOCAL_SKILL_ID)
    convo = Conversation(checked(in_process(skill)), device=linked(), clock=clock)
    saved: dict[str, Any] = {}

    def make_read_only() -> None:
        saved.update(store.get_attributes(request_for(convo.device.user_id)))
        store.close()
        for path in [folder, *folder.iterdir()]:
            if subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False).returncode:
                pytest.skip("this file system does not support immutable files")

    def make_writable() -> None:
        for path in [*folder.iterdir(), folder]:
            subprocess.run(["chattr", "-i", str(path)], check=False)

    try:
        texts = workout_through_a_store_failure(convo, make_read_only, make_writable)
    finally:
        make_writable()
    assert sum(NOTICE in t for t in texts) == 1, "the user hears it once"
    assert SQLiteStore(folder / "coach.db").get_attributes(request_for(convo.device.user_id)) == saved


def test_sqlite_locked_by_another_writer_mid_workout(tmp_path: Path, clock: FixedClock, catalog: Catalog) -> None:
    path = tmp_path / "coach.db"
    store = SQLiteStore(path, timeout=0.3)
    skill = build_skill(store=store, clock=clock, catalog=catalog, skill_id=LOCAL_SKILL_ID)
    convo = Conversation(checked(in_process(skill)), device=linked(), clock=clock)
    holder: dict[str, sqlite3.Connection] = {}
    saved: dict[str, Any] = {}

    def lock() -> None:
        saved.update(store.get_attributes(request_for(convo.device.user_id)))
        holder["c"] = sqlite3.connect(path, isolation_level=None, timeout=0)
        holder["c"].execute("BEGIN EXCLUSIVE")
        store.close()

    def unlock() -> None:
        holder["c"].execute("ROLLBACK")
        holder["c"].close()

    texts = workout_through_a_store_failure(convo, lock, unlock)
    assert sum(NOTICE in t for t in texts) == 1
    assert store.get_attributes(request_for(convo.device.user_id)) == saved


@pytest.mark.parametrize("fault", ["down", "throttle"])
def test_dynamodb_down_or_throttling_mid_workout(
    emulator: Emulator, clock: FixedClock, catalog: Catalog, fault: str
) -> None:
    table = f"faults-{fault}"
    emulator.create_table(table)
    proxy = FaultyProxy(emulator.endpoint)
    try:
        store = dynamodb_store(table=table, region="us-east-1", endpoint=proxy.endpoint)
        skill = build_skill(store=store, clock=clock, catalog=catalog, skill_id=LOCAL_SKILL_ID)
        convo = Conversation(checked(in_process(skill)), device=linked(), clock=clock)
        before: dict[str, Any] = {}

        def fail() -> None:
            before.update(emulator.item(table, patient_key(convo.device.user_id)) or {})
            proxy.mode = fault

        def recover() -> None:
            proxy.mode = "pass"

        started = time.monotonic()
        texts = workout_through_a_store_failure(convo, fail, recover)
        assert time.monotonic() - started < 30
        assert sum(NOTICE in t for t in texts) == 1
        assert emulator.item(table, patient_key(convo.device.user_id)) == before, "nothing half-written"
        saved = UserRecord.from_dict(store.get_attributes(request_for(convo.device.user_id)))
        assert saved.place is not None  # what was saved before the fault is still there
    finally:
        proxy.close()


def test_one_gunicorn_worker_crashing_does_not_stop_the_others(tmp_path: Path) -> None:
    port = free_port()
    env = {"SPINE_COACH_STORE": f"sqlite:///{tmp_path}/crash.db"}
    url = f"http://127.0.0.1:{port}"
    with serving(["--dev", "--port", str(port), "--workers", "2"], env, url, tmp_path / "serve.log") as served:
        # --dev runs one worker; kill it and the master starts another while requests keep coming
        children = _children(served.process.pid)
        assert children
        os.kill(children[0], signal.SIGKILL)
        answered = 0
        deadline = time.monotonic() + 20
        while answered < 20 and time.monotonic() < deadline:
            try:
                response = requests.post(
                    f"{url}/", data=launch_body(), timeout=5, headers={"Content-Type": "application/json"}
                )
            except requests.RequestException:
                time.sleep(0.2)
                continue
            assert response.status_code == 200
            answered += 1
        assert answered == 20
        assert _children(served.process.pid) and _children(served.process.pid)[0] != children[0]


def test_two_workers_one_crashes_the_other_serves(tmp_path: Path) -> None:
    port = free_port()
    env = {"SPINE_COACH_STORE": f"sqlite:///{tmp_path}/crash2.db", "SPINE_COACH_SKILL_ID": "amzn1.ask.skill.x"}
    url = f"http://127.0.0.1:{port}"
    args = ["--port", str(port), "--host", "127.0.0.1", "--workers", "2"]
    with serving(args, env, url, tmp_path / "serve.log") as served:
        deadline = time.monotonic() + 20
        while len(_children(served.process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        workers = _children(served.process.pid)
        assert len(workers) == 2
        os.kill(workers[0], signal.SIGKILL)
        for _ in range(20):  # the surviving worker answers at once; none of these may fail
            assert requests.get(f"{url}/health", timeout=5).status_code == 200


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)
