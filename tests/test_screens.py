"""Echo Show screens: only where APL is supported, the right document and data at each step."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill.alexa.screens import APL_DIR, WORDS_PER_SECOND, can_show
from skill.devtools.envelopes import user_event
from skill.devtools.screens import binding_problems, scripted_screens
from skill.devtools.simulator import Conversation, Reply
from skill.domain.catalog import Catalog

NODE_DIR = Path(__file__).resolve().parent / "node"
DOCUMENTS = sorted(APL_DIR.glob("*.json"))


def render(reply: Reply) -> dict[str, Any] | None:
    found = [d for d in reply.directives if d["type"] == "Alexa.Presentation.APL.RenderDocument"]
    assert len(found) <= 1
    return found[0] if found else None


@pytest.fixture
def show(talk: Callable[..., Conversation]) -> Conversation:
    return talk(apl_max_version="2023.3")


def test_no_screen_for_a_device_without_apl(convo: Conversation) -> None:
    replies = [
        convo.launch(),
        convo.say("how do I do bridging"),
        convo.say("what's in my week six routine"),
        convo.say("my physio moved me to the week six routine"),
        convo.say("start my week six routine"),
        convo.say("ready"),
        convo.say("how am I doing"),
    ]
    assert all(render(r) is None for r in replies)


def test_no_screen_when_the_device_apl_is_too_old(talk: Callable[..., Conversation]) -> None:
    convo = talk(apl_max_version="1.4")
    assert render(convo.say("ask spine coach how do I do bridging")) is None
    assert not can_show("1.5")
    assert can_show("1.6")
    assert can_show("1.10")
    assert can_show("2024.1")


def test_coaching_screen_at_each_step(show: Conversation, catalog: Catalog) -> None:
    show.say("ask spine coach my physio moved me to the week six routine")
    intro = show.say("ask spine coach to start my week six routine")
    screen = render(intro)
    assert screen is not None
    assert screen["token"] == "spine-coach-coach"
    assert screen["document"]["mainTemplate"]["parameters"] == ["payload"]
    data = screen["datasources"]["coach"]
    assert data["name"] == "Pelvic tilts"
    assert data["position"] == "Exercise 1 of 12 · week six routine"
    # What the voice said, shortened to be read from the floor
    assert data["amount"] == "10 reps · 5-second hold"
    assert data["place"] == "Lie on your back with your knees bent and your feet flat on the floor."
    assert data["hint"] == "Say “ready”" and "say ready" in intro.text.lower()
    assert data["progress"] == 0
    # nothing on screen that is not also said
    assert data["name"].lower() in intro.text.lower()
    assert "We'll do 10 repetitions, holding each for 5 seconds." in intro.text
    assert f"Get into position: {data['place']}" in intro.text
    assert "Exercise 1 of 12" in intro.text
    assert "steps" not in data  # no step list on the floor: each move is said as it is counted

    counting = render(show.say("ready"))
    assert counting is not None
    counted = counting["datasources"]["coach"]
    assert counted["name"] == "Pelvic tilts"
    assert counted["repText"] == "Rep 1 of 10" and counted["holdText"] == "5" and counted["countLabel"] == "seconds"
    # the same response goes on to introduce the next exercise: its screen comes with it
    then = counted["then"]
    assert then["kind"] == "intro" and then["name"] == "Abdominal bracing" and not then["counting"]
    assert then["position"] == "Exercise 2 of 12 · week six routine" and then["progress"] == round(100 / 12)
    assert then["hint"] == "Say “ready”" and "say ready" in counting_text(show).lower()[-40:]

    show.say("ready")  # abdominal bracing
    show.say("ready")  # bridging
    show.say("ready")  # wall slides
    sides = render(show.say("ready"))  # the towel hamstring stretch, left leg counted
    assert sides is not None
    left = sides["datasources"]["coach"]
    assert left["name"] == "Supine hamstring stretch with a towel"
    assert left["detail"] == "Left leg"
    assert left["progress"] == round(100 * 4 / 12)
    assert left["repText"] == "Rep 1 of 3" and left["hold"] == 20
    # after the left leg, the screen the voice goes on to is the right leg's
    assert left["then"]["detail"] == "Right leg" and left["then"]["name"] == left["name"]
    assert left["then"]["hint"] == "Say “ready”"
    right = render(show.say("how many are left"))
    assert right is not None
    assert right["datasources"]["coach"]["detail"] == "Right leg"
    # the bar counts the finished left side: four exercises and a half done
    assert right["datasources"]["coach"]["progress"] == round(100 * 4.5 / 12)


def test_how_to_screen(show: Conversation, catalog: Catalog) -> None:
    screen = render(show.say("ask spine coach how do I do cat cow"))
    assert screen is not None
    data = screen["datasources"]["howto"]
    exercise = catalog.exercise("cat_cow")
    assert data["name"] == "Cat-cow"
    assert data["position"] == exercise.position
    assert [s["text"] for s in data["steps"]] == list(exercise.steps)
    assert data["cautions"] == [{"text": c.text} for c in exercise.cautions] != []
    assert data["dosage"] and data["dosage"] in screen_text_said(show)


def counting_text(convo: Conversation) -> str:
    return convo.history[-1].text


def screen_text_said(convo: Conversation) -> str:
    return convo.history[-1].text


def test_routine_screen_and_touch_starts_the_exercise(show: Conversation) -> None:
    show.say("ask spine coach my physio moved me to the week six routine")
    overview = render(show.say("ask spine coach what's in my week six routine"))
    assert overview is not None
    data = overview["datasources"]["routine"]
    assert data["title"] == "Week six routine: 12 exercises"
    assert data["exercises"][2] == {"id": "bridging", "name": "Bridging", "next": False, "mark": ""}
    # the two that need the surgeon's clearance are marked, as the overview says them
    marked = [e["id"] for e in data["exercises"] if e["mark"]]
    assert marked == ["seated_lower_back_stretch", "cat_cow"]
    assert data["exercises"][-2]["mark"] == "Only once your surgeon has cleared you for it"
    assert "only for when your surgeon has cleared you" in show.history[-1].text
    assert data["exercises"][0]["next"] and data["next"] == "Next: pelvic tilts"
    assert data["time"] == "About 25 minutes" and "about 25 minutes" in show.history[-1].text
    touched = show.request(user_event(show.device, ["coach", "bridging"], "spine-coach-routine"))
    assert "do bridging" in touched.text
    assert not touched.ends_session
    screen = render(touched)
    assert screen is not None
    assert screen["datasources"]["coach"]["name"] == "Bridging"


def test_touch_with_unknown_arguments_is_harmless(show: Conversation) -> None:
    reply = show.request(user_event(show.device, ["dance", "tango"], "spine-coach-routine"))
    assert "didn't catch that" in reply.text or "not sure what you meant" in reply.text


def test_progress_screen(show: Conversation) -> None:
    show.say("ask spine coach my physio moved me to the week six routine")
    show.say("ask spine coach to coach me through bridging")
    show.say("ready")
    screen = render(show.say("ask spine coach how am I doing"))
    assert screen is not None
    data = screen["datasources"]["progress"]
    assert data["week"] == "This week you've done 1 session, with 1 exercise in all."
    assert data["streak"] == "1" and data["streakLabel"] == "day in a row"
    # Saturday 21 November 2026: the strip runs Monday to Sunday, today done
    assert [d["done"] for d in data["days"]] == [False] * 5 + [True, False]
    assert [d["today"] for d in data["days"]] == [False] * 5 + [True, False]
    assert data["pain"] == []  # no scores yet, no chart


@pytest.mark.node
def test_documents_pass_apl_suggester() -> None:
    if shutil.which("node") is None or not (NODE_DIR / "node_modules" / "apl-suggester").exists():
        pytest.skip("Node.js and tests/node/node_modules (./dev test installs them) are needed")
    result = subprocess.run(
        ["node", str(NODE_DIR / "apl-validate.js"), *map(str, DOCUMENTS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)
    assert set(findings) == {str(p) for p in DOCUMENTS}
    assert all(f == [] for f in findings.values()), findings


# --- the data binding, checked without a browser --------------------------------------------


@pytest.fixture(scope="module")
def scripted() -> list[tuple[str, dict[str, Any]]]:
    """Every screen kind from one scripted Echo Show conversation (``spine-coach screens``)."""
    return scripted_screens()


def test_the_script_meets_every_screen_kind(scripted: list[tuple[str, dict[str, Any]]]) -> None:
    kinds = {directive["token"] for _, directive in scripted}
    assert kinds == {f"spine-coach-{k}" for k in ("coach", "howto", "routine", "progress")}
    names = [name for name, _ in scripted]
    assert {"coach-intro", "coach-counting", "coach-side-left", "coach-last", "progress"} <= set(names)


def test_every_data_path_resolves_in_what_the_skill_sends(scripted: list[tuple[str, dict[str, Any]]]) -> None:
    for name, directive in scripted:
        assert binding_problems(directive) == [], name


def test_the_binding_check_catches_data_under_the_lone_parameter_name(
    scripted: list[tuple[str, dict[str, Any]]],
) -> None:
    # What the skill used to send: APL gives a lone parameter the whole datasources object,
    # so {"payload": {kind: data}} leaves ${payload.coach.name} bound to nothing.
    for name, directive in scripted:
        old = {**directive, "datasources": {"payload": directive["datasources"]}}
        problems = binding_problems(old)
        assert problems and all("resolves to nothing" in p for p in problems), name


def test_the_binding_check_catches_children_of_an_empty_list() -> None:
    # APL inflates a data-bound component's children once, without data, when the list is
    # empty: a caution bullet with no caution. Such a list needs a ``when``.
    document = {
        "type": "APL",
        "version": "1.6",
        "mainTemplate": {
            "parameters": ["payload"],
            "items": [
                {
                    "type": "Container",
                    "data": "${payload.howto.cautions}",
                    "items": [{"type": "Text", "text": "${data.text}"}],
                }
            ],
        },
    }
    empty = {"document": document, "datasources": {"howto": {"cautions": []}}}
    assert binding_problems(empty) == [
        "mainTemplate.items[0]<empty>[0].text: ${data.text} uses 'data' outside a data-bound component"
    ]
    full = {"document": document, "datasources": {"howto": {"cautions": [{"text": "Stop if it hurts."}]}}}
    assert binding_problems(full) == []
    guarded = json.loads(json.dumps(empty))
    guarded["document"]["mainTemplate"]["items"][0]["when"] = "${payload.howto.cautions.length > 0}"
    assert binding_problems(guarded) == []


# --- the count keeps time with the speech ---------------------------------------------------

_SSML_PART = re.compile(r'<break time="(\d+)(ms|s)"/>|([^<]+)')


def _ssml_timeline(ssml: str) -> tuple[dict[int, float], float, float, list[float]]:
    """When each counted repetition ("4.") is said, how long the speech lasts, when its
    last break ends (the count is over), and when each "Hold." is said: breaks for their
    time, words at the speaking rate. Read from the SSML alone."""
    at = last_break = 0.0
    said: dict[int, float] = {}
    holds: list[float] = []
    body = ssml.removeprefix("<speak>").removesuffix("</speak>")
    for amount, unit, text in _SSML_PART.findall(body):
        if amount:
            at += int(amount) / (1000 if unit == "ms" else 1)
            last_break = at
            continue
        for word in text.split():
            if re.fullmatch(r"\d+\.", word):
                said.setdefault(int(word[:-1]), at)
            if word == "Hold.":
                holds.append(at)
            at += 1 / WORDS_PER_SECOND
    return said, at, last_break, holds


def _command_timeline(directive: dict[str, Any]) -> list[tuple[float, str, str]]:
    """(seconds, component, text) for each change; the switch to what follows the count
    (``now`` hidden, ``then`` shown at the same moment) as (seconds, "then", "")."""
    (sequential,) = directive["document"]["onMount"]
    at = 0.0
    changes: list[tuple[float, str, str]] = []
    for command in sequential["commands"]:
        assert command["type"] == "SetValue"
        at += command["delay"] / 1000
        if command["property"] == "display":
            assert (command["componentId"], command["value"]) in {("now", "none"), ("then", "normal")}
            if command["componentId"] == "then":
                assert changes[-1] == (at, "now", "none")
                changes[-1] = (at, "then", "")
            else:
                changes.append((at, "now", "none"))
            continue
        assert command["property"] == "text"
        changes.append((at, command["componentId"], command["value"]))
    return changes


def _counted_set(show: Conversation, start: str) -> list[Reply]:
    """The replies that count one whole set, from the introduction's "ready" on."""
    show.say("ask spine coach my physio moved me to the week six routine")
    show.say(start)
    replies = [show.say("ready")]
    while "keep counting" in replies[-1].reprompt_text:
        replies.append(show.say("ready"))
    return replies


