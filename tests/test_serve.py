"""``spine-coach serve`` for real: gunicorn on a loopback port, plain HTTP in dev mode and TLS in production."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from skill.web.server import ServeOptions, gunicorn_options
from tests.pki import make_ca, make_leaf
from tests.support import check_response, free_port
from tests.test_web import launch_body


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def serving(
    args: list[str],
    env: dict[str, str],
    url: str,
    log_path: Path,
    verify: str | bool = False,
    command: list[str] | None = None,
) -> Iterator[Served]:
    """Run ``spine-coach serve`` (or ``command``) until the block ends, once ``/health``
    answers; its output goes to ``log_path``."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command or [sys.executable, "-m", "skill.devtools.cli", "serve", *args],
            env={**os.environ, **env},
            stdout=log,
            stderr=log,
        )
        served = Served(process, log_path)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if requests.get(f"{url}/health", timeout=1, verify=verify).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"server did not start: {served.log[-2000:]}")
                time.sleep(0.2)
            yield served
        finally:
            process.terminate()
            process.wait(timeout=20)


def test_dev_server_answers_unsigned_requests_on_loopback(tmp_path: Path) -> None:
    port = free_port()
    env = {"SPINE_COACH_STORE": f"sqlite:///{tmp_path}/dev.db"}
    args = ["--dev", "--port", str(port), "--host", "0.0.0.0"]
    with serving(args, env, f"http://127.0.0.1:{port}", tmp_path / "serve.log") as served:
        response = requests.post(
            f"http://127.0.0.1:{port}/", data=launch_body(), timeout=10, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 200
        check_response(response.json())
    stderr = served.log
    assert "DEVELOPMENT MODE: request signature and timestamp checks are OFF" in stderr
    assert f"Listening at: http://127.0.0.1:{port}" in stderr


def test_production_server_over_tls_refuses_unsigned_requests(tmp_path: Path) -> None:
    ca = make_ca("Local TLS CA")
    leaf = make_leaf(ca, dns_names=("localhost",))
    (tmp_path / "cert.pem").write_bytes(leaf.pem() + ca.pem())
    (tmp_path / "key.pem").write_bytes(leaf.key_pem())
    (tmp_path / "ca.pem").write_bytes(ca.pem())
    port = free_port()
    env = {"SPINE_COACH_STORE": f"sqlite:///{tmp_path}/prod.db", "SPINE_COACH_SKILL_ID": "amzn1.ask.skill.test"}
    args = [
        "--port",
        str(port),
        "--host",
        "127.0.0.1",
        "--certfile",
        str(tmp_path / "cert.pem"),
        "--keyfile",
        str(tmp_path / "key.pem"),
        "--workers",
        "2",
    ]
    url = f"https://localhost:{port}"
    with serving(args, env, url, tmp_path / "serve.log", verify=str(tmp_path / "ca.pem")):
        health = requests.get(f"{url}/health", timeout=5, verify=str(tmp_path / "ca.pem"))
        assert health.json() == {"status": "ok", "verification": "on"}
        refused = requests.post(
            f"{url}/",
            data=launch_body(),
            timeout=10,
            verify=str(tmp_path / "ca.pem"),
            headers={"Content-Type": "application/json"},
        )
        assert refused.status_code == 400
        assert json.loads(refused.text) == {"error": "request failed verification"}


def test_production_without_a_skill_id_refuses_to_start(tmp_path: Path) -> None:
    env = {**os.environ, "SPINE_COACH_STORE": f"sqlite:///{tmp_path}/x.db"}
    env.pop("SPINE_COACH_SKILL_ID", None)
    result = subprocess.run(
        [sys.executable, "-m", "skill.devtools.cli", "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "SPINE_COACH_SKILL_ID" in result.stderr


def test_dev_mode_always_binds_loopback() -> None:
    assert gunicorn_options(ServeOptions(host="0.0.0.0", port=9000, dev=True))["bind"] == "127.0.0.1:9000"
    assert gunicorn_options(ServeOptions(host="0.0.0.0", port=9000))["bind"] == "0.0.0.0:9000"
