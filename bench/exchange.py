"""Exchange throughput: the peer harness's 1,000-CustomerAdd session against our SOAP service under Granian.

The same emulator the peers were measured with (``../shared/peer-bench``, ``run.sh setup`` writes it to
``$PEER_WORKDIR/bench/qbwc_emulator.py``) drives ``mlc serve``: one request per exchange (the connection's batch size
set to 1), on SQLite and on PostgreSQL+Redis. The 1,000 customers are queued through the QuickBooks sink's own
plugin API (``plan`` + ``deliver`` of customer documents), not timed. With ``--peers``, qbwc and django-quickbooks run
in the same invocation with the peer harness's own sites, seeds and verify scripts; django-quickbooks uses this
machine's RabbitMQ (a fresh ``quickbooks`` vhost per run) instead of starting a second broker on the same port.

    .venv/bin/python bench/exchange.py [--n 1000] [--users 1] [--reps 1] [--backends sqlite,postgresql] [--peers]
                                       [--batch 1,50]

``--batch`` sets our connection's requests per exchange (the emulator answers every request of a batch), for the
documents-through-the-exchange figure: CustomerAdds/s and server CPU per CustomerAdd.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

PEER = Path(os.environ.get("PEER_WORKDIR", "/tmp/peerbench-wtbench"))
PROFILE = bool(os.environ.get("BENCH_PROFILE"))


def _peer_run_sh() -> Path:
    """``shared/peer-bench/run.sh`` next to the checkout or one of its parents (a main checkout or a worktree)."""
    if os.environ.get("PEER_RUN_SH"):
        return Path(os.environ["PEER_RUN_SH"])
    for folder in harness.ROOT.parents:
        if (folder / "shared/peer-bench/run.sh").exists():
            return folder / "shared/peer-bench/run.sh"
    return harness.ROOT.parent / "shared/peer-bench/run.sh"


PEER_RUN_SH = _peer_run_sh()


def ensure_peer_setup() -> None:
    if not (PEER / "bench/qbwc_emulator.py").exists():
        subprocess.run(["bash", str(PEER_RUN_SH), "setup"], env={**os.environ, "WORKDIR": str(PEER)}, check=True)


async def queue_customers(
    backend: harness.Backend, n: int, users: int, tag: str, *, batch_size: int = 1
) -> dict[str, Any]:
    """Tenants with ``n`` CustomerAdd writes between them, queued through the sink's plan/deliver; the manifest."""
    from sqlalchemy import select

    from mlconnector.connectors.qbd.models import Write
    from mlconnector.connectors.qbd.plugin import QuickBooksDesktopSink
    from mlconnector.platform.db.engine import Database
    from mlconnector.platform.documents.models import Customer, Party
    from mlconnector.platform.plugins import SinkContext

    harness.install_plugins()
    database = Database(backend.url, pool_size=2)
    sink = QuickBooksDesktopSink()
    manifest: list[dict[str, Any]] = []
    per_user = n // users
    for user in range(users):
        tenant_id, username, password = await harness.web_connector_tenant(
            database, f"{tag}-u{user}", batch_size=batch_size
        )
        async with database.session(tenant_id) as session:
            context = SinkContext(tenant_id=tenant_id, config={"username": username}, session=session)
            for index in range(per_user):
                number = user * per_user + index
                party = Party(
                    key=f"customer:1:{number}",
                    email=f"buyer{number:05d}@example.com",
                    first_name="Bench",
                    last_name=f"Buyer {number:05d}",
                    phone="555-0100",
                )
                document = Customer(key=f"customer:1:{number}", party=party, store_id="1")
                plan = await sink.plan(context, document)
                outcome = await sink.deliver(context, plan)
                assert outcome.status == "deferred", outcome
        async with database.session(tenant_id) as session:
            requests = (await session.execute(select(Write.request).where(Write.tenant_id == tenant_id))).scalars()
            names = [_name(request) for request in requests]
        manifest.append({"username": username, "password": password, "expected": names})
    await database.dispose()
    return {"users": manifest}


def _name(request: str) -> str:
    from lxml import etree

    return etree.fromstring(request).findtext("CustomerAdd/Name") or ""


def emulate(url: str, manifest: dict[str, Any], label: str, pids: list[int], out: Path) -> dict[str, Any]:
    path = out.with_suffix(".manifest.json")
    path.write_text(json.dumps(manifest))
    subprocess.run(
        [
            str(PEER / "venv-client/bin/python"),
            str(PEER / "bench/qbwc_emulator.py"),
            "--url",
            url,
            "--manifest",
            str(path),
            "--out",
            str(out),
            "--label",
            label,
            "--server-pids",
            ",".join(str(pid) for pid in pids),
        ],
        check=True,
        stdout=sys.stderr,
    )
    return json.loads(out.read_text())


