"""The user's personal stage: surgery date, weeks, week number, the physio's choice, clearances."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from skill.devtools.nlu import SlotFill
from skill.devtools.simulator import Conversation
from skill.domain.clock import FixedClock
from skill.domain.user import UserRecord
from skill.store.sqlite import SQLiteStore
from tests.test_safety import user_record

# The test clock says Saturday 21 November 2026.


@pytest.mark.parametrize(
    ("utterance", "surgery_date", "said_back"),
    [
        (
            "my surgery was on October third",
            date(2026, 10, 3),
            "you're in week 8 after surgery, days 49 to 55. That's the weeks three to six routine.",
        ),
        (
            "I had surgery on November the tenth",
            date(2026, 11, 10),
            "you're in week 2 after surgery, days 7 to 13. That's the weeks one to two routine.",
        ),
        (
            "my operation was on October 3rd 2026",
            date(2026, 10, 3),
            "you're in week 8 after surgery, days 49 to 55. That's the weeks three to six routine.",
        ),
        (
            "I had surgery five weeks ago",
            date(2026, 10, 17),
            "you're in week 6 after surgery, days 35 to 41. That's the weeks three to six routine.",
        ),
        (
            "my surgery was two days ago",
            date(2026, 11, 19),
            "you're in week 1 after surgery, days 0 to 6. That's the weeks one to two routine.",
        ),
        (
            "it's been three months since my surgery",
            date(2026, 8, 23),
            "you're in week 13 after surgery, days 84 to 90. That's the weeks three to six routine.",
        ),
    ],
)
def test_surgery_date_phrasings_are_stored(
    convo: Conversation, store: SQLiteStore, utterance: str, surgery_date: date, said_back: str
) -> None:
    reply = convo.say(f"ask spine coach {utterance}")
    assert said_back in reply.text
    assert reply.text.endswith("Would you like to start it now?")
    assert user_record(store).surgery_date == surgery_date


def test_past_the_sixth_week_the_week_six_routine_waits_for_the_follow_up(convo: Conversation) -> None:
    reply = convo.say("ask spine coach my surgery was on October third")
    assert "That's the weeks three to six routine." in reply.text
    pending = "Once your surgeon advises it at your six-week follow-up appointment, the week six routine can follow."
    assert pending in reply.text


def test_a_date_without_a_year_is_the_past_one(convo: Conversation, store: SQLiteStore, clock: FixedClock) -> None:
    """Issue 12, point 6: on 22 November "the fifth of January" reaches the skill as next
    January; a surgery is in the past, so it is last January's, said back with its year."""
    clock.advance(days=1)  # Sunday 22 November 2026
    reply = convo.say("ask spine coach I had surgery on the fifth of January")
    assert "haven't saved it" not in reply.text
    assert "your surgery was on January 5, 2026, so you're in week 46 after surgery, days 315 to 321" in reply.text
    assert user_record(store).surgery_date == date(2026, 1, 5)


@pytest.mark.parametrize(
    ("utterance", "week", "days", "routine"),
    [
        ("I'm in week one", 1, "days 0 to 6", "weeks one to two"),
        ("I'm in week two", 2, "days 7 to 13", "weeks one to two"),
        ("I'm in week three", 3, "days 14 to 20", "weeks three to six"),
        ("I'm in week six", 6, "days 35 to 41", "weeks three to six"),
        ("I'm in week seven", 7, "days 42 to 48", "weeks three to six"),
    ],
)
def test_week_n_is_the_nth_week_said_back_with_its_days(
    convo: Conversation, utterance: str, week: int, days: str, routine: str
) -> None:
    reply = convo.say(f"ask spine coach {utterance}")
    assert f"Got it: week {week} after surgery, that's {days}. That's the {routine} routine." in reply.text


@pytest.mark.parametrize(
    ("utterance", "week", "days"),
    [
        ("I'm in my sixth week after surgery", 6, "days 35 to 41"),
        ("this is my second week post op", 2, "days 7 to 13"),
        ("it's my twenty second week since surgery", 22, "days 147 to 153"),
    ],
)
def test_the_nth_week_said_as_an_ordinal_is_week_n(
    convo: Conversation, store: SQLiteStore, utterance: str, week: int, days: str
) -> None:
    """ "my sixth week" reaches WeekIntent through its ORDINAL slot (id "6"), not AMAZON.NUMBER."""
    reply = convo.say(f"ask spine coach {utterance}")
    assert f"Got it: week {week} after surgery, that's {days}." in reply.text
    assert user_record(store).reported_week == (week, date(2026, 11, 21))


