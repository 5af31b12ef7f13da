"""Alexa's built-in slot values, read safely: a parsed value, or ``None`` for "not understood".

The one place where the values of AMAZON.NUMBER, AMAZON.TIME, AMAZON.DATE and
AMAZON.DURATION are turned into something the skill can use. Slot values arrive from
outside (a device, a test client, a hostile caller), so nothing here raises: a value that
is empty, malformed, absurdly long, written in other scripts' digits (``²``, ``①``, ``٣``)
or out of range comes back as ``None``, and the handler answers as it would for a
missing value. Bounds keep later date arithmetic safe (``P2100Y`` or ``P99999999999W``
would overflow ``date - timedelta``).

Alexa sends digits and ISO 8601 ("5", "14:00", "2026-10-03", "P5W"); the console's resolver
and virtual-alexa may send the spoken words ("five", "7 pm", "october third", "three
weeks"), which are read with the parsers in ``skill.domain.dates`` and ``skill.domain.times``
(the console's built-in slot stand-in uses the same).
"""

from __future__ import annotations

import re
from datetime import date

MAX_DIGITS = 9  # no answer the skill asks for is anywhere near a billion
MAX_TEXT = 100  # longer values are not something anybody said
MAX_DURATION_DAYS = 100 * 366
EARLIEST_YEAR = 1900
LATEST_YEAR = 2199

VAGUE_TIMES = frozenset({"MO", "AF", "EV", "NI"})  # morning, afternoon, evening, night
_ASCII_DIGITS = r"[0-9]+"  # compiled at first use (re's cache), not at import
_CLOCK = r"([0-9]{1,2}):([0-9]{2})"  # compiled at first use (re's cache), not at import
_ISO_DATE = r"([0-9]{4})-([0-9]{2})-([0-9]{2})"  # compiled at first use (re's cache), not at import
_ISO_DURATION = (  # compiled at first use (re's cache): not at a cold start
    r"P(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)W)?(?:([0-9]+)D)?(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)S)?)?"
)


def _clean(value: object) -> str | None:
    """The value stripped, if it can be one at all: a short ASCII string (English locales'
    values and words are ASCII; other digits, such as "١٢", are not Alexa's)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    return text if text and len(text) <= MAX_TEXT and text.isascii() else None


def number(value: object) -> int | None:
    """AMAZON.NUMBER: "7" (or "seven") -> 7; anything else, negative or huge -> ``None``."""
    text = _clean(value)
    if text is None or text.startswith("-"):  # "-1" must not become 1
        return None
    if re.fullmatch(_ASCII_DIGITS, text):
        return int(text) if len(text) <= MAX_DIGITS else None
    from skill.domain.numbers import parse_number

    return parse_number(text)


def time(value: object) -> str | None:
    """AMAZON.TIME: "HH:MM" (24 hours, normalized to two digits each) or one of the vague
    times "MO", "AF", "EV", "NI"; "7 pm" -> "19:00"; anything else -> ``None``."""
    text = _clean(value)
    if text is None:
        return None
    if text.upper() in VAGUE_TIMES:
        return text.upper()
    clock = re.fullmatch(_CLOCK, text)
    if clock is None:
        from skill.domain.times import parse_time

        words = " ".join(text.lower().replace(".", " ").split())
        spoken = parse_time(words) if words else None
        if spoken is None or spoken in VAGUE_TIMES:
            return spoken
        clock = re.fullmatch(_CLOCK, spoken)
        if clock is None:
            return None
    hour, minute = int(clock.group(1)), int(clock.group(2))
    return f"{hour:02d}:{minute:02d}" if 0 <= hour <= 23 and 0 <= minute <= 59 else None


def hour_on_the_hour(value: object) -> int | None:
    """The hour of an AMAZON.TIME value with no minutes ("03:00" -> 3), else ``None``."""
    clock = time(value)
    if clock is None or clock in VAGUE_TIMES or not clock.endswith(":00"):
        return None
    return int(clock[:2])


def day(value: object, today: date) -> str | None:
    """AMAZON.DATE as an ISO date ("2026-10-03"; "october third" is read too) between the
    years 1900 and 2199; week, month or year values ("2026-W47", "2026-10") and anything
    else -> ``None``."""
    text = _clean(value)
    if text is None:
        return None
    if not re.fullmatch(_ISO_DATE, text):
        from skill.domain.dates import parse_date

        words = " ".join(text.lower().replace(".", " ").replace(",", " ").split())
        text = (parse_date(words, today) if words else None) or ""
        if not re.fullmatch(_ISO_DATE, text):
            return None
    try:
        when = date.fromisoformat(text)
    except ValueError:
        return None
    return when.isoformat() if EARLIEST_YEAR <= when.year <= LATEST_YEAR else None


def duration(value: object) -> str | None:
    """AMAZON.DURATION as an ISO 8601 duration ("P5W", "PT10M"; "five weeks" is read too)
    of at most a hundred years, as given; anything else -> ``None``."""
    text = _clean(value)
    if text is None:
        return None
    if not text.startswith("P"):
        from skill.domain.times import parse_duration

        words = " ".join(text.lower().replace(".", " ").split())
        text = (parse_duration(words) if words else None) or ""
    match = re.fullmatch(_ISO_DURATION, text)
    if match is None or not any(match.groups()):
        return None
    if any(len(part) > MAX_DIGITS for part in match.groups() if part):
        return None
    years, months, weeks, days, hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    total_days = years * 366 + months * 31 + weeks * 7 + days + (hours * 3600 + minutes * 60 + seconds) / 86400
    return text if total_days <= MAX_DURATION_DAYS else None
