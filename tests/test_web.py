"""The web service on a loopback port with real HTTP: verification, limits, and statuses."""

from __future__ import annotations

import json
import threading
import urllib.error
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.x509.verification import Store
from werkzeug.serving import make_server

from skill import envelopes
from skill.envelopes import LOCAL_SKILL_ID, Device
from skill.store.sqlite import SQLiteStore
from skill.verification import SignatureVerifier, check_cert_url
from skill.web import WebConfig, create_app
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
    thread = threading.Thread(target=http.serve_forever, daemon=True)
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
    body = launch_body()
    headers = signed(pki.leaf, body)
    tampered = body.replace(b"LaunchRequest", b"LaunchRequesT")
    assert post(server, tampered, headers).status_code == 400


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
