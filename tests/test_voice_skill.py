"""Conversation tests through the real skill: launch, how-to, routines, help, stop, fallback."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill.alexa.prompts import load_prompts
from skill.devtools.envelopes import LOCAL_SKILL_ID, Device
from skill.devtools.nlu import SlotFill
from skill.devtools.simulator import Conversation, in_process
from skill.domain.catalog import Catalog
from skill.domain.clock import FixedClock
from skill.store.sqlite import SQLiteStore
from tests.support import checked, linked

DISCLAIMER = "not a substitute for professional medical advice"


def spoken_step(step: str) -> str:
    """How a catalog step sounds inside the how-to answer (first letter lower-cased)."""
    return step[:1].lower() + step[1:]


def test_first_launch_says_disclaimer_once_per_user(talk: Callable[..., Conversation]) -> None:
    convo = talk()
    first = convo.launch()
    assert DISCLAIMER in first.text
    assert not first.ends_session
    assert "how to do an exercise" in first.text
    convo.say("stop")
    again = convo.launch()
    assert DISCLAIMER not in again.text
    assert not again.ends_session
    other_user = talk(user_id="amzn1.ask.account.SOMEONEELSE")
    assert DISCLAIMER in other_user.launch().text


HOWTO = [
    ("how do I do bridging", "bridging"),
    ("explain the bird dog", "bird_dog"),
    ("what are the steps for a pelvic tilt", "pelvic_tilts"),
    ("tell me about ankle pumps", "ankle_pumps"),
    ("how do you do a glute bridge", "bridging"),
    ("describe the cat cow stretch", "cat_cow"),
    ("how should I do heel slides", "heel_slides"),
    ("teach me the knee to chest stretch", "knee_to_chest"),
    ("what's the right way to do wall slides", "wall_slides"),
    ("I'd like to learn about the table top", "bird_dog"),
    ("how is a superman done", "superman"),
    ("knee to opposite shoulder", "piriformis_stretch"),
]


@pytest.mark.parametrize(("utterance", "exercise_id"), HOWTO)
def test_how_to_answers_with_catalog_steps(
    convo: Conversation, catalog: Catalog, utterance: str, exercise_id: str
) -> None:
    convo.launch()
    reply = convo.say(utterance)
    assert reply.interpretation is not None
    assert reply.interpretation.intent == "HowToIntent"
    exercise = catalog.exercise(exercise_id)
    assert exercise.name.lower() in reply.text.lower()
    us = load_prompts("en-US")  # catalog text as said in the US ({wall_distance} is inches)
    position = re.sub(r"\{([a-z_]+)\}", lambda m: us.term(m.group(1)), exercise.position)
    assert position.rstrip(".") in reply.text
    for step in exercise.steps:
        assert spoken_step(step) in reply.text
    assert "coach you through it" in reply.text
    assert reply.text.endswith("?")
    assert not reply.ends_session
    assert reply.session_attributes["pending"] == {"kind": "offer_coach", "data": {"exercise": exercise_id}}
    assert reply.body["card"]["title"].lower() == exercise.name.lower()


def test_how_to_speaks_the_dosage(convo: Conversation) -> None:
    text = convo.say("ask spine coach how do I do bridging").text
    assert "10 to 12 repetitions, holding each for 5 seconds" in text
    ankle = convo.say("tell me about ankle pumps").text
    assert "10 to 15 repetitions, on each foot, 2 to 3 times a day" in ankle
    knee = convo.say("how do I do knee to chest").text
    assert "Sources differ" in knee
    assert "3 repetitions, holding each for 20 seconds, on each leg, 2 times a day" in knee
    assert "working up to 5 repetitions, holding each for 10 to 20 seconds, on each leg" in knee


def test_how_to_without_a_seed_dosage_says_so(convo: Conversation) -> None:
    text = convo.say("how do I do the prone quad stretch").text
    assert "don't give a set amount" in text
    assert "physical therapist showed you" in text


def test_how_to_mentions_clearance_and_cautions(convo: Conversation) -> None:
    text = convo.say("explain cat cow").text
    assert "surgeon has cleared you" in text
    assert "Only do this stretch if your surgeon or doctor approved it" in text


def test_unknown_exercise_suggests_the_closest(convo: Conversation) -> None:
    convo.launch()
    reply = convo.say("how do I do the bridjing thing")
    assert "I don't know an exercise called bridjing thing" in reply.text
    assert "bridging" in reply.text
    assert reply.text.endswith("Which one did you mean?")
    assert not reply.ends_session
    follow = convo.say("bridging")
    assert "Lift your hips" in follow.text or "lift your hips" in follow.text


def test_a_sign_in_words_that_name_no_exercise_is_answered_as_the_sign(convo: Conversation) -> None:
    """ "how does this one go again, my leg is tingling" with "leg tingling" as the exercise
    (the review of stop 29): the stop answer, not "I don't know an exercise called"."""
    convo.launch()
    reply = convo.intent("HowToIntent", exercise=SlotFill("exercise", "leg tingling", slot_type="EXERCISE"))
    assert "Stop the exercise now" in reply.text and "I don't know an exercise" not in reply.text
    planks = convo.intent("HowToIntent", exercise=SlotFill("exercise", "planks", slot_type="EXERCISE"))
    assert "I don't know an exercise called planks" in planks.text
    # "do I do the same number of reps on the left leg": "number" is no numbness
    reps = convo.intent("HowToIntent", exercise=SlotFill("exercise", "same number left leg as", slot_type="EXERCISE"))
    assert "Stop the exercise now" not in reps.text


def test_unknown_exercise_without_anything_close_offers_examples(convo: Conversation) -> None:
    # As Alexa would send it: the words of an unknown exercise (a model may also put "tell
    # me about planks" on a routine question, answered as an unknown routine).
    reply = convo.intent("HowToIntent", exercise=SlotFill("exercise", "planks", slot_type="EXERCISE"))
    assert "I don't know an exercise called planks" in reply.text
    assert "pelvic tilts, bridging, or knee to chest" in reply.text
    assert not reply.ends_session


def test_how_to_with_no_exercise_asks_which(convo: Conversation) -> None:
    reply = convo.intent("HowToIntent")
    assert "Which exercise" in reply.text
    assert not reply.ends_session


@pytest.mark.parametrize(
    "utterance",
    ["how do I do this one again", "please repeat the instructions once more", "what was I meant to do again"],
)
def test_how_to_in_a_session_explains_the_exercise_it_is_on_and_stays_in_the_routine(
    convo: Conversation, catalog: Catalog, utterance: str
) -> None:
    convo.say("ask spine coach my physio moved me to the week six routine")
    convo.say("start my exercises")
    convo.say("ready")  # pelvic tilts, counted; abdominal bracing is next
    reply = convo.say(utterance)
    bracing = catalog.exercise("abdominal_bracing")
    for step in bracing.steps:
        assert spoken_step(step) in reply.text
    assert "coach you through it" not in reply.text
    assert reply.session_attributes.get("pending") is None
    assert reply.text.lower().endswith("say ready.") or reply.text.endswith("Say ready when you're in position.")
    # the amount this session does, not the sources' range it chose from
    assert "We'll do 10 repetitions, holding each for 5 seconds." in reply.text
    assert "5 to 10 seconds" not in reply.text
    assert "Draw your belly in" in convo.say("ready").text  # abdominal bracing, counted
    assert "exercise 3 of 12" in convo.say("how many more have I got").text  # still in the routine


def test_how_to_of_another_exercise_in_a_session_comes_back_to_the_one_it_is_on(convo: Conversation) -> None:
    convo.say("ask spine coach my physio moved me to the week six routine")
    convo.say("start my exercises")
    reply = convo.say("how do I do bridging")
    assert "lift your hips" in reply.text
    assert "Now, back to pelvic tilts." in reply.text
    assert reply.text.lower().endswith("say ready.") or reply.text.endswith("Say ready when you're in position.")
    assert reply.session_attributes.get("pending") is None
    assert "Flatten your back" in convo.say("ready").text  # still pelvic tilts, not a bridging session


def test_what_an_exercise_is_for_is_what_its_source_says_then_the_offer_to_hear_how(convo: Conversation) -> None:
    """ "what is bridging for" (live round 13: "what is bird dog for" got the steps): the
    source's words, then an offer of the how-to that a yes takes."""
    reply = convo.say("ask spine coach what is bridging for")
    assert "glutes, hamstrings and core muscles to support the stability of your spine" in reply.text, reply.text
    assert "lift your hips" not in reply.text  # not the steps
    assert reply.text.endswith("Would you like to hear how to do it?")
    assert "lift your hips" in convo.say("yes").text


