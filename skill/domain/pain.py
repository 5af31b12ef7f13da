"""The pain log: scores from zero to ten with their date, and when to sound the alarm.

A score of 7 or more, or one that is 3 or more above the user's recent average (their
last five scores from the past two weeks), gets the stop-and-contact-your-clinician
guidance. Pain scores are health data: they are stored in the user's history only
(one row or item per score, ``entry``) and never logged. Both rules look back two weeks
at most, so callers read only that much history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from skill.domain.history import pain_key

HIGH = 7
RISE = 3
RECENT_COUNT = 5
CHART_SCORES = 14  # the most recent scores a screen's chart shows
RECENT_DAYS = 14


@dataclass(frozen=True)
class PainCheck:
    """A logged pain score compared with the recent ones."""

    alert: Literal["high", "rise"] | None
    recent_average: float | None


def mean(values: list[int]) -> float:
    """(``statistics.mean`` would import ``fractions`` and ``decimal`` at cold start.)"""
    return sum(values) / len(values)


def recent(scores: list[dict[str, Any]], on: date) -> list[int]:
    since = on - timedelta(days=RECENT_DAYS)
    found = [s["score"] for s in scores if date.fromisoformat(s["date"]) >= since]
    return found[-RECENT_COUNT:]


def said_rise(before: int | None, score: int) -> bool:
    """ "It went from 3 to 6": the patient says the pain went up. Seed 003 stops the exercise
    for increased pain; said in words, any rise is one (the RISE margin is for the noise of
    scores given on different days)."""
    return before is not None and 0 <= before <= 10 and before < score


def log_pain(scores: list[dict[str, Any]], score: int, on: date) -> PainCheck:
    """Add a score (0-10) to ``scores`` and say whether it needs the clinician guidance."""
    if not 0 <= score <= 10:
        raise ValueError("pain scores run from 0 to 10")
    before = recent(scores, on)
    average = mean(before) if before else None
    scores.append({"date": on.isoformat(), "score": score})
    if score >= HIGH:
        return PainCheck("high", average)
    if average is not None and score - average >= RISE:
        return PainCheck("rise", average)
    return PainCheck(None, average)


def entry(score: int, on: date, logged_at: str, tag: str) -> tuple[str, dict[str, Any]]:
    """The history entry (sort key, entry) of a score logged on the user's day ``on``."""
    return pain_key(on.isoformat(), logged_at, tag), {"date": on.isoformat(), "score": score}


def trend(scores: list[dict[str, Any]], on: date) -> tuple[Literal["down", "steady", "up"], float, float] | None:
    """Earlier versus later half of the recent scores, when there are at least two."""
    window = [s["score"] for s in scores if date.fromisoformat(s["date"]) >= on - timedelta(days=RECENT_DAYS)]
    if len(window) < 2:
        return None
    half = len(window) // 2
    earlier, later = mean(window[:half]), mean(window[half:])
    direction: Literal["down", "steady", "up"] = (
        "down" if later < earlier - 0.5 else "up" if later > earlier + 0.5 else "steady"
    )
    return direction, round(earlier, 1), round(later, 1)
