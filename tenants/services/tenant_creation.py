"""Creating a tenant: its row, a unique slug, its data key, and whatever the caller adds in the same transaction.

The transaction is bound to the new tenant's id from the start, so even the ``tenants`` row passes row-level
security without a system session. Slug clashes are found by the unique constraint (another tenant's slug is
invisible under RLS) and retried with a suffix.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db.base import new_id
from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import Conflict, InvalidInput
from mlconnector.platform.vault.data_keys import active_data_key
from mlconnector.platform.vault.keyring import Keyring
from mlconnector.tenants.models import Tenant
from mlconnector.tenants.repositories import tenants
from mlconnector.tenants.services.slugs import SLUG, slugify, with_suffix

MAX_NAME = 200
ATTEMPTS = 5

Setup = Callable[[AsyncSession, Tenant], Awaitable[None]]


class _SlugTaken(Exception):
    pass


def clean_name(name: str | None, field: str = "organisation") -> str:
    """The organisation name, trimmed; raises naming ``field`` when it is empty or too long."""
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise InvalidInput((field, "is required (the name of your business)"))
    if len(cleaned) > MAX_NAME:
        raise InvalidInput((field, f"must be at most {MAX_NAME} characters"))
    return cleaned


async def create_tenant(
    database: Database,
    keyring: Keyring,
    name: str,
    *,
    slug: str | None = None,
    setup: Setup | None = None,
    is_sandbox: bool = False,
) -> Tenant:
    """A new tenant named ``name``; ``slug`` is derived from the name unless given (then it must be free). A
    sandbox tenant is flagged from its first row, so nothing can connect it to a real system in between."""
    if slug is not None and not SLUG.match(slug):
        raise InvalidInput(("slug", "must be 1-63 lower-case letters, digits or '-', starting with a letter"))
    base = slug or slugify(name)
    for attempt in range(ATTEMPTS):
        candidate = base if attempt == 0 else with_suffix(base)
        tenant_id = new_id()
        try:
            async with database.session(tenant_id) as session:
                try:
                    tenant = await tenants.insert(session, tenant_id, candidate, name, is_sandbox=is_sandbox)
                except IntegrityError:
                    raise _SlugTaken from None
                await active_data_key(session, keyring)
                if setup is not None:
                    await setup(session, tenant)
            return tenant
        except _SlugTaken:
            if slug is not None:
                raise Conflict(("slug", f"{slug!r} is already taken")) from None
    raise Conflict(("organisation", "could not find a free short name for it; try a more specific name"))
