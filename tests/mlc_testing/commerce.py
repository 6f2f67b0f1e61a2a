"""Helpers for the Adobe Commerce plugin's tests: the fake store, configs for each auth mode, a wired plugin."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mlconnector.connectors.commerce.connect import Wiring
from mlconnector.connectors.commerce.fake import FakeCommerce, FakeTransport
from mlconnector.connectors.commerce.fake.ims import ImsClient
from mlconnector.connectors.commerce.fake.oauth import Integration
from mlconnector.connectors.commerce.plugin import AdobeCommerceSource
from mlconnector.connectors.commerce.retry import RetryPolicy

BASE_URL = "https://shop.example"
IMS_URL = "https://ims.example/ims/token/v3"
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def oauth_config(integration: Integration, **extra: Any) -> dict[str, Any]:
    return {
        "base_url": BASE_URL,
        "auth_mode": "oauth1",
        "consumer_key": integration.consumer_key,
        "consumer_secret": integration.consumer_secret,
        "access_token": integration.access_token,
        "access_token_secret": integration.access_token_secret,
        **extra,
    }


def bearer_config(integration: Integration, **extra: Any) -> dict[str, Any]:
    return {"base_url": BASE_URL, "auth_mode": "bearer", "access_token": integration.access_token, **extra}


def ims_config(fake: FakeCommerce, client: ImsClient, **extra: Any) -> dict[str, Any]:
    return {
        "base_url": f"https://na1.api.commerce.example/{fake.tenant_path}",
        "platform": "cloud_service",
        "auth_mode": "ims",
        "ims_client_id": client.client_id,
        "ims_client_secret": client.client_secret,
        "ims_org_id": client.org_id,
        "ims_token_url": IMS_URL,
        **extra,
    }


async def no_sleep(seconds: float) -> None:
    """Retries in tests wait for nothing (the waits asked for are recorded by ``SleepLog``)."""


class SleepLog:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def wired_plugin(fake: FakeCommerce, **options: Any) -> AdobeCommerceSource:
    """The plugin talking to ``fake`` in-process, retrying without waiting."""
    wiring = Wiring(
        transport=FakeTransport(fake),
        policy=options.pop("policy", RetryPolicy(base_delay=0.0, max_delay=0.0)),
        sleep=options.pop("sleep", no_sleep),
        **({"clock": options.pop("clock")} if "clock" in options else {}),
    )
    return AdobeCommerceSource(wiring=wiring, **options)
