"""The user's personal stage: which day after surgery they are on, and which routine fits.

The user can give the date of surgery ("my surgery was on October third"), how long ago
it was ("five weeks ago"), or the week ("I'm in week four"); their physiotherapist can move
them to a routine ("my physio moved me to the week six routine"), which overrides the
date until they give a new date or week. The latest statement wins. Implausible answers
(in the future, or more than two years back) are questioned, never stored.

One meaning of "week N" everywhere (``content/stages.json``): the Nth week after surgery,
days 7(N-1) to 7N-1, counting the day of surgery as day 0. "I'm in week six" is taken as
the first day of that week (day 35), so nothing later than the user's stage is assumed.

``gate`` decides whether a routine may start for this user now, or what to ask first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from skill.domain.catalog import Catalog, Routine
from skill.domain.dates import parse_date
from skill.domain.numbers import is_ordinal, parse_number
from skill.domain.user import UserRecord

MAX_WEEKS = 104  # two years
MAX_DAYS = MAX_WEEKS * 7


@dataclass(frozen=True)
class StageCheck:
    """The outcome of a stage statement: stored, or questioned with the reason."""

    outcome: Literal["stored", "future", "too_old", "unclear"]
    week: int | None = None
    surgery_date: date | None = None


def week_of_day(day: int) -> int:
    """The Nth week after surgery that day ``day`` falls in (day 0 is in week 1)."""
    return max(0, day) // 7 + 1


def days_of_week(week: int) -> tuple[int, int]:
    """The first and last day of the Nth week after surgery."""
    return 7 * (week - 1), 7 * week - 1


def days_since_surgery(user: UserRecord, today: date) -> int | None:
    """Today's day after surgery (day 0 = the day of surgery), or ``None`` if unknown."""
    if user.surgery_date is not None:
        return max(0, (today - user.surgery_date).days)
    if user.reported_week is not None:
        week, on = user.reported_week
        return max(0, days_of_week(max(1, week))[0] + (today - on).days)
    return None


def current_week(user: UserRecord, today: date) -> int | None:
    """The Nth week after surgery the user is in today."""
    day = days_since_surgery(user, today)
    return None if day is None else week_of_day(day)


def routine_for(user: UserRecord, catalog: Catalog, today: date) -> Routine | None:
    """The routine to use today: the physiotherapist's choice, else the day's stage; a
    stage that needs the six-week follow-up falls back to the one before until the user
    has confirmed it."""
    if user.stage_override is not None and user.stage_override in catalog.routines:
        return catalog.routine(user.stage_override)
    day = days_since_surgery(user, today)
    if day is None:
        return None
    return catalog.routine(_calendar_routine(user, catalog, day))


def follow_up_due(user: UserRecord, catalog: Catalog, today: date) -> bool:
    """The calendar has reached a stage that waits for the six-week follow-up, not yet confirmed."""
    day = days_since_surgery(user, today)
    if user.stage_override is not None or day is None or user.follow_up_confirmed:
        return False
    return catalog.stages.span_for_day(day).after_follow_up


def _calendar_routine(user: UserRecord, catalog: Catalog, day: int) -> str:
    spans = catalog.stages.day_map
    span = catalog.stages.span_for_day(day)
    if span.after_follow_up and not user.follow_up_confirmed:
        earlier = [s for s in spans if s.from_day < span.from_day]
        if earlier:
            return earlier[-1].routine
    return span.routine


GateKind = Literal["open", "confirm", "follow_up", "surgery"]


@dataclass(frozen=True)
class Gate:
    """What must happen before ``routine`` (or an exercise of it) starts: nothing
    (``open``); the user confirms their surgeon's or physiotherapist's clearance because it
    is beyond their known stage, or their stage is unknown (``confirm``); the user confirms
    their six-week follow-up (``follow_up``); or the user says whether they had back surgery
    (``surgery``, for a routine not meant for after surgery)."""

    kind: GateKind
    routine: str | None  # whose stage applies; None: an exercise no stage places
    from_day: int | None = None  # the first day of that routine's stage, if it has one


def gate(user: UserRecord, catalog: Catalog, today: date, routine_id: str | None) -> Gate:
    """Whether this routine may start now for this user, or what to ask first."""
    stages = catalog.stages
    if routine_id is None:
        return Gate("confirm", None)
    rule = stages.rules.get(routine_id, "clinician")
    span = stages.first_span(routine_id)
    from_day = span.from_day if span is not None else None
    if user.stage_override == routine_id or rule == "any_time":
        return Gate("open", routine_id, from_day)
    if rule == "no_surgery":
        return Gate("surgery", routine_id)
    if user.stage_override is not None:
        within = stages.step(routine_id) <= stages.step(user.stage_override)
        return Gate("open" if within else "confirm", routine_id, from_day)
    day = days_since_surgery(user, today)
    if rule == "clinician" or span is None or day is None or day < span.from_day:
        return Gate("confirm", routine_id, from_day)
    if span.after_follow_up and not user.follow_up_confirmed:
        return Gate("follow_up", routine_id, from_day)
    return Gate("open", routine_id, from_day)


