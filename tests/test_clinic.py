"""The clinic profile (issue 28): account linking, a record per recognised voice, and the
voice PIN before anything of a person's records is used or said.

Tokens come from real identity providers on loopback (``skill.devtools.identity_provider``,
Authlib's authorization server, by the authorization code grant Alexa uses): valid ones,
and the ones a skill must refuse. The skill checks them with PyJWT against the provider's
published keys. The stores are read directly.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest

from skill.alexa.account import AccountsNotConfigured, ProviderUnavailable, TokenCheck, from_environment
from skill.alexa.factory import build_skill
from skill.devtools import envelopes
from skill.devtools.envelopes import LOCAL_SKILL_ID, Device
from skill.devtools.identity_provider import (
    DEFAULT_PATIENT,
    OTHER_CLIENT,
    Provider,
    ProviderSettings,
    new_key,
    running,
)
from skill.devtools.simulator import Conversation, Reply, in_process
from skill.domain.catalog import Catalog
from skill.domain.clock import FixedClock
from skill.domain.profile import CLINIC, CONSUMER
from skill.store.dynamodb import dynamodb_store
from skill.store.keys import bound_person
from skill.store.sqlite import SQLiteStore
from tests.dynamo import Emulator
from tests.support import SECRET, checked, free_port
from tests.test_store_sqlite import request_for

ACCOUNT = "amzn1.ask.account.HOUSEHOLD"
ANNA = "amzn1.ask.person.ANNA"
BEN = "amzn1.ask.person.BEN"


KEY = new_key()  # the module's provider signs with it; so does a short-lived twin of it


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running(ProviderSettings(key=KEY)) as running_provider:
        yield running_provider


@pytest.fixture(scope="module")
def check(provider: Provider) -> TokenCheck:
    return TokenCheck(issuer=provider.issuer, audience="spine-coach", jwks_url=f"{provider.url}/jwks", leeway=0)


def conversation(store: Any, check: TokenCheck, clock: FixedClock, catalog: Catalog, **device: Any) -> Conversation:
    skill = build_skill(
        store=store, clock=clock, catalog=catalog, skill_id=LOCAL_SKILL_ID, profile=CLINIC, token_check=check
    )
    return Conversation(checked(in_process(skill)), device=Device(user_id=ACCOUNT, **device), clock=clock)


def anna_tells(convo: Conversation, *scores: int) -> Conversation:
    """Anna's first visit (PIN confirmed): her surgery date and pain scores."""
    convo.launch()
    convo.say("my surgery was on october third")
    for score in scores:
        convo.say(f"log my pain as {score}")
    return convo


def anna_hears_her_trend(
    store: Any, check: TokenCheck, token: str, clock: FixedClock, catalog: Catalog
) -> Conversation:
    """Anna's first visit with two pain scores, and the trend they make said back to her."""
    anna = anna_tells(conversation(store, check, clock, catalog, access_token=token, person_id=ANNA), 6, 7)
    assert "from about 6 to 7" in anna.say("how is my pain trending").text
    return anna


def listing(person: str, subject: str = DEFAULT_PATIENT) -> str:
    """The row listing ``person`` (under that clinic patient) on the account, for deletion."""
    return f"person#{bound_person(person, subject, SECRET.encode())}"


def person_key(person: str, subject: str = DEFAULT_PATIENT) -> str:
    """Where the stores keep ``person``'s record, linked to the clinic's patient ``subject``."""
    return f"{ACCOUNT}#person#{bound_person(person, subject, SECRET.encode())}"


def rows(path: Path) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str]]]:
    """Every record (by key) and every history row (key, sort key) in a SQLite store."""
    with sqlite3.connect(path) as db:
        records = {key: json.loads(data) for key, data in db.execute("SELECT id, data FROM attributes")}
        history = list(db.execute("SELECT id, sk FROM history"))
    return records, history


# -- the token check ------------------------------------------------------------------------


def test_a_token_from_the_clinic_for_this_skill_is_accepted(provider: Provider, check: TokenCheck) -> None:
    linked = check.check(provider.link("patient-0042"))
    assert linked is not None and linked.subject == "patient-0042"


