"""The Lambda handler's envelope parser builds the same objects as the SDK's own."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.alexa.factory import build_skill
from skill.alexa.serializer import FastSerializer
from skill.devtools import envelopes
from skill.devtools.envelopes import Device
from skill.devtools.nlu import SlotFill
from skill.store.sqlite import SQLiteStore

AT = datetime(2026, 11, 22, 4, 5, 6, tzinfo=UTC)
SHOW = Device(apl_max_version="2023.3", permissions=[envelopes.REMINDERS_SCOPE])
MATCHED = SlotFill("exercise", "bridges", resolved_id="bridging", resolved_name="bridging", slot_type="EXERCISE")
UNMATCHED = SlotFill(name="exercise", value="handstands", slot_type="EXERCISE")

REQUESTS = {
    "launch": envelopes.launch_request(SHOW, AT),
    "intent with slots": envelopes.intent_request(SHOW, "CoachExerciseIntent", {"exercise": MATCHED}, AT),
    "unresolved slot": envelopes.intent_request(Device(), "CoachExerciseIntent", {"exercise": UNMATCHED}, AT),
    "session ended with error": envelopes.session_ended_request(Device(), "ERROR", AT),
    "permission answer": envelopes.connections_response(SHOW, "ACCEPTED", AT),
    "touch": envelopes.user_event(SHOW, ["next", 2], "coach", AT),
    "skill disabled": envelopes.skill_disabled_event(Device(), AT),
}


def body(name: str) -> dict[str, Any]:
    device = SHOW if name != "skill disabled" else Device()
    document = envelopes.envelope(device, REQUESTS[name], session_id="amzn1.echo-api.session.1", new=False)
    document["session"]["attributes"] = {"v": 2, "workout": '{"index":1}', "nested": {"a": [1, {"b": None}]}}
    document["futureField"] = {"kept": True}  # fields the model does not know are kept as they are
    return document


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_same_objects_as_the_sdk(name: str) -> None:
    sdk = DefaultSerializer()
    expected = sdk.deserialize(json.dumps(body(name)), RequestEnvelope)
    fast = FastSerializer()
    for _ in range(2):  # the second parse comes from the remembered class names and fields
        found = fast.deserialize_dict(body(name), RequestEnvelope)
        assert type(found.request) is type(expected.request)
        assert sdk.serialize(found) == sdk.serialize(expected)
        assert found.request.timestamp == AT
        assert found.to_dict() == expected.to_dict()
        assert vars(found) == vars(expected)  # the unknown field too


def test_timestamps_python_cannot_read_go_to_the_sdk() -> None:
    document = body("launch")
    document["request"]["timestamp"] = "22 Nov 2026 04:05:06 UTC"
    found = FastSerializer().deserialize_dict(document, RequestEnvelope)
    assert found.request.timestamp == AT


@pytest.mark.parametrize("apl", [None, "2023.3"])
def test_responses_are_written_as_the_sdk_writes_them(tmp_path: Path, apl: str | None) -> None:
    skill = build_skill(store=SQLiteStore(tmp_path / "s.db"))
    sdk, fast = DefaultSerializer(), FastSerializer()
    device = Device(apl_max_version=apl)
    attributes: dict[str, Any] = {}
    lines = [("LaunchRequest", None), ("CoachExerciseIntent", MATCHED), ("AMAZON.YesIntent", None)]
    for intent, slot in [*lines, ("ReadyIntent", None), ("AMAZON.StopIntent", None)]:
        if intent == "LaunchRequest":
            request = envelopes.launch_request(device, AT)
        else:
            request = envelopes.intent_request(device, intent, {"exercise": slot} if slot else None, AT)
        document = envelopes.envelope(device, request, session_id="s", new=intent == "LaunchRequest")
        document["session"]["attributes"] = attributes
        response = skill.invoke(request_envelope=sdk.deserialize(json.dumps(document), RequestEnvelope), context=None)
        expected = sdk.serialize(response)
        for _ in range(2):
            assert fast.serialize(response) == expected
        attributes = expected.get("sessionAttributes") or {}
    assert "<speak>" in json.dumps(expected)
