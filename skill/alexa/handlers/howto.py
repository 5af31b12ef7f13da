"""How-to questions: "how do I do bridging", "explain the bird dog", "what is bridging for"."""

from __future__ import annotations

from dataclasses import replace

from skill.alexa.handlers import plan
from skill.alexa.handlers.base import Handler, all_of, intent, pending
from skill.alexa.turn import Turn
from skill.domain import howto, safety, starts
from skill.domain.output import ExerciseRef, Output, Say, Segment
from skill.domain.triage import triage


class HowToHandler(Handler):
    when = intent("HowToIntent")

    def answer(self, turn: Turn) -> Output:
        exercise_id = turn.slot_id("exercise") or _the_one_just_explained(turn) or _the_one_being_done(turn)
        if exercise_id is not None and exercise_id in turn.catalog.exercises:
            exercise = turn.catalog.exercise(exercise_id)
            explained = howto.explain(exercise, turn.catalog.guidance.breathing_rule, turn.guide.amount_of(exercise_id))
            early = starts.too_early(turn.catalog, turn.user, turn.now.date(), exercise_id)
            return _in_context(turn, exercise_id, plan.with_note(turn, exercise_id, explained.before(*early)))
        return _not_an_exercise(turn, turn.slot_raw("exercise"))


def _not_an_exercise(turn: Turn, raw: str | None) -> Output:
    """Words in the exercise slot that name no exercise: an activity the guidance answers,
    a sign reported (answered as the sign), else the closest exercises' names."""
    # "tell me about driving", "how do I get out of bed": not an exercise but an activity
    # the guidance answers (or says it does not cover), read from the same words.
    activity = turn.catalog.vocabulary.resolve("activity", raw)
    if activity is not None:
        topic = turn.catalog.guidance.find_topic(activity)
        not_covered = activity in turn.catalog.vocabulary.not_covered()
        return safety.avoid_answer(turn.catalog, topic, raw, not_covered=not_covered)
    # "how do I do this one, I feel dizzy": words that name no exercise but report a sign
    # (two words or more) are answered as the sign, not "I don't know an exercise called".
    verdict = triage(turn.catalog, raw or "")
    if verdict.severity in ("stop", "surgeon_today", "emergency") and verdict.words > 1 and not verdict.hypothetical:
        from skill.alexa.handlers.safety import answer_verdict

        return answer_verdict(turn, verdict)
    return howto.unknown_exercise(turn.catalog, raw)


class HowToOfferYesHandler(HowToHandler):
    """Yes to "would you like to hear how to do it?" after what an exercise is for."""

    when = all_of(intent("AMAZON.YesIntent"), pending(howto.OFFER_HOWTO))


class PurposeHandler(Handler):
    """ "what is bird dog for", "why do I do pelvic tilts": what its source says it is for."""

    when = intent("PurposeIntent")

    def answer(self, turn: Turn) -> Output:
        exercise_id = turn.slot_id("exercise") or _the_one_just_explained(turn) or _the_one_being_done(turn)
        if exercise_id is None or exercise_id not in turn.catalog.exercises:
            # "what's the point of this numbness in my leg": a sign, not an exercise
            return _not_an_exercise(turn, turn.slot_raw("exercise"))
        return _in_context(turn, exercise_id, howto.purpose(turn.catalog.exercise(exercise_id)))


def _in_context(turn: Turn, exercise_id: str, answer: Output) -> Output:
    """An answer about an exercise that ends with an offer (to coach it, to hear how), as the
    session stands: after a symptom's stop, what to do first instead of the offer; mid-session,
    where the session is ("say ready when you're set"), since a yes to the offer would leave
    the routine; otherwise the offer."""
    if turn.session.stopped is not None:
        return replace(
            answer,
            speech=(*answer.speech[:-1], Say.of("safety.after.howto")),
            reprompt=(Say.of("reminder.anything_else.reprompt"),),
            pending=None,
        )
    return _back_to_the_session(turn, exercise_id, list(answer.speech[:-1])) or answer


def _back_to_the_session(turn: Turn, exercise_id: str, explained: list[Segment]) -> Output | None:
    """The how-to, then where the session is; "Now, back to pelvic tilts" first when the
    how-to was of another exercise."""
    state = turn.guide.active()
    if state is None or state.item is None:
        return None
    if state.item.exercise != exercise_id:
        explained.append(Say.of("howto.back_to", exercise=ExerciseRef(state.item.exercise)))
    return turn.guide.prompt(explained)


def _the_one_being_done(turn: Turn) -> str | None:
    """ "How do I do this one again?", "repeat the instructions" in a session name no
    exercise: it is the one the session is on."""
    state = turn.guide.active()
    if turn.slot_raw("exercise") or state is None or state.item is None:
        return None
    return state.item.exercise


def _the_one_just_explained(turn: Turn) -> str | None:
    """ "And how many of those should I do?" right after a how-to names no exercise: it is
    the one just explained (the offer to coach it is still open)."""
    question = turn.session.pending
    if turn.slot_raw("exercise") or question is None or question.kind not in ("offer_coach", howto.OFFER_HOWTO):
        return None
    return question.get("exercise") or None
