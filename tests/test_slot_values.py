"""The one parsing layer for built-in slot values: a value, or None; never an exception."""

from __future__ import annotations

from datetime import date

import pytest

from skill.domain import slot_values
from skill.domain.numbers import parse_number

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7),
        (" 10 ", 10),
        ("seven", 7),
        ("twenty one", 21),
        ("0", 0),
        ("999999999", 999_999_999),
        ("1000000000", None),  # ten digits
        ("9" * 5000, None),  # int() would refuse it
        ("²", None),
        ("①", None),
        ("٣", None),
        ("-1", None),
        ("3.5", None),
        ("", None),
        (None, None),
        ("minus one", None),
        ("hundred " * 20, None),
        ("and", None),  # no number in it: not zero ("remind me to do them too, and ...")
        ("and and", None),
        ("a hundred and five", 105),
    ],
)
def test_number(value: str | None, expected: int | None) -> None:
    assert slot_values.number(value) == expected


@pytest.mark.parametrize("word", ["²", "①", "9" * 5000, "hundred " * 4000, "²nd"])
def test_parse_number_never_raises(word: str) -> None:
    assert parse_number(word) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("09:00", "09:00"),
        ("9:05", "09:05"),
        ("23:59", "23:59"),
        ("EV", "EV"),
        ("7 pm", "19:00"),
        ("nine a.m.", "09:00"),
        ("T09:00", None),
        ("24:00", None),
        ("25:61", None),
        ("9:00:00", None),
        ("١٢:٠٠", None),
        ("", None),
    ],
)
def test_time(value: str, expected: str | None) -> None:
    assert slot_values.time(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("03:00", 3), ("15:00", 15), ("03:30", None), ("MO", None), ("x", None)]
)
def test_hour_on_the_hour(value: str, expected: int | None) -> None:
    assert slot_values.hour_on_the_hour(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-10-03", "2026-10-03"),
        ("october third", "2026-10-03"),  # no year: the next one on or after today... as Alexa does
        ("2026-02-30", None),
        ("0001-01-01", None),
        ("9999-12-31", None),
        ("2026-W47", None),
        ("2026-10", None),
        ("XXXX-10-03", None),
        ("", None),
    ],
)
def test_day(value: str, expected: str | None) -> None:
    if value == "october third":
        expected = "2027-10-03"  # October 3rd is past on 21 November 2026
    assert slot_values.day(value, TODAY) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("P5W", "P5W"),
        ("P10D", "P10D"),
        ("PT10M", "PT10M"),
        ("P1Y2M", "P1Y2M"),
        ("P100Y", "P100Y"),
        ("P101Y", None),  # over a hundred years
        ("five weeks", "P5W"),
        ("P2100Y", None),
        ("P99999999999W", None),
        ("PT99999999999H", None),
        ("P", None),
        ("PT", None),
        ("5W", None),
        ("", None),
    ],
)
def test_duration(value: str, expected: str | None) -> None:
    assert slot_values.duration(value) == expected
