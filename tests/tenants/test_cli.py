"""The operator's commands: mlc tenant, mlc token, mlc connection — readable, and scriptable with --json."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from mlc_testing.asyncio_thread import run
from mlc_testing.plugins import PROBE_PASSWORD, account_plugins
from mlc_testing.runtime_role import fetch_all

from mlconnector.platform.cli.app import build_cli


def await_rows(url: str, sql: str) -> list[tuple]:
    return run(fetch_all(url, sql))


@pytest.fixture
def mlc(make_settings, app_database, monkeypatch):  # type: ignore[no-untyped-def]
    """Run ``mlc …`` against the test database with the accounts test plugins installed."""
    make_settings(DATABASE_URL=app_database.url, MLC_VAULT_KEKS="k1:" + "Q" * 43 + "=")
    monkeypatch.setattr("mlconnector.platform.bootstrap.load_runtime_plugins", lambda _settings: account_plugins())

    def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(build_cli(), list(args), input=input)

    return invoke


def test_tenant_create_and_list(mlc, app_database) -> None:
    created = mlc("tenant", "create", "Acme Bikes", "--owner", "Owner@Acme.example", "--json")
    assert created.exit_code == 0, created.output
    data = json.loads(created.stdout)
    assert data["slug"] == "acme-bikes" and data["name"] == "Acme Bikes"
    assert data["owner_invitation_link"].startswith("http://localhost:8000/invitations/accept?token=mlci_")
    readable = mlc("tenant", "create", "Second Shop", "--slug", "second")
    assert readable.exit_code == 0 and readable.stdout.startswith("created tenant second (")
    taken = mlc("tenant", "create", "Another", "--slug", "second")
    assert taken.exit_code == 1 and "slug: 'second' is already taken" in taken.output

    listed = json.loads(mlc("tenant", "list", "--json").stdout)["tenants"]
    assert [(t["slug"], t["members"]) for t in listed] == [("acme-bikes", 0), ("second", 0)]
    assert "acme-bikes" in mlc("tenant", "list").stdout
    (invitation,) = await_rows(app_database.owner_url, "SELECT email, role, token_hash FROM invitations")
    assert invitation[:2] == ("owner@acme.example", "owner")
    assert invitation[2] not in data["owner_invitation_link"]  # stored as a digest


def test_token_create_shows_the_token_once(mlc, app_database) -> None:
    mlc("tenant", "create", "Acme")
    created = mlc("token", "create", "acme", "--name", "partner sync", "--scope", "write", "--json")
    assert created.exit_code == 0, created.output
    token = json.loads(created.stdout)["token"]
    assert token.startswith("mlcp_")
    listed = mlc("token", "list", "acme", "--json")
    assert token not in listed.stdout
    (row,) = json.loads(listed.stdout)["tokens"]
    assert (row["name"], row["scope"], row["last_used_at"]) == ("partner sync", "write", None)
    assert mlc("token", "revoke", "acme", row["id"]).exit_code == 0
    assert json.loads(mlc("token", "list", "acme", "--json").stdout)["tokens"] == []
    unknown = mlc("token", "create", "nosuch", "--name", "x")
    assert unknown.exit_code == 1 and "no tenant 'nosuch'" in unknown.output


def test_connection_set_ping_and_show(mlc, tmp_path) -> None:
    mlc("tenant", "create", "Acme")
    source = tmp_path / "source.json"
    source.write_text(json.dumps({"url": "https://shop.example", "token": "good-token"}))
    sink = tmp_path / "sink.json"
    sink.write_text(json.dumps({"host": "ok.example", "credentials": {"password": PROBE_PASSWORD}}))
    for plugin, path in (("testplug", source), ("probesink", sink)):
        saved = mlc("connection", "set", "acme", plugin, "--config", str(path), "--json")
        assert saved.exit_code == 0, saved.output
        assert "good-token" not in saved.stdout and PROBE_PASSWORD not in saved.stdout
    view = json.loads(mlc("connection", "set", "acme", "testplug", "--config", str(source), "--json").stdout)
    assert view["config"]["token"]["set"] is True and view["kind"] == "source"

    ping = mlc("connection", "ping", "acme", "probesink")
    assert ping.exit_code == 0 and ping.stdout.strip() == "Probe sink: OK — Connected to ok.example."
    assert json.loads(mlc("connection", "ping", "acme", "testplug", "--json").stdout)["ok"] is True
    shown = json.loads(mlc("connection", "show", "acme", "--json").stdout)["connections"]
    assert [(c["plugin"], c["last_check"]["ok"]) for c in shown] == [("testplug", True), ("probesink", True)]

    sink.write_text(json.dumps({"host": "ok.example", "credentials": {"password": "wrong-password"}}))
    mlc("connection", "set", "acme", "probesink", "--config", str(sink))
    failed = mlc("connection", "ping", "acme", "probesink")
    assert failed.exit_code == 1 and "FAILED — QuickBooks refused the password; type it again." in failed.stdout


def test_connection_set_explains_bad_files_and_bad_configs(mlc, tmp_path, app_database) -> None:
    mlc("tenant", "create", "Acme")
    broken = tmp_path / "broken.json"
    broken.write_text('{"url": "https://shop.example",')
    result = mlc("connection", "set", "acme", "testplug", "--config", str(broken))
    assert result.exit_code == 1 and "is not valid JSON (line 1" in result.output
    missing = mlc("connection", "set", "acme", "testplug", "--config", str(tmp_path / "nope.json"))
    assert missing.exit_code == 1 and "cannot read" in missing.output
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"url": "https://shop.example"}))
    invalid = mlc("connection", "set", "acme", "testplug", "--config", str(wrong))
    assert invalid.exit_code == 1 and "token: is required" in invalid.output
    simulated = tmp_path / "simulated.json"
    simulated.write_text(json.dumps({"url": "https://sandbox.invalid", "token": "good-token"}))
    refused = mlc("connection", "set", "acme", "testplug", "--config", str(simulated))
    assert refused.exit_code == 1 and "url: is the simulated store: only a sandbox may use it" in refused.output
    unknown = mlc("connection", "set", "acme", "nosuch", "--config", str(wrong))
    assert unknown.exit_code == 1 and "plugin: no connector plugin named 'nosuch'" in unknown.output
    from_stdin = mlc(
        "connection", "set", "acme", "testplug", "--config", "-", input=json.dumps({"url": "u", "token": "good-token"})
    )
    assert from_stdin.exit_code == 0, from_stdin.output
