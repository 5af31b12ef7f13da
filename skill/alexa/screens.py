"""Echo Show screens (APL): what to do, which set, how many left, at a glance.

The documents live in ``skill/alexa/apl/*.json`` (large text, high contrast: people read them
from the floor, several feet away). This module builds their data sources from the
screens the domain asks for (``skill.domain.output``), the
catalog and the workout state, with labels in the request's locale, and wraps them in an
``Alexa.Presentation.APL.RenderDocument`` directive, but only for a device that has APL
at a version no older than the documents'. Nothing is shown that is not also said.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from skill.alexa.speech import Renderer
from skill.domain.output import (
    CoachingScreen,
    Content,
    Count,
    ExerciseRef,
    HowToScreen,
    Pause,
    ProgressScreen,
    RoutineRef,
    RoutineScreen,
    Say,
    Screen,
    Segment,
)

APL_DIR = Path(__file__).resolve().parent / "apl"
DOCUMENT_VERSION = "1.6"


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


def directive(screen: Screen, renderer: Renderer, speech: Sequence[Segment] = ()) -> dict[str, Any]:
    """The RenderDocument directive for a screen, in Alexa's JSON.

    Each document declares the one parameter ``payload``, and APL binds the WHOLE
    ``datasources`` object to a lone parameter: so the data sits under the screen's kind
    (``{"coach": ...}``) and the documents read ``${payload.coach.name}``. A counted set's
    screen carries the commands that move its count on with ``speech``, the response's final
    speech (``count_schedule``), run when the document mounts: when the response starts playing.
    """
    kind, data = _datasource(screen, renderer)
    doc = document(kind)
    if isinstance(screen, CoachingScreen) and screen.counting and screen.reps and speech:
        schedule, _ = count_schedule(screen, speech, renderer)
        doc = {**doc, "onMount": [_commands(schedule)]}
    return {
        "type": "Alexa.Presentation.APL.RenderDocument",
        "token": f"spine-coach-{kind}",
        "document": doc,
        "datasources": {kind: data},
    }


def spoken_seconds(text: str) -> float:
    """About how long Alexa takes to say ``text``: its words at the default speaking rate."""
    words = len(text.split())
    return max(MIN_CUE_SECONDS, words / WORDS_PER_SECOND) if words else 0.0


# Alexa's default voice speaks about 150 words a minute; a cue like "4." still takes a beat.
WORDS_PER_SECOND = 2.5
MIN_CUE_SECONDS = 0.4


def count_schedule(
    screen: CoachingScreen, speech: Sequence[Segment], renderer: Renderer
) -> tuple[list[tuple[float, str, str]], float]:
    """When the screen's count and countdown change while ``speech`` plays.

    Walks the same segments the SSML is made of: a pause lasts its seconds (a hold's pause
    ticks the countdown once a second), words last ``spoken_seconds``. Returns the changes
    as (seconds from the start, component id, new text), the last one when the speech
    ends (an end marker), and the speech's total length. Words are timed as the renderer
    said them (``Renderer.said``: the same wording where a prompt has several)."""
    changes: list[tuple[float, str, str]] = []
    at = 0.0
    left = 0.0  # seconds of the current hold still to go
    last_rep = str(screen.rep + 1)
    for segment in speech:
        if isinstance(segment, Pause):
            if segment.kind == "hold":
                whole = int(segment.seconds)
                for tick in range(1, whole + 1):
                    changes.append((at + tick, "hold", str(max(0, round(left - tick)))))
                left -= segment.seconds
            at += segment.seconds
            continue
        if isinstance(segment, Say) and segment.key == "coach.rep.number":
            last_rep = str(segment.param_map["n"])
            changes.append((at, "rep", last_rep))
        elif isinstance(segment, Say) and segment.key == "coach.hold":
            left = float(screen.hold)
            changes.append((at, "hold", str(screen.hold)))  # each side of an alternating rep
        at += spoken_seconds(renderer.said(segment))
    changes.append((at, "rep", last_rep))
    return changes, at


def _commands(schedule: list[tuple[float, str, str]]) -> dict[str, Any]:
    """The schedule as one APL ``Sequential``: each change waits for its moment."""
    commands: list[dict[str, Any]] = []
    previous = 0.0
    for at, component, text in schedule:
        commands.append(
            {
                "type": "SetValue",
                "componentId": component,
                "property": "text",
                "value": text,
                "delay": max(0, round((at - previous) * 1000)),
            }
        )
        previous = at
    return {"type": "Sequential", "commands": commands}


def _steps(renderer: Renderer, exercise_id: str, active: int | None) -> list[dict[str, Any]]:
    steps = renderer.catalog.exercise(exercise_id).steps
    return [{"text": renderer.terms(step), "active": index == active} for index, step in enumerate(steps)]


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _datasource(screen: Screen, renderer: Renderer) -> tuple[str, dict[str, Any]]:
    words = renderer.words
    if isinstance(screen, CoachingScreen):
        exercise = renderer.catalog.exercise(screen.exercise)
        steps = exercise.steps
        # Before a set the first step (getting ready) is lit; during one, the main movement.
        active = min(1, len(steps) - 1) if screen.counting else 0
        in_routine = screen.routine in renderer.catalog.routines
        position = (
            words(Say.of("screen.position", n=screen.index + 1, total=screen.total, routine=RoutineRef(screen.routine)))
            if in_routine
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
        # The bar counts finished exercises and, within this one, finished sets and sides
        # (skipped exercises are passed, not done).
        done = screen.finished + screen.done_units / max(screen.units, 1)
        return "coach", {
            "name": exercise.name.capitalize(),
            "position": position,
            "detail": " · ".join(_upper(part) for part in set_side),
            "amount": words(screen.amount).capitalize() if screen.amount else "",
            "counting": screen.counting,
            "reps": screen.reps,
            "rep": str(screen.rep + 1),
            "repOf": words(Say.of("screen.rep.of", reps=screen.reps)),
            "repLabel": words(Say.of("screen.rep.label")),
            "hold": screen.hold,
            "holdText": str(screen.hold),
            "holdLabel": words(Say.of("screen.hold.label")),
            "holdShort": words(Say.of("screen.hold.short")),
            "steps": _steps(renderer, screen.exercise, active),
            "progress": round(100 * done / max(screen.total, 1)),
            "progressText": (
                words(Say.of("screen.done", done=screen.finished, total=screen.total)) if screen.total > 1 else ""
            ),
        }
    if isinstance(screen, HowToScreen):
        exercise = renderer.catalog.exercise(screen.exercise)
        amount = screen.plan_amount or screen.amount
        return "howto", {
            "name": exercise.name.capitalize(),
            "note": words(Content(exercise.id, "experience")),
            "position": renderer.terms(exercise.position),
            "amount": _upper(words(Say.of("screen.howto.amount"))),
            "dosage": _upper(words(amount)) if amount else "",
            "steps": [{"text": renderer.terms(step), "active": False} for step in exercise.steps],
            "cautionsLabel": words(Say.of("screen.howto.cautions")),
            "cautions": [{"text": _upper(renderer.caution(c))} for c in exercise.cautions],
        }
    if isinstance(screen, RoutineScreen):
        routine = renderer.catalog.routine(screen.routine)
        ids = list(dict.fromkeys(item.exercise for item in routine.items))
        title = words(Say.of("screen.routine.title", routine=RoutineRef(routine.id), count=Count(len(ids), "exercise")))
        return "routine", {
            "title": _upper(title),
            "next": words(Say.of("screen.next", exercise=ExerciseRef(screen.next or ids[0]))),
            "time": words(Say.of("screen.time", minutes=Count(screen.minutes, "minute"))),
            "exercises": [
                {"id": e, "name": renderer.catalog.exercise(e).name.capitalize(), "next": e == (screen.next or ids[0])}
                for e in ids
            ],
        }
    return "progress", _progress(screen, renderer)


def _progress(screen: ProgressScreen, renderer: Renderer) -> dict[str, Any]:
    words = renderer.words
    week = screen.week or (False,) * 7
    return {
        "title": words(Say.of("screen.progress.title")),
        "streak": str(screen.streak),
        "streakLabel": words(Say.of(f"screen.progress.streak.label.{'one' if screen.streak == 1 else 'other'}")),
        "weekLabel": words(Say.of("screen.progress.week")),
        "week": words(
            Say.of(
                "progress.week",
                sessions=Count(screen.sessions, "session"),
                exercises=Count(screen.exercises, "exercise"),
            )
        ),
        "days": [
            {"label": words(Say.of(f"screen.day.{n}")), "done": done, "today": n == screen.today}
            for n, done in enumerate(week)
        ],
        "painLabel": words(Say.of("screen.progress.pain")) if screen.pain else "",
        "pain": [{"score": score, "height": max(4, score * 10), "label": str(score)} for _, score in screen.pain],
    }
