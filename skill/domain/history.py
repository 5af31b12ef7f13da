"""The sort keys of a user's history: which entry is which, and in what order.

History (finished or abandoned sessions, pain scores) is one row or item per entry under
the user id, ordered by a sort key that starts with the entry's kind and its day, so "everything
since Monday" is one bounded range query:

- ``s#<ended_at in UTC>#<started_at>#<routine or exercise>`` for a session (the same
  session always gets the same key: writing it twice is harmless);
- ``p#<local date>#<logged at, UTC>#<tag>`` for a pain score (two devices logging the same
  score in the same second still get two keys);
- ``y#<local date>#<at, UTC>`` for a session stopped for a symptom (the adherence report).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

SESSION = "s#"
PAIN = "p#"
SYMPTOM = "y#"
END = "~"  # sorts after every character used in keys


def _utc(moment: str) -> str:
    try:
        when = datetime.fromisoformat(moment)
    except ValueError:
        return moment
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when.isoformat(timespec="seconds")


def session_key(entry: dict[str, Any]) -> str:
    ended = _utc(str(entry.get("ended_at") or entry.get("started_at") or ""))
    return f"{SESSION}{ended}#{entry.get('started_at')}#{entry.get('exercise') or entry.get('routine')}"


def pain_key(day: str, logged_at: str, tag: str) -> str:
    return f"{PAIN}{day}#{_utc(logged_at)}#{tag}"


def since(prefix: str, day: date) -> tuple[str, str]:
    """The key range of ``prefix`` entries from ``day`` on (session keys are in UTC: callers
    ask one day early and filter by their local day)."""
    return f"{prefix}{day.isoformat()}", f"{prefix}{END}"


def symptom_key(day: str, at: str) -> str:
    return f"{SYMPTOM}{day}#{_utc(at)}"
