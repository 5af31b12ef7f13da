"""Progress over days, the pain log and its alert rule, and the user's control over their data."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from skill.devtools.envelopes import skill_disabled_event
from skill.devtools.simulator import Conversation
from skill.domain.clock import FixedClock
from skill.domain.pain import log_pain, trend
from skill.domain.user import UserRecord
from skill.store.sqlite import SQLiteStore
from tests.dynamo import Emulator
from tests.support import patient_key
from tests.test_store_sqlite import pains_of, request_for


def exercise_today(convo: Conversation) -> None:
    convo.say("ask spine coach my physio moved me to the week six routine")  # bridging is in it
    convo.say("ask spine coach to coach me through bridging")
    assert "That's bridging done." in convo.say("ready").text


def test_streak_across_days(convo: Conversation, clock: FixedClock) -> None:
    convo.launch()
    convo.say("stop")
    for _ in range(3):
        exercise_today(convo)
        clock.advance(days=1)
    # a new day, nothing done yet: yesterday's streak still stands
    assert "You've exercised 3 days in a row." in convo.say("ask spine coach how many days in a row").text
    assert "You've exercised 3 days in a row. Keep it going!" in convo.launch().text
    convo.say("stop")
    exercise_today(convo)
    assert "You've exercised 4 days in a row." in convo.say("ask spine coach what's my streak").text
    clock.advance(days=2)  # a day missed
    broken = convo.say("ask spine coach how many days in a row").text
    assert "You don't have a streak going" in broken
    assert "Keep it up" not in broken


def test_is_my_pain_getting_better(convo: Conversation, clock: FixedClock) -> None:
    early = convo.say("ask spine coach is my pain getting better")
    assert "I don't have enough pain scores from the last few weeks to see a trend yet" in early.text
    convo.say("ask spine coach to log my pain as six")
    clock.advance(days=1)
    convo.say("ask spine coach to log my pain as four")
    reply = convo.say("ask spine coach how's my pain trend")
    assert reply.text.startswith("Your pain scores are coming down, from about 6 to 4.")


def test_how_am_i_doing(convo: Conversation, clock: FixedClock) -> None:
    nothing = convo.say("ask spine coach how am I doing").text
    assert "I don't have any exercise sessions for you this week yet" in nothing
    assert "Keep it up" not in nothing  # nothing done yet: no praise to keep up
    exercise_today(convo)  # Saturday
    convo.say("ask spine coach to log my pain as five")
    clock.advance(days=1)  # Sunday
    exercise_today(convo)
    convo.say("ask spine coach to log my pain as three")
    reply = convo.say("ask spine coach how am I doing")
    assert "This week you've done 2 sessions, with 2 exercises in all." in reply.text
    assert "You've exercised 2 days in a row." in reply.text
    assert "Your pain scores are coming down, from about 5 to 3." in reply.text
    clock.advance(days=1)  # Monday: a new week
    monday = convo.say("ask spine coach how am I doing").text
    assert "You haven't done a session yet this week. You've exercised 2 days in a row." in monday


def test_what_did_i_do_yesterday(convo: Conversation, clock: FixedClock) -> None:
    convo.say("ask spine coach my physio moved me to the week six routine")
    convo.say("ask spine coach to start my week six routine")
    convo.say("ready")
    convo.say("ready")
    convo.say("stop")
    clock.advance(days=1)
    reply = convo.say("ask spine coach what did I do yesterday")
    assert (
        "Yesterday you did 2 exercises: pelvic tilts and abdominal bracing. That was from your week six routine."
        in reply.text
    )
    clock.advance(days=1)
    assert "I don't have any exercises for you yesterday" in convo.say("ask spine coach what did I do yesterday").text


def test_yesterday_counts_abandoned_sessions(convo: Conversation, clock: FixedClock) -> None:
    convo.say("ask spine coach my physio moved me to the week six routine")
    convo.say("ask spine coach to start my week six routine")
    convo.say("ready")
    convo.say("stop")
    clock.advance(days=2)
    convo.launch()  # the place is too old: recorded as abandoned
    clock.advance(days=-1)  # look back from the day after the session
    reply = convo.say("ask spine coach what did I do yesterday")
    assert "pelvic tilts" in reply.text


def test_pain_question_after_a_routine_and_the_alert_rule(convo: Conversation, store: SQLiteStore) -> None:
    convo.say("ask spine coach to log my pain as two")
    convo.say("ask spine coach to log my pain as two")
    rise = convo.say("ask spine coach to log my pain as five")
    assert "That's a jump from your recent scores." in rise.text
    assert "contact your surgeon or physical therapist before you carry on" in rise.text
    assert not rise.ends_session and "anything you'd like to ask me about it" in rise.text
    high = convo.say("ask spine coach my pain is eight out of ten")
    assert "A pain score of 8 is high." in high.text
    assert "9 1 1" in high.text
    calm = convo.say("ask spine coach to log my pain as four")
    assert "I've logged your pain as 4." in calm.text
    assert "contact your surgeon" not in calm.text
    assert pains_of(store) == [2, 2, 5, 8, 4]


def test_pain_score_out_of_range_is_asked_again(convo: Conversation, store: SQLiteStore) -> None:
    reply = convo.say("ask spine coach to log my pain as twelve")
    assert "a number from zero to ten" in reply.text
    assert not reply.ends_session
    assert pains_of(store) == []
    assert "I've logged your pain as 6." in convo.say("six").text


def test_skipping_the_pain_question(convo: Conversation, store: SQLiteStore) -> None:
    convo.say("ask spine coach to coach me through walking")
    convo.say("ask spine coach I'm done")  # single exercises do not ask
    assert pains_of(store) == []


def test_alert_rule_unit() -> None:
    scores: list[dict[str, object]] = []
    today = date(2026, 11, 21)
    assert log_pain(scores, 3, today).alert is None
    assert log_pain(scores, 5, today).alert is None
    assert log_pain(scores, 7, today).alert == "high"
    assert log_pain(scores, 8, today).alert == "high"
    assert log_pain([{"date": "2026-11-20", "score": 1}, {"date": "2026-11-19", "score": 2}], 5, today).alert == "rise"
    old = [{"date": "2026-10-01", "score": 1}]
    assert log_pain(old, 5, today).alert is None  # more than two weeks ago: not "recent"
    assert trend([{"date": "2026-11-20", "score": 6}, {"date": "2026-11-21", "score": 2}], today) == ("down", 6, 2)
    with pytest.raises(ValueError, match="0 to 10"):
        log_pain([], 11, today)


@pytest.fixture
def rows(store_path: Path, convo: Conversation) -> Callable[[], int]:
    """Rows anywhere in the store that hold the user's id: their record, their history, a
    link code issued to them (its row names them in its data) or its index."""
    user = convo.device.user_id

    def count() -> int:
        with sqlite3.connect(store_path) as db:
            found = 0
            for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
                where = " OR ".join(f"instr(CAST({c} AS TEXT), ?) > 0" for c in columns)
                found += db.execute(f"SELECT count(*) FROM {table} WHERE {where}", [user] * len(columns)).fetchone()[0]
            return found

    return count


def _issue_code(convo: Conversation) -> str:
    """Ask for a link code by voice, as a patient would before a clinic visit."""
    from tests.test_plan_conversation import _CODE

    found = _CODE.search(convo.say("ask spine coach to link my physio's plan").text)
    assert found is not None
    return found.group(1).replace(", ", "")


def _code_refused(
    code: str, store_path: Path, tmp_path: Path, convo: Conversation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both clinic commands refuse a code issued before the deletion (issue 30)."""
    import json

    from skill.devtools.cli import main
    from tests.test_plan_conversation import PLAN

    monkeypatch.setattr("skill.domain.clock.system_clock", convo.clock)
    store = f"sqlite:///{store_path}"
    out = tmp_path / "report.html"
    report = ["report", "--code", code, "--from", "2026-01-01", "--to", "2026-12-31", "--out", str(out)]
    assert main([*report, "--store", store]) == 1 and not out.exists()
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(PLAN))
    assert main(["plan", "assign", "--code", code, str(plan_file), "--store", store]) == 1


