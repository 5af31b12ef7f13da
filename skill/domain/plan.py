"""A physiotherapist's plan: the file a clinician writes, checked and read into frozen objects.

The file format is ``content/schema/plan.schema.json`` (examples in
``content/plans/examples/``): catalog exercises by id with the prescribed amounts, the days
of the week, times a day, a start date, optional later phases with their own dates, the
clearances the plan grants and a note per exercise in the clinician's words.

``check_plan`` finds every problem - the schema's (impossible values such as zero or 500
repetitions, holds over 120 seconds), then what only the catalog and the calendar know
(unknown exercise ids, amounts of the wrong kind, clearances, overlapping phases) - each as
a ``Problem`` with the file, the JSON path and a message. ``parse_plan`` returns a ``Plan``
only from a file with no problems. Pure apart from reading the schema file: no SDK, no store.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from skill.domain.catalog import Catalog, Exercise
from skill.domain.content_check import Problem, parse_json

SCHEMA_NAME = "plan.schema.json"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class PlanError(Exception):
    """A plan file with problems; ``problems`` names each one (file, JSON path, message)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True, slots=True)
class Prescription:
    """One exercise as the clinician prescribed it."""

    exercise: str
    reps: int | None = None
    hold_seconds: int | None = None
    per_side: bool = False
    sets: int = 1
    minutes: int | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Phase:
    """A stretch of days with one set of exercises; ``end`` is inclusive, None runs on."""

    start: date
    end: date | None
    days: tuple[str, ...]
    times_per_day: int
    exercises: tuple[Prescription, ...]

    def is_exercise_day(self, day: date) -> bool:
        return WEEKDAYS[day.weekday()] in self.days


@dataclass(frozen=True, slots=True)
class Plan:
    phases: tuple[Phase, ...]
    clearances: tuple[str, ...]

    def phase_on(self, day: date) -> Phase | None:
        """The phase running on ``day``: the latest one started, unless it has ended (a gap)."""
        current = None
        for phase in self.phases:
            if phase.start <= day:
                current = phase
        if current is None or (current.end is not None and day > current.end):
            return None
        return current

    def note_for(self, exercise_id: str, day: date) -> str | None:
        """The clinician's note on this exercise in the phase running on ``day``."""
        phase = self.phase_on(day)
        for item in phase.exercises if phase else ():
            if item.exercise == exercise_id:
                return item.note
        return None


# --- reading ----------------------------------------------------------------------------------


def read_plan_file(path: Path) -> tuple[Any, list[Problem]]:
    """The parsed JSON of a plan file, or the one problem that stops it being read."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(name, "$", "file not found")]
    except UnicodeDecodeError as exc:
        return None, [Problem(name, "$", f"file is not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return None, [Problem(name, "$", f"cannot read the file: {exc.strerror}")]
    try:
        return parse_json(text), []
    except json.JSONDecodeError as exc:
        return None, [Problem(name, "$", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")]
    except ValueError as exc:
        return None, [Problem(name, "$", f"not valid JSON: {exc}")]


def load_plan(path: Path, catalog: Catalog) -> Plan:
    """Read and check a plan file; ``PlanError`` lists every problem."""
    data, problems = read_plan_file(path)
    if problems:
        raise PlanError(problems)
    return parse_plan(data, catalog, file=str(path))


def parse_plan(data: Any, catalog: Catalog, *, file: str = "plan") -> Plan:
    """A checked ``Plan`` from parsed JSON; ``PlanError`` lists every problem."""
    problems = check_plan(data, catalog, file=file)
    if problems:
        raise PlanError(problems)
    first = Phase(
        start=date.fromisoformat(data["start"]),
        end=None,
        days=tuple(data["days"]),
        times_per_day=int(data["times_per_day"]),
        exercises=_prescriptions(data["exercises"]),
    )
    later = [
        Phase(
            start=date.fromisoformat(raw["from"]),
            end=date.fromisoformat(raw["to"]) if "to" in raw else None,
            days=tuple(raw["days"]),
            times_per_day=int(raw["times_per_day"]),
            exercises=_prescriptions(raw["exercises"]),
        )
        for raw in data.get("phases", [])
    ]
    if later:  # the first phase runs until the next one starts
        first = Phase(first.start, later[0].start - timedelta(days=1), first.days, first.times_per_day, first.exercises)
    return Plan(phases=(first, *later), clearances=tuple(data.get("clearances", [])))


def _prescriptions(raw: list[Mapping[str, Any]]) -> tuple[Prescription, ...]:
    return tuple(
        Prescription(
            exercise=item["exercise"],
            reps=item.get("reps"),
            hold_seconds=item.get("hold_seconds"),
            per_side=bool(item.get("per_side", False)),
            sets=int(item.get("sets", 1)),
            minutes=item.get("minutes"),
            note=item.get("note"),
        )
        for item in raw
    )


# --- checking ---------------------------------------------------------------------------------


def check_plan(data: Any, catalog: Catalog, *, file: str = "plan") -> list[Problem]:
    """Every problem in a parsed plan: the schema first, then the catalog and the dates.

    The second pass runs only on a plan that fits the schema, because it assumes its shape.
    """
    problems = list(_schema_problems(data, file))
    if problems:
        return problems
    problems.extend(_catalog_problems(data, catalog, file))
    problems.extend(_date_problems(data, file))
    return problems


def plan_schema_path() -> Path:
    from skill.resources import content_dir

    return content_dir() / "schema" / SCHEMA_NAME


def _schema_problems(data: Any, file: str) -> Iterator[Problem]:
    import jsonschema
    from referencing import Registry, Resource

    from skill.domain.content_check import plain_message

    schema_dir = plan_schema_path().parent
    schemas = [json.loads((schema_dir / name).read_text()) for name in (SCHEMA_NAME, "common.schema.json")]
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas
    )
    validator = jsonschema.Draft202012Validator(schemas[0], registry=registry)
    for error in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        yield Problem(file, error.json_path, _amount_message(error) or plain_message(error))


def _amount_message(error: Any) -> str | None:
    """Limits named in the clinician's terms ("500 repetitions is more than 100")."""
    field = str(error.absolute_path[-1]) if error.absolute_path else ""
    words = {
        "reps": "repetitions",
        "hold_seconds": "seconds of hold",
        "sets": "sets",
        "minutes": "minutes",
        "times_per_day": "times a day",
    }.get(field)
    if words is None or isinstance(error.instance, bool) or not isinstance(error.instance, int):
        return None
    if error.validator == "minimum":
        return f"{error.instance} {words} is impossible: the least is {error.validator_value}"
    if error.validator == "maximum":
        return f"{error.instance} {words} is more than {error.validator_value}; check the number"
    return None


