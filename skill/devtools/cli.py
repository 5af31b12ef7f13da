"""The ``spine-coach`` command: content checks, model builds, the voice console, hosting.

Each subcommand imports what it needs when it runs, so ``spine-coach --help`` is instant
and no subcommand pays for another's dependencies.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

Command = Callable[[argparse.Namespace], int]


class Parser(argparse.ArgumentParser):
    """argparse with a one-line error (usage stays behind ``--help``)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _locale(text: str) -> str:
    """A locale the skill has a model and words for."""
    from skill.devtools.interaction_model import locales

    known = locales()
    if text not in known:
        raise argparse.ArgumentTypeError(f"unknown locale {text!r}; use one of {', '.join(known)}")
    return text


PROFILE_HELP = (
    "what the skill keeps: consumer (the default: no health information) or clinic "
    "(everything; its account linking and PIN are played as given); default $SPINE_COACH_PROFILE"
)


def _profile(text: str) -> str:
    from skill.domain.profile import profile_named

    try:
        return profile_named(text).name
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _content_check(args: argparse.Namespace) -> int:
    from skill.domain.catalog import default_content_dir
    from skill.domain.content_check import check_content

    root = Path(args.content) if args.content else default_content_dir()
    problems = check_content(root)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {root}", file=sys.stderr)
        return 1
    from skill.domain.catalog import load_catalog

    catalog = load_catalog(root)
    print(
        f"content OK: {len(catalog.exercises)} exercises, {len(catalog.routines)} routines, "
        f"{len(catalog.guidance.topics)} guidance topics, {len(catalog.guidance.symptoms)} symptoms ({root})"
    )
    print(_review_status(root))
    return 0


def _review_status(root: Path) -> str:
    """How much of what the skill says a clinician has approved (content/REVIEW.md)."""
    from skill.alexa.prompts import PROMPTS_DIR
    from skill.devtools.review import pending, read_decisions, statements

    sections = statements(root, PROMPTS_DIR / "en.json")
    total = sum(len(rows) for _, rows in sections)
    approved = total - len(pending(sections, read_decisions(root)))
    return f"clinical review: {approved} of {total} spoken clinical statements approved ({root / 'REVIEW.md'})"


def _content_review(args: argparse.Namespace) -> int:
    from skill.alexa.prompts import PROMPTS_DIR
    from skill.devtools.review import write_review
    from skill.domain.catalog import default_content_dir

    root = Path(args.content) if args.content else default_content_dir()
    prompts = PROMPTS_DIR / "en.json"
    print(f"wrote {write_review(root, prompts)}")
    return 0


def _models_build(args: argparse.Namespace) -> int:
    from skill.devtools.interaction_model import build_all
    from skill.domain.catalog import load_catalog

    reports = build_all(load_catalog(), check=args.check)
    for report in reports:
        print(report, file=sys.stderr)
    if reports:
        return 1
    print("interaction models are up to date" if args.check else "interaction models written to interaction_models/")
    return 0


def _models_check(args: argparse.Namespace) -> int:
    from skill.devtools.interaction_model import MODELS_DIR, locales

    folder = Path(args.dir) if args.dir else MODELS_DIR
    checked = [args.locale] if args.locale else locales()
    failed: list[str] = []
    for locale in checked:
        failed.extend(_check_model_file(locale, folder / f"{locale}.json"))
    for line in failed:
        print(line, file=sys.stderr)
    if failed:
        print(f"{len(failed)} problem(s): Alexa would refuse these models", file=sys.stderr)
        return 1
    print(f"{len(checked)} model(s) within every rule ({folder})")
    return 0


def _check_model_file(locale: str, path: Path) -> list[str]:
    """Print one row per documented rule for the model at ``path``; return its problems."""
    import json

    from skill.devtools.interaction_model import measure, problems, read_model

    if not path.exists():
        return [f"{locale}: no model at {path}"]
    try:
        model, text = read_model(path)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"{locale}: {path} is not a JSON model: {exc}"]
    for measurement in measure(model, text):
        example = f"  ({_shorten(measurement.example)})" if measurement.example else ""
        print(
            f"{locale}  {measurement.rule:<34} {measurement.value:>11,} {measurement.units:<10}  "
            f"limit {measurement.limit:>9,}  {'ok' if measurement.ok else 'OVER'}{example}"
        )
    return [f"{locale}: {problem}" for problem in problems(model, text)]


