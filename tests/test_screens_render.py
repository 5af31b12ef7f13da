"""Echo Show screens on Amazon's own APL renderer (apl-viewhost-web in headless Chromium).

Each scripted screen (``spine-coach screens``) is rendered on an Echo Show 8, an Echo
Show 5, a 1024x600 hub and a round Echo Spot, and checked on what a person would see: the
visible text, the largest text, and a renderer log free of errors and of components
pushed out of their parents (clipped text). The PNGs stay in build/test-output/screens for
review. Without the renderer (Node, puppeteer-core, Chromium, and apl-render's folder named by
``APL_RENDER_DIR``) these tests skip, and the run's skip summary says why in one line;
``./dev test`` installs the rest, ``.ci/run`` names ``../shared/apl-render`` when the machine
has it. A clone with nothing beside it passes with them skipped.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from skill.devtools.screens import VIEWPORTS, render, renderer_missing, scripted_screens, write_directives

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "build" / "test-output" / "screens"
MISSING = renderer_missing()

# One skip for the module, not a warning: the suite turns warnings into errors, and a clone
# with no renderer must pass (pytest's -ra summary prints the reason as one line).
if MISSING is not None:
    pytest.skip(f"APL RENDER TESTS SKIPPED: {MISSING}", allow_module_level=True)


@pytest.fixture(scope="module")
def shots() -> dict[str, dict[str, Any]]:
    return dict(scripted_screens())


@pytest.fixture(scope="module")
def rendered(shots: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """viewport name -> screen name -> the renderer's report (text, biggestTextPx, log)."""
    files = write_directives(list(shots.items()), OUTPUT / "directives")
    # The routine, scrolled to its end as a touch or voice would take it there.
    scrolled = copy.deepcopy(shots["routine"])
    last = len(scrolled["datasources"]["routine"]["exercises"]) - 1
    scrolled["document"]["onMount"] = [
        {"type": "ScrollToIndex", "componentId": "exercises", "index": last, "align": "last"}
    ]
    files += write_directives([("routine-scrolled", scrolled)], OUTPUT / "directives")
    out: dict[str, dict[str, Any]] = {}
    for name in ("show8", "show5", "show1024", "spot"):
        report = render(files, OUTPUT / name, VIEWPORTS[name], settle_ms=800)
        out[name] = {key.removesuffix(".json"): value for key, value in report.items()}
    return out


def lines(report: dict[str, Any]) -> list[str]:
    return [line.strip() for line in report["text"].splitlines() if line.strip()]


@pytest.mark.parametrize("viewport", ["show8", "show5", "show1024", "spot"])
def test_every_screen_renders_cleanly(rendered: dict[str, dict[str, Any]], viewport: str) -> None:
    for name, report in rendered[viewport].items():
        assert report["log"] == [], (viewport, name, report["log"])  # no errors, nothing pushed out of bounds
        assert report["console"] == [], (viewport, name, report["console"])
        assert len(lines(report)) >= 2, (viewport, name, report["text"])
        assert Path(report["png"]).stat().st_size > 5000


def test_coaching_mid_set_shows_the_count_biggest(
    rendered: dict[str, dict[str, Any]], shots: dict[str, dict[str, Any]]
) -> None:
    report = rendered["show8"]["coach-counting"]
    data = shots["coach-counting"]["datasources"]["coach"]
    seen = lines(report)
    assert seen[:2] == ["Exercise 1 of 12 · week six routine", "Pelvic tilts"]
    assert seen[2:7] == ["1", "of 10", "repetition", "5", "seconds hold"]
    assert "2. " + data["steps"][1]["text"] in seen
    assert seen[-1] == "0 of 12 exercises done"
    assert report["biggestTextPx"] >= 150  # dp at 160 dpi: the count, readable from the floor
    side = lines(rendered["show8"]["coach-side-left"])
    assert side[1:5] == ["Knee to chest", "Left leg", "1", "of 3"] and "20" in side
    for viewport in ("show5", "spot"):
        small = lines(rendered[viewport]["coach-counting"])
        assert "1" in small and "5" in small and rendered[viewport]["coach-counting"]["biggestTextPx"] >= 120
    # on the round Spot the hold keeps a unit, so "1 of 3" and "20" don't read as "1 of 320"
    assert lines(rendered["spot"]["coach-side-left"])[2:6] == ["1", "of 3", "20", "sec"]


def test_coaching_introduction_and_last_exercise(rendered: dict[str, dict[str, Any]]) -> None:
    intro = lines(rendered["show8"]["coach-intro"])
    assert intro[:3] == [
        "Exercise 1 of 12 · week six routine",
        "Pelvic tilts",
        "We'll do 10 repetitions, holding each for 5 seconds.",
    ]
    assert intro[3].startswith("1. ") and intro[-1] == "0 of 12 exercises done"
    last = lines(rendered["show8"]["coach-last"])
    # pelvic tilts done, the rest skipped on the way: skipped exercises are not "done"
    assert last[0].startswith("Exercise 12 of 12") and last[-1] == "1 of 12 exercises done"


def test_how_to_shows_the_amount_and_cautions(
    rendered: dict[str, dict[str, Any]], shots: dict[str, dict[str, Any]]
) -> None:
    data = shots["howto"]["datasources"]["howto"]
    seen = lines(rendered["show8"]["howto"])
    assert seen[0] == "Bridging" and seen[1] == data["position"]
    assert "Amount" in seen and data["dosage"] in " ".join(seen)
    assert not any(line == "•" for line in seen)  # no empty caution bullet


def test_routine_shows_next_and_time_and_reaches_its_end(
    rendered: dict[str, dict[str, Any]], shots: dict[str, dict[str, Any]]
) -> None:
    names = [e["name"] for e in shots["routine"]["datasources"]["routine"]["exercises"]]
    seen = lines(rendered["show8"]["routine"])
    assert seen[:3] == ["Week six routine: 12 exercises", "Next: pelvic tilts · About 25 minutes", "1. Pelvic tilts"]
    for viewport in ("show1024", "show8", "show5"):
        end = lines(rendered[viewport]["routine-scrolled"])
        assert f"{len(names)}. {names[-1]}" in end, viewport


def test_progress_shows_streak_week_and_pain(rendered: dict[str, dict[str, Any]]) -> None:
    seen = lines(rendered["show8"]["progress"])
    assert seen[:3] == ["Your progress", "4", "days in a row"]
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    start = seen.index("Mon")
    assert seen[start : start + 7] == days
    assert seen[-5:] == ["Pain scores, most recent last", "4", "3", "5", "2"]
    assert rendered["show8"]["progress"]["biggestTextPx"] >= 150


def test_the_count_moves_on_in_the_renderer(shots: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    # The commands run in Amazon's renderer: after about eight seconds of the first
    # repetition (its words, the tempo pause, "Hold."), the hold has counted down.
    files = write_directives([("counting", shots["coach-counting"])], tmp_path)
    report = render(files, tmp_path / "out", VIEWPORTS["show8"], settle_ms=8000)["counting.json"]
    seen = lines(report)
    assert report["log"] == []
    assert seen[2] == "1" and seen[5] != "5", seen
    (tmp_path / "seen.json").write_text(json.dumps(seen))
