"""Every prompt key used in code exists in every locale, and every prompt is used."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from skill.prompts import SUPPORTED_LOCALES, load_prompts

SKILL = Path(__file__).resolve().parent.parent / "skill"
_STATIC = re.compile(r"""Say\.of\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")

# Keys built at run time, listed with every value they can take.
DYNAMIC = {
    'f"side.{side_word(exercise)}"': [f"side.{s}" for s in ("leg", "foot", "side", "arm")],
    'f"{key}.fixed"': [f"dosage.{k}.fixed" for k in ("reps", "hold", "minutes", "per_day")],
    'f"{key}.range"': [f"dosage.{k}.range" for k in ("reps", "hold", "minutes", "per_day")],
}
# Keys the renderer uses directly.
RENDERER = ["content.step.first", "content.step.next", "content.step.last", "term.and", "term.or", "term.therapist"]


def used_keys() -> set[str]:
    keys: set[str] = set(RENDERER)
    for path in SKILL.rglob("*.py"):
        source = path.read_text()
        keys.update(_STATIC.findall(source))
        for pattern, expansions in DYNAMIC.items():
            if pattern in source:
                keys.update(expansions)
    return keys


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_used_key_exists(locale: str) -> None:
    prompts = load_prompts(locale)
    missing = sorted(used_keys() - prompts.keys())
    assert not missing, missing


def test_every_prompt_is_used() -> None:
    unused = sorted(load_prompts("en-US").keys() - used_keys())
    assert not unused, f"prompts nothing says: {unused}"


def test_every_dynamic_pattern_is_still_in_code() -> None:
    code = "".join(p.read_text() for p in SKILL.rglob("*.py"))
    for pattern in DYNAMIC:
        assert pattern in code, pattern
