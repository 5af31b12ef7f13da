"""Every intent x every slot type x hostile values, in every conversation state.

Each request fills every slot name the model uses with one hostile value, sent as one slot
type (built-in types bare, custom types with and without a resolved id, as Alexa sends
them). The properties: a valid response with valid SSML, and zero internal errors; the
apology hides a failure from the user, so the error log is what is counted.

The default run covers every (intent, type, value) and every (intent, type, state) triple
once or more, about 10,000 requests; ``SPINE_COACH_HYPOTHESIS=full`` sends the whole
cross product (about 170,000).
"""

from __future__ import annotations

import copy
import json
import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import Intent, RequestEnvelope

from skill.alexa.factory import build_skill
from skill.devtools import envelopes
from skill.devtools.envelopes import LOCAL_SKILL_ID
from skill.devtools.interaction_model import MODELS_DIR
from skill.devtools.nlu import SlotFill
from skill.devtools.simulator import Conversation, in_process
from skill.domain.clock import FixedClock
from skill.store.sqlite import SQLiteStore
from tests.support import check_response, linked

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
FULL = os.environ.get("SPINE_COACH_HYPOTHESIS", "ci") == "full"
MODEL = json.loads((MODELS_DIR / "en-US.json").read_text())["interactionModel"]["languageModel"]
INTENTS = sorted({i["name"] for i in MODEL["intents"]} | {"UnknownIntent"})
SLOT_NAMES = sorted({s["name"] for i in MODEL["intents"] for s in i.get("slots", [])})
SLOT_TYPES = [
    "AMAZON.NUMBER",
    "AMAZON.TIME",
    "AMAZON.DATE",
    "AMAZON.DURATION",
    *sorted(t["name"] for t in MODEL["types"]),
]

HOSTILE = [
    "",
    " ",
    "?",
    "x" * 10_000,
    "9" * 5000,  # over Python's 4,300-digit int() limit
    "99999999999",
    "-1",
    "1e9",
    "3.5",
    "²",
    "①",
    "٣",  # Arabic-Indic three: int() accepts it, Alexa never sends it
    "NaN",
    "P2100Y",
    "P99999999999W",
    "PT99999999999H",
    "P",
    "T09:00",
    "25:61",
    "9:00:00",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "2026-W47",
    "XXXX-10-03",
    "MO",
    '<speak>&amp;<audio src="https://example.com/x.mp3"/></speak>',
    "]]><break time='999s'/>&",
    "\x00\x07\u202e\ufeff",
    "\ud800",  # a lone surrogate
    "🦴" * 50,
]


def _pending(kind: str, **data: str) -> dict[str, Any]:
    return {"v": 1, "pending": {"kind": kind, "data": data}}


def _states(skill: Any, clock: FixedClock) -> dict[str, dict[str, Any] | None]:
    """Session attributes for every conversation state, the workout ones from a real
    conversation (``None``: a request that opens a new session)."""
    convo = Conversation(in_process(skill), device=linked(user_id="amzn1.ask.account.STATES"), clock=clock)
    states: dict[str, dict[str, Any] | None] = {"new session": None}
    convo.launch()
    states["launched"] = dict(convo.attributes)
    convo.say("how do I do bridging")
    states["offered coaching"] = dict(convo.attributes)
    convo.say("start my general low back routine")  # asks about back surgery first (issue 13)
    states["asked to confirm a start"] = dict(convo.attributes)
    convo.say("my physio moved me to the week six routine")
    convo.say("start my week six routine")
    states["workout, waiting for ready"] = dict(convo.attributes)
    convo.say("ready")
    states["workout, counting"] = dict(convo.attributes)
    convo.say("ready")
    states["workout, second exercise"] = dict(convo.attributes)
    assert all(convo.attributes.get("workout") for name in states if name.startswith("workout"))
    convo.say("pause")  # ends the session and keeps the place: "asked to resume" below has one
    states.update(
        {
            "asked for pain": _pending("pain_rating"),
            "asked for a reminder time": _pending("reminder_time"),
            "asked to change the reminder time": _pending("reminder_time", change="yes"),
            "asked about a second reminder": _pending("second_reminder"),
            "asked to delete data": _pending("delete_data"),
            "asked to resume": _pending("resume"),
            "asked which stage": _pending("ask_stage", then="start"),
            "asked to start a routine": _pending("start_routine", routine="week_six"),
            "offered coaching a ghost": _pending("offer_coach", exercise="ghost"),
        }
    )
    return states


