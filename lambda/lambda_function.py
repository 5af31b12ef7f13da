"""AWS Lambda entry point: the same ``build_skill`` as the console and the web service.

Settings (environment):

- ``SPINE_COACH_SKILL_ID``: the skill id; requests for any other skill are refused.
- ``SPINE_COACH_STORE``: a store URL (``dynamodb://table?region=...`` or ``sqlite:///...``);
  if unset, DynamoDB table ``SPINE_COACH_DYNAMODB_TABLE`` (default ``spine-coach``) in
  ``AWS_REGION``, at ``SPINE_COACH_DYNAMODB_ENDPOINT`` if set (a local emulator), with history in
  ``SPINE_COACH_HISTORY_TABLE`` (default: the table's name and ``-history``).

On Lambda there is no signature check (Alexa invokes the function directly); the skill-id
check stays. The skill is built on the first request and reused while the container lives.
"""

from __future__ import annotations

import functools
import logging
import os
from typing import Any

from skill import dataclass_cache

# Before any module that declares dataclasses: their methods' code comes compiled.
dataclass_cache.install()

from ask_sdk_model import RequestEnvelope  # noqa: E402

from skill.serializer import FastSerializer  # noqa: E402

logging.getLogger("spine_coach").setLevel(logging.INFO)

_SERIALIZER = FastSerializer()


def _store() -> Any:
    from skill.store import open_store
    from skill.store.dynamodb import dynamodb_store
    from skill.store.tables import HISTORY_TABLE_ENV

    url = os.environ.get("SPINE_COACH_STORE")
    if url:
        return open_store(url)
    return dynamodb_store(
        table=os.environ.get("SPINE_COACH_DYNAMODB_TABLE", "spine-coach"),
        region=os.environ.get("AWS_REGION"),
        endpoint=os.environ.get("SPINE_COACH_DYNAMODB_ENDPOINT") or None,
        history_table=os.environ.get(HISTORY_TABLE_ENV) or None,
    )


@functools.cache
def skill() -> Any:
    """Built on the first request, then reused while the container lives."""
    from skill.api_client import TimeoutApiClient
    from skill.factory import build_skill

    return build_skill(
        store=_store(), api_client=TimeoutApiClient(), skill_id=os.environ.get("SPINE_COACH_SKILL_ID") or None
    )


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Alexa's request envelope in, the response envelope out."""
    try:
        # The event as parsed by the runtime, with no JSON text round trip: the parser builds
        # new objects and nothing changes the event (session attributes are deep-copied).
        request = _SERIALIZER.deserialize_dict(event, RequestEnvelope)
    except Exception:
        from skill.apology import apology_envelope

        logging.getLogger("spine_coach").error("event is not an Alexa request envelope")
        request_part = event.get("request") if isinstance(event, dict) else None
        return apology_envelope(request_part.get("locale") if isinstance(request_part, dict) else None)
    response = skill().invoke(request_envelope=request, context=context)
    result: dict[str, Any] = _SERIALIZER.serialize(response)
    return result
