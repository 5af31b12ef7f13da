"""Every prompt key used in code exists in every locale, and every prompt is used."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from skill.alexa.prompts import SUPPORTED_LOCALES, load_prompts
from skill.alexa.reminders import DAYS
from skill.domain import profile
from skill.domain.catalog import load_catalog

SKILL = Path(__file__).resolve().parent.parent / "skill"

# Keys built at run time (f-strings), listed with every value they can take.
DYNAMIC = {
    "term.{}": [
        "term.therapist",
        "term.and",
        "term.or",
        "term.walking_aid",
        "term.wall_distance",
        "term.surgeon_contact",
    ],
    # What to do now, again, for words after a stop that name no sign (its tier).
    "safety.after.unclear.{}": ["safety.after.unclear.stop", "safety.after.unclear.surgeon_today"],
    # The answer to each sign that is normal with exercise (content/guidance.json).
    "safety.expected.{}": [
        f"safety.expected.{s.id}" for s in load_catalog().guidance.symptoms if s.severity == "expected"
    ],
    "safety.check.{}": [
        f"safety.check.{c}" for c in ("general", "numbness", "numbness_spreads", "fall", "heart", "clot")
    ],
    "safety.if.{}": [f"safety.if.{tier}" for tier in ("emergency", "surgeon_today", "stop")],
    "safety.after.{}": [f"safety.after.{tier}" for tier in ("stop", "surgeon_today")],
    "account.needs.{}": [
        f"account.needs.{needs}"
        for needs in (
            profile.NEEDS_LINK,
            profile.NEEDS_PROVIDER,
            profile.NEEDS_VOICE,
            profile.NEEDS_PIN,
            profile.NEEDS_NEW_SESSION,
        )
    ],
    "month.{}": [f"month.{m}" for m in range(1, 13)],
    # every day, and each id of the DAYS slot (skill.alexa.reminders.DAYS)
    "reminder.days.{}": ["reminder.days.every_day", *(f"reminder.days.{d}" for d in DAYS)],
    "progress.pain.{}": [f"progress.pain.{d}" for d in ("down", "steady", "up")],
    "side.{}": [f"side.{s}" for s in ("leg", "foot", "side", "arm")],
    "dosage.{}.fixed": [f"dosage.{k}.fixed" for k in ("reps", "hold", "minutes", "per_day")],
    "dosage.{}.range": [f"dosage.{k}.range" for k in ("reps", "hold", "minutes", "per_day")],
    "screen.day.{}": [f"screen.day.{n}" for n in range(7)],
    "screen.progress.streak.label.{}": [f"screen.progress.streak.label.{f}" for f in ("one", "other")],
    "noun.{}.{}": [
        f"noun.{noun}.{form}"
        for noun in ("repetition", "rep", "second", "minute", "time", "exercise", "set", "routine", "session", "day")
        for form in ("one", "other")
    ],
}
# Keys the renderer uses directly.
RENDERER = ["content.step.first", "content.step.next", "content.step.last"]


def _f_string_shape(node: ast.JoinedStr) -> str:
    return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)  # type: ignore[misc]


def used_keys() -> tuple[set[str], set[str]]:
    """(static keys passed to Say.of or variants(), f-string shapes found there)."""
    keys: set[str] = set(RENDERER)
    shapes: set[str] = set()
    for path in SKILL.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
                continue
            if node.func.attr not in ("of", "variants", "unkept"):  # Turn.unkept: a prompt key too
                continue
            _collect(node.args[0], keys, shapes)
    return keys, shapes


def _collect(node: ast.AST, keys: set[str], shapes: set[str]) -> None:
    """String keys in an expression (through conditionals), f-strings as shapes."""
    if isinstance(node, ast.JoinedStr):
        shapes.add(_f_string_shape(node))
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, str) and "." in node.value:
            keys.add(node.value)
    else:
        for child in ast.iter_child_nodes(node):
            _collect(child, keys, shapes)


def all_used() -> set[str]:
    keys, shapes = used_keys()
    for shape in shapes:
        keys.update(DYNAMIC.get(shape, []))
    return keys


def test_every_dynamic_key_is_listed() -> None:
    _, shapes = used_keys()
    assert shapes <= set(DYNAMIC), f"list the values of these run-time keys in DYNAMIC: {shapes - set(DYNAMIC)}"
    assert set(DYNAMIC) <= shapes, f"no longer in code: {set(DYNAMIC) - shapes}"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_used_key_exists(locale: str) -> None:
    prompts = load_prompts(locale)
    missing = sorted(all_used() - prompts.keys())
    assert not missing, missing


def test_every_prompt_is_used() -> None:
    unused = sorted(load_prompts("en-US").keys() - all_used())
    assert not unused, f"prompts nothing says: {unused}"
