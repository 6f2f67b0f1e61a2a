"""OAuth 1.0a against a store that verifies signatures exactly as Magento does: natural key order, decoded
brackets, spaces and plus signs, HMAC-SHA256 by default, fresh nonces, the ±600 s clock window."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any, ClassVar
from urllib.parse import quote

import httpx
import pytest
from authlib.oauth1 import ClientAuth
from authlib.oauth1.rfc5849.signature import generate_signature_base_string
from mlc_testing.commerce import BASE_URL, SleepLog, oauth_config

from mlconnector.connectors.commerce.auth.natural_order import strnatcmp
from mlconnector.connectors.commerce.auth.oauth1 import OAuth1Integration
from mlconnector.connectors.commerce.auth.oauth1_signature import base_string
from mlconnector.connectors.commerce.client import CommerceClient
from mlconnector.connectors.commerce.config import parse_connection
from mlconnector.connectors.commerce.errors import CommerceHTTPError
from mlconnector.connectors.commerce.fake import FakeCommerce, FakeTransport
from mlconnector.connectors.commerce.retry import RetryPolicy
from mlconnector.connectors.commerce.search import SearchCriteria, one


def client_for(fake: FakeCommerce, auth: httpx.Auth, **policy: Any) -> CommerceClient:
    integration = next(iter(fake.oauth.integrations.values()))
    connection = parse_connection(oauth_config(integration))
    return CommerceClient(
        connection, auth, transport=FakeTransport(fake), policy=RetryPolicy(**policy), sleep=SleepLog()
    )


def signer(fake: FakeCommerce, method: str = "HMAC-SHA256") -> OAuth1Integration:
    integration = next(iter(fake.oauth.integrations.values()))
    return OAuth1Integration(
        integration.consumer_key,
        integration.consumer_secret,
        integration.access_token,
        integration.access_token_secret,
        signature_method=method,
    )


def twelve_groups() -> SearchCriteria:
    return SearchCriteria(groups=tuple(one("entity_id", n, "neq") for n in range(1000, 1012)), page_size=5)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("img12.png", "img10.png", 1),  # PHP manual, natsort: img1 < img2 < img10 < img12
        ("img2.png", "img10.png", -1),
        ("img1.png", "img1.png", 0),
        ("x%5B9%5D", "x%5B10%5D", -1),  # the eleventh filter group sorts after the tenth…
        ("x%5B10%5D", "x%5B9%5D", 1),
        ("a01", "a1", -1),  # a run starting with 0 compares left-aligned ("fractional"): .01 < .1
        ("007", "7", 0),  # leading zeros at the start of the string are skipped
    ],
)
def test_natural_order_is_phps(a: str, b: str, expected: int) -> None:
    assert strnatcmp(a, b) == expected


def test_base_string_as_magento_computes_it() -> None:
    url = (
        "https://Shop.Example:443/rest/V1/orders?"
        "searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=a+b%2Bc%40example.com"
        "&searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bfield%5D=customer_email"
        "&fields=items%5Bincrement_id%5D"
    )
    oauth = [
        ("oauth_nonce", "n"),
        ("oauth_timestamp", "1700000000"),
        ("oauth_version", "1.0"),
        ("oauth_signature_method", "HMAC-SHA256"),
        ("oauth_consumer_key", "ck"),
        ("oauth_token", "tk"),
    ]
    # Written out by hand: the query is decoded ("+" → space, "%2B" → "+"), every name and value re-encoded
    # with rawurlencode, and the pairs sorted by name: fields < oauth_* < searchCriteria…[field] < …[value].
    pairs = (
        "fields=items%5Bincrement_id%5D&oauth_consumer_key=ck&oauth_nonce=n&oauth_signature_method=HMAC-SHA256"
        "&oauth_timestamp=1700000000&oauth_token=tk&oauth_version=1.0"
        "&searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bfield%5D=customer_email"
        "&searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=a%20b%2Bc%40example.com"
    )
    expected = "GET&https%3A%2F%2Fshop.example%2Frest%2FV1%2Forders&" + quote(pairs, safe="")
    assert base_string("GET", url, oauth) == expected


def test_a_query_pair_magento_would_drop_is_refused_before_sending() -> None:
    with pytest.raises(ValueError, match="searchCriteria"):
        base_string("GET", "https://shop.example/rest/V1/orders?searchCriteria", [("oauth_nonce", "n")])


async def test_signed_reads_pass_with_brackets_spaces_plus_signs_and_twelve_filter_groups() -> None:
    fake = FakeCommerce()
    fake.catalog.generate(30, seed=3)
    fake.add_integration()
    async with client_for(fake, signer(fake)) as client:
        page = await client.search("orders", twelve_groups())
        assert page.total_count == 30
        odd = SearchCriteria(groups=(one("customer_email", "a b+c=d&e@example.com"),), page_size=1)
        assert (await client.search("orders", odd)).total_count == 0  # accepted (and matched nothing)
    assert all(entry.status == 200 for entry in fake.log)


class RfcOrderAuth(ClientAuth):
    """What a client gets by registering HMAC-SHA256 on Authlib's RFC 5849 base string (byte-order sorting)."""

    SIGNATURE_METHODS: ClassVar[dict[str, Any]] = {
        "HMAC-SHA256": lambda client, request: base64.b64encode(
            hmac.new(
                f"{quote(client.client_secret, safe='~')}&{quote(client.token_secret, safe='~')}".encode(),
                generate_signature_base_string(request).encode(),
                hashlib.sha256,
            ).digest()
        ).decode()
    }


