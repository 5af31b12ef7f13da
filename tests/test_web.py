"""The web service on a loopback port with real HTTP: verification, limits, and statuses."""

from __future__ import annotations

import json
import logging
import ssl
import threading
import urllib.error
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.x509.verification import Store
from werkzeug.serving import make_server

from skill.devtools import envelopes
from skill.devtools.envelopes import LOCAL_SKILL_ID, Device
from skill.domain.clock import FixedClock
from skill.store.sqlite import SQLiteStore
from skill.web.app import WebConfig, create_app
from skill.web.verification import (
    DOWNLOADS_PER_MINUTE,
    FAILED_URL_SECONDS,
    MAX_CHAIN_BYTES,
    SYSTEM_BUNDLES,
    SignatureVerifier,
    check_cert_url,
    download,
    system_trust_store,
)
from tests.pki import Issued, make_ca, make_leaf
from tests.support import check_response

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-13.pem"


@dataclass
class Pki:
    root: Issued
    intermediate: Issued
    leaf: Issued
    chains: dict[str, bytes] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)

    def fetch(self, url: str) -> bytes:
        """The local certificate URL resolver: Amazon-style URLs answered from memory."""
        self.fetched.append(url)
        if url not in self.chains:
            raise urllib.error.URLError("no such host")
        return self.chains[url]


@pytest.fixture(scope="module")
def pki() -> Pki:
    root = make_ca()
    intermediate = make_ca("Spine Coach Test Intermediate", root)
    leaf = make_leaf(intermediate)
    return Pki(root, intermediate, leaf)


@pytest.fixture
def server(pki: Pki, tmp_path: Path) -> Iterator[str]:
    pki.chains = {CERT_URL: pki.leaf.pem() + pki.intermediate.pem()}
    pki.fetched = []
    config = WebConfig(
        skill_id=LOCAL_SKILL_ID,
        store=SQLiteStore(tmp_path / "web.db"),
        trust_store=Store([pki.root.cert]),
        cert_fetch=pki.fetch,
    )
    yield from _serve(create_app(config))


def _serve(app: Any) -> Iterator[str]:
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()


def launch_body(
    device: Device | None = None, when: datetime | None = None, request: dict[str, Any] | None = None
) -> bytes:
    device = device or Device()
    body = envelopes.envelope(
        device,
        request or envelopes.launch_request(device, when or datetime.now(UTC)),
        session_id=envelopes.new_session_id(),
        new=True,
    )
    return json.dumps(body).encode()


def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> requests.Response:
    return requests.post(
        f"{url}/", data=body, headers={"Content-Type": "application/json", **(headers or {})}, timeout=10
    )


def signed(issued: Issued, body: bytes, url: str = CERT_URL) -> dict[str, str]:
    return {"SignatureCertChainUrl": url, "Signature-256": issued.sign(body)}


def test_signed_request_is_answered(server: str, pki: Pki) -> None:
    body = launch_body()
    response = post(server, body, signed(pki.leaf, body))
    assert response.status_code == 200
    check_response(response.json())
    assert "Welcome to Spine Coach" in response.json()["response"]["outputSpeech"]["ssml"]
    assert "userAgent" not in response.json()  # issue 30: it names the SDK, Python and the platform


def test_certificate_chain_is_cached(server: str, pki: Pki) -> None:
    for _ in range(3):
        body = launch_body()
        assert post(server, body, signed(pki.leaf, body)).status_code == 200
    assert pki.fetched == [CERT_URL]


def test_unsigned_request_is_refused(server: str) -> None:
    response = post(server, launch_body())
    assert response.status_code == 400
    assert "Welcome" not in response.text


def test_signature_from_another_key_is_refused(server: str, pki: Pki) -> None:
    impostor = make_leaf(pki.intermediate)
    body = launch_body()
    assert (
        post(server, body, {"SignatureCertChainUrl": CERT_URL, "Signature-256": impostor.sign(body)}).status_code == 400
    )