def test_a_token_for_another_audience_is_refused(provider: Provider, check: TokenCheck) -> None:
    token = provider.link(client=OTHER_CLIENT)
    assert jwt.decode(token, options={"verify_signature": False})["aud"] == OTHER_CLIENT  # a real token, though
    assert check.check(token) is None


def test_a_token_from_another_issuer_is_refused_even_signed_with_the_same_key() -> None:
    key = new_key()
    with (
        running(ProviderSettings(key=key)) as ours,
        running(ProviderSettings(key=key, issuer="https://elsewhere")) as theirs,
    ):
        checking = TokenCheck(issuer=ours.issuer, audience="spine-coach", jwks_url=f"{ours.url}/jwks", leeway=0)
        assert checking.check(ours.link()) is not None
        assert checking.check(theirs.link()) is None  # the signature is good: only the issuer is wrong


def test_an_expired_token_is_refused() -> None:
    with running(ProviderSettings(token_seconds=1)) as short:
        checking = TokenCheck(issuer=short.issuer, audience="spine-coach", jwks_url=f"{short.url}/jwks", leeway=0)
        token = short.link()
        assert checking.check(token) is not None
        time.sleep(2.1)
        assert checking.check(token) is None


def test_a_forged_or_unsigned_token_is_refused(provider: Provider, check: TokenCheck) -> None:
    header, payload, signature = provider.link("patient-0001").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    other = base64.urlsafe_b64encode(json.dumps({**claims, "sub": "patient-9999"}).encode()).rstrip(b"=").decode()
    assert check.check(f"{header}.{other}.{signature}") is None  # the claims changed under the signature
    # Signed with a key of the attacker's own, naming the provider's key id.
    kid = jwt.get_unverified_header(provider.link())["kid"]
    from cryptography.hazmat.primitives.asymmetric import rsa

    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert check.check(jwt.encode(claims, attacker, algorithm="RS256", headers={"kid": kid})) is None
    assert check.check(jwt.encode(claims, "", algorithm="none", headers={"kid": kid})) is None
    assert check.check("not a token") is None and check.check(None) is None


def test_a_provider_that_cannot_be_reached_is_not_a_refusal() -> None:
    checking = TokenCheck(issuer="x", audience="spine-coach", jwks_url=f"http://127.0.0.1:{free_port()}/jwks")
    with running() as provider, pytest.raises(ProviderUnavailable):
        checking.check(provider.link())


