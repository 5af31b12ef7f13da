"""Benchmarks behind ``spine-coach bench``: every number is measured beside a baseline.

Each benchmark runs its subject and a baseline in the same run, on the same machine,
and reports both side by side, so a claim like "loading the catalog is cheap" is a ratio
anyone can rerun rather than an absolute number that depends on the machine.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Result:
    name: str
    samples_ms: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p99(self) -> float:
        return _p99(self.samples_ms)

    @property
    def p99_blocks(self) -> float | None:
        """The median of the p99s of consecutive blocks of ``BLOCK`` samples (in the order
        taken), or ``None`` with fewer than three blocks: one burst of another job on the
        machine moves one block's p99, not the median of several (the plain p99 of all
        samples is reported beside it)."""
        blocks = [self.samples_ms[i : i + BLOCK] for i in range(0, len(self.samples_ms) - BLOCK + 1, BLOCK)]
        return statistics.median(_p99(b) for b in blocks) if len(blocks) >= 3 else None


BLOCK = 200  # samples per block for ``Result.p99_blocks``: its p99 is the second slowest


def _p99(samples: Sequence[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def machine() -> str:
    return f"{platform.machine()}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def _time_process(
    code: str, env: dict[str, str], runs: int, before_each: Callable[[], object] | None = None
) -> tuple[float, ...]:
    """Wall time of fresh ``python -c code`` processes under ``env``, in milliseconds.

    ``before_each`` runs untimed before every process (e.g. to remove a stamp).
    """
    samples = []
    for _ in range(runs):
        if before_each is not None:
            before_each()
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        samples.append((time.perf_counter() - start) * 1000)
    return tuple(samples)


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _content_env(content: Path) -> dict[str, str]:
    return {"SPINE_COACH_CONTENT": str(content), "PATH": "/usr/bin:/bin"}


_BASELINE = """
import json, pathlib, os
root = pathlib.Path(os.environ["SPINE_COACH_CONTENT"])
docs = [json.loads(p.read_text()) for p in sorted(root.rglob("*.json")) if "schema" not in p.parts]
"""
_LOAD = "from skill.domain.catalog import load_catalog; load_catalog()"
_EMPTY = "pass"


def bench_catalog(runs: int = 15) -> list[Result]:
    """Cold catalog load in fresh processes: stamped, unstamped (full check), and baselines."""
    from skill.domain.catalog import default_content_dir
    from skill.domain.catalog_cache import CACHE_NAME
    from skill.domain.content_check import STAMP_NAME, check_content

    source = default_content_dir()
    with tempfile.TemporaryDirectory() as tmp:
        stamped = Path(tmp) / "stamped"
        shutil.copytree(source, stamped, ignore=shutil.ignore_patterns(STAMP_NAME, f"{CACHE_NAME}*"))
        if check_content(stamped):
            raise SystemExit("content has problems; run `spine-coach content check`")
        env = _content_env(stamped)
        stamp = stamped / STAMP_NAME
        cache = stamped / CACHE_NAME
        return [
            Result("python start, nothing loaded", _time_process(_EMPTY, env, runs)),
            Result("baseline: json.loads of every content file", _time_process(_BASELINE, env, runs)),
            Result("load_catalog, validated content (normal path)", _time_process(_LOAD, env, runs)),
            # Removing the saved catalog before each run makes every run build it again.
            Result(
                "load_catalog, validated content, no saved catalog",
                _time_process(_LOAD, env, runs, before_each=lambda: cache.unlink(missing_ok=True)),
            ),
            # Removing the stamp too makes every run pay for the full schema check.
            Result(
                "load_catalog, edited content (full schema check)",
                _time_process(_LOAD, env, runs, before_each=lambda: _remove(stamp, cache)),
            ),
        ]


def report(title: str, results: Sequence[Result], baseline: int = 0) -> str:
    """A Markdown table; the ratios are to the baseline row, at the median and at p99."""
    base = results[baseline]
    blocks = base.p99_blocks is not None and all(r.p99_blocks is not None for r in results)
    first = "first row" if baseline == 0 else "floor"
    lines = [
        f"### {title}",
        "",
        f"Machine: {machine()}; {len(base.samples_ms)} samples per row",
        "",
        f"| case | median ms | p99 ms | median vs. {first} | p99 vs. {first} |"
        + (f" p99 of {BLOCK}-sample blocks, median ms | that vs. {first} |" if blocks else ""),
        "|---|---|---|---|---|" + ("---|---|" if blocks else ""),
    ]
    for result in results:
        line = (
            f"| {result.name} | {result.median:.2f} | {result.p99:.2f} | {result.median / base.median:.2f}x | "
            f"{result.p99 / base.p99:.2f}x |"
        )
        if blocks:
            mine, theirs = result.p99_blocks, base.p99_blocks
            assert mine is not None and theirs is not None
            line += f" {mine:.2f} | {mine / theirs:.2f}x |"
        lines.append(line)
    return "\n".join(lines) + "\n"


def run(
    which: str, runs: int, history_days: Sequence[int] = (0,), dynamodb: bool = True, instructions: bool = False
) -> str:
    if which == "catalog":
        return report("Catalog load at cold start (fresh process each run)", bench_catalog(runs))
    if which == "turns":
        table = report(
            "Per-turn latency, 60-turn week-six workout, Lambda handler",
            bench_turns(rounds=runs, history_days=history_days),
        )
        if instructions:
            table += "\n" + turn_instructions_report(turn_instructions(history_days))
        if dynamodb:
            table += "\n" + dynamo_report(bench_dynamo(history_days))
        return table
    if which == "web":
        return web_report(bench_web(seconds=runs), connections=16, workers=2)
    if which == "cold":
        table = report("Cold start: process start to first response", bench_cold_start(runs), baseline=1)
        if instructions:
            table += "\n" + instructions_report(cold_instructions())
        return table + "\nWhere the time goes (`python -X importtime`):\n\n" + import_profile()
    raise SystemExit(f"unknown benchmark {which!r}")


# --- per-turn latency: a scripted week-six workout through the Lambda handler -------------------

WORKOUT_SCRIPT = (
    ["open spine coach", "my physio moved me to the week six routine", "start my week six routine"]
    + ["ready"] * 12
    + ["ask spine coach I'm done", "three"]
    + [
        "ask spine coach how do I do bridging",
        "yes",
        "slower",
        "ready",
        "ask spine coach what's in my week six routine",
        "how many are left",
        "ask spine coach how am I doing",
        "what's next",
    ]
)


def _load_lambda(store_url: str) -> Any:
    import importlib.util

    os.environ["SPINE_COACH_STORE"] = store_url
    os.environ.pop("SPINE_COACH_SKILL_ID", None)
    os.environ["SPINE_COACH_ALLOW_ANY_SKILL"] = "1"  # a measurement, not a deployment
    spec = importlib.util.spec_from_file_location("lambda_function_bench", REPO / "lambda" / "lambda_function.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seed_history(store: Any, user_id: str, days: int, today: Any) -> None:
    """Give ``user_id`` ``days`` days of history up to yesterday: two finished sessions and
    one pain score a day, stored as the skill stores them, and the record that goes with it."""
    from datetime import timedelta

    from skill.devtools.envelopes import Device, launch_request
    from skill.domain import pain
    from skill.domain.history import session_key

    envelope = _envelope_for(Device(user_id=user_id), launch_request)
    record: dict[str, Any] = {"v": 2, "rev": 1, "disclaimer_heard": True}
    if days:
        record["streak"] = {"last": (today - timedelta(days=1)).isoformat(), "days": days}
    store.save_attributes(envelope, record)
    entries: list[tuple[str, dict[str, Any]]] = []
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        for hour, routine, done in (
            (8, "week_six", ["pelvic_tilts", "abdominal_bracing", "bridging"]),
            (18, "single", ["bridging"]),
        ):
            entry = {
                "started_at": f"{day}T{hour:02d}:00:00+00:00",
                "ended_at": f"{day}T{hour:02d}:20:00+00:00",
                "routine": routine,
                "done": done,
                "skipped": [],
                "status": "finished",
            }
            if routine == "single":
                entry["exercise"] = "bridging"
            entries.append((session_key(entry), entry))
        entries.append(pain.entry(2 + back % 3, day, f"{day}T19:00:00+00:00", "seed"))
    for start in range(0, len(entries), 500):
        store.append_history(envelope, entries[start : start + 500])


def _envelope_for(device: Any, make: Callable[[Any], dict[str, Any]]) -> Any:
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from skill.devtools import envelopes

    body = envelopes.envelope(device, make(device), session_id=envelopes.new_session_id(), new=True)
    return DefaultSerializer().deserialize(json.dumps(body), RequestEnvelope)


def bench_turns(
    turns: int = 60, rounds: int = 5, history_days: Sequence[int] = (0,), warmup_rounds: int = 1
) -> list[Result]:
    """Median and p99 per turn: Spine Coach's Lambda handler (SQLite store), once for a user
    with each amount of history, beside the hello-world handler and a hello-world that counts
    visits in a store of the same kind, all fed the same envelopes turn by turn.

    How the tail is kept honest (docs/benchmarks.md):

    - *Warm-up*: ``warmup_rounds`` rounds of the same script for other users, not recorded,
      so the first use of a lazily loaded module or of a per-process cache (what a warm
      Lambda container has already paid) is not counted as a turn's tail.
    - *Garbage collection stays on* (it is part of what a turn costs), but after seeding
      the users' history and after the warm-up everything alive is collected and frozen
      (``gc.collect(); gc.freeze()``), so a collection of the benchmark's own setup (the
      seeded rows, the scripts) does not land in some turn.
    - *Order*: the three handlers of each turn run in an order that rotates turn by turn,
      so neither a collection triggered by another handler's garbage nor a cache warmed by
      the one before falls always on the same row.
    - *Enough samples*: ``rounds`` x ``turns`` per row, and beside the plain p99 the median
      of the p99s of 200-turn blocks (``Result.p99_blocks``), which one burst of another job
      on the machine does not move.
    """
    import gc
    from datetime import UTC, datetime

    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from skill.devtools import hello
    from skill.devtools.envelopes import Device
    from skill.devtools.simulator import Conversation
    from skill.store.sqlite import SQLiteStore

    ours: dict[int, list[float]] = {days: [] for days in history_days}
    floor: list[float] = []
    stored_floor: list[float] = []
    serializer = DefaultSerializer()
    today = datetime.now(UTC).date()
    with tempfile.TemporaryDirectory() as tmp:
        spine = _load_lambda(f"sqlite:///{tmp}/bench.db")
        counter = hello.hello_skill(SQLiteStore(Path(tmp) / "hello.db"))
        seeder = SQLiteStore(Path(tmp) / "bench.db")

        def counting_hello(event: dict[str, Any]) -> None:
            request = serializer.deserialize(json.dumps(event), RequestEnvelope)
            serializer.serialize(counter.invoke(request_envelope=request, context=None))

        sent = 0

        def sender(samples: list[float], record: bool) -> Callable[[dict[str, Any]], dict[str, Any]]:
            def send(event: dict[str, Any]) -> dict[str, Any]:
                nonlocal sent
                copy = json.loads(json.dumps(event))
                answer: dict[str, Any] = {}

                def ours_() -> None:
                    answer.update(spine.lambda_handler(event, None))

                runs: list[tuple[Callable[[], object], list[float]]] = [
                    (lambda: hello.lambda_handler(copy, None), floor),
                    (lambda: counting_hello(copy), stored_floor),
                    (ours_, samples),
                ]
                sent += 1
                turn = sent % len(runs)
                for call, into in runs[turn:] + runs[:turn]:
                    start = time.perf_counter()
                    call()
                    elapsed = (time.perf_counter() - start) * 1000
                    if record:
                        into.append(elapsed)
                return answer

            return send

        lines = [WORKOUT_SCRIPT[n % len(WORKOUT_SCRIPT)] for n in range(turns)]
        for round_ in range(-warmup_rounds, rounds):
            convos = []
            for days in history_days:
                user = f"amzn1.ask.account.BENCH{round_ + warmup_rounds:04d}D{days}"
                seed_history(seeder, user, days, today)
                convos.append(Conversation(sender(ours[days], record=round_ >= 0), device=Device(user_id=user)))
            gc.collect()
            gc.freeze()  # the seeded history and the warm-up: alive all run, never collected again
            for line in lines:  # the users take turns, so each row sees the same machine
                for convo in convos:
                    convo.say(line)
        gc.unfreeze()
    return [
        Result("hello-world Lambda handler (floor)", tuple(floor)),
        Result("hello-world counting visits in the same SQLite store", tuple(stored_floor)),
        *(Result(f"Spine Coach, SQLite, {days} days of history", tuple(ours[days])) for days in history_days),
    ]


# --- per-turn instructions: repeatable whatever the machine's load -----------------------------

_TURN_USER = "amzn1.ask.account.TURNS"
SCRIPT_TURNS = 60  # the turns of the recorded week-six script


def _record_script(store_url: str, answers: list[dict[str, Any]] | None = None) -> list[str]:
    """The 60 envelopes of the week-six script as Spine Coach's warm-up user sent them
    (and, into ``answers``, what that user heard)."""
    from skill.devtools.envelopes import Device
    from skill.devtools.simulator import Conversation

    spine = _load_lambda(store_url)
    recorded: list[str] = []

    def record(event: dict[str, Any]) -> dict[str, Any]:
        recorded.append(json.dumps(event))
        answer: dict[str, Any] = spine.lambda_handler(event, None)
        if answers is not None:
            answers.append(answer)
        return answer

    convo = Conversation(record, device=Device(user_id=f"{_TURN_USER}WARM"))
    for n in range(SCRIPT_TURNS):
        convo.say(WORKOUT_SCRIPT[n % len(WORKOUT_SCRIPT)])
    return recorded


def _turns_child(case: str, rounds: int, days: int, script: str) -> list[dict[str, Any]]:
    """Run in a child process under callgrind by ``turn_instructions``: the recorded
    envelopes of the week-six script (``script``, a JSON list) are replayed ``rounds``
    times, each round as a new user (with ``days`` of history seeded for ``MAX_ROUNDS``
    users up front, whatever ``rounds`` is), to ``case``: "ours", "floor" (hello-world) or
    "parse" (only the ``json.loads`` every case does). One round is replayed first as a
    warm-up, for every case. The difference of two round counts is then the handlers'
    work alone, setup and warm-up cancelled out. Returns the answers (none for "parse")."""
    import gc
    from datetime import UTC, datetime

    from skill.devtools import hello
    from skill.store.sqlite import SQLiteStore

    recorded: list[str] = json.loads(Path(script).read_text())
    with tempfile.TemporaryDirectory() as tmp:
        spine = _load_lambda(f"sqlite:///{tmp}/bench.db")
        users = [f"{_TURN_USER}{n:04d}" for n in range(MAX_ROUNDS + 1)]
        if case == "ours":
            seeder = SQLiteStore(Path(tmp) / "bench.db")
            today = datetime.now(UTC).date()
            for user in users:
                seed_history(seeder, user, days, today)
        rounds_of = [[e.replace(f"{_TURN_USER}WARM", user) for e in recorded] for user in users[: rounds + 1]]
        handler = {"ours": spine.lambda_handler, "floor": hello.lambda_handler}.get(case)
        answers = []
        for number, events in enumerate(rounds_of):
            if number == 1:
                gc.collect()
                gc.freeze()  # the setup and the warm-up round: never collected in a measured turn
            for event in events:
                parsed = json.loads(event)
                if handler is not None:
                    answers.append(handler(parsed, None))
        return answers


MAX_ROUNDS = 4


def turn_instructions(
    history_days: Sequence[int] = (0,), rounds: tuple[int, int] = (1, MAX_ROUNDS)
) -> list[tuple[str, float]]:
    """Instructions per turn of the 60-turn script (``valgrind --tool=callgrind``), for the
    hello-world floor and for Spine Coach with each amount of history: each case runs with
    ``rounds[0]`` and ``rounds[1]`` rounds, and the difference, less the same difference for
    parsing the envelopes alone, is divided by the turns it adds. A mean, not a median: one
    number that moves by well under a percent between runs, beside the noisy milliseconds."""
    import compileall

    for folder in ("skill", "lambda"):  # no child pays for writing a .pyc the others read
        compileall.compile_dir(str(REPO / folder), quiet=1)
    env = {**os.environ, "PYTHONHASHSEED": "0", "SPINE_COACH_ALLOW_ANY_SKILL": "1"}
    env.pop("SPINE_COACH_SKILL_ID", None)
    with tempfile.TemporaryDirectory() as work:
        script = Path(work) / "script.json"
        script.write_text(json.dumps(_record_script(f"sqlite:///{work}/record.db")))

        def per_turn(case: str, days: int) -> float:
            def count(n: int) -> int:
                call = f"_turns_child({case!r}, {n}, {days}, {str(script)!r})"
                return _callgrind(["-c", f"from skill.devtools.bench import _turns_child; {call}"], env, cwd=REPO)

            return (count(rounds[1]) - count(rounds[0])) / ((rounds[1] - rounds[0]) * SCRIPT_TURNS)

        parse = per_turn("parse", 0)
        results = [("hello-world Lambda handler (floor)", per_turn("floor", 0) - parse)]
        for days in history_days:
            results.append((f"Spine Coach, SQLite, {days} days of history", per_turn("ours", days) - parse))
    return results


def turn_instructions_report(results: list[tuple[str, float]]) -> str:
    base = results[0][1]
    lines = [
        "Per turn in instructions (`valgrind --tool=callgrind`; the mean over the script's turns):",
        "",
        "| case | instructions per turn | vs. floor |",
        "|---|---|---|",
    ]
    for name, value in results:
        lines.append(f"| {name} | {value / 1e3:.0f} k | {value / base:.2f}x |")
    return "\n".join(lines) + "\n"


# --- DynamoDB: what a turn reads and writes ------------------------------------------------------


def item_size(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB bills it: attribute names plus values (UTF-8 strings,
    numbers at about one byte per two digits, 3 bytes per map or list and 1 per element)."""

    def value(typed: dict[str, Any]) -> int:
        ((kind, raw),) = typed.items()
        if kind == "S":
            return len(str(raw).encode())
        if kind == "N":
            digits = len(str(raw).lstrip("-").replace(".", "").strip("0")) or 1
            return (digits + 1) // 2 + 1
        if kind in ("BOOL", "NULL"):
            return 1
        if kind == "M":
            return 3 + sum(len(k.encode()) + value(v) + 1 for k, v in raw.items())
        if kind == "L":
            return 3 + sum(value(v) + 1 for v in raw)
        return len(str(raw))

    return sum(len(name.encode()) + value(typed) for name, typed in item.items())


