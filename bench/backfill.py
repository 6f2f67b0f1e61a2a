"""Backfill: the whole order history from a Commerce fake that adds a fixed latency to every REST answer; bounded
parallel paging (the connection's ``max_concurrency``) against sequential paging (``max_concurrency`` 1).

Runs ``ingest`` with a backfill start cursor, exactly as ``mlc commerce backfill TENANT`` does, into a fresh
database each time. The fake runs on a port in its own process (``python -m mlconnector.connectors.commerce.fake
--latency-ms``), so its CPU is not counted as ours; ours is this process's CPU time (reading + storing). Then it
checks the store: every order stored once (distinct source ids = orders), none read twice (records read = orders,
nothing "changed"), none missing.

    .venv/bin/python bench/backfill.py [--orders 100000] [--latency-ms 150] [--page-size 300] [--concurrency 1,8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import harness
import httpx


class CountingTransport(httpx.AsyncBaseTransport):
    """A real HTTP transport that counts the REST requests it sends (each one pays the injected latency)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def start_fake(orders: int, latency_ms: int, work: Path) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    """The Commerce fake on a free port, in its own process (so its CPU is not counted as ours)."""
    port = harness.free_port()
    configs = work / "fake-configs.json"
    log = (work / "fake.log").open("w")
    fake = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlconnector.connectors.commerce.fake",
            "--port",
            str(port),
            "--orders",
            str(orders),
            "--latency-ms",
            str(latency_ms),
            "--bearer",
            "--seed",
            "3",
            "--configs",
            str(configs),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 3600  # generating 100k orders takes minutes on a busy machine
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if fake.poll() is not None or time.monotonic() > deadline:
                fake.terminate()
                raise RuntimeError(f"the Commerce fake did not start; see {work / 'fake.log'}") from None
            time.sleep(0.2)
    found = json.loads(configs.read_text())
    return fake, found.get("bearer") or found[next(iter(found))]


async def one_run(
    base_config: dict[str, Any], orders: int, concurrency: int, page_size: int, kind: str, work: Path
) -> dict[str, Any]:
    from mlc_testing.storefront import plugin_set
    from sqlalchemy import func, select

    from mlconnector.connectors.commerce.connect import Wiring
    from mlconnector.connectors.commerce.cursor import backfill_from
    from mlconnector.connectors.commerce.plugin import AdobeCommerceSource
    from mlconnector.connectors.qbd.plugin import QuickBooksDesktopSink
    from mlconnector.platform import bootstrap
    from mlconnector.platform.db.engine import Database
    from mlconnector.platform.settings import reset_settings
    from mlconnector.platform.sync.ingest import ingest
    from mlconnector.platform.sync.models import SourceRecordRow
    from mlconnector.tenants.models import Tenant

    tag = f"backfill_{kind[:2]}_{orders}_{concurrency}"
    (work / tag).mkdir(exist_ok=True)
    os.environ.update({"MLC_DATA_DIR": str(work / tag), "MLC_LOG_LEVEL": "warning"})
    reset_settings()
    backend = await harness.fresh_backend(kind, tag, work)
    counter = CountingTransport()
    source = AdobeCommerceSource(wiring=Wiring(transport=counter))
    bootstrap.install_plugins(plugin_set(source, QuickBooksDesktopSink()))
    database = Database(backend.url, pool_size=4)
    try:
        tenant_id = uuid.uuid4()
        async with database.system_session() as session:
            session.add(Tenant(id=tenant_id, slug=tag, name=tag))
        config = {**base_config, "page_size": page_size, "max_concurrency": concurrency}
        load = harness.load()
        wall0, cpu0 = time.perf_counter(), time.process_time()
        report = await ingest(database, source, tenant_id, "order", config=config, start_cursor=backfill_from(None))
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        async with database.session(tenant_id) as session:
            stored, distinct = (
                await session.execute(
                    select(func.count(), func.count(func.distinct(SourceRecordRow.source_id))).where(
                        SourceRecordRow.tenant_id == tenant_id, SourceRecordRow.stream == "order"
                    )
                )
            ).one()
    finally:
        await database.dispose()
        bootstrap.install_plugins(None)
        await harness.drop_backend(backend)
    return {
        "backend": backend.name,
        "orders": orders,
        "concurrency": concurrency,
        "page_size": page_size,
        "wall": wall,
        "cpu": cpu,
        "requests": counter.requests,
        "read": report.records,
        "new": report.new,
        "changed": report.changed,
        "stored": stored,
        "distinct": distinct,
        "load": load,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--latency-ms", type=int, default=150)
    parser.add_argument("--page-size", type=int, default=300)
    parser.add_argument("--concurrency", default="1,8", help="max_concurrency values to compare (1 = sequential)")
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    work = harness.workdir("backfill")
    fake, base_config = start_fake(args.orders, args.latency_ms, work)
    try:
        results = []
        for c in args.concurrency.split(","):
            results.append(asyncio.run(one_run(base_config, args.orders, int(c), args.page_size, args.backend, work)))
            print(results[-1], file=sys.stderr, flush=True)  # each row as soon as it is measured
    finally:
        fake.terminate()
        fake.wait(30)
    base = next((r for r in results if r["concurrency"] == 1), results[0])
    print(f"\n{harness.machine()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"{args.orders} orders, {args.latency_ms} ms injected per REST answer, page size {args.page_size}\n")
    print(
        harness.table(
            [
                "backend",
                "max_concurrency",
                "REST requests",
                "wall s",
                "orders/s",
                "speed-up vs sequential",
                "CPU ms / order",
                "read",
                "stored (distinct)",
                "missed",
                "read twice",
                "load 1/5/15",
            ],
            (
                [
                    r["backend"],
                    r["concurrency"],
                    r["requests"],
                    f"{r['wall']:.1f}",
                    f"{r['orders'] / r['wall']:.0f}",
                    f"{base['wall'] / r['wall']:.2f}×",
                    f"{r['cpu'] * 1000 / r['orders']:.3f}",
                    r["read"],
                    f"{r['stored']} ({r['distinct']})",
                    r["orders"] - r["distinct"],
                    r["read"] - r["distinct"] + r["changed"],
                    r["load"],
                ]
                for r in results
            ),
        )
    )


if __name__ == "__main__":
    main()
