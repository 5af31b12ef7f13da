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
from skill.devtools.envelopes import LOCAL_SKILL_ID
from skill.devtools.simulator import Conversation, in_process
from skill.domain.catalog import Catalog
from skill.domain.clock import FixedClock
from skill.store.dynamodb import dynamodb_store
from skill.store.sqlite import SQLiteStore
from tests.dynamo import Emulator
from tests.support import checked, linked
from tests.test_coaching import Counted, count_in
from tests.test_store_sqlite import request_for

_CODE = re.compile(r"code for your physical therapist: ((?:\d, ){5}\d)\.")
_HEADER = re.compile(r"Exercise (\d+) of (\d+): ([^.]+)\.")

# Today (the test clock) is Saturday 21 November 2026. The phase in force today: amounts
# chosen to differ from every source dosage, so only the plan can produce them.
TODAY: list[dict[str, Any]] = [
    {"exercise": "bridging", "reps": 7, "hold_seconds": 9, "note": "Keep your knees hip-width apart."},
    {"exercise": "heel_slides", "reps": 4, "per_side": True},
    {"exercise": "pelvic_tilts", "reps": 3, "hold_seconds": 12, "sets": 2},
    {"exercise": "cat_cow", "reps": 6},
    {"exercise": "glute_squeezes", "reps": 5, "hold_seconds": 3},
    {"exercise": "walking", "minutes": 12},
]
PLAN: dict[str, Any] = {
    "plan_version": 1,
    # The first phase has ended and the last has not begun: their amounts must not be coached.
    "start": "2026-11-02",
    "days": ["mon", "wed", "fri"],
    "times_per_day": 1,
    "clearances": ["cat_cow"],
    "exercises": [{"exercise": "bridging", "reps": 11, "hold_seconds": 4}, {"exercise": "walking", "minutes": 5}],
    "phases": [
        {
            "from": "2026-11-16",
            "to": "2026-12-06",
            "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            "times_per_day": 2,
            "exercises": TODAY,
        },
        {
            "from": "2026-12-07",
            "days": ["mon", "thu"],
            "times_per_day": 3,
            "exercises": [{"exercise": "bridging", "reps": 15, "hold_seconds": 10}, {"exercise": "cat_cow", "reps": 9}],
        },
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


def _coach_the_plan(convo: Conversation, catalog: Catalog, clock: FixedClock, store: Any) -> list[str]:
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

    # Every counted exercise of today's phase, and nothing else, at the plan's amounts.
    prescribed = {item["exercise"]: item for item in TODAY if "reps" in item}
    assert sorted(counted) == sorted(prescribed)
    for exercise, item in prescribed.items():
        sides = 2 if item.get("per_side") else 1
        expected = item["reps"] * sides * item.get("sets", 1)
        assert counted[exercise].reps == expected, exercise
        hold = expected * item.get("hold_seconds", 0)
        assert counted[exercise].hold_seconds == pytest.approx(hold), exercise
    everything = " ".join(replies)
    walk = next(text for text in replies if "walking" in text.lower() and "minutes" in text)
    assert re.findall(r"(\d+) minutes", walk) == ["12"], walk  # the prescribed walk, not the 5 of the first phase
    assert "You completed 6 exercises." in everything
    # The safety net is the stock routines' one: the stop rule opened the session.
    assert catalog.guidance.stop_rule.text in replies[0]
    convo.say("three")  # the pain question at the end of the session
    # The history keeps it as a session of the plan with every exercise done (the report's input).
    [session] = store.history(request_for(convo.device.user_id), "s#", "s#~")
    assert session["routine"] == "plan"
    assert session["status"] == "finished"
    assert sorted(session["done"]) == sorted(item["exercise"] for item in TODAY)
    # The news is said once: the next launch does not repeat it.
    if convo.session_open:
        convo.end()
    assert "plan is set" not in convo.launch().text
    convo.end()
    return replies


def _note_and_unlink(convo: Conversation) -> None:
    convo.launch()
    asked = convo.say("what exercises did my physio set")
    assert asked.text.startswith("Your physical therapist's plan for today has 6 exercises: bridging,"), asked.text
    assert "walking, twice a day." in asked.text
    howto = convo.say("how do I do bridging")
    assert "Your physical therapist's plan for you: 7 repetitions, holding each for 9 seconds." in howto.text
    assert "Your physical therapist's note: Keep your knees hip-width apart." in howto.text
    screens = [d for d in howto.directives if d["type"] == "Alexa.Presentation.APL.RenderDocument"]
    if convo.device.apl_max_version:  # an Echo Show shows the plan's amount, not the stock one
        assert screens[0]["datasources"]["howto"]["dosage"] == (
            "Your physical therapist's plan for you: 7 repetitions, holding each for 9 seconds."
        )
    unlinked = convo.say("unlink my plan")
    assert "I've removed your physical therapist's plan" in unlinked.text
    assert "plan for today" not in convo.say("what's my plan from the clinic").text
    again = convo.say("start my exercises")
    assert "physical therapist's plan" not in again.text  # the stock start: which week are you in?


def test_link_assign_coach_unlink_on_sqlite(
    talk: Any, store_path: Path, catalog: Catalog, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    convo: Conversation = talk(apl_max_version="2024.3")  # an Echo Show: the screens follow the plan too
    _link_and_assign(convo, f"sqlite:///{store_path}", tmp_path, monkeypatch)
    _coach_the_plan(convo, catalog, clock, SQLiteStore(store_path))
    _note_and_unlink(convo)


def test_assign_and_coach_on_dynamodb(
    emulator: Emulator, catalog: Catalog, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator.create_table("plan-convo")
    store = dynamodb_store(table="plan-convo", region="us-east-1", endpoint=emulator.endpoint)
    skill = build_skill(store=store, clock=clock, catalog=catalog, skill_id=LOCAL_SKILL_ID)
    convo = Conversation(checked(in_process(skill)), device=linked(), clock=clock)
    _link_and_assign(
        convo, f"dynamodb://plan-convo?region=us-east-1&endpoint={emulator.endpoint}", tmp_path, monkeypatch
    )
    _coach_the_plan(convo, catalog, clock, store)
    _note_and_unlink(convo)


def test_the_plan_resumes_with_its_own_amounts_after_a_symptom_stop(
    talk: Any, store_path: Path, catalog: Catalog, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    convo: Conversation = talk(apl_max_version="2024.3")  # an Echo Show: the screens follow the plan too
    _link_and_assign(convo, f"sqlite:///{store_path}", tmp_path, monkeypatch)
    convo.launch()
    convo.say("start my exercises")
    convo.say("ready")  # bridging, counted
    convo.say("ready")  # heel slides: left leg
    # The same safety net as the stock routines: a symptom stops the set at once (and
    # "no" to the question after it ends the session).
    stopped = convo.say("my leg is going numb")
    assert "Stop the exercise now" in stopped.text
    assert convo.say("no").ends_session
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
