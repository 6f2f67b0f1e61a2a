"""A sandbox end to end in one test process: the app with the real connectors, the jobs running (embedded, or
through Redis), a signed-up user who pressed "Try the sandbox", and a look into the simulated books."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from litestar.testing import AsyncTestClient

from mlc_testing.accounts import KEK, csrf, sign_up
from mlc_testing.engine import FAST_JOBS, documents_by_key
from mlc_testing.jobs import busy_jobs
from mlconnector.connectors.qbd.models import SandboxBooks
from mlconnector.connectors.qbd.sandbox.books import books_of, rebuild
from mlconnector.connectors.qbd.sandbox.cycle import CYCLE_JOB
from mlconnector.connectors.qbd.simulator import QuickBooksSimulator
from mlconnector.platform import bootstrap
from mlconnector.platform.app import create_app
from mlconnector.platform.db.engine import Database
from mlconnector.platform.jobs import enqueue
from mlconnector.platform.jobs.registry import registry
from mlconnector.platform.jobs.runtime import JobRuntime
from mlconnector.platform.plugins.discovery import PluginSet, load_plugins
from mlconnector.platform.sync.models import DocumentRow


def real_plugins() -> PluginSet:
    return load_plugins(["commerce", "qbd"])


@dataclass
class Sandbox:
    client: AsyncTestClient
    database: Database
    tenant: dict[str, Any]
    created: dict[str, Any]

    @property
    def tenant_id(self) -> uuid.UUID:
        return uuid.UUID(self.tenant["id"])

    async def books(self) -> tuple[SandboxBooks, QuickBooksSimulator]:
        async with self.database.session(self.tenant_id) as session:
            books = await books_of(session, self.tenant_id)
            assert books is not None
            return books, await rebuild(session, books)

    async def documents(self) -> dict[str, DocumentRow]:
        return await documents_by_key(self.database, self.tenant_id)

    async def idle(self, timeout: float = 60.0) -> None:
        """Wait until no job of this sandbox is due or running (the engine has settled what it has)."""

        async def quiet() -> bool:
            return await busy_jobs(self.database, self.tenant_id) == 0

        await self.until(quiet, timeout)

    async def cycle(self) -> None:
        """One simulated Web Connector update now (as its schedule would run it), then let the engine settle."""
        await self.idle()
        async with self.database.system_session() as session:
            await enqueue(session, CYCLE_JOB, tenant_id=self.tenant_id)
        await self.idle()

    async def until(self, what: Callable[[], Any], timeout: float = 60.0) -> Any:
        """Poll ``what`` (async) until it answers something true."""
        deadline = time.monotonic() + timeout
        while True:
            found = await what()
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"not within {timeout} s")
            await asyncio.sleep(0.2)


@asynccontextmanager
async def running_sandbox(make_settings: Any, database_url: str, mailbox: Any, **env: str) -> AsyncIterator[Sandbox]:
    settings = make_settings(
        DATABASE_URL=database_url,
        MLC_AUTO_MIGRATE="false",
        MLC_VAULT_KEKS=KEK,
        **{**FAST_JOBS, "MLC_SANDBOX_CYCLE_SECONDS": "1", **env},
    )
    plugins = real_plugins()
    bootstrap.install_plugins(plugins)
    runtime = JobRuntime(settings, registry)
    runtime.start()
    database = Database(database_url, pool_size=4)
    try:
        app = create_app(settings, plugins=plugins, start_jobs=False, mail_sender=mailbox)
        async with AsyncTestClient(app) as client:
            await sign_up(client, f"owner-{uuid.uuid4().hex[:6]}@example.com", "Real Shop")
            response = await client.post("/api/sandbox", headers=await csrf(client))
            assert response.status_code == 201, response.text
            created = response.json()
            yield Sandbox(client, database, created["tenant"], created)
    finally:
        runtime.stop()
        bootstrap.install_plugins(None)
        await database.dispose()


async def invoices_in_books(sandbox: Sandbox) -> list[str]:
    _, simulator = await sandbox.books()
    return sorted(txn.ref_number or "" for txn in simulator.of_kind("Invoice"))