@pytest.mark.parametrize(
    ("start", "reps", "hold"),
    [
        ("ask spine coach to coach me through pelvic tilts", 10, 5),  # a hold of five
        ("ask spine coach to coach me through knee to chest", 3, 20),  # a long hold, per side
        ("ask spine coach to coach me through heel slides", 10, 0),  # no hold
    ],
)
def test_the_count_follows_the_speech(show: Conversation, start: str, reps: int, hold: int) -> None:
    replies = _counted_set(show, start)
    shown: list[int] = []
    for reply in replies:
        directive = render(reply)
        assert directive is not None and directive["datasources"]["coach"]["counting"]
        said, length, counted_to, holds = _ssml_timeline(reply.ssml)
        changes = _command_timeline(directive)
        reps_shown = [(at, int(re.sub(r"^Rep (\d+) of \d+$", r"\1", v))) for at, c, v in changes if c == "rep"]
        # every repetition appears when it is said, as "Rep 3 of 10" beside a countdown
        for at, n in reps_shown:
            assert abs(at - said[n]) <= 0.5, (n, at, said[n])
        rep_texts = [v for _, c, v in changes if c == "rep"]
        assert all(v == (f"Rep {v.split()[1]} of {reps}" if hold else v) for v in rep_texts), rep_texts
        # the phrase the voice says is on screen as it says it ("Hold" with each hold)
        shown_holds = [at for at, c, v in changes if c == "phase" and v == "Hold"]
        assert len(shown_holds) == len(holds)
        assert all(abs(a - b) <= 0.5 for a, b in zip(shown_holds, holds, strict=True))
        # when the count is over, the screen turns to what the voice goes on to, before it ends
        switches = [at for at, c, _ in changes if c == "then"]
        assert len(switches) == (1 if reply is replies[-1] else 0), switches
        for at in switches:
            assert abs(at - counted_to) <= 0.5 and at < length, (at, counted_to, length)
        assert changes[-1][0] <= length + 0.5  # nothing changes after the voice has stopped
        shown += [n for _, n in reps_shown]
        if hold:
            # each hold counts down to zero, one second at a time
            countdown = [int(v) for _, c, v in changes if c == "hold"]
            assert countdown.count(0) == len(reps_shown)
            first = countdown[: countdown.index(0) + 1]
            assert first == [hold, *range(hold - 1, -1, -1)]
        else:
            assert not [c for _, c, _ in changes if c == "hold"]
    assert shown == list(range(1, reps + 1))


