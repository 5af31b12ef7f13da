"""The benchmark commands run and report side by side (speed itself is in docs/benchmarks.md)."""

from __future__ import annotations

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
