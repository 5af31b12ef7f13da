"""Triage (issue 27): the tier the patient's words call for, from the catalog's signs.

The examples are issue 27's: post-operative dangers that were under-triaged, normal effort
that was sent to 911, expected sensations that stopped the workout.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from skill.devtools.nlu import SlotFill
from skill.devtools.simulator import Conversation
from skill.domain.catalog import Catalog
from skill.domain.triage import triage
from tests.test_safety import mid_set


@pytest.mark.parametrize(
    ("words", "tier"),
    [
        # Signs of a blood clot, a spinal-fluid leak, meningitis: not the ordinary answer.
        ("my calf is swollen and hot", "surgeon_today"),
        ("my calf is red and painful", "surgeon_today"),
        ("i think i have dvt", "surgeon_today"),
        ("i think i have a blood clot", "surgeon_today"),
        ("terrible headache when i sit up", "surgeon_today"),
        ("terrible headache and a stiff neck", "emergency"),
        ("i feel confused", "emergency"),
        # Combinations raise the tier: a swollen calf with breathlessness is an emergency.
        ("my calf is swollen and i can't catch my breath", "emergency"),
        # Normal effort is not sent to 911.
        ("i'm a bit out of breath after that", "expected"),
        ("i'm puffed out", "expected"),
        ("my heart is racing a bit", "expected"),
        ("my legs feel like jelly after those", "expected"),
        ("my legs are like jelly after that set", "expected"),  # no listed phrase: by keywords
        ("my leg is a bit weak", "stop"),
        # ... while the same sign with what makes it serious still is.
        ("i can't catch my breath even sitting still", "emergency"),
        ("i'm a bit puffed out and it's not settling", "emergency"),
        ("my heart is racing", "emergency"),
        # Expected sensations do not stop the workout.
        ("i'm a bit sore", "expected"),
        ("my back is stiff this morning", "expected"),
        ("my hamstrings feel tight", "expected"),
        ("i feel a stretch in my hamstring", "expected"),
        ("stretch in my hamstring", "expected"),  # as a slot holds it, without "i feel"
        ("i feel great", "expected"),
        ("i feel good", "expected"),
        # Denied breathlessness is no red flag ("breath" is not an ability here).
        ("my leg is swollen and warm, i'm not breathless though", "surgeon_today"),
        # Mottled skin with a fever: a sign of sepsis.
        ("i'm burning up with a fever and my skin has gone blotchy and cold", "emergency"),
        ("i'm throwing up and can't keep my tablets down", "surgeon_today"),
        # A positive statement never hides a sign said beside it.
        ("i fell but i feel fine", "stop"),
        # A listed phrase is its sign, before any keyword ("leg" is not leg pain here).
        ("my leg is numb", "stop"),
        ("my back hurts", "stop"),
    ],
)
def test_the_tier_for_the_words(catalog: Catalog, words: str, tier: str) -> None:
    assert triage(catalog, words).severity == tier


def test_words_that_name_no_sign_have_no_tier(catalog: Catalog) -> None:
    verdict = triage(catalog, "my fingers feel rubbery")
    assert verdict.symptom is None and verdict.severity is None


def test_normal_effort_mid_set_is_acknowledged_and_the_workout_carries_on(convo: Conversation) -> None:
    mid_set(convo)
    reply = convo.say("I'm a bit out of breath after that")
    assert "is normal while you exercise" in reply.text
    assert "Stop if you feel increased pain or pain spreading to your legs" in reply.text
    assert not reply.ends_session
    assert "Stop the exercise now" not in reply.text and "9 1 1" not in reply.text
    assert "Let's start" not in convo.say("ready").text  # the workout goes on, not started again


def test_a_positive_statement_outside_a_session_is_not_a_symptom(convo: Conversation) -> None:
    reply = convo.say("ask spine coach I feel great")
    assert reply.text.startswith("Good to hear.")
    assert not reply.ends_session


def test_symptom_words_that_name_no_sign_are_asked_about(convo: Conversation) -> None:
    mid_set(convo)
    reply = convo.say("my fingers feel rubbery")
    assert "Is it pain, numbness or weakness, and where do you feel it?" in reply.text
    assert "9 1 1" in reply.text
    assert not reply.ends_session
    answer = convo.say("it's pins and needles in my feet")
    assert "Stop the exercise now" in answer.text


def test_a_blood_clot_sign_stops_for_today_mid_set(convo: Conversation) -> None:
    mid_set(convo)
    reply = convo.say("my calf is swollen and hot")
    assert "contact your surgeon's office today" in reply.text
    assert reply.ends_session


def test_a_listed_phrase_names_its_own_sign(catalog: Catalog) -> None:
    verdict = triage(catalog, "my leg is numb")
    assert verdict.symptom is not None and verdict.symptom.id == "numbness"  # not leg pain's "leg"


def test_a_red_flag_in_another_intents_unknown_words_is_still_one(talk: Callable[..., Conversation]) -> None:
    """A model may put "can you ring triple zero for me, I'm not right" on a question about an
    activity; the words Alexa could not match are read for a red flag first."""
    convo = talk(locale="en-AU")
    reply = convo.intent(
        "AvoidIntent", activity=SlotFill("activity", "ring triple zero for me i'm not right", slot_type="ACTIVITY")
    )
    assert "Call triple zero, 0 0 0, now" in reply.text
    assert reply.ends_session


def test_a_matched_exercise_is_never_read_as_a_symptom(convo: Conversation) -> None:
    fill = SlotFill("exercise", "chest opener", "chest_opener", "chest opener", "EXERCISE")
    reply = convo.intent("HowToIntent", exercise=fill)
    assert "Call emergency services" not in reply.text
    assert "chest opener" in reply.text


# Measured on tests/triage/statements.jsonl (its README): raise, never lower. Issue 27 asks
# for every tier at 100%; these hold what the table reaches today.
FLOORS = {"emergency": 44, "today": 35, "stop": 37, "expected": 58}


def test_the_triage_set_holds_its_floors() -> None:
    from skill.devtools.evaluate import TriageCase, load_triage, right_answer, triage_answers

    path = Path(__file__).resolve().parent / "triage" / "statements.jsonl"
    rows = triage_answers(load_triage(path))
    for tier, floor in FLOORS.items():
        for where, pick in (("mid-set", 1), ("outside", 2)):
            right = [
                case.text for case, *answers in rows if case.tier == tier and right_answer(tier, answers[pick - 1])
            ]
            assert len(right) >= floor, (tier, where, len(right))
    # Under-triage of an emergency is the one miss no floor excuses growing.
    emergencies: list[TriageCase] = [
        case for case, during, _ in rows if case.tier == "emergency" and during != "emergency"
    ]
    assert len(emergencies) <= 44 - FLOORS["emergency"], emergencies


def test_a_question_about_an_exercise_that_names_a_body_part_is_a_how_to(convo: Conversation) -> None:
    """Issue 27: "the one where you pull your knee up into your chest, can you tell me how it
    goes again" is a how-to, not chest pain (its words, unmatched by Alexa, read as knee to chest)."""
    fill = SlotFill("exercise", "pull your knee into your chest", slot_type="EXERCISE")
    reply = convo.intent("HowToIntent", exercise=fill)
    assert "Call emergency services" not in reply.text
    assert "knee to chest" in reply.text.lower()