def test_an_exercise_no_source_gives_a_purpose_for_says_so(convo: Conversation) -> None:
    reply = convo.say("ask spine coach what's the piriformis stretch for")
    assert "My sources don't say what piriformis stretch is for." in reply.text, reply.text
    assert "Is there another exercise" in convo.say("no").text


def test_what_this_one_is_for_in_a_session_stays_in_the_routine(convo: Conversation) -> None:
    convo.say("ask spine coach my physio moved me to the week six routine")
    convo.say("start my exercises")
    reply = convo.say("what is this one for")
    assert "Pelvic tilts strengthen your abdominal muscles" in reply.text, reply.text
    assert reply.text.lower().endswith("say ready.") or reply.text.endswith("Say ready when you're in position.")
    assert reply.session_attributes.get("pending") is None
    assert "Flatten your back" in convo.say("ready").text  # pelvic tilts, counted


@pytest.mark.parametrize(
    ("words", "said"),
    [
        ("my chest pain", "Call emergency services now on 9 1 1"),  # a red flag in the words
        ("this numbness in my leg", "Stop the exercise now"),  # a sign of the stop rule
    ],
)
def test_a_sign_asked_about_as_if_an_exercise_is_answered_as_the_sign(
    convo: Conversation, words: str, said: str
) -> None:
    """ "what is my chest pain for": the words name no exercise but a sign."""
    reply = convo.intent("PurposeIntent", exercise=SlotFill("exercise", words, slot_type="EXERCISE"))
    assert said in reply.text, reply.text


