"""Storing raw source records: insert new ones, update changed ones, touch unchanged ones — by content hash."""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db import tenancy
from mlconnector.platform.db.types import utcnow
from mlconnector.platform.plugins.base import SourcePlugin
from mlconnector.platform.plugins.records import SourceRecord
from mlconnector.platform.sync.models import SourceRecordRow

_canonical_json = msgspec.json.Encoder(order="sorted")


def content_hash(record: SourceRecord) -> str:
    """SHA-256 of the payload with sorted keys: the same content always hashes the same."""
    return hashlib.sha256(_canonical_json.encode(record.payload)).hexdigest()


@dataclass(slots=True)
class StoredSummary:
    """What storing a batch did. ``new`` and ``changed`` hold record keys: the work a sink may need to do."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    queued: int = 0
    """Documents that need posting as a result (filled by :func:`store_records`)."""


async def save_records(session: AsyncSession, source_name: str, records: Sequence[SourceRecord]) -> StoredSummary:
    """Store records for the session's tenant in the caller's transaction. A key seen twice in one call keeps the
    last version; re-storing identical content changes nothing but ``last_seen_at``."""
    tenant_id = tenancy.require_tenant(session.sync_session)
    latest = {(record.stream, record.key): record for record in records}
    summary = StoredSummary()
    if not latest:
        return summary
    existing = {
        (row.stream, row.key): row
        for row in (
            await session.execute(
                select(
                    SourceRecordRow.stream, SourceRecordRow.key, SourceRecordRow.id, SourceRecordRow.content_hash
                ).where(
                    SourceRecordRow.tenant_id == tenant_id,
                    SourceRecordRow.source == source_name,
                    tuple_(SourceRecordRow.stream, SourceRecordRow.key).in_(list(latest)),
                )
            )
        ).all()
    }
    now = utcnow()
    unchanged_ids: list[uuid.UUID] = []
    digests = {identity: content_hash(record) for identity, record in latest.items()}
    fresh = [identity for identity in latest if identity not in existing]
    inserted = await _insert_new(session, tenant_id, source_name, [(latest[i], digests[i]) for i in fresh])
    raced = [identity for identity in fresh if identity not in inserted]
    if raced:  # another transaction stored them a moment ago (a duplicate webhook): compare with those
        existing |= await _existing(session, tenant_id, source_name, raced)
    for identity, record in latest.items():
        digest = digests[identity]
        if identity in inserted:
            summary.new.append(record.key)
            continue
        found = existing[identity]
        if found.content_hash != digest:
            await session.execute(
                update(SourceRecordRow)
                .where(SourceRecordRow.tenant_id == tenant_id, SourceRecordRow.id == found.id)
                .values(
                    content_hash=digest,
                    payload=record.payload,
                    source_id=record.source_id,
                    source_updated_at=record.updated_at,
                    revision=SourceRecordRow.revision + 1,
                    last_seen_at=now,
                    changed_at=now,
                )
            )
            summary.changed.append(record.key)
        else:
            unchanged_ids.append(found.id)
    if unchanged_ids:
        await session.execute(
            update(SourceRecordRow)
            .where(SourceRecordRow.tenant_id == tenant_id, SourceRecordRow.id.in_(unchanged_ids))
            .values(last_seen_at=now)
        )
        summary.unchanged = len(unchanged_ids)
    await session.flush()
    return summary


async def _existing(
    session: AsyncSession, tenant_id: uuid.UUID, source_name: str, identities: list[tuple[str, str]]
) -> dict[tuple[str, str], Any]:
    rows = await session.execute(
        select(SourceRecordRow.stream, SourceRecordRow.key, SourceRecordRow.id, SourceRecordRow.content_hash).where(
            SourceRecordRow.tenant_id == tenant_id,
            SourceRecordRow.source == source_name,
            tuple_(SourceRecordRow.stream, SourceRecordRow.key).in_(identities),
        )
    )
    return {(row.stream, row.key): row for row in rows.all()}


async def _insert_new(
    session: AsyncSession, tenant_id: uuid.UUID, source_name: str, records: Sequence[tuple[SourceRecord, str]]
) -> set[tuple[str, str]]:
    """Insert the records in one statement, skipping any the same moment stored concurrently; the (stream, key)
    pairs this call inserted (the caller compares the others with what is stored)."""
    if not records:
        return set()
    connection = await session.connection()
    rows = [_new_row(tenant_id, source_name, record, digest) for record, digest in records]
    result = await connection.execute(_record_insert(session.bind.dialect.name), rows)
    return {(row.stream, row.key) for row in result.all()}


@functools.cache
def _record_insert(dialect: str) -> Any:
    """Built once per dialect; run as an executemany, which SQLAlchemy sends as multi-row INSERTs."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = SourceRecordRow.__table__
    return (
        insert(table)
        .on_conflict_do_nothing(index_elements=["tenant_id", "source", "stream", "key"])
        .returning(table.c.stream, table.c.key)
    )


def _new_row(tenant_id: uuid.UUID, source_name: str, record: SourceRecord, digest: str) -> dict[str, Any]:
    now = utcnow()
    return dict(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        source=source_name,
        stream=record.stream,
        key=record.key,
        source_id=record.source_id,
        content_hash=digest,
        payload=record.payload,
        source_updated_at=record.updated_at,
        revision=1,
        first_seen_at=now,
        last_seen_at=now,
        changed_at=now,
    )


async def store_records(
    session: AsyncSession, source_name: str, records: Sequence[SourceRecord], *, source: SourcePlugin | None = None
) -> StoredSummary:
    """Store records for the session's tenant and, for each new or changed one, normalise it and queue the
    posting of its documents — all in the caller's transaction."""
    from mlconnector.platform.bootstrap import current_plugins
    from mlconnector.platform.sync.accept import accept_records

    summary = await save_records(session, source_name, records)
    touched = set(summary.new) | set(summary.changed)
    if touched:
        plugin = source or current_plugins().get(source_name)
        if not isinstance(plugin, SourcePlugin):
            raise TypeError(f"{source_name!r} is not a source plugin")
        summary.queued = await accept_records(session, plugin, [r for r in records if r.key in touched])
    return summary
