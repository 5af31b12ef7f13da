"""The annotation set: patients' own words, through the committed models and the whole skill.

``tests/annotations/utterances.jsonl`` was written without seeing the model (see its
README). These tests keep it a measure of generalisation (no sentence may be a sample),
hold the accuracy floors, and check the safety promise end to end: every red-flag
sentence reaches the emergency answer with the locale's number, mid-set and outside a
session, in all five locales; every other symptom sentence stops the set and refers to
the surgeon or physiotherapist.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from skill.devtools.evaluate import (
    Annotation,
    Heard,
    as_spoken,
    console_heard,
    correct,
    load_annotations,
    score,
    sentences_that_are_samples,
    virtual_alexa_available,
    virtual_alexa_heard,
)
from skill.devtools.interaction_model import MODELS_DIR, locales
from skill.devtools.simulator import Conversation
from skill.domain.catalog import Catalog
from tests.test_safety import LOCALES, mid_set

ANNOTATIONS = load_annotations()
RED_FLAGS = [a for a in ANNOTATIONS if a.group == "red_flag"]
SYMPTOMS = [a for a in ANNOTATIONS if a.group == "symptom"]
# Floor: measured on this set (see the README's "How well it understands"); raise, never lower.
# virtual-alexa has none: it matches samples word for word, so it measures which sentences are
# samples, not understanding (tests/test_virtual_alexa.py keeps it as an end-to-end check).
CONSOLE_FLOOR = 0.99


def test_no_annotation_sentence_is_a_sample() -> None:
    models = [json.loads((MODELS_DIR / f"{locale}.json").read_text(encoding="utf-8")) for locale in locales()]
    assert sentences_that_are_samples(ANNOTATIONS, models) == []


def test_a_week_heard_as_an_ordinal_counts_as_that_week() -> None:
    """ "my sixth week" fills WeekIntent's ORDINAL slot (id "6", or unmatched words); the
    skill acts on it as week 6, so {"week": "6"} is right either way, and only then."""
    sixth = Annotation("i'm in my sixth week", "WeekIntent", {"week": "6"}, "stage")
    assert correct(sixth, Heard("WeekIntent", {"ordinal": "6"}))
    assert correct(sixth, Heard("WeekIntent", {"week": None, "ordinal": "sixth"}))
    assert correct(sixth, Heard("WeekIntent", {"week": "6"}))
    assert not correct(sixth, Heard("WeekIntent", {"ordinal": "5"}))
    assert not correct(sixth, Heard("WeekIntent", {"ordinal": None}))
    assert not correct(sixth, Heard("WhatWeekIntent", {"ordinal": "6"}))


def test_the_set_covers_every_group() -> None:
    assert len(ANNOTATIONS) >= 400
    groups = {a.group for a in ANNOTATIONS}
    assert {"red_flag", "symptom", "howto", "routine", "coaching", "guidance", "stage", "reminder"} <= groups


def test_console_understands_the_set(catalog: Catalog) -> None:
    overall, _, per_group, missed = score(zip(ANNOTATIONS, console_heard(ANNOTATIONS, catalog.vocabulary), strict=True))
    assert per_group["red_flag"].rate == 1.0, missed
    assert overall.rate >= CONSOLE_FLOOR, "\n".join(missed)


def _other_numbers(locale: str) -> set[str]:
    return {digits for digits in LOCALES.values() if digits != LOCALES[locale]}


@pytest.mark.parametrize("locale", list(LOCALES))
def test_every_red_flag_sentence_gets_the_emergency_number(
    talk: Callable[..., Conversation], catalog: Catalog, locale: str
) -> None:
    for annotation in RED_FLAGS:
        assert catalog.guidance.symptom(annotation.slots["symptom"]).severity == "emergency", annotation.text
        outside = talk(locale=locale).say(f"ask spine coach {annotation.text}")
        convo = talk(locale=locale)
        mid_set(convo)
        during = convo.say(annotation.text)
        for where, reply in (("outside a session", outside), ("mid-set", during)):
            assert LOCALES[locale] in reply.text, f"{annotation.text!r} {where}: {reply.text}"
            assert not any(d in reply.text for d in _other_numbers(locale)), annotation.text
            # The number, then the microphone open only to say it again (issue 26's live round).
            assert reply.text.endswith("To hear that again, say repeat."), annotation.text
        assert "I've ended today's session." in during.text, annotation.text


@pytest.mark.parametrize("locale", ["en-US", "en-GB"])
def test_every_other_symptom_sentence_stops_the_set_and_refers(
    talk: Callable[..., Conversation], catalog: Catalog, locale: str
) -> None:
    therapist = "physical therapist" if locale == "en-US" else "physio"
    for annotation in SYMPTOMS:
        convo = talk(locale=locale)
        mid_set(convo)
        reply = convo.say(annotation.text)
        # The set stops; the session stays open for one question about it, or the number again.
        assert reply.text.endswith(("anything you'd like to ask me about it?", "say repeat.")), reply.text
        assert reply.interpretation is not None and reply.interpretation.intent == "SymptomIntent", annotation.text
        fill = reply.interpretation.slots["symptom"]
        heard = catalog.guidance.find_symptom(fill.resolved_id or catalog.vocabulary.resolve("symptom", fill.value))
        if heard is not None and heard.severity == "emergency":
            # Words that also name a red flag are answered as one: over, never under.
            assert LOCALES[locale] in reply.text, annotation.text
            continue
        if heard is not None and heard.severity == "surgeon_today":
            # A possible wound infection (issue 13): stop for the day, call the surgeon's office today.
            assert "Stop exercising for today" in reply.text, f"{annotation.text!r}: {reply.text}"
            assert "today about this" in reply.text, annotation.text
            assert "kept your place" in reply.text, annotation.text
            continue
        assert "Stop the exercise now" in reply.text, f"{annotation.text!r}: {reply.text}"
        assert f"contact your surgeon or {therapist}" in reply.text, annotation.text
        assert "kept your place" in reply.text, annotation.text


def test_virtual_alexa_is_given_the_words_a_patient_says() -> None:
    assert as_spoken("my pain is 6 out of 10 today") == "my pain is six out of ten today"
    assert as_spoken("i'm on week 3") == "i'm on week three"


@pytest.mark.node
def test_virtual_alexa_numbers_are_alexas_numbers(catalog: Catalog) -> None:
    """virtual-alexa alone knows one to twenty; Alexa's AMAZON.NUMBER also takes zero and more."""
    if not virtual_alexa_available():
        pytest.skip("Node.js and tests/node/node_modules (./dev test installs them) are needed")
    # virtual-alexa matches samples word for word: the model's own pain-log sample, said with
    # zero and with thirty.
    language = json.loads((MODELS_DIR / "en-US.json").read_text(encoding="utf-8"))["interactionModel"]["languageModel"]
    log = next(i for i in language["intents"] if i["name"] == "LogPainIntent")
    sample = next(s for s in log["samples"] if s.startswith("my pain") and s.count("{") == 1)
    rows = [
        Annotation(sample.replace("{score}", "zero"), "LogPainIntent", {"score": "0"}, "pain"),
        Annotation("zero", "PainAnswerIntent", {"score": "0"}, "pain"),
        Annotation(sample.replace("{score}", "thirty"), "LogPainIntent", {"score": "30"}, "pain"),
    ]
    heard = virtual_alexa_heard(rows, catalog.vocabulary)
    assert [(h.intent, h.slots.get("score")) for h in heard] == [(r.intent, r.slots["score"]) for r in rows]


