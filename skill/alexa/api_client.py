"""The HTTP client for Alexa's service APIs (reminders, device settings), with timeouts.

The SDK's ``DefaultApiClient`` calls ``requests`` with no timeout, so a slow API could
hold the answer past Alexa's ~8 seconds. This client has the same contract (HTTPS only,
JSON bodies, failures as ``ApiClientException``, which the service clients turn into
``ServiceException`` with status 500), a connect and read timeout, a pooled session, and
an optional CA bundle for a local stand-in.
"""

from __future__ import annotations

import json
from typing import Any

from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services import ApiClient, ApiClientResponse

CONNECT_TIMEOUT = 1.5
READ_TIMEOUT = 3.0


class TimeoutApiClient(ApiClient):  # type: ignore[misc]
    def __init__(
        self, *, timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT), ca_bundle: str | None = None
    ) -> None:
        self.timeout = timeout
        self.verify: str | bool = ca_bundle or True
        self._session: Any = None  # requests is imported on first use: most turns call no API

    @property
    def session(self) -> Any:
        if self._session is None:
            import requests

            self._session = requests.Session()
        return self._session

    def invoke(self, request: Any) -> ApiClientResponse:
        url = request.url or ""
        if not url.lower().startswith("https://"):
            raise ApiClientException("Requests against non-HTTPS endpoints are not allowed.")
        headers = dict(request.headers or [])
        data = None
        if request.body:
            content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
            data = json.dumps(request.body) if "json" in content_type else request.body
        import requests

        try:
            response = self.session.request(
                (request.method or "GET").upper(),
                url,
                headers=headers,
                data=data,
                timeout=self.timeout,
                verify=self.verify,
            )
        except requests.RequestException as exc:
            raise ApiClientException(f"Error executing the request: {type(exc).__name__}") from exc
        return ApiClientResponse(
            headers=list(response.headers.items()), status_code=response.status_code, body=response.text
        )
