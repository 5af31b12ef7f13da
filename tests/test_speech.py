"""The renderer: escaping, chained breaks, the length limit, prompt layering."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET

import pytest

from skill.alexa.prompts import SUPPORTED_LOCALES, load_prompts
from skill.alexa.speech import MAX_SPEECH_CHARS, Renderer, SpeechTooLong, break_seconds
from skill.domain.catalog import Catalog
from skill.domain.output import Content, ExerciseRef, ListOf, Output, Pause, Say, Spoken, Text, ask, tell


@pytest.fixture
def renderer(catalog: Catalog) -> Renderer:
    return Renderer(load_prompts("en-US"), catalog, random.Random(1))


def test_text_is_escaped(renderer: Renderer) -> None:
    rendered = renderer.render([Text('Tom & Jerry say <hello> "hi"')])
    root = ET.fromstring(rendered.ssml)
    assert "".join(root.itertext()) == 'Tom & Jerry say <hello> "hi"'
    assert "&amp;" in rendered.ssml
    assert "&lt;hello&gt;" in rendered.ssml


def test_long_pause_is_chained_from_ten_second_breaks(renderer: Renderer) -> None:
    rendered = renderer.render([Text("Hold."), Pause(25, "hold"), Text("Relax.")])
    assert break_seconds(rendered.ssml) == [10, 10, 5]
    assert rendered.text == "Hold. [pause 25s] Relax."


def test_fractional_pause_uses_milliseconds(renderer: Renderer) -> None:
    assert break_seconds(renderer.render([Pause(1.5)]).ssml) == [1.5]
    assert '<break time="1500ms"/>' in renderer.render([Pause(1.5)]).ssml


def test_speech_over_the_limit_is_an_error_not_a_cut(renderer: Renderer) -> None:
    with pytest.raises(SpeechTooLong):
        renderer.render([Text("word " * (MAX_SPEECH_CHARS // 5 + 10))])


def test_parameters_compose(renderer: Renderer) -> None:
    words = renderer.words(
        Say.of(
            "howto.unknown.closest",
            heard=Spoken("brige"),
            closest=ListOf((ExerciseRef("bridging"), ExerciseRef("bird_dog")), conjunction="or"),
            closest_verb=Say.of("verb.are"),
        )
    )
    assert (
        words
        == "I don't know an exercise called brige. The closest I know are bridging or bird dog. Which one did you mean?"
    )


def test_steps_are_spoken_in_order(renderer: Renderer, catalog: Catalog) -> None:
    words = renderer.words(Content("bridging", "steps"))
    assert words.startswith("First, tighten your stomach muscles.")
    assert "Finally, hold, then lower your hips slowly." in words


def test_therapist_term_follows_locale(catalog: Catalog) -> None:
    us = Renderer(load_prompts("en-US"), catalog, random.Random(1))
    assert "physical therapist" in us.words(Text(catalog.guidance.disclaimer.text))


def test_an_open_session_needs_a_reprompt() -> None:
    with pytest.raises(ValueError, match="reprompt"):
        Output(speech=(Text("Hello?"),))
    assert ask(Text("Hello?"), reprompt=Text("Still there?")).reprompt
    assert tell(Text("Bye.")).end_session


def test_unknown_locale_falls_back_to_us_text() -> None:
    assert load_prompts("en-NZ").locale == "en-US"
    assert load_prompts("en-NZ").variants("session.goodbye") == load_prompts("en-US").variants("session.goodbye")
    for locale in SUPPORTED_LOCALES:
        assert load_prompts(locale).term("therapist")
