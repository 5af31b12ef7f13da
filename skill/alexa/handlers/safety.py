"""Pain and red flags at any moment, and questions about what to avoid."""

from __future__ import annotations

from skill.alexa.handlers.base import Handler, intent
from skill.alexa.turn import Turn
from skill.domain import safety
from skill.domain.output import Output


class SymptomHandler(Handler):
    """ "it hurts", "my leg is numb", "I fell": stop at once, whatever else is going on."""

    when = intent("SymptomIntent")

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
