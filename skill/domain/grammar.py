"""Sentence templates: ``(a|b)`` picks one alternative, ``[a|b]`` picks one or none, and
``<name>`` stands for a named rule (itself a template) defined once and used in many.

Used for the interaction model's samples and for the vocabulary's spoken phrases, so both
are written as grammars and expanded by the build rather than typed out as lists.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping

_TOKEN = r"\(([^()\[\]]*)\)|\[([^()\[\]]*)\]"  # compiled at first use (re's cache), not at import
_CLITIC = r" '(?=[a-z])"  # compiled at first use (re's cache), not at import
_RULE = r"<([a-z_]+)>"  # compiled at first use (re's cache), not at import


def substitute(template: str, rules: Mapping[str, str]) -> str:
    """The template with each ``<name>`` replaced by its rule (rules may use rules)."""
    for _ in range(8):  # rules nest a few levels at most; a cycle stops here and fails below
        replaced = re.sub(_RULE, lambda m: rules[m.group(1)] if m.group(1) in rules else m.group(0), template)
        if replaced == template:
            break
        template = replaced
    unknown = re.findall(_RULE, template)
    if unknown:
        raise ValueError(f"unknown grammar rule(s) {sorted(set(unknown))} in {template!r}")
    return template


def choices(template: str, rules: Mapping[str, str] | None = None) -> list[list[str]]:
    """The template as a row of choice points: literal text is a point with one option,
    ``(a|b)`` one with two, ``[a|b]`` one with three (the first is "")."""
    if rules is not None or "<" in template:
        template = substitute(template, rules or {})
    pieces: list[list[str]] = []
    position = 0
    for match in re.finditer(_TOKEN, template):
        pieces.append([template[position : match.start()]])
        if match.group(1) is not None:
            pieces.append(match.group(1).split("|"))
        else:
            pieces.append(["", *match.group(2).split("|")])
        position = match.end()
    pieces.append([template[position:]])
    return pieces


def sentence(parts: Iterable[str]) -> str:
    """One sentence from one option of each choice point, spaced as spoken."""
    # "i ('ve got|have)" must give "i've got", not "i 've got" (a word Alexa cannot hear).
    return re.sub(_CLITIC, "'", " ".join("".join(parts).split()))


def expand(template: str, rules: Mapping[str, str] | None = None) -> list[str]:
    """Every sentence a template stands for, in order, without duplicates."""
    return list(dict.fromkeys(sentence(choice) for choice in itertools.product(*choices(template, rules))))
