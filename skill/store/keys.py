"""Where the user's record is stored: under the Alexa user id, as the SDK's own adapters do.
The sort keys of their history entries are domain knowledge (``skill.domain.history``)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from ask_sdk_core.exceptions import PersistenceException


def account_key(request_envelope: Any) -> str:
    """``context.System.user.userId``: the Alexa account, for this skill."""
    try:
        user_id = request_envelope.context.system.user.user_id
    except AttributeError:
        user_id = None
    if not isinstance(user_id, str) or not user_id:
        raise PersistenceException("request has no user id")
    return user_id


# A voice Alexa recognises (``context.System.person.personId``, sent only to a skill that asks
# for personalization: the clinic profile) has a record of its own, beside the account's.
PERSON = "#person#"
# ... and each such person is listed under the account ("person#<personId>", sorting after
# every "p#" history key), so that disabling the skill finds and deletes every one of them.
PERSON_ROW = "person#"


def person_id(request_envelope: Any) -> str | None:
    """``context.System.person.personId``: the voice Alexa recognised; None for any other."""
    person = getattr(
        getattr(getattr(getattr(request_envelope, "context", None), "system", None), "person", None), "person_id", None
    )
    return person if isinstance(person, str) and person else None


# Under the clinic profile a person's record is also the linked clinic account's: the person's
# id as stored carries a digest of the clinic's identifier for the patient (the token's
# ``sub``), so a voice relinked to another clinic account opens a record of its own, never the
# first patient's. A keyed digest (HMAC with the deployment's secret, ``link_secret``), not the
# identifier nor its plain hash: a clinic's identifiers are often guessable (record numbers),
# and a copy of the store alone must not tell whose record is whose by hashing each of them.
BOUND = "~"
_BINDING = b"spine-coach person binding\0"  # keeps these digests apart from the link codes'


def bound_person(person: str, subject: str, secret: bytes) -> str:
    """``person`` as the store keys it for the clinic patient ``subject`` linked to it, under
    the deployment's ``secret`` (a new secret orphans every bound record, as it voids every
    live link code)."""
    import hashlib
    import hmac

    digest = hmac.new(secret, _BINDING + subject.encode(), hashlib.sha256).hexdigest()[:24]
    return f"{person}{BOUND}{digest}"


def user_key(request_envelope: Any) -> str:
    """Whose record a request reads and writes: the recognised person's, else the account's."""
    account = account_key(request_envelope)
    person = person_id(request_envelope)
    return f"{account}{PERSON}{person}" if person else account


def person_row(request_envelope: Any) -> str | None:
    """The sort key listing the request's person under its account; None for no person."""
    person = person_id(request_envelope)
    return f"{PERSON_ROW}{person}" if person else None


def listed_person(account: str, row: str) -> str:
    """The key of the person an account's "person#..." row lists."""
    return f"{account}{PERSON}{row.removeprefix(PERSON_ROW)}"


# A linked physiotherapist's plan is one more row or item under the user's id (so deleting
# the user's data deletes it). "plan" sorts after every "p#..." key, so no history range
# ever reads it.
PLAN = "plan"
# A link code waiting for the clinic: its own row or item under "link#<hash of the code>".
LINK = "link"


# ... and indexed under its user's id ("code#<hash>"), so that deleting the user, or issuing a
# newer code, finds and deletes it. "code#" sorts before every history prefix ("p#", "s#",
# "y#"), so no history range reads it.
CODE = "code#"
CODE_END = "code$"  # "$" follows "#": every "code#..." key sorts below it


# Link codes refused lately, across the deployment (one row or item: their times).
REFUSALS_ID = "link-refusals"
REFUSALS = "refusals"


def link_id(code_hash: str) -> str:
    return f"link#{code_hash}"


def code_index(code_hash: str) -> str:
    return f"{CODE}{code_hash}"


def indexed_link(index_sk: str) -> str:
    """The link row's id for a user's index sort key ("code#<hash>" -> "link#<hash>")."""
    return link_id(index_sk.removeprefix(CODE))


def link_index(link_row_id: str) -> str:
    """The index sort key for a link row's id ("link#<hash>" -> "code#<hash>")."""
    return code_index(link_row_id.removeprefix(link_id("")))


def refusal_window(now: int, window: int) -> str:
    """The sort key of the refusal counter for the fixed window ``now`` falls in."""
    return f"{REFUSALS}#{now // window}"


# The link code's hash mixes in a secret of the deployment, kept outside the store: a copy of
# the store alone then says nothing about any code (a table of a million hashes built for one
# deployment fits no other). ``SPINE_COACH_LINK_SECRET`` names it (Lambda's template passes
# one); a SQLite store without it keeps one in a file of its own beside the database.
LINK_SECRET_ENV = "SPINE_COACH_LINK_SECRET"


class LinkSecretMissing(RuntimeError):
    """A store that cannot keep its own secret (DynamoDB) has none in the environment: codes
    hashed without it would not match the clinic's, so none are issued or redeemed."""


def link_secret(beside: Path | None = None) -> bytes:
    """The deployment's link secret: the environment's, else the file beside ``beside`` (made
    on first use, readable by its owner only), else none (``b""``: the fixed salt alone)."""
    from_env = os.environ.get(LINK_SECRET_ENV)
    if from_env:
        return from_env.encode()
    if beside is None:
        return b""
    path = beside.with_name(beside.name + ".link-secret")
    if not path.exists():
        _make_secret(path)
    secret = path.read_bytes()
    if not secret:
        raise ValueError(f"{path} is empty: delete it to draw a new secret (live link codes stop working)")
    return secret


def _make_secret(path: Path) -> None:
    """Write a new secret whole, then link it into place: two processes starting at once both
    end up with the one that was linked first, and nobody reads a half-written file."""
    import secrets
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, draft = tempfile.mkstemp(dir=path.parent, prefix=".link-secret-")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_bytes(32))
        with contextlib.suppress(FileExistsError):  # another process linked its secret first: that one it is
            os.link(draft, path)
    finally:
        os.unlink(draft)
