"""A clinic's identity provider on loopback, for the console and the tests (clinic profile).

A real OAuth 2.0 authorization server (Authlib's) that issues signed JWT access tokens
(RFC 9068) by the authorization code grant, the grant Alexa's account linking uses: Alexa
sends the person to ``/authorize``, gets a code back at its redirect address and trades it
at ``/token``. Here nobody types a password: ``/authorize`` signs in the patient its
``login_hint`` names (a stand-in for the clinic's login page). The keys are published at
``/jwks`` and named by ``/.well-known/openid-configuration``, as a provider's are.

Nothing here is used by the skill at run time: the skill only reads the keys a provider
publishes (``skill.alexa.account``). Tests start several providers to make the tokens a
skill must refuse: expired ones, ones from another issuer, ones for another audience.
"""

from __future__ import annotations

import secrets
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

import requests
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from flask import Flask, jsonify, request
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import WSGIRequestHandler, make_server

# Alexa's account-linking client, as a clinic would register it (the redirect is Alexa's).
ALEXA_CLIENT = "alexa-skill"
ALEXA_SECRET = "alexa-skill-secret"
ALEXA_REDIRECT = "https://layla.amazon.com/api/skill/link/LOCALSKILL"
# Another application of the same clinic: its tokens are for another audience.
OTHER_CLIENT = "clinic-portal"
DEFAULT_PATIENT = "patient-0001"
# The scope Alexa asks for (the skill's account-linking settings): the patient's exercise programme.
SCOPE = "exercise-programme"


@dataclass(frozen=True)
class _Client:
    client_id: str
    secret: str
    redirect_uri: str

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_allowed_scope(self, scope: str) -> str:
        return scope

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("authorization_code", "refresh_token")


# The clinic's registered clients: Alexa's account linking, and another application of the
# clinic's (its tokens are for another audience).
CLIENTS = {
    ALEXA_CLIENT: _Client(ALEXA_CLIENT, ALEXA_SECRET, ALEXA_REDIRECT),
    OTHER_CLIENT: _Client(OTHER_CLIENT, "portal-secret", "https://portal.clinic.example/callback"),
}


@dataclass(frozen=True)
class _Patient:
    subject: str

    def get_user_id(self) -> str:
        return self.subject


@dataclass
class _Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    subject: str
    made: float = field(default_factory=time.time)

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> None:
        return None

    def get_auth_time(self) -> int:
        return int(self.made)

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None

    def is_expired(self) -> bool:
        return time.time() - self.made > 300


@dataclass
class ProviderSettings:
    issuer: str | None = None  # default: the provider's own address
    audience: str = "spine-coach"  # what its tokens for Alexa's client carry as ``aud``
    token_seconds: int = 3600
    key: Any = None  # an RSAKey (joserfc) to sign with (default: a new RSA key); share one to forge


def new_key() -> Any:
    return RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "RS256"})


