"""The ``spine-coach`` command: content checks, model builds, the voice console, hosting.

Each subcommand imports what it needs when it runs, so ``spine-coach --help`` is instant
and no subcommand pays for another's dependencies.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

Command = Callable[[argparse.Namespace], int]


def _content_check(args: argparse.Namespace) -> int:
    from skill.catalog import default_content_dir
    from skill.content_check import check_content

    root = Path(args.content) if args.content else default_content_dir()
    problems = check_content(root)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {root}", file=sys.stderr)
        return 1
    from skill.catalog import load_catalog

    catalog = load_catalog(root)
    print(
        f"content OK: {len(catalog.exercises)} exercises, {len(catalog.routines)} routines, "
        f"{len(catalog.guidance.topics)} guidance topics, {len(catalog.guidance.symptoms)} symptoms ({root})"
    )
    return 0


def _bench(args: argparse.Namespace) -> int:
    from skill import bench

    print(bench.run(args.which, args.runs))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spine-coach", description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    content = commands.add_parser("content", help="check the exercise catalog in content/")
    content_commands = content.add_subparsers(dest="content_command", required=True, metavar="ACTION")
    check = content_commands.add_parser("check", help="validate every content file and cross-reference")
    check.add_argument("--content", help="content directory (default: the repository's content/)")
    check.set_defaults(run=_content_check)

    bench = commands.add_parser("bench", help="measure speed against a baseline in the same run")
    bench.add_argument("which", choices=["catalog"], help="what to measure")
    bench.add_argument("--runs", type=int, default=15, help="repetitions per case")
    bench.set_defaults(run=_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Command = args.run
    return run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
