"""AWS Lambda entry point: the same ``build_skill`` as the console and the web service.

Settings (environment):

- ``SPINE_COACH_SKILL_ID``: the skill id; requests for any other skill are refused. The
  function refuses every request while it is unset, unless
  ``SPINE_COACH_ALLOW_ANY_SKILL=1`` says this is a development deployment that may answer
  any skill (never set it for a published skill).
- ``SPINE_COACH_STORE``: a store URL (``dynamodb://table?region=...`` or ``sqlite:///...``);
  if unset, DynamoDB table ``SPINE_COACH_DYNAMODB_TABLE`` (default ``spine-coach``) in
  ``AWS_REGION``, at ``SPINE_COACH_DYNAMODB_ENDPOINT`` if set (a local emulator), with history in
  ``SPINE_COACH_HISTORY_TABLE`` (default: the table's name and ``-history``);
- ``SPINE_COACH_HISTORY_RETENTION_DAYS``: days after which each history item expires by
  DynamoDB's TTL (unset or 0: kept until the user deletes it).

On Lambda there is no signature check (Alexa invokes the function directly); the skill-id
check stays. The skill is built on the first request and reused while the container lives.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from skill.alexa import dataclass_cache

# Before any module that declares dataclasses: their methods' code comes compiled.
dataclass_cache.install()

from ask_sdk_model import RequestEnvelope  # noqa: E402

from skill.alexa import logs  # noqa: E402
from skill.alexa.serializer import FastSerializer  # noqa: E402

log = logs.getLogger("spine_coach")  # imports logging when a record may be emitted, not at a cold start
log.setLevel(20)  # logging.INFO

_SERIALIZER = FastSerializer()


class RefusedRequest(Exception):
    """An event this function must not answer (Lambda reports it as a failed invocation)."""


def _skill_id() -> str | None:
    """The configured skill id; refuses to run without one unless development allows any."""
    skill_id = os.environ.get("SPINE_COACH_SKILL_ID") or None
    if skill_id is None and os.environ.get("SPINE_COACH_ALLOW_ANY_SKILL") != "1":
        log.error("refused: SPINE_COACH_SKILL_ID is not set (SPINE_COACH_ALLOW_ANY_SKILL=1 allows any skill)")
        raise RefusedRequest("SPINE_COACH_SKILL_ID is not set")
    return skill_id


def _store() -> Any:
    from skill.store import open_store

    url = os.environ.get("SPINE_COACH_STORE")
    if url:
        return open_store(url)
    from skill.store.dynamodb import dynamodb_store
    from skill.store.tables import HISTORY_TABLE_ENV

    return dynamodb_store(
        table=os.environ.get("SPINE_COACH_DYNAMODB_TABLE", "spine-coach"),
        region=os.environ.get("AWS_REGION"),
        endpoint=os.environ.get("SPINE_COACH_DYNAMODB_ENDPOINT") or None,
        history_table=os.environ.get(HISTORY_TABLE_ENV) or None,
        retention_days=_retention_days(),
    )


def _retention_days() -> int | None:
    """``SPINE_COACH_HISTORY_RETENTION_DAYS``; a value that is no whole number of days is
    refused (a typo must not keep health history for ever)."""
    text = os.environ.get("SPINE_COACH_HISTORY_RETENTION_DAYS", "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise RefusedRequest(f"SPINE_COACH_HISTORY_RETENTION_DAYS is not a number of days: {text!r}")
    return int(text) or None


@functools.cache
def skill() -> Any:
    """Built on the first request, then reused while the container lives."""
    from skill.alexa.api_client import TimeoutApiClient
    from skill.alexa.factory import build_skill

    return build_skill(store=_store(), api_client=TimeoutApiClient(), skill_id=_skill_id())


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Alexa's request envelope in, the response envelope out. Events for another skill, or
    any event while no skill id is configured, raise ``RefusedRequest``, decided from the raw
    event before anything parses it; a malformed event gets the apology and one log line."""
    from skill.alexa.envelope_check import envelope_problem, without_user_agent

    skill_id = _skill_id()
    if skill_id is not None and _application_id(event) != skill_id:
        log.error("refused: request for another skill")
        raise RefusedRequest("request for another skill")
    problem = envelope_problem(event)
    request = None
    if problem is None:
        try:
            # The event as parsed by the runtime, with no JSON text round trip: the parser
            # builds new objects and nothing changes the event (attributes are deep-copied).
            request = _SERIALIZER.deserialize_dict(event, RequestEnvelope)
        except Exception:
            problem = "event does not match Alexa's request format"
    if request is None:
        from skill.alexa.apology import apology_envelope

        log.error("event refused: %s", problem)
        request_part = event.get("request") if isinstance(event, dict) else None
        locale = request_part.get("locale") if isinstance(request_part, dict) else None
        return apology_envelope(locale if isinstance(locale, str) else None)
    response = skill().invoke(request_envelope=request, context=context)
    result: dict[str, Any] = without_user_agent(_SERIALIZER.serialize(response))
    return result


def _application_id(event: Any) -> str | None:
    """``context.System.application.applicationId`` (or the session's copy), if present."""
    for path in (("context", "System", "application", "applicationId"), ("session", "application", "applicationId")):
        node = event
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, str):
            return node
    return None
