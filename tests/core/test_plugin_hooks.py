"""Every hook of the plugin API, exercised through the core (datasette's rule: documented and tested)."""

from __future__ import annotations

import uuid

import pytest
from click.testing import CliRunner
from litestar.testing import AsyncTestClient
from mlc_testing import plugins as testplug
from mlc_testing.databases import sqlite_url
from mlc_testing.jobs import wait_for_state
from sqlalchemy import inspect

from mlconnector.platform.app import create_app
from mlconnector.platform.cli.app import build_cli
from mlconnector.platform.db import migrate
from mlconnector.platform.db.engine import build_engine
from mlconnector.platform.errors import PluginError, StartupError
from mlconnector.platform.jobs import enqueue
from mlconnector.platform.jobs.registry import registry
from mlconnector.platform.jobs.runtime import JobRuntime
from mlconnector.platform.plugins import Operation, Plan, SinkContext, SourceContext
from mlconnector.platform.plugins.calls import (
    check_plan,
    deliver_plan,
    fetch_record,
    normalize_record,
    plan_document,
    read_batches,
    run_check,
)
from mlconnector.platform.plugins.discovery import load_plugins
from mlconnector.platform.redaction import forget_all

CONTEXT = SourceContext(tenant_id=uuid.uuid4(), config={}, session=None)  # type: ignore[arg-type]
SINK_CONTEXT = SinkContext(tenant_id=uuid.uuid4(), config={}, session=None)  # type: ignore[arg-type]


def _plugins():
    return load_plugins(
        entries=[
            testplug.entry("testplug", "mlc_testing.plugins:TestSource"),
            testplug.entry("testsink", "mlc_testing.plugins:TestSink"),
        ]
    )


async def test_hook_check() -> None:
    source = testplug.TestSource()
    ok = await run_check(source, {"url": "https://shop.example", "token": "good-token"})
    assert ok.ok and ok.message == "Connected."
    forget_all()
    rejected = await run_check(source, {"url": "https://shop.example", "token": "wrong-token-123"})
    assert not rejected.ok and rejected.problem == "bad_credentials"
    assert "wrong-token-123" not in rejected.message
    invalid = await run_check(source, {"token": "x"})
    assert invalid.problem == "invalid_config" and "url is required" in invalid.message


async def test_hook_validate(database) -> None:
    from mlconnector.platform.errors import InvalidInput
    from mlconnector.platform.vault.keyring import current_keyring
    from mlconnector.tenants.services.connections import list_connections, set_connection
    from mlconnector.tenants.services.tenant_creation import create_tenant

    plugins, keyring = _plugins(), current_keyring()
    real = await create_tenant(database, keyring, "Real shop")
    simulated = {"url": testplug.SANDBOX_URL, "token": "good-token"}
    with pytest.raises(InvalidInput, match="url: is the simulated store"):
        await set_connection(database, keyring, plugins, real.id, "testplug", simulated)
    assert await list_connections(database, plugins, real.id) == []  # nothing stored
    refused = await run_check(testplug.TestSource(), simulated, sandbox=False)
    assert refused.problem == "invalid_config" and "url is the simulated store" in refused.message
    assert (await run_check(testplug.TestSource(), simulated, sandbox=True)).ok


async def test_hook_read() -> None:
    source = testplug.TestSource()
    batches = [batch async for batch in read_batches(source, CONTEXT, "order", None)]
    assert [r.source_id for b in batches for r in b.records] == ["1", "2", "3", "4", "5"]
    resumed = [r.source_id async for b in read_batches(source, CONTEXT, "order", batches[0].cursor) for r in b.records]
    assert resumed == ["3", "4", "5"]
    with pytest.raises(PluginError, match="does not read stream 'invoice'"):
        [b async for b in read_batches(source, CONTEXT, "invoice", None)]


async def test_hook_fetch() -> None:
    record = await fetch_record(testplug.TestSource(), CONTEXT, "order", "4")
    assert record is not None and record.key == "order:1:4"
    assert await fetch_record(testplug.TestSource(), CONTEXT, "order", "404") is None


def test_hook_normalize() -> None:
    documents = normalize_record(testplug.TestSource(), testplug.RECORDS[2])
    assert [d.key for d in documents] == ["order:1:3"]
    assert str(documents[0].grand_total) == "30.00"


async def test_hook_plan() -> None:
    document = normalize_record(testplug.TestSource(), testplug.RECORDS[0])[0]
    plan = await plan_document(testplug.TestSink(), SINK_CONTEXT, document)
    assert [op.object_type for op in plan.operations] == ["Customer", "SalesOrder"]
    backwards = Plan(
        document_key="d",
        operations=(
            Operation(key="b", action="add", object_type="Invoice", depends_on=("a",)),
            Operation(key="a", action="add", object_type="Customer"),
        ),
    )
    with pytest.raises(PluginError, match="out of order"):
        check_plan(testplug.TestSink(), "d", backwards)


