"""A patient's own words for a symptom, in the console as on a device: the standard ways
patients describe each red flag reach the right symptom, and everyday requests that merely
share a word with a symptom are not taken for one."""

from __future__ import annotations

import pytest

from skill.devtools.nlu import Interpretation, Resolver, resolver_for
from skill.domain.catalog import load_catalog


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return resolver_for("en-GB")


def symptom_of(found: Interpretation) -> str | None:
    """The symptom id a handler acts on: Alexa's resolution, else the vocabulary's reading."""
    fill = found.slots["symptom"]
    return fill.resolved_id or load_catalog().vocabulary.resolve("symptom", fill.value)


@pytest.mark.parametrize(
    ("sentence", "symptom"),
    [
        # Legs that will not obey: giving way, no strength, a dragging or slapping foot.
        ("my right knee keeps giving way whenever i walk to the kitchen", "leg_weakness"),
        ("there's no strength at all in my left foot since i woke up", "leg_weakness"),
        # Cauda equina: retention, incontinence, saddle numbness.
        ("i've not passed water since breakfast even though i really need to go", "bladder_bowel"),
        ("there's no sensation down there at all when i sit on the toilet", "bladder_bowel"),
        ("there's no feeling at all round my groin since this morning", "bladder_bowel"),
        ("my inner thighs have gone numb", "bladder_bowel"),
        ("i haven't been able to pass urine all day", "bladder_bowel"),
        ("my privates have gone numb", "bladder_bowel"),  # issue 26's second blind set
        # Cardiac: pressure or heaviness spreading to the arm or jaw, with sweating.
        ("a squeezing pressure right across my chest and my left arm aches", "chest_pain"),
        ("i'm all clammy and sweaty and the ache is going up into my jaw", "chest_pain"),
        # Asking for help outright, as said in each country (issue 26's blind sets).
        ("ring 999 for me, quick", "emergency_help"),
        ("i need an ambo, quick", "emergency_help"),
        ("phone triple zero", "emergency_help"),
        # Breathlessness.
        ("i'm really puffed and i can't get enough air even sitting still", "breathing_trouble"),
        ("i'm a bit puffed out and it's not settling", "breathing_trouble"),
        # A fall with injury: head, blood, cannot get up.
        ("i slipped on the stairs and banged my head, there's blood on the carpet now", "fall_injury"),
        ("i tripped over the cat and i'm on the floor and i can't get myself up", "fall_injury"),
        ("i'm not getting enough air into my lungs", "breathing_trouble"),
        ("i took a spill on the patio and i think i've done my wrist in", "fall_injury"),
        # A fall and then bad pain: after a fusion, an injured fall until someone has looked.
        ("i went and had a tumble in the garden and my back is killing me", "fall_injury"),
        ("i slipped in the shower and now it hurts like mad", "fall_injury"),
        # Asking for help outright is the emergency answer too ("call 911" is not a pain score).
        ("i need an ambulance", "emergency_help"),
        ("call 911", "emergency_help"),
        ("can you call my wife", "emergency_help"),
        # Not red flags, but still symptoms to stop for.
        ("bloody hell my back is sore", "pain"),
        ("it runs down through my thigh and into my calf", "leg_pain"),
        ("i took a bit of a spill but i'm fine", "fall"),
        ("my vision goes dark every time i get up out of the chair", "dizzy"),
        ("i've lost all sensation along the outside of my foot", "numbness"),
        ("my spine is really stiff this morning", "pain"),
    ],
)
def test_patients_words_reach_the_symptom(resolver: Resolver, sentence: str, symptom: str) -> None:
    found = resolver.resolve(sentence)
    assert found.intent == "SymptomIntent"
    assert symptom_of(found) == symptom


@pytest.mark.parametrize(
    ("sentence", "not_instead"),
    [
        ("i fell in the hall and i can't get back up, please help", "AMAZON.HelpIntent"),
        ("hang on, i've fallen and hit my head on the table", "AMAZON.PauseIntent"),
    ],
)
def test_a_red_flag_is_not_cut_to_one_clause(resolver: Resolver, sentence: str, not_instead: str) -> None:
    found = resolver.resolve(sentence)
    assert found.intent == "SymptomIntent", not_instead
    assert symptom_of(found) == "fall_injury"


@pytest.mark.parametrize(
    "sentence",
    ["play me a song", "can we go back to the start", "how heavy is a kettle"],
)
def test_a_sentence_the_vocabulary_cannot_read_is_not_a_symptom(resolver: Resolver, sentence: str) -> None:
    assert resolver.resolve(sentence).intent != "SymptomIntent"


@pytest.mark.parametrize(
    ("words", "symptom"),
    [
        # A negation denies the words it covers: not a red flag...
        ("my legs are not weak", "leg_pain"),
        ("no numbness", None),
        ("i don't have any numbness", None),
        ("i'm not dizzy", None),
        ("no chest pain", None),
        ("i don't feel any pain", None),
        ("i don't feel dizzy", None),
        ("i don't feel my legs", "leg_weakness"),
        ("i can't feel anything in my feet", "leg_weakness"),
        ("i had a fall yesterday, nothing broken", "fall"),
        ("i slipped on the mat but it doesn't hurt at all", "fall"),
        # ... but a denied ability is a loss, a negation spelled in the keyword stays, an answering
        # "no" denies nothing, and the negation's reach ends with its clause.
        ("i'm not able to feel my legs", "leg_weakness"),
        ("i haven't been able to pee", "bladder_bowel"),
        ("i've not passed water all day", "bladder_bowel"),
        ("my legs won't hold me", "leg_weakness"),
        ("nothing comes out when i try to pee", "bladder_bowel"),
        ("no control of my bladder", "bladder_bowel"),
        ("no i've wet myself", "bladder_bowel"),
        ("not sure, i think i've wet myself", "bladder_bowel"),
        ("no numbness but my leg gave way", "leg_weakness"),
        ("i can't feel my legs", "leg_weakness"),
        # A hostile probe's phrasings (2026-12-04): a negation that reports the red flag itself.
        ("i didn't notice i'd wet myself", "bladder_bowel"),
        ("i didn't make it to the toilet", "bladder_bowel"),
        ("i've got pins and needles down there", "bladder_bowel"),
        ("i don't have any feeling in my legs", "leg_weakness"),
        ("my legs aren't working properly", "leg_weakness"),
        ("i don't think i can breathe properly", "breathing_trouble"),
        # ... and the same words said to deny it.
        ("i made it to the toilet fine", None),
        ("i can breathe fine", None),
        # The wound's own word explains "leaking"; a "when" clause says when, not what.
        ("my incision is leaking", "fever_wound"),
        ("i'm leaking", "bladder_bowel"),
        ("a sharp pain in my back when i lift my leg", "pain"),
        ("a pain in my leg when i lose control of my bladder", "bladder_bowel"),
    ],
)
def test_negation_and_circumstance_in_the_patients_words(words: str, symptom: str | None) -> None:
    assert load_catalog().vocabulary.resolve("symptom", words) == symptom
