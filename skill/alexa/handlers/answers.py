"""Yes and no, answered in the context of the skill's last question; a question that gets
something else for an answer is asked again once, then let go as a "no" would leave it."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.alexa.handlers.base import Handler, Predicate, all_of, any_of, intent, pending, request_type
from skill.alexa.handlers.workout import EVENTS, in_workout
from skill.alexa.turn import Turn, turn_of
from skill.domain import howto, safety, starts, welcome
from skill.domain.output import Output, Pending, Say, ask, tell

# Questions that must have a yes or a no: starting a routine the surgeon must clear (or after
# the six-week follow-up), deleting data. (An offer to coach or to pick up a saved place is
# no such question: a new request answers it well enough.)
YES_NO_QUESTIONS = frozenset({starts.CONFIRM, "start_routine", "delete_data"})
# Workout commands but "repeat" (which replays the last answer, whatever it was).
COMMANDS = frozenset(EVENTS) - {"AMAZON.RepeatIntent"}
# What answers none of them and asks for nothing new either: a workout command with no
# workout running ("ready" to "has your surgeon cleared you?"), a bare time, number or
# routine name, words the skill could not place. Repeat replays the question; help, stop,
# a symptom and any real request are answered as they are.
NOT_AN_ANSWER = COMMANDS | {"AMAZON.FallbackIntent", "TimeAnswerIntent", "PainAnswerIntent", "StageIntent"}


def _not_in_workout() -> Predicate:
    running = in_workout()
    return lambda hi: not running(hi)


YES_NO = ("AMAZON.YesIntent", "AMAZON.NoIntent")
# "Ready" to "would you like to start it now?" is a yes (``StartRoutineYesHandler``).
_READY_TO_START = all_of(intent("ReadyIntent"), pending("start_routine"))


class QuestionAgainHandler(Handler):
    """The open question asked again, briefly, for an answer that fits none; a second such
    answer lets it go (``_dropped``)."""

    when = all_of(
        intent(*NOT_AN_ANSWER), pending(*YES_NO_QUESTIONS), _not_in_workout(), lambda hi: not _READY_TO_START(hi)
    )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        question = turn.session.pending
        if question is not None and question.get("again"):
            return turn.respond(_dropped(turn, question))
        if question is not None:
            turn.session.pending = Pending.of(question.kind, **{**dict(question.data), "again": "1"})
        return turn.ask_again(tell(Say.of("question.again"))) or turn.respond(self.answer(turn))

    def answer(self, turn: Turn) -> Output:
        return ask(
            Say.of("question.again.plain"), reprompt=Say.of("question.again.plain"), pending=turn.session.pending
        )


def _dropped(turn: Turn, question: Pending) -> Output:
    """Asked again once and answered with something else again: the question is let go as a
    "no" would leave it (nothing started, nothing deleted), not asked a third time (live round
    13: "Sorry, I need a yes or a no first" three times over)."""
    turn.session.pending = None
    said = Say.of("question.dropped.delete" if question.kind == "delete_data" else "question.dropped.start")
    # What was said may have been a red flag a device sends no words with ("she won't wake
    # up properly" heard as nothing): the emergency number is said, as for the week question.
    number = safety.emergency_number(turn.catalog, turn.locale)
    return ask(said, Say.of("question.dropped.serious", number=number), reprompt=Say.of("workout.anything_else"))


class CoachOfferNoHandler(Handler):
    """No to "shall I coach you through it?" or "would you like to hear how to do it?"."""

    when = all_of(intent("AMAZON.NoIntent"), pending("offer_coach", howto.OFFER_HOWTO))

    def answer(self, turn: Turn) -> Output:
        return ask(Say.of("howto.declined"), reprompt=Say.of("howto.declined.reprompt"))


class UnexpectedYesNoHandler(Handler):
    """A yes or no when no question is open. Outside a workout, "no" (or "no, thank you")
    answers the "anything else?" most answers end with: goodbye."""

    when = intent(*YES_NO)

    def answer(self, turn: Turn) -> Output:
        name = turn.intent_name
        if name == "AMAZON.NoIntent" and turn.guide.active() is None and turn.session.pending is None:
            return welcome.goodbye()
        return welcome.nothing_to_answer()


class WeekAgainHandler(Handler):
    """The week question is not dropped for an answer that is none (issue 26): "ready",
    "skip" or "pause" with no workout yet, yes or no, or words not understood. It is asked
    again, with why it matters and what to say when the week is not known. Anything Alexa
    hears as a symptom ("I'm not sure" too: "ouch, I don't know") is the symptom handler's."""

    when = all_of(
        intent(*COMMANDS, "AMAZON.FallbackIntent", *YES_NO),
        pending("ask_stage"),
        _not_in_workout(),
    )

    def answer(self, turn: Turn) -> Output:
        # A device sends no words with these intents: what was said may have been a red flag
        # ("pause, she's passed out"), so the emergency number is said too.
        number = safety.emergency_number(turn.catalog, turn.locale)
        return ask(
            Say.of("workout.which_stage.again", number=number),
            reprompt=Say.of("workout.which_stage.reprompt"),
            pending=turn.session.pending,
        )


