"""Reading slots from an intent request: the entity-resolution id, never the raw words.

Alexa sends each custom slot with its raw words (``value``) and, when the words matched a
value or synonym of the slot type, a resolution with status ``ER_SUCCESS_MATCH`` and the
value's id. Handlers act on the id; words Alexa could not match are resolved against the
vocabulary (``understood_id``), and otherwise only used to suggest alternatives.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from skill.domain import slot_values
from skill.domain.vocabulary import Vocabulary


def _slot(request: Any, name: str) -> Any:
    intent = getattr(request, "intent", None)
    slots = getattr(intent, "slots", None)
    if not isinstance(slots, dict):
        return None
    return slots.get(name)


def resolved_id(request: Any, name: str) -> str | None:
    """The id of the slot value Alexa resolved, or ``None`` when it did not match."""
    slot = _slot(request, name)
    resolutions = getattr(getattr(slot, "resolutions", None), "resolutions_per_authority", None)
    if not isinstance(resolutions, list):
        return None
    for authority in resolutions:
        code = getattr(getattr(getattr(authority, "status", None), "code", None), "value", None)
        values = getattr(authority, "values", None)
        if code == "ER_SUCCESS_MATCH" and isinstance(values, list) and values:
            value_id = getattr(getattr(values[0], "value", None), "id", None)
            if isinstance(value_id, str) and value_id:
                return value_id
    return None


def raw_value(request: Any, name: str) -> str | None:
    """The words the user said for a slot (for suggestions and built-in types only)."""
    value = getattr(_slot(request, name), "value", None)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def understood_id(request: Any, name: str, vocabulary: Vocabulary) -> str | None:
    """The id for a custom slot: Alexa's resolution, else the vocabulary's reading of the
    raw words Alexa could not match (``ER_SUCCESS_NO_MATCH``: "lift a kettle" -> lifting).

    The one place unmatched words are resolved, so every handler reads slots the same way
    on a device and in the console.
    """
    found = resolved_id(request, name)
    if found is not None or name not in vocabulary.sections:
        return found
    return vocabulary.resolve(name, raw_value(request, name))


# -- Alexa's built-in types: parsed by the one layer that never raises (skill.domain.slot_values) --


def number(request: Any, name: str) -> int | None:
    """An AMAZON.NUMBER slot as an int; ``None`` when missing or not understood."""
    return slot_values.number(raw_value(request, name))


def time(request: Any, name: str) -> str | None:
    """An AMAZON.TIME slot as "HH:MM" or "MO"/"AF"/"EV"/"NI"; ``None`` when missing or not understood."""
    return slot_values.time(raw_value(request, name))


def day(request: Any, name: str, today: date) -> str | None:
    """An AMAZON.DATE slot as an ISO date; ``None`` when missing or not understood."""
    return slot_values.day(raw_value(request, name), today)


def duration(request: Any, name: str) -> str | None:
    """An AMAZON.DURATION slot as a bounded ISO duration; ``None`` when missing or not understood."""
    return slot_values.duration(raw_value(request, name))
