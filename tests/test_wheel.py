"""Spine Coach installs from a wheel and runs outside any checkout; a checkout reads its own content.

The wheel test builds the wheel from a copy of the sources, creates a fresh virtual
environment (no system or checkout site-packages) in a temporary folder, installs the
wheel with ``pip --no-index`` from a wheelhouse of the pinned runtime requirements
(downloaded once per run; pip's cache makes repeats quick), and talks to the installed
``spine-coach`` from another temporary folder. About 25 seconds.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from skill.resources import checkout, content_dir, models_dir

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_pyproject_lists_every_package() -> None:
    from setuptools import find_packages

    declared = set(PYPROJECT["packages"])
    assert set(find_packages(str(REPO), include=["skill", "skill.*"])) <= declared
    # The data packages map to the top-level folders authors edit.
    assert PYPROJECT["package-dir"] == {"skill.content": "content", "skill.interaction_models": "interaction_models"}
    assert set(PYPROJECT["package-dir"]) <= declared


def test_a_checkout_reads_its_own_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    """The editable install maps the data packages to content/ and interaction_models/,
    so an author's edit is what the next command reads."""
    monkeypatch.delenv("SPINE_COACH_CONTENT", raising=False)
    assert content_dir() == REPO / "content"
    assert models_dir() == REPO / "interaction_models"
    assert checkout() == REPO


def _run(
    command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False, cwd=cwd, env=env)


def _copy_sources(target: Path) -> Path:
    """What the wheel is built from, without caches or content stamps from this checkout."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".validated")
    for name in ("skill", "content", "interaction_models"):
        shutil.copytree(REPO / name, target / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, target / name)
    return target


def test_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    source = _copy_sources(tmp_path / "source")
    built = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-v",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "dist"),
            ".",
        ],
        cwd=source,
    )
    assert built.returncode == 0, built.stderr
    # No warning from our configuration (the TOML license table, data folders as packages).
    assert not re.findall(r"\w+Warning: .*", built.stdout + built.stderr)
    (wheel,) = (tmp_path / "dist").glob("spine_coach-*.whl")

    wheelhouse = tmp_path / "wheelhouse"
    downloaded = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--only-binary=:all:",
            "-d",
            str(wheelhouse),
            "-r",
            str(REPO / "requirements" / "runtime.txt"),
        ]
    )
    assert downloaded.returncode == 0, downloaded.stderr

    venv = tmp_path / "venv"
    made = _run([sys.executable, "-m", "venv", str(venv)])
    assert made.returncode == 0, made.stderr
    clean = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "PIP_CONFIG_FILE": os.devnull}
    installed = _run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--no-index",
            "--find-links",
            str(wheelhouse),
            str(wheel),
        ],
        env=clean,
    )
    assert installed.returncode == 0, installed.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**clean, "XDG_DATA_HOME": str(tmp_path / "data")}
    spine_coach = str(venv / "bin" / "spine-coach")
    where = _run([str(venv / "bin" / "python"), "-c", "import skill; print(skill.__file__)"], cwd=elsewhere, env=env)
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr

    chat = _run([spine_coach, "chat", "--say", "open spine coach"], cwd=elsewhere, env=env)
    assert chat.returncode == 0, chat.stderr
    assert "alexa> Welcome to Spine Coach" in chat.stdout

    check = _run([spine_coach, "content", "check"], cwd=elsewhere, env=env)
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith("content OK: ")
    assert f"({venv}/lib/" in check.stdout  # the catalog inside the installed package

    package = _run(
        [spine_coach, "package", "--out", str(tmp_path / "ask"), "--privacy-url", "https://x.example/p"],
        cwd=elsewhere,
        env=env,
    )
    assert package.returncode == 1
    assert package.stderr.strip() == (
        "spine-coach package needs a source checkout (git clone the project and run it there)"
    )
