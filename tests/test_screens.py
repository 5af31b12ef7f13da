"""Echo Show screens: only where APL is supported, the right document and data at each step."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from skill.alexa.screens import APL_DIR, can_show
from skill.devtools.envelopes import user_event
from skill.devtools.simulator import Conversation, Reply
from skill.domain.catalog import Catalog

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "apl-document.schema.json").read_text())
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
    data = screen["datasources"]["payload"]["coach"]
    assert data["name"] == "Pelvic tilts"
    assert data["position"] == "Exercise 1 of 12 · week six routine"
    assert data["amount"] == "We'll do 10 repetitions, holding each for 5 seconds."
    assert [s["active"] for s in data["steps"]] == [True, False, False]
    assert data["progress"] == 0
    # nothing on screen that is not also said
    assert data["name"].lower() in intro.text.lower()
    assert data["amount"] in intro.text
    assert "Exercise 1 of 12" in intro.text
    for step in data["steps"]:
        assert step["text"] in intro.text

    counting = render(show.say("ready"))
    assert counting is not None
    counted = counting["datasources"]["payload"]["coach"]
    assert counted["name"] == "Pelvic tilts"
    assert [s["active"] for s in counted["steps"]] == [False, True, False]

    show.say("ready")  # abdominal bracing
    show.say("ready")  # bridging
    show.say("ready")  # wall slides
    sides = render(show.say("ready"))  # the towel hamstring stretch, left leg counted
    assert sides is not None
    left = sides["datasources"]["payload"]["coach"]
    assert left["name"] == "Supine hamstring stretch with a towel"
    assert left["setSide"] == "Left leg"
    assert left["progress"] == round(100 * 4 / 12)
    right = render(show.say("how many are left"))
    assert right is not None
    assert right["datasources"]["payload"]["coach"]["setSide"] == "Right leg"


def test_how_to_screen(show: Conversation, catalog: Catalog) -> None:
    screen = render(show.say("ask spine coach how do I do cat cow"))
    assert screen is not None
    data = screen["datasources"]["payload"]["howto"]
    exercise = catalog.exercise("cat_cow")
    assert data["name"] == "Cat-cow"
    assert data["position"] == exercise.position
    assert [s["text"] for s in data["steps"]] == list(exercise.steps)
    assert data["caution"] == exercise.cautions[0].text


def test_routine_screen_and_touch_starts_the_exercise(show: Conversation) -> None:
    show.say("ask spine coach my physio moved me to the week six routine")
    overview = render(show.say("ask spine coach what's in my week six routine"))
    assert overview is not None
    data = overview["datasources"]["payload"]["routine"]
    assert data["title"] == "Week six routine: 12 exercises"
    assert data["exercises"][2] == {"id": "bridging", "name": "Bridging"}
    touched = show.request(user_event(show.device, ["coach", "bridging"], "spine-coach-routine"))
    assert "do bridging" in touched.text
    assert not touched.ends_session
    screen = render(touched)
    assert screen is not None
    assert screen["datasources"]["payload"]["coach"]["name"] == "Bridging"


def test_touch_with_unknown_arguments_is_harmless(show: Conversation) -> None:
    reply = show.request(user_event(show.device, ["dance", "tango"], "spine-coach-routine"))
    assert "didn't catch that" in reply.text or "not sure what you meant" in reply.text


def test_progress_screen(show: Conversation) -> None:
    show.say("ask spine coach my physio moved me to the week six routine")
    show.say("ask spine coach to coach me through bridging")
    show.say("ready")
    screen = render(show.say("ask spine coach how am I doing"))
    assert screen is not None
    data = screen["datasources"]["payload"]["progress"]
    assert data == {
        "week": "This week you've done 1 session, with 1 exercise in all.",
        "streak": "You've exercised 1 day in a row.",
    }


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.stem for p in DOCUMENTS])
def test_documents_pass_the_structural_check(path: Path) -> None:
    jsonschema.validate(json.loads(path.read_text()), SCHEMA)


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
