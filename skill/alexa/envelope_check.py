"""What an Alexa request envelope must hold before the SDK parses it (the web service and
Lambda alike): a malformed or hostile event gets one clear refusal, not a traceback from
deep inside the SDK ("application" missing, session attributes nested 900 deep)."""

from __future__ import annotations

from typing import Any

# Session attributes are the skill's own small record; nothing it writes nests this deep.
MAX_DEPTH = 32


def envelope_problem(data: Any) -> str | None:
    """Why a parsed JSON document cannot be an Alexa request envelope, or ``None`` if it can."""
    if not isinstance(data, dict):
        return "body is not a JSON object"
    request_part = data.get("request")
    if not isinstance(request_part, dict) or not isinstance(request_part.get("type"), str):
        return "envelope has no request type"
    if not isinstance(request_part.get("requestId"), str) or not isinstance(request_part.get("timestamp"), str):
        return "envelope request lacks an id or timestamp"
    system = (data.get("context") or {}).get("System") if isinstance(data.get("context"), dict) else None
    if not isinstance(system, dict):
        return "envelope has no context.System"
    application = system.get("application")
    if not isinstance(application, dict) or not isinstance(application.get("applicationId"), str):
        return "envelope has no application id"
    user = system.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("userId"), str):
        return "envelope has no user id"
    session = data.get("session")
    if session is not None and not isinstance(session, dict):
        return "envelope session is not an object"
    if isinstance(session, dict) and session.get("attributes") is not None:
        if not isinstance(session.get("attributes"), dict):
            return "session attributes are not an object"
        if _depth(session["attributes"], MAX_DEPTH) > MAX_DEPTH:
            return "session attributes nest too deep"
    return None


def _depth(value: Any, limit: int) -> int:
    """How deep ``value`` nests, counting no further than ``limit`` (iteratively: a hostile
    document must not exhaust the stack that measures it)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return deepest


def without_user_agent(response: Any) -> Any:
    """A serialized response envelope without the SDK's ``userAgent`` (it names the SDK, the
    Python version and the platform: nothing Alexa needs, something a prober may use)."""
    if isinstance(response, dict):
        response.pop("userAgent", None)
    return response
