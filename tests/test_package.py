"""``spine-coach package``: the manifest's shape, every locale model, and a zip that runs in a clean venv."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from skill.alexa import dataclass_cache
from skill.devtools import package as package_module
from skill.devtools.envelopes import Device, envelope, intent_request, launch_request, new_session_id
from skill.devtools.interaction_model import MODELS_DIR, SHIPPED_MODEL_BYTES, locales, render
from skill.devtools.nlu import resolver_for
from skill.devtools.package import PackageOptions, build_package, manifest

REPO = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((Path(__file__).parent / "schemas" / "skill-manifest.schema.json").read_text())


@pytest.fixture(scope="session")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("package") / "ask"
    report = build_package(
        PackageOptions(out=out, skill_id="amzn1.ask.skill.test", privacy_url="https://coach.example.org/privacy")
    )
    assert "lambda.zip" in report
    return out


def test_manifest_has_the_expected_shape(package_dir: Path) -> None:
    skill_json = json.loads((package_dir / "skill-package" / "skill.json").read_text())
    jsonschema.validate(skill_json, SCHEMA)
    locales_info = skill_json["manifest"]["publishingInformation"]["locales"]
    for info in locales_info.values():
        assert "Spine Coach is not a substitute for professional medical advice" in info["description"]


def _sample_intents(locale: str, words: str) -> set[str]:
    """The intents with a sample that is exactly ``words`` once each slot is filled with a
    value or synonym of its type: what Amazon requires of an example phrase."""
    import re

    from skill.devtools.nlu import normalize_utterance

    language = json.loads((MODELS_DIR / f"{locale}.json").read_text())["interactionModel"]["languageModel"]
    values: dict[str, list[str]] = {}
    for slot_type in language["types"]:
        for value in slot_type["values"]:
            for name in [value["name"]["value"], *value["name"].get("synonyms", [])]:
                values.setdefault(slot_type["name"], []).append(normalize_utterance(name))
    found = set()
    said = normalize_utterance(words)
    said_words = set(said.split())
    for intent in language["intents"]:
        types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent["samples"]:
            literal = set(normalize_utterance(re.sub(r"\{\w+\}", " ", sample)).split())
            if not literal <= said_words:
                continue  # a word of the sample is not in the phrase: no need to build its pattern
            regex = []
            for token in re.sub(r"(\{\w+\})", r" \1 ", sample).split():
                if token.startswith("{"):
                    slot_type = types[token[1:-1]]
                    options = values.get(slot_type)
                    regex.append("(?:" + "|".join(map(re.escape, options)) + ")" if options else ".+")
                else:
                    regex.extend(re.escape(word) for word in normalize_utterance(token).split())
            if re.fullmatch(" ".join(regex), said):
                found.add(intent["name"])
    return found


def test_example_phrases_are_samples_the_model_resolves_to_their_intent(package_dir: Path) -> None:
    """Each example phrase is one of the model's samples with real slot values (Amazon's
    rule), and the resolver sends it to that sample's intent."""
    skill_json = json.loads((package_dir / "skill-package" / "skill.json").read_text())
    for locale, info in skill_json["manifest"]["publishingInformation"]["locales"].items():
        resolver = resolver_for(locale)
        for phrase in info["examplePhrases"]:
            words = phrase.removeprefix("Alexa, ").rstrip(".")
            if words.startswith("open "):
                continue
            for lead in ("ask spine coach to ", "ask spine coach "):
                words = words.removeprefix(lead)
            intents = _sample_intents(locale, words)
            assert intents, (locale, phrase)
            assert resolver.resolve(words).intent in intents, (locale, phrase)


def test_every_locale_model_is_in_the_package(package_dir: Path) -> None:
    custom = package_dir / "skill-package" / "interactionModels" / "custom"
    assert sorted(p.stem for p in custom.glob("*.json")) == sorted(locales())
    for locale in locales():
        assert json.loads((custom / f"{locale}.json").read_text()) == json.loads(
            (MODELS_DIR / f"{locale}.json").read_text()
        )
    icons = package_dir / "skill-package" / "assets" / "images"
    assert (icons / "smallIcon.png").read_bytes().startswith(b"\x89PNG")


