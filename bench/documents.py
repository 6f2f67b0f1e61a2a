"""Documents through the exchange: N orders from the Commerce fake → the engine → our SOAP service → the Web
Connector emulator → the QuickBooks simulator, the end-to-end wiring of ``tests/mlc_testing/storefront.py``.

Every order is invoiced (captured), so each becomes a customer (shared by about three orders), an invoice and a
payment in QuickBooks; a tenth are refunded. Phases, each timed in wall clock and process CPU:

- *read + plan*: reading every stream's history (a backfill cursor) and the planning jobs (in-process, as the
  embedded default);
- *exchange*: Web Connector sessions until nothing is left, with the connection's batch size (qbXML requests per
  exchange) set to 1 (the baseline: one request per exchange) and to the larger sizes asked for.

Everything runs in one process (the fake, the engine, the service through Litestar's test client, the emulator and
the simulator). The connector's CPU is the process CPU minus what the simulator's ``process`` spent (timed per call)
— the fake's and the emulator's own CPU stay in, so the figure slightly overstates ours.

    .venv/bin/python bench/documents.py [--orders 10000] [--batch 1,10] [--backend sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import harness

PRODUCTION_JOBS = {
    "MLC_JOB_SWEEP_SECONDS": "1",
    "MLC_JOB_REDISPATCH_SECONDS": "60",
    "MLC_JOB_LEASE_SECONDS": "300",
    "MLC_JOB_MIN_BACKOFF_MS": "2000",
    "MLC_JOB_MAX_BACKOFF_MS": "3600000",
    "MLC_WORKER_THREADS": "4",
}
"""The job settings' defaults (the test harness's fast ones re-send every queued job each second, which swamps
the in-process runtime once thousands of jobs wait); only the sweep is shortened, from 5 s to 1 s."""


def settings_factory(data_dir: Path) -> Any:
    from mlconnector.platform.settings import Settings, reset_settings

    def build(**env: str | None) -> Settings:
        os.environ["MLC_DATA_DIR"] = str(data_dir)
        os.environ["MLC_LOG_LEVEL"] = "warning"
        for name, value in env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = str(value)
        reset_settings()
        return Settings.from_env()

    return build


async def settled(books: Any, limit_s: float) -> None:
    """Wait until no engine job of this tenant is due or running — other than the scheduled store read, which is
    not part of this flow (the benchmark reads the history itself) and would keep the tenant "busy" forever."""
    from mlc_testing.jobs import busy_jobs

    deadline = time.monotonic() + limit_s
    while True:
        busy = await busy_jobs(books.database, books.tenant_id, ignore_kinds=("sync.read",))
        if busy == 0:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{busy} jobs still busy after {limit_s} s")
        await asyncio.sleep(0.05)


class TimedSimulator:
    """Counts the CPU the simulator (standing in for QuickBooks) spends, so it can be left out of ours."""

    def __init__(self, simulator: Any) -> None:
        self.cpu = 0.0
        self.requests = 0
        inner = simulator.process

        def process(qbxml: str) -> Any:
            start = time.thread_time()
            try:
                return inner(qbxml)
            finally:
                self.cpu += time.thread_time() - start
                self.requests += qbxml.count("Rq requestID=")

        simulator.process = process


async def one_run(orders: int, batch: int, kind: str, work: Path) -> dict[str, Any]:
    from mlc_testing.storefront import running_books, stocked_books
    from sqlalchemy import func, select, update

    from mlconnector.connectors.commerce.cursor import backfill_from
    from mlconnector.connectors.commerce.fake import FakeCommerce
    from mlconnector.connectors.qbd.models import Connection
    from mlconnector.platform.plugins import ingest
    from mlconnector.platform.sync.models import DocumentRow

    tag = f"docs_{kind[:2]}_{orders}_{batch}"
    backend = await harness.fresh_backend(kind, tag, work)
    fake = FakeCommerce()
    simulator = stocked_books(fake)
    timed = TimedSimulator(simulator)
    (work / tag).mkdir(exist_ok=True)
    try:
        async with running_books(
            settings_factory(work / tag), backend.url, fake, simulator, env=PRODUCTION_JOBS
        ) as books:
            await books.emulator().run_session()  # the first contact reads QuickBooks' lists
            await settled(books, 3600)
            # The orders arrive after the lists are known (as in a running tenant), so nothing is held for an item
            # QuickBooks has; the sellable SKUs were stocked above.
            fake.catalog.generate(
                orders,
                seed=5,
                customers=max(1, orders // 3),
                invoice_share=1.0,
                refund_share=0.1,
                start=datetime.now(UTC) - timedelta(hours=1),
                span=timedelta(days=30),
            )
            async with books.database.session(books.tenant_id) as session:
                await session.execute(
                    update(Connection).where(Connection.tenant_id == books.tenant_id).values(batch_size=batch)
                )
            load = harness.load()
            wall0, cpu0 = time.perf_counter(), time.process_time()
            everything = backfill_from(None)  # the history, as `mlc commerce backfill` reads it
            for stream in ("customer", "order", "invoice", "credit_memo"):
                await ingest(
                    books.database,
                    books.source,
                    books.tenant_id,
                    stream,
                    config=books.source_config,
                    start_cursor=everything,
                )
            await settled(books, 3600)
            wall1, cpu1 = time.perf_counter(), time.process_time()
            sim_cpu0, requests0 = timed.cpu, timed.requests
            sessions = exchanges = 0
            while True:
                report = await books.emulator(max_exchanges=10**9).run_session()
                await settled(books, 600)
                sessions += 1
                exchanges += report.exchanges
                if not report.exchanges or sessions > 50:
                    break
            wall2, cpu2 = time.perf_counter(), time.process_time()
            async with books.database.session(books.tenant_id) as session:
                states = dict(
                    (
                        await session.execute(
                            select(DocumentRow.state, func.count())
                            .where(DocumentRow.tenant_id == books.tenant_id)
                            .group_by(DocumentRow.state)
                        )
                    ).all()
                )
    finally:
        await harness.drop_backend(backend)
    requests = timed.requests - requests0
    exchange_wall, exchange_cpu = wall2 - wall1, (cpu2 - cpu1) - (timed.cpu - sim_cpu0)
    return {
        "backend": backend.name,
        "orders": orders,
        "batch": batch,
        "load": load,
        "read_wall": wall1 - wall0,
        "read_cpu": cpu1 - cpu0,
        "exchange_wall": exchange_wall,
        "exchange_cpu": exchange_cpu,
        "sessions": sessions,
        "exchanges": exchanges,
        "requests": requests,
        "documents": states,
        "in_books": sum(len(simulator.of_kind(k)) for k in ("Invoice", "ReceivePayment", "CreditMemo")),
        "customers": len(list(simulator.customers())),
    }


def row(r: dict[str, Any]) -> list[Any]:
    total_wall = r["read_wall"] + r["exchange_wall"]
    total_cpu = r["read_cpu"] + r["exchange_cpu"]
    return [
        r["backend"],
        r["orders"],
        r["batch"],
        f"{r['exchanges']} / {r['sessions']}",
        r["requests"],
        f"{r['requests'] / r['exchange_wall']:.0f}",
        f"{r['exchange_cpu'] * 1000 / max(1, r['requests']):.2f}",
        f"{r['read_wall']:.1f} / {r['exchange_wall']:.1f}",
        f"{r['orders'] * 60 / total_wall:.0f}",
        f"{total_cpu * 1000 / r['orders']:.1f}",
        ", ".join(f"{k} {v}" for k, v in sorted(r["documents"].items())),
        f"{r['in_books']} txns, {r['customers']} customers",
        r["load"],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--batch", default="1,10", help="qbXML requests per exchange to compare (1 = baseline)")
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    work = harness.workdir("documents")
    results = []
    for batch in args.batch.split(","):
        results.append(asyncio.run(one_run(args.orders, int(batch), args.backend, work)))
        print("| " + " | ".join(map(str, row(results[-1]))) + " |", file=sys.stderr, flush=True)  # as measured
    print(f"\n{harness.machine()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    print(
        harness.table(
            [
                "backend",
                "orders",
                "requests / exchange (max)",
                "exchanges / sessions",
                "QuickBooks requests",
                "requests/s through the exchange",
                "connector CPU ms / request (exchange)",
                "wall s: read+plan / exchange",
                "orders/min end to end",
                "connector CPU ms / order (all phases)",
                "engine documents",
                "in the books",
                "load 1/5/15",
            ],
            (row(r) for r in results),
        )
    )


if __name__ == "__main__":
    main()
