"""Builds every locale's Alexa interaction model from one source and from ``content/``.

The source (``interaction_models/source/model.json``) lists intents with sample
templates - ``(a|b)`` picks one alternative, ``[a|b]`` picks one or none, ``<name>`` is a
named rule from the source's ``rules`` (a locale may override one) - and slot types,
some generated from the catalog: the exercise slot's values, ids and synonyms come from
the exercises, the stage slot's from the routines and the week map, the ordinal slot's
("first" .. "fifty second", ids "1" .. "52") from the ordinal words. ``spine-coach models
build`` writes ``interaction_models/<locale>.json``; ``--check`` fails if a committed file
is stale. ``problems`` checks a model against the rules Alexa enforces; ``measure`` measures
each of Amazon's documented limits (``spine-coach models check`` prints them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from skill.devtools.sampling import cover
from skill.domain.catalog import Catalog
from skill.domain.numbers import number_words, ordinal_words
from skill.domain.vocabulary import normalize
from skill.resources import models_dir

MODELS_DIR = models_dir()
SOURCE = MODELS_DIR / "source" / "model.json"

MAX_SAMPLE_CHARS = 200
MAX_SLOT_VALUE_CHARS = 140  # Amazon: characters per slot value or synonym (its limits table)
_SLOT_REF = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SAMPLE_CHARS = re.compile(r"^[a-z' .]*$")
_LAUNCH_WORDS = {"launch", "ask", "tell", "load", "begin", "enable", "open", "start", "play", "resume", "run", "use"}
_WAKE_WORDS = {"alexa", "amazon", "echo", "computer", "skill", "app"}


def load_source(path: Path = SOURCE) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def locales(source: Mapping[str, Any] | None = None) -> list[str]:
    return list((source or load_source())["locales"])


def _type_values(kind: str, catalog: Catalog) -> list[dict[str, Any]]:
    """A generated slot type's values: ids and phrases from the vocabulary (``content/``),
    the display names of exercises and routines, and for stages the week phrases."""
    vocabulary = catalog.vocabulary
    if kind == "exercise":
        return [_value(e.id, normalize(e.name), e.synonyms) for e in catalog.exercises.values()]
    if kind == "stage":
        claimed = {p for r in catalog.routines.values() for p in (*r.synonyms, normalize(r.name))}
        extra = _week_synonyms(catalog)
        return [
            _value(
                r.id,
                _strip_routine(normalize(r.name)),
                [*r.synonyms, normalize(r.name), *(p for p in extra.get(r.id, []) if p not in claimed)],
            )
            for r in catalog.routines.values()
        ]
    if kind == "ordinal":
        return _ordinal_values()
    if kind in ("symptom", "activity"):
        values = []
        for entry in vocabulary.entries(kind).values():
            phrases = [normalize(p) for p in entry.say]
            values.append(_value(entry.id, phrases[0], phrases))
        return values
    raise ValueError(f"unknown generated slot type source {kind!r}")


def _ordinal_values(last: int = 52) -> list[dict[str, Any]]:
    """ "first" .. "fifty second" with ids "1" .. "52", and the forms a transcript may hold
    instead ("6th", "22nd"): virtual-alexa cannot fill AMAZON.NUMBER from an
    ordinal, so "my sixth week" takes this type."""
    values = []
    for n in range(1, last + 1):
        words = ordinal_words(n)
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        values.append(_value(str(n), words, [f"{n}{suffix}"]))
    return values


def _strip_routine(name: str) -> str:
    return name.removesuffix(" routine").strip()


def _value(value_id: str, name: str, synonyms: Iterable[str]) -> dict[str, Any]:
    unique = [s for s in dict.fromkeys(synonyms) if s and s != name]
    return {"id": value_id, "name": {"value": name, "synonyms": unique}}


def _week_synonyms(catalog: Catalog, last_week: int = 52) -> dict[str, list[str]]:
    """ "week eight", "eight weeks", "eighth week" ... for each routine the week map names."""
    result: dict[str, list[str]] = {}
    for week in range(0, last_week + 1):
        routine = catalog.routine_for_week(week).id
        words = number_words(week)
        phrases = [f"week {words}", f"{words} weeks", f"{words} weeks after surgery", f"week {words} after surgery"]
        if week >= 1:
            phrases += [f"{ordinal_words(week)} week", f"the {ordinal_words(week)} week"]
        if week == 1:
            phrases += ["one week", "a week", "a week after surgery"]
        result.setdefault(routine, []).extend(phrases)
    return result


def build_model(source: Mapping[str, Any], catalog: Catalog, locale: str) -> dict[str, Any]:
    """The interaction model JSON for one locale."""
    overrides = source["locales"].get(locale, {})
    extra_samples: Mapping[str, list[str]] = overrides.get("samples", {})
    rules: Mapping[str, str] = {**source.get("rules", {}), **overrides.get("rules", {})}
    intents = []
    for intent in source["intents"]:
        templates = [*intent.get("samples", []), *extra_samples.get(intent["name"], [])]
        entry: dict[str, Any] = {"name": intent["name"], "samples": cover(templates, rules)}
        if intent.get("slots"):
            entry["slots"] = [{"name": name, "type": slot_type} for name, slot_type in intent["slots"].items()]
        intents.append(entry)
    types = []
    for name, spec in source["types"].items():
        values = _type_values(spec["from"], catalog) if "from" in spec else spec["values"]
        types.append({"name": name, "values": values})
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": overrides.get("invocationName", source["invocationName"]),
                "intents": intents,
                "types": types,
            }
        }
    }


def render(model: Mapping[str, Any]) -> str:
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def build_all(catalog: Catalog, *, check: bool = False, out_dir: Path = MODELS_DIR) -> list[str]:
    """Write (or with ``check``, compare) every locale's model; returns the stale or problem files."""
    source = load_source()
    reports: list[str] = []
    for locale in locales(source):
        model = build_model(source, catalog, locale)
        found = problems(model)
        if found:
            reports.extend(f"{locale}: {p}" for p in found)
            continue
        path = out_dir / f"{locale}.json"
        text = render(model)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            if check:
                reports.append(f"{path.relative_to(out_dir.parent)} is stale: run `spine-coach models build`")
            else:
                path.write_text(text, encoding="utf-8")
    return reports


