"""Routine overviews: which exercises a stage's routine holds, and how many."""

from __future__ import annotations

from dataclasses import replace

from skill.domain.catalog import Catalog, Routine
from skill.domain.coaching import estimated_minutes, plan_routine
from skill.domain.output import Count, ExerciseRef, ListOf, Output, Pending, RoutineRef, RoutineScreen, Say, ask


def routine_overview(catalog: Catalog, routine: Routine, done: tuple[str, ...] = ()) -> Output:
    """Names and count of a routine's exercises, noting those that need clearance, and
    about how long it takes; ``done`` (the saved place's finished and skipped exercises in
    this routine) tells which one the user is up to."""
    exercise_ids = list(dict.fromkeys(item.exercise for item in routine.items))
    up_to = next((e for e in exercise_ids if e not in done), exercise_ids[0]) if done else exercise_ids[0]
    minutes = estimated_minutes(plan_routine(catalog, routine), {}, 1.0)
    speech = [
        Say.of(
            "overview.routine",
            routine=RoutineRef(routine.id),
            count=Count(len(exercise_ids), "exercise"),
            exercises=ListOf(tuple(ExerciseRef(e) for e in exercise_ids)),
        )
    ]
    needs_clearance = [e for e in exercise_ids if catalog.exercise(e).requires_clearance]
    if needs_clearance:
        speech.append(
            Say.of(
                "overview.clearance_note",
                exercises=ListOf(tuple(ExerciseRef(e) for e in needs_clearance)),
                verb=Say.of("verb.is") if len(needs_clearance) == 1 else Say.of("verb.are"),
            )
        )
    speech.append(Say.of("overview.minutes", minutes=Count(minutes, "minute")))
    if done:
        speech.append(Say.of("overview.up_to", exercise=ExerciseRef(up_to)))
    speech.append(Say.of("overview.follow_up"))
    screen = RoutineScreen(routine.id, minutes=minutes, next=up_to)
    # "ok, start that" then starts this routine (an offer, not a question: a new request
    # answers it as well).
    offer = Pending.of("offer_routine", routine=routine.id)
    return replace(ask(*speech, reprompt=Say.of("overview.follow_up.reprompt"), pending=offer), screen=screen)


def which_routine() -> Output:
    return ask(Say.of("overview.which_stage"), reprompt=Say.of("overview.which_stage.reprompt"))


def unknown_routine() -> Output:
    return ask(Say.of("overview.unknown_stage"), reprompt=Say.of("overview.which_stage.reprompt"))


def list_routines(catalog: Catalog) -> Output:
    routines = ListOf(tuple(RoutineRef(r) for r in catalog.routines))
    return ask(
        Say.of("overview.list", count=Count(len(catalog.routines), "routine"), routines=routines),
        reprompt=Say.of("overview.which_stage.reprompt"),
    )
