"""Sealing a tenant's values with its data key, bound to what they are for.

:func:`seal_secret`/:func:`open_secret` serve connection secrets (bound to tenant, connection and field);
:func:`seal_value`/:func:`unseal_value` let a plugin keep any per-tenant value encrypted under a named purpose
(the Commerce connector's cached IMS token). The tenant always comes from the session, never from the caller.
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db import tenancy
from mlconnector.platform.redaction import Secret, remember
from mlconnector.platform.vault import envelope
from mlconnector.platform.vault.data_keys import active_data_key, data_key
from mlconnector.platform.vault.keyring import Keyring, VaultError, current_keyring

PURPOSE = re.compile(r"^[a-z0-9][a-z0-9_.:-]{0,99}$")


def _secret_binding(tenant_id: uuid.UUID, connection_id: uuid.UUID, field: str) -> bytes:
    return envelope.binding("connection-secret", tenant=str(tenant_id), connection=str(connection_id), field=field)


def _value_binding(tenant_id: uuid.UUID, purpose: str) -> bytes:
    if not PURPOSE.match(purpose):
        raise VaultError(f"vault purpose {purpose!r} must be 1-100 lower-case letters, digits, '_', '.', ':' or '-'")
    return envelope.binding("tenant-value", tenant=str(tenant_id), purpose=purpose)


async def _seal(session: AsyncSession, keyring: Keyring, plaintext: str, bound_to: bytes) -> bytes:
    key_id, key = await active_data_key(session, keyring)
    return envelope.seal(key, str(key_id), plaintext.encode(), bound_to)


async def _open(session: AsyncSession, keyring: Keyring, sealed: bytes, bound_to: bytes, what: str) -> Secret:
    try:
        header, _ = envelope.read_header(sealed)
        key_id = uuid.UUID(header.key_id)
    except (envelope.SealedValueError, ValueError) as error:
        raise VaultError(f"the stored {what} is not a sealed value this version can read ({error})") from None
    key = await data_key(session, keyring, key_id)
    try:
        value = envelope.unseal(key, sealed, bound_to).decode()
    except envelope.SealedValueError:
        raise VaultError(f"the stored {what} does not belong here (tampered, or copied from another row)") from None
    remember(value)
    return Secret(value)


def _tenant(session: AsyncSession) -> uuid.UUID:
    return tenancy.require_tenant(session.sync_session)


async def seal_secret(
    session: AsyncSession, keyring: Keyring, connection_id: uuid.UUID, field: str, value: str
) -> bytes:
    """Seal one secret field of one connection of the session's tenant."""
    remember(value)
    return await _seal(session, keyring, value, _secret_binding(_tenant(session), connection_id, field))


async def open_secret(
    session: AsyncSession, keyring: Keyring, connection_id: uuid.UUID, field: str, sealed: bytes
) -> Secret:
    bound_to = _secret_binding(_tenant(session), connection_id, field)
    return await _open(session, keyring, sealed, bound_to, f"secret {field!r}")


async def seal_value(session: AsyncSession, purpose: str, value: str, *, keyring: Keyring | None = None) -> bytes:
    """Encrypt ``value`` for the session's tenant under ``purpose``; store the returned bytes wherever you like.

    Only the same tenant, asking for the same purpose, can open it again (:func:`unseal_value`).
    """
    remember(value)
    return await _seal(session, keyring or current_keyring(), value, _value_binding(_tenant(session), purpose))


async def unseal_value(
    session: AsyncSession, purpose: str, sealed: bytes, *, keyring: Keyring | None = None
) -> Secret:
    """Open a value sealed by :func:`seal_value` for the session's tenant and ``purpose``; raises ``VaultError``
    when it was sealed for another tenant or purpose, or altered."""
    bound_to = _value_binding(_tenant(session), purpose)
    return await _open(session, keyring or current_keyring(), sealed, bound_to, f"value for {purpose!r}")
