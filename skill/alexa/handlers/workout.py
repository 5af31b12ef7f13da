"""Guided sessions: starting a routine or one exercise, and every request during one."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.alexa.handlers import plan
from skill.alexa.handlers.base import Handler, Predicate, all_of, any_of, intent, pending, request_type
from skill.alexa.turn import Turn, turn_of
from skill.domain import overview, safety, stage, starts
from skill.domain.output import Output, Pending, Say, ask
from skill.domain.workout import EventKind

# Requests that drive a workout, and the event each one is.
EVENTS: dict[str, EventKind] = {
    "ReadyIntent": EventKind.READY,
    "AMAZON.NextIntent": EventKind.READY,
    "AMAZON.PreviousIntent": EventKind.PREVIOUS,
    "AMAZON.RepeatIntent": EventKind.REPEAT,
    "SkipIntent": EventKind.SKIP,
    "AMAZON.PauseIntent": EventKind.PAUSE,
    "AMAZON.ResumeIntent": EventKind.RESUME,
    "AMAZON.StartOverIntent": EventKind.START_OVER,
    "SlowerIntent": EventKind.SLOWER,
    "FasterIntent": EventKind.FASTER,
    "EasierIntent": EventKind.EASIER,
    "HarderIntent": EventKind.HARDER,
    "HowManyLeftIntent": EventKind.HOW_MANY_LEFT,
    "WhatsNextIntent": EventKind.WHATS_NEXT,
}


def in_workout() -> Predicate:
    """True while a guided session is running in this session."""
    return lambda hi: turn_of(hi).guide.active() is not None


def none_active() -> Output:
    return ask(Say.of("workout.none_active"), reprompt=Say.of("workout.none_active.reprompt"))


def start_for_stage(turn: Turn, routine_id: str | None) -> Output:
    """Start the routine the user named (if their stage allows), or ask their week."""
    if routine_id is not None and routine_id in turn.catalog.routines:
        return starts.start_routine(turn.guide, routine_id, turn.now.date())
    lead = [Say.of("workout.unknown_stage")] if turn.slot_raw("stage") else []
    return ask_week(*lead)


def ask_week(*lead: Say) -> Output:
    return ask(
        *lead,
        Say.of("workout.which_stage"),
        reprompt=Say.of("workout.which_stage.reprompt"),
        pending=Pending.of("ask_stage", then="start"),
    )


class StartRoutineHandler(Handler):
    """ "start my week six routine", "let's do the in-hospital exercises", "start my exercises"."""

    when = intent("StartRoutineIntent")

    def answer(self, turn: Turn) -> Output:
        routine_id = turn.slot_id("stage")
        named = routine_id is not None or bool(turn.slot_raw("stage"))
        state = turn.guide.active()
        if state is not None and not state.single and (not named or routine_id == state.routine):
            # "Start it" while a routine waits for "ready" goes on from where it is, not from
            # its first exercise (live round 13); "start over" is the way back to the start.
            carried_on = turn.guide.apply(EventKind.READY)
            if carried_on is not None:
                return carried_on
        if not named:
            return start_my_exercises(turn)
        return start_for_stage(turn, routine_id)


def start_my_exercises(turn: Turn) -> Output:
    """ "Start my exercises": a linked physiotherapist's plan first (stock routines stay
    available by name), else the routine for the user's stage, else the question of which week."""
    return plan.start_plan(turn) or starts.start_for_user(turn.guide, turn.now.date()) or ask_week()


class StageAnswerHandler(Handler):
    """A bare stage ("week six") answers the last question about which routine. After
    "which week after surgery are you in?", "week three" is the user's week."""

    when = intent("StageIntent")

    def answer(self, turn: Turn) -> Output:
        question = turn.session.pending
        routine_id = turn.slot_id("stage")
        if question is not None and question.kind == "ask_stage" and question.get("then") == "start":
            check = stage.set_from_week_words(turn.user, turn.slot_raw("stage") or "", turn.now.date())
            if check is not None:
                from skill.alexa.handlers.stage import after_statement

                return after_statement(turn, check)
            return start_for_stage(turn, routine_id)
        if question is None and stage.says_no_surgery(turn.user, routine_id, turn.slot_raw("stage"), turn.now.date()):
            # The general routine is the user's, as if a physiotherapist had said so.
            from skill.alexa.handlers.stage import override

            return override(turn, stage.GENERAL)
        if routine_id is not None and routine_id in turn.catalog.routines:
            return overview.routine_overview(turn.catalog, turn.catalog.routine(routine_id))
        return overview.unknown_routine()


