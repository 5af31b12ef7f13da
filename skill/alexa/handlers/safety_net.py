"""The safety net during a guided session: nothing not understood is met with "say ready".

A patient mid-exercise who says something the skill cannot place may be reporting a
problem in words no model holds. So while a session runs, the fallback intent, a slot
whose words mean nothing to the vocabulary, or an intent that makes no sense mid-set
(a bare time, a bare number, a bare routine name nobody asked for, a pain score with no
number, yesterday's exercises) pauses the count and checks in. A learned understanding
puts a symptom it is unsure of on the nearest intent: "I'm in a lot of pain" on the pain
log, "my back is agony since I did the exercises yesterday" on yesterday's exercises.
The answer to the check-in is taken as a symptom when any of its words are symptom
words; otherwise, a second miss stops the session and keeps the place.
"""

from __future__ import annotations

from dataclasses import replace

from ask_sdk_core.handler_input import HandlerInput

from skill.alexa import slots
from skill.alexa.handlers.base import Handler, Predicate, all_of, intent, pending
from skill.alexa.handlers.safety import ASK_WHAT, CHECK_INS, answer_verdict, check_in
from skill.alexa.handlers.workout import in_workout
from skill.alexa.turn import Turn, turn_of
from skill.domain import safety, stage
from skill.domain.output import Output, Pending, Say, ask, tell
from skill.domain.triage import Verdict, triage

# Intents that only answer a question the skill asks outside a session.
OUT_OF_STATE = frozenset({"TimeAnswerIntent", "PainAnswerIntent", "StageIntent"})
# Intents that mean nothing mid-set, where a learned understanding puts symptoms it is
# unsure of ("my back's agony since yesterday" on yesterday's exercises, "my pain's going up
# the more I do" on the pain trend, "I hurt my back" on the no-surgery intent): check in
# before anything else.
MID_SET_MISFITS = frozenset({"YesterdayIntent", "PainTrendIntent", "NoSurgeryIntent"})
# The time since surgery is one too when it is days ("it's been hurting about two days" heard
# as "about two days"), or missing; "actually I had my surgery eight weeks ago" is a correction.
SURGERY_DAYS_MISFIT = 14
# Intents that need a number to mean anything; without one they are checked in on too.
NEEDS_NUMBER = {"LogPainIntent": "score"}
# Custom slots whose words must mean something for the request to be understood.
WORD_SLOTS = ("exercise", "stage", "activity")


def _slot_names(turn: Turn) -> list[str]:
    slots = getattr(getattr(turn.request, "intent", None), "slots", None)
    return list(slots) if isinstance(slots, dict) else []


def not_understood(turn: Turn) -> bool:
    """True for a request the running session cannot act on (see the module docstring)."""
    if getattr(turn.request, "object_type", None) != "IntentRequest":
        return False
    name = turn.intent_name
    if name == "AMAZON.FallbackIntent":
        return True
    question = turn.session.pending
    if name in OUT_OF_STATE and not (name == "StageIntent" and question is not None and question.kind == "ask_stage"):
        return True
    if name in MID_SET_MISFITS:
        return True
    if name == "SurgeryAgoIntent":
        days = stage.duration_days(turn.slot_duration("duration") or "")
        return days is None or days < SURGERY_DAYS_MISFIT
    if name in NEEDS_NUMBER and turn.slot_number(NEEDS_NUMBER[name]) is None:
        return True
    if name == "SymptomIntent":
        # Unrecognised symptom words are still a symptom; words that deny one ("I'm not in
        # pain") are not, but they are not understood either: pause and check in.
        raw = turn.slot_raw("symptom")
        return turn.slot_id("symptom") is None and turn.catalog.vocabulary.denied("symptom", raw)
    # The words as said, fillers too: "okay coach me" mid-set is not understood, not a start.
    return any(
        slots.raw_value(turn.request, slot) and turn.slot_id(slot) is None
        for slot in WORD_SLOTS
        if slot in _slot_names(turn)
    )


def mid_session_miss() -> Predicate:
    def check(hi: HandlerInput) -> bool:
        return not_understood(turn_of(hi))

    return all_of(in_workout(), check)


class SafetyNetHandler(Handler):
    """Pause and check in; after a check-in, symptom words are a symptom and another miss stops."""

    when = mid_session_miss()

    def answer(self, turn: Turn) -> Output:
        question = turn.session.pending
        if question is not None and question.kind in CHECK_INS:
            verdict = _symptom_in_words(turn)
            if verdict is not None:
                return answer_verdict(turn, verdict)
            if question.kind == "check_in" and _all_clear(turn):
                return nothing_wrong()  # "no, nothing hurts, I just need to stop for today"
        return check_in(turn) or tell(Say.of("workout.check_in.unclear"))


def _all_clear(turn: Turn) -> bool:
    """The words deny a symptom and name no other ("no, nothing hurts"), and what they deny
    is no good news ("I don't feel so good" is a complaint)."""
    raw = turn.slot_raw("symptom")
    vocabulary = turn.catalog.vocabulary
    if not vocabulary.denied("symptom", raw):
        return False
    denied = vocabulary.resolve("symptom", raw, negation=False)
    good_news = {s.id for s in turn.catalog.guidance.symptoms if s.alone}
    return denied not in good_news


def nothing_wrong() -> Output:
    """The check-in answered "no, nothing's wrong": the count stays paused until "ready"."""
    return ask(Say.of("workout.check_in.fine"), reprompt=Say.of("workout.check_in.fine.reprompt"))


class CheckInAnsweredHandler(Handler):
    """A yes or a no to "if something hurts or feels wrong, tell me": no is carried on from
    (paused, "ready" goes on); yes is asked what it is, as any symptom not yet named."""

    when = all_of(intent("AMAZON.YesIntent", "AMAZON.NoIntent"), pending(*CHECK_INS), in_workout())

    def answer(self, turn: Turn) -> Output:
        question = turn.session.pending
        if turn.intent_name == "AMAZON.NoIntent" and question is not None and question.kind == "check_in":
            return nothing_wrong()
        # Yes to "does something hurt?", or no to "is it pain, numbness or weakness?" (none of
        # those): asked what it is, with the emergency number.
        asked = safety.ask_what(turn.catalog, turn.locale)
        return replace(asked, pending=Pending.of(ASK_WHAT))


def _symptom_in_words(turn: Turn) -> Verdict | None:
    """The triage of any heard slot words that are symptom words ("my leg feels funny")."""
    for slot in _slot_names(turn):
        verdict = triage(turn.catalog, turn.slot_raw(slot))
        if verdict.symptom is not None:
            return verdict
    return None
