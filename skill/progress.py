"""Progress from the user's history: sessions this week, the streak, what was done when.

A day counts towards the streak when at least one exercise was done in a session that
day (finished or not). Days are the user's own: the device's time zone when known,
otherwise UTC. Pure: history in, numbers out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

UTC_ZONE = "UTC"


def local_date(moment: str, zone: str | None) -> date | None:
    try:
        when = datetime.fromisoformat(moment)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return when.date()
    return when.astimezone(ZoneInfo(zone or UTC_ZONE)).date()


def today(now: datetime, zone: str | None) -> date:
    return now.astimezone(ZoneInfo(zone or UTC_ZONE)).date()


@dataclass(frozen=True)
class Day:
    """What one local day's sessions added up to."""

    sessions: int
    done: tuple[str, ...]
    skipped: tuple[str, ...]
    routines: tuple[str, ...]


def days(history: Iterable[Mapping[str, Any]], zone: str | None) -> dict[date, Day]:
    by_day: dict[date, list[Mapping[str, Any]]] = {}
    for entry in history:
        when = local_date(str(entry.get("ended_at") or entry.get("started_at") or ""), zone)
        if when is not None:
            by_day.setdefault(when, []).append(entry)
    return {
        when: Day(
            sessions=len(entries),
            done=tuple(x for e in entries for x in e.get("done", []) if isinstance(x, str)),
            skipped=tuple(x for e in entries for x in e.get("skipped", []) if isinstance(x, str)),
            routines=tuple(dict.fromkeys(str(e.get("exercise") or e.get("routine")) for e in entries)),
        )
        for when, entries in by_day.items()
    }


def streak(active: Mapping[date, Day], on: date) -> int:
    """Consecutive days with exercise, ending today, or yesterday if today has none yet."""
    day = on if active.get(on, Day(0, (), (), ())).done else on - timedelta(days=1)
    count = 0
    while active.get(day) is not None and active[day].done:
        count += 1
        day -= timedelta(days=1)
    return count


@dataclass(frozen=True)
class Summary:
    sessions_this_week: int
    exercises_this_week: int
    streak: int


def summary(history: Iterable[Mapping[str, Any]], now: datetime, zone: str | None) -> Summary:
    """This week runs from Monday to today."""
    on = today(now, zone)
    monday = on - timedelta(days=on.weekday())
    by_day = days(history, zone)
    week = [day for when, day in by_day.items() if monday <= when <= on]
    return Summary(
        sessions_this_week=sum(1 for day in week for _ in range(day.sessions) if day.done),
        exercises_this_week=sum(len(day.done) for day in week),
        streak=streak(by_day, on),
    )