class CoachExerciseHandler(Handler):
    """ "coach me through bridging": a one-exercise session."""

    when = intent("CoachExerciseIntent")

    def answer(self, turn: Turn) -> Output:
        from skill.domain import howto

        exercise_id = turn.slot_id("exercise")
        if exercise_id is not None and exercise_id in turn.catalog.exercises:
            return starts.start_single(turn.guide, exercise_id, turn.now.date())
        if not turn.slot_raw("exercise"):
            # "morning, can we do my exercises" with "morning" heard as the exercise: no
            # exercise named is a start of the user's exercises.
            return start_my_exercises(turn)
        return howto.unknown_exercise(turn.catalog, turn.slot_raw("exercise"))


def _asked_about_surgery(hi: HandlerInput) -> bool:
    question = turn_of(hi).session.pending
    return question is not None and question.get("step") == "surgery"


class ConfirmStartHandler(Handler):
    """ "yes" or "no" to a stage question before a start (``skill.domain.starts``)."""

    # A clearance said in answer ("yeah, my physio cleared me for it") is a yes by the model's
    # samples, not by reading ClearanceIntent as one: "my surgeon hasn't cleared me for it"
    # may reach that intent too.
    when = any_of(
        all_of(intent("AMAZON.YesIntent", "AMAZON.NoIntent"), pending(starts.CONFIRM)),
        # "No, I didn't have surgery, I just want exercises for my back" to "have you had back surgery?"
        all_of(intent("NoSurgeryIntent"), pending(starts.CONFIRM), _asked_about_surgery),
    )

    def answer(self, turn: Turn) -> Output:
        question = turn.session.pending
        assert question is not None  # the predicate checked it
        yes = turn.intent_name == "AMAZON.YesIntent"
        return starts.answer(turn.guide, question, yes, turn.now.date())


class OfferedRoutineHandler(Handler):
    """ "ok, start that" after hearing what a routine holds, "start my routine" to "that's the
    weeks three to six routine, would you like to start it?": that routine (its stage checked
    as any start is), not "no session is running" or another routine."""

    # "start my exercises" after an overview of another routine is the user's own routine,
    # not the one described; after "that's your routine, would you like to start it?" it is.
    when = any_of(
        all_of(intent("AMAZON.YesIntent", "ReadyIntent", "AMAZON.ResumeIntent"), pending("offer_routine")),
        all_of(intent("StartRoutineIntent"), pending("start_routine"), lambda hi: not turn_of(hi).slot_raw("stage")),
    )

    def answer(self, turn: Turn) -> Output:
        routine_id = turn.session.pending.get("routine") if turn.session.pending else ""
        return start_for_stage(turn, routine_id or None)


class CoachOfferYesHandler(Handler):
    """ "Want me to coach you through it?" - yes, "ready", or "coach me through it" (naming no
    other exercise)."""

    when = all_of(
        intent("AMAZON.YesIntent", "ReadyIntent", "CoachExerciseIntent"),
        pending("offer_coach"),
        lambda hi: turn_of(hi).slot_raw("exercise") is None,
    )

    def answer(self, turn: Turn) -> Output:
        exercise_id = turn.session.pending.get("exercise") if turn.session.pending else ""
        if exercise_id in turn.catalog.exercises:
            return starts.start_single(turn.guide, exercise_id, turn.now.date())
        return none_active()