class RfcSigner(httpx.Auth):
    def __init__(self, fake: FakeCommerce) -> None:
        integration = next(iter(fake.oauth.integrations.values()))
        self.client = RfcOrderAuth(
            integration.consumer_key,
            client_secret=integration.consumer_secret,
            token=integration.access_token,
            token_secret=integration.access_token_secret,
            signature_method="HMAC-SHA256",
        )

    def auth_flow(self, request: httpx.Request):
        _, headers, _ = self.client.sign(request.method, str(request.url), {}, b"")
        request.headers["Authorization"] = headers["Authorization"]
        yield request


async def test_byte_order_signing_breaks_from_the_eleventh_filter_group() -> None:
    fake = FakeCommerce()
    fake.catalog.generate(30, seed=3)
    fake.add_integration()
    ten = SearchCriteria(groups=tuple(one("entity_id", n, "neq") for n in range(1000, 1010)), page_size=5)
    async with client_for(fake, RfcSigner(fake)) as client:
        assert (await client.search("orders", ten)).total_count == 30  # up to ten groups, both orders agree
        with pytest.raises(CommerceHTTPError, match="The signature is invalid") as refused:
            await client.search("orders", twelve_groups())
    assert refused.value.status == 401


async def test_tampered_signature_is_refused() -> None:
    fake = FakeCommerce()
    fake.add_integration()

    class Tampering(httpx.Auth):
        def auth_flow(self, request: httpx.Request):
            signed = next(signer(fake).auth_flow(request))
            signed.headers["Authorization"] = signed.headers["Authorization"].replace(
                'oauth_signature="', 'oauth_signature="A'
            )
            yield signed

    async with client_for(fake, Tampering()) as client:
        with pytest.raises(CommerceHTTPError, match="The signature is invalid") as refused:
            await client.get("store/storeConfigs")
    assert refused.value.status == 401


async def test_a_replayed_nonce_is_refused() -> None:
    fake = FakeCommerce()
    fake.add_integration()
    captured: list[str] = []

    class Replaying(httpx.Auth):
        def auth_flow(self, request: httpx.Request):
            if not captured:
                captured.append(next(signer(fake).auth_flow(request)).headers["Authorization"])
            request.headers["Authorization"] = captured[0]
            yield request

    async with client_for(fake, Replaying()) as client:
        await client.get("store/storeConfigs")
        with pytest.raises(CommerceHTTPError, match="nonce is already being used by the consumer with ID 1"):
            await client.get("store/storeConfigs")


async def test_every_retry_is_signed_with_a_fresh_nonce() -> None:
    fake = FakeCommerce()
    fake.add_integration()
    fake.faults.add(status=503, times=2, path="storeConfigs")
    async with client_for(fake, signer(fake), base_delay=0.0) as client:
        assert await client.get("store/storeConfigs")
    assert [entry.status for entry in fake.log] == [503, 503, 200]
    nonces = {entry.headers["authorization"].split('oauth_nonce="')[1].split('"')[0] for entry in fake.log}
    assert len(nonces) == 3


async def test_hmac_sha1_only_where_the_store_still_accepts_it() -> None:
    fake = FakeCommerce()
    fake.add_integration()
    async with client_for(fake, signer(fake, "HMAC-SHA1")) as client:
        with pytest.raises(CommerceHTTPError, match="Signature method HMAC-SHA1 is not supported") as refused:
            await client.get("store/storeConfigs")
        assert refused.value.status == 400
        fake.oauth.allow_sha1 = True  # a store from before 2.4.4
        assert await client.get("store/storeConfigs")


async def test_a_clock_more_than_ten_minutes_ahead_is_refused() -> None:
    fake = FakeCommerce(clock=lambda: 1_900_000_000.0 - 601)  # the store's clock is 601 s behind ours…
    fake.add_integration()
    ours = 1_900_000_000

    class Ahead(httpx.Auth):
        def auth_flow(self, request: httpx.Request):
            import authlib.oauth1.rfc5849.client_auth as module

            original = module.generate_timestamp
            module.generate_timestamp = lambda: str(ours)
            try:
                yield next(signer(fake).auth_flow(request))
            finally:
                module.generate_timestamp = original

    async with client_for(fake, Ahead()) as client:
        with pytest.raises(CommerceHTTPError, match="Incorrect timestamp value") as refused:
            await client.get("store/storeConfigs")
    assert refused.value.status == 400


def test_base_url_must_be_https_except_on_this_machine() -> None:
    with pytest.raises(ValueError, match="must use https"):
        parse_connection({**oauth_config(FakeCommerce().add_integration()), "base_url": "http://shop.example"})
    assert parse_connection({**oauth_config(FakeCommerce().add_integration()), "base_url": "http://127.0.0.1:8081"})
    assert BASE_URL.startswith("https://")
