"""The deployment profile (issue 28): what the skill keeps about a person, decided here only.

Amazon refuses a skill that collects information about a person's health outside its
HIPAA-eligible program (account linking and PIN confirmation first). So there are two
profiles, chosen when the skill is packaged and read when it runs (``SPINE_COACH_PROFILE``,
or ``--profile`` on the command line):

- ``consumer``, the default: keeps no health information. No pain score, no record of a
  session stopped for a symptom, no surgery date or week after surgery, no clearance and no
  clinician's plan outlives the session it was said in; completion, pace, difficulty, the
  saved place and reminders are kept. A stage told in a session serves that session.
- ``clinic``: the HIPAA-eligible route (en-US only). Health information is kept only for a
  person the clinic's identity provider vouches for (a linked account, its access token
  verified) and Alexa recognises by voice (a ``personId``: each person has a record of
  their own); it is said aloud only after that person confirmed their voice PIN this
  session. Anyone else is coached as the consumer profile coaches, keeping nothing.

Handlers ask the request's ``Access`` (``Profile.access`` of the request's ``Identity``)
what they may keep and say; they never test the profile's name. Pure: no SDK, no store.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from skill.domain import history

ENVIRONMENT = "SPINE_COACH_PROFILE"

# The record's fields that are health information (``skill.domain.user.UserRecord``), with
# the value each has when nothing is known.
HEALTH_FIELDS: Mapping[str, Any] = {
    "surgery_date": None,
    "reported_week": None,
    "stage_override": None,
    "follow_up_confirmed": False,
    "clearances": [],
}
# History entries that are health information, by their key's prefix: pain scores and the
# sessions stopped for a symptom (``skill.domain.history``).
HEALTH_HISTORY = (history.PAIN, history.SYMPTOM)


@dataclass(frozen=True)
class Identity:
    """Who is speaking, as far as the request shows it."""

    linked: bool = False  # an access token the clinic's identity provider issued, verified
    subject: str | None = None  # the clinic's identifier for the linked patient (the token's ``sub``)
    person: str | None = None  # Alexa's ``personId``: a voice it recognised
    pin_confirmed: bool = False  # that person confirmed their voice PIN in this session
    pin_declined: bool = False  # Alexa could not confirm it this session (wrong, none set, failed)
    provider_down: bool = False  # a token came, but the provider's keys could not be read


# What is missing before health information may be kept or said (``Access.needs``).
NEEDS_LINK = "link"  # no verified account link: send the link-account card
NEEDS_PROVIDER = "provider"  # a token that could not be checked just now
NEEDS_VOICE = "voice"  # linked, but the voice is nobody's Alexa knows
NEEDS_PIN = "pin"  # a recognised person who has not confirmed their PIN this session
NEEDS_NEW_SESSION = "pin-declined"  # the PIN could not be confirmed: not asked again this session


@dataclass(frozen=True)
class Access:
    """What one request may do with health information: keep it, use it and say it, or
    none of these (then ``needs`` says what is missing, if anything can be)."""

    keeps_health: bool  # pain scores, symptom stops, surgery date and week, clearances, plans
    needs: str | None = None  # what is missing (``NEEDS_*``); None under the consumer profile
    # What is already stored stays as it is, unseen (under the clinic profile the account's
    # record, which an earlier version keyed by account may have filled); otherwise a save
    # writes the health fields blank (the consumer profile keeps none).
    preserves: bool = False

    def kept(self, record: Mapping[str, Any], stored: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """``record`` (``UserRecord.to_dict`` form) split into what may be stored and the
        health fields that may live only in the session (empty when everything is kept);
        ``stored`` is the record as loaded."""
        if self.keeps_health:
            return dict(record), {}
        health = {name: record[name] for name in HEALTH_FIELDS if record.get(name) not in (None, False, [])}
        stored_health = {
            name: stored.get(name, _blank(default)) if self.preserves else _blank(default)
            for name, default in HEALTH_FIELDS.items()
        }
        written = {**record, **stored_health}
        place = record.get("place")
        if isinstance(place, Mapping) and "after_symptom" in place:
            # That the session was stopped for a symptom is health information; the place is
            # not. Nothing of it is kept for the session: a symptom's answer ends the session.
            written["place"] = {key: value for key, value in place.items() if key != "after_symptom"}
        return written, health

    def seen(self, stored: Mapping[str, Any]) -> dict[str, Any]:
        """The stored record as this request's handlers may see it: its health fields blank
        unless they may be used."""
        if self.keeps_health:
            return dict(stored)
        return {**stored, **{name: _blank(default) for name, default in HEALTH_FIELDS.items()}}

    def entries_kept(self, entries: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
        """The history entries (sort key, entry) that may be stored."""
        return [entry for entry in entries if self.keeps_health or not entry[0].startswith(HEALTH_HISTORY)]


def _blank(default: Any) -> Any:
    return list(default) if isinstance(default, list) else default


KEEPS_NOTHING = Access(keeps_health=False)
KEEPS_ALL = Access(keeps_health=True)


@dataclass(frozen=True)
class Profile:
    name: str
    keeps_health: bool  # for someone (the privacy policy and the package say so)
    links_accounts: bool  # account linking, personalization and PIN confirmation
    # The locales it may ship in (None: every locale the models have). The HIPAA-eligible
    # route is for the United States only.
    locales: tuple[str, ...] | None = None
    # Alexa's Reminders API. Amazon lets a HIPAA-eligible skill use only the APIs on its
    # approved list, and a reminder's words are kept by Amazon, outside the skill: the
    # clinic profile sets none and says how to ask Alexa for one instead.
    sets_reminders: bool = True

    def access(self, identity: Identity) -> Access:
        """What a request from ``identity`` may do with health information. Under a profile
        that links accounts it is all or nothing: whoever has not been vouched for by the
        clinic, recognised by voice and confirmed by PIN is coached keeping nothing, and
        what is stored for them stays as it is."""
        if not self.links_accounts:
            return KEEPS_ALL if self.keeps_health else KEEPS_NOTHING
        if identity.pin_confirmed and identity.linked and identity.person is not None:
            return KEEPS_ALL
        if identity.provider_down:
            needs = NEEDS_PROVIDER
        elif not identity.linked:
            needs = NEEDS_LINK
        elif identity.person is None:
            needs = NEEDS_VOICE
        else:
            needs = NEEDS_NEW_SESSION if identity.pin_declined else NEEDS_PIN
        return Access(keeps_health=False, needs=needs, preserves=True)


CONSUMER = Profile("consumer", keeps_health=False, links_accounts=False)
CLINIC = Profile("clinic", keeps_health=True, links_accounts=True, locales=("en-US",), sets_reminders=False)
PROFILES = {profile.name: profile for profile in (CONSUMER, CLINIC)}


def profile_named(name: str | None) -> Profile:
    """The profile called ``name`` (``None`` or empty: the consumer default); an unknown
    name is refused rather than guessed, since it decides what is kept."""
    if not name:
        return CONSUMER
    try:
        return PROFILES[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}: choose {' or '.join(PROFILES)}") from None


def from_environment(environ: Mapping[str, str] | None = None) -> Profile:
    """The profile ``SPINE_COACH_PROFILE`` names (the consumer default when unset)."""
    return profile_named((os.environ if environ is None else environ).get(ENVIRONMENT))
