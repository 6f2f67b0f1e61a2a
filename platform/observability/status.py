"""The operator's status snapshot (``mlc status``): jobs by state, how far behind the workers are, and queue depth
per tenant with each tenant's slug."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db.types import utcnow
from mlconnector.platform.jobs import repository as jobs
from mlconnector.tenants.models import Tenant


@dataclass(frozen=True, slots=True)
class TenantDepth:
    tenant_id: uuid.UUID | None
    slug: str | None
    queued: int


@dataclass(frozen=True, slots=True)
class Status:
    jobs: dict[str, int]
    oldest_due_seconds: float | None
    """How long the longest-waiting due job has waited; ``None`` when nothing is due."""
    queue_depth: list[TenantDepth] = field(default_factory=list)
    """Tenants with queued work, deepest first (``tenant_id`` ``None``: the core's own jobs)."""

    def as_dict(self) -> dict[str, object]:
        return {
            "jobs": self.jobs,
            "oldest_due_seconds": self.oldest_due_seconds,
            "queue_depth": [
                {"tenant_id": str(row.tenant_id) if row.tenant_id else None, "slug": row.slug, "queued": row.queued}
                for row in self.queue_depth
            ],
        }


class UnknownTenant(LookupError):
    pass


async def find_tenant(session: AsyncSession, handle: str) -> Tenant:
    """A tenant by slug or id; :class:`UnknownTenant` names what was asked for."""
    condition = Tenant.slug == handle
    with contextlib.suppress(ValueError):  # not an id: a slug only
        condition = or_(condition, Tenant.id == uuid.UUID(handle))
    tenant = (await session.execute(select(Tenant).where(condition))).scalar_one_or_none()
    if tenant is None:
        raise UnknownTenant(f"no tenant with slug or id {handle!r}")
    return tenant


def _waited(since: datetime | None) -> float | None:
    return None if since is None else round(max((utcnow() - since).total_seconds(), 0.0), 3)


async def snapshot(session: AsyncSession, tenant: Tenant | None = None) -> Status:
    """The status of every tenant (or of one), read in the caller's system session."""
    tenant_id = tenant.id if tenant is not None else None
    counts = await jobs.count_by_state(session, tenant_id)
    waited = _waited(await jobs.oldest_due(session, tenant_id))
    depth = await jobs.queue_depth_by_tenant(session)
    if tenant is not None:
        return Status(counts, waited, [TenantDepth(tenant.id, tenant.slug, depth.get(tenant.id, 0))])
    ids = [tenant for tenant in depth if tenant is not None]
    slugs = dict((await session.execute(select(Tenant.id, Tenant.slug).where(Tenant.id.in_(ids)))).all()) if ids else {}
    rows = [TenantDepth(tenant, slugs.get(tenant) if tenant else None, queued) for tenant, queued in depth.items()]
    rows.sort(key=lambda row: (-row.queued, row.slug or ""))
    return Status(counts, waited, rows)
