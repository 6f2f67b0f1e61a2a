"""SQL statements and CPU per Web Connector call, in one process: the tool for working on the exchange path.

The app runs in-process (Litestar's test client, real SOAP envelopes from the emulator, the QuickBooks simulator
answering), so the CPU figure includes the emulator's and the simulator's share and is only for comparing one
version of the code with another; ``bench/exchange.py`` gives the server's own CPU. The statement counts are exact:
every statement the database driver executes is counted against the SOAP method being served.

    .venv/bin/python bench/statements.py [--n 300] [--backends sqlite,postgresql] [--batch 1]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import sys
import time
from collections import Counter
from contextvars import ContextVar
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from exchange import queue_customers

_METHOD: ContextVar[str] = ContextVar("soap_method", default="(outside a call)")


class CountingTransport:
    """Wraps the emulator's transport: names the SOAP method for the statement counter and times each call."""

    def __init__(self, inner: Any, cpu: Counter[str], calls: Counter[str]) -> None:
        self.inner, self.cpu, self.calls = inner, cpu, calls

    async def call(self, method: str, **params: Any) -> Any:
        token = _METHOD.set(method)
        started = time.process_time()
        try:
            return await self.inner.call(method, **params)
        finally:
            self.cpu[method] += time.process_time() - started
            self.calls[method] += 1
            _METHOD.reset(token)


async def drive(backend: harness.Backend, n: int, batch: int, work: Path, profile: Path | None) -> dict[str, Any]:
    import httpx
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from mlconnector.connectors.qbd.emulator import RawSoapTransport, WebConnectorEmulator
    from mlconnector.connectors.qbd.simulator import QuickBooksSimulator
    from mlconnector.platform.app import create_app
    from mlconnector.platform.settings import Settings

    manifest = await queue_customers(backend, n, 1, f"stmt_{batch}", batch_size=batch)
    user = manifest["users"][0]
    statements: Counter[str] = Counter()

    def count(*_: Any) -> None:
        statements[_METHOD.get()] += 1

    event.listen(Engine, "before_cursor_execute", count)
    os.environ.update(backend.env(work))
    settings = Settings.from_env()
    app = create_app(settings, start_jobs=False)
    cpu: Counter[str] = Counter()
    calls: Counter[str] = Counter()
    simulator = QuickBooksSimulator()
    profiler = cProfile.Profile() if profile else None
    try:
        transport_in_process = httpx.ASGITransport(app=app)  # same thread: cProfile sees the app
        async with (
            app.lifespan(),
            httpx.AsyncClient(transport=transport_in_process, base_url="http://testserver.local") as client,
        ):
            transport = CountingTransport(RawSoapTransport(client, "/connectors/qbd/qbwc"), cpu, calls)
            emulator = WebConnectorEmulator(
                transport, user["username"], user["password"], simulator, max_exchanges=n + 5
            )
            if profiler:
                profiler.enable()
            report = await emulator.run_session()
            if profiler:
                profiler.disable()
                profiler.dump_stats(str(profile))
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    return {
        "report": report,
        "statements": statements,
        "cpu": cpu,
        "calls": calls,
        "customers": len(simulator.customers()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--profile", action="store_true", help="write a cProfile of the session next to the run")
    args = parser.parse_args()
    work = harness.workdir("statements")
    harness.install_plugins()
    rows = []
    for kind in args.backends.split(","):
        backend = harness.run(harness.fresh_backend(kind, f"stmt_{kind[:2]}", work))
        try:
            profile = work / f"{kind}.prof" if args.profile else None
            result = harness.run(drive(backend, args.n, args.batch, work, profile))
        finally:
            harness.run(harness.drop_backend(backend))
        exchanges = len(result["report"].progress)
        for method in sorted(result["calls"]):
            calls = result["calls"][method]
            rows.append(
                [
                    backend.name,
                    method,
                    calls,
                    f"{result['statements'][method] / calls:.1f}",
                    f"{1000 * result['cpu'][method] / calls:.2f}",
                ]
            )
        print(f"{backend.name}: {exchanges} exchanges, {result['customers']} customers in the books", file=sys.stderr)
        if result["report"].last_error:
            print(f"last error: {result['report'].last_error}", file=sys.stderr)
        if profile:
            print(f"profile: {profile}", file=sys.stderr)
    print(harness.table(["backend", "method", "calls", "statements / call", "in-process CPU ms / call"], rows))


if __name__ == "__main__":
    main()