def test_an_ordinal_alexa_could_not_match_is_read_from_its_words(convo: Conversation, store: SQLiteStore) -> None:
    """ORDINAL stops at fifty second; "fifty third" arrives unmatched and is still week 53."""
    reply = convo.intent("WeekIntent", ordinal=SlotFill("ordinal", "fifty third", slot_type="ORDINAL"))
    assert "more than two years ago" not in reply.text
    assert "week 53 after surgery" in reply.text
    assert user_record(store).reported_week == (53, date(2026, 11, 21))


def test_week_n_dates_and_weeks_ago_agree(talk: Callable[..., Conversation], store: SQLiteStore) -> None:
    """The same day after surgery said three ways gives the same week back."""
    said = [
        "I'm in week six",
        "I had surgery five weeks ago",  # 35 days ago: the first day of the sixth week
        "my surgery was on October seventeenth",  # 35 days before 21 November
    ]
    for number, utterance in enumerate(said):
        convo = talk(user_id=f"amzn1.ask.account.WEEKS{number}")
        assert "week 6 after surgery" in convo.say(f"ask spine coach {utterance}").text
        assert "days 35 to 41" in convo.say("ask spine coach what week am I in").text


def test_week_number_is_stored_and_counts_on(convo: Conversation, store: SQLiteStore, clock: FixedClock) -> None:
    reply = convo.say("ask spine coach I'm in week four")
    assert "Got it: week 4 after surgery, that's days 21 to 27. That's the weeks three to six routine." in reply.text
    assert user_record(store).reported_week == (4, date(2026, 11, 21))
    clock.advance(days=15)
    later = convo.say("ask spine coach what week am I in")
    assert (
        "You're in week 6 after surgery, days 35 to 41, so your routine is the weeks three to six routine."
        in later.text
    )


def test_computed_week_follows_the_clock(convo: Conversation, clock: FixedClock) -> None:
    convo.say("ask spine coach my surgery was on November the tenth")
    assert "week 2 after surgery" in convo.say("ask spine coach what week am I in").text
    clock.advance(days=21)
    assert (
        "week 5 after surgery, days 28 to 34, so your routine is the weeks three to six routine"
        in convo.say("ask spine coach what week am I in").text
    )
    clock.advance(days=14)
    later = convo.say("ask spine coach what week am I in").text
    assert "week 7 after surgery, days 42 to 48, so your routine is the weeks three to six routine" in later
    pending = "Once your surgeon advises it at your six-week follow-up appointment, the week six routine can follow."
    assert pending in later


def test_start_my_exercises_uses_the_stored_stage(convo: Conversation) -> None:
    convo.say("ask spine coach I had surgery three weeks ago")
    reply = convo.say("ask spine coach to start my exercises")
    assert "Let's start your weeks three to six routine" in reply.text
    convo.say("stop")
    overview = convo.say("ask spine coach what's in my routine")
    assert "Your weeks three to six routine has 8 exercises" in overview.text


def test_yes_after_the_stage_is_stored_starts_its_routine(convo: Conversation) -> None:
    convo.launch()
    convo.say("my surgery was on October third")
    started = convo.say("yes")
    assert "Let's start your weeks three to six routine" in started.text


def test_physio_override_beats_the_date_until_a_new_date(convo: Conversation, store: SQLiteStore) -> None:
    convo.say("ask spine coach I had surgery three weeks ago")
    moved = convo.say("ask spine coach my physio moved me to the week six routine")
    assert "I've moved you to the week six routine" in moved.text
    assert user_record(store).stage_override == "week_six"
    assert (
        "Your physical therapist moved you to the week six routine"
        in convo.say("ask spine coach what week am I in").text
    )
    assert "Let's start your week six routine" in convo.say("ask spine coach to start my exercises").text
    convo.say("stop")
    convo.say("ask spine coach I'm in week two")
    assert user_record(store).stage_override is None
    assert "weeks one to two routine" in convo.say("ask spine coach what week am I in").text


