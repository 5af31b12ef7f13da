"""Stage-aware starts: a routine or one exercise starts only when it fits the user's stage.

``skill.domain.stage.gate`` decides; this module says it. Beyond the user's known stage, or a
post-operative routine when the stage is unknown, the skill says which stage it is for
and asks whether the surgeon or physiotherapist has cleared it. The week six routine asks
once whether the six-week follow-up has happened. The general low back routine asks
whether the person had back surgery. Every question is a ``confirm_start`` pending
question whose ``step`` says what a "yes" or "no" means (``answer``).
"""

from __future__ import annotations

from datetime import date

from skill.domain import stage
from skill.domain.catalog import Catalog
from skill.domain.guided import Guide
from skill.domain.output import ExerciseRef, Output, Pending, RoutineRef, Say, Segment, ask
from skill.domain.user import UserRecord

CONFIRM = "confirm_start"


def start_routine(guide: Guide, routine_id: str, today: date) -> Output:
    """Start a routine, or ask what its stage needs first."""
    check = stage.gate(guide.user, guide.catalog, today, routine_id)
    if check.kind == "open":
        return guide.start_routine(routine_id)
    return _question(guide.catalog, guide.user, today, check, routine_id=routine_id)


def start_single(guide: Guide, exercise_id: str, today: date) -> Output:
    """Coach one exercise, or ask what its stage needs first. An exercise that needs the
    surgeon's clearance is refused first (``Guide.start_single`` says so)."""
    exercise = guide.catalog.exercise(exercise_id)
    if exercise.requires_clearance and exercise_id not in guide.user.clearances:
        return guide.start_single(exercise_id)
    routine_id = stage.exercise_routine(guide.catalog, exercise_id)
    check = stage.gate(guide.user, guide.catalog, today, routine_id)
    if check.kind == "open" or (check.kind == "confirm" and check.from_day == 0):
        # Fits every day after surgery (and no surgery at all): nothing can be too early.
        return guide.start_single(exercise_id)
    return _question(guide.catalog, guide.user, today, check, exercise_id=exercise_id)


def too_early(catalog: Catalog, user: UserRecord, today: date, exercise_id: str) -> list[Segment]:
    """What a how-to says first about an exercise beyond the user's known stage (issue 27:
    the same gate as coaching): which routine it is part of, from when, where the user is,
    and to ask before trying it. Nothing when it fits, or when the stage is not known."""
    if stage.days_since_surgery(user, today) is None and user.stage_override is None:
        return []
    routine_id = stage.exercise_routine(catalog, exercise_id)
    check = stage.gate(user, catalog, today, routine_id)
    part_of = Say.of("start.stage.exercise", exercise=ExerciseRef(exercise_id), routine=RoutineRef(check.routine or ""))
    if check.kind == "surgery" and check.routine and stage.days_since_surgery(user, today) is not None:
        # After back surgery, an exercise of the general low back routine is not theirs yet.
        return [part_of, Say.of("start.surgery.about", routine=RoutineRef(check.routine)), Say.of("howto.too_early")]
    if check.kind != "confirm" or check.from_day == 0 or not check.routine:
        return []
    return [
        part_of,
        _stage_words(catalog, check.routine, check.from_day),
        _where_user_is(user, today),
        Say.of("howto.too_early"),
    ]


def start_for_user(guide: Guide, today: date) -> Output | None:
    """ "start my exercises": the user's own routine, or ``None`` when their stage is unknown."""
    user, catalog = guide.user, guide.catalog
    if stage.follow_up_due(user, catalog, today):
        day = stage.days_since_surgery(user, today) or 0
        return start_routine(guide, catalog.stages.span_for_day(day).routine, today)
    routine = stage.routine_for(user, catalog, today)
    return None if routine is None else start_routine(guide, routine.id, today)


def answer(guide: Guide, question: Pending, yes: bool, today: date) -> Output:
    """The user's yes or no to a ``confirm_start`` question."""
    step = question.get("step")
    routine_id, exercise_id = question.get("routine"), question.get("exercise")
    catalog, user = guide.catalog, guide.user
    if step == "surgery":
        if not yes:  # no back surgery: the routine is meant for them
            return _start(guide, routine_id, exercise_id)
        return _approval_question(routine_id, exercise_id)
    if yes:
        lead: list[Segment] = []
        if step == "follow_up":
            user.follow_up_confirmed = True
            lead.append(Say.of("start.follow_up.noted"))
        return _start(guide, routine_id, exercise_id).before(*lead)
    own = stage.routine_for(user, catalog, today)
    if step == "follow_up" and own is not None:
        return _offer(own.id, Say.of("start.follow_up.not_yet", routine=RoutineRef(own.id)))
    if own is not None and own.id != routine_id:
        return _offer(own.id, Say.of("start.declined"), Say.of("start.declined.own", routine=RoutineRef(own.id)))
    more = Say.of("start.declined.unknown") if own is None else Say.of("workout.anything_else")
    return ask(Say.of("start.declined"), more, reprompt=Say.of("workout.anything_else.reprompt"))


