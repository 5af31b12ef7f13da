"""Dates as people say them: "october third", "the day before yesterday", ISO dates.

Runtime code (the stage questions) reads spoken dates from clients that send words, and
the console's built-in slot stand-in produces Alexa's ISO dates from typed words.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from skill.domain.numbers import parse_number

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


def parse_date(text: str, today: date) -> str | None:
    relative = {"today": 0, "tomorrow": 1, "yesterday": -1, "the day before yesterday": -2}
    if text in relative:
        return (today + timedelta(days=relative[text])).isoformat()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            return None
    words = [w for w in text.split() if w not in ("on", "the", "of")]
    if not words:
        return None
    month_index = next((i for i, w in enumerate(words) if w in MONTHS), None)
    if month_index is None:
        return None
    month = MONTHS.index(words[month_index]) + 1
    before, after = words[:month_index], words[month_index + 1 :]
    day_words, year_words = (before, after) if before else (_split_day_year(after))
    day = parse_number(" ".join(day_words)) if day_words else None
    if day is None:
        return None
    year = _parse_year(year_words) if year_words else None
    if year_words and year is None:
        return None
    try:
        if year is not None:
            return date(year, month, day).isoformat()
        candidate = date(today.year, month, day)
        if candidate < today:
            candidate = date(today.year + 1, month, day)
        return candidate.isoformat()
    except ValueError:
        return None


def _split_day_year(words: list[str]) -> tuple[list[str], list[str]]:
    """ "third twenty twenty six" -> (["third"], ["twenty", "twenty", "six"])."""
    for cut in range(len(words), 0, -1):
        if parse_number(" ".join(words[:cut])) is not None and (cut == len(words) or _parse_year(words[cut:])):
            head = words[:cut]
            if cut < len(words) or len(head) <= 2:
                return head, words[cut:]
    return words, []


def _parse_year(words: list[str]) -> int | None:
    if len(words) == 1 and words[0].isdigit() and len(words[0]) == 4:
        return int(words[0])
    if len(words) >= 2:
        first, second = parse_number(words[0]), parse_number(" ".join(words[1:]))
        if first in (19, 20) and second is not None and 0 <= second <= 99:
            return first * 100 + second
        if words[:2] == ["two", "thousand"]:
            rest = parse_number(" ".join(words[2:])) if len(words) > 2 else 0
            return None if rest is None else 2000 + rest
    return None
