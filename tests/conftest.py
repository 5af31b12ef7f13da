"""Shared fixtures. They build on each other: content -> catalog -> store -> skill -> conversation."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

# The conversation suites run under the clinic profile, which keeps everything they check
# (pain scores, the stage, clearances, plans); tests/test_profiles.py runs the consumer
# profile, the default, against the same stores.
os.environ.setdefault("SPINE_COACH_PROFILE", "clinic")

from skill.devtools.envelopes import LOCAL_SKILL_ID, REMINDERS_SCOPE
from skill.devtools.simulator import Conversation, in_process
from skill.devtools.standin import StandIn
from skill.domain.catalog import Catalog, default_content_dir, load_catalog
from skill.domain.clock import FixedClock
from skill.domain.profile import Profile
from skill.store.sqlite import SQLiteStore
from tests.dynamo import CREDENTIALS, Emulator, moto_server
from tests.support import LINK, SECRET, STANDIN_DEVICE, STANDIN_TOKEN, checked, linked

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"

# The suites run with one deployment secret (as the stack passes one), so a test can say where a
# clinic patient's record is kept (``tests.support.STORED_PERSON``); tests of a store's own
# secret file take it out.
os.environ["SPINE_COACH_LINK_SECRET"] = SECRET


@pytest.fixture(scope="session", autouse=True)
def identity_provider() -> Iterator[Any]:
    """The clinic's identity provider on loopback, named to every skill built in the tests
    (and to the servers they start) through the environment, and a linked patient's token."""
    from skill.alexa import account
    from skill.devtools.identity_provider import running

    with running() as provider:
        settings = {
            account.ISSUER: provider.issuer,
            account.AUDIENCE: provider.settings.audience,
            account.JWKS_URL: f"{provider.url}/jwks",
        }
        saved = {key: os.environ.get(key) for key in settings}
        os.environ.update(settings)
        LINK["token"] = provider.link()
        try:
            yield provider
        finally:
            LINK.clear()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(default_content_dir())


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A private copy of content/ that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(default_content_dir(), target, ignore=shutil.ignore_patterns(".validated", ".catalog.pickle*"))
    return target


@pytest.fixture
def clock() -> FixedClock:
    """Saturday 21 November 2026, 10:00 UTC; tests move it with ``clock.advance``."""
    return FixedClock(datetime(2026, 11, 21, 10, 0, tzinfo=UTC))


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "spine-coach.db"


@pytest.fixture
def store(store_path: Path) -> SQLiteStore:
    return SQLiteStore(store_path)


@pytest.fixture
def skill(store: SQLiteStore, clock: FixedClock, catalog: Catalog) -> Any:
    from skill.alexa.factory import build_skill

    return build_skill(store=store, clock=clock, catalog=catalog, skill_id=LOCAL_SKILL_ID)


@pytest.fixture
def talk(skill: Any, clock: FixedClock) -> Callable[..., Conversation]:
    """Start a conversation (one user on one device) with the in-process skill.

    Every response passes through ``tests.support.check_response``.
    """

    def start(**device: Any) -> Conversation:
        return Conversation(checked(in_process(skill)), device=linked(**device), clock=clock)

    return start


@pytest.fixture
def convo(talk: Callable[..., Conversation]) -> Conversation:
    return talk()


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """DynamoDB served by moto over HTTP on a loopback port, with test credentials set, and
    the deployment's link secret (DynamoDB keeps none of its own: the stack passes one)."""
    settings = {**CREDENTIALS, "SPINE_COACH_LINK_SECRET": SECRET}
    saved = {key: os.environ.get(key) for key in settings}
    os.environ.update(settings)
    try:
        with moto_server(tmp_path_factory.mktemp("moto")) as running:
            yield running
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def standin() -> Iterator[StandIn]:
    running = StandIn(time_zones={STANDIN_DEVICE: "Europe/Berlin"}).start()
    yield running
    running.stop()


@pytest.fixture
def remind(store: SQLiteStore, clock: FixedClock, catalog: Catalog, standin: StandIn) -> Callable[..., Conversation]:
    """A conversation whose device talks to the stand-in; ``granted`` says whether the
    user already allowed reminders, ``profile`` what the skill keeps (default: the
    environment's)."""

    from skill.alexa.api_client import TimeoutApiClient
    from skill.alexa.factory import build_skill

    def start(*, granted: bool = True, locale: str = "en-US", profile: Profile | None = None) -> Conversation:
        skill = build_skill(
            store=store,
            clock=clock,
            catalog=catalog,
            skill_id=LOCAL_SKILL_ID,
            api_client=TimeoutApiClient(ca_bundle=standin.ca_path),
            profile=profile,
        )
        device = linked(
            device_id=STANDIN_DEVICE,
            api_endpoint=standin.url,
            api_access_token=STANDIN_TOKEN,
            locale=locale,
            permissions=[REMINDERS_SCOPE] if granted else [],
        )
        if granted:
            standin.grant(STANDIN_TOKEN)
        return Conversation(checked(in_process(skill)), device=device, clock=clock)

    return start
