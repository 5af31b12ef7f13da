"""Dates, times and durations as people say them: "october third", "half seven", "a fortnight".

Runtime code (the built-in slot values, ``skill.slot_values``) reads them from clients that
send words (virtual-alexa), and the console's built-in slot stand-in produces Alexa's ISO
values from typed words with the same functions.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from skill.numbers import parse_number

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


_VAGUE_TIMES = {
    "morning": "MO",
    "this morning": "MO",
    "in the morning": "MO",
    "afternoon": "AF",
    "in the afternoon": "AF",
    "evening": "EV",
    "in the evening": "EV",
    "night": "NI",
    "at night": "NI",
    "tonight": "NI",
}


def parse_time(text: str) -> str | None:
    if text in _VAGUE_TIMES:
        return _VAGUE_TIMES[text]
    if text in ("noon", "midday", "twelve noon"):
        return "12:00"
    if text == "midnight":
        return "00:00"
    suffix = None
    match = re.fullmatch(
        r"(.*?)\s*(a m|am|p m|pm|in the morning|in the evening|at night|in the afternoon|o'clock|oclock)", text
    )
    if match:
        text, marker = match.group(1).strip(), match.group(2)
        if marker in ("a m", "am", "in the morning"):
            suffix = "am"
        elif marker in ("p m", "pm", "in the evening", "at night", "in the afternoon"):
            suffix = "pm"
    hour: int | None
    minute = 0
    clock = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2))
    elif m := re.fullmatch(r"(half|quarter) (past|to) (.+)", text):
        base = parse_number(m.group(3))
        if base is None:
            return None
        offset = 30 if m.group(1) == "half" else 15
        hour, minute = (base, offset) if m.group(2) == "past" else ((base - 1) % 12 or 12, 60 - offset)
    elif m := re.fullmatch(r"half (\w+)", text):
        # British "half seven" is half past seven.
        base = parse_number(m.group(1))
        if base is None:
            return None
        hour, minute = base, 30
    elif (whole := parse_number(text)) is not None and whole <= 23:
        hour = whole  # "seven", "nineteen"
    else:
        # "nine thirty", "seven oh five": an hour word (one to twelve), then the minutes.
        words = text.split()
        hour = parse_number(words[0]) if words else None
        if hour is None or not 1 <= hour <= 12:
            return None
        if len(words) > 1:
            rest = " ".join(words[1:])
            minute_value = 0 if rest in ("o'clock", "oclock", "hundred") else parse_number(rest.removeprefix("oh "))
            if minute_value is None:
                return None
            minute = minute_value
    if hour is None or not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    if suffix == "pm" and hour < 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}"


_UNITS = {
    "minute": "M",
    "minutes": "M",
    "hour": "H",
    "hours": "H",
    "second": "S",
    "seconds": "S",
    "day": "D",
    "days": "D",
    "week": "W",
    "weeks": "W",
    "month": "M",
    "months": "M",
    "year": "Y",
    "years": "Y",
}


def parse_duration(text: str) -> str | None:
    text = re.sub(r"\bfortnights?\b", "two weeks", text.replace("a fortnight", "two weeks"))
    match = re.fullmatch(r"(.+?) (minutes?|hours?|seconds?|days?|weeks?|months?|years?)(?: ago)?", text)
    if not match:
        return None
    amount = 1 if match.group(1) in ("a", "an", "one") else parse_number(match.group(1))
    if amount is None:
        return None
    unit = match.group(2)
    letter = _UNITS[unit]
    time_part = unit.startswith(("minute", "hour", "second"))
    return f"PT{amount}{letter}" if time_part else f"P{amount}{letter}"
