"""Slow and idle clients against the production server (issue 30), on loopback.

The probe: two clients that open a POST and never finish its body made ``/health`` answer
after 13.3 s and got the (sync) workers killed; Alexa gives up after about 8 s. Here six
clients hold half-sent bodies, four half-sent headers and four idle connections while
``/health`` and a signed request must each be answered within a second; the stalled connections are then cut at the
read deadline, and the server still answers at once. Over TLS too, with four connections
stalled mid-handshake. Bounded: ten connections, one deadline (5 s).
"""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.pki import make_ca, make_leaf
from tests.support import free_port
from tests.test_serve import serving
from tests.test_web import CERT_URL, launch_body


@pytest.fixture(params=["http", "https"])
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, object, str | bool]]:
    """The server's address and the leaf certificate that signs for it, over plain HTTP and
    over TLS; its log must hold no traceback when the block ends (a cut connection is one
    log line)."""
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
    verify: str | bool = False
    if request.param == "https":
        tls = make_leaf(root, dns_names=("localhost",))
        (tmp_path / "tls.pem").write_bytes(tls.pem() + root.pem())
        (tmp_path / "tls.key").write_bytes(tls.key_pem())
        env |= {
            "SPINE_COACH_TEST_CERTFILE": str(tmp_path / "tls.pem"),
            "SPINE_COACH_TEST_KEYFILE": str(tmp_path / "tls.key"),
        }
        url = f"https://localhost:{port}"
        verify = str(tmp_path / "root.pem")
    command = [sys.executable, "-m", "tests.signed_server"]
    with serving([], env, url, tmp_path / "serve.log", verify, command):
        yield url, leaf, verify
    assert "Traceback" not in (tmp_path / "serve.log").read_text()


def _connect(port: int, tls: bool) -> socket.socket:
    client = socket.create_connection(("127.0.0.1", port), timeout=30)
    if not tls:
        return client
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    return context.wrap_socket(client, server_hostname="localhost")


def _half_sent(port: int, tls: bool) -> socket.socket:
    """A POST whose headers promise 10 KB of body, of which 20 bytes are sent."""
    client = _connect(port, tls)
    client.sendall(
        b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 10000\r\n\r\n" + b'{"version": "1.0", "'
    )
    return client


def _half_headers(port: int, tls: bool) -> socket.socket:
    """A request line and half its headers, then nothing."""
    client = _connect(port, tls)
    client.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty")
    return client


def _half_handshake(port: int) -> socket.socket:
    """The first byte of a TLS handshake, then nothing."""
    client = socket.create_connection(("127.0.0.1", port), timeout=30)
    client.sendall(b"\x16")
    return client


def _assert_cut(client: socket.socket, what: str) -> None:
    client.settimeout(10)
    with contextlib.suppress(ConnectionResetError, ssl.SSLError):
        assert client.recv(64) == b"", f"{what} was answered, not cut"


def _timed(call: object) -> float:
    started = time.monotonic()
    call()  # type: ignore[operator]
    return time.monotonic() - started


def test_slow_and_idle_clients_do_not_stall_the_server(served: tuple[str, object, str | bool]) -> None:
    url, leaf, verify = served
    port = int(url.rsplit(":", 1)[1])
    tls = url.startswith("https")
    stalled = [_half_sent(port, tls) for _ in range(6)]
    headers = [_half_headers(port, tls) for _ in range(4)]
    if tls:
        headers += [_half_handshake(port) for _ in range(4)]
    idle = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(4)]
    try:
        time.sleep(0.5)  # every slow client is now inside the server

        def health() -> None:
            assert requests.get(f"{url}/health", timeout=5, verify=verify).status_code == 200

        def signed() -> None:
            body = launch_body()
            headers = {
                "Content-Type": "application/json",
                "SignatureCertChainUrl": CERT_URL,
                "Signature-256": leaf.sign(body),  # type: ignore[attr-defined]
            }
            response = requests.post(f"{url}/", data=body, headers=headers, timeout=5, verify=verify)
            assert response.status_code == 200, response.text
            assert "Welcome to Spine Coach" in response.text

        timings = [_timed(health), _timed(signed)]
        # At the read deadline each stalled connection is cut (no lingering for the client to
        # close: that would hold the worker's main thread) and its thread is free.
        for client in stalled:
            _assert_cut(client, "a stalled body")
        # ... and so is each connection stalled in its headers.
        for client in headers:
            _assert_cut(client, "a stalled handshake or header")
        timings.append(_timed(health))
        assert max(timings) < 1.0, timings
    finally:
        for client in [*stalled, *headers, *idle]:
            client.close()
