"""Every SQL statement of the plugin: IMS token slots and webhook endpoints. Each query filters by tenant and
each insert stamps it (wall 1); row-level security checks the same on PostgreSQL (wall 2)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.connectors.commerce.auth.token_store import CachedToken, Sealer, VaultSealer
from mlconnector.connectors.commerce.models import ImsTokenSlot, WebhookEndpoint
from mlconnector.platform.plugins import Database, Secret, utcnow

VAULT = VaultSealer()
TOKEN_PURPOSE = "commerce.ims_token"  # noqa: S105 - a vault purpose label, not a password


def _insert(session: AsyncSession) -> object:
    return postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert


async def _token(session: AsyncSession, slot: ImsTokenSlot, sealer: Sealer | None) -> CachedToken | None:
    if sealer is None or not slot.sealed_token or slot.expires_at is None or slot.refresh_at is None:
        return None
    plaintext = await sealer.unseal(session, f"{TOKEN_PURPOSE}:{slot.credential}", slot.sealed_token)
    return CachedToken(access_token=Secret(plaintext), expires_at=slot.expires_at, refresh_at=slot.refresh_at)


@dataclass(slots=True)
class _DatabaseSlot:
    session: AsyncSession
    tenant_id: uuid.UUID
    credential: str
    sealer: Sealer | None
    current: CachedToken | None

    async def put(self, token: CachedToken) -> None:
        sealed = None
        if self.sealer is not None:
            purpose = f"{TOKEN_PURPOSE}:{self.credential}"
            sealed = await self.sealer.seal(self.session, purpose, token.access_token.reveal())
        await self.session.execute(
            update(ImsTokenSlot)
            .where(ImsTokenSlot.tenant_id == self.tenant_id, ImsTokenSlot.credential == self.credential)
            .values(
                sealed_token=sealed,
                expires_at=token.expires_at,
                refresh_at=token.refresh_at,
                refreshes=ImsTokenSlot.refreshes + 1,
            )
        )
        self.current = token


class DatabaseTokenStore:
    """IMS tokens of one tenant in ``commerce_ims_tokens``.

    ``exclusive`` takes the slot's row lock (``INSERT … ON CONFLICT DO UPDATE`` locks the row on PostgreSQL and
    takes SQLite's single writer lock) and holds it until the refreshed token is written, so one worker refreshes
    while the others wait and then find the new token. Tokens are stored only sealed by ``sealer`` (the credential
    vault, :class:`VaultSealer` by default); with ``sealer=None`` the row is the lock alone and each process keeps its
    token in memory.
    """

    def __init__(self, database: Database, tenant_id: uuid.UUID, sealer: Sealer | None = VAULT) -> None:
        self.database = database
        self.tenant_id = tenant_id
        self.sealer = sealer

    async def get(self, key: str) -> CachedToken | None:
        if self.sealer is None:
            return None
        async with self.database.session(self.tenant_id) as session:
            slot = (
                await session.execute(
                    select(ImsTokenSlot).where(ImsTokenSlot.tenant_id == self.tenant_id, ImsTokenSlot.credential == key)
                )
            ).scalar_one_or_none()
            return None if slot is None else await _token(session, slot, self.sealer)

    @asynccontextmanager
    async def exclusive(self, key: str) -> AsyncIterator[_DatabaseSlot]:
        async with self.database.session(self.tenant_id) as session:
            insert = _insert(session)(ImsTokenSlot).values(  # type: ignore[operator]
                tenant_id=self.tenant_id, credential=key, refreshes=0, locked_at=utcnow()
            )
            await session.execute(
                insert.on_conflict_do_update(
                    index_elements=["tenant_id", "credential"], set_={"locked_at": insert.excluded.locked_at}
                )
            )
            slot = (
                await session.execute(
                    select(ImsTokenSlot)
                    .where(ImsTokenSlot.tenant_id == self.tenant_id, ImsTokenSlot.credential == key)
                    .with_for_update()
                    .execution_options(populate_existing=True)
                )
            ).scalar_one()
            yield _DatabaseSlot(session, self.tenant_id, key, self.sealer, await _token(session, slot, self.sealer))


async def token_refreshes(database: Database, tenant_id: uuid.UUID, key: str) -> tuple[int, str | None]:
    """How often the slot was refreshed, and what its token column holds (for operators and tests)."""
    async with database.session(tenant_id) as session:
        row = (
            await session.execute(
                select(ImsTokenSlot.refreshes, ImsTokenSlot.sealed_token).where(
                    ImsTokenSlot.tenant_id == tenant_id, ImsTokenSlot.credential == key
                )
            )
        ).one_or_none()
    return (0, None) if row is None else (row[0], row[1])


# --- webhook endpoints ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: uuid.UUID
    tenant_id: uuid.UUID
    io_client_id: str | None
    commerce_public_key: str | None
    updated_at: datetime


def _endpoint(row: WebhookEndpoint) -> Endpoint:
    return Endpoint(row.id, row.tenant_id, row.io_client_id, row.commerce_public_key, row.updated_at)


async def find_endpoint(database: Database, endpoint_id: uuid.UUID) -> Endpoint | None:
    """The endpoint a delivery is addressed to. A lookup that must find the tenant first, so it runs in a system
    session; it reads the one row the unguessable id names and nothing else."""
    async with database.system_session() as session:
        row = (
            await session.execute(select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id))
        ).scalar_one_or_none()
        return None if row is None else _endpoint(row)


async def save_endpoint(
    session: AsyncSession, tenant_id: uuid.UUID, *, io_client_id: str | None, commerce_public_key: str | None
) -> Endpoint:
    """Create the tenant's endpoint, or change what it verifies (its id, hence its URL, stays)."""
    row = (
        await session.execute(select(WebhookEndpoint).where(WebhookEndpoint.tenant_id == tenant_id))
    ).scalar_one_or_none()
    if row is None:
        row = WebhookEndpoint(tenant_id=tenant_id)
        session.add(row)
    row.io_client_id = io_client_id
    row.commerce_public_key = commerce_public_key
    row.updated_at = utcnow()
    await session.flush()
    return _endpoint(row)
