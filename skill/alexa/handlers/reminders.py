"""Reminders (every day, or on weekdays, at weekends or one day a week): set, answer the
permission question, list, change, cancel.

``skill.alexa.reminders`` (and the SDK's reminder models) load on the first reminder request,
not at cold start: most sessions never touch reminders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.handler_input import HandlerInput

from skill.alexa.handlers.base import Handler, all_of, any_of, intent, pending, request_type
from skill.alexa.turn import Turn, turn_of
from skill.domain.output import Output, Say, ask

if TYPE_CHECKING:
    from skill.alexa.reminders import ClockTime, ReminderFlow


def _time(value: str | None) -> ClockTime | None:
    """A clock time from an AMAZON.TIME value already read by ``Turn.slot_time``."""
    from skill.alexa.reminders import ClockTime

    return ClockTime.parse(value)


def flow(turn: Turn) -> ReminderFlow:
    from skill.alexa.reminders import ReminderApi, ReminderFlow, has_permission

    envelope = turn.handler_input.request_envelope
    device = getattr(getattr(envelope.context, "system", None), "device", None)
    try:
        factory = turn.handler_input.service_client_factory
    except ValueError:  # the skill was built without an API client
        factory = None
    return ReminderFlow(
        api=ReminderApi(factory, getattr(device, "device_id", None)),
        user=turn.user,
        catalog=turn.catalog,
        locale=turn.locale,
        now=turn.now,
        spoken_text=turn.renderer.words(Say.of("reminder.spoken")),
        permitted=has_permission(envelope),
    )


def _days(turn: Turn) -> str:
    """The days said for a reminder: Alexa's resolution, else read from the words it could
    not match ("weekdays only"); "" when none were said."""
    from skill.alexa.reminders import days_said

    return turn.slot_id("days") or days_said(turn.slot_raw("days"))


def _no_reminders(hi: HandlerInput) -> bool:
    return not turn_of(hi).deps.profile.sets_reminders


class NoRemindersHandler(Handler):
    """A profile that uses no Reminders API (the clinic's: not on Amazon's list for
    HIPAA-eligible skills) says so, and how to ask Alexa for a reminder of one's own; a
    running set carries on."""

    when = all_of(
        intent(
            "SetReminderIntent",
            "ListRemindersIntent",
            "ChangeReminderIntent",
            "CancelRemindersIntent",
            "TimeAnswerIntent",
        ),
        _no_reminders,
    )

    def answer(self, turn: Turn) -> Output:
        lead = Say.of("reminder.not_in_profile")
        carry_on = turn.guide.prompt([lead])
        if carry_on is not None:
            return carry_on
        return ask(lead, Say.of("reminder.anything_else"), reprompt=Say.of("reminder.anything_else.reprompt"))


class SetReminderHandler(Handler):
    """ "remind me every day at nine a.m.", "remind me on weekdays at seven p.m.", "remind me
    to do my exercises"."""

    when = intent("SetReminderIntent")

    def answer(self, turn: Turn) -> Output:
        at = _time(turn.slot_time("time"))
        days = _days(turn)
        reminders = flow(turn)
        return reminders.ask_time(days=days) if at is None else reminders.set_reminder(at, days=days)


class ReminderTimeHandler(Handler):
    """A time on its own answers "what time should I remind you?". A bare number ("nine",
    which Alexa may send as a NUMBER) needs a.m. or p.m. to be a time. "Remind me at nine"
    said to that question answers it too: a change stays a change, not a second reminder."""

    when = any_of(
        intent("TimeAnswerIntent"),
        all_of(intent("PainAnswerIntent", "SetReminderIntent"), pending("reminder_time")),
    )

    def answer(self, turn: Turn) -> Output:
        question = turn.session.pending
        at = _time(turn.slot_time("time"))
        if question is None or question.kind != "reminder_time":
            return ask(Say.of("reminder.time_without_question"), reprompt=Say.of("reminder.anything_else.reprompt"))
        reminders = flow(turn)
        if at is None and turn.slot_raw("score"):
            return ask(Say.of("reminder.am_or_pm"), reprompt=Say.of("reminder.ask_time.reprompt"), pending=question)
        # days said with the time ("seven p.m. on weekdays") win over the question's
        days = _days(turn) or question.get("days")
        if at is None:
            return reminders.ask_time(
                second=bool(question.get("second")), change=bool(question.get("change")), days=days
            )
        if question.get("change"):
            return reminders.change(at, days=days)
        return reminders.set_reminder(at, days=days, second=bool(question.get("second")))


class SecondReminderYesHandler(Handler):
    when = all_of(intent("AMAZON.YesIntent"), pending("second_reminder"))

    def answer(self, turn: Turn) -> Output:
        return flow(turn).ask_time(second=True)


class SecondReminderNoHandler(Handler):
    when = all_of(intent("AMAZON.NoIntent"), pending("second_reminder"))

    def answer(self, turn: Turn) -> Output:
        return ask(Say.of("reminder.anything_else"), reprompt=Say.of("reminder.anything_else.reprompt"))


class PermissionAnswerHandler(Handler):
    """Alexa's answer to our AskFor: the user accepted, denied or did not answer."""

    when = request_type("Connections.Response")

    def answer(self, turn: Turn) -> Output:
        payload = getattr(turn.request, "payload", None)
        status = payload.get("status") if isinstance(payload, dict) else None
        return flow(turn).after_permission(str(status or "NOT_ANSWERED"))


class ListRemindersHandler(Handler):
    when = intent("ListRemindersIntent")

    def answer(self, turn: Turn) -> Output:
        return flow(turn).list()


class ChangeReminderHandler(Handler):
    """ "change my reminder to 8 a.m.", "make my reminder weekdays only"."""

    when = intent("ChangeReminderIntent")

    def answer(self, turn: Turn) -> Output:
        at = _time(turn.slot_time("time"))
        days = _days(turn)
        reminders = flow(turn)
        if at is None and not days:
            return reminders.ask_time(change=True)
        return reminders.change(at, days=days)


class CancelRemindersHandler(Handler):
    when = intent("CancelRemindersIntent")

    def answer(self, turn: Turn) -> Output:
        return flow(turn).cancel_all()[1]
