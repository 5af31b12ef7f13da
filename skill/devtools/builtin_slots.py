"""Alexa's built-in slot types, as the console's resolver fills them.

What Alexa sends for each (values as in Alexa's documentation):

- ``AMAZON.NUMBER``: digits, "five" -> "5".
- ``AMAZON.TIME``: "HH:MM" in 24 hours, "seven pm" -> "19:00"; vague times "MO", "AF",
  "EV", "NI" (morning, afternoon, evening, night).
- ``AMAZON.DATE``: ISO date; a date said without a year is the next one on or after
  today ("october third" in November is next year's October 3rd).
- ``AMAZON.DURATION``: ISO-8601 duration, "five weeks" -> "P5W".

The skill's own code reads these values; this module only produces them for typed input.
"""

from __future__ import annotations

from datetime import date

from skill.domain.dates import parse_date
from skill.domain.numbers import parse_number
from skill.domain.times import parse_duration, parse_time


def parse_builtin(slot_type: str, heard: str, *, today: date | None = None) -> str | None:
    text = " ".join(heard.lower().replace(".", " ").replace(",", " ").split())
    if slot_type == "AMAZON.NUMBER":
        number = parse_number(text)
        return None if number is None else str(number)
    if slot_type == "AMAZON.TIME":
        return parse_time(text)
    if slot_type == "AMAZON.DATE":
        return parse_date(text, today or date.today())
    if slot_type == "AMAZON.DURATION":
        return parse_duration(text)
    return text or None
