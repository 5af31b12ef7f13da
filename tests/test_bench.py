"""The benchmark commands run and report side by side (speed itself is in docs/benchmarks.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from skill.devtools.bench import Result, bench_turns, report


def test_turn_benchmark_runs_and_reports_beside_the_floor() -> None:
    results = bench_turns(turns=20, rounds=1)
    assert next(r.name for r in results).startswith("hello-world")
    assert all(len(r.samples_ms) == 20 for r in results)
    table = report("title", results)
    assert "| hello-world Lambda handler (floor) |" in table
    assert "median vs. first row" in table


def test_report_ratios() -> None:
    table = report("t", [Result("floor", (1.0, 1.0, 2.0)), Result("ours", (2.0, 2.0, 4.0))])
    assert "| ours | 2.00 | 4.00 | 2.00x | 2.00x |" in table


def test_p99_of_blocks_is_not_moved_by_one_burst() -> None:
    from skill.devtools.bench import BLOCK

    quiet = [1.0] * (BLOCK * 5)
    burst = list(quiet)
    burst[BLOCK : BLOCK + 15] = [50.0] * 15  # one block's tail: another job on the machine
    assert Result("q", tuple(quiet)).p99_blocks == 1.0
    assert Result("b", tuple(burst)).p99 == 50.0
    assert Result("b", tuple(burst)).p99_blocks == 1.0
    assert Result("short", (1.0,) * (BLOCK * 2)).p99_blocks is None  # fewer than three blocks


def test_instruction_report_ratios_to_the_floor() -> None:
    from skill.devtools.bench import instructions_report

    table = instructions_report(
        [("empty", [1, 1, 1]), ("floor", [2_000_000, 2_000_000, 2_000_000]), ("ours", [3_000_000] * 3)]
    )
    assert "| ours | 3.0 M, 3.0 M, 3.0 M | 3.0 M | 1.50x |" in table


def test_replayed_script_gets_the_answers_a_user_would(tmp_path: Path) -> None:
    """The per-turn instruction count replays recorded envelopes as new users: each must
    get the same kind of answer as the user who recorded them, not an error path."""
    import json

    from skill.devtools.bench import WORKOUT_SCRIPT, _record_script, _turns_child

    heard: list[dict[str, Any]] = []
    recorded = _record_script(f"sqlite:///{tmp_path}/record.db", heard)
    script = tmp_path / "script.json"
    script.write_text(json.dumps(recorded))
    for days in (0, 30):
        answers = _turns_child("ours", 1, days, str(script))
        assert len(answers) == 2 * len(recorded)  # the warm-up round and the measured one
        speech = [a.get("response", {}).get("outputSpeech", {}).get("ssml", "") for a in answers[len(recorded) :]]
        assert all(speech)
        assert not [s for s in speech if "something went wrong" in s]
        # The same request ids choose the same wording: only the launches (the recorder heard
        # the disclaimer, a seeded user hears the streak) and the progress answer differ.
        differ = {
            WORKOUT_SCRIPT[n % len(WORKOUT_SCRIPT)]
            for n, (s, h) in enumerate(zip(speech, heard, strict=True))
            if s != h["response"]["outputSpeech"]["ssml"]
        }
        assert differ <= {"open spine coach", "ask spine coach how am I doing"}, differ
    assert _turns_child("parse", 2, 0, str(script)) == []
