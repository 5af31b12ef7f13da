"""Time, injected: the skill never calls ``datetime.now()`` itself, so tests control the date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def system_clock() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved; for tests and scripted console runs."""

    def __init__(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
