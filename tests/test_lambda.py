"""The Lambda entry point with DynamoDB served by moto over HTTP: a conversation that resumes."""

from __future__ import annotations

import functools
import importlib.util
import json
import logging
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from skill.devtools.envelopes import LOCAL_SKILL_ID
from skill.devtools.simulator import Conversation
from skill.store.dynamodb import from_dynamo, to_dynamo
from tests.dynamo import CREDENTIALS, Emulator
from tests.support import checked, linked, patient_key
from tests.test_web import launch_body

LAMBDA_FILE = Path(__file__).resolve().parent.parent / "lambda" / "lambda_function.py"


def load_lambda() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lambda_function_under_test", LAMBDA_FILE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def handler(emulator: Emulator, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> ModuleType:
    import hashlib

    # Short and unique per test and parameter (long names of one test would collide cut short).
    table = f"spine-coach-{hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:16]}"
    emulator.create_table(table)
    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("SPINE_COACH_STORE", raising=False)
    monkeypatch.setenv("SPINE_COACH_DYNAMODB_TABLE", table)
    monkeypatch.setenv("SPINE_COACH_DYNAMODB_ENDPOINT", emulator.endpoint)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("SPINE_COACH_SKILL_ID", LOCAL_SKILL_ID)
    module = load_lambda()
    module.table = table  # type: ignore[attr-defined]
    return module


def talk_to(module: ModuleType, **device: Any) -> Conversation:
    return Conversation(checked(lambda event: module.lambda_handler(event, None)), device=linked(**device))


def test_conversation_through_lambda_resumes_across_sessions(handler: ModuleType, emulator: Emulator) -> None:
    convo = talk_to(handler)
    assert "Welcome to Spine Coach" in convo.launch().text
    convo.say("my physio moved me to the week six routine")
    convo.say("start my week six routine")
    convo.say("ready")
    convo.say("slower")
    convo.say("stop")
    item = emulator.item(handler.table, patient_key(convo.device.user_id))
    assert item is not None
    assert item["attributes"]["pace"] == Decimal("1.5")  # stored as DynamoDB numbers
    offer = talk_to(handler).launch()
    assert "You were on exercise 2 of 12 of your week six routine: abdominal bracing." in offer.text


def test_numbers_reach_the_skill_as_python_numbers(handler: ModuleType) -> None:
    convo = talk_to(handler)
    convo.launch()
    convo.say("my physio moved me to the week six routine")
    convo.say("coach me through bridging")
    convo.say("slower")
    convo.say("stop")
    second = talk_to(handler)
    second.launch()
    second.say("yes")
    counted = second.say("ready")
    assert '<break time="2200ms"/>' in counted.ssml  # pace 1.5 came back as a float, not a Decimal


def test_wrong_skill_id_is_refused_on_lambda(handler: ModuleType, emulator: Emulator) -> None:
    other = talk_to(handler, skill_id="amzn1.ask.skill.someone-else", user_id="amzn1.ask.account.OTHER")
    with pytest.raises(handler.RefusedRequest):
        other.launch()
    assert emulator.item(handler.table, "amzn1.ask.account.OTHER") is None  # refused before the skill ran