@dataclass
class Meter:
    """Bytes and capacity units of the DynamoDB calls made since ``reset``."""

    written: int = 0
    read: int = 0
    write_units: int = 0
    read_units: int = 0
    calls: int = 0

    def reset(self) -> Meter:
        done = Meter(self.written, self.read, self.write_units, self.read_units, self.calls)
        self.written = self.read = self.write_units = self.read_units = self.calls = 0
        return done

    def before(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        body = json.loads(params.get("body") or b"{}")
        self.calls += 1
        items: list[dict[str, Any]] = []
        if model.name == "PutItem":
            items = [body["Item"]]
        elif model.name == "BatchWriteItem":
            for requests in body["RequestItems"].values():
                items += [r["PutRequest"]["Item"] for r in requests if "PutRequest" in r]
                self.write_units += sum(1 for r in requests if "DeleteRequest" in r)
        for item in items:
            size = item_size(item)
            self.written += size
            self.write_units += -(-size // 1024)

    def after(self, http_response: Any, model: Any, **_: Any) -> None:
        # The raw body: boto3's resource layer has already turned ``parsed`` into Python values.
        parsed = json.loads(http_response.content or b"{}")
        if model.name == "GetItem":
            size = item_size(parsed.get("Item") or {})
            self.read += size
            self.read_units += max(1, -(-size // 4096))
        elif model.name == "Query":
            size = sum(item_size(item) for item in parsed.get("Items", []))
            self.read += size
            self.read_units += max(1, -(-size // 4096))


@dataclass(frozen=True)
class DynamoRow:
    days: int
    per_turn: tuple[Meter, ...]
    coaching: tuple[Meter, ...]  # the turns that count a set or move on ("ready")
    session_items: int


def bench_dynamo(history_days: Sequence[int] = (0,)) -> list[DynamoRow]:
    """The same 60-turn script on the DynamoDB emulator (moto server over HTTP), once per
    amount of history, metering every call the store makes."""
    from datetime import UTC, datetime

    from skill.alexa.factory import build_skill
    from skill.devtools.envelopes import Device
    from skill.devtools.simulator import Conversation, in_process
    from skill.store.dynamodb import dynamodb_store

    rows = []
    today = datetime.now(UTC).date()
    with tempfile.TemporaryDirectory() as tmp, _moto(Path(tmp)) as endpoint:
        store = dynamodb_store(table="bench", region="us-east-1", endpoint=endpoint, create_table=True)
        store.adapter.dynamodb.meta.client.get_waiter("table_exists").wait(TableName="bench")
        meter = Meter()
        events = store.adapter.dynamodb.meta.client.meta.events
        events.register("before-call.dynamodb", meter.before)
        events.register("after-call.dynamodb", meter.after)
        skill = build_skill(store=store)
        for days in history_days:
            user = f"amzn1.ask.account.DYNAMO{days}"
            seed_history(store, user, days, today)
            before = len(store.history(_envelope_for(Device(user_id=user), _launch), "s#", "s#~"))
            per_turn: list[Meter] = []

            def send(event: dict[str, Any], per_turn: list[Meter] = per_turn) -> dict[str, Any]:
                meter.reset()
                answer = in_process(skill)(event)
                per_turn.append(meter.reset())
                return answer

            convo = Conversation(send, device=Device(user_id=user))
            lines = [WORKOUT_SCRIPT[n % len(WORKOUT_SCRIPT)] for n in range(60)]
            for line in lines:
                convo.say(line)
            after = len(store.history(_envelope_for(Device(user_id=user), _launch), "s#", "s#~"))
            coaching = tuple(m for m, line in zip(per_turn, lines, strict=True) if line == "ready")
            rows.append(DynamoRow(days, tuple(per_turn), coaching, after - before))
    return rows


def _launch(device: Any) -> dict[str, Any]:
    from skill.devtools import envelopes

    return envelopes.launch_request(device)


class _moto:
    """``python -m moto.server`` on a free loopback port, for as long as the ``with`` lasts."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> str:
        import socket
        import urllib.request

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        credentials = {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        os.environ.update(credentials)
        log = (self.folder / "moto.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log
        )
        endpoint = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)
                return endpoint
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)


def dynamo_report(rows: list[DynamoRow]) -> str:
    lines = [
        "### DynamoDB per turn (moto server over HTTP), the same 60-turn script",
        "",
        "Sizes as DynamoDB bills them; a write unit is 1 KB of an item written, a strongly consistent "
        "read unit 4 KB read.",
        "",
        "| history | turns | bytes written per turn, median / max | write units, median / max "
        "| bytes read per turn, median / max | read units, median / max | finished or given-up sessions: "
        "history items added |",
        "|---|---|---|---|---|---|---|",
    ]

    def spread(values: list[int]) -> str:
        return f"{statistics.median(values):.0f} / {max(values)}"

    for row in rows:
        for name, meters in (
            (f"{row.days} days, all turns", row.per_turn),
            (f"{row.days} days, coaching turns", row.coaching),
        ):
            lines.append(
                f"| {name} | {len(meters)} | {spread([m.written for m in meters])} | "
                f"{spread([m.write_units for m in meters])} | {spread([m.read for m in meters])} | "
                f"{spread([m.read_units for m in meters])} | {row.session_items} |"
            )
    return "\n".join(lines) + "\n"


# --- cold start ----------------------------------------------------------------------------------

_COLD = """
import json, sys
sys.path.insert(0, {lambda_dir!r})
event = json.loads({event!r})
{load}
lambda_handler(event, None)
"""


_HELLO = "from skill.devtools.hello import lambda_handler"
_SPINE = "from lambda_function import lambda_handler"


def _launch_event() -> str:
    from skill.devtools import envelopes
    from skill.devtools.envelopes import Device

    device = Device()
    body = envelopes.envelope(device, envelopes.launch_request(device), session_id=envelopes.new_session_id(), new=True)
    return json.dumps(body)


def bench_cold_start(runs: int = 15) -> list[Result]:
    """Process start to first response, in fresh processes: hello-world, then Spine Coach.
    Modules are byte-compiled first, as the Lambda zip ships them (``spine-coach package``)."""
    import compileall

    for folder in ("skill", "lambda"):
        compileall.compile_dir(str(REPO / folder), quiet=1)
    from skill.domain.catalog import load_catalog

    load_catalog()  # the catalog saved beside its content, as the package command ships it
    event = _launch_event()
    lambda_dir = str(REPO / "lambda")
    hello = _COLD.format(lambda_dir=lambda_dir, event=event, load=_HELLO)
    spine = _COLD.format(lambda_dir=lambda_dir, event=event, load=_SPINE)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SPINE_COACH_STORE": f"sqlite:///{tmp}/cold.db", "SPINE_COACH_ALLOW_ANY_SKILL": "1"}
        env.pop("SPINE_COACH_SKILL_ID", None)
        # The compiled dataclass methods in skill/__pycache__ as the package command ships
        # them: made in a fresh process (``skill.alexa.dataclass_cache``). The table other
        # processes left there also holds the classes of tests and tools, which a Lambda
        # start would read for nothing. Then one untimed start, which writes any .pyc.
        from skill.alexa import dataclass_cache
        from skill.devtools.package import dataclass_table

        dataclass_table(Path(tmp) / dataclass_cache.FILE_NAME)
        shutil.copyfile(Path(tmp) / dataclass_cache.FILE_NAME, dataclass_cache.DEFAULT_PATH)
        _time_process(spine, env, 1)
        return [
            Result("python start, nothing loaded", _time_process(_EMPTY, _content_env(REPO / "content"), runs)),
            Result("hello-world Lambda handler (floor)", _time_process(hello, env, runs)),
            Result("Spine Coach Lambda handler", _time_process(spine, env, runs)),
        ]


def _callgrind(python_args: list[str], env: dict[str, str], cwd: Path | None = None) -> int:
    """Instructions a Python run with ``python_args`` executes (``valgrind --tool=callgrind``)."""
    import re

    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out", sys.executable, *python_args],
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd,
            check=True,
        )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit("valgrind printed no instruction count")
    return int(found.group(1))


def cold_instructions(runs: int = 3) -> list[tuple[str, list[int]]]:
    """Instructions from process start to the first response (``valgrind --tool=callgrind``),
    ``runs`` times per case: the same programs as ``bench_cold_start``, after it (modules
    byte-compiled, the catalog and the dataclass table saved). Unlike milliseconds these
    do not move with the machine's load; they vary by a fraction of a percent (the request
    and session ids are random)."""
    event = _launch_event()
    lambda_dir = str(REPO / "lambda")
    cases = [
        ("python start, nothing loaded", "pass"),
        ("hello-world Lambda handler (floor)", _COLD.format(lambda_dir=lambda_dir, event=event, load=_HELLO)),
        ("Spine Coach Lambda handler", _COLD.format(lambda_dir=lambda_dir, event=event, load=_SPINE)),
    ]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SPINE_COACH_STORE": f"sqlite:///{tmp}/cold.db", "SPINE_COACH_ALLOW_ANY_SKILL": "1"}
        env.pop("SPINE_COACH_SKILL_ID", None)
        for name, code in cases:
            program = Path(tmp) / "cold.py"
            program.write_text(code)
            counts = [_callgrind([str(program)], env) for _ in range(runs)]
            results.append((name, counts))
    return results


def instructions_report(results: list[tuple[str, list[int]]], baseline: int = 1) -> str:
    base = statistics.median(results[baseline][1])
    lines = [
        "Cold start in instructions (`valgrind --tool=callgrind`), each run:",
        "",
        "| case | instructions, each run | median | median vs. floor |",
        "|---|---|---|---|",
    ]
    for name, counts in results:
        median = statistics.median(counts)
        each = ", ".join(f"{c / 1e6:.1f} M" for c in counts)
        lines.append(f"| {name} | {each} | {median / 1e6:.1f} M | {median / base:.2f}x |")
    return "\n".join(lines) + "\n"


def import_profile(top: int = 12) -> str:
    """Where Spine Coach's own cold-start time goes (``python -X importtime``), self time."""

    code = _COLD.format(
        lambda_dir=str(REPO / "lambda"), event=_launch_event(), load="from lambda_function import lambda_handler"
    )
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SPINE_COACH_STORE": f"sqlite:///{tmp}/i.db", "SPINE_COACH_ALLOW_ANY_SKILL": "1"}
        env.pop("SPINE_COACH_SKILL_ID", None)
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, env=env, check=True
        )
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        rows.append((int(cumulative_us), int(self_us), name))
    ours = sorted((r for r in rows if r[2].strip().startswith(("skill", "lambda_function"))), reverse=True)[:top]
    lines = ["| module (ours) | cumulative ms | self ms |", "|---|---|---|"]
    lines += [f"| {name.strip()} | {cum / 1000:.1f} | {own / 1000:.1f} |" for cum, own, name in ours]
    heavy = sorted((r for r in rows if not r[2].strip().startswith(("skill", "lambda_function"))), key=lambda r: -r[1])[
        :top
    ]
    lines += ["", "| module (dependencies) | cumulative ms | self ms |", "|---|---|---|"]
    lines += [f"| {name.strip()} | {cum / 1000:.1f} | {own / 1000:.1f} |" for cum, own, name in heavy]
    return "\n".join(lines) + "\n"


# --- the web service under load --------------------------------------------------------------------

_WRK_SCRIPT = """
local bodies = {}
for line in io.lines(os.getenv("SPINE_COACH_BODIES")) do bodies[#bodies + 1] = line end
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("POST", "/", {["Content-Type"] = "application/json"}, bodies[(counter % #bodies) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %.1f %.1f\\n", summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration, latency:percentile(50), latency:percentile(99)))
end
"""


def _mixed_bodies(users: int = 40) -> list[str]:
    """A realistic mix: launches, how-tos, routine overviews, guided sets, progress, pain."""
    from skill.devtools import envelopes
    from skill.devtools.envelopes import Device
    from skill.devtools.nlu import resolver_for

    resolver = resolver_for("en-US")
    lines = [
        "how do I do bridging",
        "what's in my week six routine",
        "my physio moved me to the week six routine",
        "start my week six routine",
        "ready",
        "ready",
        "how many are left",
        "slower",
        "ready",
        "how am I doing",
        "log my pain as three",
        "what should I avoid",
    ]
    bodies = []
    for user in range(users):
        device = Device(user_id=f"amzn1.ask.account.LOAD{user:04d}")
        session = envelopes.new_session_id()
        bodies.append(
            json.dumps(envelopes.envelope(device, envelopes.launch_request(device), session_id=session, new=True))
        )
        for line in lines:
            meaning = resolver.resolve(line)
            request = envelopes.intent_request(device, meaning.intent, meaning.slots)
            bodies.append(json.dumps(envelopes.envelope(device, request, session_id=session)))
    return bodies


@dataclass(frozen=True)
class LoadResult:
    name: str
    requests: int
    status_errors: int
    socket_errors: int
    seconds: float
    median_ms: float
    p99_ms: float
    peak_rss_mb: float


def _peak_rss_mb(pid: int) -> float:
    """Largest VmHWM (peak resident set) among the server's processes."""
    pids = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    pids.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    peak = 0
    for one in pids:
        try:
            for line in (Path("/proc") / str(one) / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return peak / 1024


def _serve_and_load(
    command: list[str], port: int, env: dict[str, str], seconds: int, connections: int
) -> tuple[str, float]:
    import urllib.request

    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        result = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--latency",
                "-s",
                env["SPINE_COACH_WRK"],
                f"http://127.0.0.1:{port}/",
            ],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            check=True,
        )
        return result.stdout, _peak_rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=20)


def bench_web(seconds: int = 10, connections: int = 16, workers: int = 2) -> list[LoadResult]:
    """The gunicorn server on loopback under wrk: Spine Coach beside hello-world, same server and mix."""
    import shutil as _shutil

    if _shutil.which("wrk") is None:
        raise SystemExit("the web benchmark needs wrk (sudo apt-get install wrk)")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        bodies = Path(tmp) / "bodies.txt"
        bodies.write_text("\n".join(_mixed_bodies()) + "\n")
        script = Path(tmp) / "mix.lua"
        script.write_text(_WRK_SCRIPT)
        env = {
            "SPINE_COACH_BODIES": str(bodies),
            "SPINE_COACH_WRK": str(script),
            "SPINE_COACH_STORE": f"sqlite:///{tmp}/web.db",
        }
        hello_port, spine_port = 18301, 18302
        commands = [
            (
                "hello-world behind flask-ask-sdk + gunicorn (floor)",
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-w",
                    str(workers),
                    "-b",
                    f"127.0.0.1:{hello_port}",
                    "--timeout",
                    "10",
                    "skill.devtools.hello:create_app()",
                ],
                hello_port,
            ),
            (
                "Spine Coach web service (--dev: no signature check), SQLite",
                [
                    sys.executable,
                    "-m",
                    "skill.devtools.cli",
                    "serve",
                    "--dev",
                    "--port",
                    str(spine_port),
                    "--workers",
                    str(workers),
                ],
                spine_port,
            ),
        ]
        for name, command, port in commands:
            output, rss = _serve_and_load(command, port, env, seconds, connections)
            line = next(row for row in output.splitlines() if row.startswith("RESULT"))
            requests_done, status_errors, socket_errors, micros, p50, p99 = line.split()[1:]
            results.append(
                LoadResult(
                    name,
                    int(requests_done),
                    int(status_errors),
                    int(socket_errors),
                    int(micros) / 1e6,
                    float(p50) / 1000,
                    float(p99) / 1000,
                    rss,
                )
            )
    return results


def web_report(results: list[LoadResult], connections: int, workers: int) -> str:
    base = results[0]
    lines = [
        "### Web service under load (wrk, loopback)",
        "",
        f"Machine: {machine()}; {workers} gunicorn workers, wrk -t2 -c{connections}, "
        "a mix of 12 request kinds for 40 users",
        "",
        "| case | requests/s | errors | p50 ms | p99 ms | req/s vs. first row | p99 vs. first row "
        "| peak RSS of one process |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        rate = r.requests / r.seconds
        lines.append(
            f"| {r.name} | {rate:.0f} | {r.status_errors + r.socket_errors} | {r.median_ms:.1f} | {r.p99_ms:.1f} | "
            f"{rate / (base.requests / base.seconds):.2f}x | {r.p99_ms / base.p99_ms:.2f}x | {r.peak_rss_mb:.0f} MB |"
        )
    return "\n".join(lines) + "\n"
