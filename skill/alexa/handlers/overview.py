"""Routine questions: "what's in my week six routine", "what routines are there"."""

from __future__ import annotations

from skill.alexa.handlers import plan
from skill.alexa.handlers.base import Handler, intent
from skill.alexa.turn import Turn
from skill.domain import howto, overview, stage
from skill.domain.output import Output, RoutineRef, Say

# Words that say a routine is meant, even one the skill does not know ("the late stage one").
_ROUTINE_WORDS = frozenset(
    [
        "routine",
        "routines",
        "stage",
        "week",
        "weeks",
        "program",
        "programme",
        "phase",
        "plan",
        "exercises",
        "workout",
        "session",
        "level",
        "month",
        "day",
        "days",
        "tomorrow",
        "today",
    ]
)


class RoutineOverviewHandler(Handler):
    when = intent("RoutineOverviewIntent")

    def answer(self, turn: Turn) -> Output:
        since = stage.set_from_weeks_since(turn.user, turn.slot_raw("stage") or "", turn.now.date())
        if since is not None:
            # "two weeks" is the time since surgery, not the weeks one to two routine's name.
            return _after_weeks_since(turn, since)
        routine_id = turn.slot_id("stage")
        place = turn.guide.saved_place()

        def done_in(routine: str) -> tuple[str, ...]:
            return (*place.done, *place.skipped) if place is not None and place.routine == routine else ()

        if routine_id is not None and routine_id in turn.catalog.routines:
            return overview.routine_overview(turn.catalog, turn.catalog.routine(routine_id), done_in(routine_id))
        heard = turn.slot_raw("stage")
        if heard and not _ROUTINE_WORDS.intersection(heard.lower().split()) and turn.catalog.closest_exercises(heard):
            # "tell me about the bridge thing": no routine is named and the words sound like
            # an exercise's name: the closest exercises are offered.
            return howto.unknown_exercise(turn.catalog, heard)
        if heard:
            return overview.unknown_routine()
        # "what's my plan", "what exercises did my physio set": the clinician's plan first.
        prescribed = plan.plan_overview(turn)
        if prescribed is not None:
            return prescribed
        stored = stage.routine_for(turn.user, turn.catalog, turn.now.date())
        if stored is not None:
            return overview.routine_overview(turn.catalog, stored, done_in(stored.id))
        return overview.which_routine()


class ListRoutinesHandler(Handler):
    when = intent("ListRoutinesIntent")

    def answer(self, turn: Turn) -> Output:
        return overview.list_routines(turn.catalog)


def _after_weeks_since(turn: Turn, check: stage.StageCheck) -> Output:
    """The week said back, then what the routine for it holds; an odd week is questioned."""
    from skill.alexa.handlers.stage import after_statement

    routine = stage.routine_for(turn.user, turn.catalog, turn.now.date())
    if check.outcome != "stored" or routine is None or check.week is None:
        return after_statement(turn, check)
    first, last = stage.days_of_week(check.week)
    said = Say.of("stage.week.stored", week=check.week, first=first, last=last, routine=RoutineRef(routine.id))
    return overview.routine_overview(turn.catalog, routine).before(said)