def exercise_routine(catalog: Catalog, exercise_id: str) -> str | None:
    """The earliest routine an exercise belongs to (routines meant for after surgery first),
    which decides when it may be coached on its own."""
    stages = catalog.stages
    placed = stages.exercise_routines.get(exercise_id)
    if placed is not None:
        return placed
    holders = [
        r
        for r in catalog.routines.values()
        if exercise_id in {i.exercise for i in r.items} or exercise_id in r.alternatives
    ]
    if not holders:
        return None
    # "no_surgery" routines last: an exercise that also belongs to a post-operative routine
    # follows that routine's stage.
    return min(holders, key=lambda r: (stages.rules.get(r.id) == "no_surgery", stages.step(r.id))).id


def set_surgery_date(user: UserRecord, said: str | None, today: date) -> StageCheck:
    """ "my surgery was on <AMAZON.DATE>".

    Alexa resolves a date said without a year ("the fifth of January") to its next
    occurrence, so a surgery date up to a year ahead is taken as the same day a year
    earlier: a surgery is in the past. The date is said back to the user, so a wrong year
    can be corrected. Dates further ahead are questioned."""
    when = _as_date(said, today)
    if when is None:
        return StageCheck("unclear")
    if when > today:
        last_year = _year_earlier(when)
        if last_year > today:
            return StageCheck("future", surgery_date=when)
        when = last_year
    day = (today - when).days
    if day > MAX_DAYS:
        return StageCheck("too_old", week=week_of_day(day), surgery_date=when)
    user.surgery_date = when
    user.reported_week = None
    user.stage_override = None
    return StageCheck("stored", week=week_of_day(day), surgery_date=when)


def set_weeks_ago(user: UserRecord, duration: str | None, today: date) -> StageCheck:
    """ "I had surgery <AMAZON.DURATION> ago": P5W, P10D, P2M..."""
    days = duration_days(duration or "")
    if days is None:
        return StageCheck("unclear")
    return set_surgery_date(user, (today - timedelta(days=days)).isoformat(), today)


def set_week(user: UserRecord, number: str | None, today: date) -> StageCheck:
    """ "I'm in week <AMAZON.NUMBER>"."""
    week = parse_number(number) if number else None
    if week is None or week < 1:  # there is no week zero: day 0 is in week 1
        return StageCheck("unclear")
    if week > MAX_WEEKS:
        return StageCheck("too_old", week=week)
    user.reported_week = (week, today)
    user.surgery_date = None
    user.stage_override = None
    return StageCheck("stored", week=week)


# A routine's name said in answer to "which week after surgery are you in?": "week three" is
# the week, "six weeks" the time since surgery (as "I'm six weeks post op": day 42).
_WEEK_WORDS = r"(?:the )?week (.+)"  # compiled at first use (re's cache), not at import
_WEEKS_SINCE = (
    r"(?:about |nearly |almost |just over |over |the |my |in (?:the |my )?)?"
    r"(\w+(?: \w+)?) weeks?(?: now| out| ago| post op)?"
)
GENERAL = "general_low_back"  # the routine for a back that had no surgery
_NO_SURGERY_WORDS = ("surgery", "surgical", "operation")


def set_from_week_words(user: UserRecord, said: str, today: date) -> StageCheck | None:
    """ "week three" or "six weeks" as the answer to the week question, stored; ``None`` for
    any other words (a routine's name)."""
    words = said.strip().lower()
    week = re.fullmatch(_WEEK_WORDS, words)
    if week is not None:
        return set_week(user, week.group(1), today)
    return set_from_weeks_since(user, words, today)


def set_from_weeks_since(user: UserRecord, said: str, today: date) -> StageCheck | None:
    """ "two weeks", "about six weeks out" heard as a routine's name ("I had surgery two weeks
    back, what should I be doing this week"): the time since surgery, stored, as "two weeks
    ago" would be, when no stage is known yet; ``None`` for any other words, or when one is.
    ("week two" is the routine's name.)"""
    since = re.fullmatch(_WEEKS_SINCE, said.strip().lower())
    if since is None:
        return None
    if is_ordinal(since.group(1)) and " ago" not in said:
        # "third week" is week 3 (days 14 to 20), as "week three" is; "three weeks" is day 21.
        return set_week(user, since.group(1), today)
    if user.stage_override is not None or current_week(user, today) is not None:
        # A stage is known (a surgery date, a week, a physiotherapist's routine): "what's the
        # routine for four weeks" asks about one, it does not replace what was told.
        return None
    count = parse_number(since.group(1))
    return set_weeks_ago(user, f"P{count}W" if count is not None else None, today)


def says_no_surgery(user: UserRecord, routine_id: str | None, said: str | None, today: date) -> bool:
    """ "I didn't have surgery", "no surgery though": the general routine named by words about
    surgery (not its name alone), by someone whose week after surgery is not known."""
    words = (said or "").lower()
    return (
        routine_id == GENERAL and any(word in words for word in _NO_SURGERY_WORDS) and current_week(user, today) is None
    )


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


_DURATION = r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"  # compiled at first use (re's cache), not at import


def duration_days(duration: str) -> int | None:
    """The days an ``AMAZON.DURATION`` value (P5W, P10D, P2M...) spans; None for anything else."""
    match = re.fullmatch(_DURATION, duration)
    if not match or not any(match.groups()):
        return None
    years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
    return years * 365 + months * 30 + weeks * 7 + days