def test_the_provider_is_found_from_its_issuer_and_must_be_named(
    provider: Provider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {"SPINE_COACH_OIDC_ISSUER": provider.issuer, "SPINE_COACH_OIDC_AUDIENCE": "spine-coach"}
    assert from_environment(env).check(provider.link()) is not None  # keys found by discovery
    with pytest.raises(AccountsNotConfigured, match="https"):
        TokenCheck(issuer="x", audience="y", jwks_url="http://clinic.example/jwks")  # keys in the clear
    for name in ("SPINE_COACH_OIDC_ISSUER", "SPINE_COACH_OIDC_AUDIENCE", "SPINE_COACH_OIDC_JWKS_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(AccountsNotConfigured):
        build_skill(store=SQLiteStore(tmp_path / "never.db"), profile=CLINIC)  # no provider: no clinic skill


# -- conversations --------------------------------------------------------------------------


def test_without_a_linked_account_nothing_is_kept_and_the_link_card_is_sent(
    store_path: Path, check: TokenCheck, clock: FixedClock, catalog: Catalog
) -> None:
    convo = conversation(SQLiteStore(store_path), check, clock, catalog, person_id=ANNA)
    welcome = convo.launch()
    assert welcome.asked_pin is None and "Welcome" in welcome.text
    logged = convo.say("log my pain as four")
    assert "link your clinic account" in logged.text and logged.body["card"] == {"type": "LinkAccount"}
    convo.say("my surgery was on october third")
    started = convo.say("let's do the in-hospital exercises")
    assert "in-hospital exercises: 6 exercises" in started.text  # coached all the same
    records, history = rows(store_path)
    assert not [sk for _, sk in history if sk.startswith(("p#", "y#"))]
    assert all(not record.get("surgery_date") for record in records.values())


@pytest.mark.parametrize("token", ["expired", "forged"])
def test_an_expired_or_forged_token_is_no_link(
    store_path: Path, check: TokenCheck, provider: Provider, clock: FixedClock, catalog: Catalog, token: str
) -> None:
    if token == "expired":
        # The same provider (key and issuer), its token expired: only the expiry is wrong.
        with running(ProviderSettings(token_seconds=2, key=KEY, issuer=provider.issuer)) as short:
            value = short.link()
        assert check.check(value) is not None
        time.sleep(3.1)
    else:
        header, payload, signature = provider.link().split(".")
        value = f"{header}.{payload}.{signature[:-4]}AAAA"
    convo = conversation(SQLiteStore(store_path), check, clock, catalog, access_token=value, person_id=ANNA)
    assert convo.launch().asked_pin is None  # no PIN is asked for a link that is not one
    reply = convo.say("log my pain as four")
    assert "link your clinic account" in reply.text and reply.body["card"] == {"type": "LinkAccount"}


def test_a_linked_recognised_person_confirms_their_pin_before_their_records_open(
    store_path: Path, check: TokenCheck, provider: Provider, clock: FixedClock, catalog: Catalog
) -> None:
    convo = conversation(SQLiteStore(store_path), check, clock, catalog, access_token=provider.link(), person_id=ANNA)
    welcome = convo.launch()
    assert welcome.asked_pin is not None  # the launch waited for the PIN ...
    directive = welcome.asked_pin.pin_connection
    assert directive is not None and directive["input"] == {
        "requestedAuthenticationConfidenceLevel": {"level": 400, "customPolicy": {"policyName": "VOICE_PIN"}}
    }
    assert directive["onCompletion"] == "RESUME_SESSION" and "shouldEndSession" not in welcome.asked_pin.body
    assert "Welcome" in welcome.text  # ... and was answered once it was confirmed
    assert convo.say("my surgery was on october third").asked_pin is None  # once a session
    convo.say("log my pain as six")
    records, history = rows(store_path)
    assert records[person_key(ANNA)]["surgery_date"] == "2026-10-03"
    assert [sk for key, sk in history if key == person_key(ANNA) and sk.startswith("p#")]
    assert (ACCOUNT, listing(ANNA)) in history  # listed under the account, for deletion


def test_a_pin_not_confirmed_opens_nothing_and_keeps_what_was_stored(
    store_path: Path, check: TokenCheck, provider: Provider, clock: FixedClock, catalog: Catalog
) -> None:
    store = SQLiteStore(store_path)
    token = provider.link()
    anna_hears_her_trend(store, check, token, clock, catalog)
    before = rows(store_path)[0][person_key(ANNA)]
    outcomes = [
        ("NOT_ACHIEVED", "couldn't confirm your PIN"),
        ("NOT_ENABLED", "your voice has none set up"),
        ("FAILED", "couldn't check your PIN"),
    ]
    for outcome, heard in outcomes:
        later = conversation(store, check, clock, catalog, access_token=token, person_id=ANNA, pin=outcome)
        refused = later.say("ask spine coach how is my pain trending")
        assert refused.asked_pin is not None and heard in refused.text, refused.text
        again = later.say("how is my pain trending")
        assert again.asked_pin is None  # not asked twice in a session
        assert "6" not in again.text and "7" not in again.text and "PIN" in again.text, again.text
        week = later.say("what week am I in")
        assert "I don't know yet" in week.text, week.text  # the stored surgery date is not used
        later.say("let's do the in-hospital exercises")
        later.say("ready")
        later.say("stop")
    after = rows(store_path)[0][person_key(ANNA)]
    assert after["surgery_date"] == before["surgery_date"] == "2026-10-03"  # kept as it was, unseen


def test_two_people_on_one_account_keep_separate_records(
    store_path: Path, check: TokenCheck, provider: Provider, clock: FixedClock, catalog: Catalog
) -> None:
    store = SQLiteStore(store_path)
    token = provider.link()
    anna_tells(conversation(store, check, clock, catalog, access_token=token, person_id=ANNA), 6)
    ben = conversation(store, check, clock, catalog, access_token=token, person_id=BEN)
    ben.launch()
    heard = ben.say("how is my pain trending").text
    assert "don't have enough pain scores" in heard, heard
    assert "I don't know yet" in ben.say("what week am I in").text
    nobody = conversation(store, check, clock, catalog, access_token=token)
    nobody.launch()
    assert "voice I recognise" in nobody.say("how is my pain trending").text
    records, _ = rows(store_path)
    assert records[person_key(ANNA)]["surgery_date"] == "2026-10-03"
    assert not records.get(person_key(BEN), {}).get("surgery_date")
    assert not records.get(ACCOUNT, {}).get("surgery_date")


def test_a_voice_relinked_to_another_clinic_patient_opens_a_record_of_its_own(
    store_path: Path, check: TokenCheck, provider: Provider, clock: FixedClock, catalog: Catalog
) -> None:
    """A person's record is theirs under the clinic account linked to them: the same voice
    linked to another patient's clinic account sees none of the first's; linked back, it
    does again; disabling the skill deletes both."""
    store = SQLiteStore(store_path)
    anna_tells(conversation(store, check, clock, catalog, access_token=provider.link(), person_id=ANNA), 6, 7)
    other = conversation(store, check, clock, catalog, access_token=provider.link("patient-0002"), person_id=ANNA)
    other.launch()
    assert "I don't know yet" in other.say("what week am I in").text
    assert "don't have enough pain scores" in other.say("how is my pain trending").text
    again = conversation(store, check, clock, catalog, access_token=provider.link(), person_id=ANNA)
    again.launch()
    assert "from about 6 to 7" in again.say("how is my pain trending").text
    records, history = rows(store_path)
    assert records[person_key(ANNA)]["surgery_date"] == "2026-10-03"
    assert not records.get(person_key(ANNA, "patient-0002"), {}).get("surgery_date")
    assert {(ACCOUNT, listing(ANNA)), (ACCOUNT, listing(ANNA, "patient-0002"))} <= set(history)
    assert "patient-000" not in "".join(records) + "".join(sk for _, sk in history)  # a digest, not the id
    _disable(again)
    assert rows(store_path) == ({}, [])


def test_a_persons_key_is_keyed_with_the_deployments_secret(
    tmp_path: Path,
    check: TokenCheck,
    provider: Provider,
    clock: FixedClock,
    catalog: Catalog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Knowing a patient's clinic identifier does not find their record in a copy of the
    store: the key is neither the identifier nor its plain hash, and another deployment's
    secret keys the same patient elsewhere."""
    token = provider.link()
    keys: list[str] = []
    for secret in ("one deployment's secret", "another deployment's secret"):
        monkeypatch.setenv("SPINE_COACH_LINK_SECRET", secret)
        path = tmp_path / f"{len(keys)}.sqlite3"
        anna_tells(conversation(SQLiteStore(path), check, clock, catalog, access_token=token, person_id=ANNA), 6)
        records, _ = rows(path)
        [key] = [key for key, record in records.items() if record.get("surgery_date") == "2026-10-03"]
        keys.append(key)
    plain = hashlib.sha256(DEFAULT_PATIENT.encode()).hexdigest()
    assert keys[0] != keys[1]
    assert all(key.startswith(f"{ACCOUNT}#person#{ANNA}~") and plain[:12] not in key for key in keys), keys


def test_a_dynamodb_clinic_store_without_its_secret_keeps_nothing_and_says_so(
    emulator: Emulator,
    check: TokenCheck,
    provider: Provider,
    clock: FixedClock,
    catalog: Catalog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the deployment's secret no record can be bound to its patient: the store is
    as good as down (said once, nothing written), never the account's record instead."""
    emulator.create_table("unkeyed")
    store = dynamodb_store(table="unkeyed", region="us-east-1", endpoint=emulator.endpoint)
    monkeypatch.delenv("SPINE_COACH_LINK_SECRET")
    anna = conversation(store, check, clock, catalog, access_token=provider.link(), person_id=ANNA)
    heard = anna.launch().text
    assert "can't reach your saved progress" in heard, heard
    anna.say("log my pain as five")
    resource = emulator.resource()
    assert resource.Table("unkeyed").scan()["Items"] == []
    assert resource.Table("unkeyed-history").scan()["Items"] == []


def test_a_symptom_is_answered_before_any_pin(
    store_path: Path, check: TokenCheck, provider: Provider, clock: FixedClock, catalog: Catalog
) -> None:
    convo = conversation(SQLiteStore(store_path), check, clock, catalog, access_token=provider.link(), person_id=ANNA)
    reply = convo.say("ask spine coach, I can't feel my legs")
    assert reply.asked_pin is None and "Call emergency services now" in reply.text


def _disable(convo: Conversation) -> Reply:
    return convo.request(envelopes.skill_disabled_event(Device(user_id=ACCOUNT)), in_session=False)


def test_disabling_the_skill_deletes_every_person_on_the_account_in_sqlite(
    store_path: Path, check: TokenCheck, provider: Provider, clock: FixedClock, catalog: Catalog
) -> None:
    store = SQLiteStore(store_path)
    token = provider.link()
    for person in (ANNA, BEN, None):
        convo = conversation(store, check, clock, catalog, access_token=token, person_id=person)
        convo.launch()
        convo.say("log my pain as five")
        convo.say("let's do the in-hospital exercises")
        convo.say("ready")
        convo.say("stop")
    assert {key for key, _ in rows(store_path)[1]} >= {person_key(ANNA), person_key(BEN)}
    _disable(conversation(store, check, clock, catalog))
    assert rows(store_path) == ({}, [])


def test_disabling_the_skill_deletes_every_person_on_the_account_in_dynamodb(
    emulator: Emulator, check: TokenCheck, provider: Provider, clock: FixedClock, catalog: Catalog
) -> None:
    emulator.create_table("clinic")
    store = dynamodb_store(table="clinic", region="us-east-1", endpoint=emulator.endpoint)
    token = provider.link()
    for person in (ANNA, BEN):
        convo = conversation(store, check, clock, catalog, access_token=token, person_id=person)
        convo.launch()
        convo.say("log my pain as five")
    resource = emulator.resource()
    ids = {item["id"] for item in resource.Table("clinic").scan()["Items"]}
    assert ids == {person_key(ANNA), person_key(BEN)}
    history = resource.Table("clinic-history").scan()["Items"]
    assert {(item["id"], item["sk"]) for item in history if str(item["sk"]).startswith("person#")} == {
        (ACCOUNT, listing(ANNA)),
        (ACCOUNT, listing(BEN)),
    }
    _disable(conversation(store, check, clock, catalog))
    assert resource.Table("clinic").scan()["Items"] == []
    assert resource.Table("clinic-history").scan()["Items"] == []


# -- the review of the clinic profile ----------------------------------------------------------


def stored_place(path: Path, key: str) -> Any:
    return rows(path)[0][key].get("place")


def anna_stopped_for_a_symptom(store: Any, check: TokenCheck, token: str, clock: FixedClock, catalog: Catalog) -> None:
    anna = anna_tells(conversation(store, check, clock, catalog, access_token=token, person_id=ANNA), 6)
    anna.say("let's do the in-hospital exercises")
    anna.say("ready")
    anna.say("my leg is numb")  # the set stops; the place is kept, and why


@pytest.mark.parametrize("pin", ["NOT_ACHIEVED", "NOT_ENABLED"])
def test_without_the_pin_nothing_of_the_persons_record_is_used_changed_or_deleted(
    store_path: Path, check: TokenCheck, provider: Provider, clock: FixedClock, catalog: Catalog, pin: str
) -> None:
    store = SQLiteStore(store_path)
    token = provider.link()
    anna_stopped_for_a_symptom(store, check, token, clock, catalog)
    before = rows(store_path)[0][person_key(ANNA)]
    assert before["place"]["after_symptom"] is True
    later = conversation(store, check, clock, catalog, access_token=token, person_id=ANNA, pin=pin)
    welcome = later.launch()
    assert "exercise 1 of 6" not in welcome.text and "didn't feel right" not in welcome.text, welcome.text
    assert "exercise 1 of 6" not in later.say("resume my exercises").text
    later.say("delete my data")
    later.say("yes")
    # a touch on a screen still showing: no PIN was asked for it, and it opens nothing either
    touch = conversation(store, check, clock, catalog, access_token=token, person_id=ANNA)
    touch.request(envelopes.user_event(touch.device, ["coach", "bridging"], "routine"))
    assert rows(store_path)[0][person_key(ANNA)] == before


def test_an_unlinked_launch_does_not_offer_the_persons_saved_place(
    store_path: Path, check: TokenCheck, provider: Provider, clock: FixedClock, catalog: Catalog
) -> None:
    store = SQLiteStore(store_path)
    anna_stopped_for_a_symptom(store, check, provider.link(), clock, catalog)
    unlinked = conversation(store, check, clock, catalog, person_id=ANNA)
    welcome = unlinked.launch()
    assert "exercise 1 of 6" not in welcome.text and "didn't feel right" not in welcome.text, welcome.text


@pytest.mark.parametrize("kind", ["sqlite", "dynamodb"])
def test_a_guests_deletion_leaves_the_people_to_be_found_when_the_skill_is_disabled(
    store_path: Path,
    check: TokenCheck,
    provider: Provider,
    clock: FixedClock,
    catalog: Catalog,
    kind: str,
    request: pytest.FixtureRequest,
) -> None:
    if kind == "sqlite":
        store: Any = SQLiteStore(store_path)
    else:
        emulator: Emulator = request.getfixturevalue("emulator")
        emulator.create_table("guest")
        store = dynamodb_store(table="guest", region="us-east-1", endpoint=emulator.endpoint)
    token = provider.link()
    anna_tells(conversation(store, check, clock, catalog, access_token=token, person_id=ANNA), 6)
    guest = conversation(store, check, clock, catalog, access_token=token)
    guest.say("ask spine coach to delete my data")
    assert "I've deleted everything" in guest.say("yes").text
    anna = conversation(store, check, clock, catalog, access_token=token, person_id=ANNA)
    assert "week 8" in anna.say("ask spine coach what week am I in").text  # not the guest's to delete
    _disable(conversation(store, check, clock, catalog))
    if kind == "sqlite":
        assert rows(store_path) == ({}, [])
    else:
        resource = emulator.resource()
        assert resource.Table("guest").scan()["Items"] == [] and resource.Table("guest-history").scan()["Items"] == []


def test_delete_my_data_under_the_consumer_profile_takes_what_a_clinic_deployment_kept(
    store_path: Path, check: TokenCheck, provider: Provider, clock: FixedClock, catalog: Catalog
) -> None:
    """One record per account under the consumer profile: "delete my data" there deletes the
    whole account, people a clinic deployment of the same skill once kept on it included."""
    store = SQLiteStore(store_path)
    anna_tells(conversation(store, check, clock, catalog, access_token=provider.link(), person_id=ANNA), 6)
    assert any(key == person_key(ANNA) for key in rows(store_path)[0])
    skill = build_skill(store=store, clock=clock, catalog=catalog, skill_id=LOCAL_SKILL_ID, profile=CONSUMER)
    consumer = Conversation(checked(in_process(skill)), device=Device(user_id=ACCOUNT), clock=clock)
    consumer.say("ask spine coach to delete my data")
    assert "I've deleted everything" in consumer.say("yes").text
    assert rows(store_path) == ({}, [])


def test_the_consumer_profile_keeps_one_record_per_account_whatever_voice_speaks(
    store_path: Path, clock: FixedClock, catalog: Catalog
) -> None:
    """Personalization left on in the developer console sends a voice's id under the consumer
    profile too: it keeps the account's one record, so "delete my data" deletes only that."""
    store = SQLiteStore(store_path)
    skill = build_skill(store=store, clock=clock, catalog=catalog, skill_id=LOCAL_SKILL_ID, profile=CONSUMER)
    for person in (ANNA, BEN):
        voice = Conversation(checked(in_process(skill)), device=Device(user_id=ACCOUNT, person_id=person), clock=clock)
        voice.say("ask spine coach to start the in hospital exercises")
        voice.say("ready")
        voice.say("stop")
    records, history = rows(store_path)
    assert set(records) == {ACCOUNT} and {key for key, _ in history} == {ACCOUNT}


def test_a_person_whose_first_words_were_a_pain_score_is_deleted_with_the_account(
    store_path: Path, check: TokenCheck, provider: Provider, clock: FixedClock, catalog: Catalog
) -> None:
    store = SQLiteStore(store_path)
    ben = conversation(store, check, clock, catalog, access_token=provider.link(), person_id=BEN)
    assert "logged your pain as 5" in ben.say("ask spine coach to log my pain as five").text
    _disable(conversation(store, check, clock, catalog))
    assert rows(store_path)[1] == []


@contextmanager
def maintenance_page() -> Iterator[str]:
    """A loopback address that answers every GET with 200 and an HTML page."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html>maintenance</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/jwks"
    finally:
        server.shutdown()
        server.server_close()


def test_keys_that_are_not_a_key_set_are_a_provider_down_and_a_red_flag_still_gets_911(
    store_path: Path, clock: FixedClock, catalog: Catalog, provider: Provider
) -> None:
    with maintenance_page() as url:
        broken = TokenCheck(issuer=provider.issuer, audience="spine-coach", jwks_url=url)
        with pytest.raises(ProviderUnavailable):
            broken.check(provider.link())
        convo = conversation(
            SQLiteStore(store_path), broken, clock, catalog, access_token=provider.link(), person_id=ANNA
        )
        assert "Call emergency services now" in convo.say("ask spine coach, I can't feel my legs").text
        assert "can't reach your clinic's sign-in service" in convo.say("ask spine coach to log my pain as five").text


def test_a_session_belongs_to_the_voice_that_started_it(
    store_path: Path, check: TokenCheck, provider: Provider, clock: FixedClock, catalog: Catalog
) -> None:
    store = SQLiteStore(store_path)
    token = provider.link()
    anna = anna_hears_her_trend(store, check, token, clock, catalog)
    # The next words in the same session come from a voice Alexa does not know.
    anna.device.person_id = None
    replayed = anna.say("repeat that")
    assert "6" not in replayed.text and "7" not in replayed.text, replayed.text


def test_whoever_is_beside_the_patient_can_hear_the_emergency_again(
    store_path: Path, check: TokenCheck, provider: Provider, clock: FixedClock, catalog: Catalog
) -> None:
    """ "Ask someone nearby to call for you": that someone's voice is not the patient's, and
    still hears the emergency answer again, then the number; nothing else of the session."""
    anna = conversation(SQLiteStore(store_path), check, clock, catalog, access_token=provider.link(), person_id=ANNA)
    anna.launch()
    emergency = anna.say("I can't feel my legs")
    assert "Call emergency services now on 9 1 1" in emergency.text
    anna.device.person_id = None
    assert anna.say("repeat that").text == emergency.text
    assert anna.say("what was the number").text == "Please call emergency services now on 9 1 1."
    # A stop stands too when Alexa misses the patient's voice once: nothing starts again.
    ben = conversation(SQLiteStore(store_path), check, clock, catalog, access_token=provider.link(), person_id=BEN)
    ben.launch()
    assert "Stop the exercise now" in ben.say("my back hurts").text
    ben.device.person_id = None
    assert ben.say("start my exercises").text.startswith("Not for now.")


def test_repeat_after_the_pin_repeats_no_pin_question(
    store_path: Path, check: TokenCheck, provider: Provider, clock: FixedClock, catalog: Catalog
) -> None:
    convo = conversation(SQLiteStore(store_path), check, clock, catalog, access_token=provider.link(), person_id=ANNA)
    reply = convo.say("ask spine coach to repeat that")
    assert reply.asked_pin is not None and "voice PIN" not in reply.text, reply.text


def test_health_an_earlier_version_kept_on_the_account_is_neither_used_nor_erased(
    store_path: Path, check: TokenCheck, provider: Provider, clock: FixedClock, catalog: Catalog
) -> None:
    """Before records per voice, the clinic profile kept health on the account's record. A
    voice Alexa does not know works on that record now: it sees none of it, and its saves
    leave it as it was (``Access.preserves``)."""
    store = SQLiteStore(store_path)
    store.save_attributes(request_for(ACCOUNT, person=None), {"v": 2, "rev": 1, "surgery_date": "2026-10-03"})
    guest = conversation(store, check, clock, catalog, access_token=provider.link())
    guest.launch()
    assert "I don't know yet" in guest.say("what week am I in").text
    guest.say("let's do the in-hospital exercises")
    guest.say("ready")
    guest.say("stop")
    assert rows(store_path)[0][ACCOUNT]["surgery_date"] == "2026-10-03"
