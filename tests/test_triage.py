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
        # A racing heart alone: stop and check (palpitations); with faintness or
        # breathlessness, an emergency.
        ("my heart is racing", "stop"),
        ("my heart is racing and i feel faint", "emergency"),
        ("my heart is racing and i can't catch my breath", "emergency"),
        # "I can STILL talk" is the talk test, not breathlessness at rest.
        ("breathing a bit harder but i can still talk fine", "expected"),
        ("i can't catch my breath even lying down", "emergency"),
        # A little leak on a cough: the surgeon's office today, not 911 (losing control is).
        ("i leaked a little when i coughed", "surgeon_today"),
        ("i've wet myself", "emergency"),
        # Fever words said beside vaguer ones still count; a urine infection is for today.
        ("feeling really unwell, sweaty and feverish", "surgeon_today"),
        ("my pee burns and i'm running a temperature", "surgeon_today"),
        ("it stings when i pee", "surgeon_today"),
        ("my wound smells a bit funny", "surgeon_today"),
        # What is felt before where: pain at the scar is the stop rule's pain.
        ("it feels like it's pulling on the scar, really painful", "stop"),
        # An exercise's name is not a symptom: the knee to chest is about the back.
        ("the knee to chest is making my back ache more than it did before", "stop"),
        # "No breathlessness" denies breathlessness (not a lost ability to breathe).
        ("my left calf feels warm and tender, no breathlessness though", "surgeon_today"),
        # A swollen leg, then pain on breathing and faintness: a clot on the lung.
        ("my leg was swollen yesterday and now it hurts to breathe and i feel faint", "emergency"),
        # Meningitis: a headache, a neck that won't bend, a fever.
        ("terrible headache, my neck won't bend and i feel feverish", "emergency"),
        # Fainting, not knowing where or who one is: emergencies (the third blind round) ...
        ("i fainted in the kitchen and i've only just come round", "emergency"),
        ("i keep forgetting where i am, i feel really foggy", "emergency"),
        ("i've messed myself and i didn't even know", "emergency"),
        ("my scar is itchy and a bit warm to the touch", "surgeon_today"),
        # A headache that has cleared is no reason to stop; one that stays is.
        ("i had a bit of a headache but it's gone after a glass of water", "expected"),
        ("i've had a headache all day and it won't go away", "stop"),
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
        # ... but a place is not a sign: good news about the leg is good news.
        ("i'm feeling much stronger this week, the leg lifts feel easy", "expected"),
        # A listed phrase is its sign, before any keyword ("leg" is not leg pain here).
        ("my leg is numb", "stop"),
        ("my back hurts", "stop"),
    ],
)
def test_the_tier_for_the_words(catalog: Catalog, words: str, tier: str) -> None:
    assert triage(catalog, words).severity == tier


# Issue 27's examples, said to the skill as a patient would (the console's understanding, the
# handlers, the answer), outside a session and mid-set: the tier the answer gives.
WHY = [
    ("my calf is swollen and hot", "today"),
    ("my calf is red and painful", "today"),
    ("I think I have DVT", "today"),
    ("I think I have a blood clot", "today"),
    ("terrible headache when I sit up", "today"),
    ("terrible headache and a stiff neck", "emergency"),
    ("I feel confused", "emergency"),
    ("I'm a bit out of breath after that", "expected"),
    ("I'm puffed out", "expected"),
    ("my heart is racing a bit", "expected"),
    ("my legs feel like jelly after those", "expected"),
    ("my leg is a bit weak", "stop"),
    ("I leaked a little when I coughed", "today"),
    ("the one where you pull your knee up into your chest, can you tell me how it goes again", "expected"),
    ("calf stretch against the wall, could you go through it with me", "expected"),
    ("there's one where you lie on your front and pull your heel to your bum with a belt", "expected"),
    ("I'm a bit sore", "expected"),
    ("my back is stiff this morning", "expected"),
    ("my hamstrings feel tight", "expected"),
    ("I feel a stretch in my hamstring", "expected"),
    ("I feel great", "expected"),
    ("I feel good", "expected"),
]


@pytest.mark.parametrize(("words", "tier"), WHY)
@pytest.mark.parametrize("where", ["outside a session", "mid-set"])
def test_issue_27_examples_get_their_tier_in_the_console(
    convo: Conversation, words: str, tier: str, where: str
) -> None:
    from skill.devtools.evaluate import answered_tier, right_answer

    if where == "mid-set":
        mid_set(convo)
        reply = convo.say(words)
    else:
        reply = convo.say(f"ask spine coach {words}")
    assert right_answer(tier, answered_tier(reply.text, "en-US")), reply.text


@pytest.mark.parametrize(
    "words",
    [
        # A review of the third round's keywords (stems in any order read these as confusion,
        # a collapse or foot drop, and sent them to 911): everyday words are no emergency.
        "I came down to the kitchen",
        "I'm so sleepy today",
        "I got everything mixed up",
        "it's very foggy this morning so I stayed in",
        "I collapsed on the sofa after the workout",
        "I'd rather not answer that",
        "I find it hard waking up in the morning",
        "I've been dragging my feet with the exercises",
        "I'm ready but I don't know where my mat is",
        "I'm sorry, I forgot where we were",
        "I'm confused about which exercise is next",
        "this is a bit confusing",
        "I can't sleep",
        "I could not wake up this morning, I slept through my alarm",
        "The bruise marks from the surgery are not fading",
        "I'm breathing quickly after the walk",
        "I need the air con on",
    ],
)
def test_everyday_words_are_no_emergency(catalog: Catalog, words: str) -> None:
    assert triage(catalog, words).severity != "emergency"


@pytest.mark.parametrize(
    "words",
    [
        "I can't take a deep breath",  # "deep breaths" is an exercise: its name hides no red flag
        "I get a sharp pain when I take a deep breath",
        "I'm so drowsy I can hardly keep my eyes open, I just can't stay awake",
        "my husband just collapsed during the wall sit and he's not answering me",
        "I don't know where I am",
        # The second review: what the phrases and idioms of the false-alarm round had lost.
        "I've had a little accident, I didn't even feel it coming",
        "I leak urine without realising",
        "I can't feel my private parts",
        "I fell for no reason and hurt my hip",
        "My heart skipped a beat when I stood up and now I feel dizzy",
        "I can't get enough fresh air",
        "my blood sugar is low and I'm confused",
        "I'm gulping for air",
        "I'm breathing really quickly",
        "I think I've broken my neck",
        "I've been sat on the loo for half an hour, I'm bursting to go but nothing's coming at all.",
    ],
)
def test_red_flags_beside_or_inside_a_name_still_reach_911(catalog: Catalog, words: str) -> None:
    assert triage(catalog, words).severity == "emergency"


@pytest.mark.parametrize(
    "words",
    [
        "my fingers feel rubbery",
        # Breathing out is technique; out OF breath is a symptom.
        "should i breathe out when i push up or when i come down",
        # Where to feel an exercise named after the chest is not chest pain.
        "where should i feel the knee to chest",
        # ... while not knowing the week, or where the towel is, is no confusion.
        "i don't know what week i'm in",
        "i don't know where my towel is",
        "i forgot where i put my towel",
        "i feel a bit mixed up about which exercise is next",
    ],
)
def test_words_that_name_no_sign_have_no_tier(catalog: Catalog, words: str) -> None:
    verdict = triage(catalog, words)
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


