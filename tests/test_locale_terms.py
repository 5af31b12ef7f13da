"""Catalog text in each locale's words (issue 27): a walking frame or stick and centimetres in
the UK, a walker or cane and inches in the US; no placeholder ever reaches the speech or screen."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from skill.devtools.simulator import Conversation


@pytest.mark.parametrize(
    ("locale", "aid", "distance"),
    [
        ("en-US", "walker or cane", "twelve to eighteen inches"),
        ("en-GB", "walking frame or stick", "thirty to forty-five centimetres"),
        ("en-AU", "walking frame or stick", "thirty to forty-five centimetres"),
        ("en-IN", "walker or walking stick", "thirty to forty-five centimetres"),
    ],
)
def test_catalog_text_in_the_locales_words(
    talk: Callable[..., Conversation], locale: str, aid: str, distance: str
) -> None:
    walking = talk(locale=locale).say("ask spine coach to coach me through walking")
    assert f"Use your {aid} if it was recommended." in walking.text
    convo = talk(locale=locale, apl_max_version="2024.3")  # an Echo Show: the screen too
    slides = convo.say("ask spine coach how do I do wall slides")
    assert f"about {distance} out from the wall" in slides.text
    placeholder = re.compile(r"(?<![$])\{[a-z_]+\}")  # not APL's ${payload...} bindings
    for reply in (walking, slides):
        assert not placeholder.search(reply.ssml)
        assert not placeholder.search(json.dumps(reply.directives))