def test_ask_resources(package_dir: Path) -> None:
    resources = json.loads((package_dir / "ask-resources.json").read_text())
    profile = resources["profiles"]["default"]
    assert resources["askcliResourcesVersion"] == "2020-03-31"
    # The ASK CLI reads the skill id from .ask/ask-states.json, never from ask-resources.json.
    assert "skillId" not in profile
    states = json.loads((package_dir / ".ask" / "ask-states.json").read_text())
    assert states == {"askcliStatesVersion": "2020-03-31", "profiles": {"default": {"skillId": "amzn1.ask.skill.test"}}}
    assert profile["skillMetadata"]["src"] == "./skill-package"
    assert profile["code"]["default"]["src"] == "./lambda"
    infrastructure = profile["skillInfrastructure"]
    assert infrastructure["type"] == "@ask-cli/cfn-deployer"
    config = infrastructure["userConfig"]
    assert config["handler"] == "lambda_function.lambda_handler"
    assert config["runtime"] == "python3.11"
    # The deployer reads the template from this path, relative to the project folder.
    template = package_dir / config["templatePath"]
    assert template.read_text() == (REPO / "infrastructure" / "skill-stack.yaml").read_text()
    assert config["cfn"]["parameters"] == {"LambdaArchitecture": "x86_64"}
    # The deployer sets the events endpoint only for the events listed here (ask-cli's
    # skill-infrastructure controller): the manifest's SKILL_DISABLED subscription needs it.
    assert config["skillEvents"] == {"subscriptions": ["SKILL_DISABLED"]}
    skill_json = json.loads((package_dir / "skill-package" / "skill.json").read_text())
    subscribed = [e["eventName"] for e in skill_json["manifest"]["events"]["subscriptions"]]
    assert subscribed == config["skillEvents"]["subscriptions"]
    assert (package_dir / "lambda" / "lambda_function.py").exists()
    assert (package_dir / "lambda" / "requirements.txt").read_text() == (
        REPO / "requirements" / "lambda.txt"
    ).read_text()


def test_privacy_url_goes_into_every_locale(tmp_path: Path) -> None:
    data = manifest(PackageOptions(out=tmp_path, privacy_url="https://coach.example.org/privacy"))
    locales_info = data["manifest"]["privacyAndCompliance"]["locales"]
    assert set(locales_info) == set(locales())
    assert {v["privacyPolicyUrl"] for v in locales_info.values()} == {"https://coach.example.org/privacy"}


def test_self_hosted_endpoint_goes_into_the_manifest(tmp_path: Path) -> None:
    data = manifest(PackageOptions(out=tmp_path, endpoint="https://coach.example.org/"))
    assert data["manifest"]["apis"]["custom"]["endpoint"] == {
        "uri": "https://coach.example.org/",
        "sslCertificateType": "Trusted",
    }
    assert data["manifest"]["events"]["endpoint"] == {"uri": "https://coach.example.org/"}
    jsonschema.validate(data, SCHEMA)


def test_lambda_zip_runs_in_a_clean_virtual_environment(package_dir: Path, tmp_path: Path) -> None:
    unpacked = tmp_path / "function"
    with zipfile.ZipFile(package_dir / "lambda.zip") as archive:
        names = archive.namelist()
        archive.extractall(unpacked)
    assert "lambda_function.py" in names
    assert "skill/content/.validated" in names
    assert "skill/content/.catalog.pickle" in names  # read at cold start instead of building the catalog
    assert f"skill/__pycache__/{dataclass_cache.FILE_NAME}" in names  # compiled dataclass methods
    assert not any(n.startswith(("flask/", "gunicorn/", "jsonschema/")) for n in names)
    device = Device(skill_id="amzn1.ask.skill.test")
    events = [
        envelope(device, launch_request(device), session_id=new_session_id(), new=True),
        envelope(device, intent_request(device, "AMAZON.HelpIntent"), session_id=new_session_id(), new=True),
    ]
    answers = run_function(unpacked, tmp_path, events, {"SPINE_COACH_SKILL_ID": "amzn1.ask.skill.test"})
    assert "Welcome to Spine Coach" in answers[0]["response"]["outputSpeech"]["ssml"]
    assert "not a substitute for professional medical advice" in answers[1]["response"]["outputSpeech"]["ssml"]