def _start(guide: Guide, routine_id: str, exercise_id: str) -> Output:
    if exercise_id:
        return guide.start_single(exercise_id)
    return guide.start_routine(routine_id)


def _offer(routine_id: str, *lead: Segment) -> Output:
    """Nothing started; offer the routine of the user's own stage instead."""
    return ask(
        *lead,
        Say.of("stage.offer_start"),
        reprompt=Say.of("stage.offer_start.reprompt", routine=RoutineRef(routine_id)),
        pending=Pending.of("start_routine", routine=routine_id),
    )


def _question(
    catalog: Catalog,
    user: UserRecord,
    today: date,
    check: stage.Gate,
    *,
    routine_id: str = "",
    exercise_id: str = "",
) -> Output:
    """Say which stage this is for and ask the question the gate needs."""
    speech: list[Segment] = []
    gated = check.routine or ""
    if exercise_id:
        speech.append(
            Say.of("start.stage.exercise", exercise=ExerciseRef(exercise_id), routine=RoutineRef(gated))
            if gated
            else Say.of("start.stage.no_stage", exercise=ExerciseRef(exercise_id))
        )
    if check.kind == "surgery":
        known = stage.days_since_surgery(user, today) is not None
        speech.append(Say.of("start.surgery.about", routine=RoutineRef(gated)))
        if known:
            return _approval_question(routine_id, exercise_id, lead=speech)
        return ask(
            *speech,
            Say.of("start.surgery.question"),
            reprompt=Say.of("start.surgery.reprompt"),
            pending=Pending.of(CONFIRM, step="surgery", routine=routine_id, exercise=exercise_id),
        )
    if check.kind == "follow_up":
        return ask(
            *speech,
            Say.of("start.follow_up.question", routine=RoutineRef(gated)),
            reprompt=Say.of("start.follow_up.reprompt"),
            pending=Pending.of(CONFIRM, step="follow_up", routine=routine_id, exercise=exercise_id),
        )
    if gated:
        speech.append(_stage_words(catalog, gated, check.from_day))
    speech.append(_where_user_is(user, today))
    return ask(
        *speech,
        Say.of("start.confirm.question"),
        reprompt=Say.of("start.confirm.reprompt"),
        pending=Pending.of(CONFIRM, step="clearance", routine=routine_id, exercise=exercise_id),
    )


def _approval_question(routine_id: str, exercise_id: str, lead: list[Segment] | None = None) -> Output:
    """Had back surgery: the routine is not meant for them without their physiotherapist's approval."""
    return ask(
        *(lead or []),
        Say.of("start.surgery.not_for_you"),
        reprompt=Say.of("start.surgery.approval.reprompt"),
        pending=Pending.of(CONFIRM, step="approval", routine=routine_id, exercise=exercise_id),
    )


def _stage_words(catalog: Catalog, routine_id: str, from_day: int | None) -> Say:
    """What stage a routine is for, in the content's terms."""
    span = catalog.stages.first_span(routine_id)
    if span is None or from_day is None:
        return Say.of("start.stage.clinician", routine=RoutineRef(routine_id))
    week = stage.week_of_day(from_day)
    if span.after_follow_up:
        return Say.of("start.stage.follow_up", routine=RoutineRef(routine_id), day=from_day)
    return Say.of("start.stage.from_day", routine=RoutineRef(routine_id), day=from_day, week=week)


def _where_user_is(user: UserRecord, today: date) -> Say:
    if user.stage_override is not None:
        return Say.of("start.you_are.override", routine=RoutineRef(user.stage_override))
    day = stage.days_since_surgery(user, today)
    if day is None:
        return Say.of("start.you_are.unknown")
    week = stage.week_of_day(day)
    first, last = stage.days_of_week(week)
    return Say.of("start.you_are", week=week, first=first, last=last)
