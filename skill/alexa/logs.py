"""Request logging without personal or health data.

Logged: request type, intent name, whether the session stays open, and time taken.
Never logged: user or device ids, slot values, free text, pain scores, dates of surgery.
"""

from __future__ import annotations

import logging
import time

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

log = logging.getLogger("spine_coach")
_START = "spine_coach.started"


class StartTimer(AbstractRequestInterceptor):  # type: ignore[misc]
    def process(self, handler_input: HandlerInput) -> None:
        handler_input.attributes_manager.request_attributes[_START] = time.perf_counter()


class LogRequest(AbstractResponseInterceptor):  # type: ignore[misc]
    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        request = handler_input.request_envelope.request
        started = handler_input.attributes_manager.request_attributes.get(_START, time.perf_counter())
        intent = getattr(getattr(request, "intent", None), "name", None)
        ends = getattr(response, "should_end_session", None)
        elapsed = (time.perf_counter() - started) * 1000
        log.info("%s %s end_session=%s %.1fms", getattr(request, "object_type", "?"), intent or "-", ends, elapsed)


def failure(exc: BaseException) -> str:
    """ "KeyError at speech.py:68": an exception's type and where it was raised, never its
    message, which can carry the user's words."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f" at {tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}" if tb else ""
    return f"{type(exc).__name__}{where}"
