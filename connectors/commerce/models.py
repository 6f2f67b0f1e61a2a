"""The plugin's own tables: IMS token slots (the cross-worker refresh lock, and the vault-sealed token) and each
tenant's webhook endpoint."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from mlconnector.platform.plugins import Base, TenantScoped, UTCDateTime, new_id, utcnow


class ImsTokenSlot(TenantScoped, Base):
    """One IMS credential of one tenant. Its row is locked while a worker refreshes the token, so workers never
    refresh it at once. ``sealed_token`` is sealed by the credential vault — never the token in clear."""

    __tablename__ = "commerce_ims_tokens"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    credential: Mapped[str] = mapped_column(String(64), primary_key=True)
    """A fingerprint of token URL, client id, org and scopes (no secret)."""
    sealed_token: Mapped[str | None] = mapped_column(Text, nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    refresh_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    refreshes: Mapped[int] = mapped_column(Integer, default=0)
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookEndpoint(TenantScoped, Base):
    """Where a tenant's Adobe I/O Events (or Commerce webhooks) deliveries arrive: ``/connectors/commerce/
    webhooks/<id>/…``. The random id finds the tenant; the signature proves the sender."""

    __tablename__ = "commerce_webhook_endpoints"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), unique=True)
    io_client_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The Developer Console client id the I/O Events registration belongs to (``recipient_client_id``)."""
    commerce_public_key: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The PEM public key shown in Commerce Admin for webhook signatures (public, not a secret)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
