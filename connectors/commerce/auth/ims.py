"""Adobe Commerce as a Cloud Service: IMS OAuth 2.0 server-to-server tokens (NOTES §2.4).

``POST <ims>/ims/token/v3`` (form: ``client_id``, ``client_secret``, ``grant_type=client_credentials``, ``scope``)
answers ``{access_token, token_type, expires_in}`` — about 24 h, and no refresh token: a new one is requested.
Every REST call carries ``Authorization: Bearer``, ``x-api-key: <client id>`` and ``x-gw-ims-org-id``.

Tokens are replaced at three quarters of their lifetime, not on the first 401; one worker at a time does it
(:class:`TokenStore` holds the lock). If the store still answers 401 mid-read (a token revoked early), the
request is retried once with a new token and the read goes on from where it was.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from mlconnector.connectors.commerce.auth.token_store import CachedToken, TokenStore
from mlconnector.connectors.commerce.errors import AuthenticationFailed, CommerceError
from mlconnector.platform.plugins import Secret, record_commerce_call

REFRESH_AT_FRACTION = 0.75
TOKEN_TIMEOUT_SECONDS = 15.0


class ScopeMissing(AuthenticationFailed):
    """IMS refused a scope the credential does not carry (typically ``commerce.accs``)."""


@dataclass(frozen=True, slots=True)
class ImsCredential:
    client_id: str
    client_secret: Secret
    org_id: str
    scopes: tuple[str, ...]
    token_url: str
    fingerprint: str
    """Identifies the credential in the token store without its secret."""


def _now() -> datetime:
    return datetime.now(UTC)


async def request_token(http: httpx.AsyncClient, credential: ImsCredential, now: datetime) -> CachedToken:
    """One ``client_credentials`` exchange. Errors name the problem, never the secret."""
    form = {
        "client_id": credential.client_id,
        "client_secret": credential.client_secret.reveal(),
        "grant_type": "client_credentials",
        "scope": ",".join(credential.scopes),
    }
    started = time.monotonic()
    try:
        response = await http.post(credential.token_url, data=form, timeout=TOKEN_TIMEOUT_SECONDS)
    except httpx.HTTPError as error:
        record_commerce_call("ims.token", time.monotonic() - started, None)
        raise CommerceError(f"Adobe IMS could not be reached ({type(error).__name__})") from error
    record_commerce_call("ims.token", time.monotonic() - started, response.status_code)
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 200:
        code = str(body.get("error") or f"HTTP {response.status_code}")
        if code == "invalid_scope":
            raise ScopeMissing(
                f"Adobe IMS refused the scopes {', '.join(credential.scopes)} for this credential: add the Adobe "
                "Commerce API (scope commerce.accs) to the OAuth Server-to-Server credential in the Developer Console"
            )
        if code in {"invalid_client", "unauthorized_client"} or response.status_code in {400, 401}:
            raise AuthenticationFailed(f"Adobe IMS rejected the client id or client secret ({code})")
        raise CommerceError(f"Adobe IMS answered {code}")
    lifetime = timedelta(seconds=float(body.get("expires_in") or 0))
    if not body.get("access_token") or lifetime <= timedelta(0):
        raise CommerceError("Adobe IMS answered without an access token")
    return CachedToken(
        access_token=Secret(str(body["access_token"])),
        expires_at=now + lifetime,
        refresh_at=now + lifetime * REFRESH_AT_FRACTION,
    )


class ImsTokenProvider:
    """Hands out a current token for one credential, refreshing it ahead of expiry, once across workers."""

    def __init__(
        self,
        credential: ImsCredential,
        store: TokenStore,
        http: httpx.AsyncClient,
        *,
        clock: Callable[[], datetime] = _now,
        memory: dict[str, CachedToken] | None = None,
        memory_key: str | None = None,
    ) -> None:
        self.credential = credential
        self._store = store
        self._http = http
        self._clock = clock
        self._memory = memory if memory is not None else {}
        self._memory_key = memory_key or credential.fingerprint
        self.refreshes = 0
        """Tokens this provider requested from IMS (observability and tests)."""

    async def token(self) -> Secret:
        """The current token: from this process's memory, else the shared store, else a refresh."""
        now = self._clock()
        held = self._memory.get(self._memory_key)
        if held is not None and held.fresh(now):
            return held.access_token
        stored = await self._store.get(self.credential.fingerprint)
        if stored is not None and stored.fresh(now):
            self._memory[self._memory_key] = stored
            return stored.access_token
        return await self._refresh(rejected=None)

    async def replace(self, rejected: Secret) -> Secret:
        """A token the store refused: get another (unless another worker already did)."""
        return await self._refresh(rejected=rejected)

    async def _refresh(self, rejected: Secret | None) -> Secret:
        async with self._store.exclusive(self.credential.fingerprint) as slot:
            now = self._clock()
            current = slot.current
            if current is not None and current.fresh(now) and current.access_token != rejected:
                self._memory[self._memory_key] = current
                return current.access_token
            held = self._memory.get(self._memory_key)
            if held is not None and held.fresh(now) and held.access_token != rejected:
                return held.access_token  # refreshed by this process while we waited for the lock
            token = await request_token(self._http, self.credential, now)
            self.refreshes += 1
            await slot.put(token)
            self._memory[self._memory_key] = token
            return token.access_token


class ImsAuth(httpx.Auth):
    """Bearer token plus the two IMS headers; a 401 gets one new token and one more try."""

    def __init__(self, provider: ImsTokenProvider) -> None:
        self._provider = provider

    def _apply(self, request: httpx.Request, token: Secret) -> None:
        request.headers["Authorization"] = f"Bearer {token.reveal()}"
        request.headers["x-api-key"] = self._provider.credential.client_id
        request.headers["x-gw-ims-org-id"] = self._provider.credential.org_id

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self._provider.token()
        self._apply(request, token)
        response = yield request
        if response.status_code == 401:
            await response.aread()
            self._apply(request, await self._provider.replace(token))
            yield request

    def sync_auth_flow(self, request: httpx.Request):  # type: ignore[no-untyped-def]
        raise RuntimeError("IMS authentication is asynchronous; use httpx.AsyncClient")
