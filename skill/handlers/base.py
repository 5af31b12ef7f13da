"""Predicates and the base class shared by every handler."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill.output import Output
from skill.turn import Turn, turn_of

Predicate = Callable[[HandlerInput], bool]


def intent(*names: str) -> Predicate:
    """True for an IntentRequest naming any of ``names`` (a request with a damaged or
    missing intent matches nothing, rather than failing)."""
    wanted = frozenset(names)

    def check(hi: HandlerInput) -> bool:
        request = hi.request_envelope.request
        if getattr(request, "object_type", None) != "IntentRequest":
            return False
        return getattr(getattr(request, "intent", None), "name", None) in wanted

    return check


def request_type(name: str) -> Predicate:
    check: Predicate = is_request_type(name)
    return check


def pending(kind: str) -> Predicate:
    """True when the skill's last question was of this kind."""

    def check(hi: HandlerInput) -> bool:
        question = turn_of(hi).session.pending
        return question is not None and question.kind == kind

    return check


def any_request() -> Predicate:
    return lambda hi: True


def all_of(*predicates: Predicate) -> Predicate:
    return lambda hi: all(p(hi) for p in predicates)


def any_of(*predicates: Predicate) -> Predicate:
    return lambda hi: any(p(hi) for p in predicates)


class Handler(AbstractRequestHandler):  # type: ignore[misc]
    """A handler declared by a predicate and an ``answer`` that returns neutral output."""

    when: ClassVar[Predicate]

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return type(self).when(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        return turn.respond(self.answer(turn))

    def answer(self, turn: Turn) -> Output:
        raise NotImplementedError
