"""Why each handler sits where it does in ``skill.alexa.factory.handlers()``.

The first handler whose predicate matches answers, so only pairs whose predicates can both
match one request constrain the order. For each such pair this plays a conversation to a
request both would take, and checks the answer twice: with the real order (the earlier
handler's answer) and with the later handler moved just in front of the earlier one (the
answer changes). A pair that could be swapped without a change would not belong here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from ask_sdk_core.dispatch_components import AbstractRequestHandler

from skill.alexa import factory
from skill.devtools.envelopes import LOCAL_SKILL_ID
from skill.devtools.simulator import Conversation, in_process
from skill.domain.catalog import Catalog
from skill.domain.clock import FixedClock
from skill.store.sqlite import SQLiteStore
from tests.support import checked, linked

LAUNCH = "<launch>"
IN_WORKOUT = [LAUNCH, "my physio moved me to the week six routine", "start my week six routine"]


@dataclass(frozen=True)
class Constraint:
    earlier: str
    later: str
    script: list[str]  # the last line is the request both handlers would take
    answer: str  # in the earlier handler's answer

    def __str__(self) -> str:
        return f"{self.earlier}<{self.later}"


CONSTRAINTS = [
    # Safety first: a symptom is answered, never met with the catch-all.
    Constraint("SymptomHandler", "UnhandledIntentHandler", [LAUNCH, "my leg is numb"], "Stop the exercise now"),
    # Mid-session, something that makes no sense (a bare routine name, words no model
    # holds) pauses and checks in, before the general handler for that intent answers.
    Constraint("SafetyNetHandler", "StageAnswerHandler", [*IN_WORKOUT, "the week six routine"], "I've paused"),
    Constraint("SafetyNetHandler", "FallbackHandler", [*IN_WORKOUT, "the purple elephant sings"], "I've paused"),
    # A yes-or-no question that gets no answer to it is asked again, before the general
    # handler of what was said answers ("ready" with no workout running).
    Constraint(
        "QuestionAgainHandler",
        "WorkoutEventHandler",
        [LAUNCH, "my surgery was on November the tenth", "start my week six routine", "ready"],
        "I need a yes or a no first",
    ),
    # Answers to the question the skill just asked come before the general yes/no.
    Constraint(
        "DeleteDataYesHandler",
        "UnexpectedYesNoHandler",
        [LAUNCH, "my surgery was on October third", "delete my data", "yes"],
        "I've deleted everything",
    ),
    Constraint(
        "StartRoutineYesHandler",
        "UnexpectedYesNoHandler",
        [LAUNCH, "my physio moved me to the week six routine", "yes"],
        "Let's start your week six routine",
    ),
    Constraint(
        "ResumeYesHandler",
        "UnexpectedYesNoHandler",
        [*IN_WORKOUT, "stop", LAUNCH, "yes"],
        "let's pick up pelvic tilts",
    ),
    # In a session, stop keeps the place, help is about the session, yes counts the set.
    Constraint("StopInWorkoutHandler", "StopHandler", [*IN_WORKOUT, "stop"], "I've saved your place"),
    Constraint("HelpInWorkoutHandler", "HelpHandler", [*IN_WORKOUT, "help"], "You're in the middle of a session"),
    Constraint("YesNoInWorkoutHandler", "UnexpectedYesNoHandler", [*IN_WORKOUT, "yes"], "Flatten your back"),
]


def _names(handlers: list[AbstractRequestHandler]) -> list[str]:
    return [type(handler).__name__ for handler in handlers]


def _swapped(constraint: Constraint) -> Callable[[], list[AbstractRequestHandler]]:
    def handlers() -> list[AbstractRequestHandler]:
        found = real()
        later = found.pop(_names(found).index(constraint.later))
        found.insert(_names(found).index(constraint.earlier), later)
        return found

    real = factory.handlers
    return handlers


def _last_answer(tmp_path: Path, catalog: Catalog, script: list[str]) -> str:
    tmp_path.mkdir()
    clock = FixedClock(datetime(2026, 11, 21, 10, tzinfo=UTC))
    skill = factory.build_skill(
        store=SQLiteStore(tmp_path / "order.db"), clock=clock, catalog=catalog, skill_id=LOCAL_SKILL_ID
    )
    convo = Conversation(checked(in_process(skill)), device=linked(), clock=clock)
    text = ""
    for line in script:
        text = (convo.launch() if line == LAUNCH else convo.say(line)).text
    return text


def test_every_constraint_names_handlers_in_their_order() -> None:
    names = _names(factory.handlers())
    for constraint in CONSTRAINTS:
        assert names.index(constraint.earlier) < names.index(constraint.later), constraint


@pytest.mark.parametrize("constraint", CONSTRAINTS, ids=str)
def test_swapping_the_pair_changes_the_answer(
    constraint: Constraint, tmp_path: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = _last_answer(tmp_path / "real", catalog, constraint.script)
    assert constraint.answer in real
    monkeypatch.setattr(factory, "handlers", _swapped(constraint))
    swapped = _last_answer(tmp_path / "swapped", catalog, constraint.script)
    assert constraint.answer not in swapped
