"""Voice PIN confirmation (clinic profile): Alexa asks the person for their profile PIN.

Amazon's rule for HIPAA-eligible skills: before any health information is said, the
recognised person confirms their PIN (the mandatory flow). The skill hands control to
Alexa with a skill connection (``Connections.StartConnection`` to ``AMAZON.VerifyPerson``,
policy ``VOICE_PIN``); Alexa asks for the PIN and gives control back with a
``SessionResumedRequest`` whose ``cause.result.status`` is ``ACHIEVED``, ``NOT_ACHIEVED``
(wrong PIN) or ``NOT_ENABLED`` (the person has no PIN, or personalization is off); a
``cause.status.code`` other than 200 means the connection itself failed.

The request that needed the PIN is kept in the session (as the SDK serializes it) and,
once the PIN is confirmed, put back in the resumed request's place, so it is answered as
if just asked (``Turn``). Nothing here speaks; ``skill.alexa.handlers.account`` does.
"""

from __future__ import annotations

import json
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import Request

URI = "connection://AMAZON.VerifyPerson/2"
TOKEN = "spine-coach-pin"  # comes back in the SessionResumedRequest as it was sent
ACHIEVED, NOT_ACHIEVED, NOT_ENABLED, FAILED = "ACHIEVED", "NOT_ACHIEVED", "NOT_ENABLED", "FAILED"
_SERIALIZER = DefaultSerializer()


def directive() -> dict[str, Any]:
    """The skill connection that asks Alexa to confirm the speaker's PIN."""
    return {
        "type": "Connections.StartConnection",
        "uri": URI,
        "input": {
            "requestedAuthenticationConfidenceLevel": {"level": 400, "customPolicy": {"policyName": "VOICE_PIN"}}
        },
        "token": TOKEN,
        "onCompletion": "RESUME_SESSION",
    }


def outcome(request: Any) -> str | None:
    """``ACHIEVED``, ``NOT_ACHIEVED``, ``NOT_ENABLED`` or ``FAILED`` for the resumed request
    of our PIN connection; None for any other request."""
    if getattr(request, "object_type", None) != "SessionResumedRequest":
        return None
    cause = getattr(request, "cause", None)
    if getattr(cause, "token", None) != TOKEN:
        return None
    code = str(getattr(getattr(cause, "status", None), "code", "") or "")
    result = getattr(cause, "result", None)
    status = result.get("status") if isinstance(result, dict) else None
    if code != "200" or status not in (ACHIEVED, NOT_ACHIEVED, NOT_ENABLED):
        return FAILED
    return str(status)


def waiting(request: Any) -> dict[str, Any] | None:
    """``request`` as the session keeps it while the PIN is asked (launch and intents only)."""
    if getattr(request, "object_type", None) not in ("LaunchRequest", "IntentRequest"):
        return None
    kept: Any = _SERIALIZER.serialize(request)
    return kept if isinstance(kept, dict) else None


def restored(kept: dict[str, Any], resumed: Any) -> Any:
    """The request that waited for the PIN, as if it came now (the resumed request's id,
    time and locale); None when what was kept is not a request."""
    fresh = {
        **kept,
        "requestId": getattr(resumed, "request_id", None) or kept.get("requestId"),
        "locale": getattr(resumed, "locale", None) or kept.get("locale"),
    }
    stamp = getattr(resumed, "timestamp", None)
    if stamp is not None:
        fresh["timestamp"] = stamp.isoformat() if hasattr(stamp, "isoformat") else stamp
    try:
        return _SERIALIZER.deserialize(json.dumps(fresh, default=str), Request)
    except Exception:  # damaged session attributes: answer the resumed request itself
        return None
