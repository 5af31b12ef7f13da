"""A second opinion on the interaction model: npm's virtual-alexa drives the skill over HTTP."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from skill.devtools.envelopes import LOCAL_SKILL_ID
from skill.devtools.interaction_model import MODELS_DIR
from skill.devtools.simulator import Transport, in_process
from tests.support import check_response, checked, http_front

NODE_DIR = Path(__file__).resolve().parent / "node"

pytestmark = pytest.mark.node


def drive(transport: Transport, steps: list[str], locale: str = "en-US") -> list[dict[str, Any]]:
    if shutil.which("node") is None or not (NODE_DIR / "node_modules" / "virtual-alexa").exists():
        pytest.skip("Node.js and tests/node/node_modules (./dev test installs them) are needed")
    with http_front(transport) as url:
        result = subprocess.run(
            [
                "node",
                str(NODE_DIR / "drive.js"),
                str(MODELS_DIR / f"{locale}.json"),
                url,
                locale,
                LOCAL_SKILL_ID,
                json.dumps(steps),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    results: list[dict[str, Any]] = json.loads(result.stdout)
    return results


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_every_locale_model_loads_and_resolves(skill: Any, locale: str) -> None:
    steps = [
        "launch",
        "explain the bird dog",
        "it hurts",
        "can I lift my grandson",
        "I'm in week four",
        "what week am I in",
    ]
    results = {r["step"]: r for r in drive(checked(in_process(skill)), steps, locale)}
    assert results["launch"]["requestType"] == "LaunchRequest"
    assert results["explain the bird dog"]["slots"]["exercise"]["id"] == "bird_dog"
    assert results["it hurts"]["intent"] == "SymptomIntent"
    assert results["it hurts"]["slots"]["symptom"]["id"] == "pain"
    assert results["can I lift my grandson"]["intent"] == "AvoidIntent"
    assert results["can I lift my grandson"]["slots"]["activity"]["id"] == "lifting"
    assert results["I'm in week four"]["intent"] == "WeekIntent"
    assert results["what week am I in"]["intent"] == "WhatWeekIntent"
    assert "week 4" in results["what week am I in"]["speech"]


def test_model_loads_and_utterances_resolve_in_virtual_alexa(skill: Any) -> None:
    steps = [
        "launch",
        "how do I do bridging",
        "explain the bird dog",
        "what are the steps for a pelvic tilt",
        # virtual-alexa takes any sentence starting with "tell", "ask", "open" or "start" for
        # a launch phrase, whatever follows; such phrasings are covered by test_nlu instead.
        "describe ankle pumps",
        "what's in my week six routine",
        "what exercises are for weeks one to two",
        "help",
        "stop",
    ]
    results = drive(checked(in_process(skill)), steps)
    by_step = {r["step"]: r for r in results}
    assert by_step["launch"]["requestType"] == "LaunchRequest"
    expected = {
        "how do I do bridging": ("HowToIntent", "exercise", "bridging"),
        "explain the bird dog": ("HowToIntent", "exercise", "bird_dog"),
        "what are the steps for a pelvic tilt": ("HowToIntent", "exercise", "pelvic_tilts"),
        "describe ankle pumps": ("HowToIntent", "exercise", "ankle_pumps"),
        "what's in my week six routine": ("RoutineOverviewIntent", "stage", "week_six"),
        "what exercises are for weeks one to two": ("RoutineOverviewIntent", "stage", "early"),
    }
    for step, (intent, slot, value_id) in expected.items():
        result = by_step[step]
        assert result["intent"] == intent, step
        assert result["slots"][slot]["status"] == "ER_SUCCESS_MATCH", step
        assert result["slots"][slot]["id"] == value_id, step
        assert result["shouldEndSession"] is False
    assert "lift your hips" in by_step["how do I do bridging"]["speech"]
    assert by_step["help"]["intent"] == "AMAZON.HelpIntent"
    assert by_step["stop"]["intent"] == "AMAZON.StopIntent"
    assert by_step["stop"]["shouldEndSession"] is True
    for result in results:
        check_response(
            {
                "version": "1.0",
                "response": {"outputSpeech": {"type": "SSML", "ssml": result["speech"]}, "shouldEndSession": True},
            }
        )