def test_tampered_body_is_refused(server: str, pki: Pki) -> None:
    """One byte of a well-formed envelope changed after signing: still a valid envelope for
    the right skill, in time, so only the signature can refuse it."""
    body = launch_body()
    headers = signed(pki.leaf, body)
    request_id = json.loads(body)["request"]["requestId"].encode()
    tampered = body.replace(request_id, request_id[:-1] + (b"0" if request_id[-1:] != b"0" else b"1"))
    assert len(tampered) == len(body) and sum(a != b for a, b in zip(body, tampered, strict=True)) == 1
    assert post(server, tampered, headers).status_code == 400
    assert post(server, body, headers).status_code == 200  # the untouched body passes


def _reordered(node: Any) -> Any:
    """The same JSON value with every object's keys in reverse order."""
    if isinstance(node, dict):
        return {key: _reordered(node[key]) for key in reversed(list(node))}
    if isinstance(node, list):
        return [_reordered(item) for item in node]
    return node


def test_signature_is_checked_over_the_raw_bytes(server: str, pki: Pki) -> None:
    """A body whose bytes differ from ``json.dumps`` of its parse (key order, spaces, unicode
    escapes) is signed over exactly those bytes, as Alexa does, and is accepted."""
    device = Device()
    data = envelopes.envelope(
        device,
        envelopes.launch_request(device, datetime.now(UTC)),
        session_id=envelopes.new_session_id(),
        new=True,
        attributes={"note": "Grüße, café"},
    )
    body = json.dumps(_reordered(data), indent=3, ensure_ascii=True).encode()
    assert b"\\u00fc" in body  # ü as an escape, not as UTF-8 bytes
    assert body != json.dumps(json.loads(body)).encode()
    assert body != json.dumps(json.loads(body), ensure_ascii=False).encode()
    response = post(server, body, signed(pki.leaf, body))
    assert response.status_code == 200, response.text
    check_response(response.json())


def test_garbled_signature_is_refused(server: str, pki: Pki) -> None:
    body = launch_body()
    assert (
        post(server, body, {"SignatureCertChainUrl": CERT_URL, "Signature-256": "%%%not base64%%%"}).status_code == 400
    )


@pytest.mark.parametrize("offset", [-200, 200])
def test_stale_and_future_timestamps_are_refused(server: str, pki: Pki, offset: int) -> None:
    body = launch_body(when=datetime.now(UTC) + timedelta(seconds=offset))
    assert post(server, body, signed(pki.leaf, body)).status_code == 400


def test_timestamp_within_150_seconds_is_accepted(server: str, pki: Pki) -> None:
    body = launch_body(when=datetime.now(UTC) - timedelta(seconds=120))
    assert post(server, body, signed(pki.leaf, body)).status_code == 200


def test_skill_event_may_be_an_hour_old(server: str, pki: Pki) -> None:
    device = Device()
    old = datetime.now(UTC) - timedelta(minutes=50)
    event = envelopes.envelope(device, envelopes.skill_disabled_event(device, old), session_id=None)
    body = json.dumps(event).encode()
    response = post(server, body, signed(pki.leaf, body))
    assert response.status_code == 200
    older = envelopes.envelope(
        device, envelopes.skill_disabled_event(device, old - timedelta(minutes=20)), session_id=None
    )
    body = json.dumps(older).encode()
    assert post(server, body, signed(pki.leaf, body)).status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://notamazon.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
        "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
        "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem",
        "https://user:secret@s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com@s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:443@evil.example/echo.api/echo-api-cert.pem",
    ],
)
def test_bad_certificate_urls_are_refused(server: str, pki: Pki, url: str) -> None:
    pki.chains[url] = pki.leaf.pem() + pki.intermediate.pem()
    body = launch_body()
    assert post(server, body, signed(pki.leaf, body, url)).status_code == 400
    assert url not in pki.fetched  # refused before any download


