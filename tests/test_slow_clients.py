"""Slow and idle clients against the production server (issue 30), on loopback.

The probe: two clients that open a POST and never finish its body made ``/health`` answer
after 13.3 s and got the (sync) workers killed; Alexa gives up after about 8 s. Here six
clients hold half-sent bodies, four half-sent headers and four idle connections while
``/health`` and a signed request must each be answered within a second; the stalled connections are then cut at the
read deadline, and the server still answers at once. Bounded: ten connections, one deadline (5 s).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.pki import make_ca, make_leaf
from tests.support import free_port
from tests.test_web import CERT_URL, launch_body

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, object]]:
    """The server's address and the leaf certificate that signs for it; its log must hold no
    traceback when the block ends (a cut connection is one log line)."""
    root = make_ca()
    intermediate = make_ca("Spine Coach Test Intermediate", root)
    leaf = make_leaf(intermediate)
    (tmp_path / "root.pem").write_bytes(root.pem())
    (tmp_path / "chain.pem").write_bytes(leaf.pem() + intermediate.pem())
    port = free_port()
    env = {
        **os.environ,
        "SPINE_COACH_TEST_ROOT": str(tmp_path / "root.pem"),
        "SPINE_COACH_TEST_CHAIN": str(tmp_path / "chain.pem"),
        "SPINE_COACH_TEST_PORT": str(port),
        "SPINE_COACH_STORE": f"sqlite:///{tmp_path}/slow.db",
    }
    url = f"http://127.0.0.1:{port}"
    with (tmp_path / "serve.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.signed_server"], cwd=REPO, env=env, stdout=log, stderr=log
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if requests.get(f"{url}/health", timeout=1).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError((tmp_path / "serve.log").read_text()[-2000:])
                time.sleep(0.2)
            yield url, leaf
        finally:
            process.terminate()
            process.wait(timeout=20)
    assert "Traceback" not in (tmp_path / "serve.log").read_text()


def _half_sent(port: int) -> socket.socket:
    """A POST whose headers promise 10 KB of body, of which 20 bytes are sent."""
    client = socket.create_connection(("127.0.0.1", port), timeout=30)
    client.sendall(
        b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 10000\r\n\r\n" + b'{"version": "1.0", "'
    )
    return client


def _half_headers(port: int) -> socket.socket:
    """A request line and half its headers, then nothing."""
    client = socket.create_connection(("127.0.0.1", port), timeout=30)
    client.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty")
    return client


def _timed(call: object) -> float:
    started = time.monotonic()
    call()  # type: ignore[operator]
    return time.monotonic() - started


def test_slow_and_idle_clients_do_not_stall_the_server(served: tuple[str, object]) -> None:
    url, leaf = served
    port = int(url.rsplit(":", 1)[1])
    stalled = [_half_sent(port) for _ in range(6)]
    headers = [_half_headers(port) for _ in range(4)]
    idle = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(4)]
    try:
        time.sleep(0.5)  # every slow client is now inside the server

        def health() -> None:
            assert requests.get(f"{url}/health", timeout=5).status_code == 200

        def signed() -> None:
            body = launch_body()
            headers = {
                "Content-Type": "application/json",
                "SignatureCertChainUrl": CERT_URL,
                "Signature-256": leaf.sign(body),  # type: ignore[attr-defined]
            }
            response = requests.post(f"{url}/", data=body, headers=headers, timeout=5)
            assert response.status_code == 200, response.text
            assert "Welcome to Spine Coach" in response.text

        timings = [_timed(health), _timed(signed)]
        # At the read deadline each stalled connection is cut (no lingering for the client to
        # close: that would hold the worker's main thread) and its thread is free.
        for client in stalled:
            client.settimeout(10)
            with contextlib.suppress(ConnectionResetError):
                assert client.recv(64) == b"", "a stalled body was answered, not cut"
        # ... and so is each connection stalled in its headers.
        for client in headers:
            client.settimeout(10)
            with contextlib.suppress(ConnectionResetError):
                assert client.recv(64) == b"", "stalled headers were answered, not cut"
        timings.append(_timed(health))
        assert max(timings) < 1.0, timings
    finally:
        for client in [*stalled, *headers, *idle]:
            client.close()