# --- Alexa's rules ------------------------------------------------------------------------


def _shape(sample: str, slots: Mapping[str, str]) -> str:
    """A sample with each slot replaced by its type: two samples of one shape compete."""

    def slot_type(match: re.Match[str]) -> str:
        return "{" + slots.get(match.group(1), match.group(1)) + "}"

    return _SLOT_REF.sub(slot_type, sample)


def invocation_problems(name: str) -> list[str]:
    """Alexa's invocation-name rules: lower-case letters and spaces, two words or more,
    no launch phrases or wake words."""
    found = []
    if not re.fullmatch(r"[a-z]+( [a-z]+)+", name):
        found.append(f"invocation name {name!r} must be two or more lower-case words, letters only")
    words = set(name.split())
    if words & _LAUNCH_WORDS:
        found.append(f"invocation name {name!r} contains a launch word: {sorted(words & _LAUNCH_WORDS)}")
    if words & _WAKE_WORDS:
        found.append(f"invocation name {name!r} contains a wake word: {sorted(words & _WAKE_WORDS)}")
    return found


def problems(model: Mapping[str, Any], text: str | None = None) -> list[str]:
    """What Alexa would reject, or what would make two intents compete for one sentence.

    ``text`` is the model's file as shipped (default: what ``render`` writes); with it, every
    ``measure`` over its limit is a problem too."""
    language = model["interactionModel"]["languageModel"]
    found = invocation_problems(language["invocationName"])
    type_names = {t["name"] for t in language.get("types", [])}
    owner: dict[str, str] = {}
    shape_owner: dict[str, str] = {}
    intent_names = [i["name"] for i in language["intents"]]
    for required in (
        "AMAZON.CancelIntent",
        "AMAZON.HelpIntent",
        "AMAZON.StopIntent",
        "AMAZON.NavigateHomeIntent",
        "AMAZON.FallbackIntent",
    ):
        if required not in intent_names:
            found.append(f"missing required intent {required}")
    for name in {n for n in intent_names if intent_names.count(n) > 1}:
        found.append(f"intent {name} is defined twice")
    for intent in language["intents"]:
        slots = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for slot_type in slots.values():
            if not slot_type.startswith("AMAZON.") and slot_type not in type_names:
                found.append(f"{intent['name']}: slot type {slot_type} is not defined")
        if not intent["name"].startswith("AMAZON.") and not intent["samples"]:
            found.append(f"{intent['name']} has no samples")
        for sample in intent["samples"]:
            where = f"{intent['name']}: {sample!r}"
            for ref in _SLOT_REF.findall(sample):
                if ref not in slots:
                    found.append(f"{where} names undefined slot {{{ref}}}")
            if " '" in sample:
                found.append(f"{where} splits a contraction from its word (a word Alexa cannot hear)")
            if not _SAMPLE_CHARS.match(_SLOT_REF.sub("", sample)):
                found.append(f"{where} has characters Alexa does not accept (spell numbers out)")
            if len(sample) > MAX_SAMPLE_CHARS:
                found.append(f"{where} is longer than {MAX_SAMPLE_CHARS} characters")
            previous = owner.get(sample)
            if previous is not None and previous != intent["name"]:
                found.append(f"{where} is also a sample of {previous}")
            owner.setdefault(sample, intent["name"])
            shape = _shape(sample, slots)
            previous_shape = shape_owner.get(shape)
            if previous_shape is not None and previous_shape != intent["name"]:
                found.append(f"{where} has the same shape as a sample of {previous_shape}")
            shape_owner.setdefault(shape, intent["name"])
    for slot_type in language.get("types", []):
        seen: dict[str, str] = {}
        for value in slot_type["values"]:
            for spoken in [value["name"]["value"], *value["name"].get("synonyms", [])]:
                if len(spoken) > MAX_SLOT_VALUE_CHARS:
                    found.append(f"{slot_type['name']}: value {spoken!r} is too long")
                if spoken in seen and seen[spoken] != value["id"]:
                    found.append(f"{slot_type['name']}: {spoken!r} belongs to both {seen[spoken]} and {value['id']}")
                seen.setdefault(spoken, value["id"])
    found.extend(m.problem() for m in measure(model, render(model) if text is None else text) if not m.ok)
    return found


