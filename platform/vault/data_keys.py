"""Each tenant's data key: created on first use, unwrapped only in memory, never stored in the clear."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db import tenancy
from mlconnector.platform.vault import envelope, repository
from mlconnector.platform.vault.keyring import Keyring, VaultError


def wrapping_binding(tenant_id: uuid.UUID, key_id: uuid.UUID) -> bytes:
    """A wrapped data key opens only as *this* tenant's key with *this* id."""
    return envelope.binding("data-key", tenant=str(tenant_id), key=str(key_id))


async def active_data_key(session: AsyncSession, keyring: Keyring) -> tuple[uuid.UUID, bytes]:
    """The session tenant's data key (id and key), created and wrapped under the active KEK on first use."""
    tenant_id = tenancy.require_tenant(session.sync_session)
    row = await repository.key_of_tenant(session, tenant_id)
    if row is None:
        key_id, key = uuid.uuid4(), envelope.new_key()
        _, wrapped = keyring.wrap(key, wrapping_binding(tenant_id, key_id))
        if await repository.insert_key(session, tenant_id, key_id, keyring.active_id, wrapped):
            return key_id, key
        row = await repository.key_of_tenant(session, tenant_id)  # another transaction created it first
        if row is None:  # pragma: no cover - the conflict means a row exists
            raise VaultError("could not create or find this tenant's data key")
    return row.id, keyring.unwrap(row.wrapped, wrapping_binding(tenant_id, row.id))


async def data_key(session: AsyncSession, keyring: Keyring, key_id: uuid.UUID) -> bytes:
    """The session tenant's data key ``key_id``; another tenant's key id finds nothing."""
    tenant_id = tenancy.require_tenant(session.sync_session)
    row = await repository.key_by_id(session, tenant_id, key_id)
    if row is None:
        raise VaultError("the sealed value names a data key this tenant does not have (copied from another tenant?)")
    return keyring.unwrap(row.wrapped, wrapping_binding(tenant_id, row.id))
