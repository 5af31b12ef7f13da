"""What the skill says when it opens, when asked for help, and when it closes."""

from __future__ import annotations

from skill.domain.catalog import Catalog
from skill.domain.output import Count, Output, Say, Text, ask, tell
from skill.domain.user import UserRecord


def greeting(catalog: Catalog, user: UserRecord, streak: int = 0) -> Output:
    """Welcome; the disclaimer the first time this user opens the skill (then remembered);
    a word about the streak when there is one worth mentioning."""
    if not user.disclaimer_heard:
        user.disclaimer_heard = True
        return ask(
            Say.of("launch.welcome.first"),
            Say.of("launch.disclaimer", disclaimer=Text(catalog.guidance.disclaimer.text)),
            Say.of("launch.what_to_say"),
            reprompt=Say.of("launch.reprompt"),
        )
    speech = [Say.of("launch.welcome.back")]
    if streak >= 2:
        speech.append(Say.of("launch.streak", days=Count(streak, "day")))
    return ask(*speech, Say.of("launch.what_to_say"), reprompt=Say.of("launch.reprompt"))


def help_answer(catalog: Catalog) -> Output:
    """Help explains what to say and always repeats the disclaimer."""
    return ask(
        Say.of("help.main"),
        Say.of("help.disclaimer", disclaimer=Text(catalog.guidance.disclaimer.text)),
        Say.of("help.question"),
        reprompt=Say.of("help.reprompt"),
    )


def goodbye() -> Output:
    return tell(Say.of("session.goodbye"))


def not_understood() -> Output:
    return ask(Say.of("fallback.general"), Say.of("fallback.hint"), reprompt=Say.of("fallback.reprompt"))


def nothing_to_answer() -> Output:
    return ask(Say.of("yesno.nothing_pending"), reprompt=Say.of("yesno.nothing_pending.reprompt"))


def apology() -> Output:
    return ask(Say.of("error.apology"), Say.of("error.try_again"), reprompt=Say.of("error.reprompt"))
