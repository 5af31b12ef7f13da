"""Benchmarks behind ``spine-coach bench``: every number is measured beside a baseline.

Each benchmark runs its subject and a baseline in the same run, on the same machine,
and reports both side by side, so a claim like "loading the catalog is cheap" is a ratio
anyone can rerun rather than an absolute number that depends on the machine.
"""

from __future__ import annotations

import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    name: str
    samples_ms: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p99(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def machine() -> str:
    return f"{platform.machine()}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def _time_process(code: str, env_content: Path, runs: int, *, unstamped: bool = False) -> tuple[float, ...]:
    """Wall time of fresh ``python -c code`` processes, in milliseconds.

    ``unstamped`` removes the content's validation stamp before each run, so every run
    pays for the full schema check as after an edit.
    """
    from skill.content_check import STAMP_NAME

    samples = []
    for _ in range(runs):
        if unstamped:
            (env_content / STAMP_NAME).unlink(missing_ok=True)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", code],
            check=True,
            env={"SPINE_COACH_CONTENT": str(env_content), "PATH": "/usr/bin:/bin"},
        )
        samples.append((time.perf_counter() - start) * 1000)
    return tuple(samples)


_BASELINE = """
import json, pathlib, os
root = pathlib.Path(os.environ["SPINE_COACH_CONTENT"])
docs = [json.loads(p.read_text()) for p in sorted(root.rglob("*.json")) if "schema" not in p.parts]
"""
_LOAD = "from skill.catalog import load_catalog; load_catalog()"
_EMPTY = "pass"


def bench_catalog(runs: int = 15) -> list[Result]:
    """Cold catalog load in fresh processes: stamped, unstamped (full check), and baselines."""
    from skill.catalog import default_content_dir
    from skill.content_check import STAMP_NAME, check_content

    source = default_content_dir()
    with tempfile.TemporaryDirectory() as tmp:
        stamped = Path(tmp) / "stamped"
        shutil.copytree(source, stamped, ignore=shutil.ignore_patterns(STAMP_NAME))
        if check_content(stamped):
            raise SystemExit("content has problems; run `spine-coach content check`")
        return [
            Result("python start, nothing loaded", _time_process(_EMPTY, stamped, runs)),
            Result("baseline: json.loads of every content file", _time_process(_BASELINE, stamped, runs)),
            Result("load_catalog, validated content (normal path)", _time_process(_LOAD, stamped, runs)),
            Result(
                "load_catalog, edited content (full schema check)", _time_process(_LOAD, stamped, runs, unstamped=True)
            ),
        ]


def report(title: str, results: Sequence[Result], baseline: int = 0) -> str:
    base = results[baseline].median
    lines = [
        f"### {title}",
        "",
        f"Machine: {machine()}",
        "",
        "| case | median ms | p99 ms | vs. first row |",
        "|---|---|---|---|",
    ]
    for result in results:
        lines.append(f"| {result.name} | {result.median:.1f} | {result.p99:.1f} | {result.median / base:.2f}x |")
    return "\n".join(lines) + "\n"


def run(which: str, runs: int) -> str:
    if which == "catalog":
        return report("Catalog load at cold start (fresh process each run)", bench_catalog(runs))
    raise SystemExit(f"unknown benchmark {which!r}")
