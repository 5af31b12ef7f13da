"""The user's persistent record: what the skill remembers between sessions.

Two parts (``skill.store``):

- the hot record, one small JSON document per Alexa user id that every turn reads and
  may write: the saved place, preferences, stage and clearances, reminder tokens and a
  running streak. Its size does not grow with use.
- history: finished or abandoned sessions and pain scores, one row or item each, written
  once when they happen (``UserRecord.appended`` collects them during a turn) and read
  only by the answers that need them, over a bounded range of days.

Reading is forgiving: a field that is missing, of the wrong type or from an older version
falls back to its default instead of failing, so a damaged record never locks a patient
out. Writing always produces the current version. A version 1 record (history and pain
inside the record, capped at 400 entries) is split on first read (``split_legacy``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

RECORD_VERSION = 2

Entry = tuple[str, dict[str, Any]]  # (sort key, entry): one history row or item


@dataclass
class UserRecord:
    """Everything the skill remembers about one user between sessions."""

    rev: int = 0  # revision: saves are conditional on it (two devices, one user)
    disclaimer_heard: bool = False
    pace: float = 1.0  # counting tempo: above 1 is slower ("slower" / "faster")
    levels: dict[str, int] = field(default_factory=dict)  # easier/harder level per exercise
    clearances: list[str] = field(default_factory=list)  # exercises the surgeon cleared
    place: dict[str, Any] | None = None  # the unfinished workout: {"state": ..., "saved_at": iso}
    # The run of consecutive active days that the recorded history ends with: (last day, days).
    streak_run: tuple[date, int] | None = None
    surgery_date: date | None = None
    reported_week: tuple[int, date] | None = None  # "I'm in week four", and when it was said
    stage_override: str | None = None  # a routine id the physiotherapist chose
    follow_up_confirmed: bool = False  # the user said they have had their six-week follow-up
    # The first guided session's "check with your surgeon before starting" has been said.
    before_starting_heard: bool = False
    reminders: list[dict[str, str]] = field(default_factory=list)  # {"token", "time": "HH:MM", "time_zone"}
    pending_reminder: dict[str, str] | None = None  # a reminder waiting for the permission
    time_zone: str | None = None  # the device's, from the settings API
    # History entries made during this turn, written by the turn before the record; not part of it.
    appended: list[Entry] = field(default_factory=list, compare=False)

    @staticmethod
    def from_dict(raw: Mapping[str, Any] | None) -> UserRecord:
        if not isinstance(raw, Mapping):
            return UserRecord()
        record = UserRecord(disclaimer_heard=raw.get("disclaimer_heard") is True)
        rev = raw.get("rev")
        record.rev = rev if isinstance(rev, int) and not isinstance(rev, bool) and rev >= 0 else 0
        pace = raw.get("pace")
        if isinstance(pace, int | float) and not isinstance(pace, bool) and 0.5 <= pace <= 2.5:
            record.pace = float(pace)
        levels = raw.get("levels")
        if isinstance(levels, Mapping):
            record.levels = {str(k): v for k, v in levels.items() if isinstance(v, int) and not isinstance(v, bool)}
        record.clearances = _strings(raw.get("clearances"))
        place = raw.get("place")
        if (
            isinstance(place, Mapping)
            and isinstance(place.get("state"), Mapping)
            and isinstance(place.get("saved_at"), str)
        ):
            record.place = {"state": dict(place["state"]), "saved_at": place["saved_at"]}
            if place.get("after_symptom") is True:
                record.place["after_symptom"] = True
        run = raw.get("streak")
        if isinstance(run, Mapping) and _date(run.get("last")) and isinstance(run.get("days"), int):
            record.streak_run = (_date(run["last"]) or date.min, run["days"])
        record.surgery_date = _date(raw.get("surgery_date"))
        reported = raw.get("reported_week")
        if isinstance(reported, Mapping) and isinstance(reported.get("week"), int) and _date(reported.get("on")):
            record.reported_week = (reported["week"], _date(reported["on"]) or date.min)
        override = raw.get("stage_override")
        record.stage_override = override if isinstance(override, str) else None
        record.follow_up_confirmed = raw.get("follow_up_confirmed") is True
        record.before_starting_heard = raw.get("before_starting_heard") is True
        reminders = raw.get("reminders")
        if isinstance(reminders, list):
            record.reminders = [
                {k: str(v) for k, v in r.items()}
                for r in reminders
                if isinstance(r, Mapping) and isinstance(r.get("token"), str)
            ]
        pending = raw.get("pending_reminder")
        if isinstance(pending, Mapping) and isinstance(pending.get("time"), str):
            record.pending_reminder = {k: str(v) for k, v in pending.items()}
        zone = raw.get("time_zone")
        record.time_zone = zone if isinstance(zone, str) and zone else None
        return record

    def to_dict(self) -> dict[str, Any]:
        """The stored form; its containers are copies, so it doubles as a snapshot."""
        data: dict[str, Any] = {
            "v": RECORD_VERSION,
            "rev": self.rev,
            "disclaimer_heard": self.disclaimer_heard,
            "pace": self.pace,
            "levels": dict(sorted(self.levels.items())),
            "clearances": sorted(set(self.clearances)),
        }
        if self.place is not None:
            data["place"] = dict(self.place)
        if self.streak_run is not None:
            data["streak"] = {"last": self.streak_run[0].isoformat(), "days": self.streak_run[1]}
        if self.surgery_date is not None:
            data["surgery_date"] = self.surgery_date.isoformat()
        if self.reported_week is not None:
            data["reported_week"] = {"week": self.reported_week[0], "on": self.reported_week[1].isoformat()}
        if self.stage_override is not None:
            data["stage_override"] = self.stage_override
        if self.follow_up_confirmed:
            data["follow_up_confirmed"] = True
        if self.before_starting_heard:
            data["before_starting_heard"] = True
        if self.reminders:
            data["reminders"] = [dict(r) for r in self.reminders]
        if self.pending_reminder is not None:
            data["pending_reminder"] = dict(self.pending_reminder)
        if self.time_zone is not None:
            data["time_zone"] = self.time_zone
        return data


def split_legacy(raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[Entry]] | None:
    """A version 1 record as (the hot record, its history as entries), or ``None`` if ``raw``
    is already current. Every session and pain score is kept; the streak run is worked out
    from the sessions, in the user's time zone as stored."""
    from skill.domain import progress
    from skill.domain.history import pain_key, session_key

    if raw.get("v") != 1 or not ("history" in raw or "pain" in raw):
        return None
    hot = {k: v for k, v in raw.items() if k not in ("history", "pain")}
    sessions = [dict(h) for h in raw.get("history") or [] if isinstance(h, Mapping)]
    # The running session was also a history entry; now the place alone stands for it.
    place = raw.get("place")
    state = place.get("state") if isinstance(place, Mapping) else None
    running = state.get("started_at") if isinstance(state, Mapping) else None
    entries: list[Entry] = [
        (session_key(h), h)
        for h in sessions
        if not (h.get("status") == "in_progress" and h.get("started_at") == running)
    ]
    for number, p in enumerate(raw.get("pain") or []):
        if isinstance(p, Mapping) and _date(p.get("date")) and isinstance(p.get("score"), int):
            entry = {"date": p["date"], "score": p["score"]}
            entries.append((pain_key(str(p["date"]), str(p["date"]), f"v1-{number:05d}"), entry))
    zone = raw.get("time_zone") if isinstance(raw.get("time_zone"), str) else None
    run: tuple[date, int] | None = None
    active = progress.days((h for _, h in entries if "started_at" in h), zone)
    for day in sorted(when for when, found in active.items() if found.done):
        run = progress.extend_run(run, day)
    if run is not None:
        hot["streak"] = {"last": run[0].isoformat(), "days": run[1]}
    if sessions:  # a user with sessions before this layout has had the first session's words
        hot["before_starting_heard"] = True
    hot["v"] = RECORD_VERSION
    return hot, entries


def _date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
