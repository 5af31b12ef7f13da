"""Linking a physiotherapist's plan: the code works once, for 15 minutes, only its hash is
stored, and ``spine-coach plan assign`` against the same SQLite file or DynamoDB tables puts
the plan beside the patient's history (deleted with their data). Refusals name nobody.
``spine-coach report --code`` reads a live code without using it up: the same code then
assigns the plan."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from skill.devtools.cli import main
from skill.domain import history as keys
from skill.domain.linking import code_hash, new_link
from skill.store.dynamodb import dynamodb_store
from skill.store.sqlite import SQLiteStore
from tests.dynamo import Emulator
from tests.test_store_sqlite import request_for

EXAMPLE = Path(__file__).resolve().parent.parent / "content" / "plans" / "examples" / "mid.json"
USER = "amzn1.ask.account.PATIENT-SECRET-ID"
REFUSAL = "that code is not valid"


class Envelope:
    """Just enough of a request envelope for ``delete_attributes`` (the user id)."""

    def __init__(self, user: str) -> None:
        self.context = type("C", (), {"system": type("S", (), {"user": type("U", (), {"user_id": user})()})()})()


def _assign(capsys: pytest.CaptureFixture[str], url: str, code: str, plan: Path = EXAMPLE) -> tuple[int, str]:
    status = main(["plan", "assign", "--code", code, str(plan), "--store", url])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def _report(capsys: pytest.CaptureFixture[str], url: str, who: list[str], out: Path) -> tuple[int, str]:
    status = main(["report", *who, "--from", "2026-09-01", "--to", "2026-09-30", "--out", str(out), "--store", url])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def _flow(store: Any, url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    now = datetime.now(UTC)
    code = new_link(store, USER, now)
    assert len(code) == 6
    assert code.isdigit()
    # One session of a stock routine, so the patient's report is not the empty one.
    session: dict[str, Any] = {"started_at": "2026-09-02T09:00:00+00:00", "ended_at": "2026-09-02T09:20:00+00:00"}
    session |= {"routine": "early", "done": ["bridging"], "skipped": [], "status": "finished"}
    store.append_history(request_for(USER, person=None), [(keys.session_key(session), session)])

    # The report by the code is the patient's, and reading it twice leaves the code valid.
    status, said = _report(capsys, url, ["--user", USER], tmp_path / "by-user.html")
    assert status == 0, said
    assert "1 other sessions" in said
    for attempt in ("first", "second"):
        status, said = _report(capsys, url, ["--code", code], tmp_path / f"by-code-{attempt}.html")
        assert status == 0, said
        assert (tmp_path / f"by-code-{attempt}.html").read_text() == (tmp_path / "by-user.html").read_text()

    # A bad plan is refused without using up the code.
    bad = tmp_path / "bad.json"
    data = json.loads(EXAMPLE.read_text())
    data["exercises"][0]["reps"] = 500
    bad.write_text(json.dumps(data))
    status, said = _assign(capsys, url, code, bad)
    assert status == 1
    assert "500 repetitions is more than 100" in said
    assert store.get_plan(USER) is None

    status, said = _assign(capsys, url, code)
    assert status == 0, said
    assert "plan assigned: 8 exercises" in said
    stored = store.get_plan(USER)
    assert stored is not None
    assert stored["plan"] == json.loads(EXAMPLE.read_text())
    assert stored["announced"] is False

    # Used once: the same code is refused, saying nothing about the patient; no report either.
    status, said = _assign(capsys, url, code)
    assert status == 1
    assert REFUSAL in said
    assert USER not in said
    assert "PATIENT" not in said
    status, said = _report(capsys, url, ["--code", code], tmp_path / "used.html")
    assert status == 1
    assert REFUSAL in said
    assert "PATIENT" not in said
    assert not (tmp_path / "used.html").exists()

    # Expired: a code made 16 minutes ago is refused in the same words as an unknown one.
    old = new_link(store, "amzn1.ask.account.OTHER", now - timedelta(minutes=16))
    expired = _assign(capsys, url, old)
    unknown = _assign(capsys, url, "000000" if old != "000000" else "000001")
    assert expired[0] == unknown[0] == 1
    # The same words (the refusal count on the line before them is the deployment's, not the code's).
    assert expired[1].splitlines()[-1] == unknown[1].splitlines()[-1]
    assert REFUSAL in expired[1]
    stale = new_link(store, "amzn1.ask.account.OTHER", now - timedelta(minutes=16))  # not tried by assign
    expired_report = _report(capsys, url, ["--code", stale], tmp_path / "expired.html")
    unknown_report = _report(capsys, url, ["--code", "000000" if stale != "000000" else "000001"], tmp_path / "u.html")
    assert expired_report[0] == unknown_report[0] == 1
    assert expired_report[1].splitlines()[-1] == unknown_report[1].splitlines()[-1]
    assert REFUSAL in expired_report[1]
    assert not (tmp_path / "expired.html").exists()

    # Delete my data removes the plan too.
    store.delete_attributes(Envelope(USER))
    assert store.get_plan(USER) is None


def test_link_and_assign_on_the_same_sqlite_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "coach.db"
    store = SQLiteStore(path)
    _flow(store, f"sqlite:///{path}", capsys, tmp_path)


def test_only_the_codes_hash_is_stored(tmp_path: Path) -> None:
    path = tmp_path / "coach.db"
    store = SQLiteStore(path)
    code = new_link(store, USER, datetime.now(UTC))
    rows = sqlite3.connect(path).execute("SELECT id, sk, data FROM history ORDER BY id").fetchall()
    assert code not in repr(rows)
    # The code's row, and its index under the user (so deleting the user deletes it: issue 30).
    assert [(row_id, sk) for row_id, sk, _ in rows] == [
        (USER, f"code#{code_hash(code, store.link_secret)}"),
        (f"link#{code_hash(code, store.link_secret)}", "link"),
    ]


def test_a_code_is_single_use_in_the_store(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "coach.db")
    now = datetime.now(UTC)
    code = new_link(store, USER, now)
    at = int(now.timestamp())
    assert store.claim_link(code_hash(code, store.link_secret), at) == USER
    assert store.claim_link(code_hash(code, store.link_secret), at) is None


def test_link_and_assign_on_dynamodb(emulator: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    emulator.create_table("plans")
    store = dynamodb_store(table="plans", region="us-east-1", endpoint=emulator.endpoint)
    _flow(store, f"dynamodb://plans?region=us-east-1&endpoint={emulator.endpoint}", capsys, tmp_path)


def test_the_code_hash_is_slow_and_keyed_by_the_deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 30: replacing scrypt with a plain sha256 failed no test. The hash must be scrypt
    at 16 MiB (n=2**14, r=8), and must change with the deployment's secret: two deployments,
    or a store copied without its secret, share no hash for the same code."""
    import hashlib

    from skill.domain import linking

    expected = hashlib.scrypt(b"123456", salt=b"spine-coach plan link v1" + b"k1", n=2**14, r=8, p=1, dklen=32)
    assert linking.code_hash("123456", b"k1") == expected.hex()
    assert linking.code_hash("123456", b"k1") != linking.code_hash("123456", b"k2")
    monkeypatch.delenv("SPINE_COACH_LINK_SECRET", raising=False)
    first, second = SQLiteStore(tmp_path / "a.db"), SQLiteStore(tmp_path / "b.db")
    assert len(first.link_secret) == 32 and first.link_secret != second.link_secret
    assert (tmp_path / "a.db.link-secret").stat().st_mode & 0o077 == 0  # its owner's only
    assert SQLiteStore(tmp_path / "a.db").link_secret == first.link_secret  # kept, not redrawn
    monkeypatch.setenv("SPINE_COACH_LINK_SECRET", "from-the-environment")
    assert SQLiteStore(tmp_path / "c.db").link_secret == b"from-the-environment"


