"""Request logging without personal or health data.

Logged: request type, intent name, whether the session stays open, and time taken.
Never logged: user or device ids, slot values, free text, pain scores, dates of surgery.

``getLogger`` gives a ``Logger`` that imports ``logging`` on first need, not at a cold start
(``logging`` and what it brings cost about 15 M instructions of a Lambda launch; the
hello-world floor does not import it). Until some module imports ``logging``, nothing can have
installed a handler or a filter, so an INFO record would only reach ``logging.lastResort``,
which drops everything below WARNING: ``info`` drops it likewise, without importing it. Once
``logging`` is loaded (the Lambda runtime, the web service, a test's ``caplog``), every
record goes through the real logger of the same name, as before.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

if TYPE_CHECKING:
    import logging

# Levels set before ``logging`` was imported, applied when it is (logger name -> level).
_LEVELS: dict[str, int] = {}
_LOGGERS: dict[str, Logger] = {}


class Logger:
    """The ``logging.Logger`` called ``name``, made when a record may be emitted."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._real: logging.Logger | None = None

    def setLevel(self, level: int) -> None:
        if "logging" in sys.modules:
            self._logger().setLevel(level)
        else:
            _LEVELS[self.name] = level

    def info(self, message: str, *args: object) -> None:
        if self._real is None and "logging" not in sys.modules:
            return  # no handler can exist yet: logging.lastResort would drop it (below WARNING)
        self._logger().info(message, *args)

    def warning(self, message: str, *args: object) -> None:
        self._logger().warning(message, *args)

    def error(self, message: str, *args: object) -> None:
        self._logger().error(message, *args)

    def _logger(self) -> logging.Logger:
        if self._real is None:
            import logging

            for name, level in list(_LEVELS.items()):
                logging.getLogger(name).setLevel(level)
                del _LEVELS[name]
            self._real = logging.getLogger(self.name)
        return self._real


def getLogger(name: str) -> Logger:
    """One ``Logger`` per name, like ``logging.getLogger``."""
    logger = _LOGGERS.get(name)
    if logger is None:
        logger = _LOGGERS[name] = Logger(name)
    return logger


log = getLogger("spine_coach")
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
