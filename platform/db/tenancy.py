"""Which tenant a database transaction acts for.

A session carries its tenant in ``session.info`` (never a process-global), set when the session is opened by the
request dependency, a job or the CLI. On PostgreSQL every transaction starts with
``set_config('app.tenant_id', …, true)`` — transaction-local, so a pooled connection never carries a tenant into
the next checkout — which row-level security policies compare with each row's ``tenant_id``. A *system* session
(sweeper, scheduler, operator CLI) sets ``app.system`` instead and must be asked for explicitly.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction

TENANT_KEY = "mlc.tenant_id"
SYSTEM_KEY = "mlc.system"


class NoTenantBound(RuntimeError):
    """A tenant-scoped operation ran in a session with no tenant and no system flag."""


def tenant_of(session: Session) -> uuid.UUID | None:
    return session.info.get(TENANT_KEY)


def is_system(session: Session) -> bool:
    return bool(session.info.get(SYSTEM_KEY))


def require_tenant(session: Session) -> uuid.UUID:
    tenant_id = tenant_of(session)
    if tenant_id is None:
        raise NoTenantBound("this operation needs a tenant, and the session has none bound")
    return tenant_id


def bind(session: Session, tenant_id: uuid.UUID | None, *, system: bool = False) -> None:
    """Set the session's tenant (or system flag) for its next transactions."""
    session.info[TENANT_KEY] = tenant_id
    session.info[SYSTEM_KEY] = system


_STAMP = text("SELECT set_config('app.tenant_id', :tenant, true), set_config('app.system', :system, true)")
"""Built once: it runs at the start of every PostgreSQL transaction."""


@event.listens_for(Session, "after_begin")
def _stamp_transaction(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    if connection.dialect.name != "postgresql":
        return
    tenant_id: Any = session.info.get(TENANT_KEY)
    connection.execute(
        _STAMP,
        {"tenant": str(tenant_id) if tenant_id else "", "system": "on" if session.info.get(SYSTEM_KEY) else ""},
    )
