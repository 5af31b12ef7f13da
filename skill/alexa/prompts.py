"""Per-locale prompt tables: every sentence the skill says that is not catalog content.

Prompts live in ``skill/prompts/<locale>.json`` under stable dotted keys
(``howto.offer_coach``), each with one or more variants so the coach does not repeat
itself word for word. Tables layer: ``en.json`` is the base (US wording), a locale file
such as ``en-GB.json`` overrides only the keys whose wording differs. An English locale
without a file of its own falls back to the base, i.e. en-US text.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"
BASE = "en"
SUPPORTED_LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")


class Prompts:
    """The prompt table for one locale, base entries overridden by the locale's own."""

    def __init__(self, locale: str, table: Mapping[str, tuple[str, ...]]) -> None:
        self.locale = locale
        self._table = MappingProxyType(dict(table))

    def variants(self, key: str) -> tuple[str, ...]:
        try:
            return self._table[key]
        except KeyError:
            raise KeyError(f"prompt {key!r} is missing for {self.locale}") from None

    def term(self, name: str) -> str:
        """A locale term such as ``therapist`` ("physical therapist" / "physio")."""
        return self.variants(f"term.{name}")[0]

    def keys(self) -> frozenset[str]:
        return frozenset(self._table)


def _read(name: str) -> dict[str, tuple[str, ...]]:
    path = PROMPTS_DIR / f"{name}.json"
    if not path.exists():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    table: dict[str, tuple[str, ...]] = {}
    for key, value in raw.items():
        if key.startswith("_"):
            continue  # comments
        variants = (value,) if isinstance(value, str) else tuple(value)
        if not variants or not all(isinstance(v, str) and v for v in variants):
            raise ValueError(f"{path.name}: prompt {key!r} needs at least one non-empty string")
        table[key] = variants
    return table


@functools.lru_cache(maxsize=16)
def load_prompts(locale: str) -> Prompts:
    """The layered table for ``locale``; unknown locales get the en-US (base) text."""
    table = _read(BASE)
    if locale in SUPPORTED_LOCALES:
        overrides = _read(locale)
        unknown = set(overrides) - set(table)
        if unknown:
            raise ValueError(f"{locale}.json overrides keys the base lacks: {sorted(unknown)}")
        table.update(overrides)
        return Prompts(locale, table)
    return Prompts("en-US", table)
