"""Where things are stored: the user's key, and the sort keys of their history.

The hot record is stored under the Alexa user id, as the SDK's own adapters do. History
(finished or abandoned sessions, pain scores) is one row or item per entry under the same
user id, ordered by a sort key that starts with the entry's kind and its day, so "everything
since Monday" is one bounded range query:

- ``s#<ended_at in UTC>#<started_at>#<routine or exercise>`` for a session (the same
  session always gets the same key: writing it twice is harmless);
- ``p#<local date>#<logged at, UTC>#<tag>`` for a pain score (two devices logging the same
  score in the same second still get two keys).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from ask_sdk_core.exceptions import PersistenceException

SESSION = "s#"
PAIN = "p#"
END = "~"  # sorts after every character used in keys


def user_key(request_envelope: Any) -> str:
    """``context.System.user.userId``; one record per Alexa account and skill."""
    try:
        user_id = request_envelope.context.system.user.user_id
    except AttributeError:
        user_id = None
    if not isinstance(user_id, str) or not user_id:
        raise PersistenceException("request has no user id")
    return user_id


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


# A linked physiotherapist's plan is one more row or item under the user's id (so deleting
# the user's data deletes it). "plan" sorts after every "p#..." key, so no history range
# ever reads it.
PLAN = "plan"
# A link code waiting for the clinic: its own row or item under "link#<hash of the code>".
LINK = "link"


# A session stopped for a symptom (for the clinician's adherence report): its local day first.
SYMPTOM = "y#"


def symptom_key(day: str, at: str) -> str:
    return f"{SYMPTOM}{day}#{_utc(at)}"


def link_id(code_hash: str) -> str:
    return f"link#{code_hash}"
