"""Opening a client for one tenant's connection: the right ``httpx.Auth`` for its auth mode, and (for IMS) the
token provider with its store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from mlconnector.connectors.commerce.auth.bearer import BearerToken
from mlconnector.connectors.commerce.auth.ims import ImsAuth, ImsCredential, ImsTokenProvider
from mlconnector.connectors.commerce.auth.oauth1 import OAuth1Integration
from mlconnector.connectors.commerce.auth.token_store import CachedToken, TokenStore
from mlconnector.connectors.commerce.client import CommerceClient
from mlconnector.connectors.commerce.config import BEARER, IMS, OAUTH1, Connection
from mlconnector.connectors.commerce.retry import RetryPolicy


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Wiring:
    """What the plugin instance shares across reads in this process (and what tests replace)."""

    transport: httpx.AsyncBaseTransport | None = None
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    clock: Callable[[], datetime] = _now
    held_tokens: dict[str, CachedToken] = field(default_factory=dict)
    """IMS tokens this process holds, by tenant and credential (the first cache level)."""


def auth_for(connection: Connection, provider: ImsTokenProvider | None) -> httpx.Auth:
    if connection.auth_mode == OAUTH1:
        assert connection.consumer_key and connection.consumer_secret
        assert connection.access_token and connection.access_token_secret
        return OAuth1Integration(
            connection.consumer_key,
            connection.consumer_secret.reveal(),
            connection.access_token.reveal(),
            connection.access_token_secret.reveal(),
            signature_method=connection.signature_method,
        )
    if connection.auth_mode == BEARER:
        assert connection.access_token
        return BearerToken(connection.access_token.reveal())
    assert provider is not None
    return ImsAuth(provider)


def ims_credential(connection: Connection) -> ImsCredential:
    assert connection.ims_client_id and connection.ims_client_secret and connection.ims_org_id
    return ImsCredential(
        client_id=connection.ims_client_id,
        client_secret=connection.ims_client_secret,
        org_id=connection.ims_org_id,
        scopes=connection.ims_scopes,
        token_url=connection.ims_token_url,
        fingerprint=connection.credential_fingerprint,
    )


@asynccontextmanager
async def open_client(
    connection: Connection,
    wiring: Wiring,
    *,
    token_store: TokenStore,
    tenant_key: str,
    policy: RetryPolicy | None = None,
) -> AsyncIterator[CommerceClient]:
    ims_http: httpx.AsyncClient | None = None
    provider = None
    if connection.auth_mode == IMS:
        ims_http = httpx.AsyncClient(transport=wiring.transport, verify=connection.verify_tls, follow_redirects=False)
        credential = ims_credential(connection)
        provider = ImsTokenProvider(
            credential,
            token_store,
            ims_http,
            clock=wiring.clock,
            memory=wiring.held_tokens,
            memory_key=f"{tenant_key}:{credential.fingerprint}",
        )
    client = CommerceClient(
        connection,
        auth_for(connection, provider),
        transport=wiring.transport,
        policy=policy or wiring.policy,
        sleep=wiring.sleep,
    )
    try:
        yield client
    finally:
        await client.aclose()
        if ims_http is not None:
            await ims_http.aclose()
