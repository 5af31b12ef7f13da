"""Guided sessions for one user: start, apply events, save the place, resume, record history.

The state machine (``skill.domain.workout``) decides what happens; this module keeps the state
where it belongs. During a session the state lives in the session attributes (so
coaching carries on even if the store is down); after every turn the same state is
written to the user's record as their place, so the next session can resume it. Both
carry the position, not the plan (``pack``): the plan is rebuilt from the catalog, and a
plan that no longer matches (the content changed) is not resumed.
Finished sessions, and places that are given up, are appended to the user's history once
(``UserRecord.appended``); the running session is the place itself (``place_entry``).
Pure: plain objects in, plain objects out; the handlers do the I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from skill.domain import progress
from skill.domain.catalog import Catalog
from skill.domain.coaching import PlanItem, amount_words, plan_routine, plan_single
from skill.domain.history import session_key, symptom_key
from skill.domain.output import CoachingScreen, ExerciseRef, Output, Pending, RoutineRef, Say, Segment, Text, ask
from skill.domain.session import SessionState
from skill.domain.user import UserRecord
from skill.domain.workout import (
    PLAN,
    SINGLE,
    Event,
    EventKind,
    Phase,
    WorkoutState,
    aerobic_minutes,
    new_workout,
    prompt,
    transition,
)

PLACE_MAX_AGE = timedelta(days=1)  # an older place offers a fresh start instead


@dataclass
class Guide:
    """One request's view of the user's guided sessions."""

    catalog: Catalog
    user: UserRecord
    session: SessionState
    now: datetime
    asks_pain: bool = True  # the end of a routine asks for a pain score (a profile that keeps them)
    # The zone of the user's days: theirs, else the deployment's (``Turn.time_zone``); None: UTC.
    time_zone: str | None = None
    _parsed: tuple[Any, WorkoutState | None] = (None, None)

    # -- the current workout ---------------------------------------------------------------

    def active(self) -> WorkoutState | None:
        """The workout running in this session, if any (finished ones are not active)."""
        raw = self.session.workout
        if raw is not self._parsed[0]:  # parse once per version of the session's state
            self._parsed = (raw, unpack(self.catalog, raw) if raw else None)
        state = self._parsed[1]
        if state is None or state.phase is Phase.FINISHED or not self._known(state):
            return None
        return state

    def saved_place(self) -> WorkoutState | None:
        """The unfinished workout from an earlier session, if it is recent and readable."""
        place = self.user.place
        if not place:
            return None
        state = unpack(self.catalog, place.get("state"))
        if state is None or state.phase is Phase.FINISHED or not self._known(state):
            return None
        return state

    def place_is_fresh(self) -> bool:
        place = self.user.place
        try:
            saved = datetime.fromisoformat(str(place["saved_at"])) if place else None
        except ValueError:
            return False
        return saved is not None and self.now - saved <= PLACE_MAX_AGE

    def _known(self, state: WorkoutState) -> bool:
        """Every exercise in the state still exists (content can change between sessions)."""
        return all(item.exercise in self.catalog.exercises for item in state.items) and (
            state.single or state.routine == PLAN or state.routine in self.catalog.routines
        )

    # -- starting --------------------------------------------------------------------------

    def start_routine(self, routine_id: str) -> Output:
        self._abandon_place()
        # The plan every later turn rebuilds from the position (``_plan``, cached with its
        # signature): the same items as ``plan_routine(..., cleared=user.clearances)``, as
        # only clearance decides ``blocked``, without building and checksumming them afresh.
        blocked = tuple(
            item.exercise
            for item in self.catalog.routine(routine_id).items
            if self.catalog.exercise(item.exercise).requires_clearance and item.exercise not in self.user.clearances
        )
        items, _ = _plan(self.catalog, routine_id, "", blocked)
        return self._begin(
            new_workout(routine_id, items, pace=self.user.pace, levels=self.user.levels, started_at=self.now)
        )

    def start_single(self, exercise_id: str) -> Output:
        exercise = self.catalog.exercise(exercise_id)
        if exercise.requires_clearance and exercise_id not in self.user.clearances:  # as ``plan_item`` decides
            return ask(
                Say.of("workout.clearance_needed", exercise=ExerciseRef(exercise_id)),
                Say.of("workout.clearance_needed.question"),
                reprompt=Say.of("howto.which.reprompt"),
            )
        self._abandon_place()
        items, _ = _plan(self.catalog, SINGLE, exercise_id, ())  # cached, as for a routine
        return self._begin(
            new_workout(SINGLE, items, pace=self.user.pace, levels=self.user.levels, started_at=self.now)
        )

    def start_plan(self, items: tuple[PlanItem, ...]) -> Output:
        """A session of the physiotherapist's plan (``coaching.plan_prescribed``): the same
        state machine, safety preamble and saved place as a stock routine."""
        self._abandon_place()
        return self._begin(new_workout(PLAN, items, pace=self.user.pace, levels=self.user.levels, started_at=self.now))

    def _begin(self, state: WorkoutState) -> Output:
        return self._apply(state, EventKind.START, preamble=self._safety_preamble())

    def _safety_preamble(self) -> tuple[Segment, ...]:
        """Said at the start of every guided session: the full stop rule (naming pain that
        spreads to the legs) and the breathing rule; on the user's very first session, the
        sources' "check with your surgeon before starting" too."""
        guidance = self.catalog.guidance
        first = not self.user.before_starting_heard
        self.user.before_starting_heard = True
        return (
            *((Text(guidance.before_starting.text),) if first else ()),
            Text(guidance.stop_rule.text),
            Say.of("coach.start.safety"),
            Text(guidance.breathing_rule.text),
        )

    # -- events ----------------------------------------------------------------------------

    def apply(self, kind: EventKind) -> Output | None:
        """Send an event to the active workout, or to a fresh saved place when this session
        has none (a one-shot "tell Spine Coach I'm done"). ``None`` if there is no workout."""
        state = self.active()
        if state is None and self.place_is_fresh():
            state = self.saved_place()
        if state is None:
            return None
        return self._apply(state, kind)

    def amount_of(self, exercise_id: str) -> Say | None:
        """What the running session does of ``exercise_id`` when it is the one on hand and
        counted ("We'll do 10 repetitions, holding each for 5 seconds"); else ``None``."""
        state = self.active()
        item = state.item if state is not None else None
        if state is None or item is None or item.exercise != exercise_id or item.kind != "counted":
            return None
        return _planned(state, item)

    def prompt(self, lead: list[Segment]) -> Output | None:
        """``lead`` and then what the user can say in the active workout (for help, fallback)."""
        state = self.active()
        return None if state is None else prompt(state, lead)

    def _apply(self, state: WorkoutState, kind: EventKind, preamble: tuple[Segment, ...] = ()) -> Output:
        new_state, output = transition(state, Event(kind, self.now, preamble))
        counted = "coach.rep.number" in output.keys
        self.session.before_count = _position(state) if counted else None
        self._save(new_state)
        # While Alexa counts, the screen shows the set being counted, then (when the count
        # ends and the voice goes on) what comes next; otherwise where we are now.
        # What the voice ends by asking ("say ready when you're in position") is on the
        # screen of what to get ready for.
        asked = _asked(output)
        screen = coaching_screen(state if counted else new_state, counting=counted)
        if screen is not None and counted:
            # A long set counted in chunks goes on after "take a breath": no screen to turn to.
            then = coaching_screen(new_state, counting=False) if new_state.rep == 0 else None
            screen = replace(
                screen,
                then=then and replace(then, hint=asked),
                ends=new_state.phase is Phase.FINISHED,
            )
        elif screen is not None:
            screen = replace(screen, hint=asked)
        if screen is not None:
            output = replace(output, screen=screen)
        ending = new_state.phase is Phase.FINISHED and state.phase is not Phase.FINISHED
        if ending and not new_state.single and self.asks_pain:
            # The end of a routine is when to ask how the back feels (the pain log); the
            # finished screen asks it too.
            if isinstance(output.screen, CoachingScreen):
                output = replace(output, screen=replace(output.screen, finished_hint=Say.of("pain.ask.reprompt")))
            return replace(
                output,
                speech=(*output.speech, Say.of("pain.ask")),
                reprompt=(Say.of("pain.ask.reprompt"),),
                end_session=False,
                pending=Pending.of("pain_rating"),
            )
        return output

    def _save(self, state: WorkoutState) -> None:
        self.user.pace = state.pace
        self.user.levels.update(dict(state.levels))
        if state.phase is Phase.FINISHED:
            self.session.workout = None
            self.user.place = None
            self._record(state, "finished", self.now.isoformat())
            return
        packed = pack(state)
        self._parsed = (packed, state)  # what ``active`` would parse it back to
        self.session.workout = packed
        self.user.place = {"state": packed, "saved_at": self.now.isoformat()}

    # -- safety ----------------------------------------------------------------------------

    def stop_for_symptom(self) -> bool:
        """Stop the running workout at once and keep the place, marked so that resuming
        later comes with a reminder. True if a workout was running.

        A symptom reported right after a counted set most likely interrupted that set (the
        user barged in while Alexa was counting), so the place is the start of that set
        and it is not recorded as done.
        """
        state = self.active()
        if state is not None and self.session.before_count:
            state = _at_position(state, self.session.before_count)
        if state is None and self.place_is_fresh():
            state = self.saved_place()
        if state is None:
            return False
        paused = replace(state, phase=Phase.PAUSED) if state.phase is Phase.READY else state
        # The stop itself is history too: the adherence report shows each one with its day.
        day = progress.today(self.now, self.time_zone).isoformat()
        item = state.item
        stop = {"date": day, "at": self.now.isoformat(), "routine": state.routine, "exercise": item and item.exercise}
        self.user.appended.append((symptom_key(day, self.now.isoformat()), stop))
        self.session.before_count = None
        self._save(paused)
        self.session.workout = None  # the session ends; the place is in the user's record
        if self.user.place is not None:
            self.user.place["after_symptom"] = True
        return True

    def check_in(self) -> Output | None:
        """Something said mid-session was not understood: pause the count (at the start of
        an interrupted set) and ask whether something feels wrong. ``None`` without a
        running workout. "Ready" then carries on from where it paused."""
        state = self.active()
        if state is None:
            return None
        if self.session.before_count:
            state = _at_position(state, self.session.before_count)
        self.session.before_count = None
        if state.phase is Phase.READY:
            state = replace(state, phase=Phase.PAUSED)
        self._save(state)
        asked = ask(
            Say.of("workout.check_in"), reprompt=Say.of("workout.check_in.reprompt"), pending=Pending.of("check_in")
        )
        # A new screen for where it paused: the counting screen's commands (still running on a
        # device) would otherwise go on to the next exercise while the voice asks what is wrong.
        return replace(asked, screen=coaching_screen(state, counting=False))

    # -- resuming --------------------------------------------------------------------------

    def welcome_back(self) -> tuple[Output | None, Say | None]:
        """At launch: (an offer to pick up a recent unfinished workout, or ``None``;
        the sentence saying an old one was set aside, or ``None``)."""
        state = self.saved_place()
        if state is None:
            self.user.place = None
            return None, None
        if not self.place_is_fresh():
            self._abandon_place(state)
            return None, Say.of("workout.stale", routine=_routine_ref(state))
        item = state.item
        if item is None:
            return None, None
        if state.phase is Phase.AWAY:
            lead = Say.of("workout.resume.offer.away", exercise=ExerciseRef(item.exercise), routine=_routine_ref(state))
        elif state.single:
            lead = Say.of("workout.resume.offer.single", exercise=ExerciseRef(item.exercise))
        else:
            lead = Say.of(
                "workout.resume.offer",
                n=state.index + 1,
                total=len(state.items),
                routine=RoutineRef(state.routine),
                exercise=ExerciseRef(item.exercise),
            )
        speech: list[Segment] = [lead]
        if self.user.place and self.user.place.get("after_symptom"):
            speech.append(Say.of("workout.resume.after_symptom"))
        speech.append(Say.of("workout.resume.question"))
        offer = ask(*speech, reprompt=Say.of("workout.resume.reprompt"), pending=Pending.of("resume"))
        return offer, None

    def resume(self) -> Output | None:
        state = self.saved_place()
        if state is None:
            return None
        kind = EventKind.READY if state.phase is Phase.AWAY else EventKind.RESUME
        if state.phase is Phase.READY:
            state = replace(state, phase=Phase.PAUSED)  # resume at the start of that set
        output = self._apply(state, kind)
        # A resumed session starts with the stop rule too (after a walk there is no set to start).
        return output if state.phase is Phase.AWAY else output.before(Text(self.catalog.guidance.stop_rule.text))

    def decline_resume(self) -> tuple[str | None, Output]:
        """The user does not want the old place: drop it and offer that routine afresh."""
        state = self.saved_place()
        self._abandon_place()
        if state is None or state.single or state.routine == PLAN:
            return None, ask(
                Say.of("workout.resume.declined"),
                Say.of("workout.anything_else"),
                reprompt=Say.of("workout.anything_else.reprompt"),
            )
        return state.routine, ask(
            Say.of("workout.resume.declined"),
            Say.of("workout.offer_today", routine=RoutineRef(state.routine)),
            reprompt=Say.of("workout.offer_today.reprompt", routine=RoutineRef(state.routine)),
            pending=Pending.of("start_routine", routine=state.routine),
        )

    # -- history -----------------------------------------------------------------------------

    def place_entry(self) -> dict[str, Any] | None:
        """The saved place as a history entry (``in_progress``), for the answers about
        progress: the running session counts on the day of its last activity."""
        place = self.user.place
        state = self.saved_place()
        if state is None or place is None:
            return None
        return _entry(state, "in_progress", str(place.get("saved_at")))

    def _abandon_place(self, state: WorkoutState | None = None) -> None:
        state = state if state is not None else self.saved_place()
        if state is not None and self.user.place is not None:
            self._record(state, "abandoned", str(self.user.place.get("saved_at") or self.now.isoformat()))
        self.user.place = None
        self.session.workout = None

    def _record(self, state: WorkoutState, status: str, last_activity: str) -> None:
        """Append the session's history entry: ``finished`` or ``abandoned``, dated by its
        last activity (an entry given up days later still counts on the day the exercises
        were done), and move the streak run on."""
        entry = _entry(state, status, last_activity)
        if not entry["started_at"]:
            entry["started_at"] = self.now.isoformat()
        self.user.appended.append((session_key(entry), entry))
        day = progress.entry_day(entry, self.time_zone)
        if entry["done"] and day is not None:
            self.user.streak_run = progress.extend_run(self.user.streak_run, day)


