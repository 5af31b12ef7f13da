"""The interaction model is generated from one source and content/, valid, and never stale."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from skill.devtools.interaction_model import (
    MODELS_DIR,
    build_all,
    build_model,
    invocation_problems,
    load_source,
    locales,
    problems,
)
from skill.domain.catalog import Catalog
from skill.domain.grammar import expand
from skill.domain.vocabulary import normalize


@pytest.fixture(scope="module")
def model(catalog: Catalog) -> dict[str, Any]:
    return build_model(load_source(), catalog, "en-US")


def _language(model: dict[str, Any]) -> dict[str, Any]:
    language: dict[str, Any] = model["interactionModel"]["languageModel"]
    return language


def test_committed_models_are_up_to_date(catalog: Catalog, tmp_path: Path) -> None:
    assert build_all(catalog, check=True) == []
    for locale in locales():
        committed = json.loads((MODELS_DIR / f"{locale}.json").read_text())
        assert committed == build_model(load_source(), catalog, locale)


def test_a_stale_model_is_reported(catalog: Catalog, tmp_path: Path) -> None:
    for locale in locales():
        (tmp_path / f"{locale}.json").write_text((MODELS_DIR / f"{locale}.json").read_text())
    (tmp_path / "en-US.json").write_text("{}")
    reports = build_all(catalog, check=True, out_dir=tmp_path)
    assert any("en-US.json is stale" in r for r in reports)


def test_generated_model_is_valid(model: dict[str, Any]) -> None:
    assert problems(model) == []
    assert _language(model)["invocationName"] == "spine coach"


def test_exercise_slot_comes_from_the_catalog(model: dict[str, Any], catalog: Catalog) -> None:
    exercise_type = next(t for t in _language(model)["types"] if t["name"] == "EXERCISE")
    assert {v["id"] for v in exercise_type["values"]} == set(catalog.exercises)
    for value in exercise_type["values"]:
        exercise = catalog.exercise(value["id"])
        assert value["name"]["value"] == normalize(exercise.name)
        assert set(value["name"]["synonyms"]) == set(exercise.synonyms) - {normalize(exercise.name)}


def test_stage_slot_covers_every_week(model: dict[str, Any], catalog: Catalog) -> None:
    from skill.domain.numbers import number_words

    stage_type = next(t for t in _language(model)["types"] if t["name"] == "STAGE")
    owner = {s: v["id"] for v in stage_type["values"] for s in [v["name"]["value"], *v["name"]["synonyms"]]}
    named = {p for r in catalog.routines.values() for p in catalog.vocabulary.say("stage", r.id)}
    for week in range(53):
        phrase = f"week {number_words(week)}"
        if phrase not in named:  # a routine's own name ("week six") is not a week number
            assert owner[phrase] == catalog.routine_for_week(week).id
    for phrase, routine in [
        ("in hospital", "in_hospital"),
        ("six weeks", "week_six"),
        ("week six", "week_six"),
        ("weeks three to six", "mid"),
        ("weeks three to five", "mid"),
        ("week three to six", "mid"),
        ("early stage", "early"),
        ("long term", "long_term"),
    ]:
        assert owner[phrase] == routine


def test_ordinal_slot_is_every_week_said_as_an_ordinal(model: dict[str, Any]) -> None:
    """virtual-alexa cannot fill AMAZON.NUMBER from "sixth": "my sixth week" takes ORDINAL."""
    ordinal_type = next(t for t in _language(model)["types"] if t["name"] == "ORDINAL")
    owner = {s: v["id"] for v in ordinal_type["values"] for s in [v["name"]["value"], *v["name"]["synonyms"]]}
    assert [v["id"] for v in ordinal_type["values"]] == [str(n) for n in range(1, 53)]
    for phrase, week in [("first", "1"), ("sixth", "6"), ("6th", "6"), ("twelfth", "12"), ("11th", "11")]:
        assert owner[phrase] == week
    assert (owner["twenty second"], owner["22nd"], owner["fifty second"], owner["52nd"]) == ("22", "22", "52", "52")
    week = next(i for i in _language(model)["intents"] if i["name"] == "WeekIntent")
    assert {s["name"]: s["type"] for s in week["slots"]} == {"week": "AMAZON.NUMBER", "ordinal": "ORDINAL"}
    assert not any("my {week} week" in sample for sample in week["samples"])


def test_every_intent_has_many_phrasings(model: dict[str, Any]) -> None:
    for intent in _language(model)["intents"]:
        if not intent["name"].startswith("AMAZON."):
            assert len(intent["samples"]) >= 10, intent["name"]


def test_shared_sample_is_caught(model: dict[str, Any]) -> None:
    broken = copy.deepcopy(model)
    intents = _language(broken)["intents"]
    intents[1]["samples"].append(intents[0]["samples"][1])
    assert any("is also a sample of" in p for p in problems(broken))


def test_same_shape_with_other_slot_name_is_caught(model: dict[str, Any]) -> None:
    broken = copy.deepcopy(model)
    other = next(i for i in _language(broken)["intents"] if i["name"] == "RoutineOverviewIntent")
    other["slots"].append({"name": "move", "type": "EXERCISE"})
    other["samples"].append("how do i do {move}")
    assert any("same shape" in p for p in problems(broken))


def test_undefined_slot_is_caught(model: dict[str, Any]) -> None:
    broken = copy.deepcopy(model)
    _language(broken)["intents"][0]["samples"].append("show me {nothing}")
    assert any("undefined slot {nothing}" in p for p in problems(broken))


def test_digits_in_samples_are_caught(model: dict[str, Any]) -> None:
    broken = copy.deepcopy(model)
    _language(broken)["intents"][0]["samples"].append("start week 6")
    assert any("spell numbers out" in p for p in problems(broken))


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("spine coach", True),
        ("spine", False),
        ("Spine Coach", False),
        ("alexa spine coach", False),
        ("open spine coach", False),
        ("spine coach two", True),
        ("spine coach 2", False),
    ],
)
def test_invocation_name_rules(name: str, ok: bool) -> None:
    assert (invocation_problems(name) == []) is ok


def test_template_expansion() -> None:
    assert expand("(how do i|how to) do [the|a] {x}") == [
        "how do i do {x}",
        "how do i do the {x}",
        "how do i do a {x}",
        "how to do {x}",
        "how to do the {x}",
        "how to do a {x}",
    ]
    assert expand("i ('d like|want) it") == ["i'd like it", "i want it"]


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_every_locale_has_a_valid_model_from_the_one_source(locale: str, catalog: Catalog) -> None:
    committed = json.loads((MODELS_DIR / f"{locale}.json").read_text())
    assert problems(committed) == []
    us = json.loads((MODELS_DIR / "en-US.json").read_text())
    names = [i["name"] for i in _language(committed)["intents"]]
    assert names == [i["name"] for i in _language(us)["intents"]]
    for required in (
        "SymptomIntent",
        "AvoidIntent",
        "SurgeryDateIntent",
        "WeekIntent",
        "StageOverrideIntent",
        "ClearanceIntent",
    ):
        assert required in names


def test_a_split_contraction_is_caught(model: dict[str, Any]) -> None:
    """ "i 've got {symptom}" once made every "I've got ..." fail."""
    broken = copy.deepcopy(model)
    symptom = next(i for i in _language(broken)["intents"] if i["name"] == "SymptomIntent")
    symptom["samples"].append("i 've got {symptom}")
    assert any("splits a contraction" in p for p in problems(broken))
    assert expand("i ('ve got|have) {symptom}") == ["i've got {symptom}", "i have {symptom}"]


def test_named_rules_expand_in_place_and_an_unknown_one_is_an_error() -> None:
    rules = {"det": "[the|my]", "ask": "(can you|could you) <det>"}
    assert expand("<ask> {x}", rules) == [
        "can you {x}",
        "can you the {x}",
        "can you my {x}",
        "could you {x}",
        "could you the {x}",
        "could you my {x}",
    ]
    with pytest.raises(ValueError, match="unknown grammar rule"):
        expand("<nope> {x}", rules)
