"""A real DynamoDB emulator over HTTP for the tests: ``moto`` in server mode on a loopback port."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from tests.support import free_port

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@dataclass
class Emulator:
    endpoint: str
    process: subprocess.Popen[bytes]

    def resource(self) -> Any:
        import boto3

        return boto3.resource(
            "dynamodb",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def create_table(self, name: str) -> None:
        """The record table ``name`` (as the ASK adapter makes it) and ``name-history``."""
        from skill.store.dynamodb import HISTORY_SUFFIX, create_history_table

        resource = self.resource()
        table = resource.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        table.wait_until_exists()
        create_history_table(resource, name + HISTORY_SUFFIX)

    def history_count(self, table: str, user_id: str) -> int:
        from boto3.dynamodb.conditions import Key

        history = self.resource().Table(table + "-history")
        count, query = 0, {"KeyConditionExpression": Key("id").eq(user_id), "Select": "COUNT"}
        while True:
            page = history.query(**query)
            count += int(page["Count"])
            if "LastEvaluatedKey" not in page:
                return count
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def item(self, table: str, user_id: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self.resource().Table(table).get_item(Key={"id": user_id}).get("Item")
        return found


@contextmanager
def moto_server(log_dir: Path) -> Iterator[Emulator]:
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with (log_dir / "moto.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            env={**os.environ, **CREDENTIALS},
            stdout=log,
            stderr=log,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    requests.get(f"{endpoint}/moto-api/", timeout=1)
                    break
                except requests.RequestException:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError((log_dir / "moto.log").read_text()[-2000:]) from None
                    time.sleep(0.2)
            yield Emulator(endpoint, process)
        finally:
            process.terminate()
            process.wait(timeout=20)


class FaultyProxy:
    """An HTTP proxy in front of the emulator that can stop answering or throttle.

    ``mode`` is "pass" (forward), "down" (drop every connection) or "throttle" (answer
    as DynamoDB does when throughput is exceeded). The emulator itself keeps its data.
    """

    def __init__(self, target: str) -> None:
        import http.client
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import urlsplit

        self.mode = "pass"
        self.requests = 0
        proxy = self
        parts = urlsplit(target)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                proxy.requests += 1
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if proxy.mode == "down":
                    self.close_connection = True
                    self.connection.close()
                    return
                if proxy.mode == "throttle":
                    payload = (
                        b'{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException",'
                        b'"message":"Rate of requests exceeds the allowed throughput."}'
                    )
                    self.send_response(400)
                    self.send_header("Content-Type", "application/x-amz-json-1.0")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                upstream = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
                upstream.request("POST", self.path, body=body, headers=dict(self.headers.items()))
                answer = upstream.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                upstream.close()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
