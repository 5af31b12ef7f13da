"""Verifying that a request really comes from Alexa, for the self-hosted web service.

Replaces the SDK's ``RequestVerifier`` (which downloads certificates with no timeout,
turns a DNS failure into an HTTP 500 and uses naive datetimes; see
``docs/platform-facts.md``) with one built on ``cryptography``:

- ``SignatureCertChainUrl``: https, host s3.amazonaws.com, port 443, a normalized path
  under ``/echo.api/``;
- the chain downloads with a timeout and size limit, is verified to a trusted root with
  ``cryptography.x509.verification`` (validity dates, ``echo-api.amazon.com`` among the
  leaf's DNS names), and is kept in a small least-recently-used cache; a URL whose chain
  failed is remembered for a minute, and concurrent requests for one URL share one
  download, so no client can make the server fetch more than once per URL per minute;
- ``Signature-256`` is checked over the raw body bytes (RSA PKCS#1 v1.5, SHA-256).

``TimestampVerifier`` accepts requests within 150 seconds of now either way (an hour for
skill events) and ``SkillIdVerifier`` the configured skill only. Each failure raises the
SDK's ``VerificationException``, which the web service answers with HTTP 400.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import re
import ssl
import threading
import urllib.request
import warnings
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from skill.web.compat import oscrypto_openssl3

# The SDK's verifier module imports oscrypto, which needs the fix on current OpenSSL. This
# module only exists to be used with flask-ask-sdk, so it installs the fix as it loads.
oscrypto_openssl3.install()
from ask_sdk_webservice_support.verifier import AbstractVerifier, VerificationException  # noqa: E402

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
ALEXA_DNS_NAME = "echo-api.amazon.com"
MAX_REQUEST_SKEW_SECONDS = 150
MAX_EVENT_SKEW_SECONDS = 3600
SKILL_EVENT_TYPES = frozenset(
    {
        "AlexaSkillEvent.SkillEnabled",
        "AlexaSkillEvent.SkillDisabled",
        "AlexaSkillEvent.SkillPermissionChanged",
        "AlexaSkillEvent.SkillPermissionAccepted",
        "AlexaSkillEvent.SkillAccountLinked",
    }
)
MAX_CHAIN_BYTES = 64 * 1024
# Alexa signs with one certificate at a time (a new one every few months): a handful of
# downloads a minute from one client is generous, and bounds what naming fresh URLs can cost;
# the cap is per client address, so a prober cannot spend Alexa's own downloads, with a
# ceiling across all clients (behind a proxy every client has the proxy's address).
DOWNLOADS_PER_MINUTE = 4
DOWNLOADS_PER_MINUTE_IN_ALL = 32
FAILED_URL_SECONDS = 60  # how long a URL whose chain failed is refused without a new fetch

Fetch = Callable[[str], bytes]
Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


def check_cert_url(url: str) -> None:
    """Amazon's rules for ``SignatureCertChainUrl``; raises ``VerificationException``."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "https":
        raise VerificationException("certificate URL is not https")
    if "@" in parts.netloc:
        # "https://s3.amazonaws.com@evil.example/..." has host evil.example; and even with
        # the right host, credentials have no place in Amazon's URL.
        raise VerificationException("certificate URL has user information")
    if (parts.hostname or "").lower() != "s3.amazonaws.com":
        raise VerificationException("certificate URL host is not s3.amazonaws.com")
    try:
        port = parts.port
    except ValueError as exc:
        raise VerificationException("certificate URL port is invalid") from exc
    if port not in (None, 443):
        raise VerificationException("certificate URL port is not 443")
    path = posixpath.normpath(parts.path) if parts.path else ""
    if not path.startswith("/echo.api/"):
        raise VerificationException("certificate URL path is not under /echo.api/")


SYSTEM_BUNDLES = (Path("/etc/ssl/certs/ca-certificates.crt"), Path("/etc/pki/tls/certs/ca-bundle.crt"))


def system_trust_store(candidates: tuple[Path, ...] = SYSTEM_BUNDLES) -> Store:
    """The operating system's trusted roots (the first bundle in ``candidates`` that
    exists: Debian's, then Red Hat's), else certifi's."""
    for candidate in candidates:
        if candidate.exists():
            return Store(_roots(candidate.read_bytes()))
    import certifi

    return Store(_roots(Path(certifi.where()).read_bytes()))


_PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)


