"""The last line of defence: any exception becomes a short apology, logged without personal data.

The turn's unsaved changes are rolled back first: what was saved before the request stays
exactly as it was."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_model import Response

from skill.alexa import logs
from skill.alexa.logs import failure
from skill.alexa.turn import TURN_KEY, Deps, Turn
from skill.domain import welcome

log = logs.getLogger("spine_coach")


class ApologyExceptionHandler(AbstractExceptionHandler):  # type: ignore[misc]
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request = handler_input.request_envelope.request
        log.error("request failed: %s (request type %s)", failure(exception), getattr(request, "object_type", "?"))
        # Start a clean response: the failed handler may have half-built one.
        handler_input.response_builder = ResponseFactory()
        turn = handler_input.attributes_manager.request_attributes.get(TURN_KEY)
        if isinstance(turn, Turn):
            turn.rollback()  # the failed handler's half-done changes are not saved
        else:
            turn = Turn(handler_input, self.deps)
        if getattr(request, "object_type", None) == "SessionEndedRequest":
            return turn.finish()
        return turn.respond(welcome.apology())
