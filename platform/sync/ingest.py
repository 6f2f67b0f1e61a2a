"""Reading a source stream into the database, one batch per transaction: records first, then the cursor.

A crash between batches re-reads at most one batch (stored again harmlessly, by content hash); a record is never
skipped, because the cursor only moves in the transaction that stored what it points past.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mlconnector.platform.db.engine import Database
from mlconnector.platform.plugins.base import SourcePlugin
from mlconnector.platform.plugins.calls import read_batches
from mlconnector.platform.plugins.context import SourceContext
from mlconnector.platform.settings import get_settings
from mlconnector.platform.sync.cursors import load_cursor, save_cursor
from mlconnector.platform.sync.records import store_records


@dataclass(slots=True)
class IngestReport:
    """What one read did; passed to ``progress`` after every stored batch, and returned at the end."""

    stream: str
    batches: int = 0
    records: int = 0
    new: int = 0
    changed: int = 0
    queued: int = 0
    cursor: str | None = None


async def ingest(
    database: Database,
    source: SourcePlugin,
    tenant_id: uuid.UUID,
    stream: str,
    *,
    config: Mapping[str, Any],
    start_cursor: str | None = None,
    progress: Callable[[IngestReport], None] | None = None,
) -> IngestReport:
    """Read ``stream`` from ``source`` for one tenant and store every batch.

    Starts at ``start_cursor`` when given (a backfill), else where the last read ended. A backfill saves its
    cursor only when the stream has none yet, so re-reading history never moves an incremental read backwards.
    ``config`` is the tenant's connection config with secret fields as ``Secret``.
    """
    async with database.session(tenant_id) as session:
        stored_cursor = await load_cursor(session, source.name, stream)
    backfill = start_cursor is not None
    save = not backfill or stored_cursor is None
    context = SourceContext(
        tenant_id=tenant_id,
        config=config,
        session=None,  # type: ignore[arg-type]  # sources use `database` for their own short transactions
        database=database,
        public_base_url=get_settings().server.public_base_url,
    )
    report = IngestReport(stream=stream, cursor=stored_cursor)
    async for batch in read_batches(source, context, stream, start_cursor if backfill else stored_cursor):
        async with database.session(tenant_id) as session:
            summary = await store_records(session, source.name, batch.records, source=source)
            if save:
                await save_cursor(session, source.name, stream, batch.cursor, len(batch.records))
        report.batches += 1
        report.records += len(batch.records)
        report.new += len(summary.new)
        report.changed += len(summary.changed)
        report.queued += summary.queued
        report.cursor = batch.cursor
        if progress is not None:
            progress(report)
    return report
