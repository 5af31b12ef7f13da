"""Compiled dataclass methods kept between processes: the same classes, compiled once.

Each case runs a fresh interpreter (the cache patches ``dataclasses`` once per process).
"""

from __future__ import annotations

import marshal
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

PROGRAM = """
import inspect, sys
from pathlib import Path
if sys.argv[2:] == ["read-only"]:
    import pathlib
    def refuse(self, data):
        raise PermissionError(13, "Read-only file system", str(self))
    pathlib.Path.write_bytes = refuse
from skill.alexa import dataclass_cache
dataclass_cache.install(Path(sys.argv[1]))
from dataclasses import FrozenInstanceError, dataclass, field

@dataclass(frozen=True)
class Point:
    x: int
    y: int = 2
    tags: tuple[str, ...] = field(default=())
    EXTRA

p = Point(1)
assert p == Point(1, 2) and p != Point(1, 3) and hash(p) == hash(Point(1, 2))
try:
    p.x = 5
except FrozenInstanceError:
    pass
else:
    raise AssertionError("not frozen")
print(repr(p))
print(inspect.signature(Point), Point.__init__.__annotations__)
print("compiled anew" if dataclass_cache._new else "all from the table")
"""


def run(table: Path, extra: str = "", *flags: str) -> list[str]:
    program = PROGRAM.replace("EXTRA", extra or "pass")
    result = subprocess.run(
        [sys.executable, "-c", program, str(table), *flags], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stderr == ""  # an error at exit (saving the table) is printed, not raised
    return result.stdout.strip().splitlines()


def uncached(extra: str = "") -> list[str]:
    """What the same program prints without the cache (``install`` made a no-op)."""
    program = PROGRAM.replace("EXTRA", extra or "pass").replace(
        "dataclass_cache.install(Path(sys.argv[1]))", "dataclass_cache._new = True"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=REPO)
    return result.stdout.strip().splitlines()


def test_the_second_process_compiles_nothing_and_gets_the_same_class(tmp_path: Path) -> None:
    table = tmp_path / "__pycache__" / "dataclass-code.marshal"
    first = run(table)
    assert first[-1] == "compiled anew"
    assert table.is_file()
    second = run(table)
    assert second[-1] == "all from the table"
    # The same class as without the cache, down to the signature and the annotations'
    # objects (compiled with this module's ``from __future__ import annotations`` they
    # were the strings '_type_x' and '_return_type').
    assert first[:2] == second[:2] == uncached()[:2]
    assert "(x: int, y: int = 2, tags: tuple[str, ...] = ()) -> None" in second[1]


def entries_of(table: Path) -> dict[str, object]:
    data = table.read_bytes()
    found: dict[str, object] = marshal.loads(data[data.index(b"\0") + 1 + 5 :])
    return found


def test_a_changed_class_is_compiled_again(tmp_path: Path) -> None:
    table = tmp_path / "table.marshal"
    run(table)
    changed = run(table, "z: str = 'new'")
    assert changed[-1] == "compiled anew"
    assert changed[:2] == uncached("z: str = 'new'")[:2]
    assert changed[0] == "Point(x=1, y=2, tags=(), z='new')"
    assert run(table, "z: str = 'new'")[-1] == "all from the table"
    assert any("z" in source for source in entries_of(table) if "def __init__" in source)


SECOND_CLASS = """pass

@dataclass
class Other:
    a: int = 0
    b: str = ""

assert Other(1) == Other(1, "")"""


def test_a_process_that_makes_fewer_classes_does_not_shrink_the_table(tmp_path: Path) -> None:
    table = tmp_path / "table.marshal"
    assert run(table, SECOND_CLASS)[-1] == "compiled anew"
    full = entries_of(table)
    # A shorter program (a one-off command, a benchmark's child), then one that compiles
    # something else: neither drops the entries of the class they did not make.
    assert run(table)[-1] == "all from the table"
    assert run(table, "w: int = 0")[-1] == "compiled anew"
    assert set(full) <= set(entries_of(table))
    assert run(table, SECOND_CLASS)[-1] == "all from the table"


def test_stale_entries_go_when_the_table_fills_up(tmp_path: Path) -> None:
    from skill.alexa import dataclass_cache

    table = tmp_path / "table.marshal"
    run(table)
    used = entries_of(table)
    stale = {f"x = {n}": compile(f"x = {n}", "<string>", "exec") for n in range(dataclass_cache._MAX_ENTRIES)}
    data = table.read_bytes()
    table.write_bytes(data[: data.index(b"\0") + 1 + 5] + marshal.dumps({**stale, **used}))
    assert run(table, "z: str = 'new'")[-1] == "compiled anew"
    # Past the bound, only what the writing process used is kept.
    kept = entries_of(table)
    assert not set(stale) & set(kept)
    assert len(kept) <= len(used) + 3
    assert run(table, "z: str = 'new'")[-1] == "all from the table"


def test_a_damaged_or_foreign_table_is_compiled_again(tmp_path: Path) -> None:
    table = tmp_path / "table.marshal"
    table.write_bytes(b"not marshal data")
    assert run(table)[-1] == "compiled anew"
    assert run(table)[-1] == "all from the table"
    # Another interpreter's bytecode (another magic number): ignored whole.
    data = table.read_bytes()
    header_end = data.index(b"\0") + 1
    table.write_bytes(data[:header_end] + b"\x00\x00\r\n" + data[header_end + 4 :])
    assert run(table)[-1] == "compiled anew"
    # A table whose values are not code objects (source text would be executed): ignored.
    assert run(table)[-1] == "all from the table"
    data = table.read_bytes()
    header = data[: header_end + 5]
    entries = marshal.loads(data[header_end + 5 :])
    table.write_bytes(header + marshal.dumps(dict.fromkeys(entries, "print('not code')")))
    assert run(table) == run(table.with_name("fresh.marshal"))


def test_a_read_only_folder_is_read_and_never_written(tmp_path: Path) -> None:
    table = tmp_path / "table.marshal"
    run(table)  # the package command writes it
    written = table.read_bytes()
    # As on Lambda: the table is read, nothing is written, nothing fails.
    assert run(table, "", "read-only")[-1] == "all from the table"
    assert run(table, "w: int = 0", "read-only")[-1] == "compiled anew"
    assert table.read_bytes() == written
    assert list(tmp_path.iterdir()) == [table]  # no partial file left behind
    # With no table at all in a read-only folder the skill starts as without the cache.
    missing = tmp_path / "none" / "table.marshal"
    assert run(missing, "", "read-only")[:2] == uncached()[:2]
    assert not missing.exists()