@pytest.mark.parametrize(
    "url",
    [
        "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
        "https://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
    ],
)
def test_amazon_url_rules_accept_valid_urls(url: str) -> None:
    check_cert_url(url)


def test_expired_certificate_is_refused(server: str, pki: Pki) -> None:
    expired = make_leaf(
        pki.intermediate,
        not_before=datetime.now(UTC) - timedelta(days=30),
        not_after=datetime.now(UTC) - timedelta(days=1),
    )
    url = "https://s3.amazonaws.com/echo.api/expired.pem"
    pki.chains[url] = expired.pem() + pki.intermediate.pem()
    body = launch_body()
    assert post(server, body, signed(expired, body, url)).status_code == 400


def test_certificate_for_another_name_is_refused(server: str, pki: Pki) -> None:
    other = make_leaf(pki.intermediate, dns_names=("echo-api.example.com",))
    url = "https://s3.amazonaws.com/echo.api/other-san.pem"
    pki.chains[url] = other.pem() + pki.intermediate.pem()
    body = launch_body()
    assert post(server, body, signed(other, body, url)).status_code == 400


def test_certificate_from_an_untrusted_root_is_refused(server: str, pki: Pki) -> None:
    rogue_root = make_ca("Rogue Root")
    rogue = make_leaf(rogue_root)
    url = "https://s3.amazonaws.com/echo.api/rogue.pem"
    pki.chains[url] = rogue.pem()
    body = launch_body()
    assert post(server, body, signed(rogue, body, url)).status_code == 400


def test_certificate_download_failure_is_a_refusal_not_a_500(server: str, pki: Pki) -> None:
    url = "https://s3.amazonaws.com/echo.api/missing.pem"
    body = launch_body()
    assert post(server, body, signed(pki.leaf, body, url)).status_code == 400


def test_wrong_skill_id_is_refused_with_400(server: str, pki: Pki) -> None:
    body = launch_body(Device(skill_id="amzn1.ask.skill.someone-else"))
    response = post(server, body, signed(pki.leaf, body))
    assert response.status_code == 400


def test_oversize_body_is_refused_before_parsing(server: str, pki: Pki) -> None:
    body = b'{"padding": "' + b"x" * (200 * 1024) + b'"}'
    response = post(server, body, signed(pki.leaf, body))
    assert response.status_code == 413


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2, 3]",
        b"{}",
        b'{"request": {"type": "LaunchRequest"}}',
        "\xff\xfe".encode("latin-1"),
        json.dumps({"version": "1.0", "request": {"type": 5, "requestId": "x", "timestamp": "y"}}).encode(),
    ],
)
def test_malformed_bodies_are_refused(server: str, pki: Pki, body: bytes) -> None:
    response = post(server, body, signed(pki.leaf, body))
    assert response.status_code == 400
    assert "Traceback" not in response.text


def test_health_and_wrong_methods(server: str) -> None:
    health = requests.get(f"{server}/health", timeout=5)
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "verification": "on"}
    assert requests.get(f"{server}/", timeout=5).status_code == 405
    assert requests.get(f"{server}/nowhere", timeout=5).status_code == 404


def test_dev_mode_skips_signatures_but_still_answers(tmp_path: Path) -> None:
    app = create_app(WebConfig(dev=True, store=SQLiteStore(tmp_path / "dev.db")))
    for url in _serve(app):
        response = post(url, launch_body())
        assert response.status_code == 200
        assert requests.get(f"{url}/health", timeout=5).json()["verification"] == "off"


def test_dev_mode_answers_only_this_machines_json(tmp_path: Path) -> None:
    """Issue 30: a page the user visits may POST text/plain to 127.0.0.1 (no preflight) or
    reach it through a rebound DNS name: neither may drive the console's data (a
    SkillDisabled event would delete it)."""
    from skill.devtools.envelopes import skill_disabled_event

    app = create_app(WebConfig(dev=True, store=SQLiteStore(tmp_path / "dev.db")))
    event = json.dumps(skill_disabled_event(Device())).encode()
    for url in _serve(app):
        as_text = requests.post(f"{url}/", data=event, headers={"Content-Type": "text/plain"}, timeout=5)
        assert as_text.status_code == 415
        rebound = post(url, event, {"Host": "attacker.example:8443"})
        assert rebound.status_code == 403
        assert post(url, launch_body(), {"Host": "localhost:8443"}).status_code == 200


