"""The user's personal stage: which week after surgery they are in, and so which routine.

The user can give the date of surgery ("my surgery was on October third"), how long ago
it was ("five weeks ago"), or the week ("I'm in week four"); their physiotherapist can move
them to a routine ("my physio moved me to the week six routine"), which overrides the
date until they give a new date or week. The latest statement wins. Implausible answers
(in the future, or more than two years back) are questioned, never stored. Weeks are
completed weeks since surgery, as in ``content/stages.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from skill.catalog import Catalog, Routine
from skill.dates import parse_date
from skill.numbers import parse_number
from skill.user import UserRecord

MAX_WEEKS = 104  # two years
ROLLBACK_WEEKS = 26  # a date said without a year that Alexa put in the future


@dataclass(frozen=True)
class StageCheck:
    """The outcome of a stage statement: stored, or questioned with the reason."""

    outcome: Literal["stored", "future", "too_old", "unclear"]
    week: int | None = None
    surgery_date: date | None = None


def current_week(user: UserRecord, today: date) -> int | None:
    """Completed weeks since surgery, from the date or the last reported week."""
    if user.surgery_date is not None:
        return max(0, (today - user.surgery_date).days // 7)
    if user.reported_week is not None:
        week, on = user.reported_week
        return max(0, week + (today - on).days // 7)
    return None


def routine_for(user: UserRecord, catalog: Catalog, today: date) -> Routine | None:
    """The routine to use today: the physiotherapist's choice, else the week's stage."""
    if user.stage_override is not None and user.stage_override in catalog.routines:
        return catalog.routine(user.stage_override)
    week = current_week(user, today)
    return None if week is None else catalog.routine_for_week(week)


def set_surgery_date(user: UserRecord, said: str | None, today: date) -> StageCheck:
    """ "my surgery was on <AMAZON.DATE>". A date Alexa placed in the future because no
    year was said is taken as last year's, if that is recent."""
    when = _as_date(said, today)
    if when is None:
        return StageCheck("unclear")
    if when > today:
        last_year = _year_earlier(when)
        if last_year <= today and (today - last_year).days // 7 <= ROLLBACK_WEEKS:
            when = last_year
        else:
            return StageCheck("future", surgery_date=when)
    week = (today - when).days // 7
    if week > MAX_WEEKS:
        return StageCheck("too_old", week=week, surgery_date=when)
    user.surgery_date = when
    user.reported_week = None
    user.stage_override = None
    return StageCheck("stored", week=week, surgery_date=when)


def set_weeks_ago(user: UserRecord, duration: str | None, today: date) -> StageCheck:
    """ "I had surgery <AMAZON.DURATION> ago": P5W, P10D, P2M..."""
    days = _duration_days(duration or "")
    if days is None:
        return StageCheck("unclear")
    return set_surgery_date(user, (today - timedelta(days=days)).isoformat(), today)


def set_week(user: UserRecord, number: str | None, today: date) -> StageCheck:
    """ "I'm in week <AMAZON.NUMBER>"."""
    week = parse_number(number) if number else None
    if week is None:
        return StageCheck("unclear")
    if week > MAX_WEEKS:
        return StageCheck("too_old", week=week)
    user.reported_week = (week, today)
    user.surgery_date = None
    user.stage_override = None
    return StageCheck("stored", week=week)


def set_override(user: UserRecord, routine_id: str) -> None:
    user.stage_override = routine_id


def _as_date(said: str | None, today: date) -> date | None:
    """Alexa sends ISO dates; other clients may send the words ("october third")."""
    if not said:
        return None
    try:
        return date.fromisoformat(said)
    except ValueError:
        words = parse_date(said.lower(), today)
        return date.fromisoformat(words) if words else None


def _year_earlier(when: date) -> date:
    try:
        return when.replace(year=when.year - 1)
    except ValueError:  # 29 February
        return when.replace(year=when.year - 1, day=28)


_DURATION = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?")


def _duration_days(duration: str) -> int | None:
    match = _DURATION.fullmatch(duration)
    if not match or not any(match.groups()):
        return None
    years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
    return years * 365 + months * 30 + weeks * 7 + days