def run_function(unpacked: Path, tmp_path: Path, events: list[Any], settings: dict[str, str]) -> list[Any]:
    """The unpacked zip's ``lambda_handler`` on each event, in a virtual environment with
    nothing installed (the zip must carry everything), with a SQLite store and ``settings``."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    script = (
        "import json, sys, lambda_function\n"
        "for event in json.loads(sys.argv[1]):\n"
        "    print(json.dumps(lambda_function.lambda_handler(event, None)))\n"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SPINE_COACH_STORE": f"sqlite:///{tmp_path}/lambda.db",
        "HOME": str(tmp_path),
        **settings,
    }
    result = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {str(unpacked)!r})\n" + script,
            json.dumps(events),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_packaging_refuses_broken_content(tmp_path: Path, content_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (content_copy / "stages.json").write_text("{")
    monkeypatch.setenv("SPINE_COACH_CONTENT", str(content_copy))
    with pytest.raises(SystemExit, match="content has problems"):
        build_package(PackageOptions(out=tmp_path / "out", deps=False, privacy_url="https://coach.example.org/privacy"))


def test_packaging_refuses_a_model_that_breaks_alexas_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The files as they would be copied into skill-package/ are measured: the same en-GB model
    written with a wide indent is over the size limit, an en-US sample says "alexa"; nothing is
    written."""
    models = tmp_path / "models"
    models.mkdir()
    for locale in locales():
        shutil.copy2(MODELS_DIR / f"{locale}.json", models / f"{locale}.json")
    wide = json.dumps(json.loads((models / "en-GB.json").read_text()), indent=60)
    assert len(wide.encode()) > SHIPPED_MODEL_BYTES
    (models / "en-GB.json").write_text(wide)
    us = json.loads((models / "en-US.json").read_text())
    us["interactionModel"]["languageModel"]["intents"][-1]["samples"].append("alexa what now")
    (models / "en-US.json").write_text(render(us))
    monkeypatch.setattr(package_module, "MODELS_DIR", models)
    with pytest.raises(SystemExit, match="interaction models break Alexa's rules") as refused:
        build_package(PackageOptions(out=tmp_path / "out", deps=False, privacy_url="https://coach.example.org/privacy"))
    assert "en-GB: model size (as shipped): " in str(refused.value)
    assert "en-US: samples with a wake word: 1 sample, " in str(refused.value)
    assert not (tmp_path / "out").exists()


def _imported_modules(path: Path) -> set[str]:
    """Every ``skill.*`` module a source file imports, at the top or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module == "skill":  # from skill import howto, welcome
                found.update(f"skill.{alias.name}" for alias in node.names)
    return {name for name in found if name == "skill" or name.startswith("skill.")}


def test_lambda_zip_carries_no_developer_tools(package_dir: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(package_dir / "lambda.zip") as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path)
    # The runtime layers and the package's own files, nothing else: no skill/devtools, no skill/web.
    shipped = {n.removeprefix("skill/").split("/")[0] for n in names if n.startswith("skill/")} - {"__pycache__"}
    assert shipped == {"__init__.py", "py.typed", "resources.py", "domain", "alexa", "store", "content"}
    assert {"skill/alexa/factory.py", "skill/domain/workout.py", "skill/alexa/prompts/en.json"} <= names
    # Nothing left in the function imports a module that stayed behind, not even lazily.
    modules = {
        ".".join(path.relative_to(tmp_path).with_suffix("").parts).removesuffix(".__init__")
        for path in (tmp_path / "skill").rglob("*.py")
    }
    for path in [tmp_path / "lambda_function.py", *(tmp_path / "skill").rglob("*.py")]:
        missing = _imported_modules(path) - modules
        assert not missing, f"{path.relative_to(tmp_path)} imports {sorted(missing)}, which is not in the zip"


def test_packaging_refuses_without_a_privacy_policy(tmp_path: Path) -> None:
    """The skill keeps personal information: certification needs a privacy policy's URL."""
    with pytest.raises(SystemExit, match="--privacy-url is needed"):
        build_package(PackageOptions(out=tmp_path / "out", deps=False))
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("url", ["not a url", "http://coach.example.org/privacy", "https://"])
def test_packaging_refuses_a_privacy_url_that_is_no_https_address(tmp_path: Path, url: str) -> None:
    with pytest.raises(SystemExit, match="must be an https:// address"):
        build_package(PackageOptions(out=tmp_path / "out", deps=False, privacy_url=url))


