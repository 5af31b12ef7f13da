"""The user's persistent record: what the skill remembers between sessions.

Stored as one JSON document per Alexa user id (``skill.store``). Reading is forgiving:
a field that is missing, of the wrong type or from an older version falls back to its
default instead of failing, so a damaged record never locks a patient out. Writing
always produces the current version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

RECORD_VERSION = 1


@dataclass
class UserRecord:
    """Everything the skill remembers about one user between sessions."""

    disclaimer_heard: bool = False

    @staticmethod
    def from_dict(raw: Mapping[str, Any] | None) -> UserRecord:
        if not isinstance(raw, Mapping):
            return UserRecord()
        return UserRecord(disclaimer_heard=raw.get("disclaimer_heard") is True)

    def to_dict(self) -> dict[str, Any]:
        return {"v": RECORD_VERSION, "disclaimer_heard": self.disclaimer_heard}
