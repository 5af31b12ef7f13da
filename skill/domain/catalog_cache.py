"""The built catalog, saved beside the content it came from, for fast cold starts.

Building the catalog (parsing every file, checking references, expanding the vocabulary)
costs tens of milliseconds at every cold start; unpickling what it built costs a few.
``load_catalog`` saves the catalog here only after the content passed its checks, under a
key made of the content's digest, the source of the code that builds a catalog, and the
Python version (``cpython-311``), so an edit to either content or code, or another Python, simply misses
the cache and builds (and checks) afresh. The package command builds it into the Lambda
bundle; where the folder is read-only and holds none, nothing is saved and nothing fails.
A damaged file is a miss too.
"""

from __future__ import annotations

import contextlib
import copyreg
import io
import os
import sys
from pathlib import Path
from types import MappingProxyType
from typing import Any

try:  # the C unpickler alone: the ``pickle`` module costs 1.5 ms more of a cold start
    from _pickle import loads
except ImportError:  # pragma: no cover - an interpreter without it
    from pickle import loads

try:  # built in, where hashlib would load OpenSSL (~3 ms); blake2b hashes twice as fast as sha512
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter built without it
    from hashlib import blake2b

CACHE_NAME = ".catalog.pickle"
# The modules whose code decides what a built catalog holds.
_BUILDERS = (
    "skill.domain.catalog",
    "skill.domain.catalog_cache",  # how it is saved
    "skill.domain.vocabulary",
    "skill.domain.grammar",
    "skill.domain.numbers",
)
_FORMAT = b"spine-coach catalog cache 2"  # 2: the vocabulary read on first use


def load(root: Path) -> Any | None:
    """The catalog saved for the content in ``root`` as it is now, or ``None``."""
    try:
        key = _key(root)
        data = (root / CACHE_NAME).read_bytes()
    except OSError:
        return None
    if not data.startswith(key + b"\n"):
        return None
    try:
        return loads(data[len(key) + 1 :])
    except Exception:  # any damage or a class that changed shape: build it again
        return None


def save(root: Path, catalog: Any) -> None:
    """Save ``catalog``, built from the content in ``root`` that passed its checks."""
    with contextlib.suppress(OSError):
        key = _key(root)
        data = dumps(catalog)
        # Written whole, then renamed: a reader in another process never sees half a file.
        partial = root / f"{CACHE_NAME}.{os.getpid()}"
        partial.write_bytes(key + b"\n" + data)
        partial.replace(root / CACHE_NAME)


def dumps(value: Any) -> bytes:
    """``value`` pickled as this cache saves it: read-only mappings stay read-only, and an
    object with a ``_cache_form`` method is saved as what that returns (a ``__reduce__``
    value used only here: ``Catalog`` saves its vocabulary to be read on first use)."""
    import pickle  # local: only saving needs it

    class Pickler(pickle.Pickler):
        dispatch_table = {**copyreg.dispatch_table, MappingProxyType: _reduce_proxy}  # noqa: RUF012

        def reducer_override(self, obj: Any) -> Any:
            cache_form = getattr(type(obj), "_cache_form", None)
            return NotImplemented if cache_form is None else cache_form(obj)

    buffer = io.BytesIO()
    Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def digest(data: bytes) -> bytes:
    """A checksum of saved bytes (``_blake2`` is loaded already; ``zlib`` would be one more library)."""
    return blake2b(data, digest_size=16).digest()


def _key(root: Path) -> bytes:
    hasher = blake2b(_FORMAT + sys.implementation.cache_tag.encode())
    # os.walk and plain open rather than Path.rglob and read_bytes: a third of the cost.
    top = os.fspath(root)
    names = []
    for folder, _, files in os.walk(top):
        relative = os.path.relpath(folder, top).replace(os.sep, "/")
        names += [name if relative == "." else f"{relative}/{name}" for name in files if name.endswith(".json")]
    for name in sorted(names):  # the content and its schemas
        with open(os.path.join(top, name), "rb") as file:
            hasher.update(name.encode() + b"\0" + file.read() + b"\0")
    for module in _BUILDERS:
        source = sys.modules[module].__file__
        if source is None:
            raise OSError(f"no source for {module}")
        with open(source, "rb") as file:
            hasher.update(file.read())
    key: str = hasher.hexdigest()
    return key.encode()


def _reduce_proxy(proxy: MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return _proxy, (dict(proxy),)


def _proxy(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)
