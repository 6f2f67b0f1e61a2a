"""``mlc items import|export`` (CSV, all or nothing, round trip) and ``mlc settings get|set --sync``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from mlc_testing.asyncio_thread import run
from mlc_testing.tenants import connect, make_tenant

from mlconnector.platform.cli.app import build_cli
from mlconnector.platform.db.engine import Database

GOOD = 'sku,item\n24-MB01,Bags:Joust Duffle Bag\n24-WB04,"Push It Messenger Bag, large"\n'


async def _tenant_with_books(url: str) -> None:
    database = Database(url)
    tenant = await make_tenant(database, "acme")
    await connect(database, tenant, "qbd", {"username": "acme"})
    await make_tenant(database, "nobooks")
    await database.dispose()


@pytest.fixture
def mlc(make_settings, database_url):
    make_settings(DATABASE_URL=database_url)
    run(_tenant_with_books(database_url))
    runner = CliRunner()
    return lambda *args: runner.invoke(build_cli(), list(args))


def test_items_import_then_export_round_trips(mlc, tmp_path) -> None:
    source = tmp_path / "items.csv"
    source.write_text(GOOD, encoding="utf-8")
    imported = mlc("items", "import", "acme", str(source))
    assert imported.exit_code == 0, imported.output
    assert imported.output.startswith("2 added, 0 changed")
    exported = tmp_path / "out.csv"
    assert mlc("items", "export", "acme", str(exported)).exit_code == 0
    assert exported.read_text(encoding="utf-8") == GOOD
    again = mlc("items", "import", "acme", str(exported))
    assert again.output.startswith("0 added, 0 changed, 2 unchanged")
    assert mlc("items", "export", "acme", "-").output == GOOD


def test_a_bad_line_imports_nothing_and_is_named(mlc, tmp_path) -> None:
    first = tmp_path / "first.csv"
    first.write_text("sku,item\n24-MB01,Joust Duffle Bag\n", encoding="utf-8")
    assert mlc("items", "import", "acme", str(first)).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "sku,item\n24-MB01,Renamed Bag\n24-WB04,\n24-WB05,Tote,extra\n24-MB01,Another Bag\n", encoding="utf-8"
    )
    refused = mlc("items", "import", "acme", str(bad))
    assert refused.exit_code == 1
    assert "nothing was imported" in refused.output
    for line in ("line 3", "line 4", "line 5"):
        assert line in refused.output, refused.output
    assert "  line 2:" not in refused.output and "already mapped on line 2" in refused.output
    assert mlc("items", "export", "acme", "-").output == "sku,item\n24-MB01,Joust Duffle Bag\n"
    header = tmp_path / "header.csv"
    header.write_text("product,qb\n1,2\n", encoding="utf-8")
    assert "the first line must be the header sku,item" in mlc("items", "import", "acme", str(header)).output


def test_items_need_connected_books(mlc, tmp_path) -> None:
    source = tmp_path / "items.csv"
    source.write_text(GOOD, encoding="utf-8")
    refused = mlc("items", "import", "nobooks", str(source))
    assert refused.exit_code == 1 and "connect QuickBooks" in refused.output


def test_sync_settings_from_the_command_line(mlc, tmp_path) -> None:
    assert json.loads(mlc("settings", "get", "acme", "--sync").output) == {
        "pause_window": None,
        "read_interval_minutes": 5,
        "web_connector_interval_minutes": 15,
    }
    changes = tmp_path / "sync.json"
    window = {"start": "22:00", "end": "06:00", "timezone": "America/New_York"}
    changes.write_text(json.dumps({"pause_window": window, "read_interval_minutes": 10}))
    assert json.loads(mlc("settings", "set", "acme", "--sync", "--file", str(changes)).output)["pause_window"] == window
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"read_interval_minutes": 0}))
    refused = mlc("settings", "set", "acme", "--sync", "--file", str(bad))
    assert refused.exit_code == 1 and "nothing was changed" in refused.output and "1 to 1440" in refused.output
    assert json.loads(mlc("settings", "get", "acme", "--sync").output)["read_interval_minutes"] == 10
