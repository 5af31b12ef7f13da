"""The production web service under gunicorn, trusting a test PKI instead of Amazon's.

Run as ``python -m tests.signed_server`` by ``tests/test_slow_clients.py``: everything is the
production path (``skill.web.server.run`` with ``gunicorn_options``, threaded workers, the
signature, timestamp and skill id checks) except where the certificate chain comes from
(``SPINE_COACH_TEST_CHAIN``, a PEM file, for any URL) and what it must chain to
(``SPINE_COACH_TEST_ROOT``). Plain HTTP on loopback (a reverse proxy's), or TLS with
``SPINE_COACH_TEST_CERTFILE`` and ``SPINE_COACH_TEST_KEYFILE``.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography import x509
from cryptography.x509.verification import Store

from skill.devtools.envelopes import LOCAL_SKILL_ID
from skill.web.app import WebConfig, create_app
from skill.web.server import ServeOptions, run


def main() -> None:
    root = x509.load_pem_x509_certificate(Path(os.environ["SPINE_COACH_TEST_ROOT"]).read_bytes())
    chain = Path(os.environ["SPINE_COACH_TEST_CHAIN"]).read_bytes()
    config = WebConfig(
        skill_id=LOCAL_SKILL_ID,
        store_url=os.environ["SPINE_COACH_STORE"],
        trust_store=Store([root]),
        cert_fetch=lambda url: chain,
    )
    options = ServeOptions(
        host="127.0.0.1",
        port=int(os.environ["SPINE_COACH_TEST_PORT"]),
        certfile=os.environ.get("SPINE_COACH_TEST_CERTFILE"),  # TLS when both are given
        keyfile=os.environ.get("SPINE_COACH_TEST_KEYFILE"),
    )
    run(options, lambda: create_app(config))


if __name__ == "__main__":
    main()
