"""Connections: configured per plugin schema, secrets write-only, "test connection" answers in sentences."""

from __future__ import annotations

import uuid

from mlc_testing.accounts import KEK, csrf, sign_up, tenant_of
from mlc_testing.plugins import PROBE_PASSWORD, account_plugins

from mlconnector.platform.db.engine import Database
from mlconnector.platform.redaction import Secret
from mlconnector.platform.settings._env import parse_key_list
from mlconnector.platform.vault import Keyring
from mlconnector.tenants.services import connections

SOURCE = {"url": "https://shop.example", "token": "good-token"}
SINK = {"host": "ok.example", "store_code": "main", "credentials": {"password": PROBE_PASSWORD}}
KEYRING = Keyring(parse_key_list("test", KEK), "k1")


async def _put(client, tenant: str, plugin: str, config: dict, headers: dict | None = None):  # type: ignore[no-untyped-def]
    return await client.put(
        f"/api/tenants/{tenant}/connections/{plugin}",
        json={"config": config},
        headers=headers if headers is not None else await csrf(client),
    )


async def _ping(client, tenant: str, plugin: str, headers: dict | None = None):  # type: ignore[no-untyped-def]
    return await client.post(
        f"/api/tenants/{tenant}/connections/{plugin}/ping",
        headers=headers if headers is not None else await csrf(client),
    )


async def test_signup_login_both_connections_and_ping(client) -> None:
    await sign_up(client, "owner@acme.example")
    tenant = await tenant_of(client)

    source = await _put(client, tenant, "testplug", SOURCE)
    assert source.status_code == 200, source.text
    assert source.json()["kind"] == "source"
    assert source.json()["config"]["url"] == "https://shop.example"
    token_view = source.json()["config"]["token"]
    assert token_view["set"] is True and token_view["changed_at"]
    sink = await _put(client, tenant, "probesink", SINK)
    assert sink.status_code == 200
    assert sink.json()["config"]["credentials"]["password"]["set"] is True

    listed = (await client.get(f"/api/tenants/{tenant}/connections")).json()
    assert [(c["kind"], c["plugin"]) for c in listed] == [("source", "testplug"), ("sink", "probesink")]
    for plugin, message in (("testplug", "Connected."), ("probesink", "Connected to ok.example.")):
        ping = await _ping(client, tenant, plugin)
        assert ping.status_code == 200
        assert ping.json()["ok"] is True and ping.json()["message"] == message
    shown = (await client.get(f"/api/tenants/{tenant}/connections/probesink")).json()
    assert shown["last_check"]["ok"] is True and shown["last_check"]["message"] == "Connected to ok.example."
    assert "good-token" not in str(listed) and PROBE_PASSWORD not in str(listed)


async def test_saving_without_a_secret_keeps_the_stored_one(client, app_settings) -> None:
    await sign_up(client, "owner@acme.example")
    tenant = await tenant_of(client)
    first = (await _put(client, tenant, "probesink", SINK)).json()
    changed = await _put(client, tenant, "probesink", {"host": "ok.example", "credentials": {}})
    assert changed.status_code == 200, changed.text
    view = changed.json()["config"]
    assert "store_code" not in view  # public fields are replaced as a whole
    assert view["credentials"]["password"] == first["config"]["credentials"]["password"]  # same value, same time
    assert (await _ping(client, tenant, "probesink")).json()["ok"] is True

    database = Database(app_settings.database.url, null_pool=True)
    try:
        async with database.session(uuid.UUID(tenant)) as session:
            config = await connections.connection_config(session, account_plugins().get("probesink"), keyring=KEYRING)
    finally:
        await database.dispose()
    password = config["credentials"]["password"]
    assert (
        isinstance(password, Secret) and password.reveal() == PROBE_PASSWORD and repr(password) == "Secret('********')"
    )


async def test_a_new_secret_replaces_the_old_one(client) -> None:
    await sign_up(client, "owner@acme.example")
    tenant = await tenant_of(client)
    await _put(client, tenant, "testplug", SOURCE)
    await _put(client, tenant, "testplug", {**SOURCE, "token": "rotated-token"})
    ping = (await _ping(client, tenant, "testplug")).json()
    assert ping["ok"] is False and ping["problem"] == "bad_credentials"
    assert ping["message"] == "The store rejected the access token; paste a new one."


async def test_one_source_per_organisation(client) -> None:
    await sign_up(client, "owner@acme.example")
    tenant = await tenant_of(client)
    await _put(client, tenant, "testplug", SOURCE)
    second = await _put(client, tenant, "othershop", SOURCE)
    assert second.status_code == 409
    assert second.json()["details"] == [
        {"key": "plugin", "message": "this organisation already has a source connection (testplug); remove it first"}
    ]
    removed = await client.delete(f"/api/tenants/{tenant}/connections/testplug", headers=await csrf(client))
    assert removed.status_code == 204
    assert (await client.get(f"/api/tenants/{tenant}/connections")).json() == []
    missing = await _ping(client, tenant, "testplug")
    assert missing.status_code == 404 and "No Test source connection is set up" in missing.json()["error"]
    assert (await _put(client, tenant, "othershop", SOURCE)).status_code == 200


async def test_ping_outcomes_are_sentences_never_stack_traces(client) -> None:
    await sign_up(client, "owner@acme.example")
    tenant = await tenant_of(client)
    expectations = {
        "tls.example": ("tls", "The certificate of tls.example is not trusted; install a valid one."),
        "crash.example": ("plugin_error", "The Probe sink connector failed unexpectedly (RuntimeError)."),
        "wrong.example": None,
    }
    for host, expected in expectations.items():
        password = PROBE_PASSWORD if expected else "not-the-password"
        await _put(client, tenant, "probesink", {"host": host, "credentials": {"password": password}})
        ping = (await _ping(client, tenant, "probesink")).json()
        assert ping["ok"] is False
        if expected:
            assert (ping["problem"], ping["message"]) == expected
        else:
            assert ping["problem"] == "bad_credentials" and "type it again" in ping["message"]
        assert "Traceback" not in ping["message"]


async def test_a_ping_that_hangs_times_out_with_advice(app_settings, client) -> None:
    await sign_up(client, "owner@acme.example")
    tenant = await tenant_of(client)
    await _put(client, tenant, "probesink", {"host": "slow.example", "credentials": {"password": PROBE_PASSWORD}})
    database = Database(app_settings.database.url, null_pool=True)
    try:
        done = await connections.ping(database, KEYRING, account_plugins(), uuid.UUID(tenant), "probesink", seconds=0.2)
    finally:
        await database.dispose()
    assert done.result.problem == "timeout"
    assert done.result.message == "No answer within 0 seconds. Check the address and try again."
    shown = (await client.get(f"/api/tenants/{tenant}/connections/probesink")).json()
    assert shown["last_check"]["problem"] == "timeout"


async def test_installed_connectors_publish_their_config_schema(client) -> None:
    listed = (await client.get("/api/connectors")).json()
    assert {c["name"]: c["kind"] for c in listed} == {"testplug": "source", "probesink": "sink", "othershop": "source"}
    schema = next(c for c in listed if c["name"] == "testplug")["config_schema"]
    assert schema["properties"]["token"]["secret"] is True