class ResumeYesHandler(Handler):
    when = all_of(intent("AMAZON.YesIntent", "AMAZON.ResumeIntent", "ReadyIntent"), pending("resume"))

    def answer(self, turn: Turn) -> Output:
        return turn.guide.resume() or none_active()


class ResumeNoHandler(Handler):
    when = all_of(intent("AMAZON.NoIntent"), pending("resume"))

    def answer(self, turn: Turn) -> Output:
        return turn.guide.decline_resume()[1]


class StartRoutineYesHandler(Handler):
    """ "yes", or "ready", to "would you like to start it now?"."""

    when = all_of(intent("AMAZON.YesIntent", "ReadyIntent"), pending("start_routine"))

    def answer(self, turn: Turn) -> Output:
        routine_id = turn.session.pending.get("routine") if turn.session.pending else ""
        return start_for_stage(turn, routine_id or None)


class StartRoutineNoHandler(Handler):
    when = all_of(intent("AMAZON.NoIntent"), pending("start_routine"))

    def answer(self, turn: Turn) -> Output:
        return ask(Say.of("workout.anything_else"), reprompt=Say.of("workout.anything_else.reprompt"))


class StopInWorkoutHandler(Handler):
    """Stop or cancel mid-workout: the place is kept for next time."""

    when = all_of(intent("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"), in_workout())

    def answer(self, turn: Turn) -> Output:
        return turn.guide.apply(EventKind.STOP) or none_active()


class YesNoInWorkoutHandler(Handler):
    """ "yes" to "say ready when you're in position" means ready; "no" means not yet."""

    when = all_of(intent("AMAZON.YesIntent", "AMAZON.NoIntent"), in_workout())

    def answer(self, turn: Turn) -> Output:
        if turn.intent_name == "AMAZON.YesIntent":
            return turn.guide.apply(EventKind.READY) or none_active()
        return turn.guide.prompt([Say.of("workout.in_progress.no")]) or none_active()


class HelpInWorkoutHandler(Handler):
    when = all_of(intent("AMAZON.HelpIntent"), in_workout())

    def answer(self, turn: Turn) -> Output:
        # "Help" mid-set may be a call for help: say how to report a symptom and the number first.
        number = safety.emergency_number(turn.catalog, turn.locale)
        return (
            turn.guide.prompt([Say.of("safety.help_in_workout", number=number), Say.of("workout.help")])
            or none_active()
        )


class RepeatHandler(Handler):
    """Repeat says exactly the last thing said; with nothing said yet in this session, the
    workout (if any) says where we are. After a counted set it says where we are too (the next
    exercise, the other side), with its screen: the set is done, and the screen already shows
    what follows the count."""

    when = intent("AMAZON.RepeatIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        if turn.session.last_counted and turn.guide.active() is not None:
            return turn.respond(turn.guide.apply(EventKind.REPEAT) or _nothing_to_repeat())
        replayed = turn.replay()
        if replayed is not None:
            return replayed
        return turn.respond(turn.guide.apply(EventKind.REPEAT) or _nothing_to_repeat())


def _nothing_to_repeat() -> Output:
    return ask(Say.of("workout.repeat.nothing"), reprompt=Say.of("workout.none_active.reprompt"))


class WorkoutEventHandler(Handler):
    """Ready, next, previous, skip, pause, resume, start over, slower, faster, easier,
    harder, how many left, what's next: sent to the workout, or a helpful answer outside one."""

    when = intent(*EVENTS)

    def answer(self, turn: Turn) -> Output:
        name = turn.intent_name
        return turn.guide.apply(EVENTS[name]) or none_active()


class TouchHandler(Handler):
    """A touch on the routine screen: ``SendEvent`` with ("coach", exercise id)."""

    when = request_type("Alexa.Presentation.APL.UserEvent")

    def answer(self, turn: Turn) -> Output:
        arguments = getattr(turn.request, "arguments", None) or []
        if len(arguments) == 2 and arguments[0] == "coach" and arguments[1] in turn.catalog.exercises:
            return starts.start_single(turn.guide, str(arguments[1]), turn.now.date())
        from skill.domain import welcome

        return welcome.not_understood()
