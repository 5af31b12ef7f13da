"""One request's working context, shared by the interceptors and handlers.

A ``Turn`` is created by ``TurnInterceptor`` before any handler runs. It knows the
request's locale and prompts, loads the user's record on first use, reads history when
an answer needs it (a bounded range of days), holds the session state, and turns a
neutral ``Output`` into the SDK response (``respond``): it saves the user's history
entries and record first, so a store failure can still be mentioned in the same response,
then renders speech and records what was said for "repeat".

Per-request state is loaded in plain lazy properties, never ``functools.cached_property``:
on Python 3.11 that holds one lock per class, so one slow store read would hold up every
other request in a threaded server.
"""

from __future__ import annotations

import copy
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import Directive, Response
from ask_sdk_model.ui import AskForPermissionsConsentCard, LinkAccountCard, SimpleCard

from skill.alexa import logs, pin, screens, slots
from skill.alexa.prompts import load_prompts
from skill.alexa.speech import Renderer, SeededChoice, is_rendered_ssml
from skill.domain import history, pain, progress
from skill.domain.catalog import Catalog
from skill.domain.guided import Guide
from skill.domain.merge import merge
from skill.domain.output import CoachingScreen, Output, Say
from skill.domain.profile import CONSUMER, NEEDS_LINK, Access, Identity, Profile
from skill.domain.safety import AFTER_SYMPTOM
from skill.domain.session import SessionState
from skill.domain.triage import TIERS
from skill.domain.user import Entry, UserRecord, split_legacy
from skill.store.keys import bound_person, person_id

if TYPE_CHECKING:  # PyJWT is imported only by a profile that links accounts
    from skill.alexa.account import TokenCheck

log = logs.getLogger("spine_coach")

Clock = Callable[[], datetime]
TURN_KEY = "spine_coach.turn"
SAVE_ATTEMPTS = 4
MIGRATE_ATTEMPTS = 3
_SERIALIZER = DefaultSerializer()
# Custom slots that name something (an exercise, a routine, an activity).
NAME_SLOTS = frozenset({"exercise", "afterExercise", "stage", "activity"})


@dataclass(frozen=True)
class Deps:
    """What the skill is built with (see ``skill.alexa.factory.build_skill``)."""

    catalog: Catalog
    clock: Clock
    store: Any  # the persistence adapter (AbstractPersistenceAdapter, maybe with ``save_if``)
    profile: Profile = CONSUMER  # what is kept (``skill.domain.profile``)
    accounts: TokenCheck | None = None  # checks account-link tokens (a profile that links accounts)
    # The deployment's time zone (``SPINE_COACH_TIME_ZONE``), for a user whose device has not
    # told us theirs: the clinic's skill asks no device API for it (only the Reminders flow
    # does), and without one a day would be a UTC day.
    time_zone: str | None = None


