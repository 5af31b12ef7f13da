"""The workout state machine: the only place a guided session's state changes.

A ``WorkoutState`` is frozen and versioned: the plan (every number the coach needs),
where the user is (exercise, set, side, repetition), the phase, the pace and the
easier/harder level per exercise. ``transition(state, event)`` returns the next state and
a neutral ``Output`` (what to say, what to ask, whether to keep listening). Pure: no SDK,
no clock (the event carries the time), no I/O - the handlers load and save the state.

Phases: ``new`` (planned, nothing said), ``ready`` (waiting for "ready" to count the
current set, or "done" for an exercise without counts), ``paused`` (session ended, place
kept), ``away`` (on a walk or bike ride; the session ended while they do it),
``finished``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from skill.domain.coaching import (
    LEVELS,
    MAX_PACE,
    MIN_PACE,
    PACE_STEP,
    PlanItem,
    amount_words,
    count_chunk,
    estimated_minutes,
)
from skill.domain.output import Content, Count, ExerciseRef, ListOf, Output, RoutineRef, Say, Segment, ask, tell

STATE_VERSION = 1
SINGLE = "single"  # the routine id of a one-exercise session ("coach me through bridging")
PLAN = "plan"  # the routine id of a session of the physiotherapist's plan (skill.domain.plan)


class Phase(StrEnum):
    NEW = "new"
    READY = "ready"
    PAUSED = "paused"
    AWAY = "away"
    FINISHED = "finished"


class EventKind(StrEnum):
    START = "start"
    READY = "ready"  # also "next" and "done"
    PREVIOUS = "previous"
    REPEAT = "repeat"
    SKIP = "skip"
    PAUSE = "pause"
    RESUME = "resume"
    START_OVER = "start_over"
    SLOWER = "slower"
    FASTER = "faster"
    EASIER = "easier"
    HARDER = "harder"
    HOW_MANY_LEFT = "how_many_left"
    WHATS_NEXT = "whats_next"
    STOP = "stop"


@dataclass(frozen=True)
class Event:
    """Something the user said or did, sent to ``transition``."""

    kind: EventKind
    at: datetime | None = None  # when it happened (for the summary's minutes)
    # START only: the safety rules spoken after the opening line, before the first exercise
    # (the caller has the catalog's words for them; this module has no catalog).
    preamble: tuple[Segment, ...] = ()


@dataclass(frozen=True)
class WorkoutState:
    """Where a guided session stands, with its plan (immutable)."""

    routine: str
    items: tuple[PlanItem, ...]
    index: int = 0
    set: int = 1
    side: int = 0  # 0 = left, 1 = right
    rep: int = 0  # repetitions already counted in this set and side
    phase: Phase = Phase.NEW
    pace: float = 1.0  # tempo multiplier: above 1 is slower
    levels: tuple[tuple[str, int], ...] = ()
    done: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    started_at: str = ""
    version: int = field(default=STATE_VERSION)

    @property
    def item(self) -> PlanItem | None:
        return self.items[self.index] if 0 <= self.index < len(self.items) else None

    @property
    def single(self) -> bool:
        return self.routine == SINGLE

    def level(self, exercise: str) -> int:
        return dict(self.levels).get(exercise, 0)

    def with_level(self, exercise: str, level: int) -> WorkoutState:
        levels = dict(self.levels)
        levels[exercise] = level
        return replace(self, levels=tuple(sorted(levels.items())))

    # -- serialization ----------------------------------------------------------------------

    def to_dict(self, *, plan: bool = True) -> dict[str, Any]:
        """The state as JSON-ready data; ``plan=False`` leaves out the plan (the caller
        rebuilds it from the catalog, see ``skill.domain.guided.pack``)."""
        data: dict[str, Any] = {
            "v": self.version,
            "routine": self.routine,
            "index": self.index,
            "set": self.set,
            "side": self.side,
            "rep": self.rep,
            "phase": self.phase.value,
            "pace": self.pace,
            "levels": dict(self.levels),
            "done": list(self.done),
            "skipped": list(self.skipped),
            "started_at": self.started_at,
        }
        if plan:
            data["items"] = [item.to_dict() for item in self.items]
        return data

    @staticmethod
    def from_dict(data: Any, items: tuple[PlanItem, ...] | None = None) -> WorkoutState | None:
        """The state in ``data`` (with ``items`` as its plan if given), or ``None`` if it is
        damaged or from another version."""
        try:
            if not isinstance(data, Mapping) or data.get("v") != STATE_VERSION:
                return None
            if items is None:
                items = tuple(PlanItem.from_dict(raw) for raw in data["items"])
            levels = data.get("levels") or {}
            state = WorkoutState(
                routine=str(data["routine"]),
                items=items,
                index=int(data["index"]),
                set=int(data["set"]),
                side=int(data["side"]),
                rep=int(data["rep"]),
                phase=Phase(data["phase"]),
                pace=float(data["pace"]),
                levels=tuple(sorted((str(k), int(v)) for k, v in levels.items())),
                done=tuple(str(x) for x in data.get("done", [])),
                skipped=tuple(str(x) for x in data.get("skipped", [])),
                started_at=str(data.get("started_at", "")),
            )
        except (KeyError, TypeError, ValueError):
            return None
        valid = (
            bool(items)
            and 0 <= state.index <= len(items)
            and state.side in (0, 1)
            and state.rep >= 0
            and state.set >= 1
            and MIN_PACE <= state.pace <= MAX_PACE
        )
        return state if valid else None


def new_workout(
    routine: str,
    items: tuple[PlanItem, ...],
    *,
    pace: float = 1.0,
    levels: Mapping[str, int] | None = None,
    started_at: datetime | None = None,
) -> WorkoutState:
    """A planned workout; send it ``START`` to begin."""
    if not items:
        raise ValueError("a workout needs at least one exercise")
    wanted = levels or {}
    return WorkoutState(
        routine=routine,
        items=items,
        pace=max(MIN_PACE, min(MAX_PACE, pace)),
        levels=tuple(sorted((item.exercise, wanted[item.exercise]) for item in items if item.exercise in wanted)),
        started_at=started_at.isoformat() if started_at else "",
    )


# --- the transition function -------------------------------------------------------------------

Step = tuple[WorkoutState, Output]


# Events about the current exercise; after the last one there is none to act on.
_NEED_AN_EXERCISE = frozenset(
    {
        EventKind.READY,
        EventKind.PREVIOUS,
        EventKind.REPEAT,
        EventKind.SKIP,
        EventKind.PAUSE,
        EventKind.RESUME,
        EventKind.EASIER,
        EventKind.HARDER,
        EventKind.HOW_MANY_LEFT,
        EventKind.WHATS_NEXT,
    }
)


def transition(state: WorkoutState, event: Event) -> Step:
    """The state after ``event`` and what to say. Every event is accepted in every phase."""
    if state.phase is Phase.NEW and event.kind not in (EventKind.STOP, EventKind.REPEAT, EventKind.PAUSE):
        return _start(state, event)
    if (state.phase is Phase.FINISHED or state.item is None) and event.kind in _NEED_AN_EXERCISE:
        return state, _finished_already()
    return _HANDLERS[event.kind](state, event)


def _start(state: WorkoutState, event: Event) -> Step:
    state = replace(state, phase=Phase.READY, index=0, set=1, side=0, rep=0)
    if state.single:
        lead: list[Segment] = [Say.of("coach.start.single", exercise=ExerciseRef(state.items[0].exercise))]
    else:
        minutes = estimated_minutes(state.items, dict(state.levels), state.pace)
        lead = [
            Say.of(
                "coach.start.routine",
                routine=RoutineRef(state.routine),
                count=Count(len(state.items), "exercise"),
                minutes=Count(minutes, "minute"),
            )
        ]
    lead.extend(event.preamble)
    return _arrive(state, lead, event)


def _ready(state: WorkoutState, event: Event) -> Step:
    item = state.item
    assert item is not None  # transition() answers "finished" first
    if state.phase is Phase.PAUSED:
        return _resume(state, event)
    if state.phase is Phase.AWAY or item.kind == "untimed":
        return _complete_item(
            state, [Say.of("coach.aerobic.back" if state.phase is Phase.AWAY else "coach.untimed.done")], event
        )
    level = state.level(item.exercise)
    reps, hold = item.reps_at(level), item.hold_at(level)
    lead: list[Segment] = []
    if state.rep == 0:
        if item.sets > 1:
            lead.append(Say.of("coach.set.start", set=state.set, sets=item.sets))
        if item.sides == 2:
            lead.append(Say.of("coach.side.start", side=_side(state.side), limb=_limb(item)))
    else:
        lead.append(Say.of("coach.chunk.continue"))
    counted, done = count_chunk(item, state.rep, reps, hold, state.pace)
    speech = [*lead, *counted]
    if done < reps:
        state = replace(state, rep=done)
        return state, ask(
            *speech,
            Say.of("coach.chunk.pause", done=done, reps=reps),
            reprompt=Say.of("coach.chunk.reprompt"),
        )
    if item.sides == 2 and state.side == 0:
        state = replace(state, side=1, rep=0)
        return state, ask(*speech, Say.of("coach.side.switch", limb=_limb(item)), reprompt=_ready_reprompt(state))
    if state.set < item.sets:
        finished_set = state.set
        state = replace(state, set=state.set + 1, side=0, rep=0)
        return state, ask(
            *speech,
            Say.of("coach.set.done", set=finished_set, sets=item.sets),
            Say.of("coach.set.rest", next=state.set),
            reprompt=_ready_reprompt(state),
        )
    # A one-exercise session's summary says it is done ("That's heel slides done."): once.
    closing: list[Segment] = (
        [] if state.single else [Say.of("coach.exercise.done", exercise=ExerciseRef(item.exercise))]
    )
    return _complete_item(state, [*speech, *closing], event)


def _complete_item(state: WorkoutState, lead: list[Segment], event: Event) -> Step:
    item = state.item
    assert item is not None
    state = replace(
        state, done=(*state.done, item.exercise), index=state.index + 1, set=1, side=0, rep=0, phase=Phase.READY
    )
    return _arrive(state, lead, event)


def _skip(state: WorkoutState, event: Event) -> Step:
    item = state.item
    assert item is not None  # transition() answers "finished" first
    state = replace(
        state, skipped=(*state.skipped, item.exercise), index=state.index + 1, set=1, side=0, rep=0, phase=Phase.READY
    )
    return _arrive(state, [Say.of("coach.skipped", exercise=ExerciseRef(item.exercise))], event)


def _previous(state: WorkoutState, event: Event) -> Step:
    target = next((i for i in range(state.index - 1, -1, -1) if not state.items[i].blocked), None)
    if target is None:
        state = replace(state, set=1, side=0, rep=0, phase=Phase.READY)
        return _arrive(state, [Say.of("coach.previous.first")], event)
    exercise = state.items[target].exercise
    state = replace(
        state,
        index=target,
        set=1,
        side=0,
        rep=0,
        phase=Phase.READY,
        done=_without_last(state.done, exercise),
        skipped=_without_last(state.skipped, exercise),
    )
    return _arrive(state, [Say.of("coach.previous.back", exercise=ExerciseRef(exercise))], event)


def _repeat(state: WorkoutState, event: Event) -> Step:
    """Say again where we are (the handler replays the exact last speech when it has it)."""
    if state.phase is Phase.NEW:
        return state, ask(Say.of("coach.repeat.nothing"), reprompt=Say.of("coach.repeat.nothing.reprompt"))
    if state.phase is Phase.READY and state.set == 1 and state.side == 0 and state.rep == 0:
        return _arrive(state, [], event)
    return state, prompt(state, [])


def _pause(state: WorkoutState, event: Event) -> Step:
    item = state.item
    assert item is not None  # transition() answers "finished" first
    if state.phase is Phase.AWAY:
        return state, tell(Say.of("coach.pause.away"))
    state = replace(state, phase=Phase.PAUSED)
    return state, tell(Say.of("coach.pause.done", exercise=ExerciseRef(item.exercise)))


def _resume(state: WorkoutState, event: Event) -> Step:
    item = state.item
    assert item is not None  # transition() answers "finished" first
    if state.phase is Phase.AWAY:
        return _ready(state, event)
    if state.phase is Phase.READY and state.rep == 0:
        return state, prompt(state, [Say.of("coach.resume.not_paused")])
    # Resume at the start of the set that was interrupted.
    state = replace(state, phase=Phase.READY, rep=0)
    lead: list[Segment] = [Say.of("coach.resume.back", exercise=ExerciseRef(item.exercise))]
    if state.set == 1 and state.side == 0:
        return _arrive(state, lead, event)
    return state, prompt(state, lead)


def _start_over(state: WorkoutState, event: Event) -> Step:
    state = replace(state, index=0, set=1, side=0, rep=0, done=(), skipped=(), phase=Phase.READY)
    return _arrive(state, [Say.of("coach.start_over")], event)


def _pace(slower: bool) -> Callable[[WorkoutState, Event], Step]:
    def change(state: WorkoutState, event: Event) -> Step:
        pace = round(state.pace * PACE_STEP if slower else state.pace / PACE_STEP, 2)
        if abs(pace - 1.0) < 0.02:
            pace = 1.0  # faster then slower is the usual pace again (0.67 x 1.5 is 1.005)
        if not MIN_PACE <= pace <= MAX_PACE:
            return state, prompt(state, [Say.of("coach.pace.slowest" if slower else "coach.pace.fastest")])
        state = replace(state, pace=pace)
        return state, prompt(state, [Say.of("coach.pace.slower" if slower else "coach.pace.faster")])

    return change


def _level(harder: bool) -> Callable[[WorkoutState, Event], Step]:
    def change(state: WorkoutState, event: Event) -> Step:
        item = state.item
        assert item is not None  # transition() answers "finished" first
        if item.kind != "counted" or not item.adjustable():
            return state, prompt(state, [Say.of("coach.level.fixed", exercise=ExerciseRef(item.exercise))])
        current = state.level(item.exercise)
        wanted = current + (1 if harder else -1)
        if not 0 <= wanted < LEVELS:
            return state, prompt(state, [Say.of("coach.level.hardest" if harder else "coach.level.easiest")])
        state = state.with_level(item.exercise, wanted)
        lead: list[Segment] = [Say.of("coach.level.changed", amount=amount_words(item, wanted))]
        if state.rep > 0:
            lead.append(Say.of("coach.level.next_set"))
        return state, prompt(state, lead)

    return change


def _how_many_left(state: WorkoutState, event: Event) -> Step:
    item = state.item
    assert item is not None  # transition() answers "finished" first
    remaining = len(state.items) - state.index - 1
    lead: list[Segment] = [
        Say.of(
            "coach.progress.position", n=state.index + 1, total=len(state.items), exercise=ExerciseRef(item.exercise)
        )
    ]
    if item.kind == "counted" and item.sets > 1:
        lead.append(Say.of("coach.progress.set", set=state.set, sets=item.sets))
    if item.kind == "counted" and item.sides == 2:
        lead.append(Say.of("coach.progress.side", side=_side(state.side), limb=_limb(item)))
    if item.kind == "counted" and state.rep > 0:
        left = item.reps_at(state.level(item.exercise)) - state.rep
        lead.append(Say.of("coach.progress.reps", reps=Count(left, "repetition")))
    lead.append(
        Say.of("coach.progress.after", count=Count(remaining, "exercise"))
        if remaining
        else Say.of("coach.progress.last")
    )
    return state, prompt(state, lead)


def _whats_next(state: WorkoutState, event: Event) -> Step:
    upcoming = next((item for item in state.items[state.index + 1 :] if not item.blocked), None)
    lead: list[Segment] = (
        [Say.of("coach.next.up", exercise=ExerciseRef(upcoming.exercise))] if upcoming else [Say.of("coach.next.none")]
    )
    return state, prompt(state, lead)


def _stop(state: WorkoutState, event: Event) -> Step:
    if state.phase is Phase.FINISHED or state.item is None:
        return state, tell(Say.of("coach.stop.finished"))
    return state, tell(Say.of("coach.stop.saved", exercise=ExerciseRef(state.item.exercise)))


_HANDLERS: dict[EventKind, Callable[[WorkoutState, Event], Step]] = {
    EventKind.START: _start,
    EventKind.READY: _ready,
    EventKind.PREVIOUS: _previous,
    EventKind.REPEAT: _repeat,
    EventKind.SKIP: _skip,
    EventKind.PAUSE: _pause,
    EventKind.RESUME: _resume,
    EventKind.START_OVER: _start_over,
    EventKind.SLOWER: _pace(slower=True),
    EventKind.FASTER: _pace(slower=False),
    EventKind.EASIER: _level(harder=False),
    EventKind.HARDER: _level(harder=True),
    EventKind.HOW_MANY_LEFT: _how_many_left,
    EventKind.WHATS_NEXT: _whats_next,
    EventKind.STOP: _stop,
}


# --- arriving at an exercise, finishing, prompting ---------------------------------------------


def aerobic_minutes(item: PlanItem) -> Say | None:
    """A walk's minutes as said (and shown): "10 to 15 minutes", a plan's fixed "15 minutes";
    ``None`` when no source gives a number."""
    if item.minutes is None:
        return None
    if item.minutes.fixed:
        return Say.of("coach.aerobic.minutes_fixed", n=Count(item.minutes.min, "minute"))
    return Say.of("coach.aerobic.minutes", min=item.minutes.min, max=item.minutes.max)


def _arrive(state: WorkoutState, lead: list[Segment], event: Event) -> Step:
    """Move onto the current item: skip those that need clearance, introduce the next one,
    or finish when none is left."""
    speech = list(lead)
    while (item := state.item) is not None and item.blocked:
        speech.append(Say.of("coach.skip.clearance", exercise=ExerciseRef(item.exercise)))
        state = replace(state, skipped=(*state.skipped, item.exercise), index=state.index + 1, set=1, side=0, rep=0)
    item = state.item
    if item is None:
        return _finish(state, speech, event)
    if not state.single:
        speech.append(
            Say.of(
                "coach.exercise.header", n=state.index + 1, total=len(state.items), exercise=ExerciseRef(item.exercise)
            )
        )
    if item.kind == "aerobic":
        state = replace(state, phase=Phase.AWAY)
        amount = aerobic_minutes(item) or Say.of("coach.aerobic.no_minutes")
        speech += [
            Say.of("coach.aerobic.go", exercise=ExerciseRef(item.exercise), amount=amount),
            Content(item.exercise, "key_steps"),
            # Said before the patient walks off alone ("use your walker or cane if it was
            # recommended", seed 001): no later turn can say it.
            Content(item.exercise, "cautions"),
        ]
        return state, tell(*speech, Say.of("coach.aerobic.come_back"))
    state = replace(state, phase=Phase.READY)
    speech += [
        Content(item.exercise, "experience"),  # empty unless only the patient forum describes it
        Say.of("coach.intro.position", position=Content(item.exercise, "position")),
        Content(item.exercise, "key_steps"),
        Content(item.exercise, "cautions"),  # empty for exercises without cautions
        Content(item.exercise, "breathing"),
    ]
    if item.kind == "untimed":
        speech.append(Say.of("coach.untimed.plan"))
    else:
        speech.append(Say.of("coach.intro.plan", amount=amount_words(item, state.level(item.exercise))))
    return state, prompt(state, speech)


def _finish(state: WorkoutState, lead: list[Segment], event: Event) -> Step:
    state = replace(state, phase=Phase.FINISHED, index=len(state.items), set=1, side=0, rep=0)
    speech = list(lead)
    if state.single:
        speech.append(Say.of("coach.summary.single", exercise=ExerciseRef(state.items[0].exercise)))
    else:
        speech.append(
            Say.of("coach.summary.routine", routine=RoutineRef(state.routine), done=Count(len(state.done), "exercise"))
        )
    if state.skipped:
        names = ListOf(tuple(ExerciseRef(e) for e in dict.fromkeys(state.skipped)))
        speech.append(Say.of("coach.summary.skipped", exercises=names))
    minutes = _minutes_since(state.started_at, event.at)
    if minutes is not None and not state.single:
        speech.append(Say.of("coach.summary.minutes", minutes=Count(minutes, "minute")))
    speech.append(Say.of("coach.summary.well_done"))
    return state, tell(*speech)


def prompt(state: WorkoutState, lead: list[Segment]) -> Output:
    """``lead``, then what the user can say next in this phase."""
    item = state.item
    if state.phase is Phase.FINISHED or item is None:
        return tell(*lead, Say.of("coach.finished.already"))
    if state.phase is Phase.PAUSED:
        return tell(*lead, Say.of("coach.pause.how_to_resume"))
    if state.phase is Phase.AWAY:
        return tell(*lead, Say.of("coach.aerobic.come_back"))
    if item.kind == "untimed":
        return ask(
            *lead,
            Say.of("coach.untimed.say_done"),
            reprompt=Say.of("coach.untimed.reprompt", exercise=ExerciseRef(item.exercise)),
        )
    return ask(*lead, _ready_question(state), reprompt=_ready_reprompt(state))


def _ready_question(state: WorkoutState) -> Say:
    item = state.item
    assert item is not None
    if state.rep > 0:
        return Say.of("coach.chunk.say_ready")
    if item.sides == 2 and state.side == 1:
        return Say.of("coach.ready.side", side=_side(1), limb=_limb(item))
    if state.set > 1:
        return Say.of("coach.ready.set", set=state.set)
    return Say.of("coach.ready.position")


def _ready_reprompt(state: WorkoutState) -> Say:
    item = state.item
    assert item is not None
    return Say.of("coach.ready.reprompt", exercise=ExerciseRef(item.exercise))


def _finished_already() -> Output:
    return tell(Say.of("coach.finished.already"))


def _side(side: int) -> Say:
    return Say.of("coach.side.left" if side == 0 else "coach.side.right")


def _limb(item: PlanItem) -> Say:
    return Say.of(f"side.{item.side_word}")


def _without_last(items: tuple[str, ...], value: str) -> tuple[str, ...]:
    if value not in items:
        return items
    position = len(items) - 1 - items[::-1].index(value)
    return items[:position] + items[position + 1 :]


def _minutes_since(started_at: str, at: datetime | None) -> int | None:
    if not started_at or at is None:
        return None
    try:
        started = datetime.fromisoformat(started_at)
    except ValueError:
        return None
    return max(1, round((at - started).total_seconds() / 60))