def _entry(state: WorkoutState, status: str, last_activity: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "started_at": state.started_at,
        "ended_at": last_activity,
        "routine": state.routine,
        "done": list(state.done),
        "skipped": list(state.skipped),
        "status": status,
    }
    if state.routine == SINGLE:
        entry["exercise"] = state.items[0].exercise
    return entry


# -- the position without the plan ---------------------------------------------------------------

_PLANS: dict[tuple[int, str, str, tuple[str, ...]], tuple[Catalog, tuple[PlanItem, ...], int]] = {}


def _plan(catalog: Catalog, routine: str, exercise: str, blocked: tuple[str, ...]) -> tuple[tuple[PlanItem, ...], int]:
    """The plan of a routine (or one exercise) with ``blocked`` exercises still needing
    clearance, and its signature; cached, since the catalog is immutable."""
    key = (id(catalog), routine, exercise, blocked)
    cached = _PLANS.get(key)
    if cached is not None and cached[0] is catalog:
        return cached[1], cached[2]
    everything = set(catalog.exercises) - set(blocked)
    if routine == SINGLE:
        items = plan_single(catalog, exercise, cleared=everything)
    else:
        items = plan_routine(catalog, catalog.routine(routine), cleared=everything)
    signature = _signature(items)
    if len(_PLANS) > 256:  # a handful of routines times clearances: never reached in practice
        _PLANS.clear()
    _PLANS[key] = (catalog, items, signature)
    return items, signature


