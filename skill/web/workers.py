"""gunicorn's threaded worker with a deadline on each request's line and headers (issue 30).

gunicorn's ``gthread`` worker waits up to 5 seconds for a new connection's first bytes, then
reads the TLS handshake, the request line and the headers with no timeout: a client that
sends half of them and stops holds a thread for good (64 such clients fill two workers).
Here every read of them waits at most ``HEADER_SECONDS``; a client that stalls is cut (its socket shut, so gunicorn's
graceful close, which lingers on the worker's main thread for a client that never closes,
returns at once) and the thread is free. The body has the app's own deadline
(``skill.web.app``). A client that trickles one byte every few seconds is not cut by this: a
reverse proxy that buffers whole requests is still the answer on the public internet.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

HEADER_SECONDS = 5.0


def cut(sock: socket.socket) -> None:
    """Cut a connection whose client stalled: gunicorn's graceful close would linger up to
    two seconds on the worker's main thread for a client that never closes (one such client
    after another delays every new connection); a shut socket closes at once."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


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
            cut(self._conn.sock)
            raise StopIteration from None  # gunicorn closes the connection without a traceback

    def __getattr__(self, name: str) -> Any:  # unreader, finish_body...: the parser's own
        return getattr(self._parser, name)


class DeadlineThreadWorker(ThreadWorker):  # type: ignore[misc]
    """``gthread`` whose connections read their headers under ``HEADER_SECONDS``."""

    def handle(self, conn: Any) -> Any:
        if not getattr(conn, "_deadlined", False):
            init = conn.init

            def init_then_deadline() -> None:
                # The TLS handshake inside init has the same deadline (``deadline_ssl_context``).
                try:
                    init()
                except TimeoutError:
                    cut(conn.sock)
                    raise StopIteration from None
                if conn.parser is not None and not isinstance(conn.parser, _Deadlined):
                    conn.parser = _Deadlined(conn.parser, conn)

            conn.init = init_then_deadline
            conn._deadlined = True
        return super().handle(conn)


def deadline_ssl_context(config: Any, default_ssl_context_factory: Any) -> ssl.SSLContext:
    """gunicorn's ``ssl_context`` hook: its own context, whose sockets start their TLS
    handshake under ``HEADER_SECONDS`` (gunicorn sets the socket blocking, then wraps it and
    completes the handshake with no timeout: one byte and silence held a thread for good)."""
    context = default_ssl_context_factory()
    context.__class__ = _DeadlineContext
    return context  # type: ignore[no-any-return]


class _DeadlineContext(ssl.SSLContext):
    def wrap_socket(self, sock: socket.socket, *args: Any, **kwargs: Any) -> ssl.SSLSocket:
        sock.settimeout(HEADER_SECONDS)  # the wrapped socket keeps it
        return super().wrap_socket(sock, *args, **kwargs)