# --- Amazon's documented limits -----------------------------------------------------------
# Amazon's limits table ("Create the Interaction Model for Your Skill", Limits) and its rules
# for sample utterances; ../shared/platform-facts.md ("Shipping") keeps the summary. Amazon
# offers no offline validator (ask-cli validates through SMAPI with an account): we measure.

MAX_MODEL_BYTES = 1_500_000  # Amazon: 1.5 MB per interaction model (read as 10^6 bytes, the stricter)
# Ours: the file as `spine-coach package` ships it (indented), leaving room to grow under Amazon's 1.5 MB.
SHIPPED_MODEL_BYTES = 1_000_000
MAX_INTENTS = 250  # Amazon: intents per model, built-in intents included
MAX_INTENTS_AND_TYPES = 350  # Amazon: intents plus custom slot types
# Ours: Amazon publishes no per-intent limit, but Alexa learns from a representative set (large
# open-source skills carry a few hundred samples per intent); more samples only cost size.
MAX_SAMPLES_PER_INTENT = 400
# Amazon: a sample must not contain a wake word (Alexa hears the wake word before the skill does).
SAMPLE_WAKE_WORDS = frozenset({"alexa", "amazon", "echo", "computer", "ziggy"})
# Amazon: samples must be grammatical. Articles are judged by the next word's first letter, except
# where the sound is not the letter's: "a one", "a once", "a european"; a "u" word takes either
# ("a unit", "an upper"); "an hour", "an honest"; letters said by name ("an x ray", "an nhs physio").
_A_BEFORE_VOWEL_OK = ("one", "once", "eu", "ewe", "u")
_AN_BEFORE_CONSONANT_OK = ("hour", "honest", "honor", "honour", "heir", "herb")
_LETTERS_SAID_WITH_A_VOWEL = frozenset("fhlmnrsx")


@dataclass(frozen=True)
class Measurement:
    """One documented rule measured on one model: within it when ``value`` is at most ``limit``."""

    rule: str
    value: int
    limit: int
    unit: str
    example: str = ""  # where to look: the largest item, or the first one that breaks the rule

    @property
    def ok(self) -> bool:
        return self.value <= self.limit

    @property
    def units(self) -> str:
        """``unit`` agreeing with ``value``: "1 sample", "2 samples"."""
        return self.unit.removesuffix("s") if self.value == 1 else self.unit

    def problem(self) -> str:
        """The problem line ``problems`` gives for a measurement over its limit."""
        where = f" ({self.example})" if self.example else ""
        return f"{self.rule}: {self.value:,} {self.units}, over the limit of {self.limit:,}{where}"


def measure(model: Mapping[str, Any], text: str) -> list[Measurement]:
    """Every documented rule measured on ``model``, whose file as shipped is ``text`` (what
    ``render`` writes): one Measurement per rule, in a fixed order, within its limit or not."""
    language = model["interactionModel"]["languageModel"]
    intents: list[Mapping[str, Any]] = language["intents"]
    types: list[Mapping[str, Any]] = language.get("types", [])
    compact = json.dumps(model, ensure_ascii=False, separators=(",", ":"))
    return [
        Measurement("model size (as shipped)", len(text.encode("utf-8")), SHIPPED_MODEL_BYTES, "bytes"),
        Measurement("model size (compact JSON)", len(compact.encode("utf-8")), MAX_MODEL_BYTES, "bytes"),
        Measurement("intents", len(intents), MAX_INTENTS, "intents"),
        Measurement("intents plus slot types", len(intents) + len(types), MAX_INTENTS_AND_TYPES, "total"),
        _longest_slot_value(types),
        _largest_intent(intents),
        _longest_sample(intents),
        *_sample_rules(intents),
        _offenders("invocation name problems", "problems", invocation_problems(language["invocationName"])),
    ]


