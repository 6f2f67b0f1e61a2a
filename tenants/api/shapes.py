"""Response shapes shared by several controllers (users, tenants)."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from mlconnector.tenants.models import Tenant, User


class UserOut(msgspec.Struct):
    id: uuid.UUID
    email: str


class TenantOut(msgspec.Struct):
    id: uuid.UUID
    slug: str
    name: str
    role: str | None
    created_at: datetime
    is_sandbox: bool = False
    """A sandbox runs on a simulated store and simulated QuickBooks; label it "Sandbox" wherever it is shown."""


class MeOut(msgspec.Struct):
    user: UserOut
    tenants: list[TenantOut]


class MessageOut(msgspec.Struct):
    message: str


def user_out(user: User) -> UserOut:
    return UserOut(id=user.id, email=user.email)


def tenant_out(tenant: Tenant, role: str | None) -> TenantOut:
    return TenantOut(
        id=tenant.id,
        slug=tenant.slug,
        name=tenant.name,
        role=role,
        created_at=tenant.created_at,
        is_sandbox=bool(tenant.is_sandbox),
    )
