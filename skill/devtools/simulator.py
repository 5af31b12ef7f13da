"""A conversation with the skill as Alexa would hold it: sessions, envelopes, silence.

``Conversation`` turns typed sentences into real request envelopes (through the
interaction model, ``skill.devtools.nlu``), sends them over a transport - the skill in-process, or
HTTP to a running server - and keeps what Alexa keeps between turns: the session id and
attributes, whether the session is open, the device's identity. The local console and
the conversation tests both talk to the skill through it.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from skill.devtools import envelopes
from skill.devtools.envelopes import Device
from skill.devtools.nlu import Interpretation, Resolver, SlotFill, resolver_for

Transport = Callable[[dict[str, Any]], dict[str, Any]]
Clock = Callable[[], datetime]


def in_process(skill: Any) -> Transport:
    """Send envelopes straight to a ``CustomSkill``, through the SDK's own (de)serializer."""
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    serializer = DefaultSerializer()

    def send(body: dict[str, Any]) -> dict[str, Any]:
        request = serializer.deserialize(json.dumps(body), RequestEnvelope)
        response = skill.invoke(request_envelope=request, context=None)
        result: dict[str, Any] = serializer.serialize(response)
        return result

    return send


_BREAKS = re.compile(r'(?:<break time="(\d+(?:\.\d+)?)(ms|s)"/>\s*)+')


def readable(ssml: str | None) -> str:
    """SSML shown for people: consecutive breaks as one "[pause 20s]", tags dropped."""
    if not ssml:
        return ""

    def pause(match: re.Match[str]) -> str:
        total = sum(
            float(v) / (1000 if u == "ms" else 1)
            for v, u in re.findall(r'time="(\d+(?:\.\d+)?)(ms|s)"', match.group(0))
        )
        return f" [pause {total:g}s] "

    text = _BREAKS.sub(pause, ssml)
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(html.unescape(text).split())


HAND_OFFS = ("Connections.SendRequest", "Connections.StartConnection")
VERIFY_PERSON = "connection://AMAZON.VerifyPerson/2"


@dataclass
class Reply:
    """What the skill answered to one request."""

    request: dict[str, Any]
    response: dict[str, Any]
    interpretation: Interpretation | None = None
    # Alexa asked for the voice PIN before this answer: the skill's reply that asked for it.
    asked_pin: Reply | None = None

    @property
    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = self.response.get("response") or {}
        return body

    @property
    def ssml(self) -> str:
        return str((self.body.get("outputSpeech") or {}).get("ssml", ""))

    @property
    def text(self) -> str:
        return readable(self.ssml)

    @property
    def reprompt_ssml(self) -> str | None:
        reprompt = self.body.get("reprompt")
        return None if not reprompt else (reprompt.get("outputSpeech") or {}).get("ssml")

    @property
    def reprompt_text(self) -> str:
        return readable(self.reprompt_ssml)

    @property
    def hands_off(self) -> bool:
        """Alexa takes over (a skill connection); the session resumes with its answer."""
        return any(d.get("type") in HAND_OFFS for d in self.directives)

    @property
    def pin_connection(self) -> dict[str, Any] | None:
        """The skill connection asking Alexa to confirm the speaker's voice PIN, if any."""
        return next((d for d in self.directives if d.get("uri") == VERIFY_PERSON), None)

    @property
    def ends_session(self) -> bool:
        return self.body.get("shouldEndSession") is not False and not self.hands_off

    @property
    def directives(self) -> list[dict[str, Any]]:
        directives: list[dict[str, Any]] = self.body.get("directives") or []
        return directives

    @property
    def session_attributes(self) -> dict[str, Any]:
        attributes: dict[str, Any] = self.response.get("sessionAttributes") or {}
        return attributes


