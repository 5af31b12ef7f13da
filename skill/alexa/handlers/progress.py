"""Progress, the pain log, and the user's control over their data."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.alexa import logs
from skill.alexa.handlers.base import Handler, all_of, intent, pending, request_type
from skill.alexa.handlers.reminders import flow
from skill.alexa.handlers.workout import in_workout
from skill.alexa.turn import Turn, turn_of
from skill.domain import pain, progress, safety, slot_values
from skill.domain.output import (
    Count,
    ExerciseRef,
    ListOf,
    Output,
    Pending,
    ProgressScreen,
    RoutineRef,
    Say,
    Segment,
    ask,
    tell,
)

log = logs.getLogger("spine_coach")


class ProgressHandler(Handler):
    """ "how am I doing?": sessions this week, the streak, exercises done, the pain trend."""

    when = intent("ProgressIntent")

    def answer(self, turn: Turn) -> Output:
        user = turn.user
        on = turn.today()
        numbers = progress.summary(
            turn.sessions_since(on - timedelta(days=progress.WINDOW_DAYS)), user.streak_run, turn.now, turn.time_zone
        )
        active = bool(numbers.exercises_this_week or numbers.streak)
        if not active:
            speech: list[Segment] = [Say.of("progress.nothing_yet")]
        else:
            speech = [
                Say.of(
                    "progress.week",
                    sessions=Count(numbers.sessions_this_week, "session"),
                    exercises=Count(numbers.exercises_this_week, "exercise"),
                )
                if numbers.sessions_this_week
                else Say.of("progress.week.none"),
                Say.of("progress.streak", days=Count(numbers.streak, "day"))
                if numbers.streak
                else Say.of("progress.no_streak"),
            ]
        scores = turn.pain_since(on - timedelta(days=pain.RECENT_DAYS))
        found = pain.trend(scores, on)
        verdict = None
        if found is not None:
            direction, earlier, later = found
            verdict = Say.of(f"progress.pain.{direction}", earlier=earlier, later=later)
            speech.append(verdict)
        if active:  # nothing done and no streak: no praise to keep up
            speech.append(Say.of("progress.keep_going"))
        screen = ProgressScreen(
            numbers.sessions_this_week,
            numbers.exercises_this_week,
            numbers.streak,
            week=numbers.week,
            today=numbers.weekday,
            pain=tuple((str(s["date"]), int(s["score"])) for s in scores[-pain.CHART_SCORES :]) if found else (),
            pain_verdict=verdict,
        )
        return replace(ask(*speech, reprompt=Say.of("progress.reprompt")), screen=screen)


class PainTrendHandler(Handler):
    """ "is my pain getting better?": the trend of the recent scores, where they are kept; a
    profile that keeps none says so. With no scores to go on, the stop rule follows: the same
    words may have said the pain is going up ("my pain's going up the more I do"). Mid-set
    the safety net checks in first."""

    when = intent("PainTrendIntent")

    def answer(self, turn: Turn) -> Output:
        if not turn.access.keeps_health:
            return _noted(turn, turn.unkept("pain.not_kept"), Say.of("pain.trend.if_worse"))
        on = turn.today()
        found = pain.trend(turn.pain_since(on - timedelta(days=pain.RECENT_DAYS)), on)
        if found is None:
            return _noted(turn, Say.of("pain.trend.none"), Say.of("pain.trend.if_worse"))
        direction, earlier, later = found
        return _noted(turn, Say.of(f"progress.pain.{direction}", earlier=earlier, later=later))


class SendProgressHandler(Handler):
    """ "send my progress to my phone": this week's numbers on a card in the Alexa app."""

    when = intent("SendProgressIntent")

    def answer(self, turn: Turn) -> Output:
        on = turn.today()
        numbers = progress.summary(
            turn.sessions_since(on - timedelta(days=progress.WINDOW_DAYS)),
            turn.user.streak_run,
            turn.now,
            turn.time_zone,
        )
        card: list[Segment] = [
            Say.of(
                "progress.card.week",
                sessions=Count(numbers.sessions_this_week, "session"),
                exercises=Count(numbers.exercises_this_week, "exercise"),
            ),
            Say.of("progress.card.streak", days=Count(numbers.streak, "day")),
        ]
        scores = turn.pain_since(on - timedelta(days=pain.RECENT_DAYS))
        found = pain.trend(scores, on)
        if found is not None:
            card.append(Say.of("progress.card.pain", earlier=found[1], later=found[2]))
        sent: list[Segment] = [Say.of("progress.card.sent")]
        if not turn.deps.profile.links_accounts:
            # "Send my progress to my physio" (live round 13): under the consumer profile
            # nothing reaches a clinic, and the patient should not think it did.
            sent.append(Say.of("progress.card.not_sent_on"))
        output = ask(*sent, reprompt=Say.of("progress.reprompt"))
        title = turn.renderer.render((Say.of("progress.card.title"),)).text
        return replace(output, card_title=title, card_body=tuple(card))