def test_lambda_refuses_to_run_without_a_skill_id(handler: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPINE_COACH_SKILL_ID")
    monkeypatch.delenv("SPINE_COACH_ALLOW_ANY_SKILL", raising=False)
    with pytest.raises(handler.RefusedRequest):
        talk_to(handler).launch()
    monkeypatch.setenv("SPINE_COACH_ALLOW_ANY_SKILL", "1")  # the explicit development setting
    assert "Welcome to Spine Coach" in talk_to(handler, skill_id="amzn1.ask.skill.any").launch().text


def _nest(inner: dict[str, Any], _: int) -> dict[str, Any]:
    return {"a": inner}


def _ours(event: dict[str, Any]) -> dict[str, Any]:
    """An event addressed to this skill (its application id), whatever else it lacks."""
    return {**event, "context": {"System": {"application": {"applicationId": LOCAL_SKILL_ID}}}}


@pytest.mark.parametrize(
    "event",
    [
        _ours({"request": "nonsense", "version": 3}),
        # Issue 30: no user, then session attributes nested 900 deep; both raised from the
        # SDK with a traceback before.
        _ours({"version": "1.0", "request": {"type": "LaunchRequest", "requestId": "r", "timestamp": "t"}}),
        {
            **json.loads(launch_body()),
            "session": {
                "new": False,
                "sessionId": "s",
                "attributes": functools.reduce(_nest, range(900), dict[str, Any]()),
            },
        },
    ],
    ids=["nonsense", "no user", "900 deep"],
)
def test_malformed_event_gets_an_apology_and_one_log_line(
    handler: ModuleType, event: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        result = handler.lambda_handler(event, None)
    assert "Sorry, something went wrong" in result["response"]["outputSpeech"]["ssml"]
    records = [r for r in caplog.records if r.name == "spine_coach"]
    assert len(records) == 1 and records[0].getMessage().startswith("event refused: ")
    assert not any(r.exc_info for r in caplog.records)


def test_a_wrong_skill_event_is_refused_before_it_is_parsed(handler: ModuleType) -> None:
    """A malformed event for another skill is refused, not apologised to (it was parsed first)."""
    other = {"request": "nonsense", "context": {"System": {"application": {"applicationId": "amzn1.ask.skill.x"}}}}
    with pytest.raises(handler.RefusedRequest):
        handler.lambda_handler(other, None)


def test_responses_carry_no_user_agent(handler: ModuleType) -> None:
    """Issue 30: the SDK's userAgent names its version, Python's and the platform's."""
    result = handler.lambda_handler(json.loads(launch_body()), None)
    assert "userAgent" not in result and "response" in result


def test_decimal_conversion_round_trip() -> None:
    record = {"pace": 1.25, "levels": {"bridging": 2}, "history": [{"minutes": 17, "ratio": 0.5}], "name": "x"}
    stored = to_dynamo(record)
    assert stored["pace"] == Decimal("1.25")
    back = from_dynamo(stored)
    assert back == record
    assert isinstance(back["levels"]["bridging"], int)
    assert isinstance(back["pace"], float)


@pytest.mark.parametrize(("days", "expires"), [("90", True), ("0", False), ("", False)])
def test_history_expires_after_the_stacks_retention(
    handler: ModuleType, emulator: Emulator, monkeypatch: pytest.MonkeyPatch, days: str, expires: bool
) -> None:
    """``SPINE_COACH_HISTORY_RETENTION_DAYS`` (the stack's HistoryRetentionDays) puts a TTL
    on every history item the function writes; 0 or unset keeps them until deleted."""
    import time

    monkeypatch.setenv("SPINE_COACH_HISTORY_RETENTION_DAYS", days)
    convo = talk_to(handler)
    convo.launch()
    convo.say("coach me through ankle pumps")
    convo.say("ready")
    convo.say("ready")  # both feet: the session is a history item
    items = emulator.resource().Table(f"{handler.table}-history").scan()["Items"]
    sessions = [item for item in items if item["sk"].startswith("s#")]
    assert len(sessions) == 1
    # The listing of the person under the account is what deletion finds: it never expires.
    assert all("expires_at" not in item for item in items if item["sk"].startswith("person#"))
    for item in sessions:
        if expires:
            assert abs(int(item["expires_at"]) - (time.time() + 90 * 86400)) < 600
        else:
            assert "expires_at" not in item


def test_a_retention_that_is_no_number_of_days_is_refused(handler: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    """A typo must not keep health history for ever: the function refuses to start."""
    monkeypatch.setenv("SPINE_COACH_HISTORY_RETENTION_DAYS", "90d")
    with pytest.raises(handler.RefusedRequest, match="not a number of days"):
        handler.lambda_handler(json.loads(launch_body()), None)
