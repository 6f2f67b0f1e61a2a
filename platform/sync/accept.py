"""Turning newly stored or changed records into documents with posting work queued — in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db import tenancy
from mlconnector.platform.errors import PluginError
from mlconnector.platform.plugins.base import SourcePlugin
from mlconnector.platform.plugins.calls import normalize_record
from mlconnector.platform.plugins.records import SourceRecord
from mlconnector.platform.sync import documents
from mlconnector.platform.sync.audit import record_audit
from mlconnector.platform.sync.outcome import queue_revision


async def accept_records(session: AsyncSession, source: SourcePlugin, records: Sequence[SourceRecord]) -> int:
    """Normalise each record, upsert its documents and queue a post for each new or changed one.

    A record that cannot be normalised is held for a person with the reason; it never stops the batch. The
    documents of the whole batch are read and written together (one query, one flush), in the records' order.
    Returns how many documents need posting.
    """
    tenant_id = tenancy.require_tenant(session.sync_session)
    produced = []
    by_key = {}
    for record in records:
        try:
            produced.append((record.key, normalize_record(source, record)))
            by_key[record.key] = record
        except PluginError as error:
            await documents.hold_unreadable(session, source.name, record.key, str(error))
            await record_audit(
                session, action="held", document_key=f"record:{record.key}", detail={"holds": [str(error)]}
            )
    queued = 0
    for record_key, accepted in await documents.upsert_record_documents(session, source.name, produced):
        record = by_key[record_key]
        await record_audit(
            session,
            action="read",
            document_key=accepted.key,
            number=accepted.number,
            order_number=accepted.order_number,
            source_ids={"source": source.name, "record": record.key, "id": record.source_id},
            detail={"revision": accepted.revision},
        )
        if not accepted.queue:
            continue
        await queue_revision(session, tenant_id, accepted.id, accepted.revision)
        queued += 1
    return queued
