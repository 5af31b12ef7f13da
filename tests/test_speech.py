"""The renderer: escaping, chained breaks, the length limit, prompt layering."""

from __future__ import annotations

import random
import uuid
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from skill.alexa.prompts import SUPPORTED_LOCALES, load_prompts
from skill.alexa.speech import MAX_SPEECH_CHARS, Renderer, SpeechTooLong, break_seconds
from skill.domain.catalog import Catalog
from skill.domain.coaching import count_chunk, plan_single
from skill.domain.output import Content, ExerciseRef, ListOf, Output, Pause, Say, Segment, Spoken, Text, ask, tell


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


def test_a_counted_set_is_built_once_and_renders_as_if_new(catalog: Catalog) -> None:
    item = plan_single(catalog, "bridging", cleared=["bridging"])[0]
    segments, done = count_chunk(item, 0, 10, 5, 1.0)
    assert count_chunk(item, 0, 10, 5, 1.0)[0] is segments  # not built again
    again = Renderer(load_prompts("en-US"), catalog, random.Random(2))
    first, second = again.render(segments), again.render(segments)
    # A copy of the catalog has no renderings remembered yet: it renders every segment anew.
    fresh = Renderer(load_prompts("en-US"), replace(catalog), random.Random(2)).render(segments)
    assert first == second == fresh
    assert first.text.count("Lift your hips.") == done


def test_remembered_words_belong_to_their_catalog(catalog: Catalog) -> None:
    speech: list[Segment] = [
        Content("bridging", "move"),
        Say.of("coach.exercise.done", exercise=ExerciseRef("bridging")),
    ]
    before = Renderer(load_prompts("en-US"), catalog, random.Random(0)).render(speech).text
    bridging = catalog.exercise("bridging")
    assert bridging.coaching is not None
    edited = replace(
        catalog,
        exercises={
            **catalog.exercises,
            "bridging": replace(bridging, name="hip lifts", coaching=replace(bridging.coaching, move="Raise it")),
        },
    )
    after = Renderer(load_prompts("en-US"), edited, random.Random(0)).render(speech).text
    assert "Lift your hips." in before
    assert "bridging" in before
    assert "Raise it." in after
    assert "hip lifts" in after
    assert "bridging" not in after


def test_one_prompt_object_with_several_wordings_still_varies(catalog: Catalog) -> None:
    prompts = load_prompts("en-US")
    assert len(prompts.variants("coach.ready.position")) > 1
    segment = Say.of("coach.ready.position")
    heard = {Renderer(prompts, catalog, random.Random(seed)).render([segment]).text for seed in range(30)}
    assert heard == set(prompts.variants("coach.ready.position"))


def test_said_repeats_the_wording_the_speech_chose(catalog: Catalog) -> None:
    # The Echo Show's count is timed from the words spoken: for a prompt with several
    # wordings, the one the speech picked, not a fresh pick.
    segment = Say.of("coach.exercise.done", exercise=ExerciseRef("bridging"))
    fresh = set()
    for seed in range(20):
        renderer = Renderer(load_prompts("en-US"), catalog, random.Random(seed))
        spoken = renderer.render([segment]).text
        assert renderer.said(segment) == spoken
        fresh.add(renderer.words(segment) == spoken)
    assert fresh == {True, False}  # a fresh pick would have differed for some seeds


def test_seeded_choice_chooses_as_random_random_of_the_request_id() -> None:
    """The same request renders the same variants as with ``random.Random(request_id)``;
    the generator is made only when a variant is chosen (issue 16: per-turn cost)."""
    import random

    from skill.alexa.speech import SeededChoice

    ids = ["amzn1.echo-api.request.1", "amzn1.echo-api.request.2", "", "é", *(str(uuid.UUID(int=n)) for n in range(40))]
    for request_id in ids:
        reference = random.Random(request_id)
        chooser = SeededChoice(request_id)
        assert chooser._rng is None
        for length in (*range(1, 18), 31, 32, 33, 100):
            options = [f"variant {n}" for n in range(length)]
            assert [chooser.choice(options) for _ in range(5)] == [reference.choice(options) for _ in range(5)]
    with pytest.raises(IndexError):
        SeededChoice("x").choice([])
