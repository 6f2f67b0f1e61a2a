"""The fake on a real port (sandbox, benchmarks): configuration travels to the server process as JSON in
``MLC_FAKE_COMMERCE`` (credentials, data volume, latency), so the credentials are known before it starts."""

from __future__ import annotations

import json
import os
from typing import Any

from mlconnector.connectors.commerce.config import IMS_SCOPES
from mlconnector.connectors.commerce.fake.app import ALL_RESOURCES, CLOUD_SERVICE, PAAS, FakeCommerce
from mlconnector.connectors.commerce.fake.ims import ImsClient
from mlconnector.connectors.commerce.fake.oauth import Integration

ENV = "MLC_FAKE_COMMERCE"


def new_state(*, orders: int, latency_ms: int, cloud_service: bool, bearer: bool, seed: int) -> dict[str, Any]:
    """Fresh credentials and options for one fake store."""
    fake = FakeCommerce(flavor=CLOUD_SERVICE if cloud_service else PAAS)
    integration = fake.add_integration()
    client = fake.add_ims_client()
    return {
        "flavor": fake.flavor,
        "orders": orders,
        "latency_ms": latency_ms,
        "bearer": bearer,
        "seed": seed,
        "integration": {
            "consumer_key": integration.consumer_key,
            "consumer_secret": integration.consumer_secret,
            "access_token": integration.access_token,
            "access_token_secret": integration.access_token_secret,
        },
        "ims": {"client_id": client.client_id, "client_secret": client.client_secret, "org_id": client.org_id},
        "tenant_path": fake.tenant_path,
    }


def build(state: dict[str, Any]) -> FakeCommerce:
    fake = FakeCommerce(flavor=state["flavor"], bearer_enabled=state["bearer"], tenant_path=state["tenant_path"])
    integration = Integration(consumer_id=1, resources=ALL_RESOURCES, **state["integration"])
    fake.oauth.integrations[integration.consumer_key] = integration
    ims = state["ims"]
    fake.ims.clients[ims["client_id"]] = ImsClient(
        ims["client_id"], ims["client_secret"], ims["org_id"], frozenset(IMS_SCOPES)
    )
    fake.faults.latency = state["latency_ms"] / 1000
    fake.catalog.generate(state["orders"], seed=state["seed"])
    return fake


def create_app() -> FakeCommerce:
    """Granian factory (``--factory``): the fake described by ``MLC_FAKE_COMMERCE``."""
    return build(json.loads(os.environ[ENV]))


def connection_configs(state: dict[str, Any], base_url: str) -> dict[str, dict[str, Any]]:
    """Connection configs (the plugin's schema) for each way into this fake."""
    if state["flavor"] == CLOUD_SERVICE:
        ims = state["ims"]
        return {
            "ims": {
                "base_url": f"{base_url}/{state['tenant_path']}",
                "platform": "cloud_service",
                "auth_mode": "ims",
                "ims_client_id": ims["client_id"],
                "ims_client_secret": ims["client_secret"],
                "ims_org_id": ims["org_id"],
                "ims_token_url": f"{base_url}/ims/token/v3",
            }
        }
    creds = state["integration"]
    return {
        "oauth1": {"base_url": base_url, "auth_mode": "oauth1", **creds},
        "bearer": {"base_url": base_url, "auth_mode": "bearer", "access_token": creds["access_token"]},
    }
