"""Account linking for the clinic profile: is a request's access token one the clinic's
identity provider issued, for this skill, and still good?

Alexa links a person's Amazon account to their clinic account with the OAuth 2.0
authorization code grant (the clinic's provider asks them to sign in) and then sends the
provider's access token with every request (``context.System.user.accessToken``, or the
recognised person's ``context.System.person.accessToken``). The skill trusts a token only
when it is a JWT signed by one of the provider's published keys (its JWKS), with the
provider as issuer, this skill as audience, and an expiry not passed. PyJWT checks each of
these; the keys are fetched over HTTPS and cached, so most requests check a token without
a network call.

Configured from the environment (the web service's and Lambda's):

- ``SPINE_COACH_OIDC_ISSUER``: the provider's issuer, exactly as its tokens carry it;
- ``SPINE_COACH_OIDC_AUDIENCE``: the audience its tokens for this skill carry;
- ``SPINE_COACH_OIDC_JWKS_URL``: where its keys are published (default: the ``jwks_uri``
  of ``<issuer>/.well-known/openid-configuration``).
"""

from __future__ import annotations

import json
import os
import threading
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt

from skill.alexa import logs

log = logs.getLogger("spine_coach")

ISSUER = "SPINE_COACH_OIDC_ISSUER"
AUDIENCE = "SPINE_COACH_OIDC_AUDIENCE"
JWKS_URL = "SPINE_COACH_OIDC_JWKS_URL"
# Asymmetric signatures only: a shared-secret (HS*) or unsigned ("none") token proves nothing
# about who issued it.
ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]
# Alexa answers in about eight seconds; a provider slower than this is treated as down.
TIMEOUT = 3.0
# Clocks differ a little between the provider and us.
LEEWAY = 30
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class ProviderUnavailable(RuntimeError):
    """The provider's keys could not be read: a token cannot be judged either way."""


class AccountsNotConfigured(ValueError):
    """The clinic profile was asked for without a provider to check its tokens against."""


@dataclass(frozen=True)
class Linked:
    """A verified token: the clinic's identifier for the patient (the ``sub`` claim)."""

    subject: str


class TokenCheck:
    """Checks access tokens against one provider (thread-safe: PyJWT's key client locks its cache)."""

    def __init__(self, *, issuer: str, audience: str, jwks_url: str | None = None, leeway: float = LEEWAY) -> None:
        """``jwks_url`` None: found from the issuer's OpenID configuration on first use (a
        provider down when the service starts is then a provider down, not a service that
        cannot start)."""
        _require_https(jwks_url if jwks_url is not None else issuer)
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self._jwks_url = jwks_url
        self._keys: jwt.PyJWKClient | None = None
        self._lock = threading.Lock()

    def _key_client(self) -> jwt.PyJWKClient:
        with self._lock:
            if self._keys is None:
                url = self._jwks_url or discover_jwks(self.issuer)
                self._keys = jwt.PyJWKClient(url, cache_keys=True, lifespan=300, timeout=TIMEOUT)
            return self._keys

    def check(self, token: str | None) -> Linked | None:
        """The link ``token`` proves, or None (no token, or one that is forged, expired, for
        another audience or from another issuer). Raises ``ProviderUnavailable`` when the
        provider's keys cannot be read."""
        if not token:
            return None
        try:
            key = self._key_client().get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWKClientConnectionError as exc:
            raise ProviderUnavailable(type(exc).__name__) from exc
        except (jwt.InvalidTokenError, jwt.PyJWKClientError) as exc:
            # forged, expired, wrong issuer or audience, a key the provider never published, not a JWT
            log.info("access token refused: %s", type(exc).__name__)
            return None
        except Exception as exc:  # keys that are not a key set (an error page), discovery failing ...
            raise ProviderUnavailable(type(exc).__name__) from exc
        subject = claims.get("sub")
        return Linked(subject) if isinstance(subject, str) and subject else None


def from_environment(environ: Mapping[str, str] | None = None) -> TokenCheck:
    """The token check the environment configures (see the module's docstring)."""
    env = os.environ if environ is None else environ
    issuer, audience = env.get(ISSUER, "").strip(), env.get(AUDIENCE, "").strip()
    if not issuer or not audience:
        raise AccountsNotConfigured(
            f"the clinic profile links accounts: set {ISSUER} and {AUDIENCE} to the clinic's identity provider"
        )
    return TokenCheck(issuer=issuer, audience=audience, jwks_url=env.get(JWKS_URL, "").strip() or None)


def discover_jwks(issuer: str) -> str:
    """The ``jwks_uri`` the provider's OpenID configuration names."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    _require_https(url)
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as answer:
            document: Any = json.load(answer)
    except (OSError, ValueError) as exc:
        raise ProviderUnavailable(f"could not read {url}: {type(exc).__name__}") from exc
    jwks = document.get("jwks_uri") if isinstance(document, dict) else None
    if not isinstance(jwks, str) or not jwks:
        raise ProviderUnavailable(f"{url} names no jwks_uri")
    _require_https(jwks)
    return jwks


def _require_https(url: str) -> None:
    """Keys fetched in the clear could be swapped on the way; loopback (a local provider) is
    the one exception."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK):
        return
    raise AccountsNotConfigured(f"{url}: the provider's keys must be fetched over https")
