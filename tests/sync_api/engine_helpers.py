"""An organisation with QuickBooks connected and documents in every interesting state, built through the API and
the engine's own jobs (nothing poked into tables), for the engine API tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from litestar.testing import AsyncTestClient
from mlc_testing.accounts import csrf, sign_up, tenant_of
from qbd.helpers import SETTINGS, invoice
from sqlalchemy import select

from mlconnector.platform.db.engine import Database
from mlconnector.platform.documents import encode_document
from mlconnector.platform.jobs.models import QUEUED, Job
from mlconnector.platform.jobs.registry import registry
from mlconnector.platform.jobs.runner import RunPolicy, run_job
from mlconnector.platform.plugins import SourceRecord, store_records

POLICY = RunPolicy(lease=timedelta(seconds=30), max_attempts=3, min_backoff_ms=10, max_backoff_ms=10)
ACCOUNTING = {key: value for key, value in SETTINGS.items() if key != "items"}


@dataclass
class Shop:
    tenant: str
    tenant_id: uuid.UUID
    read_token: str
    write_token: str

    def url(self, path: str) -> str:
        return f"/api/tenants/{self.tenant}/sync{path}"


async def run_jobs(database: Database) -> None:
    """Run every due job (and what they queue) until none is left, as a worker would."""
    for _ in range(10):
        async with database.system_session() as session:
            due = (await session.execute(select(Job.id).where(Job.state == QUEUED).order_by(Job.created_at))).scalars()
            job_ids = list(due)
        if not job_ids:
            return
        for job_id in job_ids:
            await run_job(database, registry, job_id, POLICY)


async def token(client: AsyncTestClient, tenant: str, scope: str) -> str:
    response = await client.post(
        f"/api/tenants/{tenant}/tokens", json={"name": f"{scope} script", "scope": scope}, headers=await csrf(client)
    )
    assert response.status_code == 201, response.text
    return response.json()["token"]


async def open_shop(client: AsyncTestClient, database: Database, email: str, invoices: int = 3) -> Shop:
    """Sign up, connect QuickBooks, choose accounting settings and map one SKU through the API; then read
    ``invoices`` invoices (1: SKU 24-MB01, unmapped, so held; the rest 24-WB04, mapped, so queued)."""
    await sign_up(client, email, organisation=email.split("@")[1])
    tenant = await tenant_of(client)
    headers = await csrf(client)
    username = f"qb-{uuid.uuid4().hex[:8]}"
    response = await client.put(
        f"/api/tenants/{tenant}/connections/qbd", json={"config": {"username": username}}, headers=headers
    )
    assert response.status_code == 200, response.text
    shop = Shop(tenant, uuid.UUID(tenant), await token(client, tenant, "read"), await token(client, tenant, "write"))
    assert (await client.put(shop.url("/settings/accounting"), json=ACCOUNTING, headers=headers)).status_code == 200
    mapped = await client.put(shop.url("/items"), json={"items": {"24-WB04": "Push It Messenger Bag"}}, headers=headers)
    assert mapped.status_code == 200, mapped.text
    records = [
        SourceRecord(
            stream="order",
            key=f"raw:{n}",
            source_id=str(n),
            updated_at=None,
            payload={"document": encode_document(invoice(n, sku="24-MB01" if n == 1 else "24-WB04")).decode()},
        )
        for n in range(1, invoices + 1)
    ]
    async with database.session(shop.tenant_id) as session:
        await store_records(session, "testplug", records)
    await run_jobs(database)
    return shop


def bearer(value: str) -> dict[str, Any]:
    return {"authorization": f"Bearer {value}"}
