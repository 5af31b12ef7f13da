"""Lets ``flask_ask_sdk`` import on OpenSSL 3.0.10 and newer.

The chain flask-ask-sdk -> ask-sdk-webservice-support -> certvalidator -> oscrypto 1.3.0
fails at import: oscrypto reads the libcrypto version with the pattern ``\\d\\.\\d\\.\\d``,
which cannot match a two-digit patch number such as "3.0.19", and raises
``LibraryNotFoundError: Error detecting the version of libcrypto``. It is fixed in
oscrypto's repository (wbond/oscrypto#75, #78) but no fixed release is on PyPI.

``install()`` puts a finder on ``sys.meta_path`` that loads oscrypto's two libcrypto
modules with the pattern widened to ``\\d+\\.\\d+\\.\\d+``. It edits nothing on disk, and
when the old pattern is not in the source (a fixed oscrypto) it steps aside and the
module loads unchanged. Remove this module once oscrypto > 1.3.0 is pinned.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType

TARGETS = ("oscrypto._openssl._libcrypto_ctypes", "oscrypto._openssl._libcrypto_cffi")
OLD = r"\\d\\.\\d\\.\\d[a-z]*"
NEW = r"\\d+\\.\\d+\\.\\d+[a-z]*"


class _PatchedLoader(importlib.abc.SourceLoader):
    def __init__(self, fullname: str, path: str) -> None:
        self.fullname = fullname
        self.path = path

    def get_filename(self, fullname: str) -> str:
        return self.path

    def get_data(self, path: str) -> bytes:
        with open(path, "rb") as handle:
            source = handle.read()
        return source.replace(OLD.encode(), NEW.encode()) if path == self.path else source


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in TARGETS:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            return None
        with open(spec.origin, "rb") as handle:
            if OLD.encode() not in handle.read():
                return None  # a fixed oscrypto: load it as it is
        return importlib.util.spec_from_file_location(
            fullname, spec.origin, loader=_PatchedLoader(fullname, spec.origin)
        )


_FINDER = _Finder()


def install() -> bool:
    """Install the finder (idempotent). Returns True if it is active."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    return True


def needed(source: str) -> bool:
    """Whether a libcrypto module's source has the narrow version pattern."""
    return OLD in source
