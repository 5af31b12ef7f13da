"""The import contracts in ``.importlinter`` (the layers of ``skill/``) hold, and catch the
violations they exist for: each case copies ``skill/`` to a temporary folder, adds one
forbidden import and runs ``lint-imports`` on the copy, which must fail on that contract."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# (module file, line added, the contract that must break)
VIOLATIONS = [
    ("domain/workout.py", "from ask_sdk_core.handler_input import HandlerInput", "The domain is pure"),
    ("domain/pain.py", "from skill.store import keys", "The domain is pure"),
    ("alexa/turn.py", "from skill.devtools import nlu", "never imports devtools"),
    ("store/sqlite.py", "from skill.web import app", "never imports devtools"),
    ("alexa/speech.py", "from skill.alexa import factory", "No import circles"),
    ("domain/content_check.py", "from skill.domain import catalog", "No import circles"),
]


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "200"}  # one line per contract
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(REPO / ".importlinter")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "copy"
    shutil.copytree(REPO / "skill", root / "skill", ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_the_layout_keeps_its_contracts(tmp_path: Path) -> None:
    result = _lint(_copy(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), VIOLATIONS, ids=[v[0] for v in VIOLATIONS])
def test_a_forbidden_import_breaks_the_build(tmp_path: Path, module: str, line: str, contract: str) -> None:
    root = _copy(tmp_path)
    target = root / "skill" / module
    target.write_text(target.read_text() + f"\n{line}  # noqa\n")
    result = _lint(root)
    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if row.endswith("BROKEN")]
    assert any(contract in row for row in broken), result.stdout