def test_no_skill_id_writes_no_states(tmp_path: Path) -> None:
    """Without --skill-id, ``ask deploy`` creates the skill and writes its own states file."""
    assert package_module.ask_states(PackageOptions(out=tmp_path)) is None


def test_the_privacy_policy_page_says_what_the_profile_keeps(package_dir: Path) -> None:
    page = (package_dir / "privacy-policy.md").read_text()
    kept = page.split("## What Spine Coach keeps")[1].split("## What it does not keep")[0]
    not_kept = page.split("## What it does not keep")[1].split("## Where")[0]
    assert "pain scores" in not_kept and "surgery date" in not_kept and "plans" in not_kept
    assert "pain" not in kept and "surgery" not in kept
    assert "delete my data" in page and "disable the skill" in page
    assert "deleted automatically" not in page  # no retention is configured for a deployment


def test_the_clinic_privacy_page_says_what_is_kept_only_with_the_link_the_voice_and_the_pin() -> None:
    from skill.devtools.package import privacy_policy
    from skill.domain.profile import CLINIC

    page = privacy_policy(CLINIC)
    kept = page.split("## What Spine Coach keeps")[1].split("## What it does not keep")[0]
    not_kept = page.split("## What it does not keep")[1].split("## Where")[0]
    assert "pain scores" in kept and "surgery date" in kept and "plan your clinician" in kept
    assert "not linked" in not_kept and "does not recognise your voice" in not_kept and "voice PIN" in not_kept
    assert "voice profile" in page and "each person in a household has their own" in page
    assert "only for you" in page and "everyone on your Amazon account" in page


CLINIC_OPTIONS: dict[str, Any] = {
    "profile": "clinic",
    "privacy_url": "https://clinic.example.org/privacy",
    "oidc_issuer": "https://id.clinic.example.org",
    "oidc_audience": "spine-coach",
    "authorization_url": "https://id.clinic.example.org/authorize",
    "token_url": "https://id.clinic.example.org/token",
    "client_id": "alexa-skill",
    "retention_days": 730,
    "time_zone": "America/Chicago",
}


@pytest.mark.parametrize(
    ("missing", "flag"),
    [
        ("oidc_issuer", "--oidc-issuer"),
        ("oidc_audience", "--oidc-audience"),
        ("authorization_url", "--authorization-url"),
        ("token_url", "--token-url"),
        ("client_id", "--client-id"),
        ("retention_days", "--retention-days"),
        ("time_zone", "--time-zone"),
        ("privacy_url", "--privacy-url"),
    ],
)
def test_the_clinic_package_refuses_without_each_setting_it_needs(tmp_path: Path, missing: str, flag: str) -> None:
    options = {**CLINIC_OPTIONS, missing: None}
    with pytest.raises(SystemExit, match=f"- {flag} is needed") as refused:
        build_package(PackageOptions(out=tmp_path / "out", deps=False, **options))
    assert str(refused.value).count("\n- ") == 1  # that one problem, and no other
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"locales": ("en-US", "en-GB")}, "ships in en-US only, not en-GB"),
        ({"locales": ("en-IN",)}, "ships in en-US only, not en-IN"),
        ({"locales": ("fr-FR",)}, "no interaction model for fr-FR"),
        ({"oidc_issuer": "http://id.clinic.example.org"}, "--oidc-issuer must be an https:// address"),
        ({"token_url": "id.clinic.example.org/token"}, "--token-url must be an https:// address"),
        ({"retention_days": 0}, "--retention-days must be a whole number of days"),
        ({"time_zone": "Chicago"}, "--time-zone must be an IANA time zone"),
        ({"approved_apis": ("reminders",)}, "--approved-api knows apl, not reminders"),
    ],
)
def test_the_clinic_package_refuses_what_certification_would(tmp_path: Path, change: dict[str, Any], says: str) -> None:
    with pytest.raises(SystemExit, match=says):
        build_package(PackageOptions(out=tmp_path / "out", deps=False, **{**CLINIC_OPTIONS, **change}))
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("oidc_issuer", "https://id.clinic.example.org"),
        ("oidc_audience", "spine-coach"),
        ("oidc_jwks_url", "https://id.clinic.example.org/jwks"),
        ("authorization_url", "http://id.clinic.example.org/authorize"),
        ("token_url", "https://id.clinic.example.org/token"),
        ("client_id", "alexa-skill"),
        ("scopes", ("openid",)),
        ("approved_apis", ("apl",)),
        ("time_zone", "America/Chicago"),
    ],
)
def test_the_consumer_package_takes_no_identity_provider(tmp_path: Path, flag: str, value: Any) -> None:
    """Settings for accounts the consumer profile never links are a mistake, not ignored."""
    options = {"privacy_url": "https://coach.example.org/privacy", flag: value}
    with pytest.raises(SystemExit, match="links no accounts"):
        build_package(PackageOptions(out=tmp_path / "out", deps=False, **options))