def ours(kind: str, n: int, users: int, rep: int, work: Path, *, workers: int = 1, batch: int = 1) -> dict[str, Any]:
    tag = f"exch_{kind[:2]}_{users}_{rep}_w{workers}_b{batch}"
    backend = harness.run(harness.fresh_backend(kind, tag, work))
    try:
        manifest = harness.run(queue_customers(backend, n, users, tag, batch_size=batch))
        env = backend.env(work / tag)
        (work / tag).mkdir(exist_ok=True)
        server = harness.Server(env, work / f"{tag}.server.log", workers=workers)
        worker = harness.Worker(env, work / f"{tag}.worker.log") if backend.redis else None
        try:
            time.sleep(1.0 if worker else 0)
            load = harness.load()
            worker_cpu = worker.cpu() if worker else 0.0
            spy = harness.profile(server.process.pid, work / f"{tag}.profile.txt") if PROFILE else None
            report = emulate(
                f"{server.url}/connectors/qbd/qbwc",
                manifest,
                f"ml-connector {backend.name}",
                server.pids,
                work / f"{tag}.json",
            )
            report["worker_cpu_s"] = (worker.cpu() - worker_cpu) if worker else None
            if spy is not None:
                harness.stop_profile(spy)
        finally:
            server.stop()
            if worker is not None:
                worker.stop()
        report["load"] = load
        plural = "s" if workers > 1 else ""
        batching = f", {batch} requests per exchange" if batch > 1 else ""
        report["candidate"] = f"ml-connector ({backend.name}, Granian {workers} worker{plural}{batching})"
        return report
    finally:
        harness.run(harness.drop_backend(backend))


@dataclass(frozen=True)
class Peer:
    """A peer as run.sh's ``run_one`` runs it: fresh SQLite, its seed, gunicorn gthread 1×1, the emulator, its check."""

    name: str
    site: str
    venv: str
    module: str
    path: str
    seed: str
    verify: str
    candidate: str


QBWC = Peer(
    "qbwc",
    "qbwc_site",
    "venv-qbwc",
    "qbsite",
    "/webconnector/",
    "qb_seed.py",
    "qb_verify.py",
    "qbwc 0.0.2 (SQLite, gunicorn gthread 1×1)",
)
DJANGO_QUICKBOOKS = Peer(
    "django-quickbooks",
    "dq_site",
    "venv-dq",
    "dqsite",
    "/quickbooks-desktop/",
    "dq_seed.py",
    "dq_verify.py",
    "django-quickbooks (SQLite + RabbitMQ, gunicorn gthread 1×1)",
)


def rabbitmq_for_django_quickbooks() -> list[int]:
    """The machine's own RabbitMQ (run.sh would start a second one on the same port): a fresh ``quickbooks`` vhost
    and user, as run.sh's ``rabbit_reset_vhost`` makes them. Returns the broker's pids (its CPU is reported apart)."""
    ctl = ["rabbitmqctl", "-q"]
    users = subprocess.run([*ctl, "list_users"], capture_output=True, text=True, check=True).stdout
    if not any(line.split("\t")[0] == "quickbooks" for line in users.splitlines()):
        subprocess.run([*ctl, "add_user", "quickbooks", "quickbooks"], check=True, capture_output=True)
    subprocess.run([*ctl, "delete_vhost", "quickbooks"], capture_output=True)
    subprocess.run([*ctl, "add_vhost", "quickbooks"], check=True, capture_output=True)
    subprocess.run(
        [*ctl, "set_permissions", "-p", "quickbooks", "quickbooks", ".*", ".*", ".*"], check=True, capture_output=True
    )
    found = subprocess.run(["pgrep", "-u", "rabbitmq", "beam.smp"], capture_output=True, text=True).stdout
    return [int(pid) for pid in found.split()]


