"""``read`` for one stream: the cursor decides between an incremental window and a backfill (:mod:`paging`);
each page becomes one batch of records with the cursor to store after it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

from mlconnector.connectors.commerce.client import CommerceClient
from mlconnector.connectors.commerce.config import Connection
from mlconnector.connectors.commerce.cursor import BACKFILL, WINDOW, Cursor, decode, encode
from mlconnector.connectors.commerce.paging import Walk, walk_backfill, walk_window
from mlconnector.connectors.commerce.streams import SPECS, build_records, id_of, load_stores, scope_groups
from mlconnector.platform.plugins import SourceBatch

LAG = timedelta(seconds=10)
"""The window closes this long before "now": rows still being committed get into the next window."""


def _now() -> datetime:
    return datetime.now(UTC)


async def read_stream(
    client: CommerceClient,
    connection: Connection,
    stream: str,
    cursor_text: str | None,
    *,
    clock: Callable[[], datetime] = _now,
) -> AsyncIterator[SourceBatch]:
    spec = SPECS[stream]
    stores = await load_stores(client)
    walk = Walk(
        lister=lambda criteria: client.search(spec.list_path, criteria),
        id_of=id_of(spec),
        page_size=connection.page_size,
        base_groups=scope_groups(spec, connection.store_ids, stores),
        fields=spec.list_fields(),
        overlap=timedelta(seconds=connection.overlap_seconds),
    )
    cursor = decode(cursor_text) or Cursor(mode=BACKFILL)
    # The store's own clock (its Date header) decides where the window closes: updated_at is written by it.
    upper = (client.server_date or clock()) - LAG
    if cursor.mode == WINDOW:
        pages = walk_window(walk, cursor, upper)
    else:
        pages = walk_backfill(walk, cursor, upper, connection.max_concurrency)
    async for page in pages:
        records = await build_records(client, spec, page.items, stores)
        yield SourceBatch(records=records, cursor=encode(page.cursor))
