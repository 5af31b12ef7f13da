"""Yes and no, answered in the context of the skill's last question."""

from __future__ import annotations

from skill.alexa.handlers.base import Handler, all_of, intent, pending
from skill.alexa.turn import Turn
from skill.domain import welcome
from skill.domain.output import Output, Say, ask


class CoachOfferNoHandler(Handler):
    when = all_of(intent("AMAZON.NoIntent"), pending("offer_coach"))

    def answer(self, turn: Turn) -> Output:
        return ask(Say.of("howto.declined"), reprompt=Say.of("howto.declined.reprompt"))


class UnexpectedYesNoHandler(Handler):
    """A yes or no when no question is open."""

    when = intent("AMAZON.YesIntent", "AMAZON.NoIntent")

    def answer(self, turn: Turn) -> Output:
        return welcome.nothing_to_answer()
