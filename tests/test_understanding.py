"""The console's learned understanding: trained on the committed model alone, saved, reloaded."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from skill.devtools import understanding
from skill.devtools.interaction_model import MODELS_DIR
from skill.devtools.nlu import normalize_utterance, resolver_for
from skill.devtools.simulator import Conversation
from skill.devtools.understanding import classifier_for, features, train, training_sentences
from tests.support import language_model

TINY = language_model(
    [
        {
            "name": "HowToIntent",
            "slots": [{"name": "exercise", "type": "EXERCISE"}],
            "samples": ["how do i do {exercise}", "explain {exercise}", "what are the steps for {exercise}"],
        },
        {"name": "SkipIntent", "samples": ["skip this one", "skip it", "next exercise please"]},
        {
            "name": "SymptomIntent",
            "slots": [{"name": "symptom", "type": "SYMPTOM"}],
            "samples": ["i have {symptom}", "my {symptom}", "i feel {symptom}"],
        },
    ],
    [
        {"name": "EXERCISE", "values": [{"id": "bridging", "name": {"value": "bridging", "synonyms": ["bridges"]}}]},
        {"name": "SYMPTOM", "values": [{"id": "pain", "name": {"value": "back pain", "synonyms": ["it hurts"]}}]},
    ],
)


def test_training_sentences_come_from_the_model_alone() -> None:
    pairs = training_sentences(TINY, {}, normalize_utterance)
    assert {intent for _, intent in pairs} == {"HowToIntent", "SkipIntent", "SymptomIntent"}
    assert ("how do i do bridging", "HowToIntent") in pairs
    assert ("how do i do bridges", "HowToIntent") in pairs  # slots are filled with synonyms too
    assert ("i feel back pain", "SymptomIntent") in pairs
    assert all("{" not in text for text, _ in pairs)


def test_prediction_in_pure_python_is_scikit_learns() -> None:
    """The saved weights predict what the fitted model predicts (idf, sublinear tf, L2 norm)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    pairs = training_sentences(TINY, {}, normalize_utterance)
    ours = train(pairs)
    vectoriser = TfidfVectorizer(analyzer=features, sublinear_tf=True)
    learner = LogisticRegression(C=20.0, max_iter=2000).fit(
        vectoriser.fit_transform([t for t, _ in pairs]), [i for _, i in pairs]
    )
    for sentence in ("how do i do my bridges again", "skip skip skip", "my back really hurts", "unheard words"):
        expected = dict(zip(learner.classes_, learner.predict_proba(vectoriser.transform([sentence]))[0], strict=True))
        predicted = ours.predict(sentence, top=3)
        for intent, probability in predicted.ranked:
            assert probability == pytest.approx(expected[intent], abs=1e-9), sentence


@pytest.mark.parametrize(
    ("sentence", "intent"),
    [
        ("i am not sure how the bridging one goes, can you explain it", "HowToIntent"),
        ("honestly this stretch is a bit much for me, can we tone it down", "EasierIntent"),
        ("i'd like to hear what's in the weeks one to two programme", "RoutineOverviewIntent"),
        ("my lower back has started aching quite badly", "SymptomIntent"),
    ],
)
def test_sentences_no_sample_holds_are_understood(sentence: str, intent: str) -> None:
    model = json.loads((MODELS_DIR / "en-US.json").read_text())
    samples = {
        normalize_utterance(s) for i in model["interactionModel"]["languageModel"]["intents"] for s in i["samples"]
    }
    assert normalize_utterance(sentence) not in samples
    assert resolver_for("en-US").resolve(sentence).intent == intent


@pytest.mark.parametrize(
    "sentence",
    # Of 30 such sentences 22 reach fallback (docs/understanding.md); these four are a guard.
    [
        "book me a taxi to town",
        "what year did the war end",
        "who is the prime minister",
        "what is the population of india",
    ],
)
def test_sentences_from_no_skill_go_to_fallback(sentence: str) -> None:
    assert resolver_for("en-US").resolve(sentence).intent == "AMAZON.FallbackIntent"


def test_the_classifier_is_saved_and_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    text = json.dumps(TINY)
    first = classifier_for(text, {}, normalize_utterance)
    saved = list((tmp_path / "spine-coach" / "understanding").glob("*.pickle"))
    assert len(saved) == 1

    def no_training(pairs: Any) -> Any:
        raise AssertionError("trained again although a saved classifier was there")

    monkeypatch.setattr(understanding, "train", no_training)
    again = classifier_for(text, {}, normalize_utterance)
    assert again.predict("explain bridging").ranked == first.predict("explain bridging").ranked

    # A damaged file is not trusted: the classifier is trained afresh.
    saved[0].write_bytes(b"not a pickle")
    with pytest.raises(AssertionError, match="trained again"):
        classifier_for(text, {}, normalize_utterance)
    # Weights saved by older code are not read either.
    saved[0].write_bytes(pickle.dumps({**first.to_state(), "version": understanding.VERSION - 1}))
    with pytest.raises(AssertionError, match="trained again"):
        classifier_for(text, {}, normalize_utterance)


@pytest.mark.parametrize(
    ("sentence", "intent", "slots"),
    [
        # Words that only point, or the intent's own words, fill no slot (a slot tagger
        # learns they are carrier words); a value among them is still found.
        ("how many of those should i do", "HowToIntent", {}),
        ("ok cool, and how many of those should i do", "HowToIntent", {}),
        ("and how many of them should i be doing", "HowToIntent", {}),
        ("how do i do this one again", "HowToIntent", {}),
        ("please repeat the instructions once more", "HowToIntent", {}),
        ("can you go through that one again", "HowToIntent", {}),
        ("how long will today's workout take", "RoutineOverviewIntent", {}),
        ("let's start my exercises", "StartRoutineIntent", {}),
        ("start my routine for week eight", "StartRoutineIntent", {"stage": "week_six"}),
        ("i am in week four, please start it", "WeekIntent", {"week": "4"}),
        ("actually no, leave it", "AMAZON.NoIntent", {}),
        # A negation is never dropped to reach a value: "not in pain" is not "pain".
        ("i'm not in pain", "SymptomIntent", {"symptom": None}),
        # Nor is a symptom narrowed to a milder one it ends with.
        ("my inner thighs have gone numb", "SymptomIntent", {"symptom": None}),
    ],
)
def test_slots_are_what_was_said(sentence: str, intent: str, slots: dict[str, str | None]) -> None:
    found = resolver_for("en-US").resolve(sentence)
    assert found.intent == intent
    heard = {
        name: fill.resolved_id or (fill.value if fill.slot_type == "AMAZON.NUMBER" else None)
        for name, fill in found.slots.items()
    }
    assert heard == slots


def test_how_many_of_those_after_a_how_to_is_about_that_exercise(convo: Conversation) -> None:
    convo.say("ask spine coach how do I do bridging")
    again = convo.say("and how many of those should I do")
    assert "10 to 12 repetitions" in again.text


def test_a_two_clause_sentence_is_understood_by_its_clearest_clause() -> None:
    resolver = resolver_for("en-US")
    found = resolver.resolve("I had my op two weeks ago, what should I be doing")
    assert found.intent == "SurgeryAgoIntent"
    assert found.slots["duration"].value == "P2W"
    # ... but a clause of a word or two ("yes") is never taken for an answer on its own.
    assert resolver.resolve("yes, purple monkey dishwasher bananas").intent == "AMAZON.FallbackIntent"
