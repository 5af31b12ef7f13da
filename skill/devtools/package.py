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
- ``privacy-policy.md`` - the privacy policy page for the profile, to host at ``--privacy-url``.

It refuses without a privacy policy's URL (the skill keeps personal information), and
refuses a profile that is not ready to ship (``skill.domain.profile``: the clinic profile
until its account linking and PIN confirmation are built).

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

from skill.alexa import dataclass_cache
from skill.devtools.interaction_model import MODELS_DIR, build_all, locales, shipped_problems
from skill.domain import catalog_cache
from skill.domain.catalog import default_content_dir, load_catalog
from skill.domain.content_check import check_content
from skill.domain.profile import Profile, profile_named
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


def source_tree() -> Path:
    """The checkout to package from; a wheel install has no entry point or template."""
    root = checkout()
    if root is None:
        raise SystemExit("spine-coach package needs a source checkout (git clone the project and run it there)")
    return root


def manifest(options: PackageOptions) -> dict[str, Any]:
    catalog = load_catalog()
    listing = json.loads(files("skill.devtools").joinpath("listing.json").read_text(encoding="utf-8"))
    disclaimer = catalog.guidance.disclaimer.text.replace("{therapist}", "physiotherapist")
    locale_info: dict[str, Any] = {}
    for locale in locales():
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
    custom: dict[str, Any] = {"interfaces": [{"type": "ALEXA_PRESENTATION_APL"}]}
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
        "usesHealthInfo": False,  # not a HIPAA-eligible skill: no protected health information is sent anywhere
    }
    if options.privacy_url:
        privacy["locales"] = {locale: {"privacyPolicyUrl": options.privacy_url} for locale in locales()}
    return {
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": locale_info,
                "isAvailableWorldwide": False,
                "distributionCountries": [COUNTRIES[locale] for locale in locales()],
                "testingInstructions": listing["default"]["testingInstructions"],
                "category": "HEALTH_AND_FITNESS",
            },
            "apis": {"custom": custom},
            "permissions": [{"name": REMINDERS_PERMISSION}],
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
                        "cfn": {"parameters": {"LambdaArchitecture": options.lambda_arch}},
                        # The deployer writes the events endpoint (the function) into the
                        # manifest only for events named here: without it, SKILL_DISABLED
                        # never reaches the function and disabling deletes nothing.
                        "skillEvents": {"subscriptions": list(SUBSCRIBED_EVENTS)},
                    },
                },
            }
        },
    }


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


def _copy_code(source: Path, content: Path, target: Path) -> None:
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
    shutil.copy2(source / "requirements" / "lambda.txt", target / "requirements.txt")


def _install_deps(source: Path, target: Path, arch: str) -> None:
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
            str(source / "requirements" / "lambda.txt"),
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
    profile = profile_named(options.profile)
    if profile.links_accounts:
        raise SystemExit(
            f"the {profile.name} profile cannot be packaged yet: the skill checks account links and "
            "voice PINs, but the package does not yet write the manifest's account-linking and "
            "personalization settings (issue 28)"
        )
    if options.privacy_url and not _https_url(options.privacy_url):
        raise SystemExit(f"--privacy-url must be an https:// address, not {options.privacy_url!r}")
    if not options.privacy_url:
        # The manifest says personal information is kept (usesPersonalInfo): certification
        # refuses such a skill without a privacy policy, so the package does now.
        raise SystemExit(
            "spine-coach package needs --privacy-url: the skill keeps personal information "
            "(progress, reminders), and Amazon's certification requires a privacy policy for that"
        )
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
    for locale in locales():
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
    _copy_code(source, content, code)
    bundle = out / "lambda-bundle"
    shutil.copytree(code, bundle)
    if options.deps:
        _install_deps(source, bundle, options.lambda_arch)
    _compile(bundle)
    dataclass_table(bundle / "skill" / "__pycache__" / dataclass_cache.FILE_NAME)
    _zip(bundle, out / "lambda.zip")
    shutil.rmtree(bundle)
    size = (out / "lambda.zip").stat().st_size
    (out / "privacy-policy.md").write_text(privacy_policy(profile), encoding="utf-8")
    pending = _pending_review(content, out)
    return (
        f"wrote {out}: skill-package/ ({len(locales())} locales), lambda/, lambda.zip "
        f"({size / 1e6:.1f} MB{'' if options.deps else ', no dependencies'}), {TEMPLATE}, ask-resources.json\n"
        f"{pending}"
    )


def _https_url(text: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(text)
    return parts.scheme == "https" and bool(parts.netloc) and " " not in text


def privacy_policy(profile: Profile) -> str:
    """The privacy policy page for ``profile`` (``privacy.json``), to host at the
    ``--privacy-url``: what is kept, what is not, where, for how long, how to delete it."""
    page = json.loads(files("skill.devtools").joinpath("privacy.json").read_text(encoding="utf-8"))[profile.name]
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
