"""A local HTTPS stand-in for Alexa's Reminders API and device settings API.

So the whole reminders flow runs here without an Amazon account: the tests and
``spine-coach chat`` point the skill's ``apiEndpoint`` at it. It speaks the same paths
and JSON as Alexa (``POST/GET /v1/alerts/reminders``, ``GET/PUT/DELETE
/v1/alerts/reminders/{alertToken}``, ``GET /v2/devices/{deviceId}/settings/
System.timeZone``), checks the bearer token and whether that token was granted the
reminders permission (401 if not), records every request, and can be told to fail
(any status, or a delay longer than the client's timeout) to test the error paths.

It serves TLS with a self-signed certificate it creates; clients trust it through
``ca_path`` (``REQUESTS_CA_BUNDLE`` or the API client's ``verify``).
"""

from __future__ import annotations

import json
import shutil
import ssl
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"


@dataclass
class Recorded:
    method: str
    path: str
    body: Any
    authorization: str | None


@dataclass
class Failure:
    status: int
    delay: float = 0.0
    paths: tuple[str, ...] = ("/v1/alerts/reminders",)  # path prefixes it applies to


@dataclass
class StandIn:
    """The stand-in's state; ``start()`` serves it on a loopback port."""

    store_file: Path | None = None
    default_time_zone: str = "America/New_York"
    time_zones: dict[str, str] = field(default_factory=dict)
    granted: dict[str, set[str]] = field(default_factory=dict)  # token -> scopes
    reminders: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    url: str = ""
    ca_path: str = ""
    _server: ThreadingHTTPServer | None = None
    _folder: Path | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- control ---------------------------------------------------------------------------

    def grant(self, token: str, scope: str = REMINDERS_SCOPE) -> None:
        self.granted.setdefault(token, set()).add(scope)
        self._save()

    def revoke(self, token: str, scope: str = REMINDERS_SCOPE) -> None:
        self.granted.get(token, set()).discard(scope)
        self._save()

    def fail_next(
        self, status: int, *, times: int = 1, delay: float = 0.0, paths: tuple[str, ...] = ("/v1/alerts/reminders",)
    ) -> None:
        """The next ``times`` matching requests answer ``status`` (after ``delay`` seconds)."""
        self.failures.extend(Failure(status, delay, paths) for _ in range(times))

    def reminder_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.startswith("/v1/alerts/reminders")]

    # -- serving ---------------------------------------------------------------------------

    def start(self) -> StandIn:
        if self.store_file is not None and self.store_file.exists():
            saved = json.loads(self.store_file.read_text())
            self.reminders = saved.get("reminders", {})
            self.granted = {token: set(scopes) for token, scopes in saved.get("granted", {}).items()}
        certificate, key = _self_signed()
        folder = Path(tempfile.mkdtemp(prefix="spine-coach-standin-"))
        (folder / "cert.pem").write_bytes(certificate)
        (folder / "key.pem").write_bytes(key)
        self.ca_path = str(folder / "cert.pem")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
        # The server holds the key now; only the certificate, the clients' trust anchor, stays
        # on disk, and only until stop() (every console run starts a stand-in).
        (folder / "key.pem").unlink()
        self._folder = folder
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        server.daemon_threads = True
        server.socket = context.wrap_socket(server.socket, server_side=True)
        self._server = server
        self.url = f"https://localhost:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def _save(self) -> None:
        """Keep reminders and grants across console runs, when a file is given."""
        if self.store_file is not None:
            self.store_file.parent.mkdir(parents=True, exist_ok=True)
            granted = {token: sorted(scopes) for token, scopes in self.granted.items()}
            self.store_file.write_text(json.dumps({"reminders": self.reminders, "granted": granted}, indent=2))

    # -- the API ---------------------------------------------------------------------------

    def handle(self, method: str, path: str, body: Any, authorization: str | None) -> tuple[int, Any]:
        with self._lock:
            self.requests.append(Recorded(method, path, body, authorization))
            failure = next((f for f in self.failures if any(path.startswith(p) for p in f.paths)), None)
            if failure is not None:
                self.failures.remove(failure)
        if failure is not None:
            time.sleep(failure.delay)
            return failure.status, {"code": "SIMULATED", "message": f"simulated {failure.status}"}
        token = (authorization or "").removeprefix("Bearer ").strip()
        if not token:
            return 401, {"code": "UNAUTHORIZED", "message": "no access token"}
        if path.startswith("/v2/devices/") and path.endswith("/settings/System.timeZone") and method == "GET":
            device = path.split("/")[3]
            return 200, self.time_zones.get(device, self.default_time_zone)
        if not path.startswith("/v1/alerts/reminders"):
            return 404, {"code": "NOT_FOUND", "message": "no such API"}
        if REMINDERS_SCOPE not in self.granted.get(token, set()):
            return 401, {"code": "UNAUTHORIZED", "message": "reminders permission not granted"}
        with self._lock:
            return self._reminders(method, path.removeprefix("/v1/alerts/reminders").strip("/"), body)

    def _reminders(self, method: str, alert_token: str, body: Any) -> tuple[int, Any]:
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000")
        if not alert_token:
            if method == "POST":
                problem = _reminder_problem(body)
                if problem:
                    return 400, {"code": "INVALID_REQUEST", "message": problem}
                token = str(uuid.uuid4())
                self.reminders[token] = {
                    **body,
                    "alertToken": token,
                    "createdTime": now,
                    "updatedTime": now,
                    "status": "ON",
                    "version": "1",
                }
                self._save()
                return 201, {
                    "alertToken": token,
                    "createdTime": now,
                    "updatedTime": now,
                    "status": "ON",
                    "version": "1",
                    "href": f"/v1/alerts/reminders/{token}",
                }
            if method == "GET":
                return 200, {"totalCount": str(len(self.reminders)), "alerts": list(self.reminders.values())}
            return 405, {"code": "METHOD_NOT_ALLOWED", "message": method}
        if alert_token not in self.reminders:
            return 404, {"code": "NOT_FOUND", "message": "no such reminder"}
        if method == "GET":
            return 200, self.reminders[alert_token]
        if method == "PUT":
            problem = _reminder_problem(body)
            if problem:
                return 400, {"code": "INVALID_REQUEST", "message": problem}
            version = str(int(self.reminders[alert_token].get("version", "1")) + 1)
            self.reminders[alert_token] = {
                **body,
                "alertToken": alert_token,
                "updatedTime": now,
                "status": "ON",
                "version": version,
                "createdTime": self.reminders[alert_token]["createdTime"],
            }
            self._save()
            return 200, {"alertToken": alert_token, "updatedTime": now, "status": "ON", "version": version}
        if method == "DELETE":
            del self.reminders[alert_token]
            self._save()
            return 200, None
        return 405, {"code": "METHOD_NOT_ALLOWED", "message": method}


def _reminder_problem(body: Any) -> str | None:
    """The checks Alexa makes that matter here: the trigger, the spoken text, the time."""
    if not isinstance(body, dict):
        return "body is not a JSON object"
    trigger = body.get("trigger") or {}
    if trigger.get("type") not in ("SCHEDULED_ABSOLUTE", "SCHEDULED_RELATIVE"):
        return "trigger.type is missing"
    if trigger.get("type") == "SCHEDULED_ABSOLUTE" and not trigger.get("scheduledTime"):
        return "scheduledTime is missing"
    content = ((body.get("alertInfo") or {}).get("spokenInfo") or {}).get("content") or []
    if not content or not all(isinstance(c, dict) and c.get("locale") and c.get("text") for c in content):
        return "alertInfo.spokenInfo.content is missing"
    return None


def _handler(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")
            status, answer = standin.handle(method, self.path.split("?")[0], body, self.headers.get("Authorization"))
            payload = b"" if answer is None else json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up (a simulated timeout)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PUT(self) -> None:
            self._serve("PUT")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _self_signed() -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return certificate.public_bytes(serialization.Encoding.PEM), key_pem
