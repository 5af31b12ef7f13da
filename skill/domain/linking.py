"""Linking a physiotherapist's plan to a patient without either side learning who the other is.

The patient asks for a code; the skill reads out six digits, stores only a slow hash of
them with their Alexa user id and an expiry 15 minutes ahead. The clinic runs
``spine-coach plan assign --code N FILE`` against the same store: the code is claimed
(deleted in the same store call, so it works once) and the checked plan is stored beside
the patient's history. A wrong, reused or expired code gets the same refusal, which names
no patient. The next launch tells the patient their plan is set.

The adherence report (``spine-coach report --code N``) reads a live code without using it
up (``user_for_report``): at a visit the clinician looks at how the exercises went, then
assigns the changed plan with the same code. The code still lives only 15 minutes, and once
a plan was assigned with it, it opens no report either.

Why scrypt: six digits are only a million codes, so a fast hash of them would be as good
as the code itself to anyone reading the store; scrypt makes trying them all take far
longer than the code lives. The salt is fixed per deployment (the hash is the lookup key),
and mixes in the deployment's secret, kept outside the store's tables
(``PlanStore.link_secret``): a table of hashes built for one deployment fits no other, and a
copy of the tables (a DynamoDB export, the SQLite database file alone) reveals no code. A
SQLite store's secret is a file beside the database: a copy of the whole folder has both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from skill.domain.catalog import Catalog

if TYPE_CHECKING:  # loaded on use: a launch without a plan needs neither (cold start, issue 16)
    from skill.domain.plan import Plan

LINK_MINUTES = 15
CODE_DIGITS = 6
# Wrong codes, across the deployment: this many in the window locks every code out for the
# rest of it (a million codes are not tried ten at a time); each refusal is logged by the caller.
MAX_REFUSALS = 10
REFUSAL_WINDOW = LINK_MINUTES * 60
_SALT = b"spine-coach plan link v1"
_CODE = r"^[0-9]{6}$"  # compiled at first use (re's cache), not at import


class PlanStore(Protocol):
    """What both stores (``skill.store.sqlite``, ``skill.store.dynamodb``) offer for plans."""

    @property
    def link_secret(self) -> bytes: ...

    def put_link(self, code_hash: str, user: str, now: int, expires_at: int) -> bool: ...
    def claim_link(self, code_hash: str, now: int) -> str | None: ...
    def peek_link(self, code_hash: str, now: int) -> str | None: ...
    def put_plan(self, user: str, record: dict[str, Any]) -> None: ...
    def get_plan(self, user: str) -> dict[str, Any] | None: ...
    def delete_plan(self, user: str) -> None: ...
    def count_refusal(self, now: int, window: int) -> int: ...
    def recent_refusals(self, now: int, window: int) -> int: ...


class CodeRefused(Exception):
    """The code is unknown, used or expired; deliberately says no more than that.
    ``refusals``: how many codes were refused in the window, this one included."""

    def __init__(self, refusals: int = 0) -> None:
        super().__init__(refusals)
        self.refusals = refusals


class CodesLocked(CodeRefused):
    """Too many wrong codes lately: every code is refused until the window has passed."""


def _checked_code(store: PlanStore, code: str, now: int) -> str:
    """The code's hash, unless codes are locked out (``CodesLocked``) or it is malformed
    (``CodeRefused``, counted)."""
    refused = store.recent_refusals(now, REFUSAL_WINDOW)
    if refused >= MAX_REFUSALS:
        raise CodesLocked(refused)
    if not re.match(_CODE, code.strip()):
        raise CodeRefused(store.count_refusal(now, REFUSAL_WINDOW))
    return code_hash(code.strip(), store.link_secret)


# scrypt's cost: 16 MiB and about 50 ms a hash, so a million codes cost hours, not seconds.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def code_hash(code: str, secret: bytes = b"") -> str:
    import hashlib  # on use: loading OpenSSL costs a cold start that links nothing

    salt = _SALT + secret
    return hashlib.scrypt(code.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32).hex()


def new_link(store: PlanStore, user: str, now: datetime) -> str:
    """A fresh six-digit code for ``user``, stored as its hash until 15 minutes from ``now``."""
    import secrets

    at = int(now.timestamp())
    for _ in range(20):  # a clash with another user's live code is rare: draw again
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        if store.put_link(code_hash(code, store.link_secret), user, at, at + LINK_MINUTES * 60):
            return code
    raise RuntimeError("no free link code")  # a million codes all live at once: not a real case


def assign(store: PlanStore, code: str, data: Any, catalog: Catalog, now: datetime) -> Plan:
    """Check the plan, then claim the code and store the plan for its user.

    ``PlanError`` for a bad plan (the code is not used up), ``CodeRefused`` for a code
    that is malformed, unknown, used or expired.
    """
    from skill.domain.plan import parse_plan

    plan = parse_plan(data, catalog)
    user = _redeem(store, code, now, store.claim_link)
    store.put_plan(user, {"plan": data, "assigned_at": now.isoformat(timespec="seconds"), "announced": False})
    return plan


def user_for_report(store: PlanStore, code: str, now: datetime) -> str:
    """The user of a live code, leaving the code valid for ``assign``; ``CodeRefused`` for a
    code that is malformed, unknown, used or expired (the same refusal as ``assign``'s)."""
    return _redeem(store, code, now, store.peek_link)


def _redeem(store: PlanStore, code: str, now: datetime, lookup: Callable[[str, int], str | None]) -> str:
    """The user ``lookup`` (claim or peek) finds for a checked code; a refusal is counted."""
    at = int(now.timestamp())
    user = lookup(_checked_code(store, code, at), at)
    if user is None:
        raise CodeRefused(store.count_refusal(at, REFUSAL_WINDOW))
    return user


@dataclass(frozen=True)
class LinkedPlan:
    """A user's stored plan: the checked plan and whether they have heard it is set."""

    plan: Plan
    raw: dict[str, Any]
    announced: bool


def linked_plan(store: PlanStore, user: str, catalog: Catalog) -> LinkedPlan | None:
    """The user's plan, or None (also when the stored plan no longer passes the check, for
    example after an exercise left the catalog: coaching an unchecked plan is worse)."""
    record = store.get_plan(user)
    if record is None:
        return None
    from skill.domain.plan import PlanError, parse_plan

    try:
        plan = parse_plan(record.get("plan"), catalog)
    except PlanError:
        return None
    return LinkedPlan(plan, record, record.get("announced") is True)


def mark_announced(store: PlanStore, user: str, linked: LinkedPlan) -> None:
    store.put_plan(user, {**linked.raw, "announced": True})
