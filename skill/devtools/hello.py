"""The floor for benchmarks: a minimal hello-world skill on the same ASK SDK.

One handler answers every request with a short sentence and keeps the session open,
like the smallest useful Alexa skill. ``spine-coach bench`` runs it beside Spine Coach
in the same run, so every number we report is a ratio to what the SDK itself costs.
"""

from __future__ import annotations

import json
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model import RequestEnvelope


class _Hello(AbstractRequestHandler):  # type: ignore[misc]
    def __init__(self, persistent: bool) -> None:
        self.persistent = persistent

    def can_handle(self, handler_input: Any) -> bool:
        return True

    def handle(self, handler_input: Any) -> Any:
        if self.persistent:  # the classic "count the visits" hello world: read and write per turn
            manager = handler_input.attributes_manager
            attributes = manager.persistent_attributes
            attributes["visits"] = int(attributes.get("visits", 0)) + 1
            manager.save_persistent_attributes()
        builder = handler_input.response_builder
        if getattr(handler_input.request_envelope.request, "object_type", None) == "SessionEndedRequest":
            return builder.response
        return builder.speak("Hello from the floor.").ask("Say something.").response


def hello_skill(store: Any = None) -> Any:
    """The floor; with ``store`` it also reads and writes one counter per turn."""
    builder = CustomSkillBuilder(persistence_adapter=store)
    builder.add_request_handler(_Hello(persistent=store is not None))
    return builder.create()


_SERIALIZER = DefaultSerializer()
_SKILL: Any = None


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The hello-world Lambda entry point, shaped like ``lambda/lambda_function.py``."""
    global _SKILL  # noqa: PLW0603 - the floor mirrors the simplest Lambda pattern on purpose
    if _SKILL is None:
        _SKILL = hello_skill()
    request = _SERIALIZER.deserialize(json.dumps(event), RequestEnvelope)
    result: dict[str, Any] = _SERIALIZER.serialize(_SKILL.invoke(request_envelope=request, context=context))
    return result


def create_app() -> Any:
    """The hello-world skill behind the same Flask adapter (for the web benchmark)."""
    from skill.web.compat import oscrypto_openssl3

    oscrypto_openssl3.install()
    from flask import Flask
    from flask_ask_sdk.skill_adapter import VERIFY_SIGNATURE_APP_CONFIG, VERIFY_TIMESTAMP_APP_CONFIG, SkillAdapter

    app = Flask("hello")
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = False
    adapter = SkillAdapter(skill=hello_skill(), skill_id="hello", app=app)
    adapter.register(app=app, route="/")
    app.add_url_rule("/health", "health", lambda: {"status": "ok"})
    return app