def test_yes_to_coaching_offer_starts_coaching(convo: Conversation) -> None:
    convo.say("ask spine coach my physio moved me to the week six routine")
    convo.say("how do I do bridging")
    reply = convo.say("yes")
    assert not reply.ends_session
    assert "do bridging" in reply.text
    assert reply.text.endswith("say ready.") or reply.text.endswith("Say ready when you're in position.")


def test_no_to_coaching_offer_asks_for_another(convo: Conversation) -> None:
    convo.say("how do I do bridging")
    reply = convo.say("no thanks")
    assert "another exercise" in reply.text
    assert not reply.ends_session
    assert "pending" not in reply.session_attributes


def test_yes_with_nothing_pending_gets_a_helpful_answer(convo: Conversation) -> None:
    convo.launch()
    reply = convo.say("yes")
    assert "not sure what you're answering" in reply.text
    assert not reply.ends_session


@pytest.mark.parametrize(
    ("utterance", "routine_id", "count"),
    [
        ("what's in my week six routine", "week_six", 12),
        ("what exercises are for weeks one to two", "early", 5),
        ("what's in the in hospital routine", "in_hospital", 6),
        ("what exercises are in week eight", "week_six", 12),
        ("list the exercises for the general low back routine", "general_low_back", 7),
        ("what is in week 4", "mid", 8),
    ],
)
def test_routine_overview_lists_names_and_count(
    convo: Conversation, catalog: Catalog, utterance: str, routine_id: str, count: int
) -> None:
    reply = convo.say(utterance)
    routine = catalog.routine(routine_id)
    assert f"{routine.name} has {count} exercises" in reply.text
    for item in routine.items:
        assert catalog.exercise(item.exercise).name in reply.text
    assert not reply.ends_session


def test_routine_overview_notes_clearance(convo: Conversation) -> None:
    reply = convo.say("what's in my week six routine").text
    assert "Seated lower back stretch and cat-cow are only for when your surgeon has cleared you" in reply


def test_routine_overview_without_a_stage_asks_which(convo: Conversation) -> None:
    reply = convo.say("list the exercises")
    assert "Which routine" in reply.text
    assert not reply.ends_session


def test_list_routines(convo: Conversation, catalog: Catalog) -> None:
    reply = convo.say("what routines do you have")
    for routine in catalog.routines.values():
        assert routine.name in reply.text


def test_help_explains_and_repeats_disclaimer(convo: Conversation) -> None:
    convo.launch()
    reply = convo.say("help")
    assert "how do I do bridging" in reply.text
    assert DISCLAIMER in reply.text
    assert not reply.ends_session


@pytest.mark.parametrize("utterance", ["stop", "cancel", "go home", "never mind", "that's all"])
def test_stop_cancel_and_home_leave(convo: Conversation, utterance: str) -> None:
    convo.launch()
    reply = convo.say(utterance)
    assert reply.ends_session
    assert reply.text
    assert not convo.session_open


