"""Who belongs to a tenant: listing, removing (never the last owner), and the tenants of a user."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import Conflict, NotFound
from mlconnector.platform.vault.keyring import Keyring
from mlconnector.tenants.models import Membership, Tenant
from mlconnector.tenants.models.membership import OWNER
from mlconnector.tenants.repositories import memberships, tenants
from mlconnector.tenants.services.tenant_creation import clean_name, create_tenant


async def tenants_of_user(database: Database, user_id: uuid.UUID) -> list[tuple[Tenant, str]]:
    """A user's tenants and roles. A system session, because this is how a signed-in user finds their tenants;
    it returns only rows of that user's own memberships."""
    async with database.system_session() as session:
        return await memberships.tenants_of_user(session, user_id)


async def tenant(database: Database, tenant_id: uuid.UUID) -> Tenant:
    async with database.session(tenant_id) as session:
        found = await tenants.get(session, tenant_id)
    if found is None:
        raise NotFound("No such organisation.")
    return found


async def members(database: Database, tenant_id: uuid.UUID) -> list[tuple[Membership, str]]:
    async with database.session(tenant_id) as session:
        return await memberships.members(session, tenant_id)


async def remove_member(database: Database, tenant_id: uuid.UUID, membership_id: uuid.UUID) -> None:
    async with database.session(tenant_id) as session:
        membership = await memberships.by_id(session, tenant_id, membership_id)
        if membership is None:
            raise NotFound("No member with that id in this organisation.")
        if membership.role == OWNER and await memberships.count_owners(session, tenant_id) <= 1:
            raise Conflict(("member", "is the last owner; make someone else an owner first"))
        await memberships.remove(session, tenant_id, membership_id)


async def create_for_user(database: Database, keyring: Keyring, user_id: uuid.UUID, name: str | None) -> Tenant:
    """Another organisation for a signed-in user, who becomes its owner."""
    cleaned = clean_name(name, "name")

    async def add_owner(session: AsyncSession, created: Tenant) -> None:
        await memberships.insert(session, created.id, user_id, OWNER)

    return await create_tenant(database, keyring, cleaned, setup=add_owner)
