"""Where the user's record is stored: under the Alexa user id, as the SDK's own adapters do.
The sort keys of their history entries are domain knowledge (``skill.domain.history``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ask_sdk_core.exceptions import PersistenceException


def user_key(request_envelope: Any) -> str:
    """``context.System.user.userId``; one record per Alexa account and skill."""
    try:
        user_id = request_envelope.context.system.user.user_id
    except AttributeError:
        user_id = None
    if not isinstance(user_id, str) or not user_id:
        raise PersistenceException("request has no user id")
    return user_id


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


# The link code's hash mixes in a secret of the deployment, kept outside the store: a copy of
# the store alone then says nothing about any code (a table of a million hashes built for one
# deployment fits no other). ``SPINE_COACH_LINK_SECRET`` names it (Lambda's template passes
# one); a SQLite store without it keeps one in a file of its own beside the database.
LINK_SECRET_ENV = "SPINE_COACH_LINK_SECRET"


def link_secret(beside: Path | None = None) -> bytes:
    """The deployment's link secret: the environment's, else the file beside ``beside`` (made
    on first use, readable by its owner only), else none (``b""``: the fixed salt alone)."""
    from_env = os.environ.get(LINK_SECRET_ENV)
    if from_env:
        return from_env.encode()
    if beside is None:
        return b""
    path = beside.with_name(beside.name + ".link-secret")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_bytes(32))
        return path.read_bytes()
    except FileExistsError:  # another process made it between the read and the create
        return path.read_bytes()
