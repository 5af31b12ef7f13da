"""What a failure leaves behind: a failed handler's changes, a tampered "repeat", a pain
question answered with a time, a reminder API that breaks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from skill.devtools.nlu import SlotFill
from skill.devtools.simulator import Conversation
from skill.devtools.standin import StandIn
from skill.domain.profile import CONSUMER
from skill.store.sqlite import SQLiteStore
from tests.test_safety import user_record
from tests.test_store_sqlite import pains_of


def test_an_internal_error_rolls_back_the_turn_before_the_apology_is_saved(
    convo: Conversation, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    convo.launch()
    convo.say("I'm in week four")
    saved = user_record(store)
    assert saved.reported_week is not None and saved.reported_week[0] == 4

    def broken(*args: Any) -> Any:  # fails after the stage was changed on the record
        raise RuntimeError("simulated bug")

    monkeypatch.setattr("skill.alexa.handlers.stage.after_statement", broken)
    reply = convo.say("I'm in week nine")
    assert "something went wrong" in reply.text
    assert user_record(store).reported_week == saved.reported_week  # week four, as before the failure
    assert user_record(store).rev == saved.rev  # nothing was written at all


def test_an_internal_error_leaves_the_session_as_the_request_brought_it(
    convo: Conversation, monkeypatch: pytest.MonkeyPatch
) -> None:
    convo.launch()
    convo.say("my physio moved me to the week six routine")
    convo.say("start my week six routine")
    before = {k: v for k, v in convo.attributes.items() if k not in ("last_speech", "last_reprompt")}
    assert before.get("workout")

    def broken(*args: Any) -> Any:  # fails after the workout moved on in the session
        raise RuntimeError("simulated bug")

    monkeypatch.setattr("skill.alexa.handlers.workout.WorkoutEventHandler.answer", broken)
    reply = convo.say("ready")
    assert "something went wrong" in reply.text
    after = {k: v for k, v in convo.attributes.items() if k not in ("last_speech", "last_reprompt")}
    assert after == before  # the workout's place and the open question, as the request brought them


@pytest.mark.parametrize(
    "last_speech",
    [
        "<speak>Fish & chips</speak>",  # not XML
        '<speak><audio src="https://example.com/x.mp3"/></speak>',
        '<speak>Hold. <break time="999s"/></speak>',
        '<speak version="1.1">Hi</speak>',
        "<speak>" + "x" * 8000 + "</speak>",
        "Plain words, no speak tag",
        '<!DOCTYPE speak [<!ENTITY a "aaaa">]><speak>&a;</speak>',
    ],
)
def test_repeat_only_says_again_what_this_skill_could_have_said(convo: Conversation, last_speech: str) -> None:
    convo.launch()
    convo.attributes = {**convo.attributes, "last_speech": last_speech}
    answer = convo.say("repeat")  # the conversation checks every response (valid SSML)
    assert "Welcome" not in answer.text
    assert last_speech not in answer.ssml
    assert "audio" not in answer.ssml and "999s" not in answer.ssml


def test_repeat_says_the_last_response_again_word_for_word(convo: Conversation) -> None:
    first = convo.launch()
    again = convo.say("repeat")
    assert again.ssml == first.ssml
    assert not again.ends_session


def test_a_time_answering_the_pain_question(convo: Conversation, store: SQLiteStore) -> None:
    """Alexa may hear "three" as 03:00: that is the score. Anything else that is not a
    clock time on the hour is asked again, never an error."""
    convo.launch()
    convo.attributes = {**convo.attributes, "pending": {"kind": "pain_rating", "data": {}}}
    odd = convo.intent("TimeAnswerIntent", time=SlotFill("time", "T09:00", slot_type="AMAZON.TIME"))
    assert "from zero to ten" in odd.text.lower() or "0 to 10" in odd.text
    assert odd.session_attributes["pending"]["kind"] == "pain_rating"
    three = convo.intent("TimeAnswerIntent", time=SlotFill("time", "03:00", slot_type="AMAZON.TIME"))
    assert "3" in three.text
    assert pains_of(store) == [3]


@pytest.fixture
def reminders(remind: Callable[..., Conversation], standin: StandIn) -> tuple[Conversation, StandIn]:
    """A conversation on the profile that sets reminders, its device talking to the stand-in,
    permission granted."""
    return remind(profile=CONSUMER), standin


def test_reminder_api_errors_are_logged_by_type(
    reminders: tuple[Conversation, StandIn], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    convo, standin = reminders
    convo.launch()
    standin.fail_next(503)
    with caplog.at_level(logging.INFO, logger="spine_coach"):
        busy = convo.say("remind me every day at nine a.m.")
    assert "couldn't set that just now" in busy.text
    assert "reminder API answered 503" in caplog.text

    from ask_sdk_model.services.reminder_management import ReminderManagementServiceClient

    def bug(*args: Any, **kwargs: Any) -> Any:
        raise TypeError("a bug, not an outage")

    monkeypatch.setattr(ReminderManagementServiceClient, "create_reminder", bug)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="spine_coach"):
        broken = convo.say("remind me every day at nine a.m.")
    assert "couldn't set that just now" in broken.text
    assert "reminder API call failed: TypeError at test_failures.py:" in caplog.text
    assert "a bug, not an outage" not in caplog.text  # the type and place, never the message
