"""Sentence templates: ``(a|b)`` picks one alternative, ``[a|b]`` picks one or none.

Used for the interaction model's samples and for the vocabulary's spoken phrases, so both
are written as grammars and expanded by the build rather than typed out as lists.
"""

from __future__ import annotations

import itertools
import re

_TOKEN = re.compile(r"\(([^()\[\]]*)\)|\[([^()\[\]]*)\]")
_CLITIC = re.compile(r" '(?=[a-z])")


def expand(template: str) -> list[str]:
    """Every sentence a template stands for, in order, without duplicates."""
    pieces: list[list[str]] = []
    position = 0
    for match in _TOKEN.finditer(template):
        pieces.append([template[position : match.start()]])
        if match.group(1) is not None:
            pieces.append(match.group(1).split("|"))
        else:
            pieces.append(["", *match.group(2).split("|")])
        position = match.end()
    pieces.append([template[position:]])
    sentences = (" ".join("".join(choice).split()) for choice in itertools.product(*pieces))
    # "i ('ve got|have)" must give "i've got", not "i 've got" (a word Alexa cannot hear).
    return list(dict.fromkeys(_CLITIC.sub("'", s) for s in sentences))
