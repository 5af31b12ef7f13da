"""The pure workout state machine, tested with tables of states and events."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from skill.alexa.prompts import load_prompts
from skill.alexa.speech import MAX_SPEECH_CHARS, Renderer
from skill.domain.catalog import Catalog, Range
from skill.domain.coaching import (
    COUNT_CHAR_BUDGET,
    PlanItem,
    count_chunk,
    estimate_chars,
    hold_segments,
    plan_routine,
    plan_single,
)
from skill.domain.output import Output, Pause, Say
from skill.domain.workout import (
    SINGLE,
    Event,
    EventKind,
    Phase,
    WorkoutState,
    new_workout,
    transition,
)
from tests.support import check_ssml

T0 = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)

# A small synthetic plan that has every kind of item in it.
TWO_SETS_PER_SIDE = PlanItem("bridging", "counted", reps=Range(2, 4), hold=Range(3, 5), per_side=True, sets=2, tempo=2)
SIMPLE = PlanItem("pelvic_tilts", "counted", reps=Range(3, 3), tempo=2)
UNTIMED = PlanItem("calf_stretch", "untimed", per_side=True, side_word="leg")
BLOCKED = PlanItem("cat_cow", "counted", reps=Range(5, 10), tempo=6, blocked=True)
AEROBIC = PlanItem("walking", "aerobic", minutes=Range(5, 10))
PLAN = (TWO_SETS_PER_SIDE, SIMPLE, UNTIMED, BLOCKED, AEROBIC)


def started() -> WorkoutState:
    state, _ = transition(new_workout("week_six", PLAN, started_at=T0), Event(EventKind.START, T0))
    return state


def at(**changes: object) -> WorkoutState:
    return replace(started(), **changes)  # type: ignore[arg-type]


def step(state: WorkoutState, kind: EventKind, minutes: float = 1) -> tuple[WorkoutState, Output]:
    return transition(state, Event(kind, T0 + timedelta(minutes=minutes)))


def keys(output: Output) -> list[str]:
    return list(output.keys)


# -- every state x every event is accepted and answered sensibly -----------------------------

STATES = {
    "new": new_workout("week_six", PLAN, started_at=T0),
    "ready at first": started(),
    "mid chunk": at(rep=1),
    "second side": at(side=1),
    "second set": at(set=2),
    "untimed": at(index=2),
    "paused": at(phase=Phase.PAUSED, rep=1),
    "away": at(index=4, phase=Phase.AWAY),
    "finished": at(index=5, phase=Phase.FINISHED),
    "single": transition(new_workout(SINGLE, (SIMPLE,), started_at=T0), Event(EventKind.START, T0))[0],
}


@pytest.mark.parametrize("event", list(EventKind))
@pytest.mark.parametrize("name", list(STATES))
def test_every_state_accepts_every_event(name: str, event: EventKind, catalog: Catalog) -> None:
    state, output = step(STATES[name], event)
    # listening responses always have a reprompt (Output enforces it); speech renders cleanly
    renderer = Renderer(load_prompts("en-US"), catalog, random.Random(0))
    check_ssml(renderer.render(output.speech).ssml, f"{name}/{event}")
    if not output.end_session:
        check_ssml(renderer.render(output.reprompt).ssml, f"{name}/{event} reprompt")
    assert 0 <= state.index <= len(state.items)
    assert WorkoutState.from_dict(state.to_dict()) == state


# -- the transitions that matter ---------------------------------------------------------------

TABLE: list[tuple[str, WorkoutState, EventKind, dict[str, object], list[str]]] = [
    # (case, state, event, expected fields of the new state, keys that must be spoken)
    (
        "start introduces the first exercise",
        STATES["new"],
        EventKind.START,
        {"phase": Phase.READY, "index": 0},
        ["coach.start.routine", "coach.exercise.header", "coach.intro.plan"],
    ),
    (
        "ready counts the left side of set one",
        STATES["ready at first"],
        EventKind.READY,
        {"index": 0, "set": 1, "side": 1, "rep": 0},
        ["coach.set.start", "coach.side.start", "coach.rep.number", "coach.side.switch"],
    ),
    (
        "ready on the second side finishes the set",
        STATES["second side"],
        EventKind.READY,
        {"index": 0, "set": 2, "side": 0},
        ["coach.set.done", "coach.set.rest"],
    ),
    (
        "ready on the last set moves to the next exercise",
        at(set=2, side=1),
        EventKind.READY,
        {"index": 1, "set": 1, "done": ("bridging",)},
        ["coach.exercise.done", "coach.exercise.header"],
    ),
    (
        "done on an untimed exercise moves on",
        STATES["untimed"],
        EventKind.READY,
        {"index": 4, "phase": Phase.AWAY, "skipped": ("cat_cow",)},
        ["coach.untimed.done", "coach.skip.clearance", "coach.aerobic.go"],
    ),
    (
        "back from the walk finishes the routine",
        STATES["away"],
        EventKind.READY,
        {"phase": Phase.FINISHED},
        ["coach.aerobic.back", "coach.summary.routine", "coach.summary.minutes"],
    ),
    (
        "next after the end is harmless",
        STATES["finished"],
        EventKind.READY,
        {"phase": Phase.FINISHED},
        ["coach.finished.already"],
    ),
    (
        "previous at the first exercise restarts it",
        STATES["ready at first"],
        EventKind.PREVIOUS,
        {"index": 0, "set": 1, "side": 0},
        ["coach.previous.first", "coach.exercise.header"],
    ),
    (
        "previous goes back one and forgets it was done",
        at(index=1, done=("bridging",)),
        EventKind.PREVIOUS,
        {"index": 0, "done": ()},
        ["coach.previous.back"],
    ),
    (
        "previous skips back over an exercise that needs clearance",
        at(index=4, phase=Phase.AWAY),
        EventKind.PREVIOUS,
        {"index": 2, "phase": Phase.READY},
        ["coach.previous.back"],
    ),
    (
        "repeat before anything was said",
        STATES["new"],
        EventKind.REPEAT,
        {"phase": Phase.NEW},
        ["coach.repeat.nothing"],
    ),
    (
        "repeat at the start of an exercise introduces it again",
        STATES["ready at first"],
        EventKind.REPEAT,
        {"index": 0},
        ["coach.exercise.header", "coach.intro.plan"],
    ),
    (
        "skip moves on and records it",
        STATES["ready at first"],
        EventKind.SKIP,
        {"index": 1, "skipped": ("bridging",)},
        ["coach.skipped", "coach.exercise.header"],
    ),
    (
        "skip the walk finishes",
        STATES["away"],
        EventKind.SKIP,
        {"phase": Phase.FINISHED, "skipped": ("walking",)},
        ["coach.skipped", "coach.summary.skipped"],
    ),
    (
        "pause keeps the place and ends the session",
        STATES["mid chunk"],
        EventKind.PAUSE,
        {"phase": Phase.PAUSED, "rep": 1},
        ["coach.pause.done"],
    ),
    (
        "resume restarts the interrupted set",
        STATES["paused"],
        EventKind.RESUME,
        {"phase": Phase.READY, "rep": 0, "index": 0},
        ["coach.resume.back", "coach.exercise.header"],
    ),
    (
        "ready while paused resumes",
        STATES["paused"],
        EventKind.READY,
        {"phase": Phase.READY, "rep": 0},
        ["coach.resume.back"],
    ),
    (
        "resume when not paused says so",
        STATES["ready at first"],
        EventKind.RESUME,
        {"phase": Phase.READY},
        ["coach.resume.not_paused", "coach.ready.position"],
    ),
    (
        "start over goes back to the top",
        at(index=2, done=("bridging", "pelvic_tilts")),
        EventKind.START_OVER,
        {"index": 0, "done": ()},
        ["coach.start_over", "coach.exercise.header"],
    ),
    ("slower slows the count", STATES["ready at first"], EventKind.SLOWER, {"pace": 1.5}, ["coach.pace.slower"]),
    ("faster at the fastest pace says so", at(pace=0.6), EventKind.FASTER, {"pace": 0.6}, ["coach.pace.fastest"]),
    # Rounded to hundredths: faster then slower is back at 1, and two steps slower reach the slowest.
    ("slower after faster is the usual pace", at(pace=0.67), EventKind.SLOWER, {"pace": 1.0}, ["coach.pace.slower"]),
    ("slower twice reaches the slowest", at(pace=1.5), EventKind.SLOWER, {"pace": 2.25}, ["coach.pace.slower"]),
    (
        "harder moves up the range",
        STATES["ready at first"],
        EventKind.HARDER,
        {"levels": (("bridging", 1),)},
        ["coach.level.changed"],
    ),
    (
        "easier at the low end says so",
        STATES["ready at first"],
        EventKind.EASIER,
        {"levels": ()},
        ["coach.level.easiest"],
    ),
    ("harder on a fixed dosage is refused", at(index=1), EventKind.HARDER, {"levels": ()}, ["coach.level.fixed"]),
    (
        "harder at the top is refused, with advice",
        at(levels=(("bridging", 2),)),
        EventKind.HARDER,
        {"levels": (("bridging", 2),)},
        ["coach.level.hardest"],
    ),
    (
        "how many left",
        at(index=1),
        EventKind.HOW_MANY_LEFT,
        {"index": 1},
        ["coach.progress.position", "coach.progress.after"],
    ),
    (
        "how many left mid-set",
        at(rep=1, side=1),
        EventKind.HOW_MANY_LEFT,
        {"rep": 1},
        ["coach.progress.position", "coach.progress.set", "coach.progress.side", "coach.progress.reps"],
    ),
    ("what's next skips blocked ones", STATES["untimed"], EventKind.WHATS_NEXT, {"index": 2}, ["coach.next.up"]),
    ("what's next at the last one", STATES["away"], EventKind.WHATS_NEXT, {"index": 4}, ["coach.next.none"]),
    (
        "stop keeps the place",
        STATES["mid chunk"],
        EventKind.STOP,
        {"phase": Phase.READY, "rep": 1},
        ["coach.stop.saved"],
    ),
    ("stop after finishing", STATES["finished"], EventKind.STOP, {"phase": Phase.FINISHED}, ["coach.stop.finished"]),
]


@pytest.mark.parametrize(("case", "state", "event", "expected", "spoken"), TABLE, ids=[row[0] for row in TABLE])
def test_transition_table(
    case: str, state: WorkoutState, event: EventKind, expected: dict[str, object], spoken: list[str]
) -> None:
    new_state, output = step(state, event)
    for field, value in expected.items():
        assert getattr(new_state, field) == value, (case, field)
    for key in spoken:
        assert key in output.keys, (case, key, output.keys)


@pytest.mark.parametrize(
    ("state", "event", "listens"),
    [
        (STATES["ready at first"], EventKind.READY, True),
        (STATES["ready at first"], EventKind.PAUSE, False),
        (STATES["ready at first"], EventKind.STOP, False),
        (STATES["untimed"], EventKind.READY, False),  # moves on to the walk: the session ends
        (STATES["away"], EventKind.READY, False),  # summary
        (STATES["ready at first"], EventKind.HOW_MANY_LEFT, True),
    ],
)
def test_whether_the_skill_keeps_listening(state: WorkoutState, event: EventKind, listens: bool) -> None:
    assert step(state, event)[1].end_session is not listens


def test_aerobic_item_ends_the_session_without_waiting() -> None:
    state, output = step(STATES["untimed"], EventKind.READY)
    assert state.phase is Phase.AWAY
    assert output.end_session
    assert "coach.aerobic.come_back" in output.keys


def test_a_long_set_is_split_across_responses() -> None:
    long_holds = PlanItem("knee_to_chest", "counted", reps=Range(30, 30), hold=Range(20, 20), tempo=3)
    state, _ = transition(new_workout(SINGLE, (long_holds,), started_at=T0), Event(EventKind.START, T0))
    counted = 0
    responses = 0
    while state.phase is not Phase.FINISHED:
        state, output = step(state, EventKind.READY)
        responses += 1
        counted += output.keys.count("coach.rep.number")
        assert responses < 20
    assert counted == 30
    assert responses > 1


def test_hold_is_chained_from_ten_second_pauses() -> None:
    segments = hold_segments(25)
    pauses = [s.seconds for s in segments if isinstance(s, Pause)]
    assert pauses == [10, 10, 5]
    assert [s.key for s in segments if isinstance(s, Say)] == ["coach.hold", "coach.hold.more", "coach.hold.more"]


def test_state_from_another_version_or_damaged_is_rejected() -> None:
    good = started().to_dict()
    assert WorkoutState.from_dict(good) == started()
    assert WorkoutState.from_dict({**good, "v": 0}) is None
    assert WorkoutState.from_dict({**good, "index": 99}) is None
    assert WorkoutState.from_dict({**good, "phase": "dancing"}) is None
    assert WorkoutState.from_dict({**good, "items": [{"e": "x"}]}) is None
    assert WorkoutState.from_dict({**good, "pace": "fast"}) is None
    assert WorkoutState.from_dict("nonsense") is None
    assert WorkoutState.from_dict(None) is None


def test_levels_start_at_the_low_end_and_move_within_the_range() -> None:
    item = PlanItem("pelvic_tilts", "counted", reps=Range(10, 15), hold=Range(5, 10))
    assert [(item.reps_at(level), item.hold_at(level)) for level in range(3)] == [(10, 5), (13, 8), (15, 10)]


def test_every_catalog_exercise_counts_within_alexa_limits_at_the_hardest_slowest(catalog: Catalog) -> None:
    """The worst case of every dosage renders under 8,000 characters, chunk by chunk."""
    renderer = Renderer(load_prompts("en-US"), catalog, random.Random(0))
    for exercise_id in catalog.exercises:
        for routine_items in (plan_single(catalog, exercise_id, cleared=[exercise_id]),):
            item = routine_items[0]
            if item.kind != "counted":
                continue
            reps, hold = item.reps_at(2), item.hold_at(2)
            done = 0
            while done < reps:
                segments, done_after = count_chunk(item, done, reps, hold, pace=2.0)
                assert done_after > done
                rendered = renderer.render(segments)
                assert len(rendered.ssml) < MAX_SPEECH_CHARS - 1500, (exercise_id, len(rendered.ssml))
                done = done_after


def test_the_count_budget_holds_when_it_is_the_limit(catalog: Catalog) -> None:
    """Very many quick repetitions at the fastest pace: the character budget, not the time
    budget, ends each response; the planner's estimate is never below what is rendered."""
    renderer = Renderer(load_prompts("en-US"), catalog, random.Random(0))
    wrapper = len("<speak></speak>")
    for exercise_id in ("piriformis_stretch", "pelvic_tilts"):
        item = replace(plan_single(catalog, exercise_id, cleared=[exercise_id])[0], reps=Range(400, 400), tempo=0.1)
        done, chunks = 0, 0
        while done < 400:
            segments, done = count_chunk(item, done, 400, 0, pace=0.5)
            estimate = estimate_chars(segments)
            assert estimate <= COUNT_CHAR_BUDGET, (exercise_id, estimate)
            assert len(renderer.render(segments).ssml) <= estimate + wrapper, exercise_id
            chunks += 1
        assert chunks > 1


def test_week_six_plan_skips_the_clearance_exercises_until_cleared(catalog: Catalog) -> None:
    items = plan_routine(catalog, catalog.routine("week_six"))
    assert [i.exercise for i in items if i.blocked] == ["seated_lower_back_stretch", "cat_cow"]
    cleared = plan_routine(catalog, catalog.routine("week_six"), cleared=["cat_cow", "seated_lower_back_stretch"])
    assert not any(i.blocked for i in cleared)
