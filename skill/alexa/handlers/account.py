"""The clinic profile's gate: the voice PIN before a person's records are opened.

A linked, recognised person's records (their stage, pain scores, plan, progress) are
opened only once Alexa has confirmed their voice PIN in this session. Their first request
that is not a symptom, help or goodbye hands control to Alexa to ask for it
(``skill.alexa.pin``); once it is confirmed, that request is answered as if just asked
(``Turn`` puts it back). These handlers answer the other outcomes.
"""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput

from skill.alexa import pin
from skill.alexa.handlers.base import Handler, request_type
from skill.alexa.turn import Turn, turn_of
from skill.domain.output import Output, Say, ask
from skill.domain.profile import NEEDS_PIN

# Answered without the PIN: they open no records.
NO_PIN_NEEDED = frozenset(
    {"AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent", "AMAZON.HelpIntent"}
)


def _needs_pin(hi: HandlerInput) -> bool:
    turn = turn_of(hi)
    if not turn.deps.profile.links_accounts:
        return False
    if getattr(turn.request, "object_type", None) not in ("LaunchRequest", "IntentRequest"):
        return False
    return turn.intent_name not in NO_PIN_NEEDED and turn.access.needs == NEEDS_PIN


class PinNeededHandler(Handler):
    """A recognised person's first request that would open their records: Alexa asks for
    the PIN, and the request waits for it."""

    when = _needs_pin

    def answer(self, turn: Turn) -> Output:
        turn.wait_for_pin()
        return Output(speech=(Say.of("pin.ask"),), hand_off=True, directives=(pin.directive(),))


class PinOutcomeHandler(Handler):
    """Alexa resumed the session after asking for the PIN, and no request was waiting for
    it (confirmed), or it could not be confirmed: the person is coached keeping nothing."""

    when = request_type("SessionResumedRequest")

    def answer(self, turn: Turn) -> Output:
        outcome = pin.outcome(turn.request) or pin.FAILED  # a resumption of nothing we started
        said = Say.of(
            "pin.open"
            if outcome == pin.ACHIEVED
            else "pin.not_achieved"
            if outcome == pin.NOT_ACHIEVED
            else "pin.not_enabled"
            if outcome == pin.NOT_ENABLED
            else "pin.failed"
        )
        return ask(said, reprompt=Say.of("pin.what_now"))
