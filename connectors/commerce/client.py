"""HTTP to one store: base URL forms, timeouts well under 60 s, bounded retries, Magento's error bodies.

The same client serves every auth mode (an ``httpx.Auth``): OAuth 1.0a signs each attempt anew, IMS refreshes
once on a 401. Redirects are not followed: a store that redirects (http → https, a moved host) would otherwise
get re-signed requests for a URL the merchant never configured; the redirect is reported instead.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from mlconnector.connectors.commerce.config import CLOUD_SERVICE, Connection
from mlconnector.connectors.commerce.errors import CommerceHTTPError, RetriesExhausted
from mlconnector.connectors.commerce.retry import RETRYABLE_STATUS, RetryPolicy, parse_retry_after
from mlconnector.connectors.commerce.search import SearchCriteria
from mlconnector.platform.plugins import record_commerce_call

_PLACEHOLDER = re.compile(r"%(\w+)")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def magento_message(body: Any) -> tuple[str, Any]:
    """Magento's ``{"message": "... %1 ...", "parameters": [...]|{...}}`` with the placeholders filled."""
    if not isinstance(body, dict) or not isinstance(body.get("message"), str):
        return "", None
    parameters = body.get("parameters")

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if isinstance(parameters, list) and name.isdigit() and 0 < int(name) <= len(parameters):
            return str(parameters[int(name) - 1])
        if isinstance(parameters, dict) and name in parameters:
            return str(parameters[name])
        return match.group(0)

    return _PLACEHOLDER.sub(fill, body["message"]), parameters


def operation_name(path: str, searching: bool) -> str:
    """A metrics label for a call, without ids: ``orders.search``, ``orders.get``, ``store.store_configs``."""
    parts = [part for part in path.strip("/").split("/") if part and not part.isdigit()]
    name = ".".join(_CAMEL.sub("_", part).lower() for part in parts) or "root"
    if searching and not name.endswith("search"):
        return f"{name}.search"
    if any(part.isdigit() for part in path.split("/")):
        return f"{name}.get"
    return name


def is_tls_error(error: BaseException) -> bool:
    """A certificate or handshake failure (retrying cannot fix it)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _said(response: httpx.Response) -> str:
    """What the store said with an error status, for the message (``""`` when it said nothing readable)."""
    try:
        message, _ = magento_message(response.json())
    except ValueError:
        return ""
    return f" ({message})" if message else ""


@dataclass(frozen=True, slots=True)
class SearchPage:
    items: list[dict[str, Any]]
    total_count: int


class CommerceClient:
    """GET-only REST client for ``V1/...`` paths of one store."""

    def __init__(
        self,
        connection: Connection,
        auth: httpx.Auth,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        headers = {"Accept": "application/json"}
        if connection.platform == CLOUD_SERVICE and connection.store_code:
            headers["Store"] = connection.store_code
        seconds = float(connection.request_timeout_seconds)
        self._http = httpx.AsyncClient(
            base_url=f"{connection.rest_root}/V1/",
            auth=auth,
            headers=headers,
            timeout=httpx.Timeout(seconds, connect=min(seconds, 10.0)),
            limits=httpx.Limits(max_connections=connection.max_concurrency * 2),
            follow_redirects=False,
            verify=connection.verify_tls,
            transport=transport,
        )
        self._policy = policy or RetryPolicy()
        self._sleep = sleep
        self.server_date: datetime | None = None
        """The ``Date`` header of the last answer: the store's clock, for diagnosing OAuth clock skew."""

    async def __aenter__(self) -> CommerceClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def get(self, path: str, params: Sequence[tuple[str, str]] = ()) -> Any:
        """The JSON answer of ``GET V1/<path>``; raises :class:`CommerceHTTPError` for an error status."""
        response = await self._send(path, params)
        return self._json(response, path)

    async def get_optional(self, path: str, params: Sequence[tuple[str, str]] = ()) -> Any | None:
        """Like :meth:`get`, with ``None`` for a 404 (the record does not exist, or no longer)."""
        try:
            return await self.get(path, params)
        except CommerceHTTPError as error:
            if error.status == 404:
                return None
            raise

    async def search(self, path: str, criteria: SearchCriteria) -> SearchPage:
        body = await self.get(path, criteria.params())
        if not isinstance(body, dict) or not isinstance(body.get("items", []), list):
            raise CommerceHTTPError(200, "the search answer is not a search result", path=path)
        if "total_count" not in body:
            raise CommerceHTTPError(200, "the search answer has no total_count (ask for it in fields)", path=path)
        return SearchPage(items=body.get("items") or [], total_count=int(body["total_count"]))

    async def _send(self, path: str, params: Sequence[tuple[str, str]]) -> httpx.Response:
        nonce_retried = False
        attempt = 0
        operation = operation_name(path, any(name.startswith("searchCriteria") for name, _ in params))
        while True:
            attempt += 1
            started = time.monotonic()
            try:
                response = await self._http.get(path.lstrip("/"), params=list(params))
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as error:
                record_commerce_call(operation, time.monotonic() - started, None)
                if is_tls_error(error):
                    raise
                if attempt >= self._policy.attempts:
                    raise RetriesExhausted(
                        f"{path}: no answer after {attempt} tries ({type(error).__name__})"
                    ) from error
                await self._sleep(self._policy.backoff(attempt))
                continue
            record_commerce_call(operation, time.monotonic() - started, response.status_code)
            self._remember_date(response)
            if response.status_code in RETRYABLE_STATUS:
                wait = parse_retry_after(response.headers.get("Retry-After"))
                if wait is not None and wait > self._policy.max_retry_after:
                    raise RetriesExhausted(f"{path}: the store asks to wait {wait:.0f} s", retry_after=wait)
                if attempt >= self._policy.attempts:
                    said = _said(response)
                    raise RetriesExhausted(
                        f"{path}: HTTP {response.status_code} after {attempt} tries{said}", retry_after=wait
                    )
                await self._sleep(max(wait or 0.0, self._policy.backoff(attempt)))
                continue
            if response.status_code == 401 and not nonce_retried and b"nonce" in response.content.lower():
                nonce_retried = True  # a nonce collision: sign again with a fresh one (NOTES §2.1)
                continue
            return response

    def _remember_date(self, response: httpx.Response) -> None:
        value = response.headers.get("Date")
        if value:
            try:
                moment = parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return
            self.server_date = moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    def _json(self, response: httpx.Response, path: str) -> Any:
        if 300 <= response.status_code < 400:
            location = response.headers.get("Location", "another address")
            raise CommerceHTTPError(
                response.status_code, f"the store redirects to {location}; configure that address", path=path
            )
        try:
            body = response.json()
        except ValueError:
            kind = response.headers.get("Content-Type", "unknown").split(";")[0]
            raise CommerceHTTPError(
                response.status_code,
                f"the store answered with a {kind} page instead of JSON (a firewall, CDN or maintenance page?)",
                path=path,
            ) from None
        if response.status_code >= 400:
            message, parameters = magento_message(body)
            raise CommerceHTTPError(
                response.status_code, message or f"HTTP {response.status_code}", path=path, parameters=parameters
            )
        return body