async def test_hook_deliver() -> None:
    document = normalize_record(testplug.TestSource(), testplug.RECORDS[1])[0]
    sink = testplug.TestSink()
    outcome = await deliver_plan(sink, SINK_CONTEXT, await plan_document(sink, SINK_CONTEXT, document))
    assert outcome.status == "posted" and outcome.external_ids["order:1:2"] == "ID-1"


async def test_hook_routes(make_settings, tmp_path) -> None:
    settings = make_settings(DATABASE_URL=sqlite_url(tmp_path / "routes.sqlite3"))
    async with AsyncTestClient(create_app(settings, plugins=_plugins(), start_jobs=False)) as client:
        response = await client.get("/connectors/testplug/hello")
        assert response.json() == {"hello": "from testplug"}


def test_hook_cli(monkeypatch) -> None:
    monkeypatch.setattr("mlconnector.platform.bootstrap.load_runtime_plugins", lambda settings: _plugins())
    result = CliRunner().invoke(build_cli(), ["testplug-hello"])
    assert result.exit_code == 0 and result.output == "hello from testplug\n"
    listing = CliRunner().invoke(build_cli(), ["--help"])
    assert "testplug-hello" in listing.output


async def test_hook_migrations(tmp_path) -> None:
    url = sqlite_url(tmp_path / "plugin-migrations.sqlite3")
    folders = _plugins().migration_folders()
    await migrate.upgrade(url, folders)
    await migrate.ensure_current(url, folders)  # both branches are at their heads
    await migrate.ensure_current(url)  # a process without the plugin tolerates its tables

    engine = build_engine(url, null_pool=True)
    async with engine.connect() as connection:
        assert "testplug_items" in await connection.run_sync(lambda c: inspect(c).get_table_names())
    await engine.dispose()
    await migrate.downgrade(url, "testplug@base", folders)
    assert await migrate.database_heads(url) == migrate.code_heads(migrate.alembic_config())  # the core alone
    await migrate.ensure_current(url)  # the core alone is current…
    with pytest.raises(StartupError, match="needs"):  # …but with the plugin installed, start-up refuses
        await migrate.ensure_current(url, folders)


async def test_hook_jobs(make_settings, database_url, database) -> None:
    plugin = testplug.TestSource()
    for handler in plugin.jobs():
        registry.add(handler)
    runtime = JobRuntime(make_settings(DATABASE_URL=database_url, MLC_JOB_SWEEP_SECONDS="0.1"), registry)
    runtime.start()
    try:
        tenant = uuid.uuid4()
        async with database.system_session() as session:
            job_id = await enqueue(session, "testplug.remember", tenant_id=tenant)
        await wait_for_state(database, job_id, "done")
    finally:
        runtime.stop()
    assert tenant in testplug.JOB_RUNS


async def test_hook_sandbox(database) -> None:
    from sqlalchemy import select

    from mlconnector.platform.errors import Conflict
    from mlconnector.platform.jobs.models import Schedule
    from mlconnector.platform.plugins import SandboxContext
    from mlconnector.platform.plugins.calls import sandbox_part
    from mlconnector.platform.sandbox import SandboxUnavailable, create_sandbox
    from mlconnector.platform.vault.keyring import current_keyring
    from mlconnector.tenants.services.connections import list_connections, set_connection

    plugins, keyring = _plugins(), current_keyring()
    made = await create_sandbox(database, keyring, plugins, cycle_seconds=7)
    tenant_id = made.tenant.id
    assert made.tenant.is_sandbox and (made.source, made.sink) == ("testplug", "testsink")
    assert testplug.SANDBOX_FACTS[-1] == {"skus": ["SKU-1", "SKU-2"]}  # the source's facts reach the sink
    views = {view.plugin: view for view in await list_connections(database, plugins, tenant_id)}
    assert set(views) == {"testplug", "testsink"} and views["testplug"].config["token"]["set"] is True
    async with database.system_session() as session:
        schedules = {row.name: row for row in (await session.execute(select(Schedule))).scalars()}
    assert schedules[f"sandbox:{tenant_id}:testsink.simulate"].interval_seconds == 14
    assert schedules[f"read:{tenant_id}"].interval_seconds == 7  # the sandbox store is read every cycle
    with pytest.raises(Conflict, match="sandbox"):  # never connected to a real system afterwards
        await set_connection(database, keyring, plugins, tenant_id, "testplug", {"url": "https://x", "token": "t"})

    source_only = load_plugins(entries=[testplug.entry("testplug", "mlc_testing.plugins:TestSource")])
    with pytest.raises(SandboxUnavailable, match="No sandbox is available"):
        await create_sandbox(database, keyring, source_only, cycle_seconds=7)
    with pytest.raises(PluginError, match="own kinds"):
        await sandbox_part(testplug.StrayJobSink(), SandboxContext(tenant_id=tenant_id, database=database))
