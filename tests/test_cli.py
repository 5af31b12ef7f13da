"""The command line's rough edges: one-line errors and a non-zero exit for bad arguments,
help that says what it needs, and the ``./dev`` script's help and install stamps."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from skill.devtools.cli import main

REPO = Path(__file__).resolve().parent.parent


def one_line_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as stopped:
        main(list(argv))
    assert stopped.value.code == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


def test_unknown_locale_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line_error(capsys, "chat", "--locale", "fr-FR", "--say", "open spine coach")
    assert "unknown locale 'fr-FR'" in line
    assert "en-GB" in line


def test_zero_benchmark_runs_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line_error(capsys, "bench", "turns", "--runs", "0")
    assert line.startswith("spine-coach bench: error: argument --runs: must be 1 or more")


@pytest.mark.parametrize("url", ["foo://x", "sqlite:", "dynamodb://"])
def test_bad_store_url_is_refused(
    url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["chat", "--store", url, "--say", "open spine coach"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("spine-coach chat: error: ")
    assert repr(url) in captured.err


def test_bad_store_url_from_the_environment_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPINE_COACH_STORE", "postgres://db")
    assert main(["chat", "--say", "open spine coach"]) == 2
    assert capsys.readouterr().err == (
        "spine-coach chat: error: unknown store URL 'postgres://db': use sqlite:///path.db or dynamodb://table\n"
    )


def test_serve_help_names_defaults_and_settings(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--help"])
    assert stopped.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for expected in (
        "(default 0.0.0.0;",
        "(default 8443)",
        "(default 2)",
        "SPINE_COACH_SKILL_ID (required unless --dev",
    ):
        assert expected in text
    assert "SPINE_COACH_STORE" in text


def run_dev(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(folder / "dev"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(folder)},
    )


def test_dev_help_exits_zero_with_only_the_help() -> None:
    result = run_dev(REPO, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("Spine Coach developer entry point.")
    assert "./dev chat" in result.stdout
    assert "set -euo" not in result.stdout
    assert not any(line.startswith("#") for line in result.stdout.splitlines())
    unknown = run_dev(REPO, "bogus")
    assert unknown.returncode == 2
    assert "unknown command: bogus" in unknown.stderr


def _stub(path: Path, log: Path) -> None:
    path.write_text(f'#!/bin/sh\necho "$(basename "$0") $*" >> {log}\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_dev_chat_after_dev_test_does_not_reinstall(tmp_path: Path) -> None:
    """A stand-in .venv whose python and spine-coach only record how they were called."""
    for name in ("dev", "pyproject.toml"):
        shutil.copy2(REPO / name, tmp_path / name)
    shutil.copytree(REPO / "requirements", tmp_path / "requirements")
    log = tmp_path / "calls.log"
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    _stub(bin_dir / "python", log)
    _stub(bin_dir / "spine-coach", log)
    # What `./dev test` leaves behind: a stamp of the dev pins (which include the runtime ones).
    digest = hashlib.sha256(
        b"".join(
            (tmp_path / p).read_bytes() for p in ("requirements/dev.txt", "requirements/runtime.txt", "pyproject.toml")
        )
    ).hexdigest()
    (tmp_path / ".venv" / ".installed-dev").write_text(digest + "\n")

    result = run_dev(tmp_path, "chat", "--say", "hi")
    assert result.returncode == 0, result.stderr
    assert log.read_text() == "spine-coach chat --say hi\n"

    # Without a current stamp, chat installs the console's pins first (the runtime's, and
    # scikit-learn, which trains its language understanding).
    (tmp_path / ".venv" / ".installed-dev").unlink()
    log.unlink()
    result = run_dev(tmp_path, "chat")
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    assert any("-r requirements/console.txt" in call for call in calls), calls
    assert calls[-1] == "spine-coach chat"
