"""Opening the skill."""

from __future__ import annotations

from skill import welcome
from skill.handlers.base import Handler, request_type
from skill.output import Output
from skill.turn import Turn


class LaunchHandler(Handler):
    when = request_type("LaunchRequest")

    def answer(self, turn: Turn) -> Output:
        return welcome.greeting(turn.catalog, turn.user)
