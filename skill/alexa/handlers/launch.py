"""Opening the skill: a resume offer when a recent workout is unfinished, else the welcome."""

from __future__ import annotations

from skill.alexa.handlers import plan
from skill.alexa.handlers.base import Handler, request_type
from skill.alexa.handlers.progress import streak_of
from skill.alexa.turn import Turn
from skill.domain import welcome
from skill.domain.output import Output


class LaunchHandler(Handler):
    when = request_type("LaunchRequest")

    def answer(self, turn: Turn) -> Output:
        news = plan.launch_news(turn)  # "your physiotherapist's plan is set", once
        offer, notice = turn.guide.welcome_back()
        if offer is not None:
            return offer if news is None else offer.before(news)
        greeting = welcome.greeting(turn.catalog, turn.user, streak_of(turn))
        greeting = greeting if notice is None else greeting.before(notice)
        return greeting if news is None else greeting.before(news)
