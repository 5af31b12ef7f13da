"""Pain and red flags stop a set at once and keep the place; what-to-avoid answers; five locales."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from skill.devtools.nlu import SlotFill
from skill.devtools.simulator import Conversation
from skill.domain.catalog import Catalog
from skill.domain.user import UserRecord
from skill.domain.workout import Phase
from skill.store.sqlite import SQLiteStore
from tests.test_coaching import count_in
from tests.test_store_sqlite import request_for

LOCALES = {"en-US": "9 1 1", "en-CA": "9 1 1", "en-GB": "9 9 9", "en-AU": "0 0 0", "en-IN": "1 1 2"}
STOP_PHRASES = [
    ("it hurts", "pain"),
    ("my back hurts", "pain"),
    ("this is painful", "pain"),
    ("I feel pain down my leg", "leg_pain"),
    ("my leg is numb", "numbness"),
    ("I have pins and needles", "numbness"),
    ("I felt a pop", "pop"),
    ("I fell", "fall"),
    ("I feel dizzy", "dizzy"),
]
RED_FLAGS = [
    ("my legs are weak", "leg_weakness"),
    ("I can't control my bladder", "bladder_bowel"),
    ("I have chest pain", "chest_pain"),
    ("I have trouble breathing", "breathing_trouble"),
    ("I fell and can't get up", "fall_injury"),
    # Asking for help outright (a hostile probe, 2026-12-04): it got "say ready" mid-set.
    ("call an ambulance", "emergency_help"),
]


def user_record(store: SQLiteStore) -> UserRecord:
    return UserRecord.from_dict(store.get_attributes(request_for("amzn1.ask.account.LOCALCONSOLEUSER")))


def mid_set(convo: Conversation) -> None:
    """Start the week six routine and have the first set of pelvic tilts counted."""
    convo.launch()
    convo.say("my physio moved me to the week six routine")
    convo.say("start my week six routine")
    counted = convo.say("ready")
    assert count_in(counted, "Flatten your back.")[0] == 10


# Fever or a red, hot or oozing wound: the surgeon's office today (issue 13), not emergency services.
SURGEON_TODAY = [("I have a fever and my wound is red", "fever_wound")]


@pytest.mark.parametrize("locale", list(LOCALES))
@pytest.mark.parametrize(("phrase", "symptom"), STOP_PHRASES + SURGEON_TODAY + RED_FLAGS)
def test_symptom_mid_set_stops_and_keeps_the_place(
    talk: Callable[..., Conversation], store: SQLiteStore, locale: str, phrase: str, symptom: str
) -> None:
    convo = talk(locale=locale)
    mid_set(convo)
    reply = convo.say(phrase)
    assert reply.interpretation is not None
    assert reply.interpretation.intent == "SymptomIntent"
    assert reply.interpretation.slots["symptom"].resolved_id == symptom
    emergency = symptom in {s for _, s in RED_FLAGS}
    # The set stops at once and carrying on is refused; after an emergency the only thing
    # said again is the number, after any other stop the patient may ask one question.
    again = convo.say("ready")
    assert again.ends_session
    if emergency:
        assert reply.text.endswith("To hear that again, say repeat."), reply.text
        assert again.text.startswith("Please call") and LOCALES[locale] in again.text, again.text
    else:
        assert reply.text.endswith("Is there anything you'd like to ask me about it?"), reply.text
        assert again.text.startswith("Not "), again.text
        assert "rest" in again.text or "today" in again.text
    assert LOCALES[locale] in reply.text, "the right emergency number"
    for other, digits in LOCALES.items():
        if digits != LOCALES[locale]:
            assert digits not in reply.text, other
    if symptom in {s for _, s in SURGEON_TODAY}:
        # not over-triaged: the surgeon's office today; emergency services only for the red flags
        assert "contact your surgeon's" in reply.text and "today about this" in reply.text
        assert "Call emergency services now" not in reply.text and "Call triple zero" not in reply.text
        assert "I've stopped the session and kept your place." in reply.text
    elif emergency:
        assert "Call emergency services now" in reply.text or "Call triple zero" in reply.text
        assert "I've ended today's session." in reply.text
    else:
        assert "Stop the exercise now" in reply.text
        assert "contact your surgeon or" in reply.text
        assert "I've stopped the session and kept your place." in reply.text
    for never in ("you have", "you may have", "diagnos", "sounds like", "it's probably"):
        assert never not in reply.text.lower()
    # the interrupted set is where the place is kept, not done
    record = user_record(store)
    assert record.place is not None
    assert record.place["after_symptom"] is True
    state = record.place["state"]
    assert (state["index"], state["set"], state["side"], state["rep"], state["phase"]) == (0, 1, 0, 0, Phase.PAUSED)
    assert "pelvic_tilts" not in state["done"]


def test_symptom_outside_a_workout_gets_the_same_advice(convo: Conversation) -> None:
    reply = convo.say("ask spine coach my back hurts")
    assert "Stop the exercise now" in reply.text
    assert "contact your surgeon or physical therapist before you carry on" in reply.text
    assert "kept your place" not in reply.text


def test_after_a_stop_the_patient_may_ask_one_question(talk: Callable[..., Conversation]) -> None:
    """After the stop rule or the surgeon's-office answer the microphone stays open: asking to
    carry on (or anything not understood) hears what to do now and the session ends; a real
    question is answered; "no" is rest; a red flag is still the emergency answer. After an
    emergency, "what?" says it all again and anything else says the number again."""
    convo = talk()
    mid_set(convo)
    convo.say("my back hurts")
    for carry_on in ("can I carry on", "should I still do my exercises tomorrow", "ready", "start my exercises"):
        again = convo.say(carry_on)
        assert again.text.startswith("Not for now.") and "before you carry on" in again.text, (carry_on, again.text)
        assert again.ends_session
        mid_set(convo := talk())
        convo.say("my back hurts")
    assert "avoid heavy lifting" in convo.say("what should I avoid").text
    rest = talk()
    mid_set(rest)
    rest.say("my leg is numb")
    no = rest.say("no")
    assert no.text == "Okay. Rest now, and take care." and no.ends_session
    flag = talk()
    mid_set(flag)
    flag.say("my back hurts")
    assert "Call emergency services now" in flag.say("now I can't feel my legs").text
    today = talk()
    mid_set(today)
    assert "today about this" in today.say("my wound is red and hot").text
    not_today = today.say("can I carry on")
    assert not_today.text.startswith("Not today.") and "surgeon's office today" in not_today.text
    emergency = talk()
    mid_set(emergency)
    emergency.say("I can't feel my legs")
    said_again = emergency.say("what?")
    assert said_again.text.startswith("This needs help right away. Call emergency services now on 9 1 1.")
    assert emergency.say("no").text == "Please call emergency services now on 9 1 1."


def test_after_an_emergency_only_the_number_is_said_again(talk: Callable[..., Conversation]) -> None:
    """Nothing talks the skill back into coaching after an emergency answer: help, good
    news, a week, a question, another symptom each hear the number, and the session ends;
    "repeat" and "what?" say the whole answer again."""
    for then in ("help", "I feel fine now", "I'm in week two", "what should I avoid", "my back hurts too", "yes"):
        convo = talk()
        mid_set(convo)
        first = convo.say("I have crushing chest pain")
        assert convo.say("what?").text == first.text
        after = convo.say(then)
        assert after.text == "Please call emergency services now on 9 1 1." and after.ends_session, (then, after.text)


def test_nothing_starts_again_in_the_session_a_symptom_stopped(talk: Callable[..., Conversation]) -> None:
    """After the stop rule, a how-to's offer to coach, a new start or a resume in the same
    session hears the stop's advice instead; a question is still answered first."""
    howto = talk()
    mid_set(howto)
    howto.say("my back hurts")
    explained = howto.say("how do I do heel slides")
    assert "Lie flat on your back" in explained.text and "coach you" not in explained.text.lower()
    assert explained.text.endswith("check with your surgeon or physical therapist before you do it. Anything else?")
    assert "Left leg" not in howto.say("yes").text
    for asked, then in (
        ("what should I avoid", "start my exercises"),
        ("what should I avoid", "coach me through bridging"),
    ):
        convo = talk()
        mid_set(convo)
        convo.say("my back hurts")
        answered = convo.say(asked)
        assert "Not for now" not in answered.text, answered.text
        refused = convo.say(then)
        assert refused.text.startswith("Not for now.") and refused.ends_session, (asked, then, refused.text)
    yes = talk()
    mid_set(yes)
    yes.say("my back hurts")
    assert yes.say("yes").text == "Go ahead: what would you like to ask?"
    assert "avoid heavy lifting" in yes.say("what should I avoid").text