def peer_run(peer: Peer, n: int, users: int, rep: int, work: Path) -> dict[str, Any]:
    site, venv = PEER / peer.site, PEER / peer.venv
    tag = f"{peer.name}-{users}wc-rep{rep}"
    db, man, out = work / f"{tag}.sqlite3", work / f"{tag}.manifest.json", work / f"{tag}.json"
    env = {**os.environ, "BENCH_DB": str(db)}
    env.pop("PYTHONSAFEPATH", None)
    aux = rabbitmq_for_django_quickbooks() if peer is DJANGO_QUICKBOOKS else []
    subprocess.run([str(venv / "bin/python"), "manage.py", "migrate", "-v0"], cwd=site, env=env, check=True)
    subprocess.run(
        [str(venv / "bin/python"), peer.seed, str(n), str(users), str(man)],
        cwd=site,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = harness.free_port()
    pidfile = work / f"{tag}.gunicorn.pid"
    log = (work / f"{tag}.server.log").open("w")
    server = subprocess.Popen(
        [
            str(venv / "bin/gunicorn"),
            f"{peer.module}.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--worker-class",
            "gthread",
            "--threads",
            "1",
            "--keep-alive",
            "120",
            "--timeout",
            "300",
            "--pid",
            str(pidfile),
        ],
        cwd=site,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not pidfile.exists() or len(harness.descendants(server.pid)) < 2:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{peer.name}'s gunicorn did not start")
            time.sleep(0.1)
        time.sleep(1)
        load = harness.load()
        aux_cpu = harness.cpu_seconds(aux)
        report = emulate(
            f"http://127.0.0.1:{port}{peer.path}",
            json.loads(man.read_text()),
            peer.name,
            harness.descendants(server.pid),
            out,
        )
        report["worker_cpu_s"] = (harness.cpu_seconds(aux) - aux_cpu) if aux else None
    finally:
        server.terminate()
        server.wait(30)
        log.close()
    report["load"] = load
    report["candidate"] = peer.candidate
    return report


def row(report: dict[str, Any]) -> list[Any]:
    latency = report["latency"]
    per_exchange = report["queued"] / max(1, report["exchanges"])  # CustomerAdds per exchange
    once = report["exactly_once"]
    return [
        report["candidate"],
        f"{report['users']} × {report['queued'] // max(1, report['users'])}",
        f"{report['exchanges_per_s']:.0f}",
        f"{report['exchanges_per_s_whole_session']:.0f}",
        f"{report['server_cpu_s_per_1000_exchanges']:.2f}",
        f"{report['exchanges_per_s'] * per_exchange:.0f}",
        f"{report['server_cpu_s_per_1000_exchanges'] / per_exchange:.2f}",
        f"{latency['sendRequestXML']['p50_ms']:.2f} / {latency['sendRequestXML']['p99_ms']:.2f}",
        f"{latency['receiveResponseXML']['p50_ms']:.2f} / {latency['receiveResponseXML']['p99_ms']:.2f}",
        "yes" if once["ok"] else f"NO (missing {once['missing']}, dup {once['duplicates']})",
        "–" if report.get("worker_cpu_s") is None else f"{report['worker_cpu_s'] * 1000 / report['exchanges']:.2f}",
        len(report["errors"]),
        report["load"],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="CustomerAdd requests per run")
    parser.add_argument("--users", default="1", help="comma-separated Web Connector counts (e.g. 1,10)")
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument(
        "--batch",
        default="1",
        help="comma-separated CustomerAdds per exchange for ours (1 = the peers' way; e.g. 1,50)",
    )
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--peers", action="store_true", help="also run qbwc 0.0.2 and django-quickbooks (on this machine's RabbitMQ)"
    )
    args = parser.parse_args()
    ensure_peer_setup()
    work = harness.workdir("exchange")
    reports = []
    for rep in range(1, args.reps + 1):
        for users in (int(u) for u in args.users.split(",")):
            for kind in (kind for kind in args.backends.split(",") if kind):  # --backends '' --peers: peers only
                for batch in (int(b) for b in args.batch.split(",")):
                    reports.append(ours(kind, args.n, users, rep, work, batch=batch))
            if args.peers:
                reports.append(peer_run(QBWC, args.n, users, rep, work))
                reports.append(peer_run(DJANGO_QUICKBOOKS, args.n, users, rep, work))
    print(f"\n{harness.machine()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; reports in {work}\n")
    print(
        harness.table(
            [
                "candidate",
                "WCs × requests",
                "exch/s (exchange phase)",
                "exch/s (whole session)",
                "server CPU ms / exchange",
                "CustomerAdds/s",
                "server CPU ms / CustomerAdd",
                "sendRequestXML p50/p99 ms",
                "receiveResponseXML p50/p99 ms",
                "exactly once",
                "+ job worker (ours) or broker (django-quickbooks) CPU ms / exchange",
                "errors",
                "load 1/5/15",
            ],
            (row(r) for r in reports),
        )
    )


if __name__ == "__main__":
    main()
