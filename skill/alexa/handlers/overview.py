"""Routine questions: "what's in my week six routine", "what routines are there"."""

from __future__ import annotations

from skill.alexa.handlers.base import Handler, intent
from skill.alexa.turn import Turn
from skill.domain import overview, stage
from skill.domain.output import Output


class RoutineOverviewHandler(Handler):
    when = intent("RoutineOverviewIntent")

    def answer(self, turn: Turn) -> Output:
        routine_id = turn.slot_id("stage")
        place = turn.guide.saved_place()

        def done_in(routine: str) -> tuple[str, ...]:
            return (*place.done, *place.skipped) if place is not None and place.routine == routine else ()

        if routine_id is not None and routine_id in turn.catalog.routines:
            return overview.routine_overview(turn.catalog, turn.catalog.routine(routine_id), done_in(routine_id))
        if turn.slot_raw("stage"):
            return overview.unknown_routine()
        stored = stage.routine_for(turn.user, turn.catalog, turn.now.date())
        if stored is not None:
            return overview.routine_overview(turn.catalog, stored, done_in(stored.id))
        return overview.which_routine()


class ListRoutinesHandler(Handler):
    when = intent("ListRoutinesIntent")

    def answer(self, turn: Turn) -> Output:
        return overview.list_routines(turn.catalog)
