"""The built catalog saved beside its content: used only for that content and that code."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from skill.domain import catalog_cache
from skill.domain.catalog import ContentError, build_catalog, load_catalog
from skill.domain.catalog_cache import CACHE_NAME
from skill.domain.content_check import read_tree


def rename_bridging(content: Path, name: str) -> None:
    path = content / "exercises" / "bridging.json"
    document = json.loads(path.read_text())
    document["name"] = name
    path.write_text(json.dumps(document, indent=2))


@pytest.fixture(autouse=True)
def fresh_loads() -> None:
    load_catalog.cache_clear()  # each load below reads the folder again


def test_a_checked_catalog_is_saved_and_read_back_the_same(content_copy: Path) -> None:
    assert catalog_cache.load(content_copy) is None
    built = load_catalog(content_copy)
    assert (content_copy / CACHE_NAME).is_file()
    cached = catalog_cache.load(content_copy)
    assert cached is not None
    assert cached is not built
    assert cached == built == build_catalog(read_tree(content_copy).documents)
    assert type(cached.exercises) is type(built.exercises)  # read-only mappings stay read-only
    load_catalog.cache_clear()
    assert load_catalog(content_copy) == built


def test_edited_content_is_built_and_checked_again(content_copy: Path) -> None:
    load_catalog(content_copy)
    rename_bridging(content_copy, "hip lifts")
    assert catalog_cache.load(content_copy) is None
    load_catalog.cache_clear()
    assert load_catalog(content_copy).exercise("bridging").name == "hip lifts"
    routines = content_copy / "routines.json"
    routines.write_text(routines.read_text().replace('"bridging"', '"bridgin"', 1))
    load_catalog.cache_clear()
    with pytest.raises(ContentError):
        load_catalog(content_copy)


def test_changed_catalog_code_misses_the_cache(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_catalog(content_copy)
    numbers = sys.modules["skill.domain.numbers"]
    changed = tmp_path / "numbers.py"
    changed.write_text(Path(str(numbers.__file__)).read_text() + "\n# changed\n")
    monkeypatch.setattr(numbers, "__file__", str(changed))
    assert catalog_cache.load(content_copy) is None


def test_a_damaged_cache_is_a_miss(content_copy: Path) -> None:
    built = load_catalog(content_copy)
    cache = content_copy / CACHE_NAME
    key, _, _ = cache.read_bytes().partition(b"\n")
    cache.write_bytes(key + b"\nnot a pickle")
    assert catalog_cache.load(content_copy) is None
    load_catalog.cache_clear()
    assert load_catalog(content_copy) == built


def test_a_saved_catalog_reads_its_vocabulary_on_first_use(content_copy: Path) -> None:
    built = load_catalog(content_copy)
    cached = catalog_cache.load(content_copy)
    assert cached is not None
    assert "vocabulary" not in vars(cached)  # not read at load: a launch never needs it
    with pytest.raises(AttributeError):
        cached.vocabulary_of_another_name  # noqa: B018 - only the vocabulary is read late
    assert not hasattr(cached, "_spoken")
    assert cached.vocabulary == built.vocabulary
    assert cached.vocabulary.resolve("exercise", "bridges") == "bridging"
    assert "vocabulary" in vars(cached)
    assert "exercises" not in vars(cached)  # each field on its own
    assert cached.exercise("bridging") == built.exercise("bridging")


def test_a_saved_catalog_compares_copies_and_saves_again_before_its_vocabulary_is_read(content_copy: Path) -> None:
    import dataclasses

    built = load_catalog(content_copy)
    cached = catalog_cache.load(content_copy)
    assert cached is not None
    assert dataclasses.replace(cached, week_map=()).vocabulary == built.vocabulary
    again = catalog_cache.load(content_copy)
    assert again is not None
    catalog_cache.save(content_copy, again)  # saving reads it
    assert catalog_cache.load(content_copy) == built


def test_a_damaged_vocabulary_in_the_saved_catalog_is_a_miss(content_copy: Path) -> None:
    built = load_catalog(content_copy)
    cache = content_copy / CACHE_NAME
    data = cache.read_bytes()
    word = b"piriformis"
    assert data.count(word) >= 1
    cache.write_bytes(data.replace(word, b"piriformiz"))  # same length: the pickle still parses
    assert catalog_cache.load(content_copy) is None
    load_catalog.cache_clear()
    assert load_catalog(content_copy) == built