def test_production_needs_a_skill_id(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="skill id"):
        create_app(WebConfig(store=SQLiteStore(tmp_path / "x.db")))


def test_verifier_cache_is_bounded(pki: Pki) -> None:
    urls = [f"https://s3.amazonaws.com/echo.api/c{i}.pem" for i in range(3)]
    pki.chains = {u: pki.leaf.pem() + pki.intermediate.pem() for u in urls}
    pki.fetched = []
    verifier = SignatureVerifier(trust_store=Store([pki.root.cert]), fetch=pki.fetch, cache_size=2)
    body = "{}"
    for url in [*urls, urls[0]]:
        verifier.verify({"SignatureCertChainUrl": url, "Signature-256": pki.leaf.sign(body.encode())}, body)
    assert pki.fetched == [*urls, urls[0]]  # the first was evicted by the third


def test_apology_when_the_skill_breaks_outside_its_handlers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ask_sdk_core.skill import CustomSkill

    app = create_app(WebConfig(dev=True, store=SQLiteStore(tmp_path / "x.db")))

    def broken_invoke(self: CustomSkill, request_envelope: Any, context: Any) -> Any:
        raise RuntimeError("simulated failure outside the handlers")

    monkeypatch.setattr(CustomSkill, "invoke", broken_invoke)
    for url in _serve(app):
        response = post(url, launch_body())
        assert response.status_code == 200
        check_response(response.json())
        assert "Sorry, something went wrong" in response.text


# -- the order of the checks, and what a refused request costs ---------------------------------


def test_nested_json_is_a_400_not_a_500(server: str, caplog: pytest.LogCaptureFixture) -> None:
    body = b"[" * 1000 + b"]" * 1000  # json.loads raises RecursionError on this
    with caplog.at_level(logging.INFO):
        response = post(server, body)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def _chunked(body: bytes, size: int = 4096) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def test_oversize_body_is_413_with_or_without_content_length(server: str) -> None:
    just_over = b'{"padding": "' + b"x" * (128 * 1024) + b'"}'
    assert post(server, just_over).status_code == 413
    response = requests.post(f"{server}/", data=_chunked(just_over), timeout=10)  # no Content-Length
    assert response.status_code == 413
    assert response.request.headers.get("Transfer-Encoding") == "chunked"


def test_a_streamed_body_within_the_limit_is_read_whole(server: str, pki: Pki) -> None:
    device = Device()
    data = envelopes.envelope(
        device,
        envelopes.launch_request(device, datetime.now(UTC)),
        session_id=envelopes.new_session_id(),
        new=True,
        attributes={"padding": "x" * (100 * 1024)},
    )
    body = json.dumps(data).encode()
    response = requests.post(f"{server}/", data=_chunked(body), headers=signed(pki.leaf, body), timeout=10)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("device", "offset"),
    [(Device(), -400), (Device(), 400), (Device(skill_id="amzn1.ask.skill.someone-else"), 0)],
    ids=["stale", "future", "other skill"],
)
def test_cheap_checks_refuse_before_any_download(server: str, pki: Pki, device: Device, offset: int) -> None:
    url = "https://s3.amazonaws.com/echo.api/never-fetched.pem"
    pki.chains[url] = pki.leaf.pem() + pki.intermediate.pem()
    body = launch_body(device, when=datetime.now(UTC) + timedelta(seconds=offset))
    assert post(server, body, signed(pki.leaf, body, url)).status_code == 400
    assert pki.fetched == []


# -- a real HTTPS server for certificate chains, with the private PKI ---------------------------