def test_the_last_set_of_a_routine_turns_to_the_finished_screen(show: Conversation) -> None:
    show.say("ask spine coach my physio moved me to the in hospital routine")
    reply = show.say("ask spine coach to start my in hospital routine")
    for _ in range(12):
        directive = render(reply)
        assert directive is not None
        at = re.match(r"Exercise (\d+) of (\d+)", directive["datasources"]["coach"]["position"])
        assert at is not None
        if at[1] == at[2]:
            break
        reply = show.say("skip")
    last = show.say("ready")
    assert "how is your back right now" in last.text  # the routine's end: the pain question
    directive = render(last)
    assert directive is not None and directive["datasources"]["coach"]["counting"]
    changes = _command_timeline(directive)
    _, length, counted_to, _ = _ssml_timeline(last.ssml)
    # the count, then the finished screen with the question the voice asks (its reprompt's words)
    (switch,) = [at for at, c, _ in changes if c == "then"]
    assert abs(switch - counted_to) <= 0.5 and switch < length
    then = directive["datasources"]["coach"]["then"]
    assert then == {"kind": "finished", "title": "In-hospital exercises done", "hint": last.reprompt_text}


def test_the_routine_screen_names_where_the_user_is_up_to(show: Conversation) -> None:
    show.say("ask spine coach my physio moved me to the week six routine")
    show.say("ask spine coach to start my week six routine")
    show.say("ready")  # pelvic tilts counted
    show.say("skip")  # abdominal bracing skipped
    show.say("stop")
    overview = show.say("ask spine coach what's in my week six routine")
    data = render(overview)["datasources"]["routine"]  # type: ignore[index]
    assert data["next"] == "Next: bridging" and "You're up to bridging." in overview.text
    assert [e["id"] for e in data["exercises"] if e["next"]] == ["bridging"]