@pytest.mark.parametrize("words", ["turn that telly down", "someone is at the door", "turned purple now"])
def test_words_that_seem_about_nobody_are_still_asked_about(convo: Conversation, words: str) -> None:
    """A model's symptom slot keeps neither "I'm" nor a carer's names ("I'm turning purple
    now" arrives as "turned purple now"): words that seem about nobody may be a sign, so they
    are asked about with the emergency number, at an open question too (the review of the
    thirteenth round; a television remark pays for it)."""
    convo.launch()
    assert "Which week after surgery" in convo.say("start my routine").text
    reply = convo.intent("SymptomIntent", symptom=SlotFill("symptom", words, slot_type="SYMPTOM"))
    assert "Is it pain, numbness or weakness" in reply.text and "9 1 1" in reply.text, reply.text


def test_a_blood_clot_sign_stops_for_today_mid_set(convo: Conversation) -> None:
    mid_set(convo)
    reply = convo.say("my calf is swollen and hot")
    assert "contact your surgeon's office today" in reply.text
    # with the signs of a clot on the lung that make it an emergency, not the spine's (live
    # round 13: it named numbness and the bladder; source: the Gloucestershire DVT leaflet)
    assert (
        "short of breath or chest pain, cough up blood, or feel faint, call emergency services on 9 1 1" in reply.text
    )
    assert "bladder" not in reply.text
    assert convo.say("ready").text.startswith("Not today.")


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
    assert convo.say("ready").text == "Please call triple zero, 0 0 0, now."


@pytest.mark.parametrize(
    ("locale", "contact"),
    [
        ("en-US", "your surgeon's office"),
        ("en-GB", "your surgeon's team"),
        ("en-AU", "your surgeon's rooms"),
        ("en-IN", "your surgeon's clinic"),
    ],
)
def test_the_surgeons_office_in_each_locales_words(
    talk: Callable[..., Conversation], locale: str, contact: str
) -> None:
    """Issue 27: locale wording per locale; a British patient has no "surgeon's office"."""
    reply = talk(locale=locale).say("ask spine coach my wound is red and hot")
    assert f"please contact {contact} today about this" in reply.text


def test_a_sign_for_today_in_another_intents_unknown_words_is_still_one(convo: Conversation) -> None:
    """Issue 27's set: "is it normal for my wound to be hot and puffy" taken as a question
    about an activity still reaches the surgeon's office today..."""
    reply = convo.intent(
        "AvoidIntent", activity=SlotFill("activity", "normal for my wound to be hot and puffy", slot_type="ACTIVITY")
    )
    assert "contact your surgeon's office today" in reply.text


def test_a_condition_in_a_question_about_an_activity_is_no_report(convo: Conversation) -> None:
    """The second review: "can I do the stairs if I get out of breath" asks about the stairs."""
    fill = SlotFill("activity", "do the stairs if i get out of breath", slot_type="ACTIVITY")  # unmatched words
    reply = convo.intent("AvoidIntent", activity=fill)
    assert "Call emergency services" not in reply.text and not reply.ends_session


def test_a_question_about_the_wound_is_not_a_sign(convo: Conversation) -> None:
    """... while one word of where ("can I get my wound wet") is what a question is about."""
    reply = convo.intent("AvoidIntent", activity=SlotFill("activity", "get my wound wet", slot_type="ACTIVITY"))
    assert "surgeon's office today" not in reply.text and "Stop the exercise" not in reply.text
    assert not reply.ends_session


def test_a_high_pain_score_mid_set_stops_the_set(convo: Conversation, store_path: Path) -> None:
    """ "It's a seven out of ten now": the stop rule's increased pain, place kept; a bare
    number may have been a count, so it is not logged (the review of issue 30's round)."""
    mid_set(convo)
    reply = convo.intent("PainAnswerIntent", score=SlotFill("score", "7"))
    assert reply.text.startswith("If that's your pain out of ten, 7 is high.")
    assert "Stop the exercise now" in reply.text and "kept your place" in reply.text
    assert "log my pain as 7" in reply.text
    assert convo.say("ready").text.startswith("Not for now.")
    import sqlite3

    with sqlite3.connect(store_path) as db:
        assert db.execute("SELECT count(*) FROM history WHERE sk LIKE 'p#%'").fetchone() == (0,)


@pytest.mark.parametrize(
    ("words", "lead"),
    [
        ("my pain went from 3 to 7", "A pain score of 7 is high."),
        ("my pain has gone up from 3 to 7", "A pain score of 7 is high."),
        # Seed 003: increased pain stops the exercise, said in words at any score
        ("my pain went from 3 to 5", "Your pain has gone up, from 3 to 5."),
        ("it was a 3 earlier now it's a 6", "Your pain has gone up, from 3 to 6."),
        ("my pain went from 3 to 12", "Your pain has gone up, from 3 to 12."),
    ],
)
def test_a_pain_that_went_up_mid_set_stops_the_set(convo: Conversation, words: str, lead: str) -> None:
    """ "It went from 3 to 7": the score is where the pain is now, and the rise is the stop
    rule's increased pain."""
    mid_set(convo)
    reply = convo.say(words)
    assert reply.text.startswith(lead) and "Stop the exercise now" in reply.text, reply.text


@pytest.mark.parametrize("words", ["my pain went from 5 to 3", "my pain is two to three"])
def test_a_pain_that_came_down_or_a_range_mid_set_carries_on(convo: Conversation, words: str) -> None:
    mid_set(convo)
    reply = convo.say(words)
    assert "Stop the exercise now" not in reply.text and not reply.ends_session


def test_a_low_number_mid_set_is_checked_in_on(convo: Conversation) -> None:
    """A lower bare number may be a count: the safety net pauses and asks."""
    mid_set(convo)
    reply = convo.intent("PainAnswerIntent", score=SlotFill("score", "3"))
    assert "tell me what you feel" in reply.text and not reply.ends_session


def test_a_logged_pain_score_mid_set_that_is_not_high_carries_on(convo: Conversation) -> None:
    mid_set(convo)
    reply = convo.say("log my pain as two")
    assert "I've logged your pain as 2." in reply.text
    assert "Stop the exercise now" not in reply.text and not reply.ends_session
    assert "Let's start" not in convo.say("ready").text  # the workout goes on


def test_a_stray_high_number_outside_a_session_gives_the_stop_rule_on_condition(convo: Conversation) -> None:
    stray = convo.intent("PainAnswerIntent", score=SlotFill("score", "3"))
    assert "I'm not sure what that number is for" in stray.text
    reply = convo.intent("PainAnswerIntent", score=SlotFill("score", "8"))
    assert reply.text.startswith("If that's your pain out of ten, 8 is high.")
    assert "Stop the exercise now" in reply.text and "log my pain as 8" in reply.text
    # ... and another number after that stop hears it again (live round 14).
    again = convo.intent("PainAnswerIntent", score=SlotFill("score", "3"))
    assert "rest, and check with your surgeon" in again.text


