"""Pain and red flags at any moment, and questions about what to avoid."""

from __future__ import annotations

from dataclasses import replace

from ask_sdk_core.handler_input import HandlerInput

from skill.alexa import slots
from skill.alexa.handlers.base import Handler, all_of, intent
from skill.alexa.turn import Turn, turn_of
from skill.domain import safety
from skill.domain.output import Output, Pending, Say, ask, tell
from skill.domain.triage import Verdict, triage
from skill.domain.vocabulary import CIRCUMSTANCE, words


def _denied_mid_set(hi: HandlerInput) -> bool:
    """Mid-set words that name a symptom only to deny it ("I'm not in pain"): no symptom, so
    the safety net pauses and checks in instead of stopping the session."""
    turn = turn_of(hi)
    if turn.guide.active() is None or turn.slot_id("symptom") is not None:
        return False
    return turn.catalog.vocabulary.denied("symptom", turn.slot_raw("symptom"))


class SymptomHandler(Handler):
    """ "it hurts", "my leg is numb", "I fell": stop at once, whatever else is going on."""

    when = all_of(intent("SymptomIntent"), lambda hi: not _denied_mid_set(hi))

    def answer(self, turn: Turn) -> Output:
        felt = _felt(turn)
        verdict = triage(turn.catalog, felt, turn.slot_id("symptom"))
        if verdict.symptom is None and turn.catalog.vocabulary.says_nothing(felt):
            # Only a greeting or filler ("hey, good morning") reports nothing for certain: the
            # count pauses and the patient is asked, gently, whether something is wrong (a
            # second such answer stops and keeps the place). Any other words a vocabulary does
            # not know ("I think I'm dying", "my throat is closing up", and "turn that telly
            # down": a model's slot keeps neither "I'm" nor a carer's names, so words that
            # seem about nobody may be a sign) are asked about, with the emergency number.
            checked = check_in(turn)
            if checked is not None:
                return checked
            # Outside a session: not understood, with the door left open for a symptom.
            return safety.not_a_report(turn.catalog, turn.locale)
        return answer_verdict(turn, verdict)


# The question "is it pain, numbness or weakness?": mid-set it is a check-in too (its answer
# is read for symptom words; a second miss stops), but "no" to it is no all-clear.
ASK_WHAT = "ask_what"
CHECK_INS = frozenset({"check_in", ASK_WHAT})


def check_in(turn: Turn) -> Output | None:
    """Pause and ask (once; after a check-in, stop and keep the place). ``None`` outside a workout."""
    asked_before = turn.session.pending is not None and turn.session.pending.kind in CHECK_INS
    checked = turn.guide.check_in()
    if checked is None or not asked_before:
        return checked
    return tell(Say.of("workout.check_in.unclear"))


def _felt(turn: Turn) -> str | None:
    """The symptom's words with the exercise they came with, when one was named: "after"
    it (its own slot, ``afterExercise``: "my legs ache a little after the wall sits" is
    effort) or "during" it (``exercise``: "tingling in my toes during the hamstring
    stretch"). A matched exercise is just "the exercise": its name's words are no symptom
    ("side-lying LEG lift"); unknown words as said, the patient's too."""
    felt = turn.slot_raw("symptom")
    for slot, word in (("afterExercise", "after"), ("exercise", "during")):
        named = "exercise" if slots.resolved_id(turn.request, slot) else turn.slot_raw(slot)
        if felt and named:
            return f"{felt} {word} the {named}"
    return felt


