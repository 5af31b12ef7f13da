"""Predicates and the base class shared by every handler.

A predicate may carry ``keys``: the requests it can possibly match, as
``"<request type>:<intent name>"`` or ``"<request type>:*"``. ``Router`` uses them to ask
only the handlers that could answer a request, in their order; a predicate without keys
(``pending``, ``in_workout``) is asked about every request, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill.alexa.turn import Turn, turn_of
from skill.domain.output import Output

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

    return _with_keys(check, frozenset(f"IntentRequest:{n}" for n in names))


def request_type(name: str) -> Predicate:
    return _with_keys(is_request_type(name), frozenset({f"{name}:*"}))


def keys_of(predicate: Predicate) -> frozenset[str] | None:
    """The requests ``predicate`` can match (see the module's docstring); ``None``: any."""
    keys: frozenset[str] | None = getattr(predicate, "keys", None)
    return keys


def _with_keys(predicate: Predicate, keys: frozenset[str] | None) -> Predicate:
    def check(hi: HandlerInput) -> bool:
        return predicate(hi)

    check.keys = keys  # type: ignore[attr-defined]
    return check


def pending(*kinds: str) -> Predicate:
    """True when the skill's last question was of one of these kinds."""

    def check(hi: HandlerInput) -> bool:
        question = turn_of(hi).session.pending
        return question is not None and question.kind in kinds

    return check


def any_request() -> Predicate:
    return lambda hi: True


def all_of(*predicates: Predicate) -> Predicate:
    # All must match, so the first that knows its requests bounds the whole.
    keys = next((k for k in map(keys_of, predicates) if k is not None), None)
    return _with_keys(lambda hi: all(p(hi) for p in predicates), keys)


def any_of(*predicates: Predicate) -> Predicate:
    each = [keys_of(p) for p in predicates]
    keys = None if any(k is None for k in each) else frozenset().union(*(k for k in each if k is not None))
    return _with_keys(lambda hi: any(p(hi) for p in predicates), keys)


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


_CHOSEN = "spine_coach.handler"


class Router(AbstractRequestHandler):  # type: ignore[misc]
    """The handlers, in order, behind one SDK handler: the first whose ``can_handle`` is
    true answers, as if each were registered with the SDK, but only the handlers whose
    predicate could match this kind of request are asked (the SDK would ask all ~50)."""

    def __init__(self, handlers: list[AbstractRequestHandler]) -> None:
        self.handlers = handlers
        self._candidates: dict[tuple[str, str], list[AbstractRequestHandler]] = {}

    def _for(self, request_type: str, intent_name: str) -> list[AbstractRequestHandler]:
        found = self._candidates.get((request_type, intent_name))
        if found is None:
            wanted = {f"{request_type}:*", f"{request_type}:{intent_name}"}
            found = []
            for handler in self.handlers:
                when = getattr(type(handler), "when", None)
                keys = keys_of(when) if isinstance(handler, Handler) and when is not None else None
                if keys is None or not wanted.isdisjoint(keys):
                    found.append(handler)
            if len(self._candidates) < 512:  # request types times intent names; bounded anyway
                self._candidates[(request_type, intent_name)] = found
        return found

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        request_type = str(getattr(request, "object_type", None))
        intent_name = str(getattr(getattr(request, "intent", None), "name", None))
        for handler in self._for(request_type, intent_name):
            if handler.can_handle(handler_input):
                handler_input.attributes_manager.request_attributes[_CHOSEN] = handler
                return True
        return False

    def handle(self, handler_input: HandlerInput) -> Response:
        handler: AbstractRequestHandler = handler_input.attributes_manager.request_attributes[_CHOSEN]
        return handler.handle(handler_input)