def test_a_tap_on_the_screen_starts_nothing_after_a_symptom(talk: Callable[..., Conversation]) -> None:
    """The routine's screen may still be up after a symptom's answer: a tap on an exercise
    after an emergency hears the number; after a stop, the stop's advice; and a milder
    symptom said later lowers nothing."""
    from skill.devtools import envelopes

    for said, heard in (
        ("I can't feel my legs", "Please call emergency services now on 9 1 1."),
        ("my back hurts", "Not for now."),
    ):
        convo = talk(apl_max_version="2024.3")
        mid_set(convo)
        convo.say(said)
        tapped = convo.request(envelopes.user_event(convo.device, ["coach", "bridging"], "spine-coach-routine"))
        assert tapped.text.startswith(heard) and tapped.ends_session, (said, tapped.text)
    worse_first = talk()
    mid_set(worse_first)
    assert "today about this" in worse_first.say("my wound is red and hot").text
    worse_first.say("what should I avoid")
    assert "Stop the exercise now" in worse_first.say("my back hurts").text
    assert worse_first.say("start my exercises").text.startswith("Not today.")


def test_unrecognised_pain_words_still_stop(convo: Conversation) -> None:
    mid_set(convo)
    reply = convo.say("my knee hurts")
    assert reply.interpretation is not None
    assert reply.interpretation.intent == "SymptomIntent"
    assert "Stop the exercise now" in reply.text
    assert "9 1 1" in reply.text


