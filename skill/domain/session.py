"""What the skill keeps for the length of one Alexa session (session attributes).

One versioned document: the workout state while a guided session runs, the question
awaiting a yes or no, the last thing said (for "repeat"), and whether the user was
already told that saving failed. Anything that must
outlive the session goes in the user's record instead.

The workout's position travels as one compact JSON string, not as nested attributes: the
SDK deserializes and deep-copies nested session attributes value by value in Python on
every request, a string in one step (measured in docs/benchmarks.md).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from skill.domain.output import Pending

SESSION_VERSION = 2


@dataclass
class SessionState:
    """The session attributes, parsed (see the module docstring)."""

    pending: Pending | None = None
    last_speech: str | None = None  # SSML of the last response, replayed by "repeat"
    last_reprompt: str | None = None
    # The last response counted a set: "repeat" then says where the session is (with its
    # screen), not the whole count again while the screen shows what follows it.
    last_counted: bool = False
    store_warned: bool = False
    workout: dict[str, Any] | None = None  # the serialized WorkoutState, while one is active
    # The state before the last counted set: the set a barge-in ("Alexa, it hurts") interrupted.
    before_count: dict[str, Any] | None = None
    # What a profile that keeps no health information was told this session (the surgery
    # date, the week, a clearance): it serves the session and is never stored.
    health: dict[str, Any] | None = None
    # Voice PIN (clinic profile): the person who confirmed theirs this session, whether it
    # could not be confirmed, and the request that waits for it (as the SDK serializes it).
    pin_person: str | None = None
    pin_declined: bool = False
    # Whose session it is (clinic profile): Alexa's personId, "" for a voice it does not know,
    # None before the first request looked.
    speaker: str | None = None
    after_pin: dict[str, Any] | None = None
    # A symptom stopped exercise in this session: its tier ("stop", "surgeon_today" or
    # "emergency"). Nothing starts again in this session, whatever is asked next.
    stopped: str | None = None

    @staticmethod
    def from_attributes(raw: Mapping[str, Any] | None) -> SessionState:
        """Parse session attributes; anything damaged or from another version is dropped."""
        if not isinstance(raw, Mapping) or raw.get("v") != SESSION_VERSION:
            return SessionState()
        return SessionState(
            pending=Pending.from_dict(raw.get("pending")),
            last_speech=_str_or_none(raw.get("last_speech")),
            last_reprompt=_str_or_none(raw.get("last_reprompt")),
            last_counted=raw.get("last_counted") is True,
            store_warned=raw.get("store_warned") is True,
            workout=_document(raw.get("workout")),
            before_count=_document(raw.get("before_count")),
            health=_document(raw.get("health")),
            pin_person=_str_or_none(raw.get("pin_person")),
            pin_declined=raw.get("pin_declined") is True,
            speaker=_str_or_none(raw.get("speaker")),
            after_pin=_document(raw.get("after_pin")),
            stopped=_str_or_none(raw.get("stopped")),
        )

    def to_attributes(self) -> dict[str, Any]:
        attributes: dict[str, Any] = {"v": SESSION_VERSION}
        if self.pending is not None:
            attributes["pending"] = self.pending.to_dict()
        if self.last_speech is not None:
            attributes["last_speech"] = self.last_speech
        if self.last_reprompt is not None:
            attributes["last_reprompt"] = self.last_reprompt
        if self.last_counted:
            attributes["last_counted"] = True
        if self.store_warned:
            attributes["store_warned"] = True
        if self.workout is not None:
            attributes["workout"] = _compact(self.workout)
        if self.before_count is not None:
            attributes["before_count"] = _compact(self.before_count)
        if self.health:
            attributes["health"] = _compact(self.health)
        if self.pin_person is not None:
            attributes["pin_person"] = self.pin_person
        if self.pin_declined:
            attributes["pin_declined"] = True
        if self.speaker is not None:
            attributes["speaker"] = self.speaker
        if self.after_pin is not None:
            attributes["after_pin"] = _compact(self.after_pin)
        if self.stopped is not None:
            attributes["stopped"] = self.stopped
        return attributes


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _compact(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"))


def _document(value: object) -> dict[str, Any] | None:
    """A document ``_compact`` wrote; anything else is dropped."""
    if not isinstance(value, str):
        return None
    try:
        found = json.loads(value)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None
