"""``spine-coach package``: the ASK CLI v2 project that ``ask deploy`` needs.

Writes into the output folder:

- ``skill-package/skill.json`` - the manifest: names, the description with the medical
  disclaimer, example phrases, the five locales, the reminders permission, the
  SkillDisabled event, privacy and compliance answers;
- ``skill-package/interactionModels/custom/<locale>.json`` - from ``interaction_models/``;
- ``skill-package/assets/images/`` - the store icons;
- ``lambda/`` - the function source (entry point, the runtime part of ``skill/`` with the
  catalog in ``skill/content/``: ``RUNTIME_PACKAGES``, no developer tools or web service) and its pinned
  ``requirements.txt``, which ``ask deploy`` installs;
- ``lambda.zip`` - the same with the dependencies installed, for uploading by hand;
- ``infrastructure/cfn-deployer/skill-stack.yaml`` - the CloudFormation stack (function,
  tables, role, logs, Alexa trigger) from ``infrastructure/``;
- ``ask-resources.json`` - the ASK CLI project, deploying that stack with
  ``@ask-cli/cfn-deployer``, which passes the skill id to the stack and so to the function,
  and subscribes the function to the SkillDisabled event (``skillEvents``);
- ``.ask/ask-states.json`` - with ``--skill-id``: the skill ``ask deploy`` updates;
- ``privacy-policy.md`` - the privacy policy page for the profile, to host at ``--privacy-url``;
- ``account-linking.json`` - clinic profile: Alexa's account-linking settings for the
  clinic's identity provider, without the client secret.

``preflight`` refuses, all problems at once: no https privacy policy URL (the skill keeps
personal information); a locale with no model; for the clinic profile (the HIPAA-eligible
route) a locale other than en-US, no identity provider, no history retention, or an API
not on Amazon's approved list. The manifest follows the profile: the clinic's declares
personalization and health information, no Reminders API, and screens only when
``--approved-api apl`` says the publisher checked them. The report ends with what must
still be done by hand (``by_hand``): the PHI declaration and the BAA, the client secret,
the PIN confirmation setting.

Content is checked first and the package refuses to build from content with problems, or
with a committed interaction model that breaks one of Alexa's rules or documented limits
(``spine-coach models check`` shows each measured value beside its limit).
It needs a source checkout (the entry point, the pins and the template are not package
data).
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from skill.alexa import dataclass_cache
from skill.devtools.interaction_model import MODELS_DIR, build_all, locales, shipped_problems
from skill.domain import catalog_cache
from skill.domain.catalog import default_content_dir, load_catalog
from skill.domain.content_check import check_content
from skill.domain.profile import Profile, profile_named
from skill.domain.times import valid_zone
from skill.resources import checkout

REMINDERS_PERMISSION = "alexa::alerts:reminders:skill:readwrite"
COUNTRIES = {"en-US": "US", "en-GB": "GB", "en-CA": "CA", "en-AU": "AU", "en-IN": "IN"}
PYTHON_RUNTIME = "python3.11"
TEMPLATE = "infrastructure/cfn-deployer/skill-stack.yaml"
SUBSCRIBED_EVENTS = ("SKILL_DISABLED",)  # disabling the skill deletes the user's data
# What of ``skill/`` goes into the function: the layers Lambda runs (see the README's layout
# section) and the package's own top-level files. Developer tools (``skill/devtools``) and the
# web service (``skill/web``: Lambda needs no HTTP server or signature checks) stay behind;
# tests/test_package.py lists the zip and checks that nothing in it imports one of them.
RUNTIME_PACKAGES = ("domain", "alexa", "store")
RUNTIME_FILES = ("__init__.py", "py.typed", "resources.py")


PERSON_PERMISSION = "alexa::person_id:read"  # personalization: the recognised speaker's personId
# What a HIPAA-eligible skill may use besides account linking, personalization and the PIN
# connection, which that profile needs and Amazon's requirements page names: each only when
# the publisher has checked it is on Amazon's current approved list ("Requirements for
# Skills that are HIPAA-Eligible", Approved APIs) and says so with ``--approved-api``.
OPTIONAL_CLINIC_APIS = {"apl": "ALEXA_PRESENTATION_APL"}  # Echo Show screens
CLINIC_REQUIREMENTS = "requirements/lambda-clinic.txt"  # token checks: PyJWT and cryptography
# Options only a profile that links accounts takes (another profile refuses them).
CLINIC_ONLY = (
    "time_zone",  # the consumer skill ships to five countries: its days are the device's
    "oidc_issuer",
    "oidc_audience",
    "oidc_jwks_url",
    "authorization_url",
    "token_url",
    "client_id",
    "scopes",
    "approved_apis",
)


@dataclass
class PackageOptions:
    out: Path
    endpoint: str | None = None  # a Lambda ARN or an HTTPS URL; None lets ask deploy fill it
    skill_id: str | None = None
    deps: bool = True  # install the pinned dependencies into lambda.zip
    lambda_arch: str = "x86_64"
    privacy_url: str | None = None
    aws_region: str = "us-east-1"
    profile: str = "consumer"  # what the skill keeps (``skill.domain.profile``)
    locales: tuple[str, ...] = ()  # empty: the profile's (every model's; en-US for clinic)
    retention_days: int | None = None  # history expires after this many days (TTL)
    time_zone: str | None = None  # a day's zone for users whose device has not said theirs
    # The clinic profile's identity provider: the token check and Alexa's account linking.
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None
    authorization_url: str | None = None
    token_url: str | None = None
    client_id: str | None = None
    scopes: tuple[str, ...] = ()
    approved_apis: tuple[str, ...] = ()  # OPTIONAL_CLINIC_APIS the publisher checked


def source_tree() -> Path:
    """The checkout to package from; a wheel install has no entry point or template."""
    root = checkout()
    if root is None:
        raise SystemExit("spine-coach package needs a source checkout (git clone the project and run it there)")
    return root


def shipped_locales(options: PackageOptions) -> list[str]:
    """The locales the package ships: those asked for, else the profile's, else every model's."""
    profile = profile_named(options.profile)
    return list(options.locales or profile.locales or locales())


def preflight(options: PackageOptions) -> list[str]:
    """What stops this package passing Amazon's certification, one line each (empty: none)."""
    profile = profile_named(options.profile)
    problems: list[str] = []
    if not options.privacy_url:
        # The manifest says personal information is kept (usesPersonalInfo): certification
        # refuses such a skill without a privacy policy, so the package does now.
        problems.append(
            "--privacy-url is needed: the skill keeps personal information (progress, reminders), "
            "and Amazon's certification requires a privacy policy for that"
        )
    elif not _https_url(options.privacy_url):
        problems.append(f"--privacy-url must be an https:// address, not {options.privacy_url!r}")
    known = locales()
    unknown = [locale for locale in options.locales if locale not in known]
    if unknown:
        problems.append(f"no interaction model for {', '.join(unknown)} (models: {', '.join(known)})")
    if profile.locales is not None:
        outside = [locale for locale in shipped_locales(options) if locale not in profile.locales]
        if outside:
            problems.append(
                f"the {profile.name} profile ships in {', '.join(profile.locales)} only, not {', '.join(outside)}: "
                "a HIPAA-eligible skill must be distributed in the United States only"
            )
    if options.retention_days is not None and options.retention_days < 1:
        problems.append("--retention-days must be a whole number of days, 1 or more")
    if options.time_zone is not None and valid_zone(options.time_zone) is None:
        problems.append(f"--time-zone must be an IANA time zone such as America/Chicago, not {options.time_zone!r}")
    if profile.links_accounts:
        problems += _clinic_problems(options)
    elif any(getattr(options, flag) for flag in CLINIC_ONLY):
        problems.append(f"the {profile.name} profile links no accounts: drop the identity provider's settings")
    return problems


