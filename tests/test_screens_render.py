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
import math
import re
from pathlib import Path
from typing import Any

import pytest

from skill.devtools.screens import VIEWPORTS, at_moment, render, renderer_missing, scripted_screens, write_directives

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


def _switch(directive: dict[str, Any]) -> float:
    """When the count's commands turn the screen to what follows (seconds from the start)."""
    at = 0.0
    for command in directive["document"]["onMount"][0]["commands"]:
        at += float(command["delay"]) / 1000
        if command["property"] == "display":
            return at
    raise AssertionError("no switch")


@pytest.fixture(scope="module")
def moments(shots: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Counted sets as the screen stands at chosen moments: mid-hold, and just after the count."""
    counting, side = shots["coach-counting"], shots["coach-side-left"]
    return {
        "counting-start": at_moment(counting, 0),
        "counting-hold": at_moment(counting, 15.5),  # repetition 2's hold
        "counting-after": at_moment(counting, _switch(counting) + 0.05),
        "side-hold": at_moment(side, 5.5),
        "side-after": at_moment(side, _switch(side) + 0.05),
    }


@pytest.fixture(scope="module")
def rendered(shots: dict[str, dict[str, Any]], moments: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """viewport name -> screen name -> the renderer's report (text, each text's size and box, log)."""
    files = write_directives(list(shots.items()), OUTPUT / "directives")
    # The routine, scrolled to its end as a touch or voice would take it there.
    scrolled = copy.deepcopy(shots["routine"])
    last = len(scrolled["datasources"]["routine"]["exercises"]) - 1
    scrolled["document"]["onMount"] = [
        {"type": "ScrollToIndex", "componentId": "exercises", "index": last, "align": "last"}
    ]
    files += write_directives([("routine-scrolled", scrolled), *moments.items()], OUTPUT / "directives")
    out: dict[str, dict[str, Any]] = {}
    for name in VIEWPORTS:
        report = render(files, OUTPUT / name, VIEWPORTS[name], settle_ms=800)
        out[name] = {key.removesuffix(".json"): value for key, value in report.items()}
    return out


def lines(report: dict[str, Any]) -> list[str]:
    return [line.strip() for line in report["text"].splitlines() if line.strip()]


def size(report: dict[str, Any], text: str) -> float:
    """The font size (dp) of the piece of text that reads ``text``."""
    (found,) = [float(t["size"]) for t in report["texts"] if t["text"] == text]
    return found


_ADJUSTED = re.compile(r"(WIDTH|HEIGHT): ([\d.]+) => ([\d.]+)")


def _real_warnings(log: list[str]) -> list[str]:
    """The renderer's log less its notes that a component was "adjusted" to its parent by
    less than a pixel: at 213 dpi (the Echo Show 8) dp to pixels leaves rounding dust
    ("HEIGHT: 77.0000228881836 => 77"), and nothing is cut."""
    kept = []
    for line in log:
        sizes = _ADJUSTED.findall(line)
        if "bigger than parent bounds" in line and sizes and all(abs(float(a) - float(b)) < 1 for _, a, b in sizes):
            continue
        kept.append(line)
    return kept


def _whole(text: dict[str, Any]) -> bool:
    """Nothing of a line cut off: all of its box shows (a countdown's digits, which fill less
    than their line, may lose the line's empty bottom: one em of it must show)."""
    box, shown, size = float(text["box"][3]), float(text["shown"][3]), float(text["size"])
    if str(text["text"]).isdigit():
        return box >= size and shown >= min(box - 1, size)
    return box >= size and shown >= box - 1


def _overlap(a: list[float], b: list[float]) -> float:
    """How far two boxes run into each other: the lesser of the overlaps across and down
    (a line's box is a little taller than its line spacing: the lines of a paragraph touch)."""
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(0.0, min(width, height))


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_every_screen_renders_cleanly(rendered: dict[str, dict[str, Any]], viewport: str) -> None:
    for name, report in rendered[viewport].items():
        # no errors, nothing pushed out of bounds
        assert _real_warnings(report["log"]) == [], (viewport, name, report["log"])
        assert report["console"] == [], (viewport, name, report["console"])
        assert len(lines(report)) >= 2, (viewport, name, report["text"])
        assert Path(report["png"]).stat().st_size > 5000
        texts = report["texts"]
        assert not any(t["text"].endswith("…") for t in texts), (viewport, name)  # nothing cut short
        if not name.startswith("routine"):  # (the routine's list scrolls: its last row may be cut)
            for text in texts:  # nothing squeezed or sliced by what holds it
                assert _whole(text), (viewport, name, text)
        # nothing drawn over anything else
        for i, a in enumerate(texts):
            for b in texts[i + 1 :]:
                assert _overlap(a["shown"], b["shown"]) < 8, (viewport, name, a["text"], b["text"])


def test_on_the_round_spot_nothing_falls_off_the_circle(rendered: dict[str, dict[str, Any]]) -> None:
    viewport = VIEWPORTS["spot"]
    assert viewport.shape == "ROUND"
    radius = viewport.width / 2
    for name, report in rendered["spot"].items():
        for text in report["texts"]:
            x, y, w, h = text["shown"]
            # the glyphs sit inside their box: its corners, pulled in by a fifth of a line
            inset = h / 5
            for cx, cy in (
                (x + inset, y + inset),
                (x + w - inset, y + inset),
                (x + inset, y + h - inset),
                (x + w - inset, y + h - inset),
            ):
                assert math.hypot(cx - radius, cy - radius) <= radius, (name, text["text"])


@pytest.mark.parametrize(
    ("viewport", "count", "needed"),
    [("show8", 280, 56), ("show10", 280, 56), ("show1024", 280, 56), ("show5", 150, 40), ("spot", 120, 40)],
)
def test_mid_hold_the_countdown_is_biggest_and_the_rep_apart(
    rendered: dict[str, dict[str, Any]], viewport: str, count: float, needed: float
) -> None:
    report = rendered[viewport]["counting-hold"]
    seen = lines(report)
    # repetition 2 of pelvic tilts, in its five-second hold: no steps mid-set
    # (the round Spot leaves the name out mid-set: the count, the side and the phrase fill it)
    named = ["Pelvic tilts"] if viewport != "spot" else []
    assert seen[: len(named) + 2] == [*named, "Rep 2 of 10", "Hold"], seen
    countdown = seen[len(named) + 2]
    assert countdown.isdigit() and 0 <= int(countdown) < 5 and seen[len(named) + 3] == "seconds"
    assert not any(line.startswith("1. ") for line in seen)
    assert size(report, countdown) >= count and size(report, countdown) == report["biggestTextPx"]
    for text in (*named, "Rep 2 of 10", "Hold"):
        assert size(report, text) >= needed, (viewport, text)
    # the side, when it matters, as large; the repetition never beside the countdown
    side = rendered[viewport]["side-hold"]
    named = ["Knee to chest"] if viewport != "spot" else []
    assert lines(side)[: len(named) + 3] == [*named, "Left leg", "Rep 1 of 3", "Hold"], lines(side)
    assert size(side, "Left leg") >= needed
    (rep,) = [t["shown"] for t in side["texts"] if t["text"] == "Rep 1 of 3"]
    (hold,) = [t["shown"] for t in side["texts"] if t["text"].isdigit()]
    apart = max(hold[0] - (rep[0] + rep[2]), hold[1] - (rep[1] + rep[3]))
    assert apart >= 16, (viewport, rep, hold)


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_after_the_count_the_screen_is_what_the_voice_goes_on_to(
    rendered: dict[str, dict[str, Any]], viewport: str
) -> None:
    start = lines(rendered[viewport]["counting-start"])
    assert "Rep 1 of 10" in start and ("Pelvic tilts" in start or viewport == "spot")
    after = lines(rendered[viewport]["counting-after"])
    # pelvic tilts counted: the voice introduces abdominal bracing and asks for "ready"
    assert "Abdominal bracing" in after and "Pelvic tilts" not in after, after
    assert not any(line.startswith("Rep ") for line in after)
    assert any("ready" in line for line in after), after
    side = lines(rendered[viewport]["side-after"])
    # the left leg counted: "switch to your right leg, and say ready"
    assert "Right leg" in side and "Left leg" not in side, side
    assert "Say “ready”" in side, side


def test_coaching_introduction_and_last_exercise(rendered: dict[str, dict[str, Any]]) -> None:
    # Read from the floor: the position as the voice said it (without its lead-in), the
    # amount short, and what to say; no step list (the voice says each move as it counts).
    for viewport in ("show10", "show8", "show1024"):
        report = rendered[viewport]["coach-intro"]
        intro = lines(report)
        assert intro[:2] == ["Exercise 1 of 12 · week six routine", "Pelvic tilts"], viewport
        said = " ".join(intro[2:])
        assert said.startswith(
            "Lie on your back with your knees bent and your feet flat on the floor. 10 reps · 5-second hold Say “ready”"
        ), (viewport, said)
        assert size(report, "Say “ready”") >= 56 and size(report, "10 reps · 5-second hold") >= 56, viewport
        assert size(report, "Pelvic tilts") >= 56 and not any(line[:3] == "1. " for line in intro), viewport
    # Where the words say how far the routine has got (the bigger screens), pelvic tilts are
    # done and the rest were skipped on the way: skipped exercises are not "done". The
    # Echo Show 8 has the bar alone: its words beside "Exercise 12 of 12" read as a contradiction.
    assert lines(rendered["show10"]["coach-intro"])[-1] == "0 of 12 exercises done"
    last = lines(rendered["show10"]["coach-last"])
    assert last[0].startswith("Exercise 12 of 12") and last[-1] == "1 of 12 exercises done"
    assert not any("exercises done" in line for line in lines(rendered["show8"]["coach-last"]))


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
    for viewport in ("show1024", "show8", "show10", "show5"):
        end = lines(rendered[viewport]["routine-scrolled"])
        assert f"{len(names)}. {names[-1]}" in end, viewport
        # cat-cow, second last, is marked as the overview says it
        assert "Only once your surgeon has cleared you for it" in end, (viewport, end)


def test_progress_shows_streak_week_and_pain(rendered: dict[str, dict[str, Any]]) -> None:
    seen = lines(rendered["show8"]["progress"])
    assert seen[:3] == ["Your progress", "4", "days in a row"]
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    start = seen.index("Mon")
    assert seen[start : start + 7] == days
    # the pain chart: its 0 to 10 scale, each score over its day, and the trend as the voice said it
    chart = seen[seen.index("Pain scores, most recent last") + 1 :]
    assert chart[:2] == ["10", "0"]
    assert chart[2:10] == ["4", "Mon 16", "3", "Tue 17", "5", "Wed 18", "2", "Thu 19"]
    assert chart[10:] == ["Your pain scores are steady, at about 3.5."]
    assert rendered["show10"]["progress"]["biggestTextPx"] >= 150


def test_the_count_moves_on_in_the_renderer(shots: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    # The commands run in Amazon's renderer: after about eight seconds of the first
    # repetition (its words, the tempo pause, "Hold."), the hold has counted down.
    files = write_directives([("counting", shots["coach-counting"])], tmp_path)
    report = render(files, tmp_path / "out", VIEWPORTS["show8"], settle_ms=8000)["counting.json"]
    seen = lines(report)
    assert _real_warnings(report["log"]) == []
    assert seen[1] == "Rep 1 of 10" and seen[2] in ("Hold", "And relax") and seen[3] != "5", seen
    (tmp_path / "seen.json").write_text(json.dumps(seen))


def _introductions() -> list[tuple[str, dict[str, Any]]]:
    """Every exercise's introduction screen at its fullest: a second set, the right side, and
    the longest hint line the screen has ("To go on: “Alexa, tell Spine Coach to resume”")."""
    import random

    from skill.alexa.prompts import load_prompts
    from skill.alexa.screens import directive
    from skill.alexa.speech import Renderer
    from skill.domain.catalog import default_content_dir, load_catalog
    from skill.domain.coaching import amount_words, plan_single
    from skill.domain.output import CoachingScreen, Say
    from skill.domain.workout import aerobic_minutes

    catalog = load_catalog(default_content_dir())
    renderer = Renderer(load_prompts("en-US"), catalog, random.Random(0))
    shots = []
    for exercise in catalog.exercises.values():
        (item,) = plan_single(catalog, exercise.id)
        hint = Say.of("coach.pause.how_to_resume")
        counted = item.kind == "counted"
        screen = CoachingScreen(
            exercise=exercise.id,
            routine="week_six",
            index=11,
            total=12,
            set=2 if item.sets > 1 else 1,
            sets=item.sets,
            side=1 if item.sides == 2 else None,
            side_word=item.side_word,
            amount=Say.of("coach.intro.plan", amount=amount_words(item, 0)) if counted else aerobic_minutes(item),
            counting=False,
            reps=item.reps_at(0) if counted else 0,
            hold=item.hold_at(0) if counted else 0,
            hint=hint,
        )
        shots.append((f"intro-{exercise.id}", directive(screen, renderer)))
    return shots


# What a patient on the floor needs before a set, and the least size for each screen size
# (issue 29: 56 dp on the Echo Show 8, scaled per viewport; 40 dp on the Echo Show 5).
NEEDED = ("name", "detail", "place", "amount", "hint")
FLOOR_DP = {"show8": 56, "show1024": 56, "show10": 56, "show5": 40}


@pytest.mark.parametrize("viewport", sorted(FLOOR_DP))
def test_every_exercise_introduction_is_whole_and_readable_from_the_floor(viewport: str) -> None:
    shots = _introductions()
    files = write_directives(shots, OUTPUT / "directives-intro")
    report = render(files, OUTPUT / f"{viewport}-intro", VIEWPORTS[viewport], settle_ms=300)
    problems: list[tuple[Any, ...]] = []
    for name, data in shots:
        seen = report[f"{name}.json"]
        if _real_warnings(seen["log"]):
            problems.append((name, seen["log"]))
        coach = data["datasources"]["coach"]
        for need in NEEDED:
            # A name too long for one line at this size is shown short ("towel hamstring stretch").
            field = "shortName" if need == "name" and viewport != "show10" else need
            if not coach[field]:
                # Only the side or set, and the amount where no source gives a number, may be
                # missing: a lost position, hint or count must not pass unseen.
                if need not in ("detail", "amount") or (need == "amount" and coach["repText"]):
                    problems.append((name, field, "empty"))
                continue
            found = _lines_of(seen["texts"], coach[field])
            if not found or not all(_whole(t) for t in found):
                problems.append((name, field, "not all shown", coach[field]))
            elif any(t["size"] < FLOOR_DP[viewport] for t in found):
                problems.append((name, field, "smaller than the floor needs", [t["size"] for t in found]))
    assert problems == [], (viewport, problems)


def _lines_of(texts: list[dict[str, Any]], wanted: str) -> list[dict[str, Any]]:
    """The run of consecutive shown lines that reads ``wanted`` (a paragraph as wrapped)."""
    for first in range(len(texts)):
        joined = ""
        for last in range(first, len(texts)):
            glue = "" if joined.endswith("-") else " "  # "medium-" / "sized" wraps at the hyphen
            joined = f"{joined}{glue}{texts[last]['text']}".strip()
            if joined == wanted:
                return texts[first : last + 1]
            if not wanted.startswith(joined):
                break
    return []


def _longest_phase_moment(directive: dict[str, Any]) -> float:
    """Just after the count shows its longest phrase ("Draw your belly button in")."""
    at, best, moment = 0.0, -1, 0.0
    for command in directive["document"]["onMount"][0]["commands"]:
        at += float(command["delay"]) / 1000
        if command["componentId"] == "phase" and len(str(command["value"])) > best:
            best, moment = len(str(command["value"])), at + 0.05
    return moment


def _countings() -> list[tuple[str, dict[str, Any]]]:
    """Every counted exercise's set as its screen stands at its longest phrase, coached alone
    through the skill (the first side of a per-side exercise), its clearance given first."""
    import tempfile

    from skill.devtools.nlu import SlotFill
    from skill.devtools.screens import _conversation, screen_of
    from skill.domain.catalog import default_content_dir, load_catalog
    from skill.domain.coaching import plan_single

    catalog = load_catalog(default_content_dir())
    shots = []
    with tempfile.TemporaryDirectory() as folder:
        convo = _conversation(Path(folder) / "countings.db")
        for exercise in catalog.exercises.values():
            (item,) = plan_single(catalog, exercise.id)
            if item.kind != "counted":
                continue  # a walk, a timed stretch, no number in the sources: no count to show
            fill = SlotFill("exercise", exercise.id, resolved_id=exercise.id, slot_type="EXERCISE")
            if exercise.requires_clearance:
                convo.intent("ClearanceIntent", exercise=fill)
            asked = convo.intent("CoachExerciseIntent", exercise=fill).text
            if "Have you had back surgery?" in asked:
                convo.say("no")
            elif "Have they?" in asked:
                convo.say("yes")  # the stage is unknown: cleared
            directive = screen_of(convo.say("ready"))
            convo.say("stop")
            assert directive is not None and directive["document"].get("onMount"), (exercise.id, asked)
            shots.append((f"count-{exercise.id}", at_moment(directive, _longest_phase_moment(directive))))
    return shots


@pytest.mark.parametrize("viewport", ["show8", "show10", "show5", "spot"])
def test_every_exercise_counted_shows_its_name_side_rep_and_phrase_whole(viewport: str) -> None:
    shots = _countings()
    assert len(shots) >= 12, [name for name, _ in shots]
    files = write_directives(shots, OUTPUT / "directives-count")
    report = render(files, OUTPUT / f"{viewport}-count", VIEWPORTS[viewport], settle_ms=300)
    for name, data in shots:
        seen = report[f"{name}.json"]
        assert _real_warnings(seen["log"]) == [], (viewport, name, seen["log"])
        texts = seen["texts"]
        assert not any(t["text"].endswith("…") for t in texts), (viewport, name)
        for text in texts:  # nothing squeezed or sliced
            assert _whole(text), (viewport, name, text)
        shown = " ".join(t["text"] for t in texts)
        phrases = [c["value"] for c in data["document"]["onMount"][0]["commands"] if c["componentId"] == "phase"]
        assert max(phrases, key=len) in shown, (viewport, name, shown)
        coach = data["datasources"]["coach"]
        if viewport != "spot":
            assert coach["shortName"] in shown, (viewport, name)
        assert coach["detail"] in shown, (viewport, name)


def test_the_page_measures_in_dp_at_any_density(tmp_path: Path) -> None:
    """Sizes and boxes are reported in dp: a 100 dp text is 100 on the Echo Show 8 (213 dpi),
    not the 133 pixels the page draws it with."""
    document = {
        "type": "APL",
        "version": "2024.3",
        "mainTemplate": {
            "parameters": ["payload"],
            "items": [{"type": "Text", "text": "10", "fontSize": "100dp"}],
        },
    }
    files = write_directives([("dp", {"document": document, "datasources": {}})], tmp_path)
    for name in ("show8", "show10"):
        (text,) = render(files, tmp_path / name, VIEWPORTS[name], settle_ms=200)["dp.json"]["texts"]
        assert text["size"] == 100 and 100 <= text["box"][3] <= 125, (name, text)  # one line of it
