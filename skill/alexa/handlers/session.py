"""Help, stop, cancel, go home, fallback, and the end of a session."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.alexa import logs
from skill.alexa.handlers.base import Handler, any_request, intent, request_type
from skill.alexa.turn import Turn, turn_of
from skill.domain import welcome
from skill.domain.output import Output

log = logs.getLogger("spine_coach")


class HelpHandler(Handler):
    when = intent("AMAZON.HelpIntent")

    def answer(self, turn: Turn) -> Output:
        return welcome.help_answer(turn.catalog)


class StopHandler(Handler):
    """Stop, cancel and "go home" all leave the skill (certification expects it)."""

    when = intent("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent")

    def answer(self, turn: Turn) -> Output:
        return welcome.goodbye()


class FallbackHandler(Handler):
    when = intent("AMAZON.FallbackIntent")

    def answer(self, turn: Turn) -> Output:
        return welcome.not_understood()


class SessionEndedHandler(Handler):
    """The session closed (user left, silence, error). Nothing may be said; save and log."""

    when = request_type("SessionEndedRequest")

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        reason = getattr(getattr(request, "reason", None), "value", None)
        log.info("session ended: %s", reason)
        return turn_of(handler_input).finish()


class UnhandledIntentHandler(Handler):
    """Any other request type or intent this version does not know: treated as fallback."""

    when = any_request()

    def answer(self, turn: Turn) -> Output:
        return welcome.not_understood()
