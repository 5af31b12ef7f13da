"""Numbers as people say them: "twenty one" <-> 21, "third" <-> 3.

Used to generate spoken slot synonyms ("week eight") and by the console's resolver,
which turns spoken numbers into digits the way Alexa's built-in slot types do.
"""

from __future__ import annotations

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORDINAL_ONES = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]
_ORDINAL_TENS = {
    "twenty": "twentieth",
    "thirty": "thirtieth",
    "forty": "fortieth",
    "fifty": "fiftieth",
    "sixty": "sixtieth",
    "seventy": "seventieth",
    "eighty": "eightieth",
    "ninety": "ninetieth",
}


def number_words(n: int) -> str:
    """0..999 in words, without "and": 21 -> "twenty one", 105 -> "one hundred five"."""
    if not 0 <= n <= 999:
        raise ValueError(f"{n} is out of range")
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] if ones == 0 else f"{_TENS[tens]} {_ONES[ones]}"
    hundreds, rest = divmod(n, 100)
    return f"{_ONES[hundreds]} hundred" + ("" if rest == 0 else f" {number_words(rest)}")


def ordinal_words(n: int) -> str:
    """1..99 as an ordinal: 3 -> "third", 21 -> "twenty first"."""
    if not 0 <= n <= 99:
        raise ValueError(f"{n} is out of range")
    if n < 20:
        return _ORDINAL_ONES[n]
    tens, ones = divmod(n, 10)
    if ones == 0:
        return _ORDINAL_TENS[_TENS[tens]]
    return f"{_TENS[tens]} {_ORDINAL_ONES[ones]}"


_WORD_VALUES: dict[str, int] = {w: i for i, w in enumerate(_ONES)}
_WORD_VALUES.update({w: i * 10 for i, w in enumerate(_TENS) if w})
_WORD_VALUES.update({"a": 1, "an": 1, "oh": 0, "no": 0, "nought": 0, "nil": 0})
_ORDINAL_VALUES: dict[str, int] = {w: i for i, w in enumerate(_ORDINAL_ONES)}
_ORDINAL_VALUES.update({v: _WORD_VALUES[k] for k, v in _ORDINAL_TENS.items()})


MAX_DIGITS = 9  # nobody says a ten-digit number to this skill; int() refuses 4,300+ digits


def _digits(word: str) -> bool:
    """ASCII digits only: ``str.isdigit`` is also true for "²" and "①", which ``int`` refuses."""
    return 0 < len(word) <= MAX_DIGITS and word.isascii() and word.isdigit()


def is_ordinal(text: str) -> bool:
    """ "third", "twenty first", "3rd": a number said as an ordinal (a position, not a count)."""
    words = text.lower().replace("-", " ").split()
    if not words or parse_number(text) is None:
        return False
    last = words[-1]
    return last in _ORDINAL_VALUES or (not _digits(last) and _digits(last.rstrip("stndrh")))


def parse_number(text: str) -> int | None:
    """ "21", "twenty one", "twenty-one", "a hundred", "third" -> int; else ``None``
    (also for digits other than 0-9 and for numbers of more than nine digits)."""
    words = text.lower().replace("-", " ").replace(",", "").split()
    if not words:
        return None
    if len(words) == 1:
        word = words[0]
        if _digits(word):
            return int(word)
        stripped = word.rstrip("stndrh")  # 3rd, 21st, 2nd, 4th
        if _digits(stripped) and stripped != word:
            return int(stripped)
    if all(word == "and" for word in words):
        return None  # "and" joins numbers ("a hundred and five"); alone it is none
    total = 0
    current = 0
    for index, word in enumerate(words):
        if word == "and":
            continue
        if word == "hundred":
            current = max(current, 1) * 100
            if current >= 10**MAX_DIGITS:  # "hundred hundred hundred ..."
                return None
            continue
        last = index == len(words) - 1
        ordinal = last and word in _ORDINAL_VALUES
        if not ordinal and word not in _WORD_VALUES:
            return None
        value = _ORDINAL_VALUES[word] if ordinal else _WORD_VALUES[word]
        if word in ("a", "an") and not (index + 1 < len(words) and words[index + 1] == "hundred"):
            return None
        if current % 100 and not (current % 10 == 0 and current % 100 >= 20 and value < 10):
            # Only a ten takes a one after it ("twenty one"): "eight fifteen" is a time, and
            # "six seven" two numbers, not 23 and 13.
            return None
        current += value
    total += current
    return total
