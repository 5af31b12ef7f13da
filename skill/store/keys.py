"""Where the user's record is stored: under the Alexa user id, as the SDK's own adapters do.
The sort keys of their history entries are domain knowledge (``skill.domain.history``)."""

from __future__ import annotations

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


def link_id(code_hash: str) -> str:
    return f"link#{code_hash}"


def code_index(code_hash: str) -> str:
    return f"{CODE}{code_hash}"