class YesterdayHandler(Handler):
    """ "what did I do yesterday?"."""

    when = intent("YesterdayIntent")

    def answer(self, turn: Turn) -> Output:
        yesterday = turn.today() - timedelta(days=1)
        day = progress.days(turn.sessions_since(yesterday), turn.time_zone).get(yesterday)
        if day is None or not day.done:
            return ask(Say.of("progress.yesterday.nothing"), reprompt=Say.of("progress.reprompt"))
        names = ListOf(tuple(ExerciseRef(e) for e in dict.fromkeys(day.done) if e in turn.catalog.exercises))
        speech: list[Segment] = [Say.of("progress.yesterday", count=Count(len(day.done), "exercise"), exercises=names)]
        routines = [r for r in day.routines if r in turn.catalog.routines]
        if routines:
            speech.append(Say.of("progress.yesterday.routine", routine=RoutineRef(routines[-1])))
        return ask(*speech, reprompt=Say.of("progress.reprompt"))


class StreakHandler(Handler):
    """ "how many days in a row?"."""

    when = intent("StreakIntent")

    def answer(self, turn: Turn) -> Output:
        days = streak_of(turn)
        if not days:  # "today is a great day to start one" is the encouragement; no "keep it up"
            return ask(Say.of("progress.no_streak"), reprompt=Say.of("progress.reprompt"))
        return ask(
            Say.of("progress.streak", days=Count(days, "day")),
            Say.of("progress.keep_going"),
            reprompt=Say.of("progress.reprompt"),
        )


def streak_of(turn: Turn) -> int:
    """Days in a row: the recorded run, and the days of the session still running."""
    running = turn.guide.place_entry()
    day = progress.entry_day(running, turn.time_zone) if running and running["done"] else None
    return progress.streak(turn.user.streak_run, [day] if day else [], turn.today())


def log_pain(turn: Turn, score: int | None, *, after_routine: bool, before: int | None = None) -> Output:
    """Log a 0-10 score; a missing, not understood or out-of-range one is asked again.

    A high score, a jump from the recent ones, or a score the patient says went up from
    ``before`` ("it went from 3 to 6") is the stop rule's "increased pain": the stop answer,
    and a running set stops with its place kept. Mid-set, any other score is noted and the
    workout carries on."""
    went_up = (
        Say.of("pain.alert.went_up", before=before, score=score)
        if before is not None and score is not None and pain.said_rise(before, score)
        else None
    )
    if not turn.access.keeps_health:
        return _pain_not_kept(turn, score, went_up)
    if went_up is not None and score is not None and score > 10:
        return _stopped_for_pain(turn, went_up)  # "from 3 to 12": a rise, but no score out of ten to log
    if score is None or not 0 <= score <= 10:
        return ask(Say.of("pain.out_of_range"), reprompt=Say.of("pain.ask.reprompt"), pending=Pending.of("pain_rating"))
    check = turn.log_pain(score)
    if went_up is not None and check.alert != "high":
        return _stopped_for_pain(turn, went_up)
    if check.alert is not None:
        lead = Say.of("pain.alert.high" if check.alert == "high" else "pain.alert.rise", score=score)
        return _stopped_for_pain(turn, lead)
    if after_routine:
        return tell(Say.of("pain.logged", score=score), Say.of("pain.goodbye"))
    return _noted(turn, Say.of("pain.logged", score=score))


def _noted(turn: Turn, lead: Segment, *more: Segment) -> Output:
    """``lead`` (and ``more``), then a running set carries on (with the stop rule's reminder),
    or what next."""
    carry_on = turn.guide.prompt([lead, *more, Say.of("safety.expected.stop_if")])
    if carry_on is not None:
        return carry_on
    return ask(lead, *more, Say.of("reminder.anything_else"), reprompt=Say.of("reminder.anything_else.reprompt"))


def _pain_not_kept(turn: Turn, score: int | None, went_up: Say | None) -> Output:
    """A profile that keeps no health information logs no pain: it says so and why. A high
    score, or pain said to have gone up (``went_up``), is still the stop rule's increased pain."""
    if score is not None and pain.HIGH <= score <= 10:
        return _with_note(_stopped_for_pain(turn, Say.of("pain.alert.high", score=score)), turn)
    if went_up is not None:
        return _with_note(_stopped_for_pain(turn, went_up), turn)
    return _noted(turn, turn.unkept("pain.not_kept"))


def _with_note(stopped: Output, turn: Turn) -> Output:
    """The stop answer with the note that no score is kept, before its closing question
    (what the answer asks must be what is said last)."""
    *said, last = stopped.speech
    closing = (last,) if not stopped.end_session else ()
    kept = tuple(said) if closing else (*said, last)
    return replace(stopped, speech=(*kept, turn.unkept("pain.not_kept"), *closing))


def _stopped_for_pain(turn: Turn, lead: Segment) -> Output:
    """The stop rule's answer for pain, after ``lead``; a running workout stops, place kept."""
    was_running = turn.guide.stop_for_symptom()
    answer = safety.symptom_answer(
        turn.catalog, turn.catalog.guidance.find_symptom("pain"), turn.locale, in_workout=was_running, severity="stop"
    )
    return replace(answer, speech=(lead, *answer.speech))


