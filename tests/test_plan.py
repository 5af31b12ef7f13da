"""The physiotherapist's plan file: the examples pass, each kind of mistake is one clear line
with the file and JSON path and a non-zero exit, and a checked plan answers "which phase today"."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from skill.devtools.cli import main
from skill.domain.catalog import Catalog
from skill.domain.plan import PlanError, load_plan, parse_plan

EXAMPLES = Path(__file__).resolve().parent.parent / "content" / "plans" / "examples"

GOOD: dict[str, Any] = {
    "plan_version": 1,
    "start": "2026-12-01",
    "days": ["mon", "wed", "fri"],
    "times_per_day": 2,
    "clearances": ["cat_cow"],
    "exercises": [
        {"exercise": "bridging", "reps": 8, "hold_seconds": 7, "note": "Lift only as high as is comfortable."},
        {"exercise": "cat_cow", "reps": 6},
        {"exercise": "walking", "minutes": 12},
    ],
    "phases": [
        {
            "from": "2026-12-15",
            "to": "2026-12-31",
            "days": ["tue", "thu"],
            "times_per_day": 1,
            "exercises": [{"exercise": "bridging", "reps": 12, "hold_seconds": 10}],
        },
        {
            "from": "2027-01-05",
            "days": ["sat"],
            "times_per_day": 1,
            "exercises": [{"exercise": "walking", "minutes": 30}],
        },
    ],
}


def test_every_stock_routine_has_an_example_plan_that_passes(catalog: Catalog) -> None:
    names = {path.stem for path in EXAMPLES.glob("*.json")}
    assert names == set(catalog.routines)
    for path in sorted(EXAMPLES.glob("*.json")):
        plan = load_plan(path, catalog)
        first = plan.phases[0]
        assert first.exercises, path
        # The example prescribes the routine's own exercises, in the routine's order.
        assert [p.exercise for p in first.exercises] == [i.exercise for i in catalog.routine(path.stem).items]


def test_plan_check_passes_the_examples(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(p) for p in sorted(EXAMPLES.glob("*.json"))]
    assert main(["plan", "check", *files]) == 0
    out = capsys.readouterr().out
    assert out.count("plan OK") == len(files) == 6


def _with(change: Any) -> dict[str, Any]:
    plan = copy.deepcopy(GOOD)
    change(plan)
    return plan


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def change(plan: dict[str, Any]) -> None:
        target: Any = plan
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


BAD = [
    pytest.param(
        _set(("exercises", 0, "exercise"), "bridgin"),
        "$.exercises[0].exercise",
        "unknown exercise id 'bridgin'",
        id="unknown-id",
    ),
    pytest.param(
        _set(("exercises", 0, "reps"), 0), "$.exercises[0].reps", "0 repetitions is impossible", id="zero-reps"
    ),
    pytest.param(
        _set(("exercises", 0, "reps"), 500), "$.exercises[0].reps", "500 repetitions is more than 100", id="500-reps"
    ),
    pytest.param(
        _set(("exercises", 0, "hold_seconds"), 121),
        "$.exercises[0].hold_seconds",
        "121 seconds of hold is more than 120",
        id="long-hold",
    ),
    pytest.param(
        _set(("phases", 1, "from"), "2026-12-20"),
        "$.phases[1].from",
        "overlapping $.phases[0] (until 2026-12-31)",
        id="overlap",
    ),
    pytest.param(
        _set(("phases", 0, "from"), "2026-11-20"), "$.phases[0].from", "overlapping the first phase", id="before-start"
    ),
    pytest.param(
        _set(("phases", 0, "to"), "2026-12-10"), "$.phases[0].to", "ends 2026-12-10 before it starts", id="ends-first"
    ),
    pytest.param(_set(("start",), "2026-02-30"), "$.start", "not a date on the calendar", id="no-such-date"),
    pytest.param(_set(("clearances",), []), "$.exercises[1].exercise", "'cat_cow' needs clearance", id="uncleared"),
    pytest.param(
        _set(("exercises", 2, "reps"), 5), "$.exercises[2].reps", "'walking' is timed in minutes", id="walking-reps"
    ),
    pytest.param(
        _set(("exercises", 0, "minutes"), 5), "$.exercises[0].minutes", "counted in repetitions", id="bridging-minutes"
    ),
    pytest.param(
        _set(("exercises", 1), {"exercise": "bridging", "reps": 3}),
        "$.exercises[1].exercise",
        "listed twice",
        id="twice",
    ),
    pytest.param(_set(("days",), ["monday"]), "$.days[0]", "'monday' is not one of", id="bad-day"),
]


@pytest.mark.parametrize(("change", "path", "message"), BAD)
def test_each_mistake_is_one_clear_line_and_a_failing_exit(
    change: Any, path: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(_with(change)))
    assert main(["plan", "check", str(plan_file)]) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"{plan_file}: {path}: "), lines[0]
    assert message in lines[0]
    assert "Traceback" not in captured.err


def test_a_file_that_is_not_json_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text('{"plan_version": 1,')
    assert main(["plan", "check", str(plan_file), str(tmp_path / "missing.json")]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith(f"{plan_file}: $: not valid JSON")
    assert lines[1] == f"{tmp_path / 'missing.json'}: $: file not found"


def test_the_good_plan_passes_and_reads_into_phases(catalog: Catalog) -> None:
    plan = parse_plan(GOOD, catalog)
    first, second, third = plan.phases
    # The first phase runs until the day before the next one starts.
    assert (first.start, first.end) == (date(2026, 12, 1), date(2026, 12, 14))
    assert plan.phase_on(date(2026, 11, 30)) is None
    assert plan.phase_on(date(2026, 12, 14)) is first
    assert plan.phase_on(date(2026, 12, 15)) is second
    assert plan.phase_on(date(2027, 1, 2)) is None  # a gap between phases: nothing prescribed
    assert plan.phase_on(date(2028, 1, 1)) is third
    assert first.is_exercise_day(date(2026, 12, 2))  # a Wednesday
    assert not first.is_exercise_day(date(2026, 12, 3))
    assert plan.note_for("bridging", date(2026, 12, 2)) == "Lift only as high as is comfortable."
    assert plan.note_for("bridging", date(2026, 12, 16)) is None
    assert plan.clearances == ("cat_cow",)


def test_parse_plan_refuses_a_bad_plan(catalog: Catalog) -> None:
    with pytest.raises(PlanError) as raised:
        parse_plan(_with(_set(("exercises", 0, "reps"), 500)), catalog)
    assert len(raised.value.problems) == 1