def _samples(intents: Iterable[Mapping[str, Any]]) -> Iterable[tuple[str, str]]:
    """(intent name, sample) for every sample of every intent."""
    return ((intent["name"], sample) for intent in intents for sample in intent["samples"])


def _longest_slot_value(types: Iterable[Mapping[str, Any]]) -> Measurement:
    spoken = [
        (len(phrase), f"{slot_type['name']}: {phrase!r}")
        for slot_type in types
        for value in slot_type["values"]
        for phrase in [value["name"]["value"], *value["name"].get("synonyms", [])]
    ]
    length, example = max(spoken, default=(0, ""))
    return Measurement("longest slot value or synonym", length, MAX_SLOT_VALUE_CHARS, "characters", example)


def _largest_intent(intents: Iterable[Mapping[str, Any]]) -> Measurement:
    count, name = max(((len(i["samples"]), i["name"]) for i in intents), default=(0, ""))
    return Measurement("samples in the largest intent", count, MAX_SAMPLES_PER_INTENT, "samples", name)


def _longest_sample(intents: Iterable[Mapping[str, Any]]) -> Measurement:
    length, name = max(((len(sample), name) for name, sample in _samples(intents)), default=(0, ""))
    return Measurement("longest sample", length, MAX_SAMPLE_CHARS, "characters", name)


def _offenders(rule: str, unit: str, found: list[str]) -> Measurement:
    """A rule nothing may break: the count of what breaks it, the first one as the example."""
    return Measurement(rule, len(found), 0, unit, found[0] if found else "")


def _sample_rules(intents: Iterable[Mapping[str, Any]]) -> list[Measurement]:
    bad_characters, wake_words, articles = [], [], []
    owners: dict[str, set[str]] = {}
    for name, sample in _samples(intents):
        where = f"{name}: {sample!r}"
        if not _SAMPLE_CHARS.match(_SLOT_REF.sub("", sample)):
            bad_characters.append(where)
        if SAMPLE_WAKE_WORDS.intersection(sample.split()):
            wake_words.append(where)
        wrong = article_error(sample)
        if wrong:
            articles.append(f"{wrong!r} in {where}")
        owners.setdefault(sample, set()).add(name)
    shared = [f"{sample!r} in {', '.join(sorted(names))}" for sample, names in owners.items() if len(names) > 1]
    return [
        _offenders("samples with disallowed characters", "samples", bad_characters),
        _offenders("samples in two intents", "samples", shared),
        _offenders("samples with a wake word", "samples", wake_words),
        _offenders("samples with a wrong article", "samples", articles),
    ]


def article_error(sample: str) -> str | None:
    """The first article that disagrees with the next word ("a easier", "an simpler"), or
    None. A slot's value is not known, so an article before a slot passes."""
    words = sample.split()
    for article, word in pairwise(words):
        if article not in ("a", "an") or word.startswith("{"):
            continue
        vowel = word[0] in "aeiou"
        if article == "a" and vowel and not word.startswith(_A_BEFORE_VOWEL_OK):
            return f"a {word}"
        said_with_a_vowel = word.startswith(_AN_BEFORE_CONSONANT_OK) or _spelled_with_a_vowel(word)
        if article == "an" and not vowel and not said_with_a_vowel:
            return f"an {word}"
    return None


def _spelled_with_a_vowel(word: str) -> bool:
    """A word without vowels is said letter by letter ("x", "nhs"): "an" goes before "ef", "en"..."""
    return word[0] in _LETTERS_SAID_WITH_A_VOWEL and not any(letter in "aeiouy" for letter in word)


def read_model(path: Path) -> tuple[dict[str, Any], str]:
    """A model file and its text byte for byte (no newline translation): what the package ships."""
    text = path.read_bytes().decode("utf-8")
    model: dict[str, Any] = json.loads(text)
    return model, text


def shipped_problems(folder: Path = MODELS_DIR) -> list[str]:
    """``<locale>: <problem>`` for every rule a committed model in ``folder`` breaks: what
    ``spine-coach package`` refuses to ship."""
    found: list[str] = []
    for locale in locales():
        path = folder / f"{locale}.json"
        if not path.exists():
            found.append(f"{locale}: no model at {path}")
            continue
        model, text = read_model(path)
        found.extend(f"{locale}: {problem}" for problem in problems(model, text))
    return found
