"""gunicorn's threaded worker with a deadline on each request's line and headers (issue 30).

gunicorn's ``gthread`` worker waits up to 5 seconds for a new connection's first bytes, then
reads the request line and headers with no timeout: a client that sends half its headers and
stops holds a thread for good (64 such clients fill two workers). Here every read of them
waits at most ``HEADER_SECONDS``; a client that stalls is cut (its socket shut, so gunicorn's
graceful close, which lingers on the worker's main thread for a client that never closes,
returns at once) and the thread is free. The body has the app's own deadline
(``skill.web.app``). A client that trickles one byte every few seconds is not cut by this: a
reverse proxy that buffers whole requests is still the answer on the public internet.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

HEADER_SECONDS = 5.0


class _Deadlined:
    """A connection's request parser whose reads of the request line and headers time out."""

    def __init__(self, parser: Any, conn: Any) -> None:
        self._parser = parser
        self._conn = conn

    def __iter__(self) -> _Deadlined:
        return self

    def __next__(self) -> Any:
        self._conn.sock.settimeout(HEADER_SECONDS)
        try:
            return next(self._parser)
        except TimeoutError:
            with contextlib.suppress(OSError):
                self._conn.sock.shutdown(socket.SHUT_RDWR)
            raise StopIteration from None  # gunicorn closes the connection without a traceback

    def __getattr__(self, name: str) -> Any:  # unreader, finish_body...: the parser's own
        return getattr(self._parser, name)


class DeadlineThreadWorker(ThreadWorker):  # type: ignore[misc]
    """``gthread`` whose connections read their headers under ``HEADER_SECONDS``."""

    def handle(self, conn: Any) -> Any:
        if not getattr(conn, "_deadlined", False):
            init = conn.init

            def init_then_deadline() -> None:
                init()
                if conn.parser is not None and not isinstance(conn.parser, _Deadlined):
                    conn.parser = _Deadlined(conn.parser, conn)

            conn.init = init_then_deadline
            conn._deadlined = True
        return super().handle(conn)