def test_resuming_after_a_symptom_comes_with_a_reminder(convo: Conversation) -> None:
    mid_set(convo)
    convo.say("it hurts")
    offer = convo.launch()
    assert "You were on exercise 1 of 12" in offer.text
    assert "Only carry on if it has settled" in offer.text
    resumed = convo.say("yes")
    assert "pick up pelvic tilts from the start of that set" in resumed.text


def test_numbness_and_falls_name_their_red_flags(convo: Conversation) -> None:
    numb = convo.say("ask spine coach my leg is numb").text
    assert "If this numbness or weakness is new" in numb
    fell = convo.say("ask spine coach I fell").text
    assert "If you are badly hurt, or can't get up" in fell
    # Numbness for the surgeon's office today (round nine p13): the red flags in its own
    # terms, not "if you also have new numbness" to someone who has just reported it.
    lasting = convo.say("ask spine coach my foot's gone a bit numb since this morning, wasn't like that before").text
    assert "contact your surgeon's office today" in lasting
    assert "If the numbness spreads, or your legs get weak" in lasting and "also have new numbness" not in lasting


AVOID = [
    ("what should I avoid", "refrain from lifting, bending, twisting, or sudden movements"),
    ("what should I avoid", "Even after your back has healed, avoid jumping"),
    ("can I lift my grandson", "Refrain from lifting while your spine heals"),
    ("can I bend down", "While your spine heals, refrain from bending."),
    ("can I bend down", "even after your back has healed, avoid bending over too far"),
    ("can I twist", "Avoid twisting your back"),
    ("can I run", "avoid jumping even after your back has healed"),
    ("can I go swimming", "Talk with your surgeon before beginning any new physical activities"),
    ("can I ride a bike", "like riding a stationary bike, are a better option"),
    ("how should I get out of bed", "Roll to one side before getting out of bed"),
    ("what should I eat", "include calcium, vitamin D and protein-rich foods"),  # seed 001 (issue 27)
    ("can I do sit ups", "My sources don't cover that"),  # not sitting (issue 27)
]


@pytest.mark.parametrize(("utterance", "expected"), AVOID)
def test_what_to_avoid_answers_from_the_catalog(
    convo: Conversation, catalog: Catalog, utterance: str, expected: str
) -> None:
    reply = convo.say(f"ask spine coach {utterance}")
    assert reply.interpretation is not None
    assert reply.interpretation.intent == "AvoidIntent"
    assert expected in reply.text
    assert "Always stick to the post-operative guidelines provided by your spine surgeon and physical" in reply.text
    assert not reply.ends_session


def test_what_to_avoid_without_guidance_points_to_the_surgeon(convo: Conversation) -> None:
    reply = convo.say("ask spine coach can I drive")
    assert (
        "My sources don't cover that, so I can't advise you on it. Please ask your surgeon or physical therapist"
        in reply.text
    )


@pytest.mark.parametrize(
    ("locale", "therapist"),
    [
        ("en-US", "physical therapist"),
        ("en-GB", "physio"),
        ("en-AU", "physio"),
        ("en-IN", "physiotherapist"),
        ("en-CA", "physiotherapist"),
        ("en-NZ", "physical therapist"),
    ],
)
def test_locale_wording(talk: Callable[..., Conversation], locale: str, therapist: str) -> None:
    convo = talk(locale=locale)
    welcome = convo.launch()
    assert f"Always follow your surgeon or {therapist}'s guidance." in welcome.text
    help_reply = convo.say("help")
    assert "not a substitute for professional medical advice" in help_reply.text


def test_australian_emergency_wording(talk: Callable[..., Conversation]) -> None:
    reply = talk(locale="en-AU").say("ask spine coach I have chest pain")
    assert "Call triple zero, 0 0 0, now." in reply.text


@pytest.mark.parametrize("utterance", ["tell me about driving", "i want to know about lifting"])
def test_a_how_to_question_about_an_activity_gets_the_activity_answer(convo: Conversation, utterance: str) -> None:
    """Alexa may hear "tell me about driving" as a how-to with unknown exercise words; they
    name an activity, so the answer is the guidance on it (or that the sources do not cover
    it), whichever intent the words reach."""
    heard_as_how_to = SlotFill("exercise", utterance.rsplit(" about ", maxsplit=1)[-1], slot_type="EXERCISE")
    for reply in (convo.intent("HowToIntent", exercise=heard_as_how_to), convo.say(f"ask spine coach {utterance}")):
        assert "I don't know an exercise called" not in reply.text
        assert "surgeon" in reply.text, reply.text
        assert not reply.ends_session


@pytest.mark.parametrize(
    "utterance", ["will it hurt my back to go cycling", "how long until i can drive", "what are my restrictions"]
)
def test_a_question_about_an_activity_is_not_a_symptom(convo: Conversation, utterance: str) -> None:
    """ "will it hurt my back to ..." asks about an activity; it does not report pain."""
    reply = convo.say(f"ask spine coach {utterance}")
    assert reply.interpretation is not None and reply.interpretation.intent == "AvoidIntent", reply.text
