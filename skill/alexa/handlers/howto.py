"""How-to questions: "how do I do bridging", "explain the bird dog"."""

from __future__ import annotations

from skill.alexa.handlers import plan
from skill.alexa.handlers.base import Handler, intent
from skill.alexa.turn import Turn
from skill.domain import howto, safety, starts
from skill.domain.output import Output


class HowToHandler(Handler):
    when = intent("HowToIntent")

    def answer(self, turn: Turn) -> Output:
        exercise_id = turn.slot_id("exercise") or _the_one_just_explained(turn)
        if exercise_id is not None and exercise_id in turn.catalog.exercises:
            explained = howto.explain(turn.catalog.exercise(exercise_id), turn.catalog.guidance.breathing_rule)
            early = starts.too_early(turn.catalog, turn.user, turn.now.date(), exercise_id)
            return plan.with_note(turn, exercise_id, explained.before(*early))
        # "tell me about driving", "how do I get out of bed": not an exercise but an activity
        # the guidance answers (or says it does not cover), read from the same words.
        raw = turn.slot_raw("exercise")
        activity = turn.catalog.vocabulary.resolve("activity", raw)
        if activity is not None:
            topic = turn.catalog.guidance.find_topic(activity)
            not_covered = activity in turn.catalog.vocabulary.not_covered()
            return safety.avoid_answer(turn.catalog, topic, raw, not_covered=not_covered)
        return howto.unknown_exercise(turn.catalog, raw)


def _the_one_just_explained(turn: Turn) -> str | None:
    """ "And how many of those should I do?" right after a how-to names no exercise: it is
    the one just explained (the offer to coach it is still open)."""
    question = turn.session.pending
    if turn.slot_raw("exercise") or question is None or question.kind != "offer_coach":
        return None
    return question.get("exercise") or None
