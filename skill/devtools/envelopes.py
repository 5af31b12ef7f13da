"""Request envelopes in the JSON format Alexa sends to a skill.

The console and the tests build real envelopes here (the same shape as
``tests/fixtures/*.json``, recorded in Alexa's format), so the skill is always exercised
through its real entry point: ``RequestEnvelope`` deserialization and ``skill.invoke``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from skill.devtools.nlu import SlotFill

LOCAL_SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-5b1ec0ac4000"
REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"


@dataclass
class Device:
    """Who is talking and on what: the user, the device and what the device supports."""

    user_id: str = "amzn1.ask.account.LOCALCONSOLEUSER"
    device_id: str = "amzn1.ask.device.LOCALCONSOLEDEVICE"
    locale: str = "en-US"
    skill_id: str = LOCAL_SKILL_ID
    api_endpoint: str = "https://api.amazonalexa.com"
    api_access_token: str = "local-console-token"
    permissions: list[str] = field(default_factory=list)
    apl_max_version: str | None = None  # e.g. "2023.3" for an Echo Show
    # Account linking and personalization (the clinic profile): the access token the
    # clinic's provider issued when the account was linked, the voice Alexa recognised, and
    # how that person answers when Alexa asks for their voice PIN (``skill.alexa.pin``).
    access_token: str | None = None
    person_id: str | None = None
    pin: str = "ACHIEVED"

    def session_user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"userId": self.user_id}
        if self.access_token:
            user["accessToken"] = self.access_token
        return user

    def context(self) -> dict[str, Any]:
        interfaces: dict[str, Any] = {}
        if self.apl_max_version:
            interfaces["Alexa.Presentation.APL"] = {"runtime": {"maxVersion": self.apl_max_version}}
        user: dict[str, Any] = self.session_user()
        if self.permissions:
            user["permissions"] = {
                "consentToken": self.api_access_token,
                "scopes": {scope: {"status": "GRANTED"} for scope in self.permissions},
            }
        system = {
            "application": {"applicationId": self.skill_id},
            "user": user,
            "device": {"deviceId": self.device_id, "supportedInterfaces": interfaces},
            "apiEndpoint": self.api_endpoint,
            "apiAccessToken": self.api_access_token,
        }
        if self.person_id:
            system["person"] = {"personId": self.person_id}
        context: dict[str, Any] = {"System": system}
        if self.apl_max_version:
            context["Viewport"] = {
                "experiences": [{"canRotate": False, "canResize": False}],
                "shape": "RECTANGLE",
                "pixelWidth": 1280,
                "pixelHeight": 800,
                "dpi": 160,
            }
        return context


def _timestamp(now: datetime | None) -> str:
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _request_id() -> str:
    return f"amzn1.echo-api.request.{uuid.uuid4()}"


def new_session_id() -> str:
    return f"amzn1.echo-api.session.{uuid.uuid4()}"


def envelope(
    device: Device,
    request: Mapping[str, Any],
    *,
    session_id: str | None,
    new: bool = False,
    attributes: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A full envelope around ``request``; ``session_id=None`` for out-of-session events."""
    body: dict[str, Any] = {"version": "1.0", "context": device.context(), "request": dict(request)}
    if session_id is not None:
        body["session"] = {
            "new": new,
            "sessionId": session_id,
            "application": {"applicationId": device.skill_id},
            "attributes": dict(attributes or {}),
            "user": device.session_user(),
        }
    return body


def launch_request(device: Device, now: datetime | None = None) -> dict[str, Any]:
    return {
        "type": "LaunchRequest",
        "requestId": _request_id(),
        "timestamp": _timestamp(now),
        "locale": device.locale,
        "shouldLinkResultBeReturned": False,
    }


def intent_request(
    device: Device, intent: str, slots: Mapping[str, SlotFill] | None = None, now: datetime | None = None
) -> dict[str, Any]:
    return {
        "type": "IntentRequest",
        "requestId": _request_id(),
        "timestamp": _timestamp(now),
        "locale": device.locale,
        "dialogState": "COMPLETED",
        "intent": {
            "name": intent,
            "confirmationStatus": "NONE",
            "slots": {name: slot_json(fill, device.skill_id) for name, fill in (slots or {}).items()},
        },
    }