def _shorten(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _models_evaluate(args: argparse.Namespace) -> int:
    from skill.devtools.evaluate import ANNOTATIONS, load_annotations, report
    from skill.domain.catalog import load_catalog

    if args.triage:
        from skill.devtools.evaluate import load_triage, triage_report

        print("\n".join(triage_report(load_triage(Path(args.triage)), show_missed=args.missed)))
        return 0
    path = Path(args.annotations) if args.annotations else ANNOTATIONS
    print(
        report(
            load_annotations(path),
            load_catalog().vocabulary,
            virtual_alexa=not args.console_only,
            show_missed=args.missed,
            source=path,
            dialogs=args.dialogs,
        )
    )
    return 0


def _chat(args: argparse.Namespace) -> int:
    import logging

    from skill.devtools.console import ConsoleOptions, chat
    from skill.store import check_store_url, store_url_from_env

    problem = check_store_url(args.store or store_url_from_env())
    if problem:
        print(f"spine-coach chat: error: {problem}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="  (%(levelname)s %(message)s)")
    options = ConsoleOptions(
        store_url=args.store,
        locale=args.locale,
        user=args.user,
        debug=args.debug,
        voice=args.voice,
        screen=args.screen,
        profile=args.profile,
        linked=not args.unlinked,
        recognised=not args.unrecognised,
        pin={"confirmed": "ACHIEVED", "wrong": "NOT_ACHIEVED", "none": "NOT_ENABLED"}[args.pin],
    )
    return chat(options, scripted=args.say)


def _serve(args: argparse.Namespace) -> int:
    import logging

    from skill.domain.profile import ENVIRONMENT
    from skill.web.server import ServeOptions, serve

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if args.profile:
        os.environ[ENVIRONMENT] = args.profile  # the workers build the skill from the environment
    return serve(
        ServeOptions(
            host=args.host,
            port=args.port,
            workers=args.workers,
            certfile=args.certfile,
            keyfile=args.keyfile,
            dev=args.dev,
            access_log=args.access_log,
        )
    )


def _package(args: argparse.Namespace) -> int:
    from skill.devtools.package import PackageOptions, build_package
    from skill.domain.profile import from_environment

    report = build_package(
        PackageOptions(
            out=Path(args.out),
            endpoint=args.endpoint,
            skill_id=args.skill_id,
            deps=not args.no_deps,
            privacy_url=args.privacy_url,
            lambda_arch=args.lambda_arch,
            aws_region=args.aws_region,
            profile=args.profile or from_environment().name,
            locales=tuple(args.locale or ()),
            retention_days=args.retention_days,
            time_zone=args.time_zone,
            oidc_issuer=args.oidc_issuer,
            oidc_audience=args.oidc_audience,
            oidc_jwks_url=args.oidc_jwks_url,
            authorization_url=args.authorization_url,
            token_url=args.token_url,
            client_id=args.client_id,
            scopes=tuple(args.scope or ()),
            approved_apis=tuple(args.approved_api or ()),
        )
    )
    print(report)
    return 0


def _plan_check(args: argparse.Namespace) -> int:
    from skill.domain.catalog import load_catalog
    from skill.domain.plan import check_plan, read_plan_file

    catalog = load_catalog()
    failed = 0
    for name in args.files:
        data, problems = read_plan_file(Path(name))
        if not problems:
            problems = check_plan(data, catalog, file=name)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            failed += 1
        else:
            print(f"{name}: plan OK")
    return 1 if failed else 0


def _plan_assign(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from skill.domain import clock
    from skill.domain.catalog import load_catalog
    from skill.domain.linking import CodeRefused, assign
    from skill.domain.plan import PlanError, read_plan_file
    from skill.store import check_store_url, open_store, store_url_from_env
    from skill.store.keys import LinkSecretMissing

    url = args.store or store_url_from_env()
    bad_url = check_store_url(url)
    if bad_url:
        print(f"spine-coach plan assign: error: {bad_url}", file=sys.stderr)
        return 2
    data, problems = read_plan_file(Path(args.file))
    if not problems:
        try:
            plan = assign(open_store(url), args.code, data, load_catalog(), clock.system_clock())
        except PlanError as exc:
            problems = [replace(p, file=args.file) for p in exc.problems]
        except LinkSecretMissing as exc:
            print(f"spine-coach plan assign: error: {exc}", file=sys.stderr)
            return 2
        except CodeRefused as refused:
            # The same words for a wrong, used or expired code: nothing about any patient.
            _log_refusal("plan assign", refused)
            print(
                "spine-coach plan assign: that code is not valid (codes work once, for 15 minutes); "
                'ask the patient to say "link my physio\'s plan" for a new one',
                file=sys.stderr,
            )
            return 1
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("the plan was not assigned and the code is still valid", file=sys.stderr)
        return 1
    phases = f" in the first of {len(plan.phases)} phases" if len(plan.phases) > 1 else ""
    first = len(plan.phases[0].exercises)
    print(f"plan assigned: {first} exercises{phases}; the patient hears it at their next launch")
    return 0


def _log_refusal(command: str, refused: Exception) -> None:
    """One line on stderr for each refused code, never the code itself; after too many, every
    code is refused for a while, and the line says so."""
    from skill.domain.linking import MAX_REFUSALS, REFUSAL_WINDOW, CodesLocked

    count = getattr(refused, "refusals", 0)
    minutes = REFUSAL_WINDOW // 60
    if isinstance(refused, CodesLocked):
        line = f"{count} wrong codes in {minutes} minutes: every code is refused until that many minutes have passed"
    else:
        line = f"link code refused ({count} of {MAX_REFUSALS} allowed in {minutes} minutes)"
    print(f"spine-coach {command}: {line}", file=sys.stderr)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def _screens(args: argparse.Namespace) -> int:
    from skill.devtools.screens import VIEWPORTS, render_all, renderer_missing

    missing = renderer_missing()
    if missing:
        print(f"spine-coach screens: cannot render: {missing}", file=sys.stderr)
        return 1
    names = list(VIEWPORTS) if args.viewport == "all" else [args.viewport]
    out = Path(args.out)
    for viewport, report in render_all(out, names).items():
        for name, shot in report.items():
            problems = f"  log: {len(shot['log'])} line(s)" if shot["log"] else ""
            print(
                f"{viewport:9} {name.removesuffix('.json'):18} largest text {shot['biggestTextPx']:>4.0f} dp{problems}"
            )
    print(f"PNGs in {out}/<viewport>/, the directives in {out}/directives/")
    return 0


def _report(args: argparse.Namespace) -> int:
    from skill.devtools.report import find_browser, numbers_for, print_pdf, render_html
    from skill.domain import clock
    from skill.domain.catalog import load_catalog
    from skill.domain.linking import CodeRefused, user_for_report
    from skill.domain.times import TIME_ZONE_ENV, valid_zone
    from skill.store import check_store_url, open_store, store_url_from_env
    from skill.store.keys import LinkSecretMissing

    url = args.store or store_url_from_env()
    bad_url = check_store_url(url)
    if bad_url or args.end < args.start:
        print(f"spine-coach report: error: {bad_url or '--to is before --from'}", file=sys.stderr)
        return 2
    zone = args.time_zone or os.environ.get(TIME_ZONE_ENV) or None
    if zone is not None and valid_zone(zone) is None:
        print(f"spine-coach report: error: {zone!r} is not a time zone (for example America/Chicago)", file=sys.stderr)
        return 2
    browser = find_browser() if args.pdf else None
    if args.pdf and browser is None:
        print("spine-coach report: error: --pdf needs Chromium or Chrome on the PATH", file=sys.stderr)
        return 2
    store = open_store(url)
    user = args.user
    if args.code:
        # Read, not used up: the same code can then assign the plan changed at this visit.
        try:
            user = user_for_report(store, args.code, clock.system_clock())
        except LinkSecretMissing as exc:
            print(f"spine-coach report: error: {exc}", file=sys.stderr)
            return 2
        except CodeRefused as refused:
            _log_refusal("report", refused)
            print(
                "spine-coach report: that code is not valid (a code lasts 15 minutes, until a plan is assigned)",
                file=sys.stderr,
            )
            return 1
    out = Path(args.out)
    numbers = numbers_for(store, user, args.start, args.end, load_catalog(), time_zone=zone)
    out.write_text(render_html(numbers, load_catalog()), encoding="utf-8")
    print(
        f"wrote {out}: {numbers.sessions} of {numbers.prescribed} prescribed sessions, "
        f"{numbers.other_sessions} other sessions"
    )
    if browser is not None:
        pdf = out.with_suffix(".pdf")
        print_pdf(out, pdf, browser)
        print(f"wrote {pdf}")
    return 0


def _bench(args: argparse.Namespace) -> int:
    from skill.devtools import bench

    days = tuple(int(d) for d in args.history_days.split(",") if d.strip())
    print(
        bench.run(
            args.which, args.runs, history_days=days, dynamodb=not args.no_dynamodb, instructions=args.instructions
        )
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="spine-coach", description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    content = commands.add_parser("content", help="check the exercise catalog in content/")
    content_commands = content.add_subparsers(dest="content_command", required=True, metavar="ACTION")
    check = content_commands.add_parser("check", help="validate every content file and cross-reference")
    check.add_argument("--content", help="content directory (default: the repository's content/)")
    check.set_defaults(run=_content_check)
    review = content_commands.add_parser(
        "review", help="write content/REVIEW.md: every spoken statement no source document says"
    )
    review.add_argument("--content", help="content directory (default: the repository's content/)")
    review.set_defaults(run=_content_review)

    chat = commands.add_parser("chat", help="talk to the skill in this terminal (local voice console)")
    chat.add_argument(
        "--say", action="append", metavar="SENTENCE", help="run these lines instead of a prompt (repeatable)"
    )
    chat.add_argument("--store", help="store URL (default: $SPINE_COACH_STORE or a SQLite file in your data folder)")
    chat.add_argument(
        "--locale", type=_locale, default="en-US", help="the request locale: en-US, en-GB, en-CA, en-AU or en-IN"
    )
    chat.add_argument("--user", help="a name for the console user; each name has its own saved progress")
    chat.add_argument("--debug", action="store_true", help="show the intent and slots Alexa would send")
    chat.add_argument("--voice", action="store_true", help="also speak answers aloud with espeak-ng")
    chat.add_argument("--screen", action="store_true", help="pretend to be an Echo Show (APL screens)")
    chat.add_argument("--profile", type=_profile, help=PROFILE_HELP)
    clinic = chat.add_argument_group(
        "clinic profile", "who the console plays (default: a linked account, a recognised voice, a confirmed PIN)"
    )
    clinic.add_argument("--unlinked", action="store_true", help="the account is not linked to the clinic")
    clinic.add_argument("--unrecognised", action="store_true", help="Alexa does not recognise the voice")
    clinic.add_argument(
        "--pin",
        choices=("confirmed", "wrong", "none"),
        default="confirmed",
        help="what happens when Alexa asks for the voice PIN",
    )
    chat.set_defaults(run=_chat)

    models = commands.add_parser("models", help="build the Alexa interaction models")
    models_commands = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    build = models_commands.add_parser(
        "build", help="regenerate interaction_models/<locale>.json from the source and content/"
    )
    build.add_argument("--check", action="store_true", help="only report stale or invalid models; write nothing")
    build.set_defaults(run=_models_build)
    check_models = models_commands.add_parser(
        "check", help="measure each committed model against every documented Alexa limit (value beside limit)"
    )
    check_models.add_argument("--locale", type=_locale, help="only this locale (default: every locale)")
    check_models.add_argument(
        "--dir",
        help="folder of <locale>.json models (default: interaction_models/; "
        "a package's skill-package/interactionModels/custom works too)",
    )
    check_models.set_defaults(run=_models_check)
    evaluate = models_commands.add_parser(
        "evaluate", help="accuracy per intent on the annotation set, in the console NLU and virtual-alexa"
    )
    evaluate.add_argument("--annotations", help="a JSON-lines annotation set (default: tests/annotations/)")
    evaluate.add_argument("--console-only", action="store_true", help="skip virtual-alexa")
    evaluate.add_argument("--missed", action="store_true", help="list every sentence not understood")
    evaluate.add_argument(
        "--dialogs",
        action="store_true",
        help="also say each symptom sentence to the skill mid-set (red flags also outside a session), check the answer",
    )
    evaluate.add_argument(
        "--triage",
        metavar="FILE",
        help="instead: say each statement of a triage set (JSON lines: text, tier) to the skill mid-set and "
        "outside a session, and print a confusion table by tier",
    )
    evaluate.set_defaults(run=_models_evaluate)

    serve = commands.add_parser(
        "serve",
        help="run the HTTPS web service (gunicorn)",
        epilog=(
            "environment: SPINE_COACH_SKILL_ID (required unless --dev: your skill id; requests for other skills "
            "are refused), SPINE_COACH_STORE (store URL, sqlite:///path.db or dynamodb://table?region=...; "
            "default: a SQLite file under ~/.local/share/spine-coach)"
        ),
    )
    serve.add_argument(
        "--host", default="0.0.0.0", help="address to listen on (default %(default)s; with --dev always 127.0.0.1)"
    )
    serve.add_argument("--port", type=_positive, default=8443, help="port to listen on (default %(default)s)")
    serve.add_argument("--workers", type=_positive, default=2, help="gunicorn worker processes (default %(default)s)")
    serve.add_argument("--certfile", help="TLS certificate (PEM); omit behind a TLS-terminating proxy")
    serve.add_argument("--keyfile", help="TLS private key (PEM)")
    serve.add_argument("--dev", action="store_true", help="loopback only, signature and timestamp checks OFF")
    serve.add_argument("--access-log", action="store_true", help="log each request line")
    serve.add_argument("--profile", type=_profile, help=PROFILE_HELP)
    serve.set_defaults(run=_serve)

    package = commands.add_parser("package", help="build the ASK CLI project: skill-package/ and the Lambda zip")
    package.add_argument("--out", default="build/ask", help="output folder (default build/ask)")
    package.add_argument(
        "--endpoint", help="Lambda ARN or HTTPS URL for the manifest (default: filled in by ask deploy)"
    )
    package.add_argument(
        "--skill-id", help="an existing skill's id, for .ask/ask-states.json (default: ask deploy creates the skill)"
    )
    package.add_argument("--aws-region", default="us-east-1", help="AWS region of the stack (default us-east-1)")
    package.add_argument(
        "--lambda-arch", choices=["x86_64", "arm64"], default="x86_64", help="the function's processor (default x86_64)"
    )
    package.add_argument("--no-deps", action="store_true", help="leave dependencies out of the zip (quick checks)")
    package.add_argument(
        "--privacy-url", required=True, help="your privacy policy's URL (the skill keeps personal information)"
    )
    package.add_argument("--profile", type=_profile, help=PROFILE_HELP)
    package.add_argument(
        "--locale", action="append", help="a locale to ship (repeat; default: every model, or en-US for clinic)"
    )
    package.add_argument("--retention-days", type=int, help="history expires after this many days (needed for clinic)")
    package.add_argument(
        "--time-zone", help="a day's IANA time zone for users whose device has not said theirs (needed for clinic)"
    )
    clinic = package.add_argument_group("clinic profile: the clinic's identity provider (account linking)")
    clinic.add_argument("--oidc-issuer", help="its issuer, exactly as its access tokens carry it")
    clinic.add_argument("--oidc-audience", help="the audience its access tokens for this skill carry")
    clinic.add_argument("--oidc-jwks-url", help="where it publishes its signing keys (default: from the issuer)")
    clinic.add_argument("--authorization-url", help="its OAuth 2.0 authorization endpoint")
    clinic.add_argument("--token-url", help="its OAuth 2.0 token endpoint")
    clinic.add_argument("--client-id", help="the client it registered for Alexa")
    clinic.add_argument("--scope", action="append", help="a scope Alexa asks for when linking (repeat)")
    clinic.add_argument(
        "--approved-api",
        action="append",
        choices=["apl"],
        help="an API you checked is on Amazon's approved list for HIPAA-eligible skills (apl: screens)",
    )
    package.set_defaults(run=_package)

    plan = commands.add_parser("plan", help="a physiotherapist's plan: check a plan file, assign it to a patient")
    plan_commands = plan.add_subparsers(dest="plan_command", required=True, metavar="ACTION")
    plan_check = plan_commands.add_parser(
        "check", help="check plan files against the schema and the catalog (one line per problem)"
    )
    plan_check.add_argument("files", nargs="+", metavar="FILE", help="plan files (JSON)")
    plan_check.set_defaults(run=_plan_check)
    plan_assign = plan_commands.add_parser(
        "assign", help="give a patient a checked plan, with the code the skill read out to them"
    )
    plan_assign.add_argument("--code", required=True, help="the six-digit code the patient was given")
    plan_assign.add_argument("file", metavar="FILE", help="the plan file (JSON)")
    plan_assign.add_argument("--store", help="store URL (default: $SPINE_COACH_STORE or the local SQLite file)")
    plan_assign.set_defaults(run=_plan_assign)

    report = commands.add_parser(
        "report", help="a patient's adherence report: HTML with charts (works offline), optionally PDF"
    )
    who = report.add_mutually_exclusive_group(required=True)
    who.add_argument("--user", help="the patient's Alexa user id")
    who.add_argument(
        "--code", help="a six-digit code the patient's skill read out (not used up: it can still assign a plan)"
    )
    report.add_argument("--from", dest="start", type=_date, required=True, metavar="DATE", help="first day, YYYY-MM-DD")
    report.add_argument("--to", dest="end", type=_date, required=True, metavar="DATE", help="last day, YYYY-MM-DD")
    report.add_argument("--out", required=True, help="the HTML file to write")
    report.add_argument("--pdf", action="store_true", help="also print it to PDF beside it (needs Chromium)")
    report.add_argument("--store", help="store URL (default: $SPINE_COACH_STORE or the local SQLite file)")
    report.add_argument(
        "--time-zone",
        help="the days' zone for a patient whose device gave none, as the skill counts them "
        "(default: $SPINE_COACH_TIME_ZONE, else UTC)",
    )
    report.set_defaults(run=_report)

    screens = commands.add_parser(
        "screens", help="render every Echo Show screen of a scripted conversation to PNG (Amazon's APL renderer)"
    )
    screens.add_argument("--out", required=True, help="the folder for the PNGs")
    screens.add_argument(
        "--viewport",
        default="all",
        choices=["all", "show8", "show10", "show5", "show1024", "spot"],
        help="which device",
    )
    screens.set_defaults(run=_screens)

    bench = commands.add_parser("bench", help="measure speed against a baseline in the same run")
    bench.add_argument("which", choices=["catalog", "turns", "cold", "web"], help="what to measure")
    bench.add_argument("--runs", type=_positive, default=15, help="repetitions per case (seconds of load for web)")
    bench.add_argument(
        "--history-days",
        default="0",
        metavar="N,N",
        help="turns: users with this many days of history (two sessions and a pain score a day), e.g. 0,365,730",
    )
    bench.add_argument(
        "--no-dynamodb", action="store_true", help="turns: skip the DynamoDB emulator's bytes and units per turn"
    )
    bench.add_argument(
        "--instructions",
        action="store_true",
        help="cold and turns: also count instructions (valgrind --tool=callgrind): repeatable whatever the load",
    )
    bench.set_defaults(run=_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Command = args.run
    return run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