# What starts exercise again, later in the same session: a request, or a yes to an offer.
STARTS = COMMANDS | {"StartRoutineIntent", "CoachExerciseIntent"}
START_OFFERS = (starts.CONFIRM, "start_routine", "offer_coach", "offer_routine", "resume")
# What asks to carry on after a symptom stopped things, or says nothing the skill can place
# ("should I still do my exercises?" is no intent of its own): a device sends no words with
# these, so the answer is the stop's, again.
CARRY_ON = STARTS | {"AMAZON.FallbackIntent", "StageIntent"}
TOUCH = "Alexa.Presentation.APL.UserEvent"


def _stopped(*tiers: str) -> Predicate:
    return lambda hi: turn_of(hi).session.stopped in tiers


class AfterEmergencyHandler(Handler):
    """After the emergency answer the session stays open only to say it again: "repeat"
    (and "what?") says all of it; anything else, whatever it is, and from anyone in the room,
    the number, and the session ends. Nothing else is taken up until the next session."""

    when = all_of(
        _stopped("emergency"),
        any_of(
            all_of(request_type("IntentRequest"), lambda hi: turn_of(hi).intent_name != "AMAZON.RepeatIntent"),
            request_type(TOUCH),  # a tap on a screen still showing the routine starts nothing
            request_type("LaunchRequest"),
        ),
    )

    def answer(self, turn: Turn) -> Output:
        return safety.after_symptom_answer(turn.catalog, turn.locale, "emergency")


class AfterSymptomHandler(Handler):
    """The one question after a symptom stopped the exercise (``safety.symptom_answer``):
    asking to carry on, or anything the skill cannot place, hears what to do now again;
    "yes" (there is a question) asks for it; "no" is rest and goodbye. Any other request is
    answered as it is ("repeat" says the whole answer again); a symptom always wins."""

    when = all_of(intent(*CARRY_ON, *YES_NO), pending(safety.AFTER_SYMPTOM))

    def answer(self, turn: Turn) -> Output:
        if turn.intent_name == "AMAZON.YesIntent":
            return ask(
                Say.of("safety.follow_up.go_on"),
                reprompt=Say.of("safety.follow_up.reprompt"),
                pending=turn.session.pending,
            )
        # The session's most urgent stop (``Turn.respond`` keeps it), not only the latest: "my
        # back hurts" after a wound for the surgeon's office today is still for today.
        declined = turn.intent_name == "AMAZON.NoIntent"
        return safety.after_symptom_answer(turn.catalog, turn.locale, turn.session.stopped or "stop", declined=declined)


class StoppedTodayHandler(Handler):
    """Later in a session a symptom stopped, nothing starts again: asking to start a routine
    or be coached, an answer to an offer to (or to the questions before a start), or a tap
    on the screen hears what to do now instead (the stop's advice)."""

    when = all_of(
        _stopped("stop", "surgeon_today"),
        any_of(intent(*STARTS), all_of(intent(*YES_NO), pending(*START_OFFERS)), request_type(TOUCH)),
    )

    def answer(self, turn: Turn) -> Output:
        return safety.after_symptom_answer(turn.catalog, turn.locale, turn.session.stopped or "stop")