def test_the_consumer_manifest_keeps_no_health_information(package_dir: Path) -> None:
    manifest = json.loads((package_dir / "skill-package" / "skill.json").read_text())["manifest"]
    assert manifest["privacyAndCompliance"]["usesHealthInfo"] is False
    assert manifest["permissions"] == [{"name": package_module.REMINDERS_PERMISSION}]
    assert manifest["apis"]["custom"]["interfaces"] == [{"type": "ALEXA_PRESENTATION_APL"}]
    assert sorted(manifest["publishingInformation"]["distributionCountries"]) == ["AU", "CA", "GB", "IN", "US"]
    assert not (package_dir / "account-linking.json").exists()
    config = json.loads((package_dir / "ask-resources.json").read_text())
    assert "Profile" not in config["profiles"]["default"]["skillInfrastructure"]["userConfig"]["cfn"]["parameters"]


@pytest.fixture(scope="module")
def clinic_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("clinic") / "ask"
    report = build_package(PackageOptions(out=out, skill_id="amzn1.ask.skill.clinic", **CLINIC_OPTIONS))
    return out, report


def test_the_clinic_manifest_is_the_hipaa_eligible_route(clinic_dir: tuple[Path, str]) -> None:
    out, _ = clinic_dir
    skill_json = json.loads((out / "skill-package" / "skill.json").read_text())
    jsonschema.validate(skill_json, SCHEMA)
    manifest = skill_json["manifest"]
    assert list(manifest["publishingInformation"]["locales"]) == ["en-US"]
    assert manifest["publishingInformation"]["distributionCountries"] == ["US"]
    assert sorted(p.name for p in (out / "skill-package" / "interactionModels" / "custom").iterdir()) == ["en-US.json"]
    privacy = manifest["privacyAndCompliance"]
    assert privacy["usesHealthInfo"] is True and privacy["isChildDirected"] is False
    assert privacy["locales"] == {"en-US": {"privacyPolicyUrl": CLINIC_OPTIONS["privacy_url"]}}
    # Personalization (a record per voice, and the PIN); no Reminders API, no screens unasked.
    assert manifest["permissions"] == [{"name": package_module.PERSON_PERMISSION}]
    assert "interfaces" not in manifest["apis"]["custom"]
    assert manifest["events"]["subscriptions"] == [{"eventName": "SKILL_DISABLED"}]
    # What certification is told: link a made-up patient, the PIN; nothing of the consumer's.
    testing = manifest["publishingInformation"]["testingInstructions"]
    assert "test patient" in testing and "voice PIN" in testing and "made-up data" in testing
    assert "No account linking is needed" not in testing and "reminders permission" not in testing


def test_the_clinic_package_declares_screens_only_when_the_publisher_checked_them(tmp_path: Path) -> None:
    options = PackageOptions(out=tmp_path, **{**CLINIC_OPTIONS, "approved_apis": ("apl",)})
    assert manifest(options)["manifest"]["apis"]["custom"]["interfaces"] == [{"type": "ALEXA_PRESENTATION_APL"}]