def test_wrong_codes_lock_every_code_out_and_each_refusal_is_logged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 30: no limit on guesses, no log of refusals. Ten wrong codes in fifteen minutes
    lock out every code, the right one too, until the window has passed; each refusal is one
    line on stderr that never holds the code tried."""
    from skill.devtools.cli import main
    from skill.domain import linking
    from skill.domain.clock import FixedClock

    clock = FixedClock(datetime(2026, 12, 6, 9, 0, tzinfo=UTC))
    monkeypatch.setattr("skill.domain.clock.system_clock", clock)
    store = SQLiteStore(tmp_path / "coach.db")
    right = new_link(store, USER, clock())
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    report = ["report", "--from", "2026-12-01", "--to", "2026-12-06", "--store", url, "--out", str(tmp_path / "r.html")]
    wrong = [f"{(int(right) + n) % 10**6:06d}" for n in range(1, linking.MAX_REFUSALS + 1)]
    for n, code in enumerate(wrong, start=1):
        assert main([*report[:1], "--code", code, *report[1:]]) == 1
        err = capsys.readouterr().err
        assert f"link code refused ({n} of {linking.MAX_REFUSALS} allowed in 15 minutes)" in err
        assert code not in err
    assert main([*report[:1], "--code", right, *report[1:]]) == 1  # the right code, locked out
    err = capsys.readouterr().err
    assert "every code is refused" in err and right not in err
    clock.advance(seconds=linking.REFUSAL_WINDOW - 60)  # the code itself is still live...
    with pytest.raises(linking.CodesLocked):
        linking.user_for_report(store, right, clock())
    clock.advance(seconds=61)  # once the window has passed, codes work again (a fresh one: that one expired)
    assert linking.user_for_report(store, new_link(store, USER, clock()), clock()) == USER


def test_dynamodb_without_a_link_secret_refuses_to_hash_codes(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Issue 30 review: without the secret, the skill and the clinic's commands would each hash
    codes their own way; a clear error instead of codes that never match (and a lockout)."""
    from skill.store.keys import LinkSecretMissing

    monkeypatch.delenv("SPINE_COACH_LINK_SECRET")
    emulator.create_table("no-secret")
    store = dynamodb_store(table="no-secret", region="us-east-1", endpoint=emulator.endpoint)
    with pytest.raises(LinkSecretMissing):
        new_link(store, USER, datetime.now(UTC))
    url = f"dynamodb://no-secret?region=us-east-1&endpoint={emulator.endpoint}"
    report = [
        "report",
        "--code",
        "123456",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-06",
        "--out",
        str(tmp_path / "r.html"),
    ]
    assert main([*report, "--store", url]) == 2
    assert "SPINE_COACH_LINK_SECRET is not set" in capsys.readouterr().err


def test_refusals_are_counted_on_dynamodb(emulator: Emulator) -> None:
    """Issue 30 review: refusals are one counter per window, added to with ``ADD`` (DynamoDB's
    atomic counter; the emulator does not serialise concurrent updates, so this counts them one
    after another), and a new window starts from nothing."""
    emulator.create_table("refusals")
    store = dynamodb_store(table="refusals", region="us-east-1", endpoint=emulator.endpoint)
    now = 1_800_000_000
    assert [store.count_refusal(now + n, 900) for n in range(20)] == list(range(1, 21))
    assert store.recent_refusals(now + 30, 900) == 20
    assert store.recent_refusals(now + 900, 900) == 0