def _clinic_problems(options: PackageOptions) -> list[str]:
    problems = [
        f"--{flag.replace('_', '-')} is needed: the clinic profile links accounts to the clinic's identity provider"
        for flag in ("oidc_issuer", "oidc_audience", "authorization_url", "token_url", "client_id")
        if not getattr(options, flag)
    ]
    for flag in ("oidc_issuer", "oidc_jwks_url", "authorization_url", "token_url"):
        value = getattr(options, flag)
        if value and not _https_url(value):
            problems.append(f"--{flag.replace('_', '-')} must be an https:// address, not {value!r}")
    if options.retention_days is None:
        problems.append(
            "--retention-days is needed: the clinic profile keeps health history, and the clinic "
            "decides how long (the privacy policy says it)"
        )
    if options.time_zone is None:
        problems.append(
            "--time-zone is needed: the clinic's skill asks no device for its time zone, and its "
            "days (adherence, streaks, yesterday) would otherwise be UTC days"
        )
    unknown = [name for name in options.approved_apis if name not in OPTIONAL_CLINIC_APIS]
    if unknown:
        problems.append(f"--approved-api knows {', '.join(OPTIONAL_CLINIC_APIS)}, not {', '.join(unknown)}")
    return problems


def manifest(options: PackageOptions) -> dict[str, Any]:
    profile = profile_named(options.profile)
    shipped = shipped_locales(options)
    catalog = load_catalog()
    listing = json.loads(files("skill.devtools").joinpath("listing.json").read_text(encoding="utf-8"))
    disclaimer = catalog.guidance.disclaimer.text.replace("{therapist}", "physiotherapist")
    locale_info: dict[str, Any] = {}
    for locale in shipped:
        entry = {**listing["default"], **listing["locales"].get(locale, {})}
        locale_info[locale] = {
            "name": entry["name"],
            "summary": entry["summary"],
            "description": f"{entry['description']}\n\n{disclaimer}",
            "examplePhrases": entry["examplePhrases"],
            "keywords": entry["keywords"],
            "smallIconUri": "file://assets/images/smallIcon.png",
            "largeIconUri": "file://assets/images/largeIcon.png",
        }
    interfaces = ["ALEXA_PRESENTATION_APL"]
    permissions = [REMINDERS_PERMISSION] if profile.sets_reminders else []
    if profile.links_accounts:
        # Only what Amazon lets a HIPAA-eligible skill use (see OPTIONAL_CLINIC_APIS).
        interfaces = [OPTIONAL_CLINIC_APIS[name] for name in sorted(set(options.approved_apis))]
        permissions.append(PERSON_PERMISSION)
    custom: dict[str, Any] = {"interfaces": [{"type": kind} for kind in interfaces]} if interfaces else {}
    events: dict[str, Any] = {"subscriptions": [{"eventName": name} for name in SUBSCRIBED_EVENTS]}
    if options.endpoint:
        endpoint = {"uri": options.endpoint}
        if options.endpoint.startswith("https://"):
            endpoint["sslCertificateType"] = "Trusted"
        custom["endpoint"] = endpoint
        events["endpoint"] = {"uri": options.endpoint}
    privacy: dict[str, Any] = {
        "allowsPurchases": False,
        "usesPersonalInfo": True,  # completion, preferences and reminders are kept per user
        "isChildDirected": False,
        "isExportCompliant": True,
        "containsAds": False,
        # Protected health information: only the clinic profile (HIPAA-eligible) keeps any.
        "usesHealthInfo": profile.keeps_health,
    }
    if options.privacy_url:
        privacy["locales"] = {locale: {"privacyPolicyUrl": options.privacy_url} for locale in shipped}
    return {
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": locale_info,
                "isAvailableWorldwide": False,
                "distributionCountries": sorted({COUNTRIES[locale] for locale in shipped}),
                "testingInstructions": {**listing["default"], **listing["profiles"].get(profile.name, {})}[
                    "testingInstructions"
                ],
                "category": "HEALTH_AND_FITNESS",
            },
            "apis": {"custom": custom},
            "permissions": [{"name": name} for name in permissions],
            "events": events,
            "privacyAndCompliance": privacy,
        }
    }


