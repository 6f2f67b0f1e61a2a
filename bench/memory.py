"""Memory: peak RSS of the job worker (``mlc worker``, Dramatiq on Redis, PostgreSQL) draining a backlog of
10k vs 100k documents.

Setup (not measured): N orders, every one invoiced, are generated in the Commerce fake and the invoice stream is read
into a fresh PostgreSQL database by ``ingest`` in this process, with no job runtime running — so N planning jobs
wait in the queue, as after a large backfill. Then one ``mlc worker`` starts and drains the queue for at most
``--seconds``; its RSS (worker process and its children) is sampled every 0.2 s, and its peak is the largest
VmHWM seen. The figure that matters is whether the peak grows with the backlog.

    .venv/bin/python bench/memory.py [--backlogs 10000,100000] [--seconds 120]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import harness


def rss_mb(pids: list[int], field: str) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


async def build_backlog(backend: harness.Backend, orders: int, work: Path) -> uuid.UUID:
    """N captured invoices read into the store; their planning jobs queued, nobody running them."""
    from mlc_testing.commerce import bearer_config, wired_plugin
    from mlc_testing.storefront import SETTINGS, plugin_set, stocked_books

    from mlconnector.connectors.commerce.fake import FakeCommerce
    from mlconnector.connectors.qbd.plugin import QuickBooksDesktopSink
    from mlconnector.platform import bootstrap
    from mlconnector.platform.db.engine import Database
    from mlconnector.platform.settings import reset_settings
    from mlconnector.platform.sync.ingest import ingest
    from mlconnector.platform.sync.sink_settings import save_settings

    os.environ.update(backend.env(work))
    reset_settings()
    fake = FakeCommerce()
    fake.bearer_enabled = True
    config = bearer_config(fake.add_integration())
    fake.catalog.generate(
        orders, seed=9, invoice_share=1.0, refund_share=0.0, start=datetime.now(UTC) - timedelta(hours=1)
    )
    stocked_books(fake)
    source, sink = wired_plugin(fake), QuickBooksDesktopSink()
    bootstrap.install_plugins(plugin_set(source, sink))
    database = Database(backend.url, pool_size=4)
    try:
        tenant_id, _, _ = await harness.web_connector_tenant(database, f"mem{orders}", batch_size=10)
        async with database.session(tenant_id) as session:
            await save_settings(session, sink, SETTINGS, actor="bench")
        await ingest(database, source, tenant_id, "invoice", config=config)
    finally:
        await database.dispose()
        bootstrap.install_plugins(None)
    return tenant_id


async def queued_jobs(backend: harness.Backend) -> dict[str, int]:
    from sqlalchemy import func, select

    from mlconnector.platform.db.engine import Database
    from mlconnector.platform.jobs.models import Job

    database = Database(backend.url, pool_size=1)
    try:
        async with database.system_session() as session:
            rows = (await session.execute(select(Job.state, func.count()).group_by(Job.state))).all()
    finally:
        await database.dispose()
    return {state: count for state, count in rows}


def one_run(orders: int, seconds: float, work: Path) -> dict[str, Any]:
    tag = f"mem_{orders}"
    (work / tag).mkdir(exist_ok=True)
    backend = harness.run(harness.fresh_backend("postgresql", tag, work))
    try:
        setup0 = time.perf_counter()
        harness.run(build_backlog(backend, orders, work / tag))
        setup = time.perf_counter() - setup0
        before = harness.run(queued_jobs(backend))
        load = harness.load()
        env = {**backend.env(work / tag), "MLC_JOB_SWEEP_SECONDS": "0.5", "MLC_JOB_REDISPATCH_SECONDS": "1"}
        worker = harness.Worker(env, work / f"{tag}.worker.log")
        peak = rss = first = 0.0
        start = time.perf_counter()
        try:
            while time.perf_counter() - start < seconds and worker.process.poll() is None:
                pids = worker.pids
                rss = rss_mb(pids, "VmRSS")
                first = first or rss
                peak = max(peak, rss_mb(pids, "VmHWM"))
                time.sleep(0.2)
            cpu = worker.cpu()
        finally:
            worker.stop()
        after = harness.run(queued_jobs(backend))
    finally:
        harness.run(harness.drop_backend(backend))
    return {
        "orders": orders,
        "setup": setup,
        "before": before,
        "after": after,
        "peak": peak,
        "first": first,
        "last": rss,
        "cpu": cpu,
        "seconds": seconds,
        "load": load,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backlogs", default="10000,100000")
    parser.add_argument("--seconds", type=float, default=120.0, help="how long the worker drains each backlog")
    args = parser.parse_args()
    work = harness.workdir("memory")
    results = []
    for n in args.backlogs.split(","):
        results.append(one_run(int(n), args.seconds, work))
        print(results[-1], file=sys.stderr, flush=True)  # each row as soon as it is measured
    print(f"\n{harness.machine()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    print(
        harness.table(
            [
                "backlog (invoices)",
                "jobs queued before",
                "jobs after the drain window",
                "drain window s",
                "worker RSS at start MB",
                "worker RSS at end MB",
                "peak RSS (VmHWM) MB",
                "worker CPU s",
                "load 1/5/15",
            ],
            (
                [
                    r["orders"],
                    r["before"],
                    r["after"],
                    f"{r['seconds']:.0f}",
                    f"{r['first']:.0f}",
                    f"{r['last']:.0f}",
                    f"{r['peak']:.0f}",
                    f"{r['cpu']:.1f}",
                    r["load"],
                ]
                for r in results
            ),
        )
    )


if __name__ == "__main__":
    main()
