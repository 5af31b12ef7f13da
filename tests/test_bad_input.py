"""Bad input, property-based: whatever arrives gets a valid Alexa response, or an HTTP 400.

Envelopes start valid and are then broken in the ways real traffic breaks them: missing
fields, wrong types, unknown intents and slot values, empty and very long strings, odd
Unicode, unknown request types, session attributes from an older or damaged state. The
case count is small in CI (``SPINE_COACH_HYPOTHESIS=ci``, the default) and in the
thousands with ``SPINE_COACH_HYPOTHESIS=full`` (see the README).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.alexa.factory import build_skill
from skill.devtools import envelopes
from skill.devtools.envelopes import LOCAL_SKILL_ID
from skill.devtools.interaction_model import MODELS_DIR
from skill.devtools.nlu import SlotFill
from skill.domain.clock import FixedClock
from skill.store.sqlite import SQLiteStore
from skill.web.app import WebConfig, create_app
from tests.support import check_response, linked

PROFILE = os.environ.get("SPINE_COACH_HYPOTHESIS", "ci")
EXAMPLES = {"ci": 120, "full": 2500}[PROFILE]
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)

MODEL = json.loads((MODELS_DIR / "en-US.json").read_text())["interactionModel"]["languageModel"]
INTENTS = [i["name"] for i in MODEL["intents"]]
SLOT_NAMES = sorted({s["name"] for i in MODEL["intents"] for s in i.get("slots", [])})
VALUE_IDS = sorted({v["id"] for t in MODEL["types"] for v in t["values"]})
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)

text = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(categories=["L", "M", "N", "P", "S", "Z", "C"]), max_size=60),
    st.just(""),
    st.just("x" * 10_000),
    st.sampled_from(
        ["week six", "bridging", "nine a.m.", "2026-10-03", "PT5M", "<speak>&</speak>", "\u202e\u0000\ufffd"]
    ),
)
json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


@st.composite
def slots(draw: st.DrawFn) -> dict[str, SlotFill]:
    chosen = draw(st.lists(st.sampled_from([*SLOT_NAMES, "nonsense"]), max_size=3, unique=True))
    result = {}
    for name in chosen:
        resolved = draw(st.sampled_from([*VALUE_IDS, None, "no-such-id"]))
        slot_type = draw(
            st.sampled_from(
                [
                    "EXERCISE",
                    "STAGE",
                    "SYMPTOM",
                    "ACTIVITY",
                    "AMAZON.NUMBER",
                    "AMAZON.TIME",
                    "AMAZON.DATE",
                    "AMAZON.DURATION",
                ]
            )
        )
        result[name] = SlotFill(name, draw(text), resolved_id=resolved, resolved_name=draw(text), slot_type=slot_type)
    return result


def workout_attributes(draw: st.DrawFn) -> dict[str, Any]:
    """A session's workout state: valid-looking, from another version, or damaged."""
    return {
        "v": draw(st.sampled_from([1, 0, 2, "1", None])),
        "routine": draw(st.sampled_from(["week_six", "single", "gone"])),
        "items": draw(
            st.sampled_from(
                [
                    [{"e": "bridging", "k": "counted", "t": 3.0, "w": "side", "r": [10, 12], "h": [5, 5]}],
                    [{"e": "walking", "k": "aerobic", "t": 3.0, "w": "side", "m": [5, 10]}],
                    [{"e": "ghost", "k": "counted", "t": 3.0, "w": "side", "r": [1, 1]}],
                    [{"e": "bridging", "k": "counted", "t": -1, "w": "side", "r": [12, 10]}],
                    [],
                    "not a list",
                ]
            )
        ),
        "index": draw(st.integers(-2, 20)),
        "set": draw(st.integers(-1, 5)),
        "side": draw(st.integers(-1, 3)),
        "rep": draw(st.integers(-1, 50)),
        "phase": draw(st.sampled_from(["new", "ready", "paused", "away", "finished", "x"])),
        "pace": draw(st.sampled_from([1.0, 0.1, 99.0, "fast"])),
        "levels": draw(st.sampled_from([{}, {"bridging": 9}, []])),
        "done": [],
        "skipped": [],
        "started_at": draw(st.sampled_from(["", "yesterday", "2026-11-21T09:00:00+00:00"])),
    }


@st.composite
def session_attributes(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["empty", "valid", "old", "garbage"]))
    if kind == "empty":
        return {}
    if kind == "garbage":
        value: dict[str, Any] = draw(st.dictionaries(st.text(max_size=10), json_values, max_size=5))
        return value
    attributes: dict[str, Any] = {"v": 1 if kind == "valid" else 0, "workout": workout_attributes(draw)}
    if draw(st.booleans()):
        attributes["pending"] = {
            "kind": draw(
                st.sampled_from(["offer_coach", "resume", "pain_rating", "reminder_time", "delete_data", "??"])
            ),
            "data": draw(st.sampled_from([{}, {"exercise": "bridging"}, {"exercise": 5}, "x"])),
        }
    if draw(st.booleans()):
        attributes["before_count"] = workout_attributes(draw)
    return attributes


