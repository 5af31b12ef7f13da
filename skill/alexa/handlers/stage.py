"""The user's personal stage: surgery date, weeks since, week number, the physio's choice, clearances."""

from __future__ import annotations

from datetime import date

from ask_sdk_core.handler_input import HandlerInput

from skill.alexa.handlers.base import Handler, all_of, intent, pending
from skill.alexa.turn import Turn, turn_of
from skill.domain import pain, stage
from skill.domain.output import ExerciseRef, Output, Pending, RoutineRef, Say, Segment, ask


def spoken_date(when: date) -> Say:
    return Say.of("format.date", month=Say.of(f"month.{when.month}"), day=when.day, year=when.year)


def after_statement(turn: Turn, check: stage.StageCheck) -> Output:
    """Confirm a stored stage and offer its routine, or question an implausible one."""
    if check.outcome != "stored":
        question = Say.of(
            "stage.future"
            if check.outcome == "future"
            else "stage.too_old"
            if check.outcome == "too_old"
            else "stage.unclear"
        )
        return ask(question, reprompt=Say.of("stage.question.reprompt"))
    today = turn.now.date()
    routine = stage.routine_for(turn.user, turn.catalog, today)
    assert routine is not None and check.week is not None
    first, last = stage.days_of_week(check.week)
    if check.surgery_date is not None:
        lead: list[Segment] = [
            Say.of(
                "stage.date.stored",
                date=spoken_date(check.surgery_date),
                week=check.week,
                first=first,
                last=last,
                routine=RoutineRef(routine.id),
            )
        ]
    else:
        lead = [Say.of("stage.week.stored", week=check.week, first=first, last=last, routine=RoutineRef(routine.id))]
    lead += _follow_up_note(turn)
    return _offer_start(routine.id, *lead)


def _follow_up_note(turn: Turn) -> list[Segment]:
    """Past day 42 without the six-week follow-up: say what comes after it."""
    today = turn.now.date()
    if not stage.follow_up_due(turn.user, turn.catalog, today):
        return []
    day = stage.days_since_surgery(turn.user, today) or 0
    later = turn.catalog.stages.span_for_day(day).routine
    return [Say.of("stage.follow_up.pending", routine=RoutineRef(later))]


def _offer_start(routine_id: str, *lead: Segment) -> Output:
    return ask(
        *lead,
        Say.of("stage.offer_start"),
        reprompt=Say.of("stage.offer_start.reprompt", routine=RoutineRef(routine_id)),
        pending=Pending.of("start_routine", routine=routine_id),
    )


class SurgeryDateHandler(Handler):
    """ "my surgery was on October third"."""

    when = intent("SurgeryDateIntent")

    def answer(self, turn: Turn) -> Output:
        return after_statement(turn, stage.set_surgery_date(turn.user, turn.slot_date("date"), turn.now.date()))


class SurgeryAgoHandler(Handler):
    """ "I had surgery five weeks ago"."""

    when = intent("SurgeryAgoIntent")

    def answer(self, turn: Turn) -> Output:
        return after_statement(turn, stage.set_weeks_ago(turn.user, turn.slot_duration("duration"), turn.now.date()))


class WeekHandler(Handler):
    """ "I'm in week four" (AMAZON.NUMBER ``week``), "I'm in my sixth week" (ORDINAL ``ordinal``:
    its id "6", or the words Alexa could not match)."""

    when = intent("WeekIntent")

    def answer(self, turn: Turn) -> Output:
        return _week_said(turn, turn.slot_number("week"))


def _week_said(turn: Turn, week: int | None) -> Output:
    """The week as a number, else as the ordinal slot holds it, stored and said back."""
    said = str(week) if week is not None else turn.slot_id("ordinal") or turn.slot_raw("ordinal")
    return after_statement(turn, stage.set_week(turn.user, said, turn.now.date()))


def _a_week(hi: HandlerInput) -> bool:
    score = turn_of(hi).slot_number("score")
    return score is not None and 1 <= score <= stage.MAX_WEEKS


