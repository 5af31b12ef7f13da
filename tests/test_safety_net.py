"""The safety net mid-session: what is not understood pauses the count and checks in."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from skill.devtools.nlu import SlotFill
from skill.devtools.simulator import Conversation
from skill.domain.catalog import load_catalog
from skill.domain.guided import unpack
from skill.domain.workout import Phase, WorkoutState
from skill.store.sqlite import SQLiteStore
from tests.test_coaching import count_in
from tests.test_safety import mid_set, user_record

CHECK_IN = "I've paused. If something hurts or feels wrong, tell me what you feel."


def paused_place(store: SQLiteStore) -> WorkoutState:
    record = user_record(store)
    assert record.place is not None
    state = unpack(load_catalog(), record.place["state"])
    assert state is not None
    return state


def test_an_unknown_sentence_mid_set_pauses_and_checks_in(convo: Conversation, store: SQLiteStore) -> None:
    mid_set(convo)
    reply = convo.say("the weather on mars is lovely")
    assert reply.interpretation is not None and reply.interpretation.intent == "AMAZON.FallbackIntent"
    assert CHECK_IN in reply.text
    assert "say ready" in reply.text
    assert not reply.ends_session, "it waits for the answer"
    assert "Sorry, I didn't catch that" not in reply.text
    state = paused_place(store)
    assert (state.index, state.set, state.rep, state.phase) == (0, 1, 0, Phase.PAUSED)


def test_symptom_words_after_the_check_in_get_the_symptom_answer(convo: Conversation, store: SQLiteStore) -> None:
    mid_set(convo)
    convo.say("the weather on mars is lovely")
    reply = convo.say("my leg feels funny")
    assert "Stop the exercise now" in reply.text
    assert "contact your surgeon or physical therapist" in reply.text
    assert "I've stopped the session and kept your place." in reply.text
    assert not reply.ends_session and "anything you'd like to ask me about it" in reply.text
    assert "Not for now" in convo.say("can I carry on").text
    record = user_record(store)
    assert record.place is not None and record.place["after_symptom"] is True


def test_symptom_words_in_any_slot_after_the_check_in_count(convo: Conversation) -> None:
    """On a device the answer may land in another intent; its words are still read."""
    mid_set(convo)
    convo.say("the weather on mars is lovely")
    reply = convo.intent("CoachExerciseIntent", exercise=SlotFill("exercise", "my sore leg", slot_type="EXERCISE"))
    assert "Stop the exercise now" in reply.text
    assert "anything you'd like to ask me about it" in reply.text


def test_ready_after_the_check_in_carries_on_where_it_paused(convo: Conversation) -> None:
    mid_set(convo)
    convo.say("the weather on mars is lovely")
    reply = convo.say("ready")
    assert "pick up pelvic tilts from the start of that set" in reply.text
    counted = convo.say("ready")
    assert count_in(counted, "Flatten your back.")[0] == 10


@pytest.mark.parametrize(
    "utterance",
    [
        "nine a.m.",  # a bare time: an answer to a question nobody asked
        "how do I do planks",  # a slot whose words mean nothing to the vocabulary
    ],
)
def test_out_of_state_intents_and_unknown_words_check_in(convo: Conversation, utterance: str) -> None:
    mid_set(convo)
    reply = convo.say(utterance)
    assert CHECK_IN in reply.text
    assert not reply.ends_session


def test_a_second_miss_stops_and_keeps_the_place(convo: Conversation, store: SQLiteStore) -> None:
    mid_set(convo)
    convo.say("the weather on mars is lovely")
    reply = convo.say("purple monkey dishwasher")
    assert "I've stopped here and kept your place" in reply.text
    assert "contact your surgeon or physical therapist" in reply.text
    assert reply.ends_session
    assert paused_place(store).phase is Phase.PAUSED


def test_outside_a_session_an_unknown_sentence_is_not_a_check_in(convo: Conversation) -> None:
    convo.launch()
    reply = convo.say("the weather on mars is lovely")
    assert CHECK_IN not in reply.text


def test_a_known_command_mid_set_is_not_caught(convo: Conversation) -> None:
    mid_set(convo)
    assert CHECK_IN not in convo.say("slower please").text


@pytest.mark.parametrize("sentence", ["my legs are not weak", "no numbness", "i'm not dizzy", "i'm not in pain"])
def test_a_negated_red_flag_word_mid_set_is_not_the_emergency_answer(
    talk: Callable[..., Conversation], sentence: str
) -> None:
    """Safety first, but "no numbness" is not a red flag: not the emergency answer."""
    convo = talk(locale="en-US")
    mid_set(convo)
    reply = convo.say(sentence)
    assert "This needs help right away" not in reply.text, reply.text
    assert "I've ended today's session" not in reply.text, reply.text
    # Stop and refer (the legs are still the subject), check in, or take it as "no" to a question.
    answers = ("Stop the exercise now", "I've paused", "take your time")
    assert any(a in reply.text for a in answers), reply.text


def test_a_denied_symptom_mid_set_checks_in(talk: Callable[..., Conversation]) -> None:
    """ "I'm not in pain" names no symptom: the set pauses and checks in, it does not stop."""
    convo = talk(locale="en-GB")
    mid_set(convo)
    reply = convo.say("i'm not in pain")
    assert "I've paused" in reply.text, reply.text
    assert not reply.ends_session
    assert "Stop the exercise now" not in reply.text


@pytest.mark.parametrize(
    ("intent", "slots"),
    [
        # What a learned understanding makes of "I'm in a lot of pain" and of "my back is
        # agony since I did the exercises yesterday" (issue 26): sent as a device sends them.
        ("LogPainIntent", {}),
        ("LogPainIntent", {"score": SlotFill("score", "a lot", slot_type="AMAZON.NUMBER")}),
        ("YesterdayIntent", {}),
        # "my pain's going up the more I do", heard as a question about the pain trend.
        ("PainTrendIntent", {}),
        # "I hurt my back", heard as saying there was no surgery.
        ("NoSurgeryIntent", {}),
        # "about two days", heard as the time since surgery (the review).
        ("SurgeryAgoIntent", {"duration": SlotFill("duration", "P2D", slot_type="AMAZON.DURATION")}),
    ],
)
def test_an_intent_that_means_nothing_mid_set_checks_in_first(
    convo: Conversation, store: SQLiteStore, intent: str, slots: dict[str, SlotFill]
) -> None:
    mid_set(convo)
    reply = convo.intent(intent, **slots)
    assert CHECK_IN in reply.text
    assert not reply.ends_session, "it waits for what the patient feels"
    assert paused_place(store).phase is Phase.PAUSED


def test_a_pain_score_with_its_number_mid_set_is_not_a_check_in(convo: Conversation) -> None:
    mid_set(convo)
    reply = convo.intent("LogPainIntent", score=SlotFill("score", "4", slot_type="AMAZON.NUMBER"))
    assert CHECK_IN not in reply.text


def test_a_pause_mid_set_says_how_to_report_a_symptom(convo: Conversation) -> None:
    mid_set(convo)
    reply = convo.intent("AMAZON.PauseIntent")
    assert "Paused at" in reply.text
    assert "If something hurts or feels wrong, say: Alexa, tell Spine Coach what you feel." in reply.text


def test_only_small_talk_mid_set_is_checked_in_on_gently(convo: Conversation, store: SQLiteStore) -> None:
    """A greeting or filler a model put on the symptom intent ("hey, good morning") pauses and
    asks gently, without the emergency number; a second one stops and keeps the place."""
    mid_set(convo)
    reply = convo.intent("SymptomIntent", symptom=SlotFill("symptom", "hey good morning", slot_type="SYMPTOM"))
    assert CHECK_IN in reply.text and "9 1 1" not in reply.text and not reply.ends_session
    assert paused_place(store).phase is Phase.PAUSED
    again = convo.intent("SymptomIntent", symptom=SlotFill("symptom", "um okay", slot_type="SYMPTOM"))
    assert "I still didn't catch that, so I've stopped here" in again.text and again.ends_session


@pytest.mark.parametrize(
    "words", ["i feel really peculiar", "my throat is closing up", "sorry i have to pick up my kid"]
)
def test_words_the_vocabulary_does_not_know_are_asked_about_with_the_number(convo: Conversation, words: str) -> None:
    mid_set(convo)
    reply = convo.intent("SymptomIntent", symptom=SlotFill("symptom", words, slot_type="SYMPTOM"))
    assert "Is it pain, numbness or weakness" in reply.text and "9 1 1" in reply.text
    again = convo.intent("SymptomIntent", symptom=SlotFill("symptom", words, slot_type="SYMPTOM"))
    assert "9 1 1" in again.text  # asked again, with the number, however often


@pytest.mark.parametrize("answer", ["no pain just numb", "i don't feel so good", "not feeling great"])
def test_a_complaint_after_the_check_in_is_no_all_clear(convo: Conversation, answer: str) -> None:
    mid_set(convo)
    convo.say("the weather on mars is lovely")
    reply = convo.intent("SymptomIntent", symptom=SlotFill("symptom", answer, slot_type="SYMPTOM"))
    assert not reply.text.startswith("Good.")


def test_no_to_is_it_pain_numbness_or_weakness_asks_again(convo: Conversation) -> None:
    mid_set(convo)
    convo.intent("SymptomIntent", symptom=SlotFill("symptom", "i feel really peculiar", slot_type="SYMPTOM"))
    reply = convo.intent("AMAZON.NoIntent")
    assert "Is it pain, numbness or weakness" in reply.text and "9 1 1" in reply.text
    assert not reply.text.startswith("Good.")


def test_a_filler_in_a_name_slot_mid_set_checks_in_and_keeps_the_workout(
    convo: Conversation, store: SQLiteStore
) -> None:
    mid_set(convo)
    reply = convo.intent("CoachExerciseIntent", exercise=SlotFill("exercise", "okay", slot_type="EXERCISE"))
    assert CHECK_IN in reply.text and "Let's start" not in reply.text
    assert paused_place(store).phase is Phase.PAUSED


@pytest.mark.parametrize("answer", ["no", "no nothing hurts i just need a minute"])
def test_nothing_wrong_after_the_check_in_keeps_it_paused_until_ready(convo: Conversation, answer: str) -> None:
    mid_set(convo)
    convo.say("the weather on mars is lovely")
    if answer == "no":
        reply = convo.intent("AMAZON.NoIntent")
    else:
        reply = convo.intent("SymptomIntent", symptom=SlotFill("symptom", answer, slot_type="SYMPTOM"))
    assert reply.text.startswith("Good. I've paused here. Say ready to carry on") and not reply.ends_session
    assert "didn't catch" not in reply.text
    carried_on = convo.say("ready")
    assert "pick up pelvic tilts from the start of that set" in carried_on.text  # where it paused


def test_yes_to_the_check_in_asks_what_it_is(convo: Conversation) -> None:
    mid_set(convo)
    convo.say("the weather on mars is lovely")
    reply = convo.intent("AMAZON.YesIntent")
    assert "Is it pain, numbness or weakness" in reply.text and "9 1 1" in reply.text and not reply.ends_session
    follow = convo.say("my leg feels funny")
    assert "Stop the exercise now" in follow.text
