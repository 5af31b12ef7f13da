"""A yes-or-no question the skill asked is asked again when the answer fits it not (issue 26)."""

from __future__ import annotations

from skill.devtools.nlu import SlotFill
from skill.devtools.simulator import Conversation
from skill.store.sqlite import SQLiteStore
from tests.test_safety import user_record

AGAIN = "Sorry, I need a yes or a no first."
CLEARED = "Has your surgeon or physical therapist cleared you for it? Say yes or no."


def asked_to_confirm(convo: Conversation) -> None:
    convo.say("ask spine coach my surgery was on November the tenth")  # week 2
    assert "Have they?" in convo.say("start my week six routine").text


def test_ready_to_the_clearance_question_asks_it_again(convo: Conversation, store: SQLiteStore) -> None:
    asked_to_confirm(convo)
    reply = convo.intent("ReadyIntent")
    assert reply.text == f"{AGAIN} {CLEARED}"
    assert not reply.ends_session
    assert user_record(store).place is None, "nothing started"
    # The question is still open: "yes" answers it.
    started = convo.intent("AMAZON.YesIntent")
    assert "week six routine" in started.text
    assert user_record(store).place is not None


def test_other_non_answers_ask_again(convo: Conversation) -> None:
    asked_to_confirm(convo)
    for request in ("AMAZON.FallbackIntent", "SkipIntent", "AMAZON.PauseIntent"):
        assert convo.intent(request).text.startswith(AGAIN), request
    assert convo.intent("PainAnswerIntent", score=SlotFill("score", "3", slot_type="AMAZON.NUMBER")).text.startswith(
        AGAIN
    )


def test_a_symptom_wins_over_the_open_question(convo: Conversation) -> None:
    asked_to_confirm(convo)
    reply = convo.say("my back hurts")
    assert AGAIN not in reply.text
    assert "contact your surgeon or physical therapist" in reply.text


def test_a_new_request_is_answered_not_refused(convo: Conversation) -> None:
    asked_to_confirm(convo)
    reply = convo.intent("HowToIntent", exercise=SlotFill("exercise", "bridging", "bridging", "bridging", "EXERCISE"))
    assert AGAIN not in reply.text
    assert "Lie on your back with your knees bent" in reply.text


def test_the_delete_question_is_asked_again_and_deletes_nothing(convo: Conversation, store: SQLiteStore) -> None:
    convo.say("ask spine coach my surgery was on November the tenth")
    asked = convo.say("ask spine coach to delete my data")
    assert not asked.ends_session
    reply = convo.intent("AMAZON.FallbackIntent")
    assert reply.text.startswith(AGAIN)
    assert user_record(store).surgery_date is not None
