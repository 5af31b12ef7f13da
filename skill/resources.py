"""Where the skill's data files are: the catalog and the interaction models.

Both ship as package data - ``content/`` as the package ``skill.content`` and
``interaction_models/`` as ``skill.interaction_models`` (see ``[tool.setuptools]`` in
pyproject.toml) - and are found as packages (the folder of the package's ``__init__``,
else ``importlib.resources``), never relative to this file, so the same code reads them
from a wheel in site-packages, from an editable install (where the names map to the
checkout's own folders, so authors see their edits at once) and from the Lambda bundle
(``skill/content/``).

``$SPINE_COACH_CONTENT`` points the catalog somewhere else (tests, benchmarks).

``checkout()`` is for the developer tools that need files that are not package data
(the Lambda entry point, the pinned requirements, the CloudFormation template): it is
the source tree this package runs from, or None when installed from a wheel.
"""

from __future__ import annotations

import contextlib
import importlib
import os
from pathlib import Path

CONTENT_PACKAGE = "skill.content"
MODELS_PACKAGE = "skill.interaction_models"
CONTENT_ENV = "SPINE_COACH_CONTENT"


class MissingData(RuntimeError):
    """A data package is not installed as plain files."""


def _folder(package: str) -> Path:
    # A package on disk is the folder of its __init__.py: found without importlib.resources,
    # which costs a cold start several milliseconds of imports; anything else asks it.
    with contextlib.suppress(ImportError):
        origin = getattr(importlib.import_module(package), "__file__", None)
        if origin and os.path.isdir(folder := os.path.dirname(origin)):
            return Path(folder)
    from importlib.resources import files

    try:
        found = files(package)
    except ModuleNotFoundError as exc:
        raise MissingData(f"{package} is not installed; reinstall spine-coach (pip install .)") from exc
    # Every way this project is installed (wheel, editable, Lambda bundle) puts the data on
    # disk; the readers need real paths (JSON Schema files, the content stamp).
    if not isinstance(found, Path):
        raise MissingData(f"{package} is inside an archive ({found}); install spine-coach as plain files")
    return found


def content_dir() -> Path:
    """``$SPINE_COACH_CONTENT`` if set, else the installed catalog."""
    configured = os.environ.get(CONTENT_ENV)
    if configured:
        return Path(configured)
    return _folder(CONTENT_PACKAGE)


def models_dir() -> Path:
    """The folder holding ``<locale>.json`` and ``source/model.json``."""
    return _folder(MODELS_PACKAGE)


def checkout() -> Path | None:
    """The source tree (the folder with pyproject.toml) this package runs from, if any."""
    here = Path(__file__).resolve()
    for folder in here.parents:
        if (folder / "pyproject.toml").is_file():
            # A wheel installed into a checkout's .venv is below a pyproject.toml too.
            return folder if here.is_relative_to(folder / "skill") else None
    return None
