"""SOAP latency under concurrency: 100 emulated Web Connectors of 100 tenants polling at once.

Each tenant has the same number of CustomerAdd requests queued (through the sink's plan/deliver, as in
``exchange.py``); the peer harness's emulator runs one thread and one keep-alive connection per Web Connector, all
released together, against ``mlc serve`` (Granian, one worker unless ``--workers`` asks for more). Latency is client
side, per SOAP method.

    .venv/bin/python bench/latency.py [--tenants 100] [--requests 10] [--backends sqlite,postgresql] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import exchange
import harness

METHODS = ("serverVersion", "clientVersion", "authenticate", "sendRequestXML", "receiveResponseXML", "closeConnection")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--requests", type=int, default=10, help="CustomerAdd requests queued per tenant")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--workers", default="1", help="comma-separated Granian worker counts (e.g. 1,2)")
    args = parser.parse_args()
    exchange.ensure_peer_setup()
    work = harness.workdir("latency")
    rows = []
    runs = [(kind, int(workers)) for kind in args.backends.split(",") for workers in args.workers.split(",")]
    for kind, workers in runs:
        report = exchange.ours(kind, args.tenants * args.requests, args.tenants, 1, work, workers=workers)
        once = report["exactly_once"]
        for method in METHODS:
            stats = report["latency"].get(method)
            if stats is None:
                continue
            rows.append(
                [
                    report["candidate"],
                    method,
                    stats["n"],
                    f"{stats['p50_ms']:.1f}",
                    f"{stats['p99_ms']:.1f}",
                    f"{stats['max_ms']:.1f}",
                    "yes" if once["ok"] else f"NO (missing {once['missing']})",
                    f"{report['server_cpu_s_per_1000_exchanges']:.2f}",
                    report["load"],
                ]
            )
    print(f"\n{harness.machine()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; reports in {work}\n")
    print(f"{args.tenants} Web Connectors × {args.requests} CustomerAdd each, all starting at once\n")
    print(
        harness.table(
            [
                "server",
                "method",
                "samples",
                "p50 ms",
                "p99 ms",
                "max ms",
                "exactly once",
                "server CPU ms / exchange",
                "load 1/5/15",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