def _slots(slot_type: str, value: str, resolved: bool) -> dict[str, SlotFill]:
    custom = not slot_type.startswith("AMAZON.")
    return {
        name: SlotFill(
            name,
            value,
            resolved_id=value if custom and resolved else None,
            resolved_name=value if custom and resolved else None,
            slot_type=slot_type,
        )
        for name in SLOT_NAMES
    }


class Failures(logging.Handler):
    """Counts the skill's internal errors (the exception handler logs each at ERROR)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def failures() -> Iterator[Failures]:
    handler = Failures()
    logger = logging.getLogger("spine_coach")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def _cases(states: list[str]) -> Iterator[tuple[str, str, str, int]]:
    """(state, intent, slot type, value index): every value for every intent and type, the
    states taking turns so each (intent, type) also meets every state."""
    for intent in INTENTS:
        for slot_type in SLOT_TYPES:
            for index in range(len(HOSTILE)):
                if FULL:
                    for state in states:
                        yield state, intent, slot_type, index
                else:
                    offset = INTENTS.index(intent) + SLOT_TYPES.index(slot_type)
                    yield states[(index + offset) % len(states)], intent, slot_type, index


class _Envelopes:
    """Request envelopes for the cases, as the SDK reads them from JSON. The SDK's
    deserializer is half the cost of a request here, so each state's envelope and each
    slot filling is read from real Alexa JSON once, and the cases combine them."""

    def __init__(self, states: dict[str, dict[str, Any] | None], serializer: DefaultSerializer) -> None:
        self.states = states
        self.serializer = serializer
        self._bases: dict[str, Any] = {}
        self._slots: dict[tuple[str, int], Any] = {}

    def _read(self, state: str, slots: dict[str, SlotFill]) -> Any:
        # Each state has its own user: the one with a saved place from the conversation, or a new one.
        device = linked(user_id="amzn1.ask.account.STATES" if state != "new session" else "amzn1.ask.account.NEW")
        attributes = self.states[state]
        body = envelopes.envelope(
            device,
            envelopes.intent_request(device, "AMAZON.HelpIntent", slots, NOW),
            session_id=envelopes.new_session_id(),
            new=attributes is None,
            attributes=attributes or {},
        )
        return self.serializer.deserialize(json.dumps(body), RequestEnvelope)

    def __call__(self, state: str, intent: str, slot_type: str, index: int) -> Any:
        if state not in self._bases:
            self._bases[state] = self._read(state, {})
        key = (slot_type, index)
        if key not in self._slots:
            filled = _slots(slot_type, HOSTILE[index], resolved=index % 2 == 0)
            self._slots[key] = self._read("new session", filled).request.intent.slots
        base = self._bases[state]
        envelope = copy.copy(base)
        envelope.request = copy.copy(base.request)
        envelope.request.intent = Intent(name=intent, slots=copy.copy(self._slots[key]), confirmation_status=None)
        if base.session is not None:
            envelope.session = copy.copy(base.session)
            envelope.session.attributes = copy.deepcopy(base.session.attributes)
        return envelope


def test_hostile_slot_values_in_every_state(tmp_path: Path, failures: Failures) -> None:
    clock = FixedClock(NOW)
    store = SQLiteStore(tmp_path / "hostile.db")
    skill = build_skill(store=store, clock=clock, skill_id=LOCAL_SKILL_ID)
    states = _states(skill, clock)
    assert failures.messages == []
    assert len(HOSTILE) >= len(states)  # so the rotation meets every state
    serializer = DefaultSerializer()
    envelope_of = _Envelopes(states, serializer)
    seen: set[tuple[str, str, str]] = set()
    count = 0
    for state, intent, slot_type, index in _cases(list(states)):
        value = HOSTILE[index]
        request = envelope_of(state, intent, slot_type, index)
        response = serializer.serialize(skill.invoke(request_envelope=request, context=None))
        where = (state, intent, slot_type, value[:40])
        try:
            check_response(response)
        except AssertionError as exc:
            raise AssertionError(f"{where}: {exc}") from exc
        assert failures.messages == [], (where, failures.messages)
        seen.add((state, intent, slot_type))
        count += 1
    assert len(seen) == len(states) * len(INTENTS) * len(SLOT_TYPES)
    assert count >= len(INTENTS) * len(SLOT_TYPES) * len(HOSTILE)