def test_clearance_turns_cat_cow_on(convo: Conversation, store: SQLiteStore) -> None:
    convo.say("ask spine coach my physio moved me to the week six routine")
    before = convo.say("ask spine coach to coach me through cat cow")
    assert "can't coach cat-cow until your surgeon has cleared you" in before.text
    cleared = convo.say("my surgeon cleared me for cat cow")
    assert "I've noted that your surgeon cleared you for cat-cow" in cleared.text
    assert user_record(store).clearances == ["cat_cow"]
    coached = convo.say("coach me through cat cow")
    assert "We'll do 5 repetitions." in coached.text
    convo.say("stop")
    convo.say("ask spine coach to start my week six routine")
    for _ in range(9):
        convo.say("skip")
    eleventh = convo.history[-1].text  # the seated lower back stretch still needs its own clearance
    assert "leaving out seated lower back stretch" in eleventh
    assert "Exercise 11 of 12: cat-cow." in eleventh
    assert "leaving out cat-cow" not in eleventh


def test_clearance_for_an_exercise_that_needs_none(convo: Conversation, store: SQLiteStore) -> None:
    reply = convo.say("ask spine coach my surgeon cleared me for bridging")
    assert "Bridging doesn't need your surgeon's clearance" in reply.text
    assert user_record(store).clearances == []


@pytest.mark.parametrize(
    ("utterance", "reason"),
    [
        ("my surgery was on March first twenty twenty eight", "in the future"),
        ("my surgery was on October third twenty twenty three", "more than two years ago"),
        ("I had surgery three years ago", "more than two years ago"),
        ("I'm in week two hundred", "more than two years ago"),
    ],
)
def test_implausible_dates_are_questioned_not_stored(
    convo: Conversation, store: SQLiteStore, utterance: str, reason: str
) -> None:
    reply = convo.say(f"ask spine coach {utterance}")
    assert reason in reply.text
    assert "haven't saved it" in reply.text
    assert not reply.ends_session
    record = user_record(store)
    assert (record.surgery_date, record.reported_week) == (None, None)


def test_what_week_without_anything_stored_asks(convo: Conversation) -> None:
    reply = convo.say("ask spine coach what week am I in")
    assert "I don't know yet" in reply.text
    assert not reply.ends_session


def test_record_round_trip_keeps_stage_fields() -> None:
    record = UserRecord(surgery_date=date(2026, 10, 3), reported_week=(4, date(2026, 11, 1)), stage_override="mid")
    assert UserRecord.from_dict(record.to_dict()) == record
    broken = {**record.to_dict(), "surgery_date": "not a date", "reported_week": {"week": "x"}, "stage_override": 5}
    parsed = UserRecord.from_dict(broken)
    assert (parsed.surgery_date, parsed.reported_week, parsed.stage_override) == (None, None, None)


# -- the review of stop 29 -------------------------------------------------------------------


def test_no_surgery_after_a_known_week_asks_before_switching(convo: Conversation) -> None:
    """Words that mention surgery ("I had surgery, not just a bad back") reach the no-surgery
    intent; with a week after surgery known they no longer replace it unasked."""
    convo.launch()
    convo.say("I'm in week two")
    convo.say("no")
    asked = convo.say("I had surgery, not just a bad back")
    assert "You told me you're in week 2 after surgery" in asked.text and "Should I switch" in asked.text
    kept = convo.say("no")
    assert "I'll keep the routine for your week after surgery" in kept.text
    assert "week 2" in convo.say("what week am I in").text
    convo.say("I didn't have surgery")
    switched = convo.say("yes")
    assert "I've moved you to the general low back routine" in switched.text


def test_no_surgery_with_nothing_known_is_the_general_routine(convo: Conversation) -> None:
    convo.launch()
    reply = convo.say("I didn't have surgery, I just hurt my back")
    assert "I've moved you to the general low back routine" in reply.text, reply.text


def test_asking_about_the_routine_for_some_weeks_keeps_what_was_told(convo: Conversation) -> None:
    convo.launch()
    convo.say("my physio moved me to the week six routine")
    convo.say("no")
    convo.say("what's the routine for four weeks")
    assert "moved you to the week six routine" in convo.say("what week am I in").text
    other = convo  # a stored date is kept the same way
    other.say("my surgery was on November twentieth")
    other.say("what's the routine for three weeks")
    assert "week 1 after surgery" in other.say("what week am I in").text


def test_a_correction_of_the_surgery_date_between_sets_is_taken(convo: Conversation) -> None:
    convo.launch()
    convo.say("I'm in week four")
    convo.say("yes")  # the workout starts
    reply = convo.say("actually I had my surgery eight weeks ago")
    assert "you're in week 9 after surgery" in reply.text, reply.text