def _phases(data: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Each phase's JSON path prefix and its object (the first phase is the top level)."""
    yield "$", data
    for index, phase in enumerate(data.get("phases", [])):
        yield f"$.phases[{index}]", phase


def _catalog_problems(data: Mapping[str, Any], catalog: Catalog, file: str) -> Iterator[Problem]:
    clearances = data.get("clearances", [])
    for index, exercise_id in enumerate(clearances):
        exercise = catalog.exercises.get(exercise_id)
        path = f"$.clearances[{index}]"
        if exercise is None:
            yield Problem(file, path, _unknown(exercise_id, catalog))
        elif not exercise.requires_clearance:
            yield Problem(file, path, f"{exercise_id!r} needs no clearance; remove it from clearances")
    for prefix, phase in _phases(data):
        seen: set[str] = set()
        for index, item in enumerate(phase["exercises"]):
            path = f"{prefix}.exercises[{index}]"
            exercise = catalog.exercises.get(item["exercise"])
            if exercise is None:
                yield Problem(file, f"{path}.exercise", _unknown(item["exercise"], catalog))
                continue
            if exercise.id in seen:
                yield Problem(file, f"{path}.exercise", f"{exercise.id!r} is listed twice in this phase")
            seen.add(exercise.id)
            yield from _amount_problems(exercise, item, file, path)
            if exercise.requires_clearance and exercise.id not in clearances:
                yield Problem(
                    file, f"{path}.exercise", f"{exercise.id!r} needs clearance: add it to clearances to prescribe it"
                )


def _amount_problems(exercise: Exercise, item: Mapping[str, Any], file: str, path: str) -> Iterator[Problem]:
    if exercise.category == "aerobic":
        for counted in ("reps", "hold_seconds", "sets", "per_side"):
            if counted in item:
                yield Problem(file, f"{path}.{counted}", f"{exercise.id!r} is timed in minutes; remove {counted}")
        if "minutes" not in item:
            yield Problem(file, path, f"{exercise.id!r} needs minutes")
        return
    if "minutes" in item:
        yield Problem(file, f"{path}.minutes", f"{exercise.id!r} is counted in repetitions, not minutes")
    if "reps" not in item:
        yield Problem(file, path, f"{exercise.id!r} needs reps (the number of repetitions)")


def _unknown(exercise_id: str, catalog: Catalog) -> str:
    import difflib  # only a "did you mean" needs it

    close = difflib.get_close_matches(exercise_id, list(catalog.exercises), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown exercise id {exercise_id!r}{hint}"


def _date_problems(data: Mapping[str, Any], file: str) -> Iterator[Problem]:
    """Real calendar dates, each phase ending after it starts, and no two phases overlapping.

    Phases are listed in date order; the first one (the top level) runs until the next
    starts, so a later phase overlaps when it starts on or before the one before it starts,
    or on or before the day the one before it ends.
    """
    previous_start: date | None = None
    previous_end: date | None = None
    previous_name = ""
    for prefix, phase in _phases(data):
        start_key = "start" if prefix == "$" else "from"
        start = _date(phase[start_key])
        end = _date(phase["to"]) if "to" in phase else None
        if start is None:
            yield Problem(file, f"{prefix}.{start_key}", f"{phase[start_key]!r} is not a date on the calendar")
            return
        if "to" in phase and end is None:
            yield Problem(file, f"{prefix}.to", f"{phase['to']!r} is not a date on the calendar")
            return
        if end is not None and end < start:
            yield Problem(file, f"{prefix}.to", f"ends {end} before it starts {start}")
        if previous_start is not None and start <= previous_start:
            yield Problem(
                file,
                f"{prefix}.from",
                f"starts {start}, overlapping {previous_name} (from {previous_start}); list phases in date order",
            )
        elif previous_end is not None and start <= previous_end:
            yield Problem(file, f"{prefix}.from", f"starts {start}, overlapping {previous_name} (until {previous_end})")
        previous_start, previous_end = start, end
        previous_name = "the first phase ($)" if prefix == "$" else prefix


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


# --- summary ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """What a patient hears when the plan is set: how many exercises, how often."""

    exercises: int
    times_per_day: int
    days: tuple[str, ...]


def summary(plan: Plan, day: date) -> PlanSummary | None:
    """The phase running on ``day`` (or the next one to start), in numbers."""
    phase = plan.phase_on(day) or next((p for p in plan.phases if p.start > day), None)
    if phase is None:
        return None
    return PlanSummary(len(phase.exercises), phase.times_per_day, phase.days)