def ask_resources(options: PackageOptions) -> dict[str, Any]:
    """The ASK CLI project. The skill id is not here: the CLI reads it from ``ask_states``."""
    return {
        "askcliResourcesVersion": "2020-03-31",
        "profiles": {
            "default": {
                "skillMetadata": {"src": "./skill-package"},
                "code": {"default": {"src": "./lambda"}},
                "skillInfrastructure": {
                    "type": "@ask-cli/cfn-deployer",
                    "userConfig": {
                        "runtime": PYTHON_RUNTIME,
                        "handler": "lambda_function.lambda_handler",
                        "templatePath": f"./{TEMPLATE}",
                        "awsRegion": options.aws_region,
                        "cfn": {"parameters": stack_parameters(options)},
                        # The deployer writes the events endpoint (the function) into the
                        # manifest only for events named here: without it, SKILL_DISABLED
                        # never reaches the function and disabling deletes nothing.
                        "skillEvents": {"subscriptions": list(SUBSCRIBED_EVENTS)},
                    },
                },
            }
        },
    }


def stack_parameters(options: PackageOptions) -> dict[str, str]:
    """The CloudFormation parameters the deployer passes besides the skill id and the code."""
    profile = profile_named(options.profile)
    parameters = {"LambdaArchitecture": options.lambda_arch}
    if options.retention_days:
        parameters["HistoryRetentionDays"] = str(options.retention_days)
    if options.time_zone:
        parameters["TimeZone"] = options.time_zone
    if profile.links_accounts:
        parameters["Profile"] = profile.name
        parameters["OidcIssuer"] = options.oidc_issuer or ""
        parameters["OidcAudience"] = options.oidc_audience or ""
        if options.oidc_jwks_url:
            parameters["OidcJwksUrl"] = options.oidc_jwks_url
    return parameters


