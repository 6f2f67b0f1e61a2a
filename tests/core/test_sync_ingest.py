"""Reading a source into the database: every record once, cursor after records, resumable after a crash."""

from __future__ import annotations

import pytest
from mlc_testing import plugins as testplug
from mlc_testing.tenants import make_tenant
from sqlalchemy import func, select

from mlconnector.platform.plugins import Outcome, SourceRecord, ingest, report_outcome, store_records
from mlconnector.platform.sync.cursors import load_cursor
from mlconnector.platform.sync.models import SinkOutcomeRow, SourceRecordRow

CONFIG = {"url": "https://shop.example", "token": "good-token"}


async def _records(database, tenant_id) -> dict[str, SourceRecordRow]:
    async with database.session(tenant_id) as session:
        rows = (await session.execute(select(SourceRecordRow).where(SourceRecordRow.tenant_id == tenant_id))).scalars()
        return {row.key: row for row in rows}


async def test_ingest_stores_every_record_then_resumes_from_its_cursor(database, test_plugins) -> None:
    tenant = await make_tenant(database)
    seen = []
    report = await ingest(
        database, testplug.TestSource(), tenant, "order", config=CONFIG, progress=lambda r: seen.append(r.records)
    )
    assert (report.records, report.new, report.batches, report.cursor) == (5, 5, 3, "5")
    assert seen == [2, 4, 5]
    assert sorted(await _records(database, tenant)) == [f"order:1:{n}" for n in range(1, 6)]
    again = await ingest(database, testplug.TestSource(), tenant, "order", config=CONFIG)
    assert (again.records, again.new) == (0, 0)  # nothing after the stored cursor


async def test_a_backfill_rereads_history_without_moving_the_cursor_back(database, test_plugins) -> None:
    tenant = await make_tenant(database)
    await ingest(database, testplug.TestSource(), tenant, "order", config=CONFIG)
    report = await ingest(database, testplug.TestSource(), tenant, "order", config=CONFIG, start_cursor="2")
    assert (report.records, report.new, report.changed) == (3, 0, 0)
    async with database.session(tenant) as session:
        assert await load_cursor(session, "testplug", "order") == "5"


async def test_a_crash_between_batches_loses_and_duplicates_nothing(database, monkeypatch, test_plugins) -> None:
    tenant = await make_tenant(database)
    source = testplug.TestSource()
    original = source.read

    async def dies_after_two_batches(context, stream, cursor):
        count = 0
        async for batch in original(context, stream, cursor):
            if count == 2:
                raise ConnectionError("the store went away")
            count += 1
            yield batch

    monkeypatch.setattr(source, "read", dies_after_two_batches)
    with pytest.raises(ConnectionError):
        await ingest(database, source, tenant, "order", config=CONFIG)
    assert len(await _records(database, tenant)) == 4  # two whole batches, with their cursor
    monkeypatch.undo()
    report = await ingest(database, source, tenant, "order", config=CONFIG)
    assert (report.records, report.new) == (1, 1)
    assert len(await _records(database, tenant)) == 5


async def test_changed_content_is_noticed_and_identical_content_is_not(database, test_plugins) -> None:
    tenant = await make_tenant(database)
    record = SourceRecord(
        stream="order", key="order:1:9", source_id="9", updated_at=None, payload={"n": 9, "b": [1, 2]}
    )
    reordered = SourceRecord(
        stream="order", key="order:1:9", source_id="9", updated_at=None, payload={"b": [1, 2], "n": 9}
    )
    edited = SourceRecord(
        stream="order", key="order:1:9", source_id="9", updated_at=None, payload={"n": 9, "b": [1, 3]}
    )
    async with database.session(tenant) as session:
        assert (await store_records(session, "testplug", [record])).new == ["order:1:9"]
    async with database.session(tenant) as session:
        assert (await store_records(session, "testplug", [reordered])).unchanged == 1
    async with database.session(tenant) as session:
        assert (await store_records(session, "testplug", [edited])).changed == ["order:1:9"]
    assert (await _records(database, tenant))["order:1:9"].revision == 2


async def test_tenants_keep_their_own_copy_of_the_same_key(database, test_plugins) -> None:
    first, second = await make_tenant(database), await make_tenant(database)
    record = testplug.RECORDS[0]
    for tenant in (first, second):
        async with database.session(tenant) as session:
            assert (await store_records(session, "testplug", [record])).new == [record.key]
    assert list(await _records(database, first)) == [record.key]
    async with database.system_session() as session:
        assert (await session.execute(select(func.count()).select_from(SourceRecordRow))).scalar_one() == 2


async def test_sinks_report_final_outcomes(database) -> None:
    tenant = await make_tenant(database)
    async with database.session(tenant) as session:
        await report_outcome(
            session,
            sink="testsink",
            document_key="invoice:1:100",
            outcome=Outcome(status="posted", external_ids={"invoice": "TX-1"}),
        )
        with pytest.raises(ValueError, match="final outcome"):
            await report_outcome(session, sink="testsink", document_key="x", outcome=Outcome(status="deferred"))
    async with database.session(tenant) as session:
        row = (await session.execute(select(SinkOutcomeRow))).scalar_one()
    assert (row.status, row.outcome["external_ids"]) == ("posted", {"invoice": "TX-1"})