class Turn:
    def __init__(self, handler_input: HandlerInput, deps: Deps) -> None:
        self.handler_input = handler_input
        self.deps = deps
        self.catalog = deps.catalog
        envelope = handler_input.request_envelope
        self.request: Any = envelope.request
        locale = getattr(self.request, "locale", None)
        self.prompts = load_prompts(locale if isinstance(locale, str) else "en-US")
        self.locale = self.prompts.locale
        request_id = getattr(self.request, "request_id", None) or ""
        # Variants are chosen at random, but the same request always renders the same way.
        self.renderer = Renderer(self.prompts, self.catalog, SeededChoice(request_id))
        self.now = deps.clock()
        self.in_session = envelope.session is not None
        raw_session = handler_input.attributes_manager.session_attributes if self.in_session else None
        self.session = SessionState.from_attributes(raw_session)
        if deps.profile.links_accounts and self._new_speaker():
            raw_session = self.session.to_attributes()
        if self._resume_after_pin(envelope):
            raw_session = self.session.to_attributes()  # an apology later keeps the PIN's outcome
        # For ``rollback``: what the request brought. Never changed in place (the SDK gives
        # each request its own copy; ``_store_session`` assigns a new dict), so no snapshot.
        self._session_at_start = raw_session
        self.store_failed = False
        self.forgotten = False
        self._user: UserRecord | None = None
        self._guide: Guide | None = None
        self._saved_user: dict[str, Any] = {}  # the record as loaded or last saved (``to_dict`` form)
        self._access: Access | None = None
        self._store_envelope: Any = None
        self._identity: Identity | None = None
        self.link_card = False  # send the link-account card with the response
        self.request_cache: dict[str, Any] = {}  # reads other modules make once per request (the linked plan)

    # -- who is speaking ------------------------------------------------------------------

    @property
    def person(self) -> str | None:
        """Alexa's ``personId`` for a voice it recognised, else None."""
        return person_id(self.handler_input.request_envelope)

    @property
    def access(self) -> Access:
        """What this request may do with health information (``skill.domain.profile``)."""
        if self._access is None:
            self._access = self.deps.profile.access(self.identity)
        return self._access

    @property
    def identity(self) -> Identity:
        """Who is speaking, as far as the request shows it (checked once per request)."""
        if self._identity is None:
            self._identity = self._read_identity()
        return self._identity

    def _read_identity(self) -> Identity:
        if not self.deps.profile.links_accounts:
            return Identity()
        system = getattr(self.handler_input.request_envelope.context, "system", None)
        # A recognised person may have linked an account of their own; else the account's.
        token = getattr(getattr(system, "person", None), "access_token", None) or getattr(
            getattr(system, "user", None), "access_token", None
        )
        from skill.alexa.account import ProviderUnavailable

        person = self.person
        try:
            link = self.deps.accounts.check(token) if self.deps.accounts is not None else None
        except ProviderUnavailable:
            log.warning("identity provider unavailable")
            return Identity(person=person, provider_down=True)
        return Identity(
            linked=link is not None,
            subject=link.subject if link is not None else None,
            person=person,
            pin_confirmed=person is not None and self.session.pin_person == person,
            pin_declined=self.session.pin_declined,
        )

    def _resume_after_pin(self, envelope: Any) -> bool:
        """Alexa resumed the session after asking for the PIN: when it was confirmed, the
        request that waited for it takes the resumed request's place. False for any other
        request."""
        outcome = pin.outcome(self.request)
        if outcome is None:
            return False
        waiting, self.session.after_pin = self.session.after_pin, None
        if outcome != pin.ACHIEVED:
            self.session.pin_declined = True
            return True
        self.session.pin_person = self.person
        back = pin.restored(waiting, self.request) if waiting is not None else None
        if back is not None:
            envelope.request = back
            self.request = back
        return True

    def _new_speaker(self) -> bool:
        """A session belongs to the voice that started it: when another speaks (or a voice
        where there was none), nothing of the session carries over, neither the workout, the
        last answer, the question asked, the PIN's outcome nor what was told in it. True
        when the session was started afresh. A symptom's stop carries over, and an emergency
        answer, so that whoever is beside the patient ("ask someone nearby to call for you")
        can have it said again (it says nothing of the patient's records)."""
        speaker = self.person or ""
        if self.session.speaker == speaker:
            return False
        if self.session.speaker is None:  # the session's first request, or one from before speakers
            self.session.speaker = speaker
            return False
        old = self.session
        # A symptom's stop stands for whoever speaks next (Alexa may miss the patient's voice
        # once): nothing starts again in this session, and nothing of what was said is told.
        self.session = SessionState(speaker=speaker, stopped=old.stopped)
        if old.stopped == "emergency":
            self.session.pending = old.pending
            self.session.last_speech, self.session.last_reprompt = old.last_speech, old.last_reprompt
        return True

    @property
    def store_envelope(self) -> Any:
        """The request as the store sees it: a recognised person's own record, under the
        clinic account linked to them (``skill.store.keys.bound_person``), only when this
        request may use it (the clinic profile's link, voice and PIN); else the account's,
        which never holds health information, so the person's record is neither read,
        changed nor deleted. A profile without personal records keeps one record per
        account even when Alexa sends a voice's id (personalization left on in the
        developer console): "delete my data" then deletes that one record's account."""
        if self._store_envelope is None:
            envelope = self.handler_input.request_envelope
            if self.person is not None:
                envelope = copy.copy(envelope)
                envelope.context = copy.copy(envelope.context)
                envelope.context.system = copy.copy(envelope.context.system)
                subject = self.identity.subject if self.deps.profile.links_accounts else None
                if self.access.keeps_health and subject is not None:
                    envelope.context.system.person = copy.copy(envelope.context.system.person)
                    secret = self.deps.store.link_secret  # LinkSecretMissing: the store is unusable
                    envelope.context.system.person.person_id = bound_person(self.person, subject, secret)
                else:
                    envelope.context.system.person = None
            self._store_envelope = envelope
        return self._store_envelope

    def unkept(self, key: str) -> Say:
        """What to say when health information is not kept: the consumer profile's reason
        (the prompt ``key``), or, under a profile that links accounts, what is missing for
        it (with the link-account card when it is the link)."""
        needs = self.access.needs
        if needs is None:
            return Say.of(key)
        self.link_card = self.link_card or needs == NEEDS_LINK
        return Say.of(f"account.needs.{needs}")

    def wait_for_pin(self) -> None:
        """Keep this request to answer once Alexa has confirmed the PIN."""
        self.session.after_pin = pin.waiting(self.request)

    # -- the user's record -------------------------------------------------------------

    @property
    def user(self) -> UserRecord:
        """The user's record, loaded on first use. A store failure yields a blank record
        that is never written back, so nothing saved earlier can be overwritten."""
        if self._user is None:
            self._user = self._load_user()
        return self._user

    @property
    def time_zone(self) -> str | None:
        """The zone of the user's days: the one their device told the Reminders flow, else the
        deployment's (``SPINE_COACH_TIME_ZONE``, never written into the record), else None (UTC)."""
        return self.user.time_zone or self.deps.time_zone

    def _load_user(self) -> UserRecord:
        try:
            envelope = self.store_envelope
            raw = self.deps.store.get_attributes(envelope)
            for _ in range(MIGRATE_ATTEMPTS):
                legacy = split_legacy(raw)
                if legacy is None:
                    break
                raw = self._migrate(raw, *legacy)
        except Exception as exc:  # any adapter failure: the store is down, not the skill
            log.warning("store read failed: %s", type(exc).__name__)
            self.store_failed = True
            return UserRecord()
        # A snapshot, not a reference: ``to_dict`` copies the containers that handlers change.
        self._saved_user = UserRecord.from_dict(raw).to_dict()
        # What this session was told and the profile does not store serves the session.
        return UserRecord.from_dict({**self.access.seen(self._saved_user), **(self.session.health or {})})

    def _migrate(self, raw: dict[str, Any], hot: dict[str, Any], entries: list[Entry]) -> dict[str, Any]:
        """Move a version 1 record's history into rows of its own, then save the hot record
        if nobody else saved in between (otherwise the caller looks again). History rows
        are keyed, so moving them twice changes nothing."""
        store = self.deps.store
        envelope = self.store_envelope
        store.append_history(envelope, self.access.entries_kept(entries))
        expected = int(raw.get("rev") or 0)
        hot = {**hot, "rev": expected + 1}
        if store.save_if(envelope, hot, expected):
            return hot
        fresh: dict[str, Any] = store.get_attributes(envelope)
        return fresh

    def forget_user(self, *, whole_account: bool = False) -> bool:
        """Delete everything stored for this user (``whole_account``: and for every person
        recognised on the account); nothing is written back afterwards. False if the store
        could not do it."""
        self.forgotten = True
        self.session = SessionState()
        # A profile without personal records has one record per account, so the user's data
        # is the whole account's: that also takes the people a clinic deployment of the same
        # skill once kept on it (a profile can change between deployments; the data stays).
        whole_account = whole_account or not self.deps.profile.links_accounts
        store = self.deps.store
        try:
            envelope = self.store_envelope
            if whole_account and hasattr(store, "delete_account"):
                store.delete_account(envelope)
            else:
                store.delete_attributes(envelope)
        except Exception as exc:
            log.warning("store delete failed: %s", type(exc).__name__)
            self.store_failed = True
            return False
        return True

    def save_user(self) -> None:
        """Write this turn's history entries, then the user's record if it changed;
        remember any failure. History first: a session recorded but still in the place
        (the record's write failed) is counted once (``sessions_since``)."""
        user = self._user
        if user is None or self.store_failed or self.forgotten:
            return
        access = self.access
        base = self._saved_user
        ours, health = access.kept(user.to_dict(), base)
        self.session.health = health or None  # what is not stored lives in the session only
        user.appended = access.entries_kept(user.appended)
        if ours == base and not user.appended:
            return
        envelope = self.store_envelope
        store = self.deps.store
        try:
            if user.appended:
                store.append_history(envelope, user.appended)
                user.appended = []
            if ours == base:
                return
            for _ in range(SAVE_ATTEMPTS):
                expected = int(base.get("rev", 0))
                document = {**ours, "rev": expected + 1}
                if not hasattr(store, "save_if"):
                    store.save_attributes(envelope, document)
                    break
                if store.save_if(envelope, document, expected):
                    break
                # Another device saved since we loaded: put our changes on top of theirs.
                raw = store.get_attributes(envelope)
                legacy = split_legacy(raw)
                if legacy is not None:  # saved by a version from before history rows
                    store.append_history(envelope, access.entries_kept(legacy[1]))
                    raw = legacy[0]
                theirs = UserRecord.from_dict(raw).to_dict()
                ours, base = access.kept(merge(base, ours, theirs), theirs)[0], theirs
            else:
                raise RuntimeError("the record kept changing under us")
        except Exception as exc:
            log.warning("store write failed: %s", type(exc).__name__)
            self.store_failed = True
            return
        self._saved_user = document
        user.rev = document["rev"]

    def rollback(self) -> None:
        """Undo what this turn changed and has not saved: the user's record goes back to
        what was loaded (or last saved), the session to what the request brought. The
        apology after a failed handler must not save that handler's half-done changes
        (nor append its history entries)."""
        self.session = SessionState.from_attributes(self._session_at_start)
        if self._user is not None:
            rev = self._user.rev
            self._user = UserRecord.from_dict({**self.access.seen(self._saved_user), **(self.session.health or {})})
            self._user.rev = rev
        self._guide = None  # built on the old record and session

    @property
    def guide(self) -> Guide:
        """The user's guided sessions (loads the user's record)."""
        if self._guide is None:
            self._guide = Guide(
                self.catalog,
                self.user,
                self.session,
                self.now,
                asks_pain=self.access.keeps_health,
                time_zone=self.time_zone,
            )
        return self._guide

    # -- history --------------------------------------------------------------------------

    def today(self) -> date:
        """The user's day (the device's time zone when known)."""
        return progress.today(self.now, self.time_zone)

    def sessions_since(self, day: date) -> list[dict[str, Any]]:
        """Sessions whose last activity is on ``day`` or later (the user's days), the one
        still running included. One range query."""
        start, end = history.since(history.SESSION, day - timedelta(days=1))  # keys are UTC days
        found = self._history(start, end, history.SESSION)
        seen = {entry.get("started_at") for entry in found}
        running = self.guide.place_entry()
        if running is not None and running["started_at"] not in seen:
            found.append(running)
        return found

    def pain_since(self, day: date) -> list[dict[str, Any]]:
        """Pain scores from ``day`` on, oldest first. One range query. None under a profile
        that keeps none (scores stored before it was chosen are not read either)."""
        if not self.access.keeps_health:
            return []
        start, end = history.since(history.PAIN, day)
        return self._history(start, end, history.PAIN)

    def log_pain(self, score: int) -> pain.PainCheck:
        """Check ``score`` against the last two weeks and append it to the history."""
        on = self.today()
        check = pain.log_pain(self.pain_since(on - timedelta(days=pain.RECENT_DAYS)), score, on)
        # The tag orders scores logged in the same second and keeps two devices' apart.
        tag = f"{time.time_ns():016x}{os.urandom(2).hex()}"  # as uuid4().hex[:4], without importing uuid
        self.user.appended.append(pain.entry(score, on, self.now.isoformat(), tag))
        return check

    def _history(self, start: str, end: str, prefix: str) -> list[dict[str, Any]]:
        user = self.user
        try:
            found: list[dict[str, Any]] = (
                [] if self.store_failed else self.deps.store.history(self.store_envelope, start, end)
            )
        except Exception as exc:
            log.warning("store read failed: %s", type(exc).__name__)
            self.store_failed = True
            found = []
        # This turn's entries are not written yet.
        return found + [entry for key, entry in user.appended if key.startswith(prefix) and start <= key < end]

    # -- slots ----------------------------------------------------------------------------

    def slot_id(self, name: str) -> str | None:
        return slots.understood_id(self.request, name, self.catalog.vocabulary)

    @property
    def intent_name(self) -> str:
        """The intent's name ("AMAZON.YesIntent"), or "" for a request that has none."""
        name = getattr(getattr(self.request, "intent", None), "name", None)
        return name if isinstance(name, str) else ""

    def slot_raw(self, name: str) -> str | None:
        """The words said for a slot; none when a custom slot holds only a greeting or filler
        ("hello, start my exercises" with "hello" as the routine's name)."""
        raw = slots.raw_value(self.request, name)
        if raw and name in NAME_SLOTS and self.catalog.vocabulary.says_nothing(raw):
            return None
        return raw

    # Built-in types: the parsed value, or None when missing or not understood.

    def slot_number(self, name: str) -> int | None:
        return slots.number(self.request, name)

    def slot_time(self, name: str) -> str | None:
        return slots.time(self.request, name)

    def slot_date(self, name: str) -> str | None:
        return slots.day(self.request, name, self.now.date())

    def slot_duration(self, name: str) -> str | None:
        return slots.duration(self.request, name)

    # -- responding -----------------------------------------------------------------------

    def respond(self, output: Output) -> Response:
        """Save, render and build the response for ``output``."""
        told_before = bool(self.session.health)
        self.save_user()
        if self._user is not None and self.session.health and not told_before:
            # Health details this profile does not keep: said once a session, after the answer.
            output = replace(
                output, speech=(*output.speech[:1], self.unkept("profile.session_only"), *output.speech[1:])
            )
        if self.store_failed and not self.session.store_warned:
            output = output.before(Say.of("store.unavailable"))
            self.session.store_warned = True
        speech = self.renderer.render(output.speech)
        builder = self.handler_input.response_builder
        if not speech.empty:
            builder.speak(speech.ssml)
        if output.hand_off:
            self.session.pending = None
        elif output.end_session:
            builder.set_should_end_session(True)
            self.session.pending = None
            self.session.last_reprompt = None
        else:
            reprompt = self.renderer.render(output.reprompt)
            builder.ask(reprompt.ssml)
            self.session.last_reprompt = reprompt.ssml
            self.session.pending = output.pending
        if output.pending is not None and output.pending.kind == AFTER_SYMPTOM:
            # The most urgent stop of the session stands: a milder symptom after it lowers nothing.
            tiers = [t for t in (self.session.stopped, output.pending.get("severity") or "stop") if t in TIERS]
            self.session.stopped = max(tiers, key=TIERS.index)
        if not output.hand_off:  # "repeat" after Alexa's own question repeats what we said before it
            self.session.last_speech = speech.ssml
        self.session.last_counted = isinstance(output.screen, CoachingScreen) and output.screen.counting
        if output.card_title:
            builder.set_card(SimpleCard(title=output.card_title, content=self.renderer.render(output.card_body).text))
        if output.permissions_card:
            builder.set_card(AskForPermissionsConsentCard(permissions=list(output.permissions_card)))
        elif self.link_card:
            builder.set_card(LinkAccountCard())
        if output.screen is not None and screens.can_show(screens.apl_max_version(self.handler_input.request_envelope)):
            builder.add_directive(
                _SERIALIZER.deserialize(
                    json.dumps(screens.directive(output.screen, self.renderer, output.speech)), Directive
                )
            )
        for directive in output.directives:
            # Neutral output carries directives as Alexa's JSON; the SDK wants its model objects.
            builder.add_directive(_SERIALIZER.deserialize(json.dumps(directive), Directive))
        self._store_session()
        return builder.response

    def replay(self) -> Response | None:
        """Say exactly the last thing said in this session again (``None`` if nothing was,
        or if what the session attributes hold is not SSML this skill could have said)."""
        last, reprompt = self.session.last_speech, self.session.last_reprompt
        if not last or not is_rendered_ssml(last) or (reprompt and not is_rendered_ssml(reprompt)):
            return None
        builder = self.handler_input.response_builder
        builder.speak(last)
        if reprompt:
            builder.ask(reprompt)
        else:
            builder.set_should_end_session(True)
        self.save_user()
        self._store_session()
        return builder.response

    def ask_again(self, lead: Output) -> Response | None:
        """The open question asked again after ``lead`` (its words as first asked, from the
        reprompt), the question still open; ``None`` when no question can be replayed."""
        reprompt = self.session.last_reprompt
        if self.session.pending is None or not reprompt or not is_rendered_ssml(reprompt):
            return None
        said = self.renderer.render(lead.speech).ssml
        builder = self.handler_input.response_builder
        builder.speak(said.removesuffix("</speak>") + " " + reprompt.removeprefix("<speak>"))
        builder.ask(reprompt)
        self.session.last_speech = said
        self.save_user()
        self._store_session()
        return builder.response

    def finish(self) -> Response:
        """End a request that says nothing (SessionEndedRequest, skill events)."""
        self.save_user()
        return self.handler_input.response_builder.response

    def _store_session(self) -> None:
        if self.in_session:
            self.handler_input.attributes_manager.session_attributes = self.session.to_attributes()


class TurnInterceptor(AbstractRequestInterceptor):  # type: ignore[misc]
    """Creates the request's ``Turn`` before any handler runs."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def process(self, handler_input: HandlerInput) -> None:
        handler_input.attributes_manager.request_attributes[TURN_KEY] = Turn(handler_input, self.deps)


def turn_of(handler_input: HandlerInput) -> Turn:
    turn = handler_input.attributes_manager.request_attributes.get(TURN_KEY)
    if not isinstance(turn, Turn):
        raise LookupError("TurnInterceptor did not run for this request")
    return turn