def test_symptom_dialogs_pass_only_the_safe_answer() -> None:
    """``models evaluate --dialogs`` says each sentence to the skill: a red flag passes with
    the emergency number mid-set and outside a session, a symptom with a triage answer (stop
    and refer, the surgeon's office today, or normal effort acknowledged: issue 27); a
    sentence the skill does not take for a symptom fails, paused on or answered otherwise."""
    from skill.devtools.evaluate import symptom_dialogs

    weak = {"symptom": "leg_weakness"}
    said = [
        Annotation("my legs have suddenly gone weak", "SymptomIntent", {"symptom": "leg_weakness"}, "red_flag"),
        Annotation("my back is sore", "SymptomIntent", {"symptom": "pain"}, "symptom", locale="en-GB"),
        Annotation("what's the capital of peru", "SymptomIntent", {"symptom": "pain"}, "symptom"),
        # A red flag in words the skill takes for a mild symptom is not safe: over, never under.
        Annotation("my back aches a bit", "SymptomIntent", {"symptom": "leg_weakness"}, "red_flag"),
        # Australia's emergency sentence is its own ("Call triple zero, 0 0 0, now"); its stop
        # rule also names triple zero, which is not the emergency answer.
        Annotation("my legs have suddenly gone weak", "SymptomIntent", weak, "red_flag", locale="en-AU"),
        Annotation("my back aches a bit", "SymptomIntent", weak, "red_flag", locale="en-AU"),
        Annotation("I'm a bit out of breath after that", "SymptomIntent", {"symptom": "effort"}, "symptom"),
    ]
    assert [d.passed for d in symptom_dialogs(said)] == [True, True, False, False, True, False, True]