def answer_verdict(turn: Turn, verdict: Verdict) -> Output:
    """A triage's answer: normal effort acknowledged and the workout carries on; words that
    name no sign asked about; anything else stops, at its tier."""
    if verdict.symptom is not None and verdict.severity == "expected":
        lead = safety.expected_speech(verdict.symptom)
        return turn.guide.prompt(lead) or safety.expected_answer(verdict.symptom)
    if verdict.hypothetical and verdict.severity is not None:
        lead = safety.if_it_happens_speech(turn.catalog, turn.locale, verdict.severity)
        next_step = Say.of("safety.expected.next")
        return turn.guide.prompt(lead) or ask(*lead, next_step, reprompt=next_step)
    if verdict.symptom is None and turn.session.stopped in ("stop", "surgeon_today"):
        # After a stop, words that name no sign are most likely about the answer ("ok so not
        # an emergency then", live round 13): what to do now again, with the emergency number,
        # rather than "is it pain, numbness or weakness?" as if nothing had been said.
        number = safety.emergency_number(turn.catalog, turn.locale)
        again = Say.of(f"safety.after.unclear.{turn.session.stopped}", number=number)
        # The microphone stays open: something new said next is triaged as any report is.
        return ask(again, Say.of("safety.after.unclear.more"), reprompt=Say.of("safety.ask_what.reprompt"))
    if verdict.symptom is None:
        asked = safety.ask_what(turn.catalog, turn.locale)
        checked = turn.guide.check_in()  # mid-set: pause the count and wait for the answer
        return asked if checked is None else replace(asked, pending=Pending.of(ASK_WHAT), screen=checked.screen)
    was_running = turn.guide.stop_for_symptom()
    return safety.symptom_answer(
        turn.catalog, verdict.symptom, turn.locale, in_workout=was_running, severity=verdict.severity
    )


# Custom slots whose unknown words may carry a red flag a model put on the wrong intent
# ("can you ring triple zero for me, I'm not right" heard as a question about an activity).
WORD_SLOTS = ("exercise", "activity", "stage")
WORDS_INTENTS = (
    "HowToIntent",
    "PurposeIntent",
    "CoachExerciseIntent",
    "ClearanceIntent",
    "AvoidIntent",
    "RoutineOverviewIntent",
    "StartRoutineIntent",
    "StageOverrideIntent",
    "StageIntent",
)


_CONDITIONS = CIRCUMSTANCE | {"unless"}


def _red_flag_in_words(hi: HandlerInput) -> bool:
    return _urgent_in_words(turn_of(hi)) is not None


def _urgent_in_words(turn: Turn) -> Verdict | None:
    """The triage of a slot's unknown words, when it is an emergency, or a sign for the
    surgeon's office today that two words or more report (only then: a question about the
    chest opener is a how-to, not chest pain; "can I get my wound wet" asks about a wound)."""
    for slot in WORD_SLOTS:
        # Only words Alexa could not match to a value (ER_SUCCESS_NO_MATCH): the skill's own
        # reading of them is a guess ("ring triple zero" is not a trip).
        raw = turn.slot_raw(slot)
        if not raw or slots.resolved_id(turn.request, slot) is not None:
            continue
        verdict = triage(turn.catalog, raw)
        urgent = verdict.severity == "emergency" or (verdict.severity == "surgeon_today" and verdict.words > 1)
        if not urgent or verdict.symptom is None:
            continue
        # Words the vocabulary reads as an exercise or activity describe one ("pull your knee
        # into your CHEST"), unless the sign rests on two words or more ("I PASSED OUT ... on
        # the floor" is no question about getting up) and is said as a fact, not a condition
        # ("can I do the stairs IF I get out of breath" asks about the stairs); a call for
        # help never describes anything.
        conditional = any(word in _CONDITIONS for word in words(raw))
        described = turn.slot_id(slot) is not None and (verdict.words <= 1 or conditional)
        if described and verdict.symptom.id != "emergency_help":
            continue
        return verdict
    return None


class RedFlagInWordsHandler(Handler):
    """A red flag, or a sign for the surgeon's office today, in words another intent took is
    still one: a symptom always wins ("is it normal for my wound to be hot and puffy")."""

    when = all_of(intent(*WORDS_INTENTS), _red_flag_in_words)

    def answer(self, turn: Turn) -> Output:
        verdict = _urgent_in_words(turn)
        assert verdict is not None  # the predicate found it
        return answer_verdict(turn, verdict)


class AvoidHandler(Handler):
    """ "what should I avoid", "can I lift my grandson", "how should I get out of bed"."""

    when = intent("AvoidIntent")

    def answer(self, turn: Turn) -> Output:
        activity = turn.slot_id("activity")
        topic = turn.catalog.guidance.find_topic(activity)
        not_covered = activity in turn.catalog.vocabulary.not_covered()
        return safety.avoid_answer(turn.catalog, topic, turn.slot_raw("activity"), not_covered=not_covered)