_SIGNATURES: dict[int, tuple[tuple[PlanItem, ...], int]] = {}


def _signature(items: tuple[PlanItem, ...]) -> int:
    """A checksum of the whole plan (every number in it), remembered per plan object."""
    known = _SIGNATURES.get(id(items))
    if known is not None and known[0] is items:
        return known[1]
    import zlib  # local: a launch makes no plan (zlib is a shared library to load)

    signature = zlib.crc32(repr(items).encode())
    if len(_SIGNATURES) > 256:
        _SIGNATURES.clear()
    _SIGNATURES[id(items)] = (items, signature)
    return signature


def pack(state: WorkoutState) -> dict[str, Any]:
    """The state without its plan: where the user is, and what the plan was built from."""
    if state.routine == PLAN:
        # The physiotherapist's amounts are not in the catalog: the state keeps its plan.
        return state.to_dict()
    data = state.to_dict(plan=False)
    data["blocked"] = [item.exercise for item in state.items if item.blocked]
    data["plan"] = _signature(state.items)
    if state.single:
        data["exercise"] = state.items[0].exercise
    return data


def unpack(catalog: Catalog, data: Any) -> WorkoutState | None:
    """The state ``pack`` made, its plan rebuilt from the catalog; ``None`` if it is damaged
    or the catalog would now plan that session differently. A state that carries its plan
    (saved before plans were rebuilt) is read as it is."""
    if not isinstance(data, Mapping):
        return None
    if "items" in data:
        return WorkoutState.from_dict(data)
    try:
        blocked = tuple(str(x) for x in data.get("blocked", []))
        items, signature = _plan(catalog, str(data["routine"]), str(data.get("exercise", "")), blocked)
    except (KeyError, TypeError, ValueError, LookupError):
        return None
    if signature != data.get("plan"):
        return None
    return WorkoutState.from_dict(data, items)