@dataclass
class Conversation:
    """One user on one device talking to the skill over time."""

    transport: Transport
    device: Device = field(default_factory=Device)
    clock: Clock | None = None
    resolver: Resolver | None = None
    session_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    history: list[Reply] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.resolver is None:
            self.resolver = resolver_for(self.device.locale)

    @property
    def session_open(self) -> bool:
        return self.session_id is not None

    def _now(self) -> datetime | None:
        return self.clock() if self.clock else None

    # -- what the user does ------------------------------------------------------------------

    def launch(self) -> Reply:
        """ "Alexa, open spine coach"."""
        self._start_session()
        return self._send(envelopes.launch_request(self.device, self._now()), new=True)

    def say(self, utterance: str) -> Reply:
        """A sentence, with or without the invocation ("ask spine coach to ...")."""
        kind, rest = self._invocation(utterance)
        if kind == "launch":
            return self.launch()
        new = False
        if kind == "one_shot" or not self.session_open:
            self._start_session()
            new = True
        assert self.resolver is not None
        now = self._now()
        interpretation = self.resolver.resolve(rest, today=now.date() if now else None)
        request = envelopes.intent_request(self.device, interpretation.intent, interpretation.slots, now)
        return self._send(request, new=new, interpretation=interpretation)

    def intent(self, name: str, **slots: SlotFill) -> Reply:
        """An intent sent directly, as a device would after understanding the user."""
        new = not self.session_open
        if new:
            self._start_session()
        return self._send(envelopes.intent_request(self.device, name, slots, self._now()), new=new)

    def silence(self) -> Reply:
        """The user says nothing to the prompt or the reprompt: Alexa closes the session."""
        return self.end("EXCEEDED_MAX_REPROMPTS")

    def end(self, reason: str = "USER_INITIATED") -> Reply:
        if not self.session_open:
            raise RuntimeError("no session is open")
        return self._send(envelopes.session_ended_request(self.device, reason, self._now()))

    def answer_permission(self, status: str) -> Reply:
        """What Alexa sends after asking the user for a permission: ACCEPTED, DENIED or NOT_ANSWERED."""
        if status == "ACCEPTED" and envelopes.REMINDERS_SCOPE not in self.device.permissions:
            self.device.permissions.append(envelopes.REMINDERS_SCOPE)
        return self.request(envelopes.connections_response(self.device, status, self._now()))

    def request(self, request: Mapping[str, Any], *, in_session: bool = True) -> Reply:
        """Any other request (Connections.Response, APL UserEvent, skill events)."""
        if not in_session:
            body = envelopes.envelope(self.device, request, session_id=None)
            reply = Reply(body, self.transport(body))
            self.history.append(reply)
            return reply
        new = not self.session_open
        if new:
            self._start_session()
        return self._send(request, new=new)

    # -- plumbing ---------------------------------------------------------------------------

    def _start_session(self) -> None:
        self.session_id = envelopes.new_session_id()
        self.attributes = {}

    def _send(
        self, request: Mapping[str, Any], *, new: bool = False, interpretation: Interpretation | None = None
    ) -> Reply:
        body = envelopes.envelope(self.device, request, session_id=self.session_id, new=new, attributes=self.attributes)
        reply = Reply(body, self.transport(body), interpretation)
        self.history.append(reply)
        if request.get("type") == "SessionEndedRequest" or reply.ends_session:
            self.session_id = None
            self.attributes = {}
        else:
            self.attributes = reply.session_attributes
        asking = reply.pin_connection
        if asking is not None:
            # Alexa asks the person for their PIN and resumes the session with the outcome.
            resumed = envelopes.session_resumed(self.device, str(asking.get("token", "")), self.device.pin, self._now())
            # The answer is the resumed one; what was asked stays the person's request.
            answered = self._send(resumed)
            return replace(answered, request=reply.request, interpretation=interpretation, asked_pin=reply)
        return reply

    def _invocation(self, utterance: str) -> tuple[str, str]:
        """("launch" | "one_shot" | "in_session", the rest of the sentence)."""
        assert self.resolver is not None
        name = re.escape(self.resolver.invocation_name)
        text = " ".join(re.sub(r"^\s*alexa[,.!]?\s*", "", utterance.strip(), flags=re.IGNORECASE).split())
        if re.fullmatch(
            rf"(?:open|launch|start|begin|load|run|play|use)\s+(?:the\s+)?{name}(?:\s+skill)?[.!]?", text, re.IGNORECASE
        ):
            return "launch", ""
        match = re.fullmatch(
            rf"(?:ask|tell)\s+{name}\s+(?:to\s+|for\s+|about\s+|that\s+|if\s+|whether\s+)?(.+)", text, re.IGNORECASE
        )
        if match:
            return "one_shot", match.group(1)
        match = re.fullmatch(rf"(.+?)\s+(?:with|using|on|from)\s+{name}[.!?]?", text, re.IGNORECASE)
        if match:
            return "one_shot", match.group(1)
        return "in_session", utterance
