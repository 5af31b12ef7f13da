"""Compiled code for the methods ``dataclasses`` writes, kept like ``.pyc`` files.

Every ``@dataclass`` writes its ``__init__``, ``__repr__``, ``__eq__`` (and, when frozen,
``__setattr__``/``__delattr__``) as Python source and compiles it with ``exec`` when the
class is created, in every process: the skill's ~45 dataclasses cost a cold start tens of
milliseconds of compiling, none of it saved in ``.pyc`` files. ``install`` gives the
``dataclasses`` module an ``exec`` that looks the same source up in a table of code
objects compiled before (``marshal``, the ``.pyc`` format) and compiles only what is new;
the functions and classes that result are the ones the source describes, as before.

The table lives in ``skill/__pycache__`` and is written when a process that compiled
something new exits, where that folder is writable; the package command writes it into
the Lambda bundle, whose code folder is read-only.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import marshal
import os
import sys
from pathlib import Path
from types import CodeType
from typing import Any

FILE_NAME = f"dataclass-code.{sys.implementation.cache_tag}.marshal"
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "__pycache__" / FILE_NAME  # skill/__pycache__
_MAX_ENTRIES = 4096  # every dataclass a process creates; a bound, never reached by the skill

_codes: dict[str, CodeType] = {}
_new = False
_installed = False


def install(path: Path = DEFAULT_PATH) -> None:
    """Read the table at ``path`` and let ``dataclasses`` use it (once per process)."""
    global _installed  # noqa: PLW0603 - one table per process, like the import system's
    if _installed:
        return
    _installed = True
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        table = marshal.loads(path.read_bytes())
        if isinstance(table, dict):
            _codes.update(table)
    import dataclasses

    # ``dataclasses`` calls ``exec`` by its global name: a module global comes before the builtin.
    dataclasses.exec = _exec  # type: ignore[attr-defined]
    atexit.register(_save_if_new, path)


def _exec(source: Any, globals: Any = None, locals: Any = None) -> None:
    global _new  # noqa: PLW0603
    if not isinstance(source, str):
        return builtins.exec(source, globals, locals)
    code = _codes.get(source)
    if code is None:
        code = compile(source, "<string>", "exec")  # as ``exec(source)`` compiles it
        if len(_codes) < _MAX_ENTRIES:
            _codes[source] = code
            _new = True
    return builtins.exec(code, globals, locals)


def save(path: Path) -> None:
    """Write the table (everything compiled or read so far) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}")
    partial.write_bytes(marshal.dumps(_codes))
    partial.replace(path)  # whole or not at all, for readers in other processes


def _save_if_new(path: Path) -> None:
    if _new:
        with contextlib.suppress(OSError):  # a read-only code folder (Lambda) keeps what it has
            save(path)
