"""The credential vault: envelope encryption bound to tenant, connection and field; KEK rotation that re-wraps
data keys without opening a secret; values a plugin seals for itself."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import stat
import uuid

import pytest
from click.testing import CliRunner
from mlc_testing.plugins import PROBE_PASSWORD, account_plugins
from mlc_testing.runtime_role import fetch_all
from sqlalchemy import text

from mlconnector.platform.cli.app import build_cli
from mlconnector.platform.db.engine import Database, build_engine
from mlconnector.platform.plugins import VaultError, seal_value, unseal_value
from mlconnector.platform.settings._env import parse_key_list
from mlconnector.platform.vault import Keyring, envelope, keyring_from_settings, new_kek_value, rotate_kek, rotation
from mlconnector.tenants.services import connections
from mlconnector.tenants.services.tenant_creation import create_tenant

K1, K2, K3 = (new_kek_value(name) for name in ("k1", "k2", "k3"))
SOURCE = {"url": "https://shop.example", "token": "tenant-a-token-1"}
SINK = {"host": "ok.example", "credentials": {"password": PROBE_PASSWORD}}


def keyring(*entries: str) -> Keyring:
    keys = parse_key_list("test", ",".join(entries))
    return Keyring(keys, next(iter(keys)))


# -- the format, pure -------------------------------------------------------------------------------------------
def test_a_sealed_value_opens_only_with_its_key_and_binding() -> None:
    key, other = envelope.new_key(), envelope.new_key()
    here = envelope.binding("connection-secret", tenant="A", connection="c1", field="token")
    sealed = envelope.seal(key, "dek-1", b"s3cret-value", here)
    assert envelope.unseal(key, sealed, here) == b"s3cret-value"
    assert b"s3cret-value" not in sealed
    header, _ = envelope.read_header(sealed)
    assert (header.version, header.key_id) == (envelope.FORMAT_VERSION, "dek-1")
    for wrong_key, binding in (
        (other, here),
        (key, envelope.binding("connection-secret", tenant="B", connection="c1", field="token")),
        (key, envelope.binding("connection-secret", tenant="A", connection="c2", field="token")),
        (key, envelope.binding("connection-secret", tenant="A", connection="c1", field="password")),
    ):
        with pytest.raises(envelope.SealedValueError, match="does not open"):
            envelope.unseal(wrong_key, sealed, binding)


def test_tampering_with_any_byte_is_detected() -> None:
    key = envelope.new_key()
    here = envelope.binding("tenant-value", tenant="A", purpose="p")
    sealed = envelope.seal(key, "dek-1", b"value", here)
    for index in range(len(sealed)):
        tampered = bytearray(sealed)
        tampered[index] ^= 0x01
        with pytest.raises(envelope.SealedValueError):
            envelope.unseal(key, bytes(tampered), here)
    with pytest.raises(envelope.SealedValueError, match="format version 9"):
        envelope.unseal(key, b"\x09" + sealed[1:], here)
    with pytest.raises(envelope.SealedValueError, match="truncated"):
        envelope.unseal(key, sealed[:20], here)


def test_bindings_cannot_be_confused_by_clever_field_names() -> None:
    assert envelope.binding("x", a="1|b=2") != envelope.binding("x", a="1", b="2")


# -- keys ----------------------------------------------------------------------------------------------------
def test_the_embedded_default_generates_one_private_kek_and_keeps_it(make_settings, tmp_path) -> None:
    settings = make_settings(MLC_DATA_DIR=str(tmp_path / "data"))
    first = keyring_from_settings(settings.vault)
    path = tmp_path / "data" / "vault-keks"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = keyring_from_settings(settings.vault)
    assert first.keks == again.keks and len(first.keks[first.active_id]) == 32
    assert repr(settings.vault).count("=") == 2 and base64.b64encode(first.keks[first.active_id]).decode() not in repr(
        first
    )


def test_configured_keks_and_the_active_one(make_settings) -> None:
    settings = make_settings(MLC_VAULT_KEKS=f"{K1},{K2}", MLC_VAULT_ACTIVE_KEK="k2")
    ring = keyring_from_settings(settings.vault)
    assert ring.active_id == "k2" and set(ring.keks) == {"k1", "k2"}
    with pytest.raises(VaultError, match="KEK 'k9', which is not in MLC_VAULT_KEKS"):
        ring.kek("k9")


def test_mlc_vault_new_kek_prints_a_usable_entry() -> None:
    result = CliRunner().invoke(build_cli(), ["vault", "new-kek", "--id", "k2027"])
    assert result.exit_code == 0
    keys = parse_key_list("output", result.output.strip())
    assert list(keys) == ["k2027"] and len(keys["k2027"]) == 32
    bad = CliRunner().invoke(build_cli(), ["vault", "new-kek", "--id", "no spaces"])
    assert bad.exit_code == 2 and "--id" in bad.output


# -- secrets in the database -----------------------------------------------------------------------------------
@pytest.fixture
async def database(app_database):  # type: ignore[no-untyped-def]
    database = Database(app_database.url, pool_size=2)
    yield database
    await database.dispose()


async def _tenant_with_connections(database: Database, ring: Keyring, name: str) -> uuid.UUID:
    tenant = await create_tenant(database, ring, name)
    plugins = account_plugins()
    await connections.set_connection(database, ring, plugins, tenant.id, "testplug", {**SOURCE, "token": f"{name}-tok"})
    await connections.set_connection(database, ring, plugins, tenant.id, "probesink", SINK)
    return tenant.id


async def _config(database: Database, ring: Keyring, tenant_id: uuid.UUID, plugin: str) -> dict:
    async with database.session(tenant_id) as session:
        return await connections.connection_config(session, account_plugins().get(plugin), keyring=ring)


async def _execute(owner_url: str, sql: str, **params: object) -> None:
    engine = build_engine(owner_url, null_pool=True)
    async with engine.begin() as connection:
        await connection.execute(text(sql), params)
    await engine.dispose()


async def _sealed(owner_url: str, tenant_id: uuid.UUID, field: str) -> bytes:
    rows = await fetch_all(
        owner_url,
        "SELECT sealed FROM connection_secrets WHERE tenant_id = :t AND field = :f",
        t=tenant_id if "postgresql" in owner_url else tenant_id.hex,
        f=field,
    )
    return bytes(rows[0][0])


async def test_secrets_are_sealed_and_open_only_where_they_were_sealed(database, app_database) -> None:
    ring = keyring(K1)
    a = await _tenant_with_connections(database, ring, "alpha")
    b = await _tenant_with_connections(database, ring, "beta")
    assert (await _config(database, ring, a, "testplug"))["token"].reveal() == "alpha-tok"
    sealed_a = await _sealed(app_database.owner_url, a, "token")
    assert b"alpha-tok" not in sealed_a and sealed_a[0] == envelope.FORMAT_VERSION

    # A's ciphertext pasted into B's row: B's session cannot even find the data key it names
    await _execute(
        app_database.owner_url,
        "UPDATE connection_secrets SET sealed = :s WHERE tenant_id = :t AND field = 'token'",
        s=sealed_a,
        t=b if app_database.is_postgres else b.hex,
    )
    with pytest.raises(VaultError, match="another tenant"):
        await _config(database, ring, b, "testplug")

    # A's token pasted into A's own password field: right key, wrong binding
    await _execute(
        app_database.owner_url,
        "UPDATE connection_secrets SET sealed = :s WHERE tenant_id = :t AND field = 'credentials.password'",
        s=sealed_a,
        t=a if app_database.is_postgres else a.hex,
    )
    with pytest.raises(VaultError, match="does not belong here"):
        await _config(database, ring, a, "probesink")

    # one flipped bit
    tampered = bytearray(sealed_a)
    tampered[-1] ^= 0x80
    await _execute(
        app_database.owner_url,
        "UPDATE connection_secrets SET sealed = :s WHERE tenant_id = :t AND field = 'token'",
        s=bytes(tampered),
        t=a if app_database.is_postgres else a.hex,
    )
    with pytest.raises(VaultError, match="does not belong here"):
        await _config(database, ring, a, "testplug")


async def test_rotating_the_kek_rewraps_data_keys_and_never_touches_a_secret(database, app_database) -> None:
    old = keyring(K1)
    tenants = [await _tenant_with_connections(database, old, name) for name in ("alpha", "beta", "gamma")]
    secrets_before = await fetch_all(app_database.owner_url, "SELECT tenant_id, field, sealed FROM connection_secrets")

    report = await rotate_kek(database, keyring(K2, K1))
    assert report.rewrapped == 3 and report.keys_by_kek == {"k2": 3, "k1": 0} and report.retirable == ["k1"]
    assert await fetch_all(app_database.owner_url, "SELECT tenant_id, field, sealed FROM connection_secrets") == (
        secrets_before
    )
    only_new = keyring(K2)  # k1 retired
    for tenant_id, name in zip(tenants, ("alpha", "beta", "gamma"), strict=True):
        assert (await _config(database, only_new, tenant_id, "testplug"))["token"].reveal() == f"{name}-tok"
    with pytest.raises(VaultError, match="KEK 'k2', which is not in MLC_VAULT_KEKS"):
        await _config(database, old, tenants[0], "testplug")
    assert (await rotate_kek(database, keyring(K2, K1))).rewrapped == 0  # idempotent


async def test_an_interrupted_rotation_resumes_where_it_stopped(database, app_database, monkeypatch) -> None:
    old = keyring(K1)
    for name in ("alpha", "beta", "gamma"):
        await _tenant_with_connections(database, old, name)
    real = rotation.repository.replace_wrapping
    calls = 0

    async def dies_on_the_second(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionError("the database went away")
        return await real(*args, **kwargs)

    monkeypatch.setattr(rotation.repository, "replace_wrapping", dies_on_the_second)
    with pytest.raises(ConnectionError):
        await rotate_kek(database, keyring(K2, K1))
    monkeypatch.setattr(rotation.repository, "replace_wrapping", real)
    kek_ids = sorted(row[0] for row in await fetch_all(app_database.owner_url, "SELECT kek_id FROM tenant_keys"))
    assert kek_ids == ["k1", "k1", "k2"]
    assert (await rotate_kek(database, keyring(K2, K1))).rewrapped == 2


async def test_rotation_without_the_old_kek_says_which_one_is_missing(database) -> None:
    await _tenant_with_connections(database, keyring(K1), "alpha")
    with pytest.raises(VaultError, match="KEK 'k1', which is not in MLC_VAULT_KEKS"):
        await rotate_kek(database, keyring(K3))


def test_mlc_vault_rotate_kek(make_settings, app_database) -> None:
    async def setup() -> None:
        database = Database(app_database.url, null_pool=True)
        await _tenant_with_connections(database, keyring(K1), "alpha")
        await database.dispose()

    asyncio.run(setup())
    make_settings(DATABASE_URL=app_database.url, MLC_VAULT_KEKS=f"{K2},{K1}")
    result = CliRunner().invoke(build_cli(), ["vault", "rotate-kek", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "active_kek": "k2",
        "rewrapped": 1,
        "keys_by_kek": {"k2": 1, "k1": 0},
        "retirable": ["k1"],
    }
    readable = CliRunner().invoke(build_cli(), ["vault", "rotate-kek"])
    assert "re-wrapped 0 data key(s)" in readable.stdout and "you may remove it from MLC_VAULT_KEKS" in readable.output


# -- values a plugin seals itself ------------------------------------------------------------------------------
async def test_plugins_seal_their_own_values_for_one_tenant_and_purpose(database, app_database) -> None:
    ring = keyring(K1)
    a = (await create_tenant(database, ring, "alpha")).id
    b = (await create_tenant(database, ring, "beta")).id
    async with database.session(a) as session:
        sealed = await seal_value(session, "testplug.ims_token", "eyJ-access-token", keyring=ring)
        assert b"eyJ-access-token" not in sealed
        assert (await unseal_value(session, "testplug.ims_token", sealed, keyring=ring)).reveal() == "eyJ-access-token"
        with pytest.raises(VaultError):
            await unseal_value(session, "testplug.other", sealed, keyring=ring)
        with pytest.raises(VaultError, match="purpose"):
            await seal_value(session, "Bad Purpose!", "x", keyring=ring)
    async with database.session(b) as session:
        with pytest.raises(VaultError):
            await unseal_value(session, "testplug.ims_token", sealed, keyring=ring)


async def test_a_tenant_gets_exactly_one_data_key_even_when_first_uses_race(database, app_database) -> None:
    ring = keyring(K1)
    tenant = await create_tenant(database, ring, "alpha")
    await _execute(app_database.owner_url, "DELETE FROM tenant_keys")  # a tenant from before the vault existed

    async def seal_and_open(n: int) -> str:
        async with database.session(tenant.id) as session:
            sealed = await seal_value(session, "race", f"value-{n}", keyring=ring)
        async with database.session(tenant.id) as session:
            return (await unseal_value(session, "race", sealed, keyring=ring)).reveal()

    assert await asyncio.gather(*(seal_and_open(n) for n in range(5))) == [f"value-{n}" for n in range(5)]
    assert len(await fetch_all(app_database.owner_url, "SELECT id FROM tenant_keys")) == 1


def test_generated_kek_file_refuses_to_be_empty(make_settings, tmp_path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "vault-keks").write_text("")
    os.chmod(data / "vault-keks", 0o600)
    settings = make_settings(MLC_DATA_DIR=str(data))
    with pytest.raises(VaultError, match="holds no key"):
        keyring_from_settings(settings.vault)