def _high_score(hi: HandlerInput) -> bool:
    score = turn_of(hi).slot_number("score")
    return score is not None and pain.HIGH <= score <= 10


class PainAnswerHandler(Handler):
    """A number answering "how is your back right now?". Alexa may hear a bare "three" as
    a time (03:00); in answer to this question it is the score."""

    when = all_of(intent("PainAnswerIntent", "TimeAnswerIntent"), pending("pain_rating"))

    def answer(self, turn: Turn) -> Output:
        score = turn.slot_number("score")
        if score is None:
            score = slot_values.hour_on_the_hour(turn.slot_time("time"))
        return log_pain(turn, score, after_routine=True)


class PainScoreMidSetHandler(Handler):
    """A high number mid-set ("it's a seven out of ten now"): the model says a bare number is
    a pain score, and a high one is the stop rule's increased pain, so the set stops. It may
    also be a count said aloud, so it is not logged: "log my pain as seven" logs. A lower
    number the safety net checks in on."""

    when = all_of(intent("PainAnswerIntent"), in_workout(), _high_score)

    def answer(self, turn: Turn) -> Output:
        return _high_stray_number(turn, turn.slot_number("score") or pain.HIGH)


class StrayNumberHandler(Handler):
    """A bare number when no question wanted one. A high one may be pain out of ten: the
    stop rule is said, on that condition, with how to log it."""

    when = intent("PainAnswerIntent")

    def answer(self, turn: Turn) -> Output:
        score = turn.slot_number("score")
        if score is not None and pain.HIGH <= score <= 10:
            return _high_stray_number(turn, score)
        if turn.session.stopped in ("stop", "surgeon_today"):
            # "It's sore now, maybe a six" after a stop (live round 14): the stop's answer
            # again, not "say, start my exercises". (A high number keeps its own answer.)
            return safety.after_symptom_answer(turn.catalog, turn.locale, turn.session.stopped)
        unknown = Say.of("pain.stray_number") if turn.access.keeps_health else Say.of("pain.stray_number.not_kept")
        return ask(unknown, reprompt=Say.of("reminder.anything_else.reprompt"))


def _high_stray_number(turn: Turn, score: int) -> Output:
    """The stop rule on the condition that the number was pain out of ten, and how to log it
    (a number alone is never logged: it may have been a count)."""
    stopped = _stopped_for_pain(turn, Say.of("pain.stray_high", score=score))
    if not turn.access.keeps_health:
        return stopped  # nothing to log it in
    return replace(stopped, speech=(*stopped.speech, Say.of("pain.stray_log", score=score)))


class LogPainHandler(Handler):
    """ "log my pain as three", at any time."""

    when = intent("LogPainIntent")

    def answer(self, turn: Turn) -> Output:
        question = turn.session.pending
        return log_pain(
            turn,
            turn.slot_number("score"),
            after_routine=question is not None and question.kind == "pain_rating",
            before=turn.slot_number("before"),  # "it went from 3 to 6"
        )


class PainSkippedHandler(Handler):
    """ "no" (or "skip") to the pain question at the end of a routine."""

    when = all_of(
        intent("AMAZON.NoIntent", "SkipIntent", "AMAZON.CancelIntent", "AMAZON.StopIntent"), pending("pain_rating")
    )

    def answer(self, turn: Turn) -> Output:
        return tell(Say.of("pain.goodbye"))


class DeleteDataHandler(Handler):
    """ "delete my data": asks first."""

    when = intent("DeleteDataIntent")

    def answer(self, turn: Turn) -> Output:
        # What is kept depends on the profile; either way everything stored goes.
        kept = Say.of("data.delete.confirm") if turn.access.keeps_health else Say.of("data.delete.confirm.consumer")
        return ask(kept, reprompt=Say.of("data.delete.confirm.reprompt"), pending=Pending.of("delete_data"))


class DeleteDataYesHandler(Handler):
    when = all_of(intent("AMAZON.YesIntent"), pending("delete_data"))

    def answer(self, turn: Turn) -> Output:
        reminders_left = False
        if turn.user.reminders:
            reminders_left = not flow(turn).cancel_all()[0]
        if not turn.forget_user():
            return ask(Say.of("data.delete.failed"), reprompt=Say.of("reminder.anything_else.reprompt"))
        if reminders_left:
            return tell(Say.of("data.deleted"), Say.of("data.deleted.reminders_left"))
        return tell(Say.of("data.deleted"))


class DeleteDataNoHandler(Handler):
    when = all_of(intent("AMAZON.NoIntent"), pending("delete_data"))

    def answer(self, turn: Turn) -> Output:
        return ask(Say.of("data.delete.kept"), reprompt=Say.of("reminder.anything_else.reprompt"))


class SkillDisabledHandler(Handler):
    """The user disabled the skill: delete everything kept for them (no speech is possible)."""

    when = request_type("AlexaSkillEvent.SkillDisabled")

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        if turn.user.reminders:
            flow(turn).cancel_all()  # best effort: this event may carry no permission
        turn.forget_user(whole_account=True)
        log.info("skill disabled: user data deleted")
        return turn.finish()
