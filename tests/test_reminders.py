"""Daily reminders against the local HTTPS stand-in for Alexa's Reminders and settings APIs."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill.alexa.reminders import days_said
from skill.devtools.envelopes import REMINDERS_SCOPE
from skill.devtools.simulator import Conversation
from skill.devtools.standin import StandIn
from skill.domain.user import UserRecord
from skill.store.sqlite import SQLiteStore
from tests.support import STANDIN_DEVICE as DEVICE
from tests.support import STANDIN_TOKEN as TOKEN
from tests.support import STORED_PERSON
from tests.test_store_sqlite import request_for

SPOKEN = "Time for your back exercises. Just say: Alexa, ask Spine Coach to start my exercises."


def user_record(store: SQLiteStore, *, clinic: bool = False) -> UserRecord:
    """The suites' patient's record: under the consumer profile the account's (one record per
    account, whatever voice speaks); under the clinic's, keyed by their voice and the clinic
    patient linked to it."""
    person = STORED_PERSON if clinic else None
    return UserRecord.from_dict(store.get_attributes(request_for("amzn1.ask.account.LOCALCONSOLEUSER", person)))


@pytest.fixture(autouse=True)
def consumer_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reminders are the consumer profile's: the clinic's sets none (the last test here)."""
    monkeypatch.setenv("SPINE_COACH_PROFILE", "consumer")


def created_bodies(standin: StandIn) -> list[Any]:
    return [r.body for r in standin.reminder_requests() if r.method == "POST"]


def test_the_exact_daily_reminder_json(
    remind: Callable[..., Conversation], standin: StandIn, store: SQLiteStore
) -> None:
    convo = remind(locale="en-GB")
    reply = convo.say("ask spine coach to remind me every day at nine a.m.")
    assert "Done. I'll remind you every day at 9 a.m. It repeats until you cancel it." in reply.text
    assert created_bodies(standin) == [
        {
            "requestTime": "2026-11-21T11:00:00",
            "trigger": {
                "type": "SCHEDULED_ABSOLUTE",
                "scheduledTime": "2026-11-22T09:00:00",
                "timeZoneId": "Europe/Berlin",
                "recurrence": {"recurrenceRules": ["FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0;INTERVAL=1"]},
            },
            "alertInfo": {
                "spokenInfo": {
                    "content": [
                        {
                            "locale": "en-GB",
                            "text": SPOKEN,
                        }
                    ]
                }
            },
            "pushNotification": {"status": "ENABLED"},
        }
    ]
    assert standin.requests[0].path == f"/v2/devices/{DEVICE}/settings/System.timeZone"
    assert all(r.authorization == f"Bearer {TOKEN}" for r in standin.requests)
    record = user_record(store)
    assert [r["time"] for r in record.reminders] == ["09:00"]
    assert record.reminders[0]["token"] in standin.reminders
    assert record.time_zone == "Europe/Berlin"


def test_asks_for_the_time_when_none_was_given(remind: Callable[..., Conversation], standin: StandIn) -> None:
    convo = remind()
    convo.launch()
    question = convo.say("remind me to do my exercises")
    assert "What time of day should I remind you?" in question.text
    done = convo.say("at 7 pm")
    assert "every day at 7 p.m." in done.text
    assert created_bodies(standin)[0]["trigger"]["recurrence"]["recurrenceRules"] == [
        "FREQ=DAILY;BYHOUR=19;BYMINUTE=0;BYSECOND=0;INTERVAL=1"
    ]


def test_remind_me_at_a_time_sets_it_and_answers_an_open_question(
    remind: Callable[..., Conversation], standin: StandIn, store: SQLiteStore
) -> None:
    convo = remind()
    convo.launch()
    assert "every day at 9 a.m." in convo.say("remind me at nine a.m.").text
    question = convo.say("change my reminder")
    assert "What time" in question.text
    # Said to "what time?", the same words answer it: the reminder moves, no second one.
    moved = convo.say("remind me at 8 am")
    assert "I've moved your 9 a.m. reminder to 8 a.m." in moved.text, moved.text
    assert [r["time"] for r in user_record(store).reminders] == ["08:00"]
    assert len(standin.reminders) == 1


def test_vague_time_is_made_exact_and_said_back(remind: Callable[..., Conversation]) -> None:
    convo = remind()
    convo.launch()
    convo.say("set a reminder")
    assert "every day at 6 p.m." in convo.say("in the evening").text


