"""The oscrypto import fix: flask-ask-sdk imports on current OpenSSL; a fixed oscrypto is left alone."""

from __future__ import annotations

import re
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

from skill.web.compat import oscrypto_openssl3


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)


def test_flask_ask_sdk_imports_with_the_fix() -> None:
    result = _run(
        "from skill.web.compat import oscrypto_openssl3; oscrypto_openssl3.install(); "
        "import flask_ask_sdk.skill_adapter; import oscrypto._openssl._libcrypto as l; print(l.libcrypto_version_info)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("(")


def test_without_the_fix_the_import_fails_on_this_openssl() -> None:
    import importlib.util

    spec = importlib.util.find_spec("oscrypto._openssl._libcrypto_ctypes")
    assert spec is not None
    assert spec.origin is not None
    two_digit_patch = re.search(r"\d+\.\d+\.\d{2,}", ssl.OPENSSL_VERSION) is not None
    if not (oscrypto_openssl3.needed(Path(spec.origin).read_text()) and two_digit_patch):
        pytest.skip("this oscrypto or OpenSSL does not have the bug; the fix is a no-op here")
    result = _run("import flask_ask_sdk.skill_adapter")
    assert result.returncode != 0
    assert "Error detecting the version of libcrypto" in result.stderr


def test_a_fixed_oscrypto_is_loaded_unchanged(tmp_path: Path) -> None:
    package = tmp_path / "oscrypto" / "_openssl"
    package.mkdir(parents=True)
    (tmp_path / "oscrypto" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    fixed = "import re\nversion_match = re.search('\\\\b(\\\\d+\\\\.\\\\d+\\\\.\\\\d+[a-z]*)\\\\b', '3.0.19')\n"
    (package / "_libcrypto_ctypes.py").write_text(fixed)
    assert not oscrypto_openssl3.needed(fixed)
    finder = oscrypto_openssl3._FINDER
    assert finder.find_spec("oscrypto._openssl._libcrypto_ctypes", [str(package)]) is None  # steps aside
    assert finder.find_spec("json", None) is None  # and never touches anything else


def test_install_is_idempotent() -> None:
    oscrypto_openssl3.install()
    oscrypto_openssl3.install()
    assert sum(1 for f in sys.meta_path if f is oscrypto_openssl3._FINDER) == 1
