"""Pain and red flags at any moment, and questions about what to avoid."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput

from skill.alexa.handlers.base import Handler, all_of, intent
from skill.alexa.turn import Turn, turn_of
from skill.domain import safety
from skill.domain.output import Output


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
        # Unrecognised words here still mean something is wrong: answered as for pain.
        symptom = turn.catalog.guidance.find_symptom(turn.slot_id("symptom"))
        was_running = turn.guide.stop_for_symptom()
        return safety.symptom_answer(turn.catalog, symptom, turn.locale, in_workout=was_running)


class AvoidHandler(Handler):
    """ "what should I avoid", "can I lift my grandson", "how should I get out of bed"."""

    when = intent("AvoidIntent")

    def answer(self, turn: Turn) -> Output:
        activity = turn.slot_id("activity")
        topic = turn.catalog.guidance.find_topic(activity)
        not_covered = activity in turn.catalog.vocabulary.not_covered()
        return safety.avoid_answer(turn.catalog, topic, turn.slot_raw("activity"), not_covered=not_covered)