@dataclass
class ChainServer:
    base: str
    cafile: str
    served: dict[str, bytes]
    hits: Counter[str]


@pytest.fixture
def chain_server(pki: Pki, tmp_path: Path) -> Iterator[ChainServer]:
    """An HTTPS server on localhost whose certificate comes from the test PKI; it answers
    paths in ``served`` and 404 otherwise, and counts every GET."""
    site = make_leaf(pki.intermediate, dns_names=("localhost",))
    (tmp_path / "site.pem").write_bytes(site.pem() + pki.intermediate.pem())
    (tmp_path / "site.key").write_bytes(site.key_pem())
    (tmp_path / "root.pem").write_bytes(pki.root.pem())
    served: dict[str, bytes] = {}
    hits: Counter[str] = Counter()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with lock:
                hits[self.path] += 1
            data = served.get(self.path)
            self.send_response(200 if data is not None else 404)
            self.send_header("Content-Length", str(len(data or b"")))
            self.end_headers()
            self.wfile.write(data or b"")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "site.pem", tmp_path / "site.key")
    http.socket = context.wrap_socket(http.socket, server_side=True)
    thread = threading.Thread(target=http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield ChainServer(f"https://localhost:{http.server_address[1]}", str(tmp_path / "root.pem"), served, hits)
    finally:
        http.shutdown()
        http.server_close()


def test_download_fetches_over_https_trusting_only_the_given_roots(chain_server: ChainServer, pki: Pki) -> None:
    chain = pki.leaf.pem() + pki.intermediate.pem()
    chain_server.served["/echo.api/chain.pem"] = chain
    assert download(3.0, cafile=chain_server.cafile)(f"{chain_server.base}/echo.api/chain.pem") == chain
    with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
        download(3.0)(f"{chain_server.base}/echo.api/chain.pem")  # the system's roots do not know our CA
    with pytest.raises(urllib.error.HTTPError):
        download(3.0, cafile=chain_server.cafile)(f"{chain_server.base}/echo.api/missing.pem")


def test_download_refuses_an_oversized_chain(chain_server: ChainServer) -> None:
    from ask_sdk_webservice_support.verifier import VerificationException

    chain_server.served["/echo.api/huge.pem"] = b"x" * (MAX_CHAIN_BYTES + 1)
    with pytest.raises(VerificationException, match="too large"):
        download(3.0, cafile=chain_server.cafile)(f"{chain_server.base}/echo.api/huge.pem")


def test_failing_certificate_urls_are_fetched_once_a_minute_and_logged_without_traceback(
    chain_server: ChainServer, pki: Pki, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """100 signed-looking requests naming four Amazon-looking URLs that fail: one download
    per URL, one log line per refusal and no traceback; a minute later, one more each."""
    real = download(3.0, cafile=chain_server.cafile)
    clock = FixedClock(datetime.now(UTC))

    def fetch(url: str) -> bytes:  # Amazon's host, answered by the local server
        return real(url.replace("https://s3.amazonaws.com", chain_server.base))

    config = WebConfig(
        skill_id=LOCAL_SKILL_ID,
        store=SQLiteStore(tmp_path / "web.db"),
        trust_store=Store([pki.root.cert]),
        cert_fetch=fetch,
        clock=clock,
    )
    urls = [f"https://s3.amazonaws.com/echo.api/gone-{n}.pem" for n in range(DOWNLOADS_PER_MINUTE)]

    bases: list[str] = []

    def attempt(number: int) -> int:
        body = launch_body(when=clock())
        return post(bases[0], body, signed(pki.leaf, body, urls[number % len(urls)])).status_code

    for base in _serve(create_app(config)):
        bases.append(base)
        with caplog.at_level(logging.INFO), ThreadPoolExecutor(max_workers=10) as pool:
            statuses = list(pool.map(attempt, range(100)))
            assert statuses == [400] * 100
            assert dict(chain_server.hits) == {f"/echo.api/gone-{n}.pem": 1 for n in range(len(urls))}
            clock.advance(seconds=FAILED_URL_SECONDS + 1)
            assert list(pool.map(attempt, range(100))) == [400] * 100
            assert dict(chain_server.hits) == {f"/echo.api/gone-{n}.pem": 2 for n in range(len(urls))}
    refusals = [r for r in caplog.records if r.getMessage().startswith("request refused")]
    assert len(refusals) == 200
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert all("\n" not in r.getMessage() for r in refusals)


def test_system_trust_store_loads_the_machines_roots(pki: Pki, tmp_path: Path) -> None:
    """The machine's bundle parses whole; with our root added to a copy of it, our chain is
    trusted; with the machine's roots alone, it is not."""
    from cryptography import x509
    from cryptography.x509.verification import PolicyBuilder, VerificationError

    machine = next(path for path in SYSTEM_BUNDLES if path.exists())
    (tmp_path / "bundle.pem").write_bytes(machine.read_bytes() + pki.root.pem())

    def verify(store: Store) -> None:
        verifier = PolicyBuilder().store(store).build_server_verifier(x509.DNSName("echo-api.amazon.com"))
        verifier.verify(pki.leaf.cert, [pki.intermediate.cert])

    verify(system_trust_store((tmp_path / "bundle.pem",)))
    # A root that cannot be read at all is left out, not fatal to the others.
    unreadable = b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"
    (tmp_path / "bundle.pem").write_bytes(machine.read_bytes() + unreadable + pki.root.pem())
    verify(system_trust_store((tmp_path / "bundle.pem",)))
    with pytest.raises(VerificationError):
        verify(system_trust_store())
    with pytest.raises(VerificationError):
        verify(system_trust_store((tmp_path / "absent.pem",)))  # falls back to certifi's roots


def test_certificate_downloads_are_capped_across_urls(server: str, pki: Pki) -> None:
    """Issue 30: 40 requests naming 40 fresh Amazon-looking URLs cost at most a few downloads
    a minute, not 40."""
    for n in range(40):
        body = launch_body()
        url = f"https://s3.amazonaws.com/echo.api/fresh-{n}.pem"
        assert post(server, body, signed(pki.leaf, body, url)).status_code == 400
    assert len(pki.fetched) == DOWNLOADS_PER_MINUTE


def test_an_unsigned_body_is_refused_before_it_is_parsed(server: str) -> None:
    """Issue 30: no signature, no parsing: a body that is not even JSON gets the verification
    refusal, not the parser's (the signature is checked on the raw bytes first)."""
    response = post(server, b"[" * 100_000)
    assert response.status_code == 400
    assert response.json() == {"error": "request failed verification"}


def test_a_prober_cannot_spend_alexas_certificate_downloads(pki: Pki) -> None:
    """Issue 30 review: one cap for everyone let anyone naming fresh URLs block the download
    of Amazon's own chain. The cap is per client address (with a ceiling across all)."""
    from ask_sdk_webservice_support.verifier import VerificationException

    pki.chains = {CERT_URL: pki.leaf.pem() + pki.intermediate.pem()}
    pki.fetched = []
    verifier = SignatureVerifier(trust_store=Store([pki.root.cert]), fetch=pki.fetch)
    body = "{}"
    signature = pki.leaf.sign(body.encode())
    for n in range(DOWNLOADS_PER_MINUTE + 3):
        headers = {
            "SignatureCertChainUrl": f"https://s3.amazonaws.com/echo.api/probe-{n}.pem",
            "Signature-256": signature,
        }
        with pytest.raises(VerificationException):
            verifier.verify(headers, body, client="203.0.113.9")
    assert len(pki.fetched) == DOWNLOADS_PER_MINUTE
    verifier.verify({"SignatureCertChainUrl": CERT_URL, "Signature-256": signature}, body, client="54.240.197.1")
    assert pki.fetched[-1] == CERT_URL