def test_twice_a_day_routine_offers_a_second_reminder(
    remind: Callable[..., Conversation], standin: StandIn, store: SQLiteStore
) -> None:
    convo = remind()
    convo.launch()
    # Stretches twice a day. The consumer profile keeps the stage for this session only.
    convo.say("my physio moved me to the week six routine")
    first = convo.say("set a daily reminder for my exercises at 9 am")
    assert "Would you like a second daily reminder?" in first.text
    assert "What time should the second reminder be?" in convo.say("yes").text
    second = convo.say("six pm")
    assert "every day at 6 p.m." in second.text
    assert "second daily reminder" not in second.text
    assert [b["trigger"]["recurrence"]["recurrenceRules"][0].split(";")[1] for b in created_bodies(standin)] == [
        "BYHOUR=9",
        "BYHOUR=18",
    ]
    # both tokens are kept: the record's list changed in place and still had to be saved
    assert [r["time"] for r in user_record(store).reminders] == ["09:00", "18:00"]


def test_no_second_offer_when_nothing_is_twice_a_day(remind: Callable[..., Conversation]) -> None:
    convo = remind()
    convo.say("ask spine coach I'm in week four")  # weeks three to six: no twice-a-day dosage
    assert "second daily reminder" not in convo.say("ask spine coach to remind me every day at 9 am").text


def test_permission_missing_asks_by_voice_then_accepted(
    remind: Callable[..., Conversation], standin: StandIn, store: SQLiteStore
) -> None:
    convo = remind(granted=False)
    convo.launch()
    asking = convo.say("remind me every day at nine a.m.")
    assert asking.hands_off
    assert "shouldEndSession" not in asking.body
    assert asking.directives == [
        {
            "type": "Connections.SendRequest",
            "name": "AskFor",
            "payload": {
                "@type": "AskForPermissionsConsentRequest",
                "@version": "1",
                "permissionScope": REMINDERS_SCOPE,
            },
            "token": "",
        }
    ]
    assert created_bodies(standin) == []
    standin.grant(TOKEN)
    accepted = convo.answer_permission("ACCEPTED")
    assert "every day at 9 a.m." in accepted.text
    assert len(created_bodies(standin)) == 1
    assert user_record(store).pending_reminder is None


@pytest.mark.parametrize("status", ["DENIED", "NOT_ANSWERED"])
def test_permission_denied_or_unanswered_explains_and_sends_the_card(
    remind: Callable[..., Conversation], standin: StandIn, store: SQLiteStore, status: str
) -> None:
    convo = remind(granted=False)
    convo.launch()
    convo.say("remind me every day at nine a.m.")
    reply = convo.answer_permission(status)
    assert "Without that permission I can't set reminders" in reply.text
    assert reply.body["card"] == {"type": "AskForPermissionsConsent", "permissions": [REMINDERS_SCOPE]}
    assert reply.ends_session
    assert created_bodies(standin) == []
    record = user_record(store)
    assert (record.reminders, record.pending_reminder) == ([], None)


def test_401_means_the_permission_is_missing(
    remind: Callable[..., Conversation], standin: StandIn, store: SQLiteStore
) -> None:
    convo = remind()
    standin.revoke(TOKEN)  # the envelope still claims it; the API knows better
    reply = convo.say("ask spine coach to remind me every day at nine a.m.")
    assert reply.hands_off
    assert user_record(store).reminders == []


def test_403_means_this_device_cannot_take_reminders(
    remind: Callable[..., Conversation], standin: StandIn, store: SQLiteStore
) -> None:
    convo = remind()
    standin.fail_next(403)
    reply = convo.say("ask spine coach to remind me every day at nine a.m.")
    assert "this device can't take reminders" in reply.text
    assert user_record(store).reminders == []


@pytest.mark.parametrize("status", [429, 500, 503])
def test_service_errors_are_reported_honestly(
    remind: Callable[..., Conversation], standin: StandIn, store: SQLiteStore, status: int
) -> None:
    convo = remind()
    standin.fail_next(status)
    reply = convo.say("ask spine coach to remind me every day at nine a.m.")
    assert "I couldn't set that just now, so nothing was changed." in reply.text
    assert "Done" not in reply.text
    assert user_record(store).reminders == []
    assert standin.reminders == {}


def test_a_timeout_is_an_honest_answer_within_alexas_time(
    remind: Callable[..., Conversation], store: SQLiteStore, standin: StandIn
) -> None:
    convo = remind()
    standin.fail_next(201, delay=6)  # longer than the client's 3-second read timeout
    started = time.monotonic()
    reply = convo.say("ask spine coach to remind me every day at nine a.m.")
    elapsed = time.monotonic() - started
    assert "nothing was changed" in reply.text
    assert elapsed < 6.0, "answered within Alexa's ~8 second budget"
    assert user_record(store).reminders == []


