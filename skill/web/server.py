"""``spine-coach serve``: the web service under gunicorn.

Production: gunicorn workers, each building the app after the fork (so every worker has
its own store connections), TLS from ``--certfile``/``--keyfile``, or plain HTTP on a
private address behind a reverse proxy that terminates TLS. ``--dev`` binds 127.0.0.1
only and turns the signature and timestamp checks off, and says so loudly.

Slow clients (issue 30): sync workers each block on one connection, so two clients that
open a request and never finish its body stalled the whole server. The workers are threaded
(``gthread``): a connection that sends nothing waits in the worker's poller, not in a
thread; one that stalls mid-body holds one thread until the app's read deadline
(``WebConfig.read_seconds``) is cut, and so is one that stops in the middle of its request
line or headers (``skill.web.workers``: each read of them waits at most 5 seconds);
kept-alive connections close after 2 seconds. A client that trickles a byte every few
seconds is not cut: a public server belongs behind a reverse proxy that buffers whole
requests (nginx does by default).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from skill.web.app import WebConfig, create_app
from skill.web.workers import deadline_ssl_context

DEV_BANNER = """
************************************************************************
*  DEVELOPMENT MODE: request signature and timestamp checks are OFF.   *
*  Listening on 127.0.0.1 only. Never expose this to the internet.     *
************************************************************************
"""


@dataclass
class ServeOptions:
    host: str = "0.0.0.0"
    port: int = 8443
    workers: int = 2
    threads: int = 32  # per worker: connections served at once (a new one waits up to 5 s for data in a thread)
    certfile: str | None = None
    keyfile: str | None = None
    dev: bool = False
    timeout: int = 10  # Alexa waits about 8 seconds for an answer
    access_log: bool = False


def gunicorn_options(options: ServeOptions) -> dict[str, Any]:
    host = "127.0.0.1" if options.dev else options.host
    settings: dict[str, Any] = {
        "bind": f"{host}:{options.port}",
        "workers": options.workers,
        "worker_class": "skill.web.workers.DeadlineThreadWorker",  # gthread, with a header deadline
        "threads": options.threads,
        "keepalive": 2,
        "timeout": options.timeout,
        "graceful_timeout": options.timeout,
        "preload_app": False,  # each worker builds its own app and store connections
        "accesslog": "-" if options.access_log else None,
        "errorlog": "-",
    }
    if options.certfile or options.keyfile:
        if not (options.certfile and options.keyfile):
            raise ValueError("TLS needs both --certfile and --keyfile")
        settings["certfile"] = options.certfile
        settings["keyfile"] = options.keyfile
        settings["ssl_context"] = deadline_ssl_context  # the handshake has the header deadline
    return settings


def serve(options: ServeOptions) -> int:
    config = WebConfig.from_env(dev=options.dev)
    if options.dev:
        print(DEV_BANNER, file=sys.stderr, flush=True)
    elif not config.skill_id:
        print("SPINE_COACH_SKILL_ID must name your skill id in production (or use --dev).", file=sys.stderr)
        return 2
    run(options, lambda: create_app(config))
    return 0


def run(options: ServeOptions, build: Callable[[], Any]) -> None:
    """gunicorn with ``options``, each worker calling ``build`` for its app after the fork."""
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in gunicorn_options(options).items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            return build()

    Application().run()
