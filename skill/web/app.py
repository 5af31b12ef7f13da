"""The self-hosted HTTPS web service: Flask, flask-ask-sdk's ``SkillAdapter``, verification.

``create_app(config)`` builds the Flask app around the same ``build_skill`` the console
and Lambda use. Every request passes the checks in this order, and the first failure
answers at once: the body, whole within the read deadline (a stalled one is cut) and within
the size limit (413, with or without Content-Length); then, on the raw bytes before anything
parses them, the signature headers, the certificate URL and the signature (400), where a
chain not yet cached is downloaded only after the timestamp and skill id, read from the JSON
alone, pass; then that the body is a UTF-8 JSON envelope the SDK can read, and the timestamp
and skill id verifiers on it (400). A refused request leaves one log line with the reason
and no traceback; it never reaches the skill. Only then does the ``SkillAdapter`` dispatch
it. If the skill itself fails outside its handlers, the caller gets a valid spoken apology
rather than a 500 or a stack trace.

Importing this module has no side effects; ``create_app`` installs the oscrypto import
fix before flask-ask-sdk is imported.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask, Response, jsonify, request

from skill.alexa.apology import apology_envelope
from skill.alexa.envelope_check import envelope_problem, without_user_agent
from skill.domain.clock import system_clock

log = logging.getLogger("spine_coach.web")

MAX_BODY_BYTES = 128 * 1024  # Alexa's requests are a few kilobytes


@dataclass
class WebConfig:
    """How the web service is built. ``from_env`` reads the ``SPINE_COACH_*`` settings."""

    skill_id: str | None = None
    store_url: str | None = None
    dev: bool = False  # no signature or timestamp checks; loopback only
    max_body_bytes: int = MAX_BODY_BYTES
    trust_store: Any = None  # cryptography Store; None = the system's trusted roots
    cert_fetch: Callable[[str], bytes] | None = None  # None = download from Amazon with a timeout
    clock: Callable[[], datetime] = system_clock
    api_client: Any = None
    store: Any = None  # a ready persistence adapter (tests); else opened from store_url
    read_seconds: float = 5.0  # the whole body must arrive within this (Alexa waits about 8 s)
    extra: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def from_env(*, dev: bool = False) -> WebConfig:
        return WebConfig(
            skill_id=os.environ.get("SPINE_COACH_SKILL_ID") or None,
            store_url=os.environ.get("SPINE_COACH_STORE") or None,
            dev=dev,
        )


def create_app(config: WebConfig) -> Flask:
    """The Flask app serving the skill at ``POST /`` and a health check at ``GET /health``."""
    from skill.web.compat import oscrypto_openssl3

    oscrypto_openssl3.install()
    from ask_sdk_model import RequestEnvelope
    from ask_sdk_webservice_support.verifier import AbstractVerifier, VerificationException
    from flask_ask_sdk.skill_adapter import VERIFY_SIGNATURE_APP_CONFIG, VERIFY_TIMESTAMP_APP_CONFIG, SkillAdapter

    from skill.alexa.factory import build_skill
    from skill.store import open_store
    from skill.web.verification import SignatureVerifier, SkillIdVerifier, TimestampVerifier

    if not config.dev and not config.skill_id:
        raise ValueError("a production server needs the skill id (SPINE_COACH_SKILL_ID)")
    app = Flask("spine_coach")
    # One byte over our limit: Werkzeug stops reading a streamed (chunked) body at this
    # maximum without an error, so a body that reaches it is known to be too large.
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes + 1
    # flask-ask-sdk reads these when the adapter is built: set them first. The SDK's own
    # verifiers stay off; ours run below, before the adapter sees the request.
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = False

    from skill.alexa.api_client import TimeoutApiClient

    store = config.store if config.store is not None else open_store(config.store_url)
    api_client = config.api_client if config.api_client is not None else TimeoutApiClient()
    skill = build_skill(store=store, clock=config.clock, api_client=api_client, skill_id=config.skill_id)
    # The signature is checked on the raw bytes before anything parses them (issue 30: an
    # unsigned body costs nothing but a header check); the envelope's own checks follow.
    signature = (
        None
        if config.dev
        else SignatureVerifier(trust_store=config.trust_store, fetch=config.cert_fetch, clock=config.clock)
    )
    verifiers: list[AbstractVerifier] = []
    if not config.dev:
        verifiers.append(TimestampVerifier(clock=config.clock))
    if config.skill_id:
        verifiers.append(SkillIdVerifier(config.skill_id))
    adapter = SkillAdapter(skill=skill, skill_id=config.skill_id or "spine-coach-dev", verifiers=[], app=app)

    # The envelope is deserialized once here (to answer 400 for one the SDK cannot read)
    # and the adapter would do it again: the memo hands it the same object instead.
    serializer = _MemoSerializer()
    skill.serializer = serializer

    if config.dev:

        @app.before_request
        def loopback_json_only() -> Response | None:
            """With the checks off, only this machine's own JSON: a web page the user visits
            can send a text/plain POST to 127.0.0.1 (no CORS preflight for it), and a DNS
            rebinding page a foreign Host header; both are refused (issue 30)."""
            host = (request.host or "").rsplit(":", 1)[0].strip("[]").lower()
            if host not in ("127.0.0.1", "localhost", "::1"):
                return _refuse(403, "the development server answers only requests for this machine")
            if request.method == "POST" and request.mimetype != "application/json":
                return _refuse(415, "the development server accepts only application/json")
            return None

    @app.post("/")
    def alexa() -> Any:
        try:
            body = _read_body(config.read_seconds)
        except TimeoutError:  # the connection is already cut: this answer is for the log
            return _refuse(408, "request body did not arrive in time")
        if len(body) > config.max_body_bytes:
            return _refuse(413, "request body is too large")
        if signature is not None:

            def before_download() -> None:
                # A chain not yet cached: the cheap checks first, on the JSON alone.
                problem = _envelope_problem(body) or _stamp_problem(body, config)
                if problem:
                    raise VerificationException(problem)

            try:
                text = body.decode("utf-8")
                signature.verify(
                    headers=request.headers,
                    serialized_request_env=text,
                    before_download=before_download,
                    client=request.remote_addr or "",
                )
            except (VerificationException, UnicodeDecodeError) as exc:
                return _refuse(400, "request failed verification", str(exc))
        problem = _envelope_problem(body) or _deserialize_problem(serializer, body)
        if problem:
            return _refuse(400, problem)
        text = body.decode("utf-8")
        envelope = serializer.deserialize(payload=text, obj_type=RequestEnvelope)
        for verifier in verifiers:
            try:
                verifier.verify(headers=request.headers, serialized_request_env=text, deserialized_request_env=envelope)
            except VerificationException as exc:
                return _refuse(400, "request failed verification", str(exc))
        try:
            return adapter.dispatch_request()
        except Exception as exc:
            log.error("skill failed outside its handlers: %s", type(exc).__name__)
            locale = getattr(getattr(envelope, "request", None), "locale", None)
            return jsonify(apology_envelope(locale if isinstance(locale, str) else None))

    @app.get("/health")
    def health() -> Response:
        return jsonify({"status": "ok", "verification": "off" if config.dev else "on"})

    @app.errorhandler(413)
    def too_large(_: Exception) -> Response:
        return _refuse(413, "request body is too large")

    @app.errorhandler(404)
    def not_found(_: Exception) -> Response:
        return _refuse(404, "not found")

    @app.errorhandler(405)
    def not_allowed(_: Exception) -> Response:
        return _refuse(405, "method not allowed")

    return app


def _read_body(seconds: float) -> bytes:
    """The request body, all of it within ``seconds``: under gunicorn each read of the socket
    waits at most what is left (a client that stalls mid-body frees its thread); elsewhere
    (the test server, a proxy's socket) as Werkzeug reads it."""
    sock = request.environ.get("gunicorn.socket")
    if sock is None:
        return request.get_data(cache=True)
    import time

    from werkzeug.exceptions import ClientDisconnected

    from skill.web.workers import cut  # under gunicorn only (``gunicorn.socket``)

    deadline = time.monotonic() + seconds
    chunks: list[bytes] = []
    stream = request.stream
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                cut(sock)
                raise TimeoutError
            sock.settimeout(left)
            try:
                chunk = stream.read(16384)
            except ClientDisconnected as exc:
                # Werkzeug reports a socket that timed out as a client that went away.
                if isinstance(exc.__cause__, TimeoutError) or time.monotonic() >= deadline:
                    cut(sock)
                    raise TimeoutError from exc
                raise
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        sock.settimeout(None)
    body = b"".join(chunks)
    # Werkzeug's cache of the body (``get_data(cache=True)`` keeps it there too): the SDK's
    # adapter reads ``request.data`` again, and the stream is spent.
    request._cached_data = body
    return body


def _envelope_problem(body: bytes) -> str | None:
    """Why a body cannot be an Alexa request envelope, or ``None`` if it can."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # deep nesting: "[[[[..." from anyone
        return "body is not UTF-8 JSON"
    return envelope_problem(data)


def _stamp_problem(body: bytes, config: WebConfig) -> str | None:
    """The timestamp and skill id checks, read from the JSON without the SDK (an envelope
    ``_envelope_problem`` passed): what may refuse a request before a certificate download."""
    from ask_sdk_webservice_support.verifier import VerificationException

    from skill.web.verification import check_skew

    data = json.loads(body)
    request_part = data["request"]
    try:
        stamp = datetime.fromisoformat(request_part["timestamp"].replace("Z", "+00:00"))
        check_skew(stamp, request_part["type"], config.clock())
    except ValueError:
        return "request timestamp is not a time"
    except VerificationException as exc:
        return str(exc)
    if config.skill_id and data["context"]["System"]["application"]["applicationId"] != config.skill_id:
        return "request is for another skill"
    return None


class _MemoSerializer:
    """The SDK's serializer, remembering the last request envelope it read on this thread."""

    def __init__(self) -> None:
        import threading

        from ask_sdk_core.serialize import DefaultSerializer

        self._inner = DefaultSerializer()
        self._last = threading.local()

    def serialize(self, obj: Any) -> Any:
        return without_user_agent(self._inner.serialize(obj))

    def deserialize(self, payload: str, obj_type: Any) -> Any:
        from ask_sdk_model import RequestEnvelope

        if obj_type is RequestEnvelope and getattr(self._last, "payload", None) == payload:
            return self._last.value
        value = self._inner.deserialize(payload=payload, obj_type=obj_type)
        if obj_type is RequestEnvelope:
            self._last.payload, self._last.value = payload, value
        return value


def _deserialize_problem(serializer: Any, body: bytes) -> str | None:
    from ask_sdk_model import RequestEnvelope

    try:
        serializer.deserialize(payload=body.decode("utf-8"), obj_type=RequestEnvelope)
    except Exception:
        return "envelope does not match Alexa's request format"
    return None


def _refuse(status: int, message: str, detail: str | None = None) -> Response:
    """The answer to a refused request, and its one log line (no traceback, no body)."""
    log.warning("request refused (%d): %s", status, detail or message)
    response = jsonify({"error": message})
    response.status_code = status
    return response
