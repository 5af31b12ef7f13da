"""The physiotherapist's plan end to end: link by voice, assign from the command line against
the same store, the news at the next launch, "start my exercises" counting the prescribed
amounts through the same coaching, the clinician's note in a how-to answer, unlink.
On the SQLite file and on the DynamoDB emulator."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from skill.alexa.factory import build_skill
from skill.devtools.cli import main
from skill.devtools.envelopes import LOCAL_SKILL_ID, Device
from skill.devtools.simulator import Conversation, in_process
from skill.domain.catalog import Catalog
from skill.domain.clock import FixedClock
from skill.store.dynamodb import dynamodb_store
from skill.store.sqlite import SQLiteStore
from tests.dynamo import Emulator
from tests.support import checked
from tests.test_coaching import Counted, count_in
from tests.test_store_sqlite import request_for

_CODE = re.compile(r"code for your physical therapist: ((?:\d, ){5}\d)\.")
_HEADER = re.compile(r"Exercise (\d+) of (\d+): ([^.]+)\.")

# Amounts chosen to differ from every source dosage, so only the plan can produce them.
PLAN: dict[str, Any] = {
    "plan_version": 1,
    "start": "2026-11-16",
    "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    "times_per_day": 2,
    "clearances": ["cat_cow"],
    "exercises": [
        {"exercise": "bridging", "reps": 7, "hold_seconds": 9, "note": "Keep your knees hip-width apart."},
        {"exercise": "heel_slides", "reps": 4, "per_side": True},
        {"exercise": "pelvic_tilts", "reps": 3, "hold_seconds": 12, "sets": 2},
        {"exercise": "cat_cow", "reps": 6},
        {"exercise": "glute_squeezes", "reps": 5, "hold_seconds": 3},
        {"exercise": "walking", "minutes": 12},
    ],
}


def _link_and_assign(convo: Conversation, store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    convo.launch()
    reply = convo.say("link my physio's plan")
    found = _CODE.search(reply.text)
    assert found is not None, reply.text
    code = found.group(1).replace(", ", "")
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(PLAN))
    # The clinic's command runs on the same (test) clock as the skill.
    monkeypatch.setattr("skill.domain.clock.system_clock", convo.clock)
    assert main(["plan", "assign", "--code", code, str(plan_file), "--store", store_url]) == 0
    convo.end()


def _coach_the_plan(convo: Conversation, catalog: Catalog, clock: FixedClock) -> list[str]:
    launched = convo.launch()
    assert "your physical therapist's plan is set: 6 exercises, twice a day" in launched.text
    reply = convo.say("start my exercises")
    assert "Let's start your physical therapist's plan: 6 exercises" in reply.text
    current = catalog.find_exercise(_HEADER.findall(reply.text)[-1][2])
    counted: dict[str, Counted] = {}
    replies = [reply.text]
    for _ in range(60):
        clock.advance(seconds=90)
        reply = convo.say("ready")
        replies.append(reply.text)
        assert current is not None
        if current.coaching is not None:
            reps, held = count_in(reply, current.coaching.move.rstrip(".") + ".")
            entry = counted.setdefault(current.id, Counted())
            entry.reps += reps
            entry.hold_seconds += held
        if "That's the end of your physical therapist's plan" in reply.text:
            break
        headers = _HEADER.findall(reply.text)
        if headers:
            current = catalog.find_exercise(headers[-1][2])
    else:
        pytest.fail("the plan's session never finished")

    for item in PLAN["exercises"]:
        if "reps" not in item:
            continue
        sides = 2 if item.get("per_side") else 1
        expected = item["reps"] * sides * item.get("sets", 1)
        assert counted[item["exercise"]].reps == expected, item["exercise"]
        hold = expected * item.get("hold_seconds", 0)
        assert counted[item["exercise"]].hold_seconds == pytest.approx(hold), item["exercise"]
    everything = " ".join(replies)
    assert "12 minutes" in everything  # the prescribed walk
    assert "You completed 6 exercises." in everything
    # The safety net is the stock routines' one: the stop rule opened the session.
    assert catalog.guidance.stop_rule.text in replies[0]
    return replies


def _note_and_unlink(convo: Conversation) -> None:
    convo.say("three")  # the pain question at the end of the session
    convo.launch()
    howto = convo.say("how do I do bridging")
    assert "Your physical therapist's plan for you: 7 repetitions, holding each for 9 seconds." in howto.text
    assert "Your physical therapist's note: Keep your knees hip-width apart." in howto.text
    unlinked = convo.say("unlink my plan")
    assert "I've removed your physical therapist's plan" in unlinked.text
    again = convo.say("start my exercises")
    assert "physical therapist's plan" not in again.text  # the stock start: which week are you in?


def test_link_assign_coach_unlink_on_sqlite(
    talk: Any, store_path: Path, catalog: Catalog, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    convo: Conversation = talk()
    _link_and_assign(convo, f"sqlite:///{store_path}", tmp_path, monkeypatch)
    _coach_the_plan(convo, catalog, clock)
    second = convo.launch()
    assert "plan is set" not in second.text  # said once
    convo.end()
    _note_and_unlink(convo)


def test_assign_and_coach_on_dynamodb(
    emulator: Emulator, catalog: Catalog, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator.create_table("plan-convo")
    store = dynamodb_store(table="plan-convo", region="us-east-1", endpoint=emulator.endpoint)
    skill = build_skill(store=store, clock=clock, catalog=catalog, skill_id=LOCAL_SKILL_ID)
    convo = Conversation(checked(in_process(skill)), device=Device(), clock=clock)
    _link_and_assign(
        convo, f"dynamodb://plan-convo?region=us-east-1&endpoint={emulator.endpoint}", tmp_path, monkeypatch
    )
    _coach_the_plan(convo, catalog, clock)
    _note_and_unlink(convo)


def test_the_plan_resumes_with_its_own_amounts_after_a_symptom_stop(
    talk: Any, store_path: Path, catalog: Catalog, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    convo: Conversation = talk()
    _link_and_assign(convo, f"sqlite:///{store_path}", tmp_path, monkeypatch)
    convo.launch()
    convo.say("start my exercises")
    convo.say("ready")  # bridging, counted
    convo.say("ready")  # heel slides: left leg
    # The same safety net as the stock routines: a symptom stops the session at once.
    stopped = convo.say("my leg is going numb")
    assert stopped.ends_session
    # The stop is kept for the clinician's report, with its day and exercise.
    [stop] = SQLiteStore(store_path).history(request_for(convo.device.user_id), "y#", "y#~")
    assert stop["date"] == "2026-11-21"
    assert stop["exercise"] == "heel_slides"
    clock.advance(minutes=30)
    offer = convo.launch()
    assert "You were on exercise 2 of 6 of your physical therapist's plan: heel slides." in offer.text
    resumed = convo.say("yes")
    assert "let's pick up heel slides from the start of that set" in resumed.text
    counted = convo.say("ready")
    # Heel slides at the plan's 4 per leg, not the source's 10 to 12.
    assert count_in(counted, catalog.exercise("heel_slides").coaching.move.rstrip(".") + ".")[0] == 4  # type: ignore[union-attr]
