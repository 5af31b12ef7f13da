"""Test helpers shared by the suites: the response check, and a tiny HTTP front for the skill."""

from __future__ import annotations

import json
import socket
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from skill.alexa.speech import MAX_BREAK_SECONDS, MAX_SPEECH_CHARS, break_seconds
from skill.devtools.simulator import Transport
from skill.store.keys import bound_person

# The clinic's patient as the conversation suites play them (the clinic profile): an account
# linked with the local identity provider's token (``tests/conftest.py`` starts it) and a
# voice Alexa recognises, who confirms their PIN when asked.
PERSON = "amzn1.ask.person.SUITEPATIENT"
LINK: dict[str, str] = {}  # "token": the linked account's access token, once the provider runs
# The clinic's identifier for that patient (the token's ``sub``: the local provider's default
# patient), and so the person's id as the stores key it (``skill.store.keys.bound_person``).
SUBJECT = "patient-0001"
# The device and API token of a conversation with the local stand-in for Alexa's APIs
# (``tests/conftest.py``'s ``standin`` and ``remind``).
STANDIN_DEVICE = "amzn1.ask.device.TESTDEVICE"
STANDIN_TOKEN = "test-access-token"
# The deployment's secret the suites run with (``SPINE_COACH_LINK_SECRET``, set by
# ``tests/conftest.py`` before any store is made): link-code hashes and bound person keys.
SECRET = "a test deployment's secret"
STORED_PERSON = bound_person(PERSON, SUBJECT, SECRET.encode())


def linked(**device: Any) -> Any:
    """A ``Device`` for the clinic's linked, recognised patient (fields may be overridden)."""
    from skill.devtools.envelopes import Device

    return Device(**{"access_token": LINK.get("token"), "person_id": PERSON, **device})


def free_port() -> int:
    """A loopback port nobody is listening on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def check_ssml(ssml: str, where: str) -> None:
    assert len(ssml) <= MAX_SPEECH_CHARS, f"{where}: {len(ssml)} characters"
    root = ET.fromstring(ssml)  # raises on unescaped text or broken tags
    assert root.tag == "speak", where
    for seconds in break_seconds(ssml):
        assert 0 < seconds <= MAX_BREAK_SECONDS, f"{where}: break of {seconds}s"
    text = "".join(root.itertext())
    for leftover in ("{", "}", "None", "[pause"):
        assert leftover not in text, f"{where}: {leftover!r} in {text!r}"


def check_response(response: dict[str, Any]) -> None:
    """What every response must satisfy (issue 3's shared check)."""
    assert response.get("version") == "1.0"
    body = response["response"]
    speech = body.get("outputSpeech")
    if speech is not None:
        assert speech["type"] == "SSML"
        check_ssml(speech["ssml"], "speech")
    ends = body.get("shouldEndSession")
    if ends is False:
        reprompt = body.get("reprompt")
        assert reprompt, "an open session needs a reprompt"
        check_ssml(reprompt["outputSpeech"]["ssml"], "reprompt")
        assert "".join(ET.fromstring(reprompt["outputSpeech"]["ssml"]).itertext()).strip(), "empty reprompt"
        assert speech is not None, "an open session needs speech"
    else:
        assert "reprompt" not in body or body["reprompt"] is None, "a closing response must not reprompt"


def checked(transport: Transport) -> Transport:
    """A transport that applies ``check_response`` to every response."""

    def send(body: dict[str, Any]) -> dict[str, Any]:
        response = transport(body)
        check_response(response)
        return response

    return send


@contextmanager
def http_front(transport: Transport) -> Iterator[str]:
    """Serve a transport on a loopback port as a plain HTTP skill endpoint (test use only)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            payload = json.dumps(transport(body)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def language_model(intents: list[dict[str, Any]], types: list[dict[str, Any]]) -> dict[str, Any]:
    """An interaction model of these intents and slot types, as Alexa takes it."""
    return {
        "interactionModel": {"languageModel": {"invocationName": "spine coach", "intents": intents, "types": types}}
    }


def patient_key(user: str) -> str:
    """Where the stores keep the record of the suites' patient on ``user``'s account."""
    return f"{user}#person#{STORED_PERSON}"
