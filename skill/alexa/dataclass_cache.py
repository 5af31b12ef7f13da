"""Compiled code for the methods ``dataclasses`` writes, kept like ``.pyc`` files.

Every ``@dataclass`` writes its ``__init__``, ``__repr__``, ``__eq__`` (and, when frozen,
``__setattr__``/``__delattr__``) as Python source and compiles it with ``exec`` when the
class is created, in every process, and no ``.pyc`` file keeps it: without this module the
skill's cold start spends about 160 M instructions (more than the rest of its own import)
compiling them. ``install`` gives the ``dataclasses`` module an ``exec`` that looks the
same source up in a table of code objects compiled before (``marshal``, the ``.pyc``
format) and compiles only what is new.

The table lives in ``skill/__pycache__`` and is written when a process that compiled
something new exits, where that folder is writable; the package command writes it into
the Lambda bundle, whose code folder is read-only.

Why this is sound (each point is a test in tests/test_dataclass_cache.py):

- *The same functions as without it.* The source is compiled as ``exec(source)`` inside
  ``dataclasses`` compiles it: without this module's ``__future__`` flags
  (``dont_inherit``; inheriting its postponed annotations once turned every ``__init__``
  annotation into a string such as ``'_type_x'``), at the interpreter's ``-O`` level.
- *Invalidation.* The key is the exact generated source, so a changed class (a field
  added, a default changed) misses and is compiled afresh. The table's header holds the
  bytecode magic number and the ``-O`` level (``importlib.util.MAGIC_NUMBER``, as a
  ``.pyc`` does); a table from another interpreter, a damaged one, or one holding anything
  but code objects is ignored whole.
- *Never shrunk by a short process.* A process that compiled something new writes back
  what it read and what it used: a process that creates fewer classes (a one-off command,
  a benchmark's child) must not drop the others' entries, or the next cold start compiles
  them again (about 150 M instructions).
- *Bounded.* Entries of edited classes stay until the table would pass ``_MAX_ENTRIES``;
  then only what the writing process used is kept.
- *Read-only folders.* Nothing is written where the folder is not writable (Lambda), and
  nothing fails.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import marshal
import os
import sys
from importlib.util import MAGIC_NUMBER
from pathlib import Path
from types import CodeType
from typing import Any

FILE_NAME = f"dataclass-code.{sys.implementation.cache_tag}.marshal"
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "__pycache__" / FILE_NAME  # skill/__pycache__
# Entries in a table: the skill uses about 200 (its dataclasses' methods); the rest of the
# room is for the stale entries of edited classes, dropped when it fills up.
_MAX_ENTRIES = 1024


def _header() -> bytes:
    """What the table's code objects were compiled by: bytecode format and ``-O`` level."""
    return b"spine-coach dataclass code 2\0" + MAGIC_NUMBER + bytes([sys.flags.optimize])


_codes: dict[str, CodeType] = {}  # read from the table
_used: dict[str, CodeType] = {}  # looked up or compiled in this process: what is written back
_new = False
_installed = False


def install(path: Path = DEFAULT_PATH) -> None:
    """Read the table at ``path`` and let ``dataclasses`` use it (once per process)."""
    global _installed  # noqa: PLW0603 - one table per process, like the import system's
    if _installed:
        return
    _installed = True
    _codes.update(_read(path))
    import dataclasses

    # ``dataclasses`` calls ``exec`` by its global name: a module global comes before the builtin.
    dataclasses.exec = _exec  # type: ignore[attr-defined]
    atexit.register(_save_if_new, path)


def _read(path: Path) -> dict[str, CodeType]:
    """The table at ``path``; empty when missing, damaged, or from another interpreter."""
    header = _header()
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    if not data.startswith(header):
        return {}
    try:
        table = marshal.loads(data[len(header) :])
    except (ValueError, EOFError, TypeError):
        return {}
    if not isinstance(table, dict) or not all(isinstance(k, str) and isinstance(v, CodeType) for k, v in table.items()):
        return {}
    return table


def _exec(source: Any, globals: Any = None, locals: Any = None) -> None:
    global _new  # noqa: PLW0603
    if not isinstance(source, str):
        return builtins.exec(source, globals, locals)
    code = _used.get(source) or _codes.get(source)
    if code is None:
        # As ``exec(source)`` in ``dataclasses`` compiles it: none of this module's
        # ``__future__`` flags (``dont_inherit``), the interpreter's ``-O`` level.
        code = compile(source, "<string>", "exec", dont_inherit=True)
        _new = True
    if len(_used) < _MAX_ENTRIES:
        _used[source] = code
    return builtins.exec(code, globals, locals)


def save(path: Path) -> None:
    """Write the table to ``path``: what was read and what this process used, or only what
    it used when both together would pass ``_MAX_ENTRIES``."""
    table = {**_codes, **_used}
    if len(table) > _MAX_ENTRIES:
        table = _used
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}")
    partial.write_bytes(_header() + marshal.dumps(table))
    partial.replace(path)  # whole or not at all, for readers in other processes


def _save_if_new(path: Path) -> None:
    if _new:  # something compiled; a process that only read the table has nothing to add
        with contextlib.suppress(OSError):  # a read-only code folder (Lambda) keeps what it has
            save(path)