def slot_json(fill: SlotFill, skill_id: str) -> dict[str, Any]:
    """One slot as Alexa sends it, with entity resolution for custom types."""
    slot: dict[str, Any] = {"name": fill.name, "value": fill.value, "confirmationStatus": "NONE", "source": "USER"}
    if fill.slot_type and not fill.slot_type.startswith("AMAZON."):
        authority = f"amzn1.er-authority.echo-sdk.{skill_id}.{fill.slot_type}"
        if fill.resolved_id is not None:
            slot["resolutions"] = {
                "resolutionsPerAuthority": [
                    {
                        "authority": authority,
                        "status": {"code": "ER_SUCCESS_MATCH"},
                        "values": [{"value": {"name": fill.resolved_name, "id": fill.resolved_id}}],
                    }
                ]
            }
        else:
            slot["resolutions"] = {
                "resolutionsPerAuthority": [
                    {
                        "authority": authority,
                        "status": {"code": "ER_SUCCESS_NO_MATCH"},
                    }
                ]
            }
    return slot


def session_ended_request(
    device: Device, reason: str = "USER_INITIATED", now: datetime | None = None
) -> dict[str, Any]:
    """``reason``: USER_INITIATED, EXCEEDED_MAX_REPROMPTS or ERROR."""
    request: dict[str, Any] = {
        "type": "SessionEndedRequest",
        "requestId": _request_id(),
        "timestamp": _timestamp(now),
        "locale": device.locale,
        "reason": reason,
    }
    if reason == "ERROR":
        request["error"] = {"type": "INTERNAL_SERVICE_ERROR", "message": "simulated"}
    return request


def connections_response(
    device: Device, status: str, now: datetime | None = None, name: str = "AskFor"
) -> dict[str, Any]:
    """The answer to an AskFor permission request: ACCEPTED, DENIED or NOT_ANSWERED."""
    return {
        "type": "Connections.Response",
        "requestId": _request_id(),
        "timestamp": _timestamp(now),
        "locale": device.locale,
        "status": {"code": "200", "message": "OK"},
        "name": name,
        "payload": {"permissionScope": REMINDERS_SCOPE, "status": status},
        "token": "",
    }


def session_resumed(device: Device, token: str, outcome: str, now: datetime | None = None) -> dict[str, Any]:
    """Alexa gives control back after a skill connection it ran (the PIN: ``outcome`` is
    ACHIEVED, NOT_ACHIEVED or NOT_ENABLED; FAILED stands for a connection that failed)."""
    cause: dict[str, Any] = {"type": "ConnectionCompleted", "token": token}
    if outcome == "FAILED":
        cause |= {"status": {"code": "500", "message": "Internal error"}, "result": {"version": "2"}}
    else:
        cause |= {"status": {"code": "200", "message": "OK"}, "result": {"version": "2", "status": outcome}}
    return {
        "type": "SessionResumedRequest",
        "requestId": _request_id(),
        "timestamp": _timestamp(now),
        "locale": device.locale,
        "cause": cause,
    }


def user_event(device: Device, arguments: list[Any], token: str, now: datetime | None = None) -> dict[str, Any]:
    """A touch on an APL screen (``SendEvent``)."""
    return {
        "type": "Alexa.Presentation.APL.UserEvent",
        "requestId": _request_id(),
        "timestamp": _timestamp(now),
        "locale": device.locale,
        "token": token,
        "arguments": arguments,
        "source": {"type": "TouchWrapper", "handler": "Press", "id": "", "value": False},
    }


def skill_disabled_event(device: Device, now: datetime | None = None) -> dict[str, Any]:
    return {
        "type": "AlexaSkillEvent.SkillDisabled",
        "requestId": _request_id(),
        "timestamp": _timestamp(now),
        "locale": device.locale,
        "eventCreationTime": _timestamp(now),
        "eventPublishingTime": _timestamp(now),
        "body": {"userInformationPersistenceStatus": "NOT_PERSISTED"},
    }