def test_fallback_helps_and_keeps_listening(convo: Conversation) -> None:
    convo.launch()
    reply = convo.say("what's the weather like on mars")
    assert reply.interpretation is not None
    assert reply.interpretation.intent == "AMAZON.FallbackIntent"
    assert "how to do an exercise" in reply.text
    assert not reply.ends_session


def test_unknown_intent_gets_fallback_answer(convo: Conversation) -> None:
    reply = convo.intent("SomeIntentFromANewerModel")
    assert "didn't catch that" in reply.text or "not sure what you meant" in reply.text
    assert not reply.ends_session


def test_session_that_ends_in_silence_and_a_new_one(convo: Conversation) -> None:
    convo.launch()
    convo.say("how do I do bridging")
    ended = convo.silence()
    assert ended.request["request"]["reason"] == "EXCEEDED_MAX_REPROMPTS"
    assert "outputSpeech" not in ended.body
    assert not convo.session_open
    again = convo.launch()
    assert DISCLAIMER not in again.text
    assert "pending" not in again.session_attributes


def test_repeated_variants_are_deterministic_per_request(skill: Any, clock: FixedClock) -> None:
    """A returning user's greeting varies across requests (the prompt has three variants),
    and one request always renders the same way (Alexa may retry a request)."""
    from skill.alexa.prompts import load_prompts
    from skill.devtools import envelopes

    send = checked(in_process(skill))
    device = Device()  # a plain launch: no PIN to ask for
    Conversation(send, device=device, clock=clock).launch()  # the first visit has its own greeting
    variants = load_prompts("en-US").variants("launch.welcome.back")
    greetings = []
    for _ in range(12):
        body = envelopes.envelope(
            device, envelopes.launch_request(device, clock()), session_id=envelopes.new_session_id(), new=True
        )
        first, again = send(body), send(body)
        assert first["response"]["outputSpeech"] == again["response"]["outputSpeech"]
        ssml = first["response"]["outputSpeech"]["ssml"]
        greetings.append(next(v for v in variants if v in ssml))
    assert len(set(greetings)) >= 2, greetings


def test_failing_store_is_mentioned_once_and_nothing_crashes(
    tmp_path: Path, clock: FixedClock, catalog: Catalog
) -> None:
    from skill.alexa.factory import build_skill

    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the database folder should be")
    broken = SQLiteStore(blocker / "spine-coach.db")
    skill = build_skill(store=broken, clock=clock, catalog=catalog, skill_id=LOCAL_SKILL_ID)
    convo = Conversation(checked(in_process(skill)), clock=clock)
    first = convo.launch()
    assert "can't reach your saved progress" in first.text
    assert not first.ends_session
    second = convo.say("how do I do bridging")
    assert "can't reach your saved progress" not in second.text
    assert "lift your hips" in second.text


def test_exception_becomes_an_apology_without_personal_data_in_logs(
    store: SQLiteStore, clock: FixedClock, catalog: Catalog, caplog: pytest.LogCaptureFixture
) -> None:
    import dataclasses
    from types import MappingProxyType

    from skill.alexa.factory import build_skill

    # A catalog whose week-six routine names an exercise it does not hold: rendering fails.
    routines = dict(catalog.routines)
    routines["week_six"] = dataclasses.replace(
        routines["week_six"],
        items=(*routines["week_six"].items, dataclasses.replace(routines["week_six"].items[0], exercise="ghost")),
    )
    broken = dataclasses.replace(catalog, routines=MappingProxyType(routines))
    skill = build_skill(store=store, clock=clock, catalog=broken, skill_id=LOCAL_SKILL_ID)
    convo = Conversation(checked(in_process(skill)), clock=clock)
    convo.launch()
    with caplog.at_level(logging.INFO, logger="spine_coach"):
        reply = convo.say("what's in my week six routine")
    assert "something went wrong" in reply.text
    assert not reply.ends_session
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "KeyError" in logged
    assert convo.device.user_id not in logged
    assert "week six" not in logged
    assert "ghost" not in logged


def test_wrong_skill_id_is_refused(skill: object, clock: FixedClock) -> None:
    from ask_sdk_core.exceptions import AskSdkException

    convo = Conversation(in_process(skill), device=linked(skill_id="amzn1.ask.skill.someone-else"), clock=clock)
    with pytest.raises(AskSdkException):
        convo.launch()