def test_the_binding_check_catches_unknown_names_and_command_targets(
    scripted: list[tuple[str, dict[str, Any]]],
) -> None:
    counting = json.loads(json.dumps(dict(scripted)["coach-counting"]))
    counting["document"]["mainTemplate"]["items"][0]["items"][1]["text"] = "${paylod.coach.name}"
    assert any("names 'paylod'" in p for p in binding_problems(counting))
    renamed = json.loads(json.dumps(dict(scripted)["coach-counting"]))
    renamed["document"]["onMount"][0]["commands"][0]["componentId"] = "repetition"
    assert binding_problems(renamed) == ["onMount: a command targets 'repetition', which no component has as its id"]


def test_render_tests_skip_cleanly_on_a_clone_with_no_renderer(tmp_path: Path) -> None:
    """A user's clone has nothing beside it: the render tests skip with one line, and pass."""
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if k != "APL_RENDER_DIR"}
    repo = Path(__file__).resolve().parent.parent
    # With one quick suite beside it, as in a whole run (alone, a module skip is "no tests").
    suites = ["tests/test_screens_render.py", "tests/test_speech.py"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *suites],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    skipped = [line for line in result.stdout.splitlines() if "APL RENDER TESTS SKIPPED" in line]
    assert len(skipped) == 1, result.stdout
    assert "1 skipped" in result.stdout.splitlines()[-1]


