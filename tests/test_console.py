"""The local voice console, run as a user would run it: the real command, a real SQLite file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from skill.domain.catalog import Catalog


def run_chat(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The console as the README's quick start runs it: the default (consumer) profile,
    unless ``--profile`` says otherwise."""
    env = {
        **os.environ,
        "SPINE_COACH_STORE": f"sqlite:///{tmp_path}/console.db",
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
        "SPINE_COACH_PROFILE": "consumer",
    }
    return subprocess.run(
        [sys.executable, "-m", "skill.devtools.cli", "chat", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_scripted_console_answers_bridging_with_catalog_steps(tmp_path: Path, catalog: Catalog) -> None:
    result = run_chat(tmp_path, "--say", "open spine coach", "--say", "how do I do bridging")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "you> open spine coach"
    assert lines[1].startswith("alexa> Welcome to Spine Coach.")
    assert "not a substitute for professional medical advice" in lines[1]
    assert lines[2] == "you> how do I do bridging"
    answer = lines[3]
    assert answer.startswith("alexa> ")
    for step in catalog.exercise("bridging").steps:
        assert step[:1].lower() + step[1:] in answer
    assert "10 to 12 repetitions, holding each for 5 seconds" in answer
    # the real SQLite store remembered this user
    with sqlite3.connect(tmp_path / "console.db") as db:
        rows = db.execute("SELECT id, data FROM attributes").fetchall()
    assert len(rows) == 1
    assert '"disclaimer_heard":true' in rows[0][1]


def test_console_reads_a_script_from_stdin_and_shows_debug(tmp_path: Path) -> None:
    script = "open spine coach\nwhat's in my week six routine\n/silence\nexplain the bird dog\nstop\n"
    result = run_chat(tmp_path, "--debug", stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # The value is the words heard in the slot ("week six routine" is one of the stage's synonyms).
    assert '[intent RoutineOverviewIntent {"stage": {"value": "week six routine", "id": "week_six"}}]' in out
    assert "(session ended: EXCEEDED_MAX_REPROMPTS)" in out
    assert "(new session, as if you said 'Alexa, ask spine coach ...')" in out
    assert '[intent HowToIntent {"exercise": {"value": "bird dog", "id": "bird_dog"}}]' in out
    assert out.rstrip().endswith("(session closed)")


def test_console_sends_nonsense_to_fallback(tmp_path: Path) -> None:
    result = run_chat(tmp_path, "--debug", "--say", "open spine coach", "--say", "purple monkey dishwasher")
    assert "[intent AMAZON.FallbackIntent]" in result.stdout
    assert "didn't catch that" in result.stdout or "not sure what you meant" in result.stdout


def test_progress_carries_over_between_console_runs(tmp_path: Path) -> None:
    run_chat(tmp_path, "--say", "open spine coach")
    second = run_chat(tmp_path, "--say", "open spine coach")
    assert "not a substitute" not in second.stdout
    other = run_chat(tmp_path, "--user", "someone-else", "--say", "open spine coach")
    assert "not a substitute" in other.stdout


def test_console_takes_a_locale(tmp_path: Path) -> None:
    result = run_chat(tmp_path, "--locale", "en-GB", "--say", "open spine coach", "--say", "it hurts")
    assert result.returncode == 0, result.stderr
    assert "surgeon or physio's guidance" in result.stdout
    assert "call emergency services on 9 9 9 now" in result.stdout


def test_console_shows_the_screen_data(tmp_path: Path) -> None:
    result = run_chat(tmp_path, "--screen", "--say", "open spine coach", "--say", "how do I do bridging")
    assert result.returncode == 0, result.stderr
    (shown,) = [line for line in result.stdout.splitlines() if line.strip().startswith("[screen ")]
    assert '"howto"' in shown and '"name": "Bridging"' in shown


@pytest.mark.parametrize(
    ("flags", "heard"),
    [
        ((), "I've logged your pain as 5"),
        (("--pin", "wrong"), "Your records stay closed until your voice PIN is confirmed"),
        (("--unlinked",), "link your clinic account in the Alexa app"),
        (("--unrecognised",), "only for a voice I recognise"),
    ],
)
def test_the_console_plays_the_clinic_patient_it_is_told_to(tmp_path: Path, flags: tuple[str, ...], heard: str) -> None:
    """The clinic profile in the console: its own identity provider on loopback links the
    account; Alexa's PIN question is answered as the flags say."""
    result = run_chat(
        tmp_path, "--profile", "clinic", *flags, "--say", "open spine coach", "--say", "log my pain as five"
    )
    assert result.returncode == 0, result.stderr
    assert heard in result.stdout, result.stdout
    assert ("asks for your voice PIN" in result.stdout) is (flags in ((), ("--pin", "wrong"))), result.stdout
