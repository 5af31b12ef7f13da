"""The answer of last resort, for when the skill itself cannot run a request.

The web service and the Lambda entry point use it when a failure happens outside the
skill's handlers (which have their own, spoken apology): the caller still gets a valid
Alexa response, in the request's locale where it can be read, never a stack trace.
"""

from __future__ import annotations

from typing import Any


def apology_envelope(locale: str | None = None) -> dict[str, Any]:
    """A response envelope that apologises and ends the session."""
    from xml.sax.saxutils import escape  # only on this rare path

    from skill.alexa.prompts import load_prompts

    prompts = load_prompts(locale if isinstance(locale, str) else "en-US")
    words = f"{prompts.variants('error.apology')[0]} {prompts.variants('error.later')[0]}"
    return {
        "version": "1.0",
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": f"<speak>{escape(words)}</speak>"},
            "shouldEndSession": True,
        },
    }
