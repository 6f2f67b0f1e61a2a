"""Creating tenants directly (for tests that are not about signup)."""

from __future__ import annotations

import uuid

from mlconnector.platform.db.engine import Database
from mlconnector.tenants.models import Tenant


async def make_tenant(database: Database, slug: str | None = None) -> uuid.UUID:
    tenant_id = uuid.uuid4()
    async with database.system_session() as session:
        session.add(Tenant(id=tenant_id, slug=slug or f"t-{tenant_id.hex[:8]}", name=slug or "Test tenant"))
    return tenant_id


async def connect(database: Database, tenant_id: uuid.UUID, plugin_name: str, config: dict | None = None) -> None:
    """Set up the tenant's connection to ``plugin_name`` through the real service (vault and all)."""
    from mlconnector.platform.bootstrap import current_plugins
    from mlconnector.platform.vault.keyring import current_keyring
    from mlconnector.tenants.services.connections import set_connection

    await set_connection(database, current_keyring(), current_plugins(), tenant_id, plugin_name, config or {})
