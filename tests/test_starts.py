"""Stage-aware starts and the safety words at the start of every guided session (issue 13).

The test clock says Saturday 21 November 2026.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from skill.devtools.simulator import Conversation
from skill.domain.catalog import Catalog
from skill.domain.clock import FixedClock
from skill.store.sqlite import SQLiteStore
from tests.test_safety import user_record
from tests.test_store_sqlite import sessions_of

STOP_RULE = "Don't ignore pain. If you feel increased pain, or pain spreading to the legs, stop the exercise."
CHECK_FIRST = "If you haven't yet, talk with your surgeon or physical therapist before beginning any exercise program."
BREATHING = "Breathe naturally, without holding your breath: breathe out during exertion and in during relaxation."


def test_week_two_user_asking_for_week_six_is_asked_to_confirm_and_hears_why(
    convo: Conversation, store: SQLiteStore
) -> None:
    convo.say("ask spine coach my surgery was on November the tenth")  # day 11: week 2
    reply = convo.say("start my week six routine")
    assert reply.text == (
        "The week six routine is meant for after your six-week follow-up appointment, from day 42 after surgery. "
        "You're in week 2 after surgery, days 7 to 13. "
        "Only start it if your surgeon or physical therapist has cleared you for it. Have they?"
    )
    assert not reply.ends_session
    assert user_record(store).place is None


def test_no_to_the_confirmation_starts_nothing(convo: Conversation, store: SQLiteStore) -> None:
    convo.say("ask spine coach my surgery was on November the tenth")
    convo.say("start my week six routine")
    declined = convo.say("no")
    assert "Let's start" not in declined.text
    assert declined.text.startswith(
        "Okay, I haven't started it. Your weeks one to two routine is the one for your stage."
    )
    record = user_record(store)
    assert record.place is None and not record.before_starting_heard
    assert sessions_of(store) == []
    offered = convo.say("yes")  # the offer is the user's own stage
    assert "Let's start your weeks one to two routine" in offered.text


def test_yes_to_the_confirmation_starts_it(convo: Conversation) -> None:
    convo.say("ask spine coach my surgery was on November the tenth")
    convo.say("start my week six routine")
    assert "Let's start your week six routine" in convo.say("yes").text


def test_unknown_stage_start_my_exercises_asks_the_week(convo: Conversation, store: SQLiteStore) -> None:
    reply = convo.say("ask spine coach to start my exercises")
    assert reply.text.startswith("Which week after surgery are you in?")
    assert not reply.ends_session
    told = convo.say("I'm in week three")
    assert "That's the weeks three to six routine." in told.text
    assert "Let's start your weeks three to six routine" in convo.say("yes").text


def test_unknown_stage_named_routine_is_not_started_silently(convo: Conversation, store: SQLiteStore) -> None:
    reply = convo.say("ask spine coach to start the weeks three to six routine")
    assert "The weeks three to six routine is meant for day 14 after surgery onwards, that's from week 3." in reply.text
    assert "I don't know your week after surgery yet." in reply.text
    assert reply.text.endswith("Have they?")
    declined = convo.say("no")
    assert "Tell me when your surgery was" in declined.text
    assert user_record(store).place is None


def test_week_six_asks_about_the_follow_up_once(convo: Conversation, store: SQLiteStore) -> None:
    convo.say("ask spine coach my surgery was on October third")  # day 49
    question = convo.say("start my week six routine")
    assert "Has your surgeon advised you to start it?" in question.text
    assert "Let's start" not in question.text
    started = convo.say("yes")
    assert started.text.startswith("Thanks, I've noted that your surgeon advised it.")
    assert "Let's start your week six routine" in started.text
    assert user_record(store).follow_up_confirmed
    convo.say("stop")
    again = convo.say("ask spine coach to start my exercises")  # the calendar's routine is now week six
    assert "follow-up" not in again.text
    assert "Let's start your week six routine" in again.text


def test_no_follow_up_yet_offers_the_weeks_three_to_six_routine(convo: Conversation, store: SQLiteStore) -> None:
    convo.say("ask spine coach my surgery was on October third")
    # A new session: in the one the date was said in, "start my exercises" takes the offer
    # just made (the weeks three to six routine; tests/test_questions.py).
    question = convo.say("ask spine coach to start my exercises")
    assert "Has your surgeon advised you to start it?" in question.text
    not_yet = convo.say("no")
    assert not_yet.text.startswith(
        "Okay, I haven't started it. Until your surgeon advises it, your routine is the weeks three"
    )
    assert not user_record(store).follow_up_confirmed
    assert "Let's start your weeks three to six routine" in convo.say("yes").text


def test_im_in_week_six_gives_weeks_three_to_six_until_day_42(convo: Conversation, clock: FixedClock) -> None:
    told = convo.say("ask spine coach I'm in week six")
    assert "that's days 35 to 41. That's the weeks three to six routine." in told.text
    assert "Let's start your weeks three to six routine" in convo.say("ask spine coach to start my exercises").text
    convo.say("stop")
    clock.advance(days=6)  # day 41, the last day of week 6
    assert "Let's start your weeks three to six routine" in convo.say("ask spine coach to start my exercises").text
    convo.say("stop")
    clock.advance(days=1)  # day 42
    reply = convo.say("ask spine coach to start my exercises")
    assert "Has your surgeon advised you to start it?" in reply.text


def test_general_low_back_routine_asks_about_surgery(convo: Conversation, store: SQLiteStore) -> None:
    question = convo.say("ask spine coach to start the general low back routine")
    assert question.text == (
        "The general low back routine is for low back symptoms, not for recovery after back surgery. "
        "Have you had back surgery?"
    )
    had = convo.say("yes")
    assert had.text == (
        "After back surgery it isn't meant for you unless your physical therapist has approved it. "
        "Has your physical therapist approved it for you?"
    )
    assert "Let's start" not in convo.say("no").text
    assert user_record(store).place is None
    convo.say("ask spine coach to start the general low back routine")
    assert "Let's start your general low back routine" in convo.say("no").text  # no surgery: it is meant for them


def test_general_low_back_routine_after_surgery_asks_for_approval_directly(convo: Conversation) -> None:
    convo.say("ask spine coach I'm in week four")
    reply = convo.say("start the general low back routine")
    assert "Have you had back surgery?" not in reply.text
    assert "isn't meant for you unless your physical therapist has approved it" in reply.text
    assert "Let's start your general low back routine" in convo.say("yes").text


def test_one_exercise_beyond_the_stage_is_confirmed_too(convo: Conversation) -> None:
    convo.say("ask spine coach my surgery was on November the tenth")
    asked = convo.say("coach me through bridging")
    assert asked.text.startswith("Bridging is part of the week six routine.")
    assert "Have they?" in asked.text
    assert "Let's start" not in convo.say("no").text
    easy = convo.say("ask spine coach to coach me through ankle pumps")  # the in-hospital exercises: any time
    assert "let's do ankle pumps" in easy.text.lower()


def test_physio_choice_is_the_stage(convo: Conversation) -> None:
    convo.say("ask spine coach my physio moved me to the weeks three to six routine")
    assert "Let's start your weeks one to two routine" in convo.say("start the weeks one to two routine").text
    convo.say("stop")
    beyond = convo.say("ask spine coach to start my week six routine")
    assert "Your physical therapist moved you to the weeks three to six routine." in beyond.text
    assert beyond.text.endswith("Have they?")


def test_every_guided_session_starts_with_the_stop_rule_and_the_first_with_the_surgeon(
    convo: Conversation,
) -> None:
    convo.say("ask spine coach I'm in week three")
    first = convo.say("start my exercises")
    assert first.text.index(CHECK_FIRST) < first.text.index(STOP_RULE) < first.text.index("Exercise 1 of")
    assert "stop and tell me it hurts" in first.text
    assert BREATHING in first.text
    convo.say("stop")
    second = convo.say("ask spine coach to start my exercises")
    assert STOP_RULE in second.text and second.text.index(STOP_RULE) < second.text.index("Exercise 1 of")
    assert CHECK_FIRST not in second.text
    single = convo.say("ask spine coach to coach me through ankle pumps")
    assert STOP_RULE in single.text and BREATHING in single.text
    assert CHECK_FIRST not in single.text


def test_a_resumed_session_starts_with_the_stop_rule(convo: Conversation) -> None:
    convo.say("ask spine coach I'm in week three")
    convo.say("start my exercises")
    convo.say("stop")
    convo.launch()
    resumed = convo.say("yes")
    assert resumed.text.startswith(STOP_RULE)
    assert "pick up pelvic tilts" in resumed.text


def test_how_to_speaks_the_breathing_rule(convo: Conversation) -> None:
    assert BREATHING in convo.say("ask spine coach how do I do pelvic tilts").text


@pytest.mark.parametrize(("locale", "therapist"), [("en-GB", "physio"), ("en-IN", "physiotherapist")])
def test_the_confirmation_names_the_local_therapist(
    talk: Callable[..., Conversation], locale: str, therapist: str
) -> None:
    reply = talk(locale=locale).say("ask spine coach to start my week six routine")
    assert f"Only start it if your surgeon or {therapist} has cleared you for it." in reply.text


def test_forum_only_exercise_is_spoken_as_patient_experience(convo: Conversation, catalog: Catalog) -> None:
    reply = convo.say("ask spine coach how do I do the chest opener")
    assert "People recovering from fusion found this one helpful." in reply.text
    assert "from a patient forum, not a clinical source, so ask your physical therapist first" in reply.text
    bird = convo.say("ask spine coach how do I do bird dog")
    assert "In a patient forum, people recovering from fusion add: keep your hips square" in bird.text
    assert "found this one helpful" not in bird.text  # bird dog is also in a clinical source (seed 004)


def test_prompts_never_suggest_a_stage_the_user_may_not_be_at() -> None:
    import json

    from tests.conftest import REPO

    for path in (REPO / "skill" / "alexa" / "prompts").glob("*.json"):
        for key, value in json.loads(path.read_text()).items():
            for text in value if isinstance(value, list) else [value]:
                assert "week six routine" not in text and "week three" not in text, (path.name, key)


def test_a_how_to_beyond_the_stage_says_so_first(convo: Conversation) -> None:
    """Issue 27: at day 3 after fusion, "how do I do superman" is not plain instructions."""
    convo.say("ask spine coach I had surgery three days ago")
    superman = convo.say("how do I do superman").text
    assert superman.startswith("Superman is part of the general low back routine.")
    assert "not for recovery after back surgery" in superman
    assert "Please check with your surgeon or physical therapist before you try it." in superman
    bridging = convo.say("how do I do bridging").text
    assert "from day 42 after surgery. You're in week 1 after surgery" in bridging
    assert "Please check with your surgeon" in bridging
    ankles = convo.say("how do I do ankle pumps").text
    assert "Please check with your surgeon" not in ankles and "point your toes" in ankles


def test_a_how_to_with_the_stage_unknown_is_plain(convo: Conversation) -> None:
    reply = convo.say("ask spine coach how do I do bridging")
    assert "Please check with your surgeon" not in reply.text


def test_start_it_while_a_routine_waits_for_ready_goes_on_from_there(convo: Conversation) -> None:
    """Live round 13: "start it" at the second exercise started the routine again from its
    first; it begins the exercise on hand. A routine named anew still starts it."""
    convo.say("ask spine coach my surgery was on November the tenth")  # week 2: the early routine
    convo.say("start my exercises")
    skipped = convo.say("skip")
    assert "Exercise 2 of" in skipped.text, skipped.text
    going = convo.intent("StartRoutineIntent")
    assert "Exercise 1 of" not in going.text and "Let's start" not in going.text, going.text
    assert "1." in going.text  # the count of the exercise on hand
    again = convo.say("start my week six routine")
    assert "Only start it if your surgeon" in again.text, again.text


def test_start_my_exercises_in_a_one_exercise_session_starts_the_routine(convo: Conversation) -> None:
    """A review's find: "start my exercises" while one exercise waits for ready counted that
    exercise and ended; a one-exercise session is no routine to go on with."""
    convo.say("ask spine coach my surgery was on November the tenth")
    assert "do ankle pumps" in convo.say("coach me through ankle pumps").text
    started = convo.intent("StartRoutineIntent")
    assert "Let's start your" in started.text, started.text
