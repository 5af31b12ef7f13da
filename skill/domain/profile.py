"""The deployment profile (issue 28): what the skill keeps about a person, decided here only.

Amazon refuses a skill that collects information about a person's health outside its
HIPAA-eligible program (account linking and PIN confirmation first). So there are two
profiles, chosen when the skill is packaged and read when it runs (``SPINE_COACH_PROFILE``,
or ``--profile`` on the command line):

- ``consumer``, the default: keeps no health information. No pain score, no record of a
  session stopped for a symptom, no surgery date or week after surgery, no clearance and no
  clinician's plan outlives the session it was said in; completion, pace, difficulty, the
  saved place and reminders are kept. A stage told in a session serves that session.
- ``clinic``: keeps everything, for the HIPAA-eligible route (en-US only). Its account
  linking and PIN confirmation are not built yet: the console plays a linked, confirmed
  person, and ``spine-coach package`` refuses the profile until they are.

Handlers ask a ``Profile`` what it keeps (``keeps_health``); they never test its name.
Pure: no SDK, no store.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from skill.domain import history

ENVIRONMENT = "SPINE_COACH_PROFILE"

# The record's fields that are health information (``skill.domain.user.UserRecord``), with
# the value each has when nothing is known.
HEALTH_FIELDS: Mapping[str, Any] = {
    "surgery_date": None,
    "reported_week": None,
    "stage_override": None,
    "follow_up_confirmed": False,
    "clearances": [],
}
# History entries that are health information, by their key's prefix: pain scores and the
# sessions stopped for a symptom (``skill.domain.history``).
HEALTH_HISTORY = (history.PAIN, history.SYMPTOM)


@dataclass(frozen=True)
class Profile:
    name: str
    keeps_health: bool  # pain scores, symptom stops, surgery date and week, clearances, plans
    deployable: bool  # ``spine-coach package`` builds it

    def kept(self, record: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """``record`` (``UserRecord.to_dict`` form) split into what may be stored and the
        health fields that may live only in the session (empty when everything is kept)."""
        if self.keeps_health:
            return dict(record), {}
        health = {name: record[name] for name in HEALTH_FIELDS if record.get(name) not in (None, False, [])}
        stored = {**record, **{name: _blank(default) for name, default in HEALTH_FIELDS.items()}}
        place = record.get("place")
        if isinstance(place, Mapping) and "after_symptom" in place:
            # That the session was stopped for a symptom is health information; the place is
            # not. Nothing of it is kept for the session: a symptom's answer ends the session.
            stored["place"] = {key: value for key, value in place.items() if key != "after_symptom"}
        return stored, health

    def entries_kept(self, entries: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
        """The history entries (sort key, entry) that may be stored."""
        return [entry for entry in entries if self.keeps_health or not entry[0].startswith(HEALTH_HISTORY)]


def _blank(default: Any) -> Any:
    return list(default) if isinstance(default, list) else default


CONSUMER = Profile("consumer", keeps_health=False, deployable=True)
# en-US only, once it can ship: the package refuses it whole until then, locales and all.
CLINIC = Profile("clinic", keeps_health=True, deployable=False)
PROFILES = {profile.name: profile for profile in (CONSUMER, CLINIC)}


def profile_named(name: str | None) -> Profile:
    """The profile called ``name`` (``None`` or empty: the consumer default); an unknown
    name is refused rather than guessed, since it decides what is kept."""
    if not name:
        return CONSUMER
    try:
        return PROFILES[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}: choose {' or '.join(PROFILES)}") from None


def from_environment(environ: Mapping[str, str] | None = None) -> Profile:
    """The profile ``SPINE_COACH_PROFILE`` names (the consumer default when unset)."""
    return profile_named((os.environ if environ is None else environ).get(ENVIRONMENT))