def account_linking(options: PackageOptions) -> dict[str, Any]:
    """The account-linking settings (SMAPI's ``accountLinkingRequest``) for the clinic's
    identity provider: the authorization code grant. Without the client secret, which
    stays out of build output: it is added by hand (see ``by_hand``)."""
    request: dict[str, Any] = {
        "type": "AUTH_CODE",
        "authorizationUrl": options.authorization_url,
        "accessTokenUrl": options.token_url,
        "clientId": options.client_id,
        "accessTokenScheme": "HTTP_BASIC",
        # Linking is asked for when the skill is enabled: the clinic's skill is for its patients.
        "skipOnEnablement": False,
    }
    if options.scopes:
        request["scopes"] = list(options.scopes)
    return {"accountLinkingRequest": request}


def by_hand(options: PackageOptions) -> list[str]:
    """What ``ask deploy`` cannot do and someone must, in the developer console or with SMAPI."""
    profile = profile_named(options.profile)
    steps = [f"host privacy-policy.md at {options.privacy_url} (the manifest links to it)"]
    if profile.links_accounts:
        skill = options.skill_id or "<skill-id>"
        steps += [
            "before anything is published: in the developer console, declare that the skill handles "
            "protected health information and accept the Alexa Skills Business Associate Agreement "
            "(the skill must never have been published before that)",
            "outside the build folder (the secret never sits in build output), write a copy of "
            'account-linking.json with the client secret added ("clientSecret"), readable by you '
            f"only; then: ask smapi update-account-linking-info --skill-id {skill} --stage development "
            "--account-linking-request file:<that copy>; then delete the copy",
            "after the last ask deploy (which uploads skill.json again), add a test patient's sign-in "
            "(made-up data only) at the end of the testing instructions in the developer console: the "
            "certification team links with it",
            "register the Alexa redirect URLs the console's Account Linking page shows with the "
            "clinic's identity provider, as redirect URIs of client " + str(options.client_id),
            "in the developer console, turn on skill personalization and PIN confirmation (the "
            "mandatory flow): the skill asks for the PIN itself before it opens a person's records",
            "check Amazon's current list of approved APIs for HIPAA-eligible skills; this package uses "
            "account linking, personalization, the PIN confirmation connection and the skill event "
            "SKILL_DISABLED (disabling the skill deletes the records)"
            + "".join(f", {name}" for name in sorted(set(options.approved_apis))),
            "test with made-up patients only: no protected health information in development, testing or certification",
        ]
    return steps


def ask_states(options: PackageOptions) -> dict[str, Any] | None:
    """``.ask/ask-states.json``, where the ASK CLI reads the skill to deploy to (a skill id in
    ``ask-resources.json`` is ignored, and ``ask deploy`` would create a second skill)."""
    if not options.skill_id:
        return None
    return {"askcliStatesVersion": "2020-03-31", "profiles": {"default": {"skillId": options.skill_id}}}


