"""Echo Show screens (APL): what to do, which set, how many left, at a glance.

The documents live in ``skill/apl/*.json`` (large text, high contrast: people read them
from the floor, several feet away). This module builds their data sources from the
catalog and the workout state, with labels in the request's locale, and wraps them in an
``Alexa.Presentation.APL.RenderDocument`` directive, but only for a device that has APL
at a version no older than the documents'. Nothing is shown that is not also said.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill.output import Count, RoutineRef, Say
from skill.speech import Renderer

APL_DIR = Path(__file__).resolve().parent / "apl"
DOCUMENT_VERSION = "1.6"


@dataclass(frozen=True)
class CoachingScreen:
    """The coaching screen: the exercise and where the workout stands."""

    exercise: str
    routine: str  # a routine id, or "single"
    index: int  # 0-based position in the routine
    total: int
    set: int
    sets: int
    side: int | None  # 0 left, 1 right, None when the exercise is not done per side
    side_word: str
    amount: Say | None  # this session's amount, as spoken in the introduction
    counting: bool  # a set is under way (the key step is highlighted) rather than the intro


@dataclass(frozen=True)
class HowToScreen:
    """The how-to screen of one exercise."""

    exercise: str


@dataclass(frozen=True)
class RoutineScreen:
    """The overview screen of one routine."""

    routine: str


@dataclass(frozen=True)
class ProgressScreen:
    """The progress screen."""

    sessions: int
    exercises: int
    streak: int


Screen = CoachingScreen | HowToScreen | RoutineScreen | ProgressScreen


def apl_max_version(request_envelope: Any) -> str | None:
    """The device's newest APL version, or ``None`` if it has no screen for APL."""
    device = getattr(getattr(request_envelope.context, "system", None), "device", None)
    interfaces = getattr(device, "supported_interfaces", None)
    apl = getattr(interfaces, "alexa_presentation_apl", None)
    runtime = getattr(apl, "runtime", None)
    version = getattr(runtime, "max_version", None)
    return version if isinstance(version, str) else None


def _version(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split("."))
    except ValueError:
        return (0,)


def can_show(max_version: str | None) -> bool:
    """APL versions compare as numbers: 1.6 < 1.10 < 2023.3."""
    return max_version is not None and _version(max_version) >= _version(DOCUMENT_VERSION)


@functools.cache
def document(kind: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((APL_DIR / f"{kind}.json").read_text(encoding="utf-8"))
    return loaded


def directive(screen: Screen, renderer: Renderer) -> dict[str, Any]:
    """The RenderDocument directive for a screen, in Alexa's JSON."""
    kind, data = _datasource(screen, renderer)
    return {
        "type": "Alexa.Presentation.APL.RenderDocument",
        "token": f"spine-coach-{kind}",
        "document": document(kind),
        "datasources": {"payload": {kind: data}},
    }


def _steps(renderer: Renderer, exercise_id: str, active: int | None) -> list[dict[str, Any]]:
    steps = renderer.catalog.exercise(exercise_id).steps
    return [{"text": step, "active": index == active} for index, step in enumerate(steps)]


def _datasource(screen: Screen, renderer: Renderer) -> tuple[str, dict[str, Any]]:
    words = renderer.words
    if isinstance(screen, CoachingScreen):
        exercise = renderer.catalog.exercise(screen.exercise)
        steps = exercise.steps
        # Before a set the first step (getting ready) is lit; during one, the main movement.
        active = min(1, len(steps) - 1) if screen.counting else 0
        position = (
            words(Say.of("screen.position", n=screen.index + 1, total=screen.total, routine=RoutineRef(screen.routine)))
            if screen.routine in renderer.catalog.routines
            else ""
        )
        set_side = []
        if screen.sets > 1:
            set_side.append(words(Say.of("coach.set.start", set=screen.set, sets=screen.sets)).rstrip("."))
        if screen.side is not None:
            side = Say.of("coach.side.left" if screen.side == 0 else "coach.side.right")
            set_side.append(
                words(Say.of("coach.side.start", side=side, limb=Say.of(f"side.{screen.side_word}"))).rstrip(".")
            )
        return "coach", {
            "name": exercise.name.capitalize(),
            "position": position,
            "setSide": " · ".join(part[:1].upper() + part[1:] for part in set_side),
            "amount": words(screen.amount).capitalize() if screen.amount else "",
            "steps": _steps(renderer, screen.exercise, active),
            "progress": round(100 * screen.index / max(screen.total, 1)),
        }
    if isinstance(screen, HowToScreen):
        exercise = renderer.catalog.exercise(screen.exercise)
        return "howto", {
            "name": exercise.name.capitalize(),
            "position": exercise.position,
            "steps": _steps(renderer, screen.exercise, None),
            "caution": " ".join(c.text for c in exercise.cautions),
        }
    if isinstance(screen, RoutineScreen):
        routine = renderer.catalog.routine(screen.routine)
        ids = list(dict.fromkeys(item.exercise for item in routine.items))
        title = words(Say.of("screen.routine.title", routine=RoutineRef(routine.id), count=Count(len(ids), "exercise")))
        title = title[:1].upper() + title[1:]
        return "routine", {
            "title": title,
            "exercises": [{"id": e, "name": renderer.catalog.exercise(e).name.capitalize()} for e in ids],
        }
    return "progress", {
        "week": words(
            Say.of(
                "progress.week",
                sessions=Count(screen.sessions, "session"),
                exercises=Count(screen.exercises, "exercise"),
            )
        ),
        "streak": words(Say.of("progress.streak", days=Count(screen.streak, "day"))),
    }
