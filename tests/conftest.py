"""Shared fixtures. Fixtures build on each other: content -> catalog -> store -> skill -> conversation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skill.catalog import Catalog, default_content_dir, load_catalog

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(default_content_dir())


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A private copy of content/ that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(default_content_dir(), target, ignore=shutil.ignore_patterns(".validated"))
    return target
