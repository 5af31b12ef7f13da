"""The user's persistent record: what the skill remembers between sessions.

Stored as one JSON document per Alexa user id (``skill.store``). Reading is forgiving:
a field that is missing, of the wrong type or from an older version falls back to its
default instead of failing, so a damaged record never locks a patient out. Writing
always produces the current version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

RECORD_VERSION = 1
MAX_HISTORY = 400  # a little over a year of daily sessions


@dataclass
class UserRecord:
    """Everything the skill remembers about one user between sessions."""

    rev: int = 0  # revision: saves are conditional on it (two devices, one user)
    disclaimer_heard: bool = False
    pace: float = 1.0  # counting tempo: above 1 is slower ("slower" / "faster")
    levels: dict[str, int] = field(default_factory=dict)  # easier/harder level per exercise
    clearances: list[str] = field(default_factory=list)  # exercises the surgeon cleared
    place: dict[str, Any] | None = None  # the unfinished workout: {"state": ..., "saved_at": iso}
    history: list[dict[str, Any]] = field(default_factory=list)  # finished or abandoned sessions
    surgery_date: date | None = None
    reported_week: tuple[int, date] | None = None  # "I'm in week four", and when it was said
    stage_override: str | None = None  # a routine id the physiotherapist chose
    follow_up_confirmed: bool = False  # the user said they have had their six-week follow-up
    reminders: list[dict[str, str]] = field(default_factory=list)  # {"token", "time": "HH:MM", "time_zone"}
    pending_reminder: dict[str, str] | None = None  # a reminder waiting for the permission
    pain: list[dict[str, Any]] = field(default_factory=list)  # {"date": iso, "score": 0..10}
    time_zone: str | None = None  # the device's, from the settings API

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
        history = raw.get("history")
        if isinstance(history, list):
            record.history = [dict(h) for h in history if isinstance(h, Mapping)][-MAX_HISTORY:]
        record.surgery_date = _date(raw.get("surgery_date"))
        reported = raw.get("reported_week")
        if isinstance(reported, Mapping) and isinstance(reported.get("week"), int) and _date(reported.get("on")):
            record.reported_week = (reported["week"], _date(reported["on"]) or date.min)
        override = raw.get("stage_override")
        record.stage_override = override if isinstance(override, str) else None
        record.follow_up_confirmed = raw.get("follow_up_confirmed") is True
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
        pain = raw.get("pain")
        if isinstance(pain, list):
            record.pain = [
                {"date": p["date"], "score": p["score"]}
                for p in pain
                if isinstance(p, Mapping)
                and _date(p.get("date"))
                and isinstance(p.get("score"), int)
                and 0 <= p["score"] <= 10
            ][-MAX_HISTORY:]
        zone = raw.get("time_zone")
        record.time_zone = zone if isinstance(zone, str) and zone else None
        return record

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "v": RECORD_VERSION,
            "rev": self.rev,
            "disclaimer_heard": self.disclaimer_heard,
            "pace": self.pace,
            "levels": dict(sorted(self.levels.items())),
            "clearances": sorted(set(self.clearances)),
            "history": self.history[-MAX_HISTORY:],
        }
        if self.place is not None:
            data["place"] = self.place
        if self.surgery_date is not None:
            data["surgery_date"] = self.surgery_date.isoformat()
        if self.reported_week is not None:
            data["reported_week"] = {"week": self.reported_week[0], "on": self.reported_week[1].isoformat()}
        if self.stage_override is not None:
            data["stage_override"] = self.stage_override
        if self.follow_up_confirmed:
            data["follow_up_confirmed"] = True
        if self.reminders:
            data["reminders"] = self.reminders
        if self.pending_reminder is not None:
            data["pending_reminder"] = self.pending_reminder
        if self.pain:
            data["pain"] = self.pain[-MAX_HISTORY:]
        if self.time_zone is not None:
            data["time_zone"] = self.time_zone
        return data


def _date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