def test_delete_my_data_asks_first_then_leaves_no_row(
    convo: Conversation, rows: Callable[[], int], store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exercise_today(convo)
    convo.say("ask spine coach my surgery was on October third")
    convo.say("ask spine coach to log my pain as four")
    code = _issue_code(convo)
    held = rows()
    assert held >= 5  # the record, a session, a pain score, the code and its index
    confirm = convo.say("ask spine coach to delete my data")
    assert "Are you sure?" in confirm.text
    kept = convo.say("no")
    assert "I haven't deleted anything" in kept.text
    assert rows() == held
    convo.say("delete my data")
    done = convo.say("yes")
    assert "I've deleted everything I had saved for you" in done.text
    assert done.ends_session
    assert rows() == 0
    # ... nor in the write-ahead log or free pages, while the service still runs.
    for path in (store_path, store_path.with_name(store_path.name + "-wal")):
        if path.exists():
            assert convo.device.user_id.encode() not in path.read_bytes(), path
    _code_refused(code, store_path, tmp_path, convo, monkeypatch)
    assert "Welcome to Spine Coach" in convo.launch().text  # a new user now, with the disclaimer


def test_skill_disabled_event_leaves_no_row(
    convo: Conversation, rows: Callable[[], int], store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exercise_today(convo)
    convo.say("ask spine coach to log my pain as four")
    code = _issue_code(convo)
    assert rows() >= 4
    reply = convo.request(skill_disabled_event(convo.device), in_session=False)
    assert "outputSpeech" not in reply.body
    assert rows() == 0
    _code_refused(code, store_path, tmp_path, convo, monkeypatch)


def test_a_new_code_revokes_the_older_one_and_expired_codes_are_purged(
    convo: Conversation, store_path: Path, clock: FixedClock
) -> None:
    first = _issue_code(convo)
    second = _issue_code(convo)
    store = SQLiteStore(store_path)
    from skill.domain.linking import code_hash

    now = int(clock().timestamp())
    assert store.peek_link(code_hash(first, store.link_secret), now) is None  # one live code per user
    assert store.peek_link(code_hash(second, store.link_secret), now) == patient_key(convo.device.user_id)
    other = Conversation(convo.transport, device=replace(convo.device, user_id="amzn1.ask.account.OTHER"), clock=clock)
    clock.advance(seconds=16 * 60)  # the second code has expired
    _issue_code(other)
    with sqlite3.connect(store_path) as db:
        links = db.execute("SELECT count(*) FROM history WHERE sk = 'link'").fetchone()[0]
        indexed = db.execute("SELECT count(*) FROM history WHERE sk LIKE 'code#%'").fetchone()[0]
    assert (links, indexed) == (1, 1)  # only the other user's live code


def test_logs_hold_no_pain_scores_dates_or_free_text(convo: Conversation, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        convo.say("ask spine coach my surgery was on October third")
        convo.say("ask spine coach to log my pain as nine")
        convo.say("ask spine coach my back hurts")
        convo.say("ask spine coach can I lift my grandson")
        convo.say("ask spine coach how do I do the purple thing")
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("spine_coach")]
    assert messages
    allowed = re.compile(r"^[A-Za-z.]+ [A-Za-z.\-]+ end_session=(True|False|None) \d+\.\dms$")
    for message in messages:
        assert allowed.match(message), message
    text = " ".join(messages).lower()
    for secret in ("october", "2026-10-03", "nine", "grandson", "purple", "back hurts"):
        assert secret not in text


@pytest.fixture
def dynamo_lambda(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> tuple[Emulator, ModuleType]:
    """The Lambda handler on a fresh table of the shared DynamoDB emulator."""
    from tests.test_lambda import load_lambda

    emulator.create_table("spine-coach-delete")
    monkeypatch.delenv("SPINE_COACH_STORE", raising=False)
    monkeypatch.setenv("SPINE_COACH_DYNAMODB_TABLE", "spine-coach-delete")
    monkeypatch.setenv("SPINE_COACH_DYNAMODB_ENDPOINT", emulator.endpoint)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("SPINE_COACH_SKILL_ID", "amzn1.ask.skill.00000000-0000-4000-8000-5b1ec0ac4000")
    return emulator, load_lambda()


def _held_in_dynamodb(emulator: Emulator, user: str) -> int:
    """Items in both tables (record and history) that hold the user's id anywhere: their
    record, history, plan, a link code (whose item names them) or its index."""
    found = 0
    for name in ("spine-coach-delete", "spine-coach-delete-history"):
        for item in emulator.resource().Table(name).scan(ConsistentRead=True)["Items"]:
            found += any(user in str(value) for value in item.values())
    return found


def test_delete_and_skill_disabled_leave_no_item_in_dynamodb(dynamo_lambda: tuple[Emulator, ModuleType]) -> None:
    from tests.support import checked, linked

    emulator, module = dynamo_lambda
    convo = Conversation(checked(lambda event: module.lambda_handler(event, None)), device=linked())
    convo.launch()
    convo.say("my surgery was on October third")
    convo.say("log my pain as four")
    _issue_code(convo)
    assert _held_in_dynamodb(emulator, convo.device.user_id) >= 4  # record, pain, code, index
    convo.say("ask spine coach to delete my data")
    convo.say("yes")
    assert _held_in_dynamodb(emulator, convo.device.user_id) == 0
    convo.launch()
    _issue_code(convo)
    _issue_code(convo)  # the second revokes the first: one code, one index
    # ... the record, and the person listed under the account (for the event below)
    assert _held_in_dynamodb(emulator, convo.device.user_id) == 4
    convo.request(skill_disabled_event(convo.device), in_session=False)
    assert _held_in_dynamodb(emulator, convo.device.user_id) == 0


@pytest.mark.parametrize(("zone", "yesterday"), [("America/Chicago", True), (None, False), ("America/Chicagoo", False)])
def test_a_day_is_the_deployments_time_zone_when_the_device_says_none(
    store: SQLiteStore, catalog: Any, zone: str | None, yesterday: bool
) -> None:
    """The clinic's skill asks no device API for a time zone: a session at 9:30 p.m. in
    Chicago (3:30 UTC the next day) is the evening's, and "yesterday" the next morning;
    without the deployment's zone (or with one that is no zone, logged and left out) both
    fall on the same UTC day. The deployment's zone is never written into the record: the
    device's, when the Reminders flow learns it, is the user's own."""
    from skill.alexa.factory import build_skill
    from skill.devtools.envelopes import LOCAL_SKILL_ID
    from skill.devtools.simulator import in_process
    from tests.support import checked, linked

    evening = FixedClock(datetime(2026, 12, 8, 3, 30, tzinfo=UTC))  # Monday 7 December, 9:30 p.m. CST
    skill = build_skill(store=store, clock=evening, catalog=catalog, skill_id=LOCAL_SKILL_ID, time_zone=zone or "")
    convo = Conversation(checked(in_process(skill)), device=linked(), clock=evening)
    exercise_today(convo)
    evening.advance(hours=12)  # Tuesday 8 December, 9:30 a.m. CST
    reply = convo.say("ask spine coach what did I do yesterday").text
    assert ("Yesterday you did 1 exercise: bridging" in reply) is yesterday, reply
    assert (
        UserRecord.from_dict(store.get_attributes(request_for("amzn1.ask.account.LOCALCONSOLEUSER"))).time_zone is None
    )
