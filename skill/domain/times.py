"""Times and durations as people say them: "seven pm" -> "19:00", "five weeks" -> "P5W".

Runtime code (reminder times, stage durations) reads spoken values from clients that send
words, and the console's built-in slot stand-in (``skill.devtools.builtin_slots``) produces
Alexa's AMAZON.TIME and AMAZON.DURATION values from typed words with the same parsers.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from skill.domain.numbers import parse_number

# The deployment's time zone: the days of a user whose device has not said theirs (the
# skill's, ``skill.alexa.factory.build_skill``, and the clinic's report's).
TIME_ZONE_ENV = "SPINE_COACH_TIME_ZONE"


def valid_zone(zone: object) -> str | None:
    """``zone`` when it names an IANA time zone ("America/Chicago"), else None."""
    if not isinstance(zone, str) or not zone:
        return None
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return zone


_VAGUE_TIMES = {
    "morning": "MO",
    "this morning": "MO",
    "in the morning": "MO",
    "afternoon": "AF",
    "in the afternoon": "AF",
    "arvo": "AF",  # en-AU: the afternoon
    "in the arvo": "AF",
    "this arvo": "AF",
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
        r"(.*?)\s*(a m|am|p m|pm|in the morning|in the evening|at night|in the afternoon|in the arvo|o'clock|oclock)",
        text,
    )
    if match:
        text, marker = match.group(1).strip(), match.group(2)
        if marker in ("a m", "am", "in the morning"):
            suffix = "am"
        elif marker in ("p m", "pm", "in the evening", "at night", "in the afternoon", "in the arvo"):
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