def _roots(bundle: bytes) -> list[x509.Certificate]:
    """Every certificate of a PEM bundle that ``cryptography`` can read, one by one.

    Debian 12's bundle holds nine old roots whose serial numbers read as negative (among
    them Starfield's, which cross-signs Amazon's root): cryptography 50 loads them with a
    deprecation warning and says a later release will refuse them. Read as a whole, the
    bundle would then fail and take every root down with it; read one by one, only the
    refused ones are left out. The warning is silenced: it is about the bundle, not us."""
    roots = []
    for block in _PEM_BLOCK.findall(bundle):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            try:
                roots.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    return roots


def download(timeout: float, *, cafile: str | None = None) -> Fetch:
    """Fetch a certificate chain over HTTPS with a timeout and a size limit.

    The HTTPS connection trusts the system's roots; ``cafile`` replaces them and exists
    for tests only (a local HTTPS server with a private certificate authority)."""
    context = ssl.create_default_context(cafile=cafile)

    def fetch(url: str) -> bytes:
        with urllib.request.urlopen(url, timeout=timeout, context=context) as response:
            data: bytes = response.read(MAX_CHAIN_BYTES + 1)
        if len(data) > MAX_CHAIN_BYTES:
            raise VerificationException("certificate chain is too large")
        return data

    return fetch


@dataclass(frozen=True)
class _Trusted:
    key: rsa.RSAPublicKey
    not_after: datetime


