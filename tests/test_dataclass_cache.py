"""Compiled dataclass methods kept between processes: the same classes, compiled once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

PROGRAM = """
import sys
from pathlib import Path
from skill.alexa import dataclass_cache
dataclass_cache.install(Path(sys.argv[1]))
from dataclasses import FrozenInstanceError, dataclass, field

@dataclass(frozen=True)
class Point:
    x: int
    y: int = 2
    tags: tuple[str, ...] = field(default=())

p = Point(1)
assert p == Point(1, 2) and p != Point(1, 3) and hash(p) == hash(Point(1, 2))
assert repr(p) == "Point(x=1, y=2, tags=())", repr(p)
try:
    p.x = 5
except FrozenInstanceError:
    pass
else:
    raise AssertionError("not frozen")
print("compiled anew" if dataclass_cache._new else "all from the table")
"""


def run(table: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(table)], capture_output=True, text=True, check=True, cwd=REPO
    )
    return result.stdout.strip()


def test_the_second_process_compiles_nothing_and_gets_the_same_class(tmp_path: Path) -> None:
    table = tmp_path / "__pycache__" / "dataclass-code.marshal"
    assert run(table) == "compiled anew"
    assert table.is_file()
    assert run(table) == "all from the table"


def test_a_damaged_table_is_compiled_again(tmp_path: Path) -> None:
    table = tmp_path / "table.marshal"
    table.write_bytes(b"not marshal data")
    assert run(table) == "compiled anew"
    assert run(table) == "all from the table"
