"""Opening the skill: a resume offer when a recent workout is unfinished, else the welcome."""

from __future__ import annotations

from skill.alexa.handlers.base import Handler, request_type
from skill.alexa.handlers.progress import streak_of
from skill.alexa.turn import Turn
from skill.domain import welcome
from skill.domain.output import Output


class LaunchHandler(Handler):
    when = request_type("LaunchRequest")

    def answer(self, turn: Turn) -> Output:
        offer, notice = turn.guide.welcome_back()
        if offer is not None:
            return offer
        greeting = welcome.greeting(turn.catalog, turn.user, streak_of(turn))
        return greeting if notice is None else greeting.before(notice)
