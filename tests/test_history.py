"""History kept as rows and items of its own: two years of it kept, counted, answered from,
deleted; records in the old format converted on first read; the hot record stays small."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from skill.alexa.factory import build_skill
from skill.devtools.envelopes import LOCAL_SKILL_ID, skill_disabled_event
from skill.devtools.simulator import Conversation, in_process
from skill.domain.catalog import Catalog
from skill.domain.clock import FixedClock
from skill.store.dynamodb import dynamodb_store
from skill.store.sqlite import SQLiteStore
from tests.dynamo import Emulator
from tests.support import checked, linked, patient_key
from tests.test_store_sqlite import pains_of, request_for, sessions_of

USER = "amzn1.ask.account.TWOYEARS"
TODAY = date(2026, 11, 21)  # the clock fixture's Saturday


def two_years(days: int = 730) -> dict[str, Any]:
    """A record in the old format (version 1, history inside) of a user who exercised twice
    a day, every day, for ``days`` days up to yesterday, and logged their pain once a day:
    4 in the older of the last two weeks, 2 in the newer, 3 before that."""
    history, pain = [], []
    for back in range(days, 0, -1):
        day = (TODAY - timedelta(days=back)).isoformat()
        history.append(
            {
                "started_at": f"{day}T08:00:00+00:00",
                "ended_at": f"{day}T08:20:00+00:00",
                "routine": "week_six",
                "done": ["pelvic_tilts", "bridging"],
                "skipped": [],
                "status": "finished",
            }
        )
        history.append(
            {
                "started_at": f"{day}T18:00:00+00:00",
                "ended_at": f"{day}T18:05:00+00:00",
                "routine": "single",
                "exercise": "bridging",
                "done": ["bridging"],
                "skipped": [],
                "status": "finished",
            }
        )
        pain.append({"date": day, "score": 2 if back <= 7 else 4 if back <= 14 else 3})
    return {"v": 1, "rev": 9, "disclaimer_heard": True, "pace": 1.25, "history": history, "pain": pain}


@pytest.fixture(params=["sqlite", "dynamodb"])
def any_store(request: pytest.FixtureRequest, store_path: Path) -> Any:
    if request.param == "sqlite":
        return SQLiteStore(store_path)
    emulator: Emulator = request.getfixturevalue("emulator")
    table = f"history-{request.node.name.replace('[', '-').replace(']', '').replace('_', '-')}"[:200]
    emulator.create_table(table)
    # Two years of history is thousands of items for the emulator to take in at once; on a
    # busy test machine one batch can take longer than the 2 s a live turn allows.
    return dynamodb_store(table=table, region="us-east-1", endpoint=emulator.endpoint, timeout=20)


def talk(store: Any, clock: FixedClock, catalog: Catalog, user: str = USER) -> Conversation:
    skill = build_skill(store=store, clock=clock, catalog=catalog, skill_id=LOCAL_SKILL_ID)
    return Conversation(checked(in_process(skill)), device=linked(user_id=user), clock=clock)


def test_two_years_of_history_kept_counted_and_answered(any_store: Any, clock: FixedClock, catalog: Catalog) -> None:
    any_store.save_attributes(request_for(USER), two_years())
    convo = talk(any_store, clock, catalog)
    assert "You've exercised 730 days in a row." in convo.say("ask spine coach how many days in a row").text
    # Converted on that first read: the record is small, every entry is a row of its own.
    hot = any_store.get_attributes(request_for(USER))
    assert hot["v"] == 2 and "history" not in hot and "pain" not in hot
    assert hot["pace"] == 1.25 and hot["disclaimer_heard"] is True
    assert len(sessions_of(any_store, USER)) == 1460
    assert pains_of(any_store, USER) == [3] * 716 + [4] * 7 + [2] * 7
    doing = convo.say("ask spine coach how am I doing").text
    assert "This week you've done 10 sessions, with 15 exercises in all." in doing  # Monday to Friday
    assert "You've exercised 730 days in a row." in doing
    assert "Your pain scores are coming down, from about 4 to 2." in doing
    yesterday = convo.say("ask spine coach what did I do yesterday").text
    assert "Yesterday you did 3 exercises: pelvic tilts and bridging." in yesterday
    assert "That was from your week six routine." in yesterday
    assert "730 days in a row. Keep it going!" in convo.launch().text
    convo.say("stop")
    # Today's session moves the streak on and adds one entry; nothing is dropped.
    convo.say("ask spine coach my physio moved me to the week six routine")  # bridging is in it
    convo.say("ask spine coach to coach me through bridging")
    convo.say("ready")
    assert "You've exercised 731 days in a row." in convo.say("ask spine coach how many days in a row").text
    assert len(sessions_of(any_store, USER)) == 1461


def test_the_same_answers_from_the_old_record_and_the_new_rows(
    store: SQLiteStore, clock: FixedClock, catalog: Catalog
) -> None:
    """A history under the old cap, with gaps, an abandoned session and a place still open,
    answers as it did when it lived inside the record."""
    record = two_years(20)
    history = record["history"]
    del history[20:24]  # no exercise on the 11th and 12th of November (10 and 9 days back)
    history[-1] = {**history[-1], "status": "abandoned", "done": ["bridging"]}
    history.append(  # this morning's session, still running: it is the place
        {
            "started_at": "2026-11-21T08:00:00+00:00",
            "ended_at": "2026-11-21T08:10:00+00:00",
            "routine": "single",
            "exercise": "bridging",
            "done": [],
            "skipped": [],
            "status": "in_progress",
        }
    )
    store.save_attributes(request_for(USER), record)
    convo = talk(store, clock, catalog)
    assert "You've exercised 8 days in a row." in convo.say("ask spine coach how many days in a row").text
    doing = convo.say("ask spine coach how am I doing").text
    assert "This week you've done 10 sessions, with 15 exercises in all." in doing
    assert "Your pain scores are coming down, from about 4 to 2." in doing
    assert len(sessions_of(store, USER)) == 37  # 36 ended, and the one in progress as it was (no place)


def test_an_old_record_with_a_place_resumes_it(store: SQLiteStore, clock: FixedClock, catalog: Catalog) -> None:
    """A place saved by the old format (the plan inside it) still resumes, and its history
    entry becomes the place again rather than a row."""
    convo = talk(store, clock, catalog)
    convo.say("ask spine coach my physio moved me to the week six routine")
    convo.say("ask spine coach to start my week six routine")
    convo.say("ready")
    convo.say("stop")
    request = request_for(convo.device.user_id)
    new = store.get_attributes(request)
    from skill.domain.guided import unpack

    state = unpack(catalog, new["place"]["state"])
    assert state is not None
    old = {
        **new,
        "v": 1,
        "place": {**new["place"], "state": state.to_dict()},  # the plan inside, as before
        "history": [
            {
                "started_at": state.started_at,
                "ended_at": new["place"]["saved_at"],
                "routine": "week_six",
                "done": ["pelvic_tilts"],
                "skipped": [],
                "status": "in_progress",
            }
        ],
        "pain": [{"date": "2026-11-20", "score": 3}],
    }
    old.pop("streak", None)
    store.delete_attributes(request)
    store.save_attributes(request, old)
    assert "You were on exercise 2 of 12 of your week six routine" in convo.launch().text
    assert sessions_of(store, convo.device.user_id) == []
    assert pains_of(store, convo.device.user_id) == [3]
    assert "Abdominal bracing" in convo.say("yes").text or convo.say("ready").text


def test_delete_and_skill_disabled_remove_two_years_of_history(
    any_store: Any, clock: FixedClock, catalog: Catalog
) -> None:
    for user in (USER, USER + "2"):
        any_store.save_attributes(request_for(user), two_years())
    convo = talk(any_store, clock, catalog)
    convo.launch()  # converted: 2190 rows
    assert len(sessions_of(any_store, USER)) == 1460
    convo.say("delete my data")
    assert "I've deleted everything" in convo.say("yes").text
    assert any_store.get_attributes(request_for(USER)) == {}
    assert sessions_of(any_store, USER) == [] and pains_of(any_store, USER) == []
    other = talk(any_store, clock, catalog, USER + "2")
    other.launch()
    other.request(skill_disabled_event(other.device), in_session=False)
    assert any_store.get_attributes(request_for(USER + "2")) == {}
    assert sessions_of(any_store, USER + "2") == [] and pains_of(any_store, USER + "2") == []


def test_the_record_a_turn_writes_stays_small(
    store: SQLiteStore, store_path: Path, clock: FixedClock, catalog: Catalog
) -> None:
    store.save_attributes(request_for(USER), {**two_years(), "clearances": ["cat_cow"]})
    convo = talk(store, clock, catalog)
    convo.launch()
    convo.say("ask spine coach my physio moved me to the week six routine")
    convo.say("start my week six routine")
    for _ in range(6):
        convo.say("ready")
    with sqlite3.connect(store_path) as db:
        (data,) = db.execute("SELECT data FROM attributes WHERE id = ?", (patient_key(USER),)).fetchone()
    assert len(data.encode()) <= 1024, data
    assert json.loads(data)["place"]["state"]["done"][:2] == ["pelvic_tilts", "abdominal_bracing"]


def test_a_finished_session_adds_one_item(emulator: Emulator, clock: FixedClock, catalog: Catalog) -> None:
    emulator.create_table("one-item")
    store = dynamodb_store(table="one-item", region="us-east-1", endpoint=emulator.endpoint)
    convo = talk(store, clock, catalog)
    convo.say("ask spine coach my physio moved me to the week six routine")
    convo.say("ask spine coach to start my week six routine")
    for _ in range(5):
        convo.say("ready")
    assert emulator.history_count("one-item", patient_key(USER)) == 0  # a running session is the place alone
    convo.say("stop")
    convo.say("ask spine coach to coach me through bridging")  # gives up the place: one item
    assert emulator.history_count("one-item", patient_key(USER)) == 1
    convo.say("ready")  # bridging finished: one more
    assert emulator.history_count("one-item", patient_key(USER)) == 2


def test_retention_is_off_unless_asked_for(emulator: Emulator) -> None:
    import time

    emulator.create_table("retention")
    kept = dynamodb_store(table="retention", region="us-east-1", endpoint=emulator.endpoint)
    expiring = dynamodb_store(table="retention", region="us-east-1", endpoint=emulator.endpoint, retention_days=30)
    kept.append_history(
        request_for("amzn1.ask.account.KEPT", person=None), [("p#2026-11-21#x#1", {"date": "2026-11-21", "score": 1})]
    )
    expiring.append_history(
        request_for("amzn1.ask.account.GOES", person=None), [("p#2026-11-21#x#1", {"date": "2026-11-21", "score": 1})]
    )
    history = emulator.resource().Table("retention-history")
    assert "expires_at" not in history.get_item(Key={"id": "amzn1.ask.account.KEPT", "sk": "p#2026-11-21#x#1"})["Item"]
    goes = history.get_item(Key={"id": "amzn1.ask.account.GOES", "sk": "p#2026-11-21#x#1"})["Item"]
    expires = int(goes["expires_at"])
    assert abs(expires - (time.time() + 30 * 86400)) < 600
    ttl = emulator.resource().meta.client.describe_time_to_live(TableName="retention-history")
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expires_at"


def test_a_file_from_before_the_revision_column(store_path: Path) -> None:
    """The table as it was (no ``rev`` column): opened, it gets the column, filled from the JSON."""
    with sqlite3.connect(store_path) as db:
        db.execute(
            "CREATE TABLE attributes (id TEXT PRIMARY KEY, data TEXT NOT NULL, "
            "updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"
        )
        db.execute("INSERT INTO attributes (id, data) VALUES (?, ?)", (USER, json.dumps({"v": 1, "rev": 5})))
    store = SQLiteStore(store_path)
    request = request_for(USER, person=None)  # a record from before people had their own
    assert store.get_attributes(request) == {"v": 1, "rev": 5}
    assert not store.save_if(request, {"v": 2, "rev": 5}, 4), "an out-of-date revision is refused"
    assert store.save_if(request, {"v": 2, "rev": 6}, 5)
    assert store.get_attributes(request) == {"v": 2, "rev": 6}


def test_a_save_by_an_older_version_in_between_keeps_its_history(
    store: SQLiteStore, clock: FixedClock, catalog: Catalog
) -> None:
    """During a deploy another instance still runs the old code and writes the whole record
    with history inside it, between this turn's read and write: the merge moves that history
    out instead of dropping it."""
    from tests.test_concurrency import PausingStore, interleave

    pausing = PausingStore(store)
    skill = build_skill(store=pausing, clock=clock, catalog=catalog, skill_id=LOCAL_SKILL_ID)
    kitchen = Conversation(checked(in_process(skill)), device=linked(user_id=USER), clock=clock)
    kitchen.say("ask spine coach my physio moved me to the week six routine")
    kitchen.say("ask spine coach to start my week six routine")
    request = request_for(USER)

    def old_instance_saves() -> None:
        record = store.get_attributes(request)
        session = {
            "started_at": "2026-11-20T08:00:00+00:00",
            "ended_at": "2026-11-20T08:30:00+00:00",
            "routine": "single",
            "exercise": "bridging",
            "done": ["bridging"],
            "skipped": [],
            "status": "finished",
        }
        store.save_attributes(
            request,
            {
                **record,
                "v": 1,
                "rev": record["rev"] + 1,
                "history": [session],
                "pain": [{"date": "2026-11-20", "score": 6}],
            },
        )

    interleave(pausing, kitchen, "ready", old_instance_saves)
    assert [s.get("exercise") for s in sessions_of(store, USER)] == ["bridging"]
    assert pains_of(store, USER) == [6]
    assert store.get_attributes(request)["v"] == 2


def test_an_item_past_its_retention_is_no_longer_read(emulator: Emulator) -> None:
    """DynamoDB's TTL sweep lags by up to days: an expired item still in the table is not
    history any more (the privacy page says it is deleted after the retention)."""
    import time

    emulator.create_table("expired")
    store = dynamodb_store(table="expired", region="us-east-1", endpoint=emulator.endpoint, retention_days=30)
    request = request_for("amzn1.ask.account.OLD", person=None)
    store.append_history(request, [("p#2026-11-21#x#1", {"date": "2026-11-21", "score": 1})])
    history = emulator.resource().Table("expired-history")
    history.put_item(
        Item={
            "id": "amzn1.ask.account.OLD",
            "sk": "p#2026-01-02#x#1",
            "d": '{"score": 9}',
            "expires_at": int(time.time()) - 60,
        }
    )
    assert [entry.get("score") for entry in store.history(request, "p#", "p#~")] == [1]
