"""Dosage amounts as prompt parts: "10 repetitions", "5 to 10 seconds", "twice"... in words from the prompts."""

from __future__ import annotations

from typing import Literal

from skill.domain.output import Count, Say

AmountKind = Literal["reps", "hold", "minutes", "per_day"]
_NOUNS: dict[AmountKind, str] = {"reps": "repetition", "hold": "second", "minutes": "minute", "per_day": "time"}


def amount(kind: AmountKind, low: int, high: int | None = None) -> Say:
    """A single amount or a range of one kind, e.g. ``amount("hold", 5, 10)``."""
    high = low if high is None else high
    if low == high:
        return Say.of(f"dosage.{kind}.fixed", n=Count(low, _NOUNS[kind]))
    return Say.of(f"dosage.{kind}.range", min=low, max=high)
