"""``build_skill``: the one place the skill is assembled.

Every handler, interceptor and exception handler is registered here, in one ordered
list: the first handler whose ``can_handle`` is true wins, so specific handlers (a "yes"
to a pending question) come before general ones (any "yes"). Importing this module has
no side effects; the store, clock and API client are arguments.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model.services import ApiClient

from skill.alexa import logs
from skill.alexa.handlers import (
    account,
    answers,
    howto,
    launch,
    overview,
    plan,
    progress,
    reminders,
    safety,
    safety_net,
    session,
    stage,
    workout,
)
from skill.alexa.handlers.base import Router
from skill.alexa.handlers.errors import ApologyExceptionHandler
from skill.alexa.logs import LogRequest, StartTimer
from skill.alexa.turn import Clock, Deps, TurnInterceptor
from skill.domain.catalog import Catalog, load_catalog
from skill.domain.clock import system_clock
from skill.domain.profile import Profile, from_environment
from skill.domain.times import TIME_ZONE_ENV, valid_zone

if TYPE_CHECKING:  # PyJWT is imported only by a profile that links accounts
    from skill.alexa.account import TokenCheck


def handlers() -> list[AbstractRequestHandler]:
    """Every request handler, in the order they are asked: the first whose predicate matches
    answers (``handlers.base.Router``). Order matters only between handlers whose predicates
    can match the same request; the rules, each shown by tests/test_handler_order.py (swap
    the pair and the answer changes):

    - under the clinic profile, a recognised person's first request that would open their
      records waits for their voice PIN (``PinNeededHandler``), before every handler but
      the symptom's (a symptom is answered at once, keeping nothing until the PIN);
    - a symptom is answered whatever else is going on: ``SymptomHandler`` comes before every
      handler that could take its request, down to the catch-all at the end, and so does
      ``RedFlagInWordsHandler`` (a red flag in the unknown words of another intent's slot);
    - mid-session, a request the session cannot act on (the fallback intent, a bare routine
      name, words no slot knows) pauses and checks in: ``SafetyNetHandler`` comes before the
      general handlers of those intents (``StageAnswerHandler``, ``FallbackHandler``);
    - a yes-or-no question that gets no answer to it (a workout command with no workout, a
      bare number or time, words not understood) is asked again: ``QuestionAgainHandler``
      comes before the general handlers of those intents (``WorkoutEventHandler``,
      ``FallbackHandler``, ``StageAnswerHandler``, ``StrayNumberHandler``);
    - an answer to the question the skill just asked (a ``pending`` predicate: delete data,
      start the routine, resume the place ...) comes before the general yes/no and number
      handlers, which are for answers to no question;
    - during a session, stop keeps the place, help is about the session and yes counts the
      set: the in-workout handlers come before ``StopHandler``, ``HelpHandler`` and
      ``UnexpectedYesNoHandler``;
    - ``UnhandledIntentHandler`` matches anything and comes last.

    Handlers for different intents or request types never compete; their grouping below
    is for the reader.
    """
    return [
        # events outside a conversation
        progress.SkillDisabledHandler(),
        reminders.PermissionAnswerHandler(),
        # after an emergency answer, only it again (to anyone in the room)
        answers.AfterEmergencyHandler(),
        # safety first: a symptom is answered whatever else is going on
        safety.SymptomHandler(),
        safety.RedFlagInWordsHandler(),
        # ... and what to do after one, said again; nothing starts again in that session
        # (nothing of the person's records: no PIN)
        answers.AfterSymptomHandler(),
        answers.StoppedTodayHandler(),
        # the clinic profile: a person's records open only after their voice PIN
        account.PinNeededHandler(),
        account.PinOutcomeHandler(),
        launch.LaunchHandler(),
        # mid-session, anything not understood pauses and checks in (never "say ready" again)
        progress.PainScoreMidSetHandler(),
        safety_net.CheckInAnsweredHandler(),
        safety_net.SafetyNetHandler(),
        answers.QuestionAgainHandler(),
        answers.WeekAgainHandler(),
        # answers to the question the skill just asked
        progress.PainAnswerHandler(),
        progress.PainSkippedHandler(),
        progress.DeleteDataYesHandler(),
        progress.DeleteDataNoHandler(),
        reminders.SecondReminderYesHandler(),
        reminders.SecondReminderNoHandler(),
        workout.CoachOfferYesHandler(),
        answers.CoachOfferNoHandler(),
        howto.HowToOfferYesHandler(),
        workout.ResumeYesHandler(),
        workout.ResumeNoHandler(),
        workout.StartRoutineYesHandler(),
        workout.ConfirmStartHandler(),
        workout.OfferedRoutineHandler(),
        workout.StartRoutineNoHandler(),
        stage.NoSurgeryYesHandler(),
        stage.NoSurgeryNoHandler(),
        # starting a guided session
        workout.StartRoutineHandler(),
        workout.CoachExerciseHandler(),
        workout.TouchHandler(),
        workout.StageAnswerHandler(),
        stage.WeekNumberAnswerHandler(),
        # during a guided session
        workout.StopInWorkoutHandler(),
        workout.YesNoInWorkoutHandler(),
        workout.HelpInWorkoutHandler(),
        workout.RepeatHandler(),
        workout.WorkoutEventHandler(),
        # the user's stage
        stage.SurgeryDateHandler(),
        stage.SurgeryAgoHandler(),
        stage.WeekHandler(),
        stage.StageOverrideHandler(),
        stage.NoSurgeryHandler(),
        stage.WhatWeekHandler(),
        stage.ClearanceHandler(),
        # reminders, progress, pain, data
        reminders.NoRemindersHandler(),
        reminders.ReminderTimeHandler(),
        reminders.SetReminderHandler(),
        progress.StrayNumberHandler(),
        reminders.ListRemindersHandler(),
        reminders.ChangeReminderHandler(),
        reminders.CancelRemindersHandler(),
        progress.ProgressHandler(),
        progress.PainTrendHandler(),
        progress.SendProgressHandler(),
        progress.YesterdayHandler(),
        progress.StreakHandler(),
        progress.LogPainHandler(),
        progress.DeleteDataHandler(),
        # the physiotherapist's plan: its own intents, so the position only needs to be after
        # the pending answers and the safety handlers above (a symptom always wins)
        plan.LinkPlanHandler(),
        plan.UnlinkPlanHandler(),
        # questions
        safety.AvoidHandler(),
        howto.HowToHandler(),
        howto.PurposeHandler(),
        overview.RoutineOverviewHandler(),
        overview.ListRoutinesHandler(),
        # everything else
        answers.UnexpectedYesNoHandler(),
        session.HelpHandler(),
        session.StopHandler(),
        session.FallbackHandler(),
        session.SessionEndedHandler(),
        session.UnhandledIntentHandler(),
    ]


log = logs.getLogger("spine_coach")


def build_skill(
    *,
    store: AbstractPersistenceAdapter,
    clock: Clock = system_clock,
    api_client: ApiClient | None = None,
    catalog: Catalog | None = None,
    skill_id: str | None = None,
    profile: Profile | None = None,
    token_check: TokenCheck | None = None,
    time_zone: str | None = None,
) -> CustomSkill:
    """Assemble the skill around a persistence adapter, a clock and an API client; what it
    keeps is the ``profile``'s (default: the one ``SPINE_COACH_PROFILE`` names, else consumer).
    A profile that links accounts checks tokens with ``token_check`` (default: the provider
    the environment names, ``skill.alexa.account``; none named is an error). ``time_zone``
    (default ``SPINE_COACH_TIME_ZONE``) is the day's zone for a user whose device has not said
    theirs (a name that is no IANA time zone is logged and left out)."""
    chosen = profile if profile is not None else from_environment()
    zone = (time_zone if time_zone is not None else os.environ.get(TIME_ZONE_ENV)) or None  # "": none
    if zone is not None and valid_zone(zone) is None:
        # Refused, not fatal: a typo must not take the symptom answers down with the skill.
        # (``spine-coach package`` and the stack's pattern refuse it before it gets here.)
        log.error("%s is not a time zone: days are UTC days", TIME_ZONE_ENV)
        zone = None
    if chosen.links_accounts and token_check is None:
        from skill.alexa import account

        token_check = account.from_environment()
    deps = Deps(
        catalog=catalog if catalog is not None else load_catalog(),
        clock=clock,
        store=store,
        profile=chosen,
        accounts=token_check,
        time_zone=zone,
    )
    builder = CustomSkillBuilder(persistence_adapter=store, api_client=api_client)
    builder.skill_id = skill_id
    builder.add_global_request_interceptor(StartTimer())
    builder.add_global_request_interceptor(TurnInterceptor(deps))
    builder.add_global_response_interceptor(LogRequest())
    builder.add_request_handler(Router(handlers()))
    builder.add_exception_handler(ApologyExceptionHandler(deps))
    skill: CustomSkill = builder.create()
    return skill
