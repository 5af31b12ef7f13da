"""Progress from the user's history: sessions this week, the streak, what was done when.

A day counts towards the streak when at least one exercise was done in a session that
day (finished or not). Days are the user's own: the device's time zone when known,
otherwise UTC. Pure: history in, numbers out.

The answers never read all of a user's history: "this week" and "yesterday" need the last
eight days (``WINDOW_DAYS``), and the streak comes from a running summary kept in the
user's record: the run of consecutive active days that the recorded history ends with
(``extend_run``), plus the days of the session still running.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

UTC_ZONE = "UTC"
WINDOW_DAYS = 8  # Monday to today is at most seven days, and yesterday one more

Run = tuple[date, int]  # the last day of a run of consecutive active days, and its length


def local_date(moment: str, zone: str | None) -> date | None:
    try:
        when = datetime.fromisoformat(moment)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return when.date()
    return when.astimezone(_zone(zone)).date()


def today(now: datetime, zone: str | None) -> date:
    return now.astimezone(_zone(zone)).date()


def _zone(name: str | None) -> tzinfo:
    """The named zone; UTC without importing ``zoneinfo`` (most users, and every cold start)."""
    if not name or name == UTC_ZONE:
        return UTC
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def entry_day(entry: Mapping[str, Any], zone: str | None) -> date | None:
    """The local day a session counts on: its last activity."""
    return local_date(str(entry.get("ended_at") or entry.get("started_at") or ""), zone)


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
        when = entry_day(entry, zone)
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


def extend_run(run: Run | None, day: date) -> Run:
    """The run after recording exercise on ``day``. Days arrive in order, except a place
    given up late (it counts on its own day): inside the run or just before it, it is
    counted; further back it cannot change the run that ends the history."""
    if run is None:
        return day, 1
    last, length = run
    if day == last + timedelta(days=1):
        return day, length + 1
    if day > last:
        return day, 1
    if day == last - timedelta(days=length):
        return last, length + 1
    return run


def streak(run: Run | None, extra: Iterable[date], on: date) -> int:
    """Consecutive days with exercise, ending today, or yesterday if today has none yet:
    the recorded ``run`` plus ``extra`` active days (recent days, the session still running).
    Steps over the run in one go, so a two-year streak costs what a two-day one does."""
    more = set(extra)
    first = run[0] - timedelta(days=run[1] - 1) if run is not None else None

    def in_run(day: date) -> bool:
        return run is not None and first is not None and first <= day <= run[0]

    day = on if on in more or in_run(on) else on - timedelta(days=1)
    count = 0
    while True:
        if in_run(day) and first is not None:
            count += (day - first).days + 1
            day = first - timedelta(days=1)
        elif day in more:
            count += 1
            day -= timedelta(days=1)
        else:
            return count


@dataclass(frozen=True)
class Summary:
    """The counts the progress answers are made of."""

    sessions_this_week: int
    exercises_this_week: int
    streak: int
    week: tuple[bool, ...] = ()  # Monday to Sunday: exercise done that day
    weekday: int = 0  # today, 0 for Monday


def summary(recent: Iterable[Mapping[str, Any]], run: Run | None, now: datetime, zone: str | None) -> Summary:
    """This week runs from Monday to today. ``recent`` is the history of at least this week
    (the running session included), ``run`` the recorded streak run."""
    on = today(now, zone)
    monday = on - timedelta(days=on.weekday())
    by_day = days(recent, zone)
    week = [day for when, day in by_day.items() if monday <= when <= on]
    return Summary(
        sessions_this_week=sum(1 for day in week for _ in range(day.sessions) if day.done),
        exercises_this_week=sum(len(day.done) for day in week),
        streak=streak(run, (when for when, day in by_day.items() if day.done), on),
        week=tuple(bool(by_day.get(monday + timedelta(days=n), _NONE).done) for n in range(7)),
        weekday=on.weekday(),
    )


_NONE = Day(0, (), (), ())