@st.composite
def envelopes_(draw: st.DrawFn) -> dict[str, Any]:
    device = linked(
        locale=draw(st.sampled_from(["en-US", "en-GB", "en-AU", "en-IN", "en-CA", "en-NZ", "de-DE", "", "xx"])),
        apl_max_version=draw(st.sampled_from([None, "2023.3", "1.0", "banana"])),
        user_id=draw(st.sampled_from(["amzn1.ask.account.FUZZ1", "amzn1.ask.account.FUZZ2"])),
    )
    kind = draw(
        st.sampled_from(["intent", "intent", "intent", "launch", "ended", "unknown", "touch", "permission", "event"])
    )
    if kind == "intent":
        name = draw(st.sampled_from([*INTENTS, "UnknownIntent", ""]))
        request = envelopes.intent_request(device, name, draw(slots()), NOW)
    elif kind == "launch":
        request = envelopes.launch_request(device, NOW)
    elif kind == "ended":
        request = envelopes.session_ended_request(
            device, draw(st.sampled_from(["USER_INITIATED", "EXCEEDED_MAX_REPROMPTS", "ERROR"])), NOW
        )
    elif kind == "touch":
        request = envelopes.user_event(device, draw(st.lists(json_values, max_size=3)), "spine-coach-routine", NOW)
    elif kind == "permission":
        request = envelopes.connections_response(
            device, draw(st.sampled_from(["ACCEPTED", "DENIED", "NOT_ANSWERED", "?"])), NOW
        )
    elif kind == "event":
        request = envelopes.skill_disabled_event(device, NOW)
    else:
        request = {
            "type": draw(st.sampled_from(["AudioPlayer.PlaybackStarted", "Display.ElementSelected", "Nonsense"])),
            "requestId": "amzn1.echo-api.request.fuzz",
            "timestamp": "2026-11-21T10:00:00Z",
            "locale": device.locale,
        }
    return envelopes.envelope(
        device,
        request,
        session_id=None if kind == "event" else envelopes.new_session_id(),
        new=draw(st.booleans()),
        attributes=draw(session_attributes()),
    )


def _break(draw: st.DrawFn, body: dict[str, Any]) -> Any:
    """Drop a field or give it the wrong type, somewhere in the envelope."""
    paths: list[list[str]] = []

    def walk(node: Any, path: list[str]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                paths.append([*path, key])
                walk(value, [*path, key])

    walk(body, [])
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        parent: Any = body
        for key in path[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
        if isinstance(parent, dict) and path[-1] in parent:
            if draw(st.booleans()):
                del parent[path[-1]]
            else:
                parent[path[-1]] = draw(json_values)
    return body


@st.composite
def broken_envelopes(draw: st.DrawFn) -> Any:
    return _break(draw, draw(envelopes_()))


@pytest.fixture(scope="module")
def skill(tmp_path_factory: pytest.TempPathFactory) -> Any:
    store = SQLiteStore(Path(tmp_path_factory.mktemp("fuzz")) / "fuzz.db")
    return build_skill(store=store, clock=FixedClock(NOW), skill_id=LOCAL_SKILL_ID)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    store = SQLiteStore(Path(tmp_path_factory.mktemp("fuzz-web")) / "fuzz.db")
    app = create_app(WebConfig(dev=True, skill_id=LOCAL_SKILL_ID, store=store, clock=lambda: NOW))
    return app.test_client()


class Failures(logging.Handler):
    """Collects the skill's "request failed" log lines: an apology hides a bug from the user,
    not from this test."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def failures() -> Iterator[Failures]:
    handler = Failures()
    logger = logging.getLogger("spine_coach")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


@SETTINGS
@given(body=envelopes_())
def test_any_wellformed_envelope_gets_a_valid_response(skill: Any, failures: Failures, body: dict[str, Any]) -> None:
    try:
        request = DefaultSerializer().deserialize(json.dumps(body), RequestEnvelope)
    except SerializationException:
        return  # not an Alexa request type the SDK knows: the web layer answers 400 (tested below)
    response = DefaultSerializer().serialize(skill.invoke(request_envelope=request, context=None))
    check_response(response)
    assert failures.messages == [], failures.messages


@SETTINGS
@given(body=st.one_of(envelopes_(), broken_envelopes()))
def test_http_layer_answers_valid_or_400_never_500(client: Any, failures: Failures, body: Any) -> None:
    response = client.post("/", data=json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 400), response.status_code
    assert b"Traceback" not in response.data
    if response.status_code == 200:
        check_response(response.get_json())
    # The catch-all answers 200 with an apology: only the log shows a handler failed.
    assert failures.messages == [], failures.messages


@SETTINGS
@given(
    raw=st.one_of(
        st.binary(max_size=2000),
        text.map(lambda t: t.encode("utf-8", "surrogatepass")),
        json_values.map(json.dumps).map(str.encode),
    )
)
def test_http_layer_survives_arbitrary_bytes(client: Any, failures: Failures, raw: bytes) -> None:
    response = client.post("/", data=raw, content_type="application/json")
    assert response.status_code in (200, 400)
    assert b"Traceback" not in response.data
    assert failures.messages == [], failures.messages
