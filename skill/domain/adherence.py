"""Adherence: what a patient did against what their physiotherapist's plan prescribed.

``adherence`` turns history entries (sessions, pain scores, symptom stops - as the store
returns them) and the plan into the numbers of the clinician's report: sessions per week
against prescribed, each exercise's done against prescribed, pain over time with the days
that raised an alert, and the sessions stopped for a symptom. Pure: no store, no clock.

Counting rules: a session counts on the local day of its last activity when it got at
least one exercise done; each exercise counts once per session it was done in. Only a
session of the plan (routine ``workout.PLAN``) that got an exercise of the phase in force
that day done counts against the prescription, and of its exercises only those of that
phase; everything else - stock routines, single exercises, a plan session before the plan's
start or in a gap between phases, an exercise the day's phase does not prescribe - is
counted apart as ``other``, shown beside the prescription and never filling it. The prescription of a day is
its phase's times a day on the phase's days of the week, for each of the phase's exercises.
A pain score raised an alert when the skill's own rule (``pain.log_pain``: high, or a rise
over the recent average) says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from skill.domain import pain
from skill.domain.plan import Plan
from skill.domain.progress import entry_day
from skill.domain.workout import PLAN


@dataclass(frozen=True, slots=True)
class Week:
    start: date  # a Monday, or the report's first day
    end: date
    done: int  # sessions of the plan
    prescribed: int
    other: int = 0  # other sessions (stock routines, single exercises): not against the plan


@dataclass(frozen=True, slots=True)
class ExerciseCount:
    exercise: str
    done: int  # in sessions of the plan, when that day's phase prescribes it
    prescribed: int
    other: int = 0  # in any other session


@dataclass(frozen=True, slots=True)
class SymptomStop:
    day: date
    exercise: str | None


@dataclass(frozen=True, slots=True)
class Adherence:
    start: date
    end: date
    weeks: tuple[Week, ...]
    exercises: tuple[ExerciseCount, ...]
    pain: tuple[tuple[date, int], ...]
    alert_days: tuple[date, ...]
    symptom_stops: tuple[SymptomStop, ...]

    @property
    def sessions(self) -> int:
        return sum(w.done for w in self.weeks)

    @property
    def prescribed(self) -> int:
        return sum(w.prescribed for w in self.weeks)

    @property
    def other_sessions(self) -> int:
        return sum(w.other for w in self.weeks)


def adherence(
    plan: Plan | None,
    *,
    sessions: Iterable[Mapping[str, Any]],
    pain_scores: Iterable[Mapping[str, Any]],
    symptom_stops: Iterable[Mapping[str, Any]],
    start: date,
    end: date,
    zone: str | None = None,
) -> Adherence:
    """The report's numbers for ``start`` to ``end`` (both included).

    ``pain_scores`` may begin before ``start``: earlier scores only feed the alert rule's
    recent average, as they did when the patient logged them.
    """
    if end < start:
        raise ValueError("the report ends before it starts")
    done_on: dict[date, int] = {}
    other_on: dict[date, int] = {}
    done_per_exercise: dict[str, int] = {}
    other_per_exercise: dict[str, int] = {}
    for entry in sessions:
        day = entry_day(entry, zone)
        done = [str(e) for e in entry.get("done") or []]
        if day is None or not (start <= day <= end) or not done:
            continue
        phase = plan.phase_on(day) if plan is not None and entry.get("routine") == PLAN else None
        prescribed_today = {item.exercise for item in phase.exercises} if phase else set()
        counts = done_on if prescribed_today.intersection(done) else other_on
        counts[day] = counts.get(day, 0) + 1
        for exercise in dict.fromkeys(done):
            tally = done_per_exercise if exercise in prescribed_today else other_per_exercise
            tally[exercise] = tally.get(exercise, 0) + 1

    prescribed_on: dict[date, int] = {}
    prescribed_per_exercise: dict[str, int] = {}
    day = start
    while day <= end:
        phase = plan.phase_on(day) if plan else None
        if phase is not None and phase.is_exercise_day(day):
            prescribed_on[day] = phase.times_per_day
            for item in phase.exercises:
                prescribed_per_exercise[item.exercise] = (
                    prescribed_per_exercise.get(item.exercise, 0) + phase.times_per_day
                )
        day += timedelta(days=1)

    weeks = []
    week_start = start
    while week_start <= end:
        week_end = min(end, week_start + timedelta(days=6 - week_start.weekday()))
        span = [week_start + timedelta(days=i) for i in range((week_end - week_start).days + 1)]
        weeks.append(
            Week(
                week_start,
                week_end,
                sum(done_on.get(d, 0) for d in span),
                sum(prescribed_on.get(d, 0) for d in span),
                sum(other_on.get(d, 0) for d in span),
            )
        )
        week_start = week_end + timedelta(days=1)

    order = list(dict.fromkeys([*prescribed_per_exercise, *sorted({*done_per_exercise, *other_per_exercise})]))
    exercises = tuple(
        ExerciseCount(e, done_per_exercise.get(e, 0), prescribed_per_exercise.get(e, 0), other_per_exercise.get(e, 0))
        for e in order
    )

    scores: list[tuple[date, int]] = []
    alerts: list[date] = []
    seen: list[dict[str, Any]] = []
    for entry in sorted(pain_scores, key=lambda e: str(e.get("date"))):
        on = date.fromisoformat(str(entry["date"]))
        check = pain.log_pain(seen, int(entry["score"]), on)
        if start <= on <= end:
            scores.append((on, int(entry["score"])))
            if check.alert is not None and on not in alerts:
                alerts.append(on)

    stops = tuple(
        sorted(
            (
                SymptomStop(date.fromisoformat(str(s["date"])), s.get("exercise"))
                for s in symptom_stops
                if start <= date.fromisoformat(str(s["date"])) <= end
            ),
            key=lambda s: s.day,
        )
    )
    return Adherence(start, end, tuple(weeks), exercises, tuple(scores), tuple(alerts), stops)