def test_time_zone_lookup_failure_sets_nothing(
    remind: Callable[..., Conversation], standin: StandIn, store: SQLiteStore
) -> None:
    convo = remind()
    standin.fail_next(500, paths=("/v2/devices/",))
    reply = convo.say("ask spine coach to remind me every day at nine a.m.")
    assert "nothing was changed" in reply.text
    assert created_bodies(standin) == []


def test_list_change_and_cancel(remind: Callable[..., Conversation], standin: StandIn, store: SQLiteStore) -> None:
    convo = remind()
    assert "You don't have any reminders" in convo.say("ask spine coach what reminders do I have").text
    convo.say("ask spine coach to remind me every day at nine a.m.")
    assert "You have a reminder every day at 9 a.m." in convo.say("ask spine coach what reminders do I have").text
    changed = convo.say("ask spine coach to change my reminder to 8 am")
    assert "I've moved your 9 a.m. reminder to 8 a.m." in changed.text
    put = [r for r in standin.reminder_requests() if r.method == "PUT"]
    assert len(put) == 1
    assert put[0].body["trigger"]["recurrence"]["recurrenceRules"] == [
        "FREQ=DAILY;BYHOUR=8;BYMINUTE=0;BYSECOND=0;INTERVAL=1"
    ]
    assert [r["time"] for r in user_record(store).reminders] == ["08:00"]
    cancelled = convo.say("ask spine coach to cancel my reminders")
    assert "I've cancelled your Spine Coach reminders" in cancelled.text
    assert standin.reminders == {}
    assert user_record(store).reminders == []


def test_a_weekday_reminder_repeats_weekly_on_weekdays_and_says_so(
    remind: Callable[..., Conversation], standin: StandIn, store: SQLiteStore
) -> None:
    """ "on weekdays" is kept, not dropped for a daily reminder: Amazon's reminder guidelines
    show "every weekday at 7 AM"; the rule is RFC 5545's weekly one with its days."""
    convo = remind()
    # Saturday 21 November 2026 in Berlin: the first weekday is Monday the 23rd.
    reply = convo.say("ask spine coach to remind me on weekdays at seven pm")
    assert "I'll remind you every weekday at 7 p.m." in reply.text, reply.text
    trigger = created_bodies(standin)[0]["trigger"]
    assert trigger["recurrence"]["recurrenceRules"] == [
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=19;BYMINUTE=0;BYSECOND=0;INTERVAL=1"
    ]
    assert trigger["scheduledTime"] == "2026-11-23T19:00:00"
    assert [(r["time"], r.get("days")) for r in user_record(store).reminders] == [("19:00", "weekdays")]
    assert "You have a reminder every weekday at 7 p.m." in convo.say("ask spine coach what reminders do I have").text
    # The days change alone, at the same time; a later new time keeps the days.
    days = convo.say("ask spine coach to change my reminder to weekends only")
    assert "Your 7 p.m. reminder is now every Saturday and Sunday." in days.text, days.text
    moved = convo.say("ask spine coach to move my reminder to 8 am")
    assert "I've moved your 7 p.m. reminder to 8 a.m., every Saturday and Sunday." in moved.text, moved.text
    put = [r.body["trigger"] for r in standin.reminder_requests() if r.method == "PUT"]
    assert [t["recurrence"]["recurrenceRules"][0] for t in put] == [
        "FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=19;BYMINUTE=0;BYSECOND=0;INTERVAL=1",
        "FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=8;BYMINUTE=0;BYSECOND=0;INTERVAL=1",
    ]
    assert put[0]["scheduledTime"] == "2026-11-21T19:00:00"  # today is a Saturday, 19:00 still to come
    assert put[1]["scheduledTime"] == "2026-11-22T08:00:00"  # 8 a.m. today has gone: Sunday
    assert [(r["time"], r.get("days")) for r in user_record(store).reminders] == [("08:00", "weekends")]


def test_days_alexa_could_not_match_are_still_read(remind: Callable[..., Conversation], standin: StandIn) -> None:
    """ "weekdays only" is no value of the slot (live round 13): its words still say the days,
    rather than a daily reminder set without a word about them."""
    convo = remind()
    reply = convo.say("ask spine coach to remind me to do my exercises at six thirty am on weekdays only")
    assert "every weekday at 6:30 a.m." in reply.text, reply.text
    assert created_bodies(standin)[0]["trigger"]["recurrence"]["recurrenceRules"] == [
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=6;BYMINUTE=30;BYSECOND=0;INTERVAL=1"
    ]


