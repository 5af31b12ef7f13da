"""The interaction model samples its grammar: every alternative once, then neighbouring pairs."""

from __future__ import annotations

import pytest

from skill.devtools.interaction_model import load_source
from skill.devtools.sampling import agree, cover
from skill.domain.grammar import choices, expand


def test_every_option_of_every_choice_point_appears() -> None:
    samples = cover(["(start|begin|do) my [morning|evening|daily] (routine|exercises)"], {}, budget=1)
    # The budget never cuts the first step: three options at the widest point, three samples.
    assert len(samples) == 4  # "" and three times of day at the optional point
    text = " | ".join(samples)
    for word in ("start", "begin", "do", "morning", "evening", "daily", "routine", "exercises"):
        assert word in text, (word, samples)


def test_neighbouring_pairs_are_covered_while_the_budget_lasts() -> None:
    template = "(a|b|c) (x|y|z)"
    assert sorted(cover([template], {}, budget=100)) == sorted(expand(template))  # 9 pairs: all of it
    assert len(cover([template], {}, budget=5)) == 5


def test_the_budget_is_shared_between_an_intents_templates() -> None:
    samples = cover(["(a|b|c) (x|y|z)", "(p|q|r) (u|v|w)"], {}, budget=12)
    first = [s for s in samples if s[0] in "abc"]
    second = [s for s in samples if s[0] in "pqr"]
    assert len(first) == len(second) == 6


def test_the_sample_is_deterministic() -> None:
    source = load_source()
    intent = next(i for i in source["intents"] if i["name"] == "HowToIntent")
    assert cover(intent["samples"], source["rules"]) == cover(intent["samples"], source["rules"])


def test_every_alternative_of_the_source_reaches_its_intents_samples() -> None:
    """Every alternative any template offers is said in one of that intent's model samples."""
    source = load_source()
    for intent in source["intents"]:
        samples = cover(intent.get("samples", []), source["rules"])
        said = " | ".join(samples)
        for template in intent.get("samples", []):
            for point in choices(template, source["rules"]):
                for option in point:
                    words = option.strip()
                    if words in ("", "a", "an"):
                        continue  # articles agree with the next word, or go
                    assert words in said, (intent["name"], template, option)


@pytest.mark.parametrize(
    ("made", "said"),
    [
        ("can i have a easier version", "can i have an easier version"),
        ("an simpler version please", "a simpler version please"),
        ("send a results to my phone", "send results to my phone"),
        ("send a progress to my phone", "send progress to my phone"),
        ("a one off session", "a one off session"),
        ("an hour of walking", "an hour of walking"),
        ("coach me through a {exercise}", "coach me through a {exercise}"),
        ("is this a useful stretch", "is this a useful stretch"),
    ],
)
def test_articles_agree_with_the_next_word(made: str, said: str) -> None:
    assert agree(made) == said
