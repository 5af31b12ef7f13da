"""Exercise reminders through the Alexa Reminders API (the SDK's reminder client).

Builds the recurring reminder exactly as Alexa expects it (a scheduled time in the device's
time zone with an RFC 5545 rule: ``FREQ=DAILY``, or ``FREQ=WEEKLY;BYDAY=MO,TU,...`` for
"every weekday", "at weekends" or "every Monday", as Amazon's reminder guidelines show "every
weekday at 7 AM"; the spoken text in the request's locale), and
sorts every API failure into what the user should hear: 401 means the permission is
missing, 403 that this device cannot take reminders, 404 that the reminder is gone, and
anything else (429, 5xx, a timeout) that nothing was changed. The skill keeps the tokens
of the reminders it created, so listing needs no API call (the SDK cannot read reminders
back: alexa/alexa-apis-for-python#4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from skill.alexa import logs
from skill.alexa.logs import failure
from skill.domain.catalog import Catalog
from skill.domain.output import ListOf, Output, Pending, Say, ask
from skill.domain.times import valid_zone
from skill.domain.user import UserRecord

log = logs.getLogger("spine_coach.reminders")
SCOPE = "alexa::alerts:reminders:skill:readwrite"
# Alexa's AMAZON.TIME sends these for "in the morning" and the like; we pick a clock time
# and say it back, so the user hears exactly what was set.
VAGUE_TIMES = {"MO": "09:00", "AF": "14:00", "EV": "18:00", "NI": "20:00"}
# The DAYS slot's ids (interaction_models/source/model.json) as RFC 5545 BYDAY codes, in
# the order of the week. No days is every day.
DAYS: dict[str, tuple[str, ...]] = {
    "weekdays": ("MO", "TU", "WE", "TH", "FR"),
    "weekends": ("SA", "SU"),
    "monday": ("MO",),
    "tuesday": ("TU",),
    "wednesday": ("WE",),
    "thursday": ("TH",),
    "friday": ("FR",),
    "saturday": ("SA",),
    "sunday": ("SU",),
}
_WEEKDAY_CODES = DAYS["weekdays"] + DAYS["weekends"]  # the week in datetime.weekday() order


def days_said(raw: str | None) -> str:
    """The DAYS id in words Alexa could not match to a value ("weekdays only", "monday to
    friday", "every day except weekends"), else "" (every day, as the confirmation then says:
    "tuesdays and thursdays" is two days, which one reminder cannot hold)."""
    heard = (raw or "").lower().replace("week days", "weekdays").replace("week ends", "weekends")
    heard = heard.replace("work days", "weekdays").replace("working days", "weekdays")
    tokens = heard.split()
    found: list[str] = []
    for word in tokens:
        stem = word.removesuffix("s")
        day = {"weekday": "weekdays", "workday": "weekdays", "weekend": "weekends"}.get(stem, stem)
        if day in DAYS and day not in found:
            found.append(day)
    if any(t in ("except", "but", "not", "apart", "excluding") for t in tokens):
        # "every day except weekends" is weekdays, and the other way round
        found = [{"weekends": "weekdays", "weekdays": "weekends"}.get(d, "") for d in found]
    codes = [code for day in found for code in DAYS.get(day, ())]
    if len(codes) == 2 and any(t in ("to", "through", "thru", "till", "until") for t in tokens):
        first, last = (_WEEKDAY_CODES.index(c) for c in codes)
        codes = list(_WEEKDAY_CODES[first : last + 1])  # "monday to friday"
    for name in ("weekdays", "weekends"):
        if set(codes) == set(DAYS[name]):
            return name  # "saturday and sunday", "monday to friday"
    return found[0] if len(found) == 1 else ""


def known_days(value: str | None) -> str:
    """A DAYS slot id the skill knows, else "" (every day: also the slot's "every_day")."""
    return value if value in DAYS else ""


def days_spoken(days: str) -> Say:
    """ "every day", "every weekday", "every Monday" (words from the prompts)."""
    return Say.of(f"reminder.days.{known_days(days) or 'every_day'}")


@dataclass(frozen=True, order=True)
class ClockTime:
    hour: int
    minute: int

    @staticmethod
    def parse(value: str | None) -> ClockTime | None:
        """An AMAZON.TIME value ("09:00", "19:30", "EV") as a clock time, else ``None``."""
        if not value:
            return None
        value = VAGUE_TIMES.get(value.strip().upper(), value.strip())
        try:
            hour, minute = (int(part) for part in value.split(":"))
        except ValueError:
            return None
        return ClockTime(hour, minute) if 0 <= hour <= 23 and 0 <= minute <= 59 else None

    def __str__(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"

    def spoken(self) -> Say:
        """ "9 a.m.", "7:30 p.m." (words from the prompts)."""
        twelve = self.hour % 12 or 12
        clock = str(twelve) if self.minute == 0 else f"{twelve}:{self.minute:02d}"
        return Say.of("time.am" if self.hour < 12 else "time.pm", clock=clock)


class Outcome(Enum):
    OK = "ok"
    NO_PERMISSION = "no_permission"  # ask for it (AskFor)
    NOT_SUPPORTED = "not_supported"  # this device cannot take reminders
    GONE = "gone"  # the reminder no longer exists
    FAILED = "failed"  # throttled, server error, timeout: nothing was changed


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    token: str | None = None


def classify(status: int | None) -> Outcome:
    return {401: Outcome.NO_PERMISSION, 403: Outcome.NOT_SUPPORTED, 404: Outcome.GONE}.get(
        status or 500, Outcome.FAILED
    )


def has_permission(request_envelope: Any) -> bool:
    """Whether the request says the user granted the reminders permission."""
    permissions = getattr(getattr(getattr(request_envelope.context, "system", None), "user", None), "permissions", None)
    scopes = getattr(permissions, "scopes", None)
    scope = scopes.get(SCOPE) if isinstance(scopes, dict) else None
    status = getattr(getattr(scope, "status", None), "value", None)
    return status == "GRANTED"


def next_time(now: datetime, zone: str, at: ClockTime, days: str = "") -> datetime:
    """The next local wall-clock ``at`` after ``now`` on one of ``days`` (a DAYS id; none is
    every day), as the naive local time Alexa takes."""
    local_now = now.astimezone(ZoneInfo(zone))
    candidate = local_now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    codes = DAYS.get(days, _WEEKDAY_CODES)
    while candidate <= local_now or _WEEKDAY_CODES[candidate.weekday()] not in codes:
        candidate += timedelta(days=1)
    return candidate.replace(tzinfo=None)


def recurrence_rule(at: ClockTime, days: str = "") -> str:
    """The RFC 5545 rule Alexa takes: every day, or weekly on the days of a DAYS id."""
    clock = f"BYHOUR={at.hour};BYMINUTE={at.minute};BYSECOND=0;INTERVAL=1"
    codes = DAYS.get(days)
    return f"FREQ=WEEKLY;BYDAY={','.join(codes)};{clock}" if codes else f"FREQ=DAILY;{clock}"


def reminder_request(at: ClockTime, zone: str, locale: str, text: str, now: datetime, *, days: str = "") -> Any:
    """The SDK's ``ReminderRequest`` for a reminder at ``at`` in ``zone``, every day or on
    ``days``."""
    from ask_sdk_model.services.reminder_management import (
        AlertInfo,
        PushNotification,
        PushNotificationStatus,
        Recurrence,
        ReminderRequest,
        SpokenInfo,
        SpokenText,
        Trigger,
        TriggerType,
    )

    rule = recurrence_rule(at, days)
    return ReminderRequest(
        request_time=now.astimezone(ZoneInfo(zone)).replace(tzinfo=None, microsecond=0),
        trigger=Trigger(
            object_type=TriggerType.SCHEDULED_ABSOLUTE,
            scheduled_time=next_time(now, zone, at, days),
            time_zone_id=zone,
            recurrence=Recurrence(recurrence_rules=[rule]),
        ),
        alert_info=AlertInfo(spoken_info=SpokenInfo(content=[SpokenText(locale=locale, text=text)])),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
    )


class ReminderApi:
    """The reminder and settings clients for one request, with failures classified."""

    def __init__(self, service_client_factory: Any, device_id: str | None) -> None:
        self.factory = service_client_factory
        self.device_id = device_id

    def time_zone(self) -> str | None:
        if self.factory is None or not self.device_id:
            return None
        try:
            return valid_zone(self.factory.get_ups_service().get_system_time_zone(self.device_id))
        except Exception as exc:  # no zone is fine (UTC is used), but a bug must show in the log
            log.warning("time zone lookup failed: %s", failure(exc))
            return None

    def create(self, request: Any) -> Result:
        return self._call(lambda client: client.create_reminder(request))

    def update(self, token: str, request: Any) -> Result:
        return self._call(lambda client: client.update_reminder(token, request), token)

    def delete(self, token: str) -> Result:
        return self._call(lambda client: client.delete_reminder(token), token)

    def _call(self, action: Any, token: str | None = None) -> Result:
        from ask_sdk_model.services import ServiceException

        if self.factory is None:
            return Result(Outcome.FAILED)
        try:
            answer = action(self.factory.get_reminder_management_service())
        except ServiceException as exc:
            log.warning("reminder API answered %s", exc.status_code)
            return Result(classify(exc.status_code))
        except Exception as exc:  # the user hears "couldn't set that just now"; the log says why
            log.warning("reminder API call failed: %s", failure(exc))
            return Result(Outcome.FAILED)
        created = getattr(answer, "alert_token", None)
        return Result(Outcome.OK, created if isinstance(created, str) else token)


# --- the conversation about reminders -----------------------------------------------------


def ask_for_permission() -> Output:
    """Alexa asks the user for the reminders permission itself (Connections.SendRequest)."""
    directive = {
        "type": "Connections.SendRequest",
        "name": "AskFor",
        "payload": {"@type": "AskForPermissionsConsentRequest", "@version": "1", "permissionScope": SCOPE},
        "token": "",
    }
    return Output(speech=(Say.of("reminder.permission.why"),), hand_off=True, directives=(directive,))


@dataclass
class ReminderFlow:
    """Setting, listing, changing and cancelling the user's daily reminders."""

    api: ReminderApi
    user: UserRecord
    catalog: Catalog
    locale: str
    now: datetime
    spoken_text: str  # what the reminder says when it goes off, in the request's locale
    permitted: bool  # the request says the reminders permission is granted

    def ask_time(self, *, second: bool = False, change: bool = False, days: str = "") -> Output:
        return ask(
            Say.of("reminder.ask_time.second" if second else "reminder.ask_time"),
            reprompt=Say.of("reminder.ask_time.reprompt"),
            pending=Pending.of(
                "reminder_time", second="1" if second else "", change="1" if change else "", days=known_days(days)
            ),
        )

    def set_reminder(self, at: ClockTime, *, days: str = "", second: bool = False) -> Output:
        """A reminder at ``at`` every day, or on ``days`` (a DAYS id: "weekdays")."""
        days = known_days(days)
        if any(r.get("time") == str(at) and r.get("days", "") == days for r in self.user.reminders):
            return ask(
                Say.of("reminder.already", days=days_spoken(days), time=at.spoken()),
                Say.of("reminder.anything_else"),
                reprompt=Say.of("reminder.anything_else.reprompt"),
            )
        waiting = {"time": str(at), "second": "1" if second else "", "days": days}
        if not self.permitted:
            self.user.pending_reminder = waiting
            return ask_for_permission()
        zone = self.api.time_zone() or self.user.time_zone
        if zone is None:
            return self._failed()
        result = self.api.create(reminder_request(at, zone, self.locale, self.spoken_text, self.now, days=days))
        if result.outcome is Outcome.NO_PERMISSION:
            self.user.pending_reminder = waiting
            return ask_for_permission()
        if result.outcome is not Outcome.OK or not result.token:
            return self._not_set(result.outcome)
        self.user.pending_reminder = None
        self.user.time_zone = zone
        made = {"token": result.token, "time": str(at), "time_zone": zone}
        self.user.reminders.append({**made, "days": days} if days else made)
        confirmation = Say.of("reminder.set", days=days_spoken(days), time=at.spoken())
        if not second and not days and len(self.user.reminders) == 1 and self._twice_a_day():
            return ask(
                confirmation,
                Say.of("reminder.offer_second"),
                reprompt=Say.of("reminder.offer_second.reprompt"),
                pending=Pending.of("second_reminder"),
            )
        return ask(confirmation, Say.of("reminder.anything_else"), reprompt=Say.of("reminder.anything_else.reprompt"))

    def after_permission(self, status: str) -> Output:
        """The answer to Alexa's permission question: ACCEPTED, DENIED or NOT_ANSWERED."""
        pending = self.user.pending_reminder
        if status == "ACCEPTED" and pending:
            at = ClockTime.parse(pending.get("time"))
            if at is not None:
                self.permitted = True
                if pending.get("change"):
                    self.user.pending_reminder = None
                    return self.change(at, days=pending.get("days", ""))
                return self.set_reminder(at, days=pending.get("days", ""), second=bool(pending.get("second")))
        if status == "ACCEPTED":
            return ask(Say.of("reminder.permission.thanks"), reprompt=Say.of("reminder.anything_else.reprompt"))
        self.user.pending_reminder = None
        return Output(speech=(Say.of("reminder.permission.denied"),), end_session=True, permissions_card=(SCOPE,))

    def list(self) -> Output:
        if not self.user.reminders:
            return ask(Say.of("reminder.none"), reprompt=Say.of("reminder.anything_else.reprompt"))
        kept = sorted((ClockTime.parse(r["time"]) or ClockTime(0, 0), r.get("days", "")) for r in self.user.reminders)
        return ask(
            Say.of(
                "reminder.list" if len(kept) == 1 else "reminder.list.many",
                count=len(kept),
                reminders=ListOf(tuple(Say.of("reminder.item", days=days_spoken(d), time=t.spoken()) for t, d in kept)),
            ),
            Say.of("reminder.anything_else"),
            reprompt=Say.of("reminder.anything_else.reprompt"),
        )

    def change(self, at: ClockTime | None, *, days: str = "") -> Output:
        """Move the earliest reminder to ``at`` (``None``: keep its time), on ``days`` when
        said, else on the days it had."""
        if not self.user.reminders:
            return self.ask_time(days=days) if at is None else self.set_reminder(at, days=days)
        current = min(self.user.reminders, key=lambda r: r.get("time", ""))
        old = ClockTime.parse(current.get("time")) or ClockTime(9, 0)
        new_at = at or old
        new_days = known_days(days) if days else current.get("days", "")
        # what waits for the permission says its days outright: "" there would keep the old ones
        waiting = {"time": str(new_at), "change": "1", "days": new_days or "every_day"}
        if not self.permitted:
            self.user.pending_reminder = waiting
            return ask_for_permission()
        zone = current.get("time_zone") or self.api.time_zone() or self.user.time_zone
        if zone is None:
            return self._failed()
        request = reminder_request(new_at, zone, self.locale, self.spoken_text, self.now, days=new_days)
        result = self.api.update(current["token"], request)
        if result.outcome is Outcome.GONE:
            self.user.reminders.remove(current)
            return self.set_reminder(new_at, days=new_days)
        if result.outcome is Outcome.NO_PERMISSION:
            self.user.pending_reminder = waiting
            return ask_for_permission()
        if result.outcome is not Outcome.OK:
            return self._not_set(result.outcome)
        current["time"] = str(new_at)
        current.pop("days", None)
        if new_days:
            current["days"] = new_days
        said = (
            Say.of("reminder.changed.days", days=days_spoken(new_days), time=new_at.spoken())
            if new_at == old
            else Say.of("reminder.changed", old=old.spoken(), days=days_spoken(new_days), time=new_at.spoken())
        )
        return ask(
            said,
            Say.of("reminder.anything_else"),
            reprompt=Say.of("reminder.anything_else.reprompt"),
        )

    def cancel_all(self) -> tuple[bool, Output]:
        """Delete every reminder we made. (True, ...) when none are left."""
        if not self.user.reminders:
            return True, ask(Say.of("reminder.none"), reprompt=Say.of("reminder.anything_else.reprompt"))
        kept = []
        for reminder in self.user.reminders:
            outcome = self.api.delete(reminder["token"]).outcome
            if outcome not in (Outcome.OK, Outcome.GONE):
                kept.append(reminder)
        removed = len(self.user.reminders) - len(kept)
        self.user.reminders = kept
        if not kept:
            return True, ask(
                Say.of("reminder.cancelled"),
                Say.of("reminder.anything_else"),
                reprompt=Say.of("reminder.anything_else.reprompt"),
            )
        return False, ask(
            Say.of("reminder.cancel_partly" if removed else "reminder.cancel_failed"),
            Say.of("reminder.anything_else"),
            reprompt=Say.of("reminder.anything_else.reprompt"),
        )

    def _twice_a_day(self) -> bool:
        from skill.domain.stage import routine_for

        routine = routine_for(self.user, self.catalog, self.now.date())
        if routine is None:
            return False
        for item in routine.items:
            per_day = self.catalog.exercise(item.exercise).dosage(item.dosage).times_per_day
            if per_day is not None and per_day.min >= 2:
                return True
        return False

    def _not_set(self, outcome: Outcome) -> Output:
        if outcome is Outcome.NOT_SUPPORTED:
            return ask(Say.of("reminder.not_supported"), reprompt=Say.of("reminder.anything_else.reprompt"))
        return self._failed()

    def _failed(self) -> Output:
        return ask(Say.of("reminder.failed"), reprompt=Say.of("reminder.anything_else.reprompt"))
