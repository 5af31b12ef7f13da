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
from datetime import date
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
    """When the screen changes while ``speech`` plays.

    Walks the same segments the SSML is made of: a pause lasts its seconds (a hold's pause
    ticks the countdown once a second), words last ``spoken_seconds``. Returns the changes
    as (seconds from the start, component id, new text): the repetition as it is said
    (``rep``), the countdown (``hold``), the phrase being said (``phase``: "Hold.", the
    move, the release), then ``then`` when the count is over and the voice goes on to
    what follows (the screen ``screen.then`` or the finished one); and the speech's total
    length. Words are timed as the renderer said them (``Renderer.said``: the same wording
    where a prompt has several)."""
    changes: list[tuple[float, str, str]] = []
    at = 0.0
    left = 0.0  # seconds of the current hold still to go
    counted_to = 0.0  # when the last counting pause ends: the count is over
    for segment in speech:
        if isinstance(segment, Pause):
            if segment.kind == "hold":
                whole = int(segment.seconds)
                for tick in range(1, whole + 1):
                    changes.append((at + tick, "hold", str(max(0, round(left - tick)))))
                left -= segment.seconds
            at += segment.seconds
            counted_to = at
            continue
        if isinstance(segment, Say) and segment.key == "coach.rep.number":
            changes.append((at, "rep", rep_text(screen, int(str(segment.param_map["n"])), renderer)))
        elif isinstance(segment, Say) and segment.key == "coach.hold":
            left = float(screen.hold)
            changes.append((at, "hold", str(screen.hold)))  # each side of an alternating rep
        if _is_cue(segment):
            changes.append((at, "phase", _phrase(renderer.said(segment))))
        at += spoken_seconds(renderer.said(segment))
    if screen.then is not None or screen.ends:
        changes.append((counted_to, "then", ""))
    return changes, at


def rep_text(screen: CoachingScreen, n: int, renderer: Renderer) -> str:
    """The repetition as the screen shows it: "Rep 3 of 10" beside a countdown (never a bare
    number there: "3" beside "5" reads as 35), the bare number where it is the big one."""
    if screen.hold:
        return renderer.words(Say.of("screen.rep", n=n, reps=screen.reps))
    return str(n)


def _is_cue(segment: Segment) -> bool:
    """A phrase of the count the screen shows as it is said: "Hold.", "Left leg.", the
    exercise's move and release."""
    if isinstance(segment, Say):
        return segment.key in ("coach.hold", "coach.alternate.side")
    return isinstance(segment, Content) and segment.part in ("move", "release")


def _phrase(said: str) -> str:
    """A cue as shown: the words without the closing full stop ("Hold", "And relax")."""
    return _upper(said.strip().rstrip("."))


def _commands(schedule: list[tuple[float, str, str]]) -> dict[str, Any]:
    """The schedule as one APL ``Sequential``: each change waits for its moment. ``then``
    hides the counting screen and shows the one for what follows."""
    commands: list[dict[str, Any]] = []
    previous = 0.0
    for at, component, text in schedule:
        delay = max(0, round((at - previous) * 1000))
        previous = at
        if component == "then":
            commands.append(_set("now", "display", "none", delay))
            commands.append(_set("then", "display", "normal", 0))
            continue
        commands.append(_set(component, "text", text, delay))
    return {"type": "Sequential", "commands": commands}


def _set(component: str, prop: str, value: str, delay: int) -> dict[str, Any]:
    return {"type": "SetValue", "componentId": component, "property": prop, "value": value, "delay": delay}