@pytest.mark.parametrize(
    ("words", "days"),
    [
        ("weekdays only", "weekdays"),
        ("monday to friday", "weekdays"),
        ("saturday and sunday", "weekends"),
        ("every day except weekends", "weekdays"),
        ("just on mondays", "monday"),
        # two days one reminder cannot hold: every day, as the confirmation says
        ("tuesdays and thursdays", ""),
        ("tuesday to thursday", ""),
    ],
)
def test_the_days_in_words_alexa_could_not_match(words: str, days: str) -> None:
    assert days_said(words) == days


def test_two_reminders_are_listed_with_their_days(remind: Callable[..., Conversation]) -> None:
    convo = remind()
    convo.say("ask spine coach to remind me every day at nine a.m.")
    convo.say("ask spine coach to remind me on weekdays at six pm")
    listed = convo.say("ask spine coach what reminders do I have")
    assert "You have 2 reminders: every day at 9 a.m. and every weekday at 6 p.m." in listed.text, listed.text


def test_days_said_to_the_time_question_are_kept(remind: Callable[..., Conversation], standin: StandIn) -> None:
    convo = remind()
    convo.launch()
    assert "What time" in convo.say("remind me every monday").text
    done = convo.say("nine thirty am")
    assert "every Monday at 9:30 a.m." in done.text, done.text
    assert created_bodies(standin)[0]["trigger"]["recurrence"]["recurrenceRules"] == [
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=30;BYSECOND=0;INTERVAL=1"
    ]


def test_changing_a_reminder_deleted_in_the_app_creates_a_new_one(
    remind: Callable[..., Conversation], standin: StandIn, store: SQLiteStore
) -> None:
    convo = remind()
    convo.say("ask spine coach to remind me every day at nine a.m.")
    standin.reminders.clear()  # the user deleted it in the Alexa app
    reply = convo.say("ask spine coach to change my reminder to 8 am")
    assert "every day at 8 a.m." in reply.text
    assert [r["time"] for r in user_record(store).reminders] == ["08:00"]
    assert len(standin.reminders) == 1


def test_failed_cancel_keeps_the_tokens(
    remind: Callable[..., Conversation], standin: StandIn, store: SQLiteStore
) -> None:
    convo = remind()
    convo.say("ask spine coach to remind me every day at nine a.m.")
    standin.fail_next(503)
    reply = convo.say("ask spine coach to cancel my reminders")
    assert "nothing was changed" in reply.text
    assert len(user_record(store).reminders) == 1
    assert len(standin.reminders) == 1


def test_same_time_twice_is_not_duplicated(remind: Callable[..., Conversation], standin: StandIn) -> None:
    convo = remind()
    convo.say("ask spine coach to remind me every day at nine a.m.")
    again = convo.say("ask spine coach to remind me every day at nine a.m.")
    assert "You already have a reminder every day at 9 a.m." in again.text
    assert len(created_bodies(standin)) == 1


def test_skill_without_an_api_client_never_confirms(talk: Callable[..., Conversation]) -> None:
    reply = talk(permissions=[REMINDERS_SCOPE]).say("ask spine coach to remind me every day at nine a.m.")
    assert "nothing was changed" in reply.text


def test_the_standin_leaves_no_key_or_folder_behind() -> None:
    """Every console run starts a stand-in: its private key is gone once TLS has loaded it, and
    its certificate's folder once it stops (948 folders with keys had piled up in /tmp)."""
    running = StandIn().start()
    folder = Path(running.ca_path).parent
    assert sorted(p.name for p in folder.iterdir()) == ["cert.pem"]
    running.stop()
    assert not folder.exists()


def test_the_clinic_profile_sets_no_reminders_and_says_how_alexa_can(
    remind: Callable[..., Conversation], standin: StandIn, store: SQLiteStore
) -> None:
    """The Reminders API is not one the clinic's HIPAA-eligible skill uses: asked for a
    reminder, list or change, it says so and how to ask Alexa for one, and calls nothing."""
    from skill.domain.profile import CLINIC

    convo = remind(profile=CLINIC)
    convo.launch()
    for words in ("remind me every day at 9 am", "what reminders do i have", "change my reminder to 8 am", "9 am"):
        reply = convo.say(words)
        assert "doesn't set reminders, but Alexa can" in reply.text, (words, reply.text)
        assert "remind me every day at nine a.m. to do my back exercises" in reply.text
        assert not reply.ends_session
    assert standin.reminder_requests() == []
    assert user_record(store, clinic=True).rev > 0 and user_record(store, clinic=True).reminders == []
    # Mid-set, the set carries on after the answer.
    convo.say("start my in hospital routine")
    during = convo.say("remind me every day at 9 am")
    assert "doesn't set reminders" in during.text and "say ready" in during.text.lower(), during.text