class WeekNumberAnswerHandler(Handler):
    """A bare number ("four", "about four") answering "which week after surgery are you in?"
    is the week, not a pain score nobody asked for. From seven to ten it might have been
    pain out of ten ("seven out of ten" is heard as the same number): the week is said back
    for the patient to correct, with what to do if it was pain (no set is running to stop,
    and ending the session on a week number would be a false alarm)."""

    when = all_of(intent("PainAnswerIntent"), pending("ask_stage"), _a_week)

    def answer(self, turn: Turn) -> Output:
        score = turn.slot_number("score")
        said = _week_said(turn, score)
        if score is None or not pain.HIGH <= score <= 10:
            return said
        return said.then(Say.of("stage.week.or_pain", score=score))


class StageOverrideHandler(Handler):
    """ "my physio moved me to the week six routine"."""

    when = intent("StageOverrideIntent")

    def answer(self, turn: Turn) -> Output:
        routine_id = turn.slot_id("stage")
        if routine_id is None or routine_id not in turn.catalog.routines:
            from skill.domain import overview

            return overview.unknown_routine()
        return override(turn, routine_id)


class NoSurgeryHandler(Handler):
    """ "I didn't have surgery, I just hurt my back", "I'm not post-op, just a bad back": the
    general low back routine becomes the user's, as if a physiotherapist had said so, and is
    offered. (Mid-set the safety net checks in first: "I hurt my back" may be a symptom.)"""

    when = intent("NoSurgeryIntent")

    def answer(self, turn: Turn) -> Output:
        week = stage.current_week(turn.user, turn.now.date())
        if week is not None and turn.user.stage_override is None:
            # A week after surgery was told or worked out from a date: words that merely mention
            # surgery ("I didn't have surgery till last month") must not replace it unasked.
            return ask(
                Say.of("stage.no_surgery.confirm", week=week),
                reprompt=Say.of("stage.no_surgery.confirm.reprompt"),
                pending=Pending.of("no_surgery"),
            )
        return override(turn, stage.GENERAL)


class NoSurgeryYesHandler(Handler):
    """ "yes" to "you told me week N after surgery: switch to the general routine?"."""

    when = all_of(intent("AMAZON.YesIntent"), pending("no_surgery"))

    def answer(self, turn: Turn) -> Output:
        return override(turn, stage.GENERAL)


class NoSurgeryNoHandler(Handler):
    when = all_of(intent("AMAZON.NoIntent"), pending("no_surgery"))

    def answer(self, turn: Turn) -> Output:
        return ask(Say.of("stage.no_surgery.kept"), reprompt=Say.of("reminder.anything_else.reprompt"))


def override(turn: Turn, routine_id: str) -> Output:
    """The user's routine set by a physiotherapist's word (or "I didn't have surgery"), offered."""
    stage.set_override(turn.user, routine_id)
    return _offer_start(routine_id, Say.of("stage.override.stored", routine=RoutineRef(routine_id)))


class WhatWeekHandler(Handler):
    """ "what week am I in"."""

    when = intent("WhatWeekIntent")

    def answer(self, turn: Turn) -> Output:
        user, today = turn.user, turn.now.date()
        routine = stage.routine_for(user, turn.catalog, today)
        if routine is None:
            return ask(Say.of("stage.current.unknown"), reprompt=Say.of("stage.current.unknown.reprompt"))
        if user.stage_override is not None:
            return _offer_start(routine.id, Say.of("stage.current.override", routine=RoutineRef(routine.id)))
        week = stage.current_week(user, today) or 1
        first, last = stage.days_of_week(week)
        said = Say.of("stage.current.week", week=week, first=first, last=last, routine=RoutineRef(routine.id))
        return _offer_start(routine.id, said, *_follow_up_note(turn))


class ClearanceHandler(Handler):
    """ "my surgeon cleared me for cat cow"."""

    when = intent("ClearanceIntent")

    def answer(self, turn: Turn) -> Output:
        exercise_id = turn.slot_id("exercise")
        if exercise_id is None or exercise_id not in turn.catalog.exercises:
            return ask(Say.of("stage.clearance.unknown"), reprompt=Say.of("stage.clearance.unknown"))
        exercise = ExerciseRef(exercise_id)
        if not turn.catalog.exercise(exercise_id).requires_clearance:
            lead: Segment = Say.of("stage.clearance.not_needed", exercise=exercise)
        else:
            if exercise_id not in turn.user.clearances:
                turn.user.clearances.append(exercise_id)
            lead = Say.of("stage.clearance.stored", exercise=exercise)
        return ask(lead, Say.of("stage.anything_else"), reprompt=Say.of("stage.anything_else.reprompt"))