class SignatureVerifier(AbstractVerifier):  # type: ignore[misc]
    """Checks the certificate chain and the ``Signature-256`` of each request."""

    def __init__(
        self,
        *,
        trust_store: Store | None = None,
        fetch: Fetch | None = None,
        timeout: float = 3.0,
        cache_size: int = 16,
        clock: Clock = _now,
    ) -> None:
        self._store = trust_store
        self._fetch = fetch or download(timeout)
        self._cache: OrderedDict[str, _Trusted] = OrderedDict()
        self._failed: OrderedDict[str, tuple[datetime, str]] = OrderedDict()  # url -> (until, why)
        self._loading: dict[str, threading.Lock] = {}  # one download per URL at a time
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._clock = clock
        self._downloads: dict[str, deque[datetime]] = {}  # client -> when its recent downloads started

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = system_trust_store()  # loaded on first use, not at start-up
        return self._store

    def verify(
        self,
        headers: Any,
        serialized_request_env: str,
        deserialized_request_env: Any = None,
        *,
        before_download: Callable[[], None] | None = None,
        client: str = "",
    ) -> None:
        """Check the headers, the certificate URL and the signature over the raw body.
        ``before_download`` runs only when the chain is not cached, before it is fetched:
        the caller's cheap checks (timestamp, skill id) may refuse first. ``client``: the
        requester's address, whose downloads are capped."""
        url = _header(headers, CERT_URL_HEADER)
        signature = _header(headers, SIGNATURE_HEADER)
        if not url or not signature:
            raise VerificationException("request is not signed")
        check_cert_url(url)
        try:
            raw_signature = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise VerificationException("signature is not base64") from exc
        key = self._trusted_key(url, before_download, client)  # last: the only check that may need the network
        try:
            key.verify(raw_signature, serialized_request_env.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature as exc:
            raise VerificationException("signature does not match the body") from exc

    def _trusted_key(
        self, url: str, before_download: Callable[[], None] | None = None, client: str = ""
    ) -> rsa.RSAPublicKey:
        known = self._known(url)
        if known is not None:
            return known
        if before_download is not None:
            before_download()
        with self._lock:
            loading = self._loading.setdefault(url, threading.Lock())
        with loading:  # requests for a URL being downloaded wait for that download
            known = self._known(url)
            if known is not None:
                return known
            now = self._clock()
            if not self._may_download(now, client):
                # Any URL under echo.api/ passes the URL check, so a prober can name a new one
                # each time: downloads are capped across URLs, and the URL is not marked failed.
                with self._lock:
                    self._loading.pop(url, None)
                raise VerificationException("too many certificate downloads")
            try:
                trusted = self._load(url, now)
            except VerificationException as exc:
                with self._lock:
                    self._failed[url] = (now + timedelta(seconds=FAILED_URL_SECONDS), str(exc))
                    self._failed.move_to_end(url)
                    _trim(self._failed, self._cache_size * 16)
                    self._loading.pop(url, None)
                raise
            with self._lock:
                self._cache[url] = trusted
                self._cache.move_to_end(url)
                _trim(self._cache, self._cache_size)
                self._loading.pop(url, None)
        return trusted.key

    def _may_download(self, now: datetime, client: str) -> bool:
        """At most ``DOWNLOADS_PER_MINUTE`` chain downloads start in any minute for one client,
        and ``DOWNLOADS_PER_MINUTE_IN_ALL`` for all of them, whatever the URLs."""
        since = now - timedelta(minutes=1)
        with self._lock:
            for started in list(self._downloads.values()):
                while started and started[0] <= since:
                    started.popleft()
            self._downloads = {who: started for who, started in self._downloads.items() if started}
            everyone = sum(len(started) for started in self._downloads.values())
            mine = self._downloads.setdefault(client, deque())
            if len(mine) >= DOWNLOADS_PER_MINUTE or everyone >= DOWNLOADS_PER_MINUTE_IN_ALL:
                return False
            mine.append(now)
            return True

    def _known(self, url: str) -> rsa.RSAPublicKey | None:
        """The key of a cached chain; raises if the URL failed within the last minute."""
        now = self._clock()
        with self._lock:
            cached = self._cache.get(url)
            if cached is not None and now <= cached.not_after:
                self._cache.move_to_end(url)
                return cached.key
            failed = self._failed.get(url)
            if failed is not None:
                until, why = failed
                if now < until:
                    raise VerificationException(f"{why} (remembered)")
                del self._failed[url]
        return None

    def _load(self, url: str, now: datetime) -> _Trusted:
        try:
            pem = self._fetch(url)
        except VerificationException:
            raise
        except Exception as exc:  # DNS failure, refused, timeout, HTTP error: all a failed check
            raise VerificationException(f"certificate chain could not be downloaded: {type(exc).__name__}") from exc
        try:
            chain = x509.load_pem_x509_certificates(pem)
        except ValueError as exc:
            raise VerificationException("certificate chain is not PEM") from exc
        leaf, intermediates = chain[0], chain[1:]
        verifier = PolicyBuilder().store(self.store).time(now).build_server_verifier(x509.DNSName(ALEXA_DNS_NAME))
        try:
            verifier.verify(leaf, intermediates)
        except VerificationError as exc:
            raise VerificationException(f"certificate chain is not trusted: {exc}") from exc
        key = leaf.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise VerificationException("certificate key is not RSA")
        return _Trusted(key, leaf.not_valid_after_utc)


class TimestampVerifier(AbstractVerifier):  # type: ignore[misc]
    """Rejects requests older or newer than 150 seconds (an hour for skill events)."""

    def __init__(self, clock: Clock = _now) -> None:
        self._clock = clock

    def verify(self, headers: Any, serialized_request_env: str, deserialized_request_env: Any) -> None:
        request = getattr(deserialized_request_env, "request", None)
        stamp = getattr(request, "timestamp", None)
        if not isinstance(stamp, datetime):
            raise VerificationException("request has no timestamp")
        check_skew(stamp, getattr(request, "object_type", "") or "", self._clock())


def check_skew(stamp: datetime, kind: str, now: datetime) -> None:
    """The request's time within the window for its type (``kind``: the request's type)."""
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    limit = MAX_EVENT_SKEW_SECONDS if kind in SKILL_EVENT_TYPES else MAX_REQUEST_SKEW_SECONDS
    if abs((now - stamp).total_seconds()) > limit:
        raise VerificationException("request timestamp is outside the allowed window")


class SkillIdVerifier(AbstractVerifier):  # type: ignore[misc]
    """Accepts requests for the configured skill only."""

    def __init__(self, skill_id: str) -> None:
        self._skill_id = skill_id

    def verify(self, headers: Any, serialized_request_env: str, deserialized_request_env: Any) -> None:
        system = getattr(getattr(deserialized_request_env, "context", None), "system", None)
        application_id = getattr(getattr(system, "application", None), "application_id", None)
        if application_id != self._skill_id:
            raise VerificationException("request is for another skill")


def _trim(cache: OrderedDict[str, Any], size: int) -> None:
    """Keep the ``size`` most recently added entries (the cache's own order)."""
    while len(cache) > size:
        cache.popitem(last=False)


def _header(headers: Any, name: str) -> str | None:
    value = headers.get(name) if headers is not None else None
    return value if isinstance(value, str) and value else None