def test_a_matched_exercise_is_never_read_as_a_symptom(convo: Conversation) -> None:
    fill = SlotFill("exercise", "chest opener", "chest_opener", "chest opener", "EXERCISE")
    reply = convo.intent("HowToIntent", exercise=fill)
    assert "Call emergency services" not in reply.text
    assert "chest opener" in reply.text


# Measured on tests/triage/ (its README): raise, never lower. The misses left are sentences the
# console's understanding puts on another intent or on no intent at all (the fallback), where
# no words reach the triage: the safety net checks in on them mid-set. Which of them does so
# moves when the model changes (the classifier retrains on it): "my back is paining more with
# every repetition" goes to HarderIntent on some builds, so set 2's stop floor is 37, not 38;
# "is it okay that the cut is a bit red and warm?" sits at the fallback's threshold (0.29 or
# 0.31 against 0.30, build to build), so set 3's today floor is 32, not 33; since round 11's
# words, "I did too much yesterday and today my back is really killing me" reaches
# YesterdayIntent (a sample written for it shifted five sentences of tests/annotations/), so
# set 1's stop floor is 38, not 39.
FLOORS = {
    "statements.jsonl": {"emergency": 44, "today": 37, "stop": 38, "expected": 62},
    "statements-2.jsonl": {"emergency": 40, "today": 33, "stop": 40, "expected": 45},
    "statements-3.jsonl": {"emergency": 34, "today": 32, "stop": 39, "expected": 40},
    "statements-4.jsonl": {"emergency": 40, "today": 38, "stop": 39, "expected": 39},
    "statements-5.jsonl": {"emergency": 40, "today": 30, "stop": 34, "expected": 31},
    "statements-6.jsonl": {"emergency": 29, "today": 21, "stop": 15, "expected": 24},
    "statements-7.jsonl": {"emergency": 40, "today": 37, "stop": 39, "expected": 40},
    "statements-8.jsonl": {"emergency": 35, "today": 20, "stop": 20, "expected": 18},
    "statements-9.jsonl": {"emergency": 34, "today": 20, "stop": 19, "expected": 17},
}
# Emergencies whose words never reach the triage (issue 26's to solve): none left since the
# twelfth round ("nothing will come out" when trying to wee, "bursting to go but nothing's
# coming" on the loo were heard as nothing or as "ready"; both reach the emergency answer now).
NOT_UNDERSTOOD: set[str] = set()
# Emergencies by the set's writer that the skill's source puts at another tier: the
# fourteenth round's clear fluid from the wound with a headache on sitting up is a spinal-fluid
# leak, the surgeon's office today (ref-csf-leak-headache), not emergency services.
TIER_FROM_SOURCE = {
    "there's clear watery stuff leaking out of me wound and me head's killing me every time i sit up",
}
# The fifth round's statements given a higher tier than the set's, not yet met (over, never
# under): two stop-rule numbness reports sent to 911 (one buttock numb, a leg "dead-ish"), and
# expected sensations stopped or referred, whose words of reassurance the triage does not read
# ("that's the right spot", "no worse than before", "no pain at all, just a noise").
OVER_TRIAGED = {
    # A red flag's one word is read in any sentence, even of the chest opener.
    "Doing the chest opener now and I can feel it across the front of my chest, feels nice.",
    "my left bum cheek's gone a bit numb during the glute squeezes, only that side, and it comes and goes",
    "my leg went a bit dead-ish doing the wall sit but the feeling came back after a minute",
    "I can feel the pull down the back of my thigh on the hamstring stretch, that's the right spot, yeah?",
    "the scar's a bit itchy, looks fine, I think it's just healing",
    "my back feels tired more than sore, is that normal?",
    "I'm a bit wobbly on the bird dog, can't hold the balance very long",
    "there's a dull ache in my back after the heel slides but it's no worse than before I started",
    "my hip clicked on the knee to chest, no pain at all, just a noise",
    "bit of an ache in my back by the end of the day after being up and about, better once I lie down",
    "my abs are sore from all the bracing, like I've done sit-ups",
    "got a bit of a stitch in my side from walking, it's going already",
    # The sixth round's writer put new confusion after a change of painkillers at today; the
    # skill's confusion sign (NHS: sepsis, stroke, overdose) is an emergency.
    "he's been kind of confused and drowsy since they upped his painkillers",
    # ... and a stretch felt across the chest: "chest" is read in any sentence.
    "he says he can feel it pulling across his chest but it's not painful",
    # The seventh round's writer put a fall without a head strike, with new back pain, at
    # the surgeon's office today; after spinal surgery the skill sends any fall that hurts to
    # emergency services (the safer side: the fusion may be what broke).
    "i slipped on the rug and landed on my bum, didn't hit my head, i'm fine really but my back's hurting more now",
    "mum fell on the stairs this morning, she didn't bang her head and she's walking fine"
    " but her back's much sorer now",
    # The thirteenth round's writer put a leg "a little weak after" an exercise at normal
    # effort; the skill's mild weakness stops the set (a weak leg after spinal surgery is the
    # clinician's to call). A small leak on coughing goes to the surgeon's office today after
    # its source, where the writer saw normal effort.
    "my left leg is feeling little weak after the walk",
    "my leg's a little weak after the side leg lifts but it's getting better",
    "i leaked a tiny bit of wee when i coughed is that normal",
    "a few drops of urine came out when i sneezed is that normal",
    # ... and three left on the safe side after the round's review: "out of breath" said bare
    # is the emergency's (a sigh before it softens nothing: "phew, out of breath and my calf is
    # swollen"); a heart beating fast, not said to be from exercise, is the heart check; and
    # the console keeps "this morning" out of the symptom slot, so "stiff as a board" is the
    # stop rule's stiffness.
    "phew i'm out of breath",
    "my heart's beating kinda fast but i feel fine",
    "i'm stiff as a board this morning",
    # The fourteenth round's writer put a fall "but I'm fine", a mild headache, a leg a bit
    # weak or wobbly after an exercise and a few drops of urine on a sneeze at normal effort;
    # the skill stops the set for the first three (a fall after spinal surgery, a headache
    # that may be the spinal-fluid leak's, weakness: the clinician's to call, content/REVIEW.md)
    # and sends the leak to the surgeon's office today after its source.
    "i slipped on the rug earlier but i'm totally fine didn't hurt anything",
    "had a little spill off the couch chasing the grandkid but i'm right no harm done",
    "i kinda tripped over the dog but i caught myself i'm good",
    "i've just got a bit of a headache that's all",
    "my left leg feels a bit tired and wobbly after the side leg lifts but it's not sudden or anything",
    "my legs are feeling little weak after the walking but slowly only not suddenly",
    "i leaked a tiny bit when i sneezed is that normal",
    "when i cough few drops of urine are coming out",
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_the_triage_sets_hold_their_floors(name: str) -> None:
    from skill.devtools.evaluate import load_triage, right_answer, triage_answers

    rows = triage_answers(load_triage(Path(__file__).resolve().parent / "triage" / name))
    for tier, floor in FLOORS[name].items():
        for where, pick in (("mid-set", 1), ("outside", 2)):
            right = [
                case.text for case, *answers in rows if case.tier == tier and right_answer(tier, answers[pick - 1])
            ]
            assert len(right) >= floor, (tier, where, len(right))
    # Issue 27's three lines, without exception: no emergency below the emergency answer, no
    # sign of the two middle tiers sent to emergency services, no expected sensation stopped
    # or referred.
    for case, *answers in rows:
        for answer in answers:
            if case.tier == "emergency":
                assert answer == "emergency" or case.text in NOT_UNDERSTOOD | TIER_FROM_SOURCE, (case.text, answer)
            elif case.tier in ("today", "stop"):
                assert answer != "emergency" or case.text in OVER_TRIAGED, (case.text, answer)
            else:
                assert answer in ("carried on", "asked") or case.text in OVER_TRIAGED, (case.text, answer)


# The false-alarm probes (tests/triage/everyday*.jsonl): sentences that report nothing. Ceilings
# on what still raises an alarm (the emergency or today answer) or stops the set, said mid-set
# or outside a session. The alarms left are on the safe side by design: words that soften a
# sign (over, someone else's, "what if") never soften a red flag, and one word such as
# "heart" or "bladder" is still a red flag in any sentence ("a heart of palm salad").
EVERYDAY_CEILINGS = {
    "everyday.jsonl": {"alarms": 1, "stops": 6},
    "everyday-2.jsonl": {"alarms": 18, "stops": 9},
}


@pytest.mark.parametrize("name", sorted(EVERYDAY_CEILINGS))
def test_everyday_sentences_raise_no_alarm(name: str) -> None:
    from skill.devtools.evaluate import load_triage, triage_answers

    rows = triage_answers(load_triage(Path(__file__).resolve().parent / "triage" / name))
    ceiling = EVERYDAY_CEILINGS[name]
    for where, pick in (("mid-set", 1), ("outside", 2)):
        alarms = [case.text for case, *answers in rows if answers[pick - 1] in ("emergency", "today")]
        assert len(alarms) <= ceiling["alarms"], (where, alarms)
        stops = [case.text for case, *answers in rows if answers[pick - 1] == "stop"]
        assert len(stops) <= ceiling["stops"], (where, stops)


def test_a_question_about_an_exercise_that_names_a_body_part_is_a_how_to(convo: Conversation) -> None:
    """Issue 27: "the one where you pull your knee up into your chest, can you tell me how it
    goes again" is a how-to, not chest pain (its words, unmatched by Alexa, read as knee to chest)."""
    fill = SlotFill("exercise", "pull your knee into your chest", slot_type="EXERCISE")
    reply = convo.intent("HowToIntent", exercise=fill)
    assert "Call emergency services" not in reply.text
    assert "knee to chest" in reply.text.lower()


# The fifth round (issue 27, stop 27): rules that the blind sets taught, each said both ways.
@pytest.mark.parametrize(
    ("words", "tier"),
    [
        # A symptom said to be over is good news; one that is not over, or moved, is not.
        ("The numbness I had from before the op has completely gone, which is brilliant.", "expected"),
        ("the numbness has not gone", "surgeon_today"),  # numbness that stays
        ("the pain has gone down my leg", "stop"),
        ("the feeling in my legs has gone", "emergency"),  # an ability, not a symptom's name
        ("I was getting pain in my lower back so I stopped", "stop"),  # the patient stopped
        # Someone else's news that ends well; the patient's own fall still counts.
        ("my husband had a bad headache yesterday but he's fine now", "expected"),
        ("I fell but I'm fine now", "stop"),
        ("my back really hurts since I lifted the baby, she's fine now though", "stop"),  # more said
        # A word of what is felt counts beside effort said in two ("heart's going").
        ("I'm shivering like mad and my heart's going a mile a minute", "surgeon_today"),
        # "barely" and "hardly" report the loss "cannot" does.
        ("I can barely move my legs", "emergency"),
        ("I can hardly breathe", "emergency"),
        # One word that names where or what, in a sentence of its own, is what it is about ...
        ("My daughter made a heart of palm salad, ever heard of it?", None),
        ("Do I breathe out when I lift my leg or when I lower it?", None),
        # ... said alone, or with what is felt, it is the sign.
        ("ow my chest", "emergency"),
        ("oh god my chest", "emergency"),  # a few words, none a listed phrase
        ("I've got this crushing feeling in my chest", "emergency"),
        ("I just coughed and there was blood in my tissue", "emergency"),
        # The stroke signs beside the confusion sign; an arm that will not lift.
        ("I can't lift my right arm up properly and my talking's gone all slurry", "emergency"),
        ("I'm all muddled", "emergency"),
        # Numbness in the saddle area said side by side, not "numbness down my leg ... still there".
        ("it's all gone kind of dead down there", "emergency"),
        ("my privates have gone to sleep", "emergency"),
        ("the numbness down my leg has come back and it's still there", "stop"),
        # "asleep" of a leg, not of a baby; dozing off is no fall.
        ("my leg's asleep", "stop"),
        ("The baby's finally asleep, so I've got twenty minutes.", None),
        ("I fell asleep on the sofa after the session yesterday, it was lovely.", None),
        # Words that soften a sign never soften a red flag (the review of the fifth round).
        ("I lost control of my bowels, they're okay now", "emergency"),
        ("my husband can't feel his legs, he's fine now otherwise", "emergency"),
        ("My mum had a fall last week but she's fine now, just a bruise on her arm.", "emergency"),
        ("I can't feel my legs, what do I do if it gets worse", "emergency"),
        ("I have numbness in my groin since the pain settled", "emergency"),
        ("my dizziness cleared up and then I collapsed", "emergency"),
        ("I think I'm having a heart attack right now", "emergency"),
        ("the numbness hasn't ever really gone", "surgeon_today"),
        ("I can barely feel the stretch in my hamstrings", "expected"),  # "barely" of moving only
        # What the patient says makes an ache normal.
        ("the wall sit is killing my thighs, in a good way", "expected"),
        ("my calves are burning from all the ankle pumps, goes away as soon as I stop", "expected"),
    ],
)
def test_the_fifth_rounds_rules(catalog: Catalog, words: str, tier: str | None) -> None:
    assert triage(catalog, words).severity == tier


@pytest.mark.parametrize(
    ("words", "tier"),
    [
        # New confusion said of someone else, or with drowsiness (the thirteenth round).
        ("my wife is not making any sense this afternoon", "emergency"),
        ("dad's drowsy and confused since lunch", "emergency"),
        ("he doesn't know where he is", "emergency"),
        ("she keeps asking me what day it is", "emergency"),
        ("this exercise is not making any sense to me", None),  # no one is confused
        # A heart all over the place with feeling faint, or racing at rest: the heart check
        # and its emergency combination; beating fast after exercise is effort, and beating
        # fast said alone is the heart check, never effort (the review of the round).
        ("my heart is all over the place and i think i'm going to pass out", "emergency"),
        ("my pulse is racing and i'm just lying here resting", "stop"),
        ("my heart's beating faster after that set", "expected"),
        ("my heart's going a bit faster than usual", "expected"),
        ("my heart is beating fast and i feel faint", "emergency"),
        ("my heart has been beating fast all night", "stop"),
        # ... and with feeling faint, however the heart is softened (the review of the round)
        ("my heart's going a bit faster and i feel faint", "emergency"),
        ("my pulse is going a bit fast and the room is spinning", "emergency"),
        ("my heart is slightly quicker and i think i'm going to pass out", "emergency"),
        ("my ticker is racing and i feel faint", "emergency"),
        ("my heart is beating fast after the bike", "expected"),
        ("my heart is beating very quickly", "stop"),
        # Vomiting said with how long; pain the medicine does not control.
        ("i've been vomiting since last night", "surgeon_today"),
        ("i can't keep anything in, nothing is staying down", "surgeon_today"),
        ("my pain is not under control even with the tablets", "surgeon_today"),
        # "won't go away" is numbness that stays, not a leg that won't work; a leg that
        # won't bear weight still is one.
        ("the tingling in my foot won't go away", "surgeon_today"),
        ("i've had pins and needles down my leg since yesterday and it won't go away", "surgeon_today"),
        ("my leg won't move", "emergency"),
        ("my leg won't bear weight", "emergency"),
        # Something giving way in the back is a pop (the stop rule); a leg giving way is not.
        ("something just gave way in my lower back", "stop"),
        ("my leg gave way under me", "emergency"),
        # Breathlessness is never softened by a sigh; a small leak on coughing is no loss of
        # control, a leak not noticed or not stopping is.
        ("phew out of breath and my calf is swollen", "emergency"),
        ("i'm out of breath just sitting here", "emergency"),
        ("i leaked a little bit of wee when i sneezed", "surgeon_today"),
        ("i leaked urine when i sneezed and i can't stop it", "emergency"),
        ("i leaked when i coughed and didn't notice", "emergency"),
        ("i've wet myself and i didn't feel it", "emergency"),
        # A comparison reports what "never" seems to deny.
        ("i've never had pain like this in my back", "stop"),
        ("never felt pain as bad as this", "stop"),
        ("i've never had a headache this bad", "emergency"),
        ("i never get pain when i do this one", None),
        ("it never hurts like it did before the op", None),
        # Stiffness stays the stop rule's unless said as the morning's or the exercise's.
        ("my back locked up stiff and i can't move", "stop"),
        ("my back is stiff this morning", "expected"),
        # A question whether to call someone is no call for help; the back of the legs is
        # not the back; "is that bad" reports nothing; sore legs put down to exercise are effort.
        (
            "today my bum muscles and the backs of my legs are kind of sore, not my spine, just like"
            " gym sore, is that bad, should i call someone",
            "expected",
        ),
        ("the backs of my legs have gone numb and i can't pee", "emergency"),
        ("call someone", "emergency"),
        ("my legs are sore from the exercises", "expected"),
    ],
)
def test_the_thirteenth_rounds_rules(catalog: Catalog, words: str, tier: str | None) -> None:
    assert triage(catalog, words).severity == tier


@pytest.mark.parametrize(
    ("words", "tier"),
    [
        # A puffy wound is no breathlessness ("puff" read "puffy" as a prefix).
        ("my incision is red and puffy and something yellow is coming out of it", "surgeon_today"),
        ("i'm completely out of puff and i can't catch my breath", "emergency"),
        # Winded or out of breath, said as exercise's ("winded after that", "the good kind"),
        # is effort; said bare, at rest, or beside a clot's sign it stays the emergency's.
        ("i'm sweating and kinda winded after that", "expected"),
        ("i'm pretty out of breath but it's the good kind", "expected"),
        ("good burn though", "expected"),
        # Live round 14: a "cracking headache" is no cracked head (a fall's injury); worse on
        # sitting up and gone lying flat it is the spinal-fluid leak's, for today.
        (
            "i've got a cracking headache that gets heaps worse when i sit up and goes away when i lie flat",
            "surgeon_today",
        ),
        ("mum fell and cracked her head on the table", "emergency"),
        ("i tripped and crack my head on the door", "emergency"),
        ("i'm winded", "emergency"),
        ("i'm kinda winded", "emergency"),
        # ... but "a bit winded", as "a bit out of breath", is effort (Alexa may drop "after that").
        ("i'm a bit winded", "expected"),
        ("i'm a little winded just sitting here", "emergency"),
        ("i'm winded after getting out of bed and i feel faint", "emergency"),
        ("my calf is swollen and i'm a bit winded", "emergency"),
        ("my leg's swollen and red and i'm winded from the stairs", "emergency"),
        ("i'm sort of breathless, good lord, and my calf is swollen", "emergency"),
        ("i'm still winded after that even lying here", "emergency"),
        # A calf "puffed up" is its swelling, not breathlessness beside a clot's sign.
        ("my ankle and calf have puffed right up on one side since yesterday", "surgeon_today"),
        # ... but two signs effort explains are no combination of theirs.
        ("my heart's going a bit faster and i'm a bit out of breath after that", "expected"),
        ("i felt a pop in my back, my heart is racing a bit after that and i'm a bit wobbly after that", "stop"),
        # A catheter that drains nothing is retention; one just mentioned is no sign; a burning
        # pee said with it is a urine infection.
        ("it burns when i pee, is that from the catheter", "surgeon_today"),
        ("my catheter isn't draining", "emergency"),
        ("my catheter is blocked", "emergency"),
        ("i still have a catheter in", None),
        ("i think i'm dying", "emergency"),
        ("she's talking gibberish", "emergency"),
        ("dad is talking rubbish about the footy again", None),
        ("he can't keep his eyes open", "emergency"),
        # Blotches are sepsis's with a fever or shivering, not a bruise or the cold.
        ("i'm shivering and there are purple blotches on my tummy", "emergency"),
        ("i'm burning up and shaking and my knees look purple and blotchy", "emergency"),
        ("i've got purple blotches on my tummy where i do the injections", None),
        ("my knees are blotchy from kneeling on the hip flexor stretch", None),
        ("i can't keep a thing down", "surgeon_today"),
        ("i can't hold a thing down in my hand, my grip's weak", None),
        ("i feel awesome", "expected"),
        ("no pain at all", "expected"),
        # "Not suddenly" is not sudden weakness; a weak leg is still the stop rule's.
        ("my legs are feeling a little weak after walking, but slowly, not suddenly", "stop"),
        # A place in an exercise's name is the exercise's when another place is named ("my
        # TOES went numb doing the KNEE to chest"); alone, it is still the place that went.
        ("my toes went a bit numb doing the knee to chest", "stop"),
        ("the knee to chest gives me a nice stretch across my lower back", "expected"),
        ("my knee gave way doing the knee to chest", "emergency"),
        ("halfway through the leg slides it just went dead", "emergency"),
        ("i was doing the side lying leg lift and it just went floppy", "emergency"),
    ],
)
def test_the_fourteenth_rounds_rules(catalog: Catalog, words: str, tier: str | None) -> None:
    assert triage(catalog, words).severity == tier


@pytest.mark.parametrize(
    ("words", "said"),
    [
        ("what should I do if my leg goes numb during one of these", "check with your surgeon or"),
        ("if I ever got pins and needles in my feet, should I stop", "check with your surgeon or"),
        ("if my wound ever started leaking, who do I call", "the same day"),
    ],
)
def test_a_question_about_what_to_do_if_a_sign_happened_is_answered_not_triaged(
    convo: Conversation, words: str, said: str
) -> None:
    """Nothing is reported: the tier's advice, as what to do if it happens, and the set goes on."""
    mid_set(convo)
    reply = convo.say(words)
    assert said in reply.text, reply.text
    assert "Stop the exercise now" not in reply.text and "This needs help right away" not in reply.text
    assert "call emergency services on 9 1 1" in reply.text  # what would make it an emergency
    assert not reply.ends_session
    assert "Let's start" not in convo.say("ready").text


def test_a_plain_condition_is_still_a_report(convo: Conversation) -> None:
    mid_set(convo)
    assert "Stop the exercise now" in convo.say("I get dizzy if I stand up").text


@pytest.mark.parametrize(
    ("words", "said"),
    [
        # The exercise named beside the symptom: the symptom still stops the set ...
        ("got a bit of tingling in my toes that came on during the hamstring stretch", "Stop the exercise now"),
        ("I blacked out for a second during the bird dog and came round on the floor", "This needs help right away"),
        # ... and "after" it, an ache is effort (the model keeps that word: its own slot).
        ("the tops of my legs ache a little today after the wall sits yesterday", "is normal"),
    ],
)
def test_a_symptom_said_with_the_exercise_it_came_with(convo: Conversation, words: str, said: str) -> None:
    mid_set(convo)
    reply = convo.say(words)
    assert reply.interpretation is not None and reply.interpretation.intent == "SymptomIntent"
    assert said in reply.text, reply.text


def test_a_sign_said_before_the_question_is_reported(catalog: Catalog) -> None:
    """ "my back hurts, what should I do if it gets worse": the pain is reported, then asked
    about; only a sign said after "what should I do if" is a question."""
    said = triage(catalog, "my back really hurts, what should I do if it gets worse")
    assert said.severity == "stop" and not said.hypothetical
    asked = triage(catalog, "what should I do if my back really hurts")
    assert asked.severity == "stop" and asked.hypothetical


@pytest.mark.parametrize(
    ("words", "tier"),
    [
        # Blood at the wound is the surgeon's office today; bleeding that will not stop, or
        # coughed up, is an emergency (ref-glos-dvt); a fall's blood still is.
        ("There is little bit of blood and fluid coming from my stitches area, the dressing is wet", "surgeon_today"),
        ("hang on, there's a bit of blood seeping through my dressing", "surgeon_today"),
        ("My wound's pouring blood, it's soaked right through the dressing and won't stop", "emergency"),
        ("I just coughed and there was blood in the tissue, bright red, more than a speck.", "emergency"),
        ("i went down hard and now i'm bleeding", "emergency"),
        # A fever with a stiff neck is meningitis's sign (ref-mrf-symptoms): at once.
        ("my neck's really stiff and i've got a high fever", "emergency"),
        ("i've got a fever and i can't bend my neck forward", "emergency"),
        ("I've got a bit of a fever today", "surgeon_today"),
        # Fainting again and again; a foot that will not lift; British English for wetting oneself.
        ("i keep fainting", "emergency"),
        ("my toes won't lift up on the right side i can't point them up at all", "emergency"),
        ("I can't feel anything down there and I think I've wet meself", "emergency"),
        # A stretch is felt along the muscle; what goes down the leg is spreading (round eight).
        ("I can feel a gentle stretch down the back of my thigh, is that alright?", "expected"),
        ("There's a burning feeling going into my buttock and down the back of my thigh", "stop"),
        ("the pain is going down my leg", "stop"),
        ("oh shoot, can you pause, someone's at the door", None),
        # ... and as a slot holds it, the "oh" left out; a pain said after it still counts.
        ("shoot can you pause someone is at the door", None),
        ("shoot i forgot to turn the oven off", None),
        ("shoot, can you stop, it really hurts", "stop"),
        ("it shoots down my leg", "stop"),
        # Spilt water and a snapped band are not a fall or a pop; a spill taken still is.
        ("spilled water on the mat it is all wet now hang on while i wipe it", None),
        ("my resistance band snapped, the dog chewed it, can I skip those?", None),
        ("i took a spill on the patio", "stop"),
        ("took a spill something fierce my hip hurts", "emergency"),  # a fall that hurts (the review)
        ("I took a spill, water everywhere", "stop"),
        # The review of stop 29: spilt some water or something on the floor is no fall either;
        # "number" as in "more numb" is numbness, as in "the same number of reps" it is not.
        ("i spilled some water", None),
        ("I spilled something on the floor", None),
        ("my leg feels number than yesterday", "surgeon_today"),
        ("my foot is getting number", "stop"),
        ("do I do the same number of reps on the left leg", None),
        ("what number am I on", None),
        # Round ten's blind set: bowel control lost without the words "control" or "bowel".
        ("I passed stool without knowing, is it serious", "emergency"),
        ("I passed a stool this morning, finally", None),
        ("something snapped in my back", "stop"),
        # Muscles named as working are the exercise doing its job; pain beside them still stops.
        ("i can feel my core working", "expected"),
        ("my glutes are working hard on these", "expected"),
        ("my glutes are working but the pain is getting worse", "stop"),
        # The review: heavy or active bleeding, blood brought up, and a fever with a stiff
        # neck stay emergencies; a stiff neck beside a wound, cramping toes and feeling like
        # passing out do not reach 911; a denial ends at "just" ("no pain, just numb").
        ("my wound is bleeding heavily", "emergency"),
        ("the wound keeps bleeding", "emergency"),
        ("blood is running down my back from the wound", "emergency"),
        ("I threw up a little blood", "emergency"),
        ("spots of blood in my phlegm", "emergency"),
        ("my wound is red and my neck is stiff from sleeping", "surgeon_today"),
        ("I can't point my toes, they're cramping", "stop"),
        ("I feel like I am passing out", "stop"),
        ("I kept fainting before my surgery but not now", "stop"),
        ("no pain just numb", "stop"),
    ],
)
def test_the_sixth_rounds_rules(catalog: Catalog, words: str, tier: str | None) -> None:
    assert triage(catalog, words).severity == tier


# The sixth round (issue 26's blind set, 2026-12-07): what its writer's words taught, and what
# three reviews of those words found, each said both ways. Where the two ways could not both be
# met, the emergency won (noted).
@pytest.mark.parametrize(
    ("words", "tier"),
    [
        # A carer's report of incontinence is a red flag; a child's or a pet's accident, or
        # getting wet, is no patient's. ("He wet himself laughing" is 911 too: over, not under.)
        ("he's wet himself and he didn't even know it was happening", "emergency"),
        ("my dad wet himself last night", "emergency"),
        ("mum soiled herself", "emergency"),
        ("he's messed himself and didn't notice", "emergency"),
        ("i wet myself when i coughed", "emergency"),
        ("the baby wet himself", None),
        ("my little boy wet himself at nursery", None),
        ("the puppy wet himself when he saw me", None),
        ("he got himself wet in the rain", None),
        ("he went for a wee by himself", None),
        # Clinical words for weakness, limbs, toes or a foot that will not lift: red flags ...
        ("new onset bilateral lower extremity weakness since this morning", "emergency"),
        ("sudden weakness in both lower limbs", "emergency"),
        ("i have a little weakness in both lower limbs since this morning", "emergency"),
        ("my limbs are weak", "emergency"),
        ("i can't pull my toes up on the left side any more", "emergency"),
        ("i can't lift my toes", "emergency"),
        ("he cannot pull his foot up", "emergency"),
        ("i can't do the toe raises my foot just won't lift", "emergency"),
        ("the weakness is worse every day", "emergency"),
        ("the weakness got worse overnight", "emergency"),
        ("my foot is weaker and it is getting worse", "emergency"),
        # ... but not an exercise's measure, socks or lifting, or tired limbs after a workout.
        ("i can't lift my toes higher in the toe raises", None),
        ("i cannot lift my toes very high yet", None),
        ("i cannot pull my socks on past my toes because i am not allowed to bend", None),
        ("i cannot lift anything heavy yet so i do the toe taps", None),
        ("my limbs feel weak after the workout", "stop"),
        ("my limbs feel a bit weak after the workout", "stop"),
        ("my weak ankle is worse today", None),
        # Not passing urine is retention, whatever pain is said beside it; pain passing it is not.
        ("my father is not passing urine since morning and his back pain is very much", "emergency"),
        ("it hurts when i pass urine", "surgeon_today"),
        ("it stings when i pass urine, not too bad", "surgeon_today"),
        ("i'm not having any problems passing water", None),
        # A fall heard or felt to crack, or with something or a bone that cracked; a trip that was
        # fun, a joke or slippers are no fall.
        ("i tripped over the dog and landed flat on my back and heard a crack", "emergency"),
        ("i slipped on the stairs and something cracked", "emergency"),
        ("i fell and my back cracked", "emergency"),
        ("after my fall i heard a crunch", "emergency"),
        ("she landed on her bottom and heard a crack", "emergency"),
        ("we went on a trip and had a cracking time", "stop"),
        ("the kids got back from their trip and were cracking jokes", "stop"),
        ("i put my slippers on and my back cracked a bit when i stretched", "stop"),
        # A stretch never hides a sign said beside it: "chest" stays a red flag in any sentence
        # (the writer's "pulling across his chest but it's not painful" too: OVER_TRIAGED).
        ("i have a pulling pain across my chest", "emergency"),
        ("it's pulling across my chest and i feel sick", "emergency"),
        # A mild ache in muscles or the back is soreness; anywhere else, or at the wound or in
        # the groin, it is the stop rule's.
        ("there's a mild ache in my back muscles the day after exercising", "expected"),
        ("a mild ache in my hamstrings", "expected"),
        ("i have a mild ache", "stop"),
        ("mild ache around my wound", "stop"),
        ("mild ache in my groin", "stop"),
        ("a mild ache going down my leg", "stop"),
        ("a mild ache in my chest", "emergency"),
        # Working muscles and tired legs; a shattered leg is no tiredness; an arm that stops
        # working or goes heavy or weak suddenly is a stroke's sign, tired arms are not.
        ("i can feel my shoulder blades working", "expected"),
        ("my inner thighs are knackered from squeezing the ball", "expected"),
        ("i've shattered my leg", "stop"),
        ("my arm stopped working", "emergency"),
        ("my arm went heavy all of a sudden", "emergency"),
        ("i suddenly can't move my arm", "emergency"),
        ("his arm has gone weak", "emergency"),
        ("i stopped the workout because my arms were tired", None),
        ("i woke up suddenly and my arm was dead because i slept on it", None),
        ("i cannot move the sofa my arms are not strong enough", None),
        # Pain that grows with each repetition stops the set; worse by the day, or nothing
        # easing it, is for the surgeon's office today; better by the day, or other things
        # worse by the day, are not.
        ("the pelvic tilts hurt more every time i do one", "stop"),
        ("it's getting more painful each time", "stop"),
        ("the cat and cow thing is making it worse not better", "stop"),
        ("the pain in my back has been getting steadily worse every day this week", "surgeon_today"),
        ("the pain is not reducing even after taking the medicines for two days", "surgeon_today"),
        ("the redness is worse every day", "surgeon_today"),
        ("it's worse every day", "surgeon_today"),
        ("nothing is easing it, not even the pills", "surgeon_today"),
        ("the tablets are not settling my stomach", None),
        ("my back feels better every day", "expected"),
        ("it was worse yesterday but it gets better every day", None),
        ("the weather is worse every day it is so cold", None),
        ("nothing helps me remember my pills", None),
        # Not knowing or remembering denies nothing after it (a hesitant report is a report;
        # "I don't know of any numbness" is asked about, at worst stopped, never 911 denied).
        ("i don't know my back hurts", "stop"),
        ("not sure why i can't pee", "emergency"),
        ("not sure having chest pain", "emergency"),
        ("i am not sure about my legs they feel weak", "emergency"),
        ("i do not remember hitting my head", "emergency"),
        ("i don't know why but i have no pain", None),
        # Already missed before the sixth round, found by its third review.
        ("i cannot feel down there", "emergency"),
        ("he is collapsed", "emergency"),
        ("his face has dropped on one side", "emergency"),
        ("my face dropped when i saw the bill", None),
        ("the tent collapsed", None),
    ],
)
def test_the_sixth_rounds_words(catalog: Catalog, words: str, tier: str | None) -> None:
    assert triage(catalog, words).severity == tier


@pytest.mark.parametrize(
    ("words", "tier"),
    [
        # The seventh round (tests/triage/statements-7.jsonl). Stroke signs and new confusion
        # said by a carer; urinary retention said around the toilet, not any "nothing came out".
        ("suddenly my vision became blurred and one side of my face is numb", "emergency"),
        ("she's got a headache and a fever and she's not making sense", "emergency"),
        ("she doesn't know what day it is", "emergency"),
        ("i tried to go to the washroom and nothing came out", "emergency"),
        ("nothing came out of the appointment", None),
        # Pain the medicine does not hold; "been sick" is vomiting, "sick of" is not.
        ("the ibuprofen isn't working", "surgeon_today"),
        ("even the oxycodone isn't helping", "surgeon_today"),
        ("i took my tablets and i'm still in agony", "surgeon_today"),
        ("the tablets are working well now", None),
        ("she's been sick twice since lunch", "surgeon_today"),
        ("i've been sick of these exercises since monday", None),
        # A calf-clot sign said with breathing that is fine is for today; with breathlessness,
        # or chest pain beside it, it is an emergency.
        ("my calf is red and warm and hard, but no breathing problem", "surgeon_today"),
        ("my calf is paining and swollen since two days, breathing is normal only", "surgeon_today"),
        ("my calf is swollen and i'm short of breath", "emergency"),
        ("my calf is swollen, no breathing problems but my chest hurts", "emergency"),
        ("breathing is fine but i can't feel my legs", "emergency"),
        # Dizziness on standing, nerve pain down the leg, pain growing rep by rep: the stop rule.
        ("whoa, head rush when i got up off the floor", "stop"),
        ("there's a nervy zingy feeling going down to my ankle", "stop"),
        ("it was mild but it's getting sharper each time i arch my back", "stop"),
        # Good news and old habits are no sign; a new click in the back is.
        ("my scar looks nice and clean and dry this morning", "expected"),
        ("my scar looks clean but it's leaking", "surgeon_today"),
        ("still a bit of bruising round the wound but it's fading", "expected"),
        ("my old leg pain is way better since the surgery", "expected"),
        ("my old leg pain is better since the surgery but now my foot is numb", "stop"),
        ("my left knee always cracks when i bend it", None),
        ("my back always clicks now", "stop"),
        ("my bum muscles are killing me from yesterday's bridges", "expected"),
        ("my abs are shaking", "expected"),
        ("my legs are shaking and i can't stand", "emergency"),
        ("i'm knackered", "expected"),
        # The review of the seventh round: what its first words got wrong. A wheezing or
        # congested chest stays a breathing sign (a clot's combinations with it too); only a
        # cough's rattly chest is a chest infection, and with a calf-clot sign an emergency.
        ("my chest is wheezing", "emergency"),
        ("my heart is racing and my chest is wheezing", "emergency"),
        ("my calf is swollen and my chest feels congested", "emergency"),
        ("my calf is red and hot and I've got a cough and my chest is rattling", "emergency"),
        ("i've got a bad cough and my chest feels all rattly", "surgeon_today"),
        ("I don't think my breathing is normal", "emergency"),
        ("I'm not sure my breathing is normal", "emergency"),
        ("a numb patch near my scar that's spreading down my leg", "stop"),
        ("a numb area around the incision that's new since this morning", "surgeon_today"),
        ("there's bruising going down the back of my leg", None),
        ("my back is knackered", None),
        ("I'm getting stronger with each one", "expected"),
        ("the band slid off my foot during the stretch", None),
        ("i kind of slid off the edge of the bed onto my knees", "stop"),
        ("I'm on oxycodone and not doing too bad", None),
        ("my tablets make me sleepy so I'm not doing the exercises", None),
        ("my side feels heavy and my face is hot", None),
        ("I don't know what day it is since my surgery", None),
        ("I feel a bit nervy going into the leg exercises", None),
        # (over, never under: "nothing came out" in the bathroom is retention, even of a wound)
        ("I pressed on the wound in the bathroom and nothing came out", "emergency"),
        ("the fluid from my wound is a wee bit cloudy", "surgeon_today"),
        # ... and the second review: what the first fixes softened, and what they still read.
        ("I went to the bathroom and nothing came out", "emergency"),
        ("I can't go to the bathroom", "emergency"),
        ("I went to the bathroom and couldn't go", "emergency"),
        ("I need to go to the bathroom", None),
        ("my face is numb on one side", "emergency"),
        ("half my face has gone numb", "emergency"),
        ("my husband doesn't know what day it is", "emergency"),
        ("dad can't tell what day it is", "emergency"),
        ("I slid off the mat onto the floor", "stop"),
        ("I've got cloudy urine", "surgeon_today"),
        ("my wee has gone cloudy", "surgeon_today"),
        ("my pee is a bit dark today", None),
        ("the painkillers aren't doing the job", "surgeon_today"),
        ("the oxycodone isn't doing it", "surgeon_today"),
        ("I've been sick since this morning", "surgeon_today"),
        ("it's getting stronger each rep", "stop"),
        ("my legs are getting stronger each time", "expected"),
        ("my pee is cloudy and smells really strong", "surgeon_today"),
    ],
)
def test_the_seventh_rounds_words(catalog: Catalog, words: str, tier: str | None) -> None:
    assert triage(catalog, words).severity == tier


@pytest.mark.parametrize(
    ("words", "tier"),
    [
        # Seed 003 stops the set for increased pain: "a bit" softens the ache, "more" says it grew.
        ("my back aches a bit more", "stop"),
        ("my back is aching a bit more today", "stop"),
        ("it hurts a little more", "stop"),
        ("my back is a bit more sore today", "stop"),
        # ... and no more than that: soreness, stiffness, more stiffness or more repetitions are effort.
        ("I'm a bit sore", "expected"),
        ("my back is a little sore, should I do more reps", "expected"),
        ("I'm a bit stiff, can I do more", "expected"),
        ("I feel a bit stiffer than yesterday", "expected"),
        # muscles worked by the stretches, a little more sore: effort (the review of b914e36)
        ("my hamstrings are a bit more sore after the stretches", "expected"),
        ("my legs ache a bit more after exercising", "expected"),
    ],
)
def test_a_little_more_ache_is_increased_pain(catalog: Catalog, words: str, tier: str) -> None:
    assert triage(catalog, words).severity == tier


def test_words_naming_no_sign_after_a_stop_hear_what_to_do_now_again(convo: Conversation) -> None:
    """Live round 13 (S10): "ok so not an emergency then" after the answer for today was asked
    "is it pain, numbness or weakness?" as if nothing had been said. It hears what to do now,
    with the emergency number for anything serious."""
    convo.launch()
    today = convo.say("it burns when i pee")
    assert "contact your surgeon's office today" in today.text, today.text
    reply = convo.intent(
        "SymptomIntent", symptom=SlotFill("symptom", "ok so not an emergency then", slot_type="SYMPTOM")
    )
    assert reply.text.startswith("Please contact your surgeon's office today"), reply.text
    assert "call emergency services on 9 1 1" in reply.text and "Is it pain" not in reply.text
    assert not reply.ends_session  # what is said next is triaged as any report is
    assert convo.say("i think i'm dying").text.startswith("This needs help right away")


def test_a_bare_number_after_a_stop_hears_the_stop_again(convo: Conversation) -> None:
    """Live round 14 (D10): "yeah it's sore now, maybe a six" after the stop rule's answer
    heard "I'm not sure what that number is for. You can say, start my exercises"."""
    mid_set(convo)
    stopped = convo.say("i felt a pop in my low back")
    assert "Stop the exercise now" in stopped.text
    reply = convo.intent("PainAnswerIntent", score=SlotFill("score", "6", slot_type="AMAZON.NUMBER"))
    assert "rest, and check with your surgeon" in reply.text, reply.text
    assert "start my exercises" not in reply.text
    high = convo.intent("PainAnswerIntent", score=SlotFill("score", "10", slot_type="AMAZON.NUMBER"))
    assert "10 is high" in high.text and "call emergency services on 9 1 1" in high.text, high.text