def build_app(settings: ProviderSettings, base_url: str) -> Flask:
    issuer = settings.issuer or base_url
    key = settings.key if settings.key is not None else new_key()
    codes: dict[str, _Code] = {}

    class Tokens(JWTBearerTokenGenerator):  # type: ignore[misc]
        def get_jwks(self) -> Any:
            return KeySet([key])

        def get_audiences(self, client: Any, user: Any, scope: str) -> str:
            return settings.audience if client.get_client_id() == ALEXA_CLIENT else str(client.get_client_id())

    class CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
        TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_basic", "client_secret_post"]

        def save_authorization_code(self, code: str, req: Any) -> None:
            codes[code] = _Code(
                code, req.client.get_client_id(), req.payload.redirect_uri, req.payload.scope or "", req.user.subject
            )

        def query_authorization_code(self, code: str, client: Any) -> _Code | None:
            found = codes.get(code)
            return found if found is not None and found.client_id == client.get_client_id() else None

        def delete_authorization_code(self, authorization_code: _Code) -> None:
            codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code: _Code) -> _Patient:
            return _Patient(authorization_code.subject)

    app = Flask("spine-coach-identity-provider")
    server = AuthorizationServer(app, query_client=CLIENTS.get, save_token=lambda token, req: None)
    server.register_grant(CodeGrant)
    server.register_token_generator(
        "default", Tokens(issuer=issuer, expires_generator=lambda client, grant_type: settings.token_seconds)
    )

    @app.get("/.well-known/openid-configuration")
    def configuration() -> Any:
        return jsonify(
            issuer=issuer,
            authorization_endpoint=f"{base_url}/authorize",
            token_endpoint=f"{base_url}/token",
            jwks_uri=f"{base_url}/jwks",
            response_types_supported=["code"],
            grant_types_supported=["authorization_code"],
        )

    @app.get("/jwks")
    def jwks() -> Any:
        return jsonify(keys=[key.as_dict(private=False)])

    @app.get("/authorize")
    def authorize() -> Any:
        # The clinic's login page would be here; this provider signs in whom it is told to.
        patient = _Patient(request.args.get("login_hint", DEFAULT_PATIENT))
        return server.create_authorization_response(
            grant_user=patient, grant=server.get_consent_grant(end_user=patient)
        )

    @app.post("/token")
    def token() -> Any:
        return server.create_token_response()

    return app


@dataclass
class Provider:
    """A running provider: its address, and tokens from it as Alexa would get them."""

    url: str
    settings: ProviderSettings

    @property
    def issuer(self) -> str:
        return self.settings.issuer or self.url

    def link(self, patient: str = DEFAULT_PATIENT, client: str = ALEXA_CLIENT) -> str:
        """An access token for ``patient``, by the authorization code grant: what Alexa holds
        once the patient has linked their account."""
        registered = CLIENTS[client]
        redirect = registered.redirect_uri
        state = secrets.token_urlsafe(8)
        sent = requests.get(
            f"{self.url}/authorize",
            params={
                "response_type": "code",
                "client_id": client,
                "redirect_uri": redirect,
                "scope": SCOPE,
                "state": state,
                "login_hint": patient,
            },
            allow_redirects=False,
            timeout=10,
        )
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(sent.headers["Location"]).query)
        if query.get("state") != [state]:
            raise RuntimeError(f"the provider answered the authorization with {sent.headers['Location']}")
        answer = requests.post(
            f"{self.url}/token",
            data={"grant_type": "authorization_code", "code": query["code"][0], "redirect_uri": redirect},
            auth=(client, registered.secret),
            timeout=10,
        )
        answer.raise_for_status()
        access_token: str = answer.json()["access_token"]
        return access_token


class _Quiet(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """No line per request on the console's terminal."""


def start(settings: ProviderSettings | None = None) -> tuple[Provider, Any]:
    """A provider on a free loopback port, served by a daemon thread (it ends with the
    process), and its server (``shutdown()`` stops it sooner)."""
    settings = settings or ProviderSettings()
    server = make_server("127.0.0.1", 0, Flask("placeholder"), threaded=True, request_handler=_Quiet)
    url = f"http://127.0.0.1:{server.server_port}"
    server.app = build_app(settings, url)
    threading.Thread(target=server.serve_forever, name="identity-provider", daemon=True).start()
    return Provider(url, settings), server


@contextmanager
def running(settings: ProviderSettings | None = None) -> Iterator[Provider]:
    """A provider on a free loopback port until the block ends."""
    provider, server = start(settings)
    try:
        yield provider
    finally:
        server.shutdown()


def local_link(patient: str = DEFAULT_PATIENT) -> tuple[Any, str]:
    """For the console and the screen script (clinic profile): a provider for the life of the
    process, the skill's check of its tokens, and the token Alexa would hold once ``patient``
    had linked their account."""
    from skill.alexa.account import TokenCheck

    provider, _ = start()
    check = TokenCheck(issuer=provider.issuer, audience=provider.settings.audience, jwks_url=f"{provider.url}/jwks")
    return check, provider.link(patient)
