"""The vocabulary: one source of the words, and how words Alexa could not match are read."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.devtools.simulator import Conversation
from skill.domain.catalog import Catalog


@pytest.mark.parametrize(
    ("slot", "heard", "expected"),
    [
        ("activity", "lift a kettle", "lifting"),
        ("activity", "carry my shopping", "lifting"),
        ("activity", "ride my bike", "cycling"),
        ("activity", "mop the floor", "housework"),  # the head word, not "floor" (bending)
        ("activity", "take a bath", "bathing"),
        ("activity", "hot tub", "bathing"),
        ("activity", "spin class", "gym"),
        ("activity", "hiking", "sports"),
        ("activity", "climb the stairs", "stairs"),
        ("exercise", "the bum squeezes", "glute_squeezes"),
        ("exercise", "hammy stretch", "hamstring_stretch_towel"),
        ("exercise", "my calves", "calf_stretch"),
        # "the back of" is another place only to the triage (an idiom): an exercise's words
        # still read it ("back" of the hands-behind-the-thigh hamstring stretch)
        ("exercise", "back of the legs stretch", "hamstring_stretch_hands"),
        ("symptom", "can't feel my legs", "leg_weakness"),
        ("symptom", "my chest feels tight", "chest_pain"),
        ("symptom", "my back's killing me", "pain"),
        ("symptom", "shooting pains down my leg", "leg_pain"),
        ("symptom", "i peed myself", "bladder_bowel"),
        ("symptom", "pain in my chest and down my leg", "chest_pain"),  # a red flag wins
        ("stage", "weeks 3-6", "mid"),
        ("stage", "weeks three to five", "mid"),
        ("stage", "week three to six", "mid"),
        ("stage", "the weeks three to six routine", "mid"),
        ("stage", "week six", "week_six"),
        ("stage", "the week six routine", "week_six"),
        ("stage", "hospital", "in_hospital"),
    ],
)
def test_unmatched_words_resolve_by_phrase_and_keyword(catalog: Catalog, slot: str, heard: str, expected: str) -> None:
    assert catalog.vocabulary.resolve(slot, heard) == expected


@pytest.mark.parametrize(
    ("slot", "heard"),
    [
        ("symptom", "weeks"),  # "wee" is a short stem: it does not swallow "week"
        ("symptom", "i cannot find week six"),
        ("exercise", "planks"),
        ("activity", "the weather on mars"),
    ],
)
def test_words_the_vocabulary_does_not_know_stay_unknown(catalog: Catalog, slot: str, heard: str) -> None:
    assert catalog.vocabulary.resolve(slot, heard) is None


def test_week_six_and_weeks_three_to_six_never_collide(catalog: Catalog) -> None:
    stage_words = catalog.vocabulary
    for phrase in ("week six", "the week six routine", "week 6", "my week six exercises"):
        assert stage_words.resolve("stage", phrase) == "week_six", phrase
    for phrase in ("weeks three to six", "weeks 3 to 6", "weeks three to five", "week 3-5"):
        assert stage_words.resolve("stage", phrase) == "mid", phrase


def test_every_synonym_lives_in_the_vocabulary(catalog: Catalog) -> None:
    """The catalog's spoken names come from vocabulary.json, not from other content files."""
    import json

    from skill.domain.catalog import default_content_dir

    root = default_content_dir()
    for path in [root / "guidance.json", root / "routines.json", *(root / "exercises").glob("*.json")]:
        assert "synonyms" not in path.read_text(encoding="utf-8"), path.name
    vocabulary = json.loads((root / "vocabulary.json").read_text(encoding="utf-8"))
    assert set(vocabulary["exercise"]) == set(catalog.exercises)
    assert set(vocabulary["stage"]) == set(catalog.routines)
    assert {s.id for s in catalog.guidance.symptoms} == set(vocabulary["symptom"])


@pytest.mark.parametrize("utterance", ["can I drive", "can I have sex", "can I do the hoovering", "can I take a bath"])
def test_activities_the_sources_do_not_cover_say_so(convo: Conversation, utterance: str) -> None:
    reply = convo.say(f"ask spine coach {utterance}")
    assert reply.interpretation is not None and reply.interpretation.intent == "AvoidIntent"
    assert "My sources don't cover that, so I can't advise you on it" in reply.text
    assert "ask your surgeon or physical therapist" in reply.text


def test_an_unmatched_activity_is_answered_from_its_head_word(convo: Conversation) -> None:
    reply = convo.say("ask spine coach can I lift a kettle")
    fill = reply.interpretation.slots["activity"] if reply.interpretation else None
    assert fill is not None and fill.resolved_id is None, "the model does not list it"
    assert "Refrain from lifting" in reply.text


@pytest.mark.parametrize(
    ("utterance", "intent", "slots"),
    [
        ("let's do the in-hospital exercises", "StartRoutineIntent", {"stage": "in_hospital"}),
        ("I've got shooting pains down my leg", "SymptomIntent", {"symptom": "leg_pain"}),
        ("um could you just count slower please", "SlowerIntent", {}),
        ("I'm in week six now", "WeekIntent", {"week": "6"}),
        ("let's do weeks 3-6", "StartRoutineIntent", {"stage": "mid"}),
        ("what's in the weeks 3 to 5 routine", "RoutineOverviewIntent", {"stage": "mid"}),
    ],
)
def test_console_tolerates_hyphens_fillers_contractions_and_digits(
    utterance: str, intent: str, slots: dict[str, str]
) -> None:
    from skill.devtools.nlu import resolver_for

    found = resolver_for("en-US").resolve(utterance)
    assert found.intent == intent
    assert {name: fill.resolved_id or fill.value for name, fill in found.slots.items()} == slots


def test_every_example_in_the_readme_table_is_understood_by_the_console() -> None:
    import re

    from skill.devtools.nlu import resolver_for

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## What you can say") : readme.index("## Safety")]
    said = [row.split("|")[1] for row in table.splitlines() if row.startswith("| ") and "you say" not in row]
    examples = [e for cell in said for e in re.findall(r'"([^"]+)"', cell) if e != "open spine coach"]
    assert len(examples) > 60
    resolver = resolver_for("en-US")
    not_understood = [e for e in examples if resolver.resolve(e).intent == "AMAZON.FallbackIntent"]
    assert not_understood == []