def test_the_clinic_package_links_accounts_to_the_clinic_without_its_secret(clinic_dir: tuple[Path, str]) -> None:
    out, report = clinic_dir
    linking = json.loads((out / "account-linking.json").read_text())
    assert linking == {
        "accountLinkingRequest": {
            "type": "AUTH_CODE",
            "authorizationUrl": "https://id.clinic.example.org/authorize",
            "accessTokenUrl": "https://id.clinic.example.org/token",
            "clientId": "alexa-skill",
            "accessTokenScheme": "HTTP_BASIC",
            "skipOnEnablement": False,
        }
    }
    assert not any("clientSecret" in path.read_text(errors="ignore") for path in out.rglob("*.json"))
    config = json.loads((out / "ask-resources.json").read_text())["profiles"]["default"]["skillInfrastructure"]
    assert config["userConfig"]["cfn"]["parameters"] == {
        "LambdaArchitecture": "x86_64",
        "HistoryRetentionDays": "730",
        "TimeZone": "America/Chicago",
        "Profile": "clinic",
        "OidcIssuer": "https://id.clinic.example.org",
        "OidcAudience": "spine-coach",
    }
    template = yaml_parameters(out / config["userConfig"]["templatePath"])
    assert set(config["userConfig"]["cfn"]["parameters"]) <= template
    requirements = (out / "lambda" / "requirements.txt").read_text()
    assert "PyJWT==" in requirements and "cryptography==" in requirements and "boto3==" in requirements
    # What only the developer console or SMAPI can do, printed for the publisher.
    steps = report.split("still to do by hand:")[1]
    for words in (
        "protected health information",
        "Business Associate Agreement",
        "update-account-linking-info --skill-id amzn1.ask.skill.clinic",
        "outside the build folder",
        "PIN confirmation",
        "redirect",
        "test patient's sign-in",
        "SKILL_DISABLED",
    ):
        assert words in steps, words
    assert "file:account-linking.json" not in steps  # never the copy in the build folder


def yaml_parameters(template: Path) -> set[str]:
    """The parameter names a CloudFormation template declares (its short tags aside)."""
    names, inside = set(), False
    for line in template.read_text().splitlines():
        if line.startswith("Parameters:"):
            inside = True
        elif inside and line and not line.startswith(" "):
            break
        elif inside and line.startswith("  ") and not line.startswith("   ") and line.strip().endswith(":"):
            names.add(line.strip().rstrip(":"))
    return names


def test_the_clinic_privacy_page_says_how_long_history_is_kept(clinic_dir: tuple[Path, str]) -> None:
    out, _ = clinic_dir
    page = (out / "privacy-policy.md").read_text()
    assert "is deleted automatically 730 days after it was recorded" in page
    assert "voice PIN" in page


def test_the_clinic_zip_checks_the_clinics_tokens_in_a_clean_virtual_environment(
    clinic_dir: tuple[Path, str], tmp_path: Path
) -> None:
    """The zip carries what checks a token (PyJWT, cryptography for RS256): a linked,
    recognised patient's launch is verified and handed to Alexa for the voice PIN; a forged
    token gets the link card."""
    from skill.alexa import account
    from skill.devtools.nlu import SlotFill
    from tests.support import linked

    out, _ = clinic_dir
    unpacked = tmp_path / "function"
    with zipfile.ZipFile(out / "lambda.zip") as archive:
        archive.extractall(unpacked)
    patient = linked(skill_id="amzn1.ask.skill.clinic")
    forger = linked(skill_id="amzn1.ask.skill.clinic", access_token="eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")
    pain = intent_request(forger, "LogPainIntent", {"score": SlotFill("score", "5", slot_type="AMAZON.NUMBER")})
    events = [
        envelope(patient, launch_request(patient), session_id=new_session_id(), new=True),
        envelope(forger, pain, session_id=new_session_id(), new=True),
    ]
    settings = {
        "SPINE_COACH_SKILL_ID": "amzn1.ask.skill.clinic",
        "SPINE_COACH_PROFILE": "clinic",
        **{name: os.environ[name] for name in (account.ISSUER, account.AUDIENCE, account.JWKS_URL)},
    }
    answers = run_function(unpacked, tmp_path, events, settings)
    patient_answer, forger_answer = (answer["response"] for answer in answers)
    assert [d["type"] for d in patient_answer["directives"]] == ["Connections.StartConnection"]
    assert patient_answer["directives"][0]["uri"] == "connection://AMAZON.VerifyPerson/2"
    assert forger_answer["card"]["type"] == "LinkAccount"