def _steps(renderer: Renderer, exercise_id: str) -> list[dict[str, Any]]:
    return [{"text": renderer.terms(step)} for step in renderer.catalog.exercise(exercise_id).steps]


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _datasource(screen: Screen, renderer: Renderer) -> tuple[str, dict[str, Any]]:
    words = renderer.words
    if isinstance(screen, CoachingScreen):
        then: dict[str, Any] = {"kind": ""}
        if screen.then is not None:
            then = {"kind": "intro", **_coaching(screen.then, renderer)}
        elif screen.ends:
            in_routine = screen.routine in renderer.catalog.routines
            what = RoutineRef(screen.routine) if in_routine else ExerciseRef(screen.exercise)
            then = {
                "kind": "finished",
                "title": _upper(words(Say.of("screen.finished", what=what))),
                "hint": words(screen.finished_hint) if screen.finished_hint else "",
            }
        return "coach", {**_coaching(screen, renderer), "then": then}
    if isinstance(screen, HowToScreen):
        exercise = renderer.catalog.exercise(screen.exercise)
        amount = screen.plan_amount or screen.amount
        return "howto", {
            "name": exercise.name.capitalize(),
            "note": words(Content(exercise.id, "experience")),
            "position": renderer.terms(exercise.position),
            "amount": _upper(words(Say.of("screen.howto.amount"))),
            "dosage": _upper(words(amount)) if amount else "",
            "steps": _steps(renderer, exercise.id),
            "cautionsLabel": words(Say.of("screen.howto.cautions")),
            "cautions": [{"text": _upper(renderer.caution(c))} for c in exercise.cautions],
        }
    if isinstance(screen, RoutineScreen):
        routine = renderer.catalog.routine(screen.routine)
        ids = list(dict.fromkeys(item.exercise for item in routine.items))
        title = words(Say.of("screen.routine.title", routine=RoutineRef(routine.id), count=Count(len(ids), "exercise")))
        clearance = words(Say.of("screen.routine.clearance"))
        return "routine", {
            "title": _upper(title),
            "next": words(Say.of("screen.next", exercise=ExerciseRef(screen.next or ids[0]))),
            "time": words(Say.of("screen.time", minutes=Count(screen.minutes, "minute"))),
            "exercises": [
                {
                    "id": exercise.id,
                    "name": exercise.name.capitalize(),
                    "next": exercise.id == (screen.next or ids[0]),
                    # as the overview says it: only once the surgeon has cleared it
                    "mark": clearance if exercise.requires_clearance else "",
                }
                for exercise in map(renderer.catalog.exercise, ids)
            ],
        }
    return "progress", _progress(screen, renderer)


def _coaching(screen: CoachingScreen, renderer: Renderer) -> dict[str, Any]:
    """One coaching screen's data: the set being counted, or what to get ready for."""
    words = renderer.words
    exercise = renderer.catalog.exercise(screen.exercise)
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
    return {
        "name": exercise.name.capitalize(),
        "shortName": (exercise.short_name or exercise.name).capitalize(),  # one line mid-set
        "position": position,
        "detail": " · ".join(_upper(part) for part in set_side),
        # What the voice said, shortened for the floor: the position itself (not "Get into
        # position:"), "10 reps · 5-second hold", and what to say ("Say “ready”").
        "place": words(Content(exercise.id, "position")),
        "amount": _amount(screen, renderer),
        "hint": _hint(screen.hint, renderer) if screen.hint else "",
        "counting": screen.counting,
        "repText": rep_text(screen, screen.rep + 1, renderer) if screen.reps else "",
        "phase": "",
        "hold": screen.hold,
        "holdText": str(screen.hold),
        "countLabel": words(Say.of("screen.count.seconds" if screen.hold else "screen.rep.of", reps=screen.reps)),
        "progress": round(100 * done / max(screen.total, 1)),
        "progressText": (
            words(Say.of("screen.done", done=screen.finished, total=screen.total)) if screen.total > 1 else ""
        ),
    }


def _amount(screen: CoachingScreen, renderer: Renderer) -> str:
    """The amount as the screen shows it: "10 reps · 5-second hold" for a counted set; a
    walk's minutes as said; nothing when the sources give no number."""
    if screen.reps:
        reps = Count(screen.reps, "rep")
        short = Say.of("screen.amount.hold", reps=reps, hold=screen.hold) if screen.hold else None
        return renderer.words(short or Say.of("screen.amount.reps", reps=reps))
    return _upper(renderer.words(screen.amount)) if screen.amount else ""


# What the voice asks for, as the screen's hint line says it: the words to say, short enough
# to read from the floor in one or two lines ("Say “ready”"). A prompt not listed is shown as said.
_HINTS = {
    "coach.ready.": Say.of("screen.hint.ready"),
    "coach.side.switch": Say.of("screen.hint.ready"),
    "coach.chunk.say_ready": Say.of("screen.hint.ready"),
    "coach.set.rest": Say.of("screen.hint.rest"),
    "coach.untimed.": Say.of("screen.hint.done"),
    "coach.aerobic.come_back": Say.of("screen.hint.back"),
    "coach.pause.how_to_resume": Say.of("screen.hint.resume"),
}


def _hint(asked: Say, renderer: Renderer) -> str:
    for prefix, short in _HINTS.items():
        if asked.key.startswith(prefix):
            return renderer.words(short)
    return renderer.said(asked)


def _short_date(iso: str, renderer: Renderer) -> str:
    """ "Tue 17": the weekday and the day of the month, under a pain score's bar."""
    day = date.fromisoformat(iso)
    return f"{renderer.words(Say.of(f'screen.day.{day.weekday()}'))} {day.day}"


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
        "pain": [
            {"score": score, "height": max(4, score * 10), "label": str(score), "date": _short_date(day, renderer)}
            for day, score in screen.pain
        ],
        "painVerdict": renderer.said(screen.pain_verdict) if screen.pain_verdict else "",  # as the voice said it
    }
