"""What a Lambda cold start loads, and that what it leaves out changes nothing once needed.

Each case runs in a fresh interpreter: what a process has imported is the thing under test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from skill.devtools import envelopes
from skill.devtools.envelopes import Device
from skill.domain.catalog import load_catalog

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def saved_catalog() -> None:
    """The catalog saved beside its content, as the package command ships it."""
    load_catalog.cache_clear()
    load_catalog()


def run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # The default deployment (consumer). The clinic profile checks an access token on every
    # request and so loads PyJWT and what it needs (urllib's, which loads random) as well.
    env = {
        **os.environ,
        "SPINE_COACH_STORE": f"sqlite:///{tmp_path}/cold.db",
        "SPINE_COACH_ALLOW_ANY_SKILL": "1",
        "SPINE_COACH_PROFILE": "consumer",
    }
    env.pop("SPINE_COACH_SKILL_ID", None)
    program = f"import sys\nsys.path.insert(0, {str(REPO / 'lambda')!r})\n{code}"
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, cwd=tmp_path, check=False
    )
    assert done.returncode == 0, done.stderr
    return done


def launch_event() -> str:
    device = Device()
    return json.dumps(envelopes.envelope(device, envelopes.launch_request(device), session_id="s1", new=True))


LAUNCH = """
import json
from lambda_function import lambda_handler
answer = lambda_handler(json.loads({event!r}), None)
print(json.dumps(answer["response"]["outputSpeech"]["ssml"]))
"""


def test_a_launch_does_not_import_what_it_does_not_use(tmp_path: Path) -> None:
    check = "print(sorted({'logging', 'pickle', 'random'} & set(sys.modules)))\n"
    done = run(LAUNCH.format(event=launch_event()) + check, tmp_path)
    speech, loaded = done.stdout.splitlines()
    assert "Spine Coach" in json.loads(speech)
    assert loaded == "[]"
    assert done.stderr == ""


def test_a_launch_reads_only_the_guidance_of_the_saved_catalog(tmp_path: Path) -> None:
    code = (
        "from skill.domain.catalog import load_catalog\nprint(sorted(k for k in vars(load_catalog()) if k[0] != '_'))\n"
    )
    done = run(LAUNCH.format(event=launch_event()) + code, tmp_path)
    assert done.stdout.splitlines()[-1] == "['guidance']"


def test_the_request_log_line_once_logging_is_configured(tmp_path: Path) -> None:
    # The Lambda runtime configures logging before it imports the function: the line is as before.
    code = "import logging\nlogging.basicConfig(format='%(levelname)s %(name)s %(message)s')\n"
    done = run(code + LAUNCH.format(event=launch_event()), tmp_path)
    (line,) = done.stderr.splitlines()
    assert line.startswith("INFO spine_coach LaunchRequest - end_session=False ")
    assert line.endswith("ms")


def test_a_level_set_before_logging_is_imported_applies_when_it_is(tmp_path: Path) -> None:
    code = """
from skill.alexa import logs
logs.getLogger("spine_coach").setLevel(20)
logs.getLogger("spine_coach.reminders").info("dropped: no handler can exist")
assert "logging" not in sys.modules
import logging
logging.basicConfig(format="%(levelname)s %(name)s %(message)s")
logs.getLogger("spine_coach.reminders").info("kept: %s", "inherited INFO")
logs.getLogger("spine_coach").warning("a warning")
"""
    done = run(code, tmp_path)
    assert done.stderr.splitlines() == [
        "INFO spine_coach.reminders kept: inherited INFO",
        "WARNING spine_coach a warning",
    ]


def test_a_warning_without_configured_logging_still_reaches_stderr(tmp_path: Path) -> None:
    done = run(
        "from skill.alexa import logs\nlogs.getLogger('spine_coach').warning('store read failed: %s', 'OSError')",
        tmp_path,
    )
    assert done.stderr == "store read failed: OSError\n"  # logging.lastResort, as before
