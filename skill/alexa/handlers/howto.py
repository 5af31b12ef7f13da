"""How-to questions: "how do I do bridging", "explain the bird dog"."""

from __future__ import annotations

from skill.alexa.handlers import plan
from skill.alexa.handlers.base import Handler, intent
from skill.alexa.turn import Turn
from skill.domain import howto
from skill.domain.output import Output


class HowToHandler(Handler):
    when = intent("HowToIntent")

    def answer(self, turn: Turn) -> Output:
        exercise_id = turn.slot_id("exercise")
        if exercise_id is not None and exercise_id in turn.catalog.exercises:
            explained = howto.explain(turn.catalog.exercise(exercise_id), turn.catalog.guidance.breathing_rule)
            return plan.with_note(turn, exercise_id, explained)
        return howto.unknown_exercise(turn.catalog, turn.slot_raw("exercise"))
