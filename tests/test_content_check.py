"""A broken content file gives a clear error naming the file and the field, for each kind of problem."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill.domain.catalog import ContentError, load_catalog
from skill.domain.content_check import STAMP_NAME, check_content


def edit(root: Path, name: str, change: Callable[[Any], None]) -> None:
    path = root / name
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2))


def test_the_real_content_passes(content_copy: Path) -> None:
    assert check_content(content_copy) == []
    assert (content_copy / STAMP_NAME).exists()


def _routine(data: Any, routine_id: str) -> Any:
    return next(r for r in data["routines"] if r["id"] == routine_id)


BREAKAGES: list[tuple[str, str, Callable[[Path], object], str, str]] = [
    (
        "invalid json",
        "exercises/bridging.json",
        lambda root: (root / "exercises/bridging.json").write_text('{"id": "bridging",'),
        "$",
        "not valid JSON",
    ),
    (
        "duplicate json key",
        "exercises/bridging.json",
        lambda root: (root / "exercises/bridging.json").write_text(
            (root / "exercises/bridging.json").read_text().replace('"category"', '"name": "x",\n  "category"', 1)
        ),
        "$",
        "duplicate key 'name'",
    ),
    (
        "a purpose citing a source the exercise does not",
        "exercises/bridging.json",
        lambda root: edit(
            root, "exercises/bridging.json", lambda d: d["purpose"].update(source="004_50a5c3ec3777fee2.txt")
        ),
        "$.purpose.source",
        "purpose source is not among the exercise's sources",
    ),
    (
        "a purpose citing the patient forum",
        "exercises/glute_squeezes.json",
        lambda root: edit(
            root, "exercises/glute_squeezes.json", lambda d: d["purpose"].update(source="002_2b12632c1d2b0b98.txt")
        ),
        "$.purpose.source",
        "a purpose cannot cite the patient forum",
    ),
    (
        "missing required field",
        "exercises/bridging.json",
        lambda root: edit(root, "exercises/bridging.json", lambda d: d.pop("steps")),
        "$",
        "required field 'steps' is missing",
    ),
    (
        "empty steps",
        "exercises/bridging.json",
        lambda root: edit(root, "exercises/bridging.json", lambda d: d.update(steps=[])),
        "$.steps",
        "must not be empty",
    ),
    (
        "blank step",
        "exercises/bridging.json",
        lambda root: edit(root, "exercises/bridging.json", lambda d: d["steps"].__setitem__(1, "      ")),
        "$.steps[1]",
        "step is empty",
    ),
    (
        "long name without a short one",
        "exercises/side_lying_leg_lift.json",
        lambda root: edit(root, "exercises/side_lying_leg_lift.json", lambda d: d.pop("short_name")),
        "$.name",
        "longer than 27 characters: give a short_name for screens",
    ),
    (
        "routine names an unknown exercise",
        "routines.json",
        lambda root: edit(
            root, "routines.json", lambda d: _routine(d, "week_six")["items"][2].update(exercise="bridgin")
        ),
        "$.routines[3].items[2].exercise",
        "unknown exercise 'bridgin'",
    ),
    (
        "routine names a dosage the exercise lacks",
        "routines.json",
        lambda root: edit(root, "routines.json", lambda d: _routine(d, "long_term")["items"][9].update(dosage="forum")),
        "$.routines[4].items[9].dosage",
        "has no dosage 'forum'",
    ),
    (
        "duplicate synonym across two exercises",
        "vocabulary.json",
        lambda root: edit(root, "vocabulary.json", lambda d: d["exercise"]["wall_slides"]["say"].append("bridge")),
        "$.exercise.wall_slides.say[10]",
        "'bridge' is also used by 'bridging'",
    ),
    (
        "source not listed",
        "exercises/bridging.json",
        lambda root: edit(root, "exercises/bridging.json", lambda d: d["sources"].append("005_unknown.txt")),
        "$.sources[1]",
        "source '005_unknown.txt' is not listed in sources.json",
    ),
    (
        "missing sources",
        "exercises/bridging.json",
        lambda root: edit(root, "exercises/bridging.json", lambda d: d.update(sources=[])),
        "$.sources",
        "must not be empty",
    ),
    (
        "dosage without its source",
        "exercises/pelvic_tilts.json",
        lambda root: edit(root, "exercises/pelvic_tilts.json", lambda d: d["dosages"][0].pop("source")),
        "$.dosages[0]",
        "required field 'source' is missing",
    ),
    (
        "range upside down",
        "exercises/pelvic_tilts.json",
        lambda root: edit(
            root, "exercises/pelvic_tilts.json", lambda d: d["dosages"][0].update(reps={"min": 15, "max": 10})
        ),
        "$.dosages[0].reps",
        "min 15 is greater than max 10",
    ),
    (
        "invented numbers on a source that gives none",
        "exercises/prone_quad_stretch.json",
        lambda root: edit(
            root, "exercises/prone_quad_stretch.json", lambda d: d["dosages"][0].update(reps={"min": 3, "max": 3})
        ),
        "$.dosages[0]",
        "must not list amounts",
    ),
    (
        "id does not match file name",
        "exercises/bridging.json",
        lambda root: edit(root, "exercises/bridging.json", lambda d: d.update(id="bridge_exercise")),
        "$.id",
        "does not match the file name",
    ),
    (
        "default dosage missing",
        "exercises/bridging.json",
        lambda root: edit(root, "exercises/bridging.json", lambda d: d.update(default_dosage="gentle")),
        "$.default_dosage",
        "no dosage with id 'gentle'",
    ),
    (
        "gap in the week map",
        "stages.json",
        lambda root: edit(root, "stages.json", lambda d: d["week_map"][1].update(to_week=1)),
        "$.week_map[2].from_week",
        "gap before week 2",
    ),
    (
        "week map without an open end",
        "stages.json",
        lambda root: edit(root, "stages.json", lambda d: d["week_map"][3].update(to_week=52)),
        "$.week_map[3].to_week",
        "must be open-ended",
    ),
    (
        "gap in the day map",
        "stages.json",
        lambda root: edit(root, "stages.json", lambda d: d["day_map"][0].update(to_day=12)),
        "$.day_map[1].from_day",
        "expected day 13: every day needs exactly one stage",
    ),
    (
        "routine without a start rule",
        "stages.json",
        lambda root: edit(root, "stages.json", lambda d: d["routine_rules"].pop()),
        "$.routine_rules",
        "routine 'general_low_back' has no start rule",
    ),
    (
        "calendar rule for a routine the day map never uses",
        "stages.json",
        lambda root: edit(root, "stages.json", lambda d: d["routine_rules"][0].update(rule="calendar")),
        "$.routine_rules[0].rule",
        "'calendar' exactly when the day_map uses it",
    ),
    (
        "caution with neither a source nor a review mark",
        "exercises/wall_slides.json",
        lambda root: edit(root, "exercises/wall_slides.json", lambda d: d["cautions"][0].pop("review")),
        "$.cautions[0]",
        "",
    ),
    (
        "unknown category",
        "exercises/bridging.json",
        lambda root: edit(root, "exercises/bridging.json", lambda d: d.update(category="yoga")),
        "$.category",
        "'yoga' is not one of",
    ),
    (
        "markup in spoken text",
        "guidance.json",
        lambda root: edit(root, "guidance.json", lambda d: d["topics"][0].update(text="Lift <b>nothing</b> & rest")),
        "$.topics[0].text",
        "characters that are not allowed",
    ),
    (
        "missing file",
        "stages.json",
        lambda root: (root / "stages.json").unlink(),
        "$",
        "file is missing",
    ),
]


@pytest.mark.parametrize(("name", "file", "breakage", "path", "message"), BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_broken_content_names_file_and_field(
    content_copy: Path, name: str, file: str, breakage: Callable[[Path], object], path: str, message: str
) -> None:
    breakage(content_copy)
    problems = check_content(content_copy)
    assert problems, name
    matching = [p for p in problems if p.file == file and p.path == path and message in p.message]
    assert matching, "\n".join(map(str, problems))
    assert not (content_copy / STAMP_NAME).exists()
    with pytest.raises(ContentError) as raised:
        load_catalog(content_copy)
    assert f"{file}: {path}: " in str(raised.value)


def test_editing_stamped_content_brings_back_the_full_check(content_copy: Path) -> None:
    assert check_content(content_copy) == []
    load_catalog(content_copy)
    load_catalog.cache_clear()
    edit(content_copy, "exercises/bridging.json", lambda d: d.update(category="yoga"))
    with pytest.raises(ContentError, match=r"exercises/bridging.json: \$.category"):
        load_catalog(content_copy)


def test_cli_reports_problems_and_fails(content_copy: Path) -> None:
    edit(content_copy, "routines.json", lambda d: _routine(d, "early")["items"][0].update(exercise="ankle_pump"))
    result = subprocess.run(
        [sys.executable, "-m", "skill.devtools.cli", "content", "check", "--content", str(content_copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "routines.json: $.routines[1].items[0].exercise: unknown exercise 'ankle_pump'" in result.stderr


def test_cli_accepts_good_content(content_copy: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "skill.devtools.cli", "content", "check", "--content", str(content_copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "32 exercises, 6 routines" in result.stdout