def _png(size: int) -> bytes:
    """A plain icon: a teal square with a column of white vertebrae."""
    teal, white = (0, 105, 120), (255, 255, 255)
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            in_spine = abs(x - size // 2) < size // 10 and size // 8 < y < size - size // 8
            gap = (y * 8 // size) % 2 == 1 and (y * 16 // size) % 2 == 1
            row.extend(white if in_spine and not gap else teal)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def _copy_code(source: Path, content: Path, target: Path, profile: Profile) -> None:
    """The function's own code: entry point, the runtime modules, checked content."""
    shutil.copy2(source / "lambda" / "lambda_function.py", target / "lambda_function.py")
    (target / "skill").mkdir(parents=True)
    for name in RUNTIME_FILES:
        shutil.copy2(source / "skill" / name, target / "skill" / name)
    for name in RUNTIME_PACKAGES:
        shutil.copytree(
            source / "skill" / name, target / "skill" / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    # Where skill.resources finds the catalog: the package skill.content.
    shutil.copytree(content, target / "skill" / "content", ignore=shutil.ignore_patterns("__pycache__"))
    (target / "requirements.txt").write_text(requirements(source, profile), encoding="utf-8")


def requirements(source: Path, profile: Profile) -> str:
    """The function's pinned dependencies: ``lambda.txt``, and for a profile that links
    accounts the token check's (``CLINIC_REQUIREMENTS``), as one file ``ask deploy`` installs."""
    text = (source / "requirements" / "lambda.txt").read_text(encoding="utf-8")
    if profile.links_accounts:
        text += (source / CLINIC_REQUIREMENTS).read_text(encoding="utf-8")
    return text


def _install_deps(target: Path, arch: str) -> None:
    platform = "manylinux2014_x86_64" if arch == "x86_64" else "manylinux2014_aarch64"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-compile",
            "--target",
            str(target),
            "--platform",
            platform,
            "--implementation",
            "cp",
            "--python-version",
            "3.11",
            "--only-binary=:all:",
            "-r",
            str(target / "requirements.txt"),
        ],
        check=True,
    )


def _compile(source: Path) -> None:
    """Byte-compile everything: Lambda's code directory is read-only, so without .pyc
    files every cold start compiles every module again. Hash-checked .pyc files stay
    valid whatever timestamps the zip gives the sources."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", str(source)],
        check=True,
    )


_DATACLASS_MODULES = (
    "skill.alexa.factory",
    "skill.alexa.serializer",
    "skill.alexa.api_client",
    "skill.store.sqlite",
    "skill.store.dynamodb",
)


def dataclass_table(path: Path) -> None:
    """The compiled dataclass methods of the modules a cold start imports (see
    ``skill.alexa.dataclass_cache``), made in a fresh process and shipped like the .pyc files."""
    program = (
        "import importlib, sys\n"
        "from pathlib import Path\n"
        "from skill.alexa import dataclass_cache\n"
        "dataclass_cache.install(Path(sys.argv[1]))\n"
        f"for name in {_DATACLASS_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
    )
    subprocess.run([sys.executable, "-c", program, str(path)], check=True)


def _zip(source: Path, destination: Path) -> None:
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(source.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(source).as_posix())


def build_package(options: PackageOptions) -> str:
    """Checks (``preflight``, the content, the models), then writes the project; returns
    the report, with what must still be done by hand."""
    profile = profile_named(options.profile)
    refused = preflight(options)
    if refused:
        raise SystemExit("spine-coach package refused:\n" + "\n".join(f"- {line}" for line in refused))
    shipped = shipped_locales(options)
    source = source_tree()
    content = default_content_dir()
    problems = check_content(content)
    if problems:
        raise SystemExit("content has problems; run `spine-coach content check`:\n" + "\n".join(map(str, problems)))
    # The files exactly as they will be copied into skill-package/: Amazon's import measures those.
    broken = shipped_problems(MODELS_DIR)
    if broken:
        lines = "\n".join(broken)
        raise SystemExit(f"interaction models break Alexa's rules; run `spine-coach models check`:\n{lines}")
    catalog = load_catalog()
    # Shipped beside the content, so a cold start reads the built catalog instead of building it.
    catalog_cache.save(content, catalog)
    stale = build_all(catalog, check=True)
    if stale:
        raise SystemExit("interaction models are stale or invalid:\n" + "\n".join(stale))
    out = options.out
    if out.exists():
        shutil.rmtree(out)
    package = out / "skill-package"
    (package / "interactionModels" / "custom").mkdir(parents=True)
    (package / "assets" / "images").mkdir(parents=True)
    (package / "skill.json").write_text(json.dumps(manifest(options), indent=2, ensure_ascii=False) + "\n")
    for locale in shipped:
        shutil.copy2(MODELS_DIR / f"{locale}.json", package / "interactionModels" / "custom" / f"{locale}.json")
    (package / "assets" / "images" / "smallIcon.png").write_bytes(_png(108))
    (package / "assets" / "images" / "largeIcon.png").write_bytes(_png(512))
    (out / "ask-resources.json").write_text(json.dumps(ask_resources(options), indent=2) + "\n")
    states = ask_states(options)
    if states is not None:
        (out / ".ask").mkdir()
        (out / ".ask" / "ask-states.json").write_text(json.dumps(states, indent=2) + "\n")
    (out / TEMPLATE).parent.mkdir(parents=True)
    shutil.copy2(source / "infrastructure" / "skill-stack.yaml", out / TEMPLATE)
    code = out / "lambda"
    code.mkdir()
    _copy_code(source, content, code, profile)
    if profile.links_accounts:
        (out / "account-linking.json").write_text(json.dumps(account_linking(options), indent=2) + "\n")
    bundle = out / "lambda-bundle"
    shutil.copytree(code, bundle)
    if options.deps:
        _install_deps(bundle, options.lambda_arch)
    _compile(bundle)
    dataclass_table(bundle / "skill" / "__pycache__" / dataclass_cache.FILE_NAME)
    _zip(bundle, out / "lambda.zip")
    shutil.rmtree(bundle)
    size = (out / "lambda.zip").stat().st_size
    (out / "privacy-policy.md").write_text(privacy_policy(profile, options.retention_days), encoding="utf-8")
    pending = _pending_review(content, out)
    steps = "".join(f"\n  {number}. {step}" for number, step in enumerate(by_hand(options), 1))
    return (
        f"wrote {out} ({profile.name} profile): skill-package/ ({', '.join(shipped)}), lambda/, lambda.zip "
        f"({size / 1e6:.1f} MB{'' if options.deps else ', no dependencies'}), {TEMPLATE}, ask-resources.json"
        f"{', account-linking.json' if profile.links_accounts else ''}\n"
        f"{pending}\n"
        f"still to do by hand:{steps}"
    )


def _https_url(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme == "https" and bool(parts.netloc) and " " not in text


def privacy_policy(profile: Profile, retention_days: int | None = None) -> str:
    """The privacy policy page for ``profile`` (``privacy.json``), to host at the
    ``--privacy-url``: what is kept, what is not, where, for how long (with the deployment's
    retention, if it sets one), how to delete it."""
    page = json.loads(files("skill.devtools").joinpath("privacy.json").read_text(encoding="utf-8"))[profile.name]
    if retention_days:
        page["how_long"] += " " + page["retention"].format(days=retention_days)
    lines = [f"# {page['title']}", "", page["intro"], "", "## What Spine Coach keeps", ""]
    lines += [f"- {item}" for item in page["kept"]]
    lines += ["", "## What it does not keep", ""] + [f"- {item}" for item in page["not_kept"]]
    for heading, key in (("Where", "where"), ("For how long", "how_long"), ("Deleting it", "delete")):
        lines += ["", f"## {heading}", "", page[key]]
    return "\n".join([*lines, "", page["medical"], ""])


def _pending_review(content: Path, out: Path) -> str:
    """What no clinician has approved yet, listed beside the package (content/REVIEW.md)."""
    from skill.alexa.prompts import PROMPTS_DIR
    from skill.devtools.review import not_approved

    pending = not_approved(content, PROMPTS_DIR / "en.json")
    listing = out / "pending-clinical-review.txt"
    listing.write_text("".join(f"{s.file} {s.key}: {s.text}\n" for s in pending), encoding="utf-8")
    return f"not yet approved by a clinician: {len(pending)} spoken clinical statements, listed in {listing}"
