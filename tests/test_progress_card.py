""" "Send my progress to my phone": this week's numbers on a card in the Alexa app."""

from __future__ import annotations

from typing import Any

from skill.devtools.simulator import Conversation
from skill.domain import history as keys
from skill.store.sqlite import SQLiteStore
from tests.test_store_sqlite import request_for

USER = "amzn1.ask.account.LOCALCONSOLEUSER"


def _session(day: str, done: list[str]) -> tuple[str, dict[str, Any]]:
    entry: dict[str, Any] = {
        "started_at": f"{day}T09:00:00+00:00",
        "ended_at": f"{day}T09:20:00+00:00",
        "routine": "mid",
        "done": done,
        "skipped": [],
        "status": "finished",
    }
    return keys.session_key(entry), entry


def test_the_card_holds_this_weeks_numbers(convo: Conversation, store: SQLiteStore) -> None:
    # The clock stands on Saturday 21 November 2026: this week began on Monday the 16th.
    store.append_history(
        request_for(USER),
        [
            _session("2026-11-13", ["bridging"]),  # last week: not counted
            _session("2026-11-17", ["bridging", "pelvic_tilts", "heel_slides"]),
            _session("2026-11-19", ["bridging", "walking"]),
            (keys.pain_key("2026-11-17", "2026-11-17T20:00:00+00:00", "a"), {"date": "2026-11-17", "score": 3}),
            (keys.pain_key("2026-11-19", "2026-11-19T20:00:00+00:00", "b"), {"date": "2026-11-19", "score": 5}),
        ],
    )
    convo.launch()
    reply = convo.say("send my progress to my phone")
    assert "I've sent this week's summary to your Alexa app." in reply.text
    card = reply.body["card"]
    assert card["title"] == "Spine Coach: your week"
    assert "This week: 2 sessions, 5 exercises done." in card["content"]
    assert "Pain, last two weeks: from 3 to 5 on average." in card["content"]