def _position(state: WorkoutState) -> dict[str, Any]:
    """Where a workout stands (not its plan): enough to go back to it."""
    return {
        "index": state.index,
        "set": state.set,
        "side": state.side,
        "rep": state.rep,
        "done": list(state.done),
        "skipped": list(state.skipped),
    }


def _at_position(state: WorkoutState, position: dict[str, Any]) -> WorkoutState:
    """``state`` moved back to a saved position; unchanged if the position is damaged."""
    try:
        moved = replace(
            state,
            index=int(position["index"]),
            set=int(position["set"]),
            side=int(position["side"]),
            rep=int(position["rep"]),
            done=tuple(map(str, position["done"])),
            skipped=tuple(map(str, position["skipped"])),
            phase=Phase.READY,
        )
    except (KeyError, TypeError, ValueError):
        return state
    return moved if WorkoutState.from_dict(moved.to_dict()) == moved else state


def _planned(state: WorkoutState, item: PlanItem) -> Say:
    """ "We'll do 10 repetitions, holding each for 5 seconds": a counted item at the user's level."""
    return Say.of("coach.intro.plan", amount=amount_words(item, state.level(item.exercise)))


def coaching_screen(state: WorkoutState, *, counting: bool) -> CoachingScreen | None:
    """What the screen shows for ``state``: while ``counting``, the set being counted (the
    edge times its count from the response's speech), otherwise the exercise to get ready for."""
    item = state.item
    if item is None or state.phase is Phase.FINISHED:
        return None
    amount: Say | None = None
    if item.kind == "counted":
        amount = _planned(state, item)
    elif item.kind == "aerobic":
        amount = aerobic_minutes(item)  # as the voice says it: a plan's "15 minutes", not "15 to 15"
    return CoachingScreen(
        exercise=item.exercise,
        routine=state.routine,
        index=state.index,
        total=len(state.items),
        set=state.set,
        sets=item.sets,
        side=state.side if item.sides == 2 else None,
        side_word=item.side_word,
        amount=amount,
        counting=counting,
        rep=state.rep,
        reps=item.reps_at(state.level(item.exercise)) if item.kind == "counted" else 0,
        hold=item.hold_at(state.level(item.exercise)) if item.kind == "counted" else 0,
        done_units=(state.set - 1) * item.sides + (state.side if item.sides == 2 else 0),
        units=item.sets * item.sides,
        finished=len(state.done),
    )


def _asked(output: Output) -> Say | None:
    """The last thing ``output`` says when it tells the user what to say next ("say ready
    when you're in position", "switch to your right leg, and say ready"); else ``None``."""
    last = output.speech[-1] if output.speech else None
    return last if isinstance(last, Say) and last.key.startswith(_WHAT_TO_SAY) else None


# The prompts that end an answer by saying what to say next (a screen's hint line).
_WHAT_TO_SAY = (
    "coach.ready.",
    "coach.side.switch",
    "coach.set.rest",
    "coach.untimed.",
    "coach.chunk.say_ready",
    "coach.aerobic.come_back",
    "coach.pause.how_to_resume",
)


def _routine_ref(state: WorkoutState) -> RoutineRef | ExerciseRef:
    return ExerciseRef(state.items[0].exercise) if state.single else RoutineRef(state.routine)
