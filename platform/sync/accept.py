"""Turning newly stored or changed records into documents with posting work queued — in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.errors import PluginError
from mlconnector.platform.plugins.base import SourcePlugin
from mlconnector.platform.plugins.calls import normalize_record
from mlconnector.platform.plugins.records import SourceRecord
from mlconnector.platform.sync import documents
from mlconnector.platform.sync.audit import record_audit
from mlconnector.platform.sync.outcome import queue_post


async def accept_records(session: AsyncSession, source: SourcePlugin, records: Sequence[SourceRecord]) -> int:
    """Normalise each record, upsert its documents and queue a post for each new or changed one.

    A record that cannot be normalised is held for a person with the reason; it never stops the batch.
    Returns how many documents need posting.
    """
    queued = 0
    for record in records:
        try:
            produced = normalize_record(source, record)
        except PluginError as error:
            await documents.hold_unreadable(session, source.name, record.key, str(error))
            await record_audit(
                session, action="held", document_key=f"record:{record.key}", detail={"holds": [str(error)]}
            )
            continue
        for accepted in await documents.upsert_documents(session, source.name, record.key, produced):
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
            row = await documents.get_document(session, document_id=accepted.id)
            assert row is not None
            await queue_post(session, row)
            queued += 1
    return queued
