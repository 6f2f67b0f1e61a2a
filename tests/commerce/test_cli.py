"""``mlc commerce ping``, ``backfill`` (with a progress bar) and ``webhooks``, against the fake store."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from mlc_testing.asyncio_thread import run
from mlc_testing.commerce import oauth_config, wired_plugin
from mlc_testing.tenants import make_tenant
from sqlalchemy import func, select

from mlconnector.connectors.commerce.cursor import decode
from mlconnector.connectors.commerce.fake import FakeCommerce
from mlconnector.platform.cli.app import build_cli
from mlconnector.platform.db.engine import Database
from mlconnector.platform.sync.cursors import load_cursor
from mlconnector.platform.sync.models import SourceRecordRow


@pytest.fixture
def setting(database_url, make_settings, tmp_path):
    make_settings(DATABASE_URL=database_url)
    fake = FakeCommerce(clock=lambda: float(int(time.time())))
    fake.catalog.generate(60, seed=9, span=timedelta(days=90))
    integration = fake.add_integration()
    config_file = tmp_path / "commerce.json"
    config_file.write_text(json.dumps(oauth_config(integration, page_size=20)))

    async def tenant() -> None:
        database = Database(database_url, null_pool=True)
        try:
            await make_tenant(database, "acme")
        finally:
            await database.dispose()

    run(tenant())
    [group] = wired_plugin(fake).cli()
    return {
        "group": group,
        "fake": fake,
        "integration": integration,
        "config": config_file,
        "url": database_url,
    }


def invoke(setting, *args: str):
    return CliRunner().invoke(setting["group"], list(args), catch_exceptions=False)


def test_the_commerce_commands_join_mlc() -> None:
    assert "commerce" in build_cli().list_commands(None)  # type: ignore[arg-type]


def test_ping(setting) -> None:
    result = invoke(setting, "ping", "acme", "--config", str(setting["config"]))
    assert result.exit_code == 0 and result.output.startswith("ok: Connected to https://shop.example")
    bad = json.loads(setting["config"].read_text())
    bad["access_token_secret"] = "w" * 32
    setting["config"].write_text(json.dumps(bad))
    result = invoke(setting, "ping", "acme", "--config", str(setting["config"]), "--json")
    assert result.exit_code == 1
    assert json.loads(result.output)["problem"] == "bad_credentials"
    assert "w" * 32 not in result.output


def test_ping_without_a_connection_or_a_config_says_so(setting) -> None:
    result = CliRunner().invoke(setting["group"], ["ping", "acme"])
    assert result.exit_code != 0 and "has no Adobe Commerce connection" in result.output
    result = CliRunner().invoke(setting["group"], ["ping", "nobody", "--config", str(setting["config"])])
    assert result.exit_code != 0 and "there is no tenant 'nobody'" in result.output


def test_a_real_tenant_cannot_ping_or_backfill_a_sandbox_store(setting, tmp_path) -> None:
    from mlconnector.connectors.commerce.errors import SANDBOX_ONLY

    sandbox = tmp_path / "sandbox.json"
    config = {"base_url": "https://shop-x-1.sandbox.invalid", "auth_mode": "bearer", "access_token": "t" * 32}
    sandbox.write_text(json.dumps(config))
    for command in ("ping", "backfill"):
        result = CliRunner().invoke(setting["group"], [command, "acme", "--config", str(sandbox)])
        assert result.exit_code != 0 and SANDBOX_ONLY in result.output
    assert _stored(setting["url"]) == 0


def _stored(url: str) -> int:
    async def count() -> int:
        database = Database(url, null_pool=True)
        try:
            async with database.system_session() as session:
                return (
                    await session.execute(
                        select(func.count()).select_from(SourceRecordRow).where(SourceRecordRow.stream == "order")
                    )
                ).scalar_one()
        finally:
            await database.dispose()

    return run(count())


def test_backfill_since_a_date_with_a_progress_bar(setting, monkeypatch) -> None:
    monkeypatch.setattr("click._termui_impl.isatty", lambda stream: True)  # render the bar as on a terminal
    since = (datetime.now(UTC) - timedelta(days=30)).date()
    expected = sum(
        1 for row in setting["fake"].catalog.orders.values() if row.fields["updated_at"] >= since.isoformat()
    )
    assert 0 < expected < 60
    result = invoke(
        setting,
        "backfill",
        "acme",
        "--since",
        since.isoformat(),
        "--stream",
        "order",
        "--config",
        str(setting["config"]),
    )
    assert result.exit_code == 0, result.output
    assert f"{expected}/{expected}" in result.output  # the bar reached its end
    assert f"{expected} read, {expected} new" in result.output
    assert _stored(setting["url"]) == expected

    async def cursor() -> str | None:
        database = Database(setting["url"], null_pool=True)
        try:
            from mlconnector.platform.plugins import resolve_tenant

            tenant = await resolve_tenant(database, "acme")
            async with database.session(tenant) as session:
                return await load_cursor(session, "commerce", "order")
        finally:
            await database.dispose()

    assert decode(run(cursor())).mode == "window"  # incremental reads go on from the backfill's end


def test_backfill_json_summary_of_every_stream(setting) -> None:
    result = invoke(setting, "backfill", "acme", "--json", "--config", str(setting["config"]))
    assert result.exit_code == 0, result.output
    summary = {entry["stream"]: entry["records"] for entry in json.loads(result.output)["streams"]}
    catalog = setting["fake"].catalog
    assert summary == {
        "customer": len(catalog.customers),
        "order": 60,
        "invoice": len(catalog.invoices),
        "credit_memo": len(catalog.credit_memos),
        "product": len(catalog.products),
    }


def test_backfill_refuses_a_bad_date(setting) -> None:
    result = CliRunner().invoke(
        setting["group"], ["backfill", "acme", "--since", "yesterday", "--config", str(setting["config"])]
    )
    assert result.exit_code != 0 and "2026-01-31" in result.output


def test_webhooks_prints_the_endpoint_to_register(setting, tmp_path) -> None:
    key = tmp_path / "commerce.pem"
    key.write_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    result = invoke(setting, "webhooks", "acme", "--io-client-id", "ca7b36f2", "--public-key", str(key), "--json")
    assert result.exit_code == 0, result.output
    urls = json.loads(result.output)
    assert urls["io_events_url"].endswith(f"/connectors/commerce/webhooks/{urls['endpoint_id']}/io-events")
    again = invoke(setting, "webhooks", "acme", "--io-client-id", "other", "--json")
    assert json.loads(again.output)["endpoint_id"] == urls["endpoint_id"]  # same URL, new settings
