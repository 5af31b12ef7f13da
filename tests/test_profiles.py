"""The deployment profiles (issue 28): the consumer profile, the default, keeps no health
information in any store; the clinic profile keeps everything (the other suites run it).

Each store is read directly after a conversation that says everything a patient might: a
surgery date, a week, a clearance, pain words, a pain score, a plan code, a red flag.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from skill.alexa.factory import build_skill
from skill.devtools.envelopes import LOCAL_SKILL_ID, Device
from skill.devtools.simulator import Conversation, Reply, in_process
from skill.domain.catalog import Catalog
from skill.domain.clock import FixedClock
from skill.domain.profile import CLINIC, CONSUMER, Profile, from_environment, profile_named
from skill.store.dynamodb import dynamodb_store
from skill.store.sqlite import SQLiteStore
from tests.dynamo import Emulator
from tests.support import checked, linked, patient_key

USER = "amzn1.ask.account.PROFILES"
# Words of the stored record that would be health information, as ``UserRecord.to_dict`` writes them.
HEALTH_WORDS = ("surgery_date", "reported_week", "stage_override", "follow_up_confirmed", "cat_cow")


def talk(store: Any, clock: FixedClock, catalog: Catalog, profile: Profile = CONSUMER) -> Conversation:
    skill = build_skill(store=store, clock=clock, catalog=catalog, skill_id=LOCAL_SKILL_ID, profile=profile)
    # The clinic's patient is linked, recognised and confirms their PIN (``tests.support.linked``).
    device = linked(user_id=USER) if profile.links_accounts else Device(user_id=USER)
    return Conversation(checked(in_process(skill)), device=device, clock=clock)


def next_day(store: Any, clock: FixedClock, catalog: Catalog) -> tuple[Conversation, Reply]:
    """A day later, the skill opened again: the conversation and its welcome."""
    clock.advance(days=1)
    tomorrow = talk(store, clock, catalog)
    return tomorrow, tomorrow.launch()


def say_everything(convo: Conversation) -> None:
    """A patient who tells the skill every kind of health information it could keep."""
    convo.launch()
    convo.say("my surgery was on october third")
    convo.say("I'm in week four")
    convo.say("my surgeon cleared me for cat cow")
    convo.say("my physio moved me to the week six routine")
    convo.say("log my pain as six")
    convo.say("link my physio's plan")
    convo.say("start my week six routine")
    convo.say("ready")
    convo.say("my back really hurts")  # the stop rule: a symptom stop
    convo.launch()
    convo.say("I can't feel my legs")  # a red flag


def test_the_consumer_profile_stores_no_health_information_in_sqlite(
    store_path: Path, clock: FixedClock, catalog: Catalog
) -> None:
    say_everything(talk(SQLiteStore(store_path), clock, catalog))
    with sqlite3.connect(store_path) as db:
        records = [json.loads(data) for (data,) in db.execute("SELECT data FROM attributes")]
        keys = [sk for (sk,) in db.execute("SELECT sk FROM history")]
    assert len(records) == 1
    record = records[0]
    for word in HEALTH_WORDS:
        assert word not in json.dumps({k: v for k, v in record.items() if v not in (None, False, [])}), word
    assert not [k for k in keys if k.startswith(("p#", "y#"))], keys  # no pain score, no symptom stop
    assert not [k for k in keys if k.startswith("code#") or k == "link"], keys  # no plan link code


def test_the_clinic_profile_keeps_what_the_consumer_profile_does_not(
    store_path: Path, clock: FixedClock, catalog: Catalog
) -> None:
    """The same conversation under the clinic profile: the checks above can fail."""
    say_everything(talk(SQLiteStore(store_path), clock, catalog, profile=CLINIC))
    with sqlite3.connect(store_path) as db:
        (data,) = db.execute("SELECT data FROM attributes WHERE id = ?", (patient_key(USER),)).fetchone()
        keys = [sk for (sk,) in db.execute("SELECT sk FROM history")]
    record = json.loads(data)
    assert record.get("reported_week") and record.get("stage_override") and record.get("clearances") == ["cat_cow"]
    assert [k for k in keys if k.startswith("p#")] and [k for k in keys if k.startswith("y#")]


def test_the_consumer_profile_stores_no_health_information_in_dynamodb(
    emulator: Emulator, clock: FixedClock, catalog: Catalog
) -> None:
    emulator.create_table("consumer")
    store = dynamodb_store(table="consumer", region="us-east-1", endpoint=emulator.endpoint)
    say_everything(talk(store, clock, catalog))
    resource = emulator.resource()
    items = resource.Table("consumer").scan()["Items"]
    history = resource.Table("consumer-history").scan()["Items"]
    assert len(items) == 1
    stored = json.dumps(items[0], default=str)
    for word in HEALTH_WORDS[:2] + HEALTH_WORDS[4:]:
        assert f'"{word}": "' not in stored and f'"{word}": [' not in stored, word
    assert '"cat_cow"' not in stored
    assert not [i["sk"] for i in history if str(i["sk"]).startswith(("p#", "y#", "code#"))], history


def test_a_stage_told_in_a_session_serves_that_session_only(
    store_path: Path, clock: FixedClock, catalog: Catalog
) -> None:
    store = SQLiteStore(store_path)
    convo = talk(store, clock, catalog)
    convo.launch()
    convo.say("I'm in week four")
    started = convo.say("start my exercises")
    assert "weeks three to six routine" in started.text, started.text
    convo.say("stop")
    tomorrow, _ = next_day(store, clock, catalog)
    asked = tomorrow.say("what week am I in")
    assert "week 4" not in asked.text and "week 5" not in asked.text, asked.text


def test_the_consumer_profile_coaches_and_resumes_the_next_day(
    store_path: Path, clock: FixedClock, catalog: Catalog
) -> None:
    store = SQLiteStore(store_path)
    convo = talk(store, clock, catalog)
    convo.launch()
    convo.say("let's do the in-hospital exercises")
    convo.say("ready")  # ankle pumps, left foot
    convo.say("ready")
    convo.say("stop")
    tomorrow, welcome = next_day(store, clock, catalog)
    assert "pick up" in welcome.text.lower() or "left off" in welcome.text.lower(), welcome.text
    resumed = tomorrow.say("yes")
    assert "let's pick up" in resumed.text.lower(), resumed.text


def test_a_pain_score_is_not_kept_and_the_answer_says_why(
    store_path: Path, clock: FixedClock, catalog: Catalog
) -> None:
    convo = talk(SQLiteStore(store_path), clock, catalog)
    convo.launch()
    reply = convo.say("log my pain as four")
    assert "I don't keep pain scores" in reply.text and "health information" in reply.text
    assert not reply.ends_session
    high = convo.say("log my pain as eight")
    assert "Stop the exercise now" in high.text  # the stop rule is unchanged
    assert "I don't keep pain scores" in high.text
    if not high.ends_session:  # what the answer asks is said last, after the note
        assert high.text.endswith("?") and high.text.index("I don't keep") < high.text.rindex(". ")
    # Pain said to have gone up is the stop rule's increased pain at any score, kept or not.
    rose = convo.say("ask spine coach to log that my pain went from 3 to 5")
    assert rose.text.startswith("Your pain has gone up, from 3 to 5.") and "Stop the exercise now" in rose.text, (
        rose.text
    )
    assert "I don't keep pain scores" in rose.text
    trend = convo.say("ask spine coach how's my pain trend")
    assert trend.interpretation is not None and trend.interpretation.intent == "PainTrendIntent"
    assert "I don't keep pain scores" in trend.text and not trend.ends_session
    # The same words may have said the pain is going up: the stop rule follows.
    assert "If your pain is getting worse, or spreading to your legs, stop the exercises" in trend.text


def test_a_plan_is_not_linked_and_the_answer_says_why(store_path: Path, clock: FixedClock, catalog: Catalog) -> None:
    convo = talk(SQLiteStore(store_path), clock, catalog)
    convo.launch()
    reply = convo.say("link my physio's plan")
    assert "I can't link a plan" in reply.text and "health information" in reply.text
    assert "code" not in reply.text.lower()


def test_red_flags_are_answered_the_same_under_both_profiles(
    tmp_path: Path, clock: FixedClock, catalog: Catalog
) -> None:
    answers = []
    for profile in (CONSUMER, CLINIC):
        convo = talk(SQLiteStore(tmp_path / f"{profile.name}.db"), clock, catalog, profile=profile)
        convo.launch()
        answers.append(convo.say("I can't feel my legs").text)
    assert answers[0] == answers[1]
    assert "Call emergency services now" in answers[0]


def test_profiles_by_name_and_environment() -> None:
    assert profile_named(None) is CONSUMER and profile_named("Clinic") is CLINIC
    assert from_environment({}) is CONSUMER
    assert from_environment({"SPINE_COACH_PROFILE": "clinic"}) is CLINIC
    with pytest.raises(ValueError, match="unknown profile 'hospital'"):
        profile_named("hospital")


@pytest.mark.parametrize(("profile", "asked"), [(CONSUMER, False), (CLINIC, True)])
def test_the_end_of_a_routine_asks_for_a_pain_score_only_where_it_is_kept(
    tmp_path: Path, clock: FixedClock, catalog: Catalog, profile: Profile, asked: bool
) -> None:
    convo = talk(SQLiteStore(tmp_path / "end.db"), clock, catalog, profile=profile)
    convo.launch()
    reply = convo.say("let's do the in-hospital exercises")
    said = [reply.text]
    for _ in range(120):
        if reply.ends_session or "zero to ten" in reply.text:
            break
        reply = convo.say("done" if "say done" in reply.text.lower() else "ready")
        said.append(reply.text)
    assert any("Exercise 6 of 6" in text for text in said)  # the routine was coached to its end
    assert ("zero to ten" in reply.text) is asked, reply.text


def test_a_stray_number_is_not_offered_to_be_logged(store_path: Path, clock: FixedClock, catalog: Catalog) -> None:
    convo = talk(SQLiteStore(store_path), clock, catalog)
    convo.launch()
    assert "log" not in convo.say("three").text.lower()
    high = convo.say("nine")
    assert "Stop the exercise now" in high.text and "log" not in high.text.lower()


def test_a_symptom_stop_leaves_the_place_but_not_why(store_path: Path, clock: FixedClock, catalog: Catalog) -> None:
    """The review of the fifth round: the saved place said the session stopped for a symptom."""
    convo = talk(SQLiteStore(store_path), clock, catalog)
    convo.launch()
    convo.say("let's do the in-hospital exercises")
    convo.say("ready")
    assert "Stop the exercise now" in convo.say("it hurts").text
    with sqlite3.connect(store_path) as db:
        (data,) = db.execute("SELECT data FROM attributes WHERE id = ?", (USER,)).fetchone()
    place = json.loads(data)["place"]
    assert place and "after_symptom" not in place


def test_health_information_kept_before_the_profile_changed_is_not_used(
    store_path: Path, tmp_path: Path, clock: FixedClock, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pain scores and a plan stored under the clinic profile are neither spoken nor coached
    once the skill runs as a consumer skill (they stay until "delete my data")."""
    from tests.test_plan_conversation import _link_and_assign

    store = SQLiteStore(store_path)
    clinic = talk(store, clock, catalog, profile=CLINIC)
    _link_and_assign(clinic, f"sqlite:///{store_path}", tmp_path, monkeypatch)
    clinic.launch()
    clinic.say("log my pain as four")
    clinic.say("log my pain as six")
    assert "pain scores" in clinic.say("how am I doing").text
    consumer = talk(store, clock, catalog)
    consumer.launch()
    assert "pain scores" not in consumer.say("how am I doing").text
    started = consumer.say("start my exercises")
    assert "plan" not in started.text.lower(), started.text


