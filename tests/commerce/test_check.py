"""The credential ping says precisely what is wrong — and never repeats a secret."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import json
import ssl
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from mlc_testing.commerce import bearer_config, ims_config, oauth_config, wired_plugin

from mlconnector.connectors.commerce.fake import ALL_RESOURCES, CLOUD_SERVICE, FakeCommerce
from mlconnector.connectors.commerce.plugin import AdobeCommerceSource
from mlconnector.platform.plugins import CheckResult


def assert_no_secret(result: CheckResult, config: dict) -> None:
    shown = result.message + json.dumps(dict(result.details))
    for name in ("consumer_secret", "access_token", "access_token_secret", "ims_client_secret"):
        if config.get(name):
            assert config[name] not in shown, f"{name} leaked into the check result"


async def check(fake: FakeCommerce, config: dict) -> CheckResult:
    result = await wired_plugin(fake).check(config)
    assert_no_secret(result, config)
    return result


async def test_working_credentials() -> None:
    fake = FakeCommerce()
    fake.catalog.generate(12, seed=1)
    result = await check(fake, oauth_config(fake.add_integration()))
    assert result.ok, result.message
    assert "default" in result.message and "wholesale" in result.message
    assert result.details["orders"] == "12"


async def test_bad_consumer_key() -> None:
    fake = FakeCommerce()
    config = {**oauth_config(fake.add_integration()), "consumer_key": "x" * 32}
    result = await check(fake, config)
    assert (result.problem, "Consumer Key" in result.message) == ("bad_credentials", True)


async def test_bad_access_token() -> None:
    fake = FakeCommerce()
    config = {**oauth_config(fake.add_integration()), "access_token": "y" * 32}
    result = await check(fake, config)
    assert result.problem == "bad_credentials" and "Access Token" in result.message


async def test_bad_consumer_secret_shows_as_an_invalid_signature() -> None:
    fake = FakeCommerce()
    config = {**oauth_config(fake.add_integration()), "consumer_secret": "z" * 32}
    result = await check(fake, config)
    assert result.problem == "bad_credentials" and "signature is invalid" in result.message


async def test_clock_skew() -> None:
    fake = FakeCommerce(clock=lambda: time.time() - 900)  # our clock is 15 minutes ahead of the store's
    result = await check(fake, oauth_config(fake.add_integration()))
    assert result.problem == "clock_skew"
    assert "15 minutes ahead" in result.message


async def test_unknown_store_code() -> None:
    fake = FakeCommerce()
    result = await check(fake, oauth_config(fake.add_integration(), store_code="nosuchstore"))
    assert result.problem == "not_found" and "'nosuchstore'" in result.message


async def test_unknown_store_id() -> None:
    fake = FakeCommerce()
    result = await check(fake, oauth_config(fake.add_integration(), store_ids=[1, 7]))
    assert result.problem == "invalid_config" and "id 7" in result.message and "1 (default)" in result.message


async def test_missing_acl_resource_is_named() -> None:
    fake = FakeCommerce()
    integration = fake.add_integration(ALL_RESOURCES - {"Magento_Sales::actions_view"})
    result = await check(fake, oauth_config(integration))
    assert result.problem == "forbidden"
    assert result.details["resource"] == "Magento_Sales::actions_view"


async def test_bearer_token_not_allowed_by_the_store() -> None:
    fake = FakeCommerce(bearer_enabled=False)
    result = await check(fake, bearer_config(fake.add_integration()))
    assert result.problem == "forbidden" and "standalone Bearer tokens" in result.message


async def test_hmac_sha1_against_a_current_store() -> None:
    fake = FakeCommerce()
    result = await check(fake, oauth_config(fake.add_integration(), signature_method="HMAC-SHA1"))
    assert result.problem == "invalid_config" and "HMAC-SHA256" in result.message


async def test_ims_scope_missing() -> None:
    fake = FakeCommerce(flavor=CLOUD_SERVICE)
    client = fake.add_ims_client(scopes=frozenset({"openid", "AdobeID"}))
    result = await check(fake, ims_config(fake, client, ims_scopes=["openid", "AdobeID", "commerce.accs"]))
    assert result.problem == "forbidden" and "commerce.accs" in result.message


async def test_ims_bad_client_secret() -> None:
    fake = FakeCommerce(flavor=CLOUD_SERVICE)
    client = fake.add_ims_client()
    result = await check(fake, {**ims_config(fake, client), "ims_client_secret": "p8e-wrongwrongwrong"})
    assert result.problem == "bad_credentials" and "client id or client secret" in result.message


async def test_ims_working_credentials() -> None:
    fake = FakeCommerce(flavor=CLOUD_SERVICE)
    result = await check(fake, ims_config(fake, fake.add_ims_client()))
    assert result.ok, result.message


async def test_a_firewall_page_instead_of_json() -> None:
    fake = FakeCommerce()
    fake.faults.add(status=403, body=b"<html>Access denied</html>", content_type="text/html", times=5)
    result = await check(fake, oauth_config(fake.add_integration()))
    assert result.problem == "forbidden" and "text/html" in result.message


async def test_a_redirect_is_reported_not_followed() -> None:
    fake = FakeCommerce()
    fake.faults.add(status=301, body=b"", times=5)
    result = await check(fake, oauth_config(fake.add_integration()))
    assert result.problem == "invalid_config" and "redirects" in result.message


async def test_a_secret_never_reaches_the_result_even_when_the_store_echoes_it() -> None:
    fake = FakeCommerce()
    integration = fake.add_integration()
    config = oauth_config(integration)
    echo = json.dumps({"message": f"bad {integration.access_token} and {integration.consumer_secret}"}).encode()
    fake.faults.add(status=500, body=echo, times=5)
    result = await wired_plugin(fake).check(config)
    assert not result.ok and "********" in result.message
    assert_no_secret(result, config)


# --- transport problems, against real sockets ------------------------------------------------------------------


@asynccontextmanager
async def server(handler, ssl_context: ssl.SSLContext | None = None) -> AsyncIterator[int]:
    listening = await asyncio.start_server(handler, "127.0.0.1", 0, ssl=ssl_context)
    port = listening.sockets[0].getsockname()[1]
    try:
        yield port
    finally:
        listening.close()


def self_signed(tmp_path) -> ssl.SSLContext:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


def real_config(base_url: str, **extra) -> dict:
    return {"base_url": base_url, "auth_mode": "bearer", "access_token": "t0ken-value-123456", **extra}


async def test_tls_certificate_problem(tmp_path) -> None:
    async def handler(reader, writer) -> None:
        writer.close()

    async with server(handler, self_signed(tmp_path)) as port:
        result = await AdobeCommerceSource().check(real_config(f"https://127.0.0.1:{port}"))
    assert result.problem == "tls", result.message
    assert "certificate" in result.message


async def test_timeout() -> None:
    async def silent(reader, writer) -> None:
        await asyncio.sleep(10)

    async with server(silent) as port:
        started = time.monotonic()
        result = await AdobeCommerceSource().check(real_config(f"http://127.0.0.1:{port}", request_timeout_seconds=1))
    assert result.problem == "timeout", result.message
    assert time.monotonic() - started < 8


async def test_unreachable() -> None:
    async with server(lambda r, w: None) as port:
        pass  # closed again: nothing listens on the port now
    result = await AdobeCommerceSource().check(real_config(f"http://127.0.0.1:{port}"))
    assert result.problem == "unreachable"


async def test_invalid_config_names_the_field() -> None:
    result = await AdobeCommerceSource().check(real_config("http://shop.example"))
    assert result.problem == "invalid_config" and "base_url" in result.message and "https" in result.message


@pytest.mark.parametrize("suffix", ["/rest/V1", "/rest"])
async def test_a_base_url_with_the_rest_path_is_explained(suffix: str) -> None:
    result = await AdobeCommerceSource().check(real_config(f"https://shop.example{suffix}"))
    assert result.problem == "invalid_config" and "without" in result.message