def test_a_check_in_replaces_the_counting_screen(show: Conversation) -> None:
    """The counting document's commands would go on to the next exercise's screen while the
    voice asks what is wrong: the check-in sends a screen of where it paused."""
    show.say("ask spine coach my physio moved me to the week six routine")
    show.say("ask spine coach to start my week six routine")
    show.say("ready")
    reply = show.say("the weather on mars is lovely")
    screen = render(reply)
    assert screen is not None and "onMount" not in screen["document"]
    data = screen["datasources"]["coach"]
    assert data["name"] == "Pelvic tilts" and not data["counting"] and data["then"] == {"kind": ""}


def test_a_set_counted_in_chunks_turns_to_no_other_screen_midway(show: Conversation) -> None:
    show.say("ask spine coach my physio moved me to the week six routine")
    show.say("ask spine coach to coach me through pelvic tilts")
    for _ in range(3):
        show.say("harder")
    for _ in range(3):
        show.say("slower")
    chunks = [show.say("ready")]
    while "keep counting" in chunks[-1].reprompt_text:
        chunks.append(show.say("ready"))
    assert len(chunks) > 1, "the set is counted in more than one response"
    for chunk in chunks[:-1]:
        directive = render(chunk)
        assert directive is not None and directive["datasources"]["coach"]["then"] == {"kind": ""}
        assert not [c for c in directive["document"]["onMount"][0]["commands"] if c["property"] == "display"]


def test_a_plans_walk_shows_its_minutes_as_said(catalog: Catalog) -> None:
    """A physiotherapist's fixed minutes: "15 minutes" on screen, as the voice says it (not
    "15 to 15 minutes", the review of the floor screens)."""
    import random

    from skill.alexa.prompts import load_prompts
    from skill.alexa.screens import directive
    from skill.alexa.speech import Renderer
    from skill.domain.coaching import plan_prescribed
    from skill.domain.guided import coaching_screen
    from skill.domain.plan import load_plan
    from skill.domain.workout import Event, EventKind, Phase, WorkoutState, transition

    plan = load_plan(Path("content/plans/examples/week_six.json"), catalog)
    items = plan_prescribed(catalog, plan.phases[0].exercises, cleared=plan.clearances)
    walk = next(i for i, item in enumerate(items) if item.kind == "aerobic" and item.minutes and item.minutes.fixed)
    state, out = transition(
        WorkoutState(routine="plan", items=items, index=walk - 1, phase=Phase.READY), Event(EventKind.SKIP)
    )
    renderer = Renderer(load_prompts("en-US"), catalog, random.Random(0))
    said = renderer.render(list(out.speech)).text
    screen = coaching_screen(state, counting=False)
    assert screen is not None
    amount = directive(screen, renderer)["datasources"]["coach"]["amount"]
    assert amount == f"{items[walk].minutes.min} minutes" and amount in said, (amount, said)  # type: ignore[union-attr]