def test_the_patient_hears_once_that_health_details_are_for_this_session_only(
    store_path: Path, clock: FixedClock, catalog: Catalog
) -> None:
    convo = talk(SQLiteStore(store_path), clock, catalog)
    convo.launch()
    told = convo.say("I'm in week four")
    assert "for this session only" in told.text
    assert "for this session only" not in convo.say("my surgeon cleared me for cat cow").text
    clinic = talk(SQLiteStore(store_path.with_name("clinic.db")), clock, catalog, profile=CLINIC)
    clinic.launch()
    assert "for this session only" not in clinic.say("I'm in week four").text


def test_the_deletion_question_names_only_what_the_profile_keeps(
    store_path: Path, clock: FixedClock, catalog: Catalog
) -> None:
    asked = {}
    for profile in (CONSUMER, CLINIC):
        convo = talk(SQLiteStore(store_path.with_name(f"{profile.name}.db")), clock, catalog, profile=profile)
        convo.launch()
        asked[profile.name] = convo.say("delete my data").text
    assert "pain scores" not in asked["consumer"] and "Are you sure?" in asked["consumer"]
    assert "pain scores" in asked["clinic"]


def test_the_consumer_profiles_summary_says_no_physio_gets_it(
    store_path: Path, clock: FixedClock, catalog: Catalog
) -> None:
    """Live round 13 (S50): "send my progress to my physio" heard only that the summary went
    to the Alexa app; under the consumer profile nothing reaches a clinic, and it says so.
    The clinic's profile (its physiotherapist reads the report) does not."""
    convo = talk(SQLiteStore(store_path), clock, catalog)
    convo.launch()
    sent = convo.say("send my progress to my physio")
    assert "I've sent this week's summary to your Alexa app." in sent.text
    assert "Spine Coach sends nothing to your physical therapist" in sent.text, sent.text
    clinic = talk(SQLiteStore(store_path.with_name("clinic.db")), clock, catalog, CLINIC)
    clinic.launch()
    assert "sends nothing" not in clinic.say("send my progress to my phone").text
