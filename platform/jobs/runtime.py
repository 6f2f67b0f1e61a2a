"""The job runtime of one process: a Dramatiq broker, the one actor, its worker threads and the maintenance loop.

With ``REDIS_URL`` it uses Dramatiq's ``RedisBroker`` and runs inside ``mlc worker`` processes; without it (the
embedded default) it uses the in-memory ``StubBroker`` and runs inside ``mlc serve``. Either way the message is
only a job id: the database row holds the work, so nothing is lost when Redis is flushed or a worker dies.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import uuid
from datetime import timedelta

import dramatiq
import structlog
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import AsyncIO, Middleware, default_middleware

from mlconnector.platform.db.engine import Database
from mlconnector.platform.jobs import queue
from mlconnector.platform.jobs.heartbeat import Heartbeat, stale_after
from mlconnector.platform.jobs.maintenance import maintenance_loop
from mlconnector.platform.jobs.registry import JobRegistry
from mlconnector.platform.jobs.runner import RunPolicy, run_job
from mlconnector.platform.settings import Settings

log = structlog.get_logger(__name__)

ACTOR_NAME = "mlc.run_job"
QUEUE_NAME = "mlc-jobs"
INFRA_RETRIES = 5
"""Dramatiq-level retries, only for failures outside a handler (the database restarting while a job is claimed)."""


def build_broker(redis_url: str | None) -> dramatiq.Broker:
    middleware = [m() for m in default_middleware] + [AsyncIO()]
    if redis_url:
        return RedisBroker(url=redis_url, middleware=middleware, namespace="mlconnector")
    return StubBroker(middleware=middleware)


class _CloseDatabase(Middleware):
    """Dispose the runtime's engine on its own event loop once the worker threads have stopped, before the
    AsyncIO middleware stops that loop."""

    def __init__(self, runtime: JobRuntime) -> None:
        self.runtime = runtime

    def after_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        loop_thread = get_event_loop_thread()
        database, self.runtime.database = self.runtime.database, None
        if database is not None and loop_thread is not None and loop_thread.loop.is_running():
            asyncio.run_coroutine_threadsafe(database.dispose(), loop_thread.loop).result(timeout=10)


class JobRuntime:
    """Owns the broker, the ``mlc.run_job`` actor, the worker threads and the maintenance loop of one process."""

    def __init__(self, settings: Settings, registry: JobRegistry, *, broker: dramatiq.Broker | None = None) -> None:
        self.settings = settings
        self.registry = registry
        self.broker = broker or build_broker(settings.redis.url)
        jobs = settings.jobs
        self.policy = RunPolicy(
            lease=timedelta(seconds=jobs.lease_seconds),
            max_attempts=jobs.max_attempts,
            min_backoff_ms=jobs.min_backoff_ms,
            max_backoff_ms=jobs.max_backoff_ms,
        )
        self.actor = dramatiq.actor(
            self._run,
            broker=self.broker,
            actor_name=ACTOR_NAME,
            queue_name=QUEUE_NAME,
            max_retries=INFRA_RETRIES,
            min_backoff=1000,
            max_backoff=30_000,
            time_limit=max(jobs.lease_seconds * 12, 600) * 1000,
        )
        self.broker.add_middleware(_CloseDatabase(self), before=AsyncIO)
        self.database: Database | None = None
        self.worker: dramatiq.Worker | None = None
        self._maintenance: concurrent.futures.Future[None] | None = None
        self.heartbeat = Heartbeat()

    # -- sending -----------------------------------------------------------------------------------------------
    def send(self, job_id: object, delay_ms: int | None = None) -> None:
        """Send the wake-up for one job (a Dramatiq message carrying only its id)."""
        self.actor.send_with_options(args=(str(job_id),), delay=delay_ms)

    def install(self) -> None:
        """Make this runtime the process's dispatcher: committed jobs are sent through it."""
        queue.set_dispatcher(self.send)

    # -- running -----------------------------------------------------------------------------------------------
    async def _run(self, job_id: str) -> None:
        assert self.database is not None, "the runtime's worker is not started"
        await run_job(self.database, self.registry, uuid.UUID(job_id), self.policy)

    def start(self, *, maintenance: bool = True) -> None:
        """Start worker threads (and the maintenance loop) in this process."""
        self.install()
        self.database = Database(self.settings.database.url, pool_size=self.settings.database.pool_size)
        self.worker = dramatiq.Worker(self.broker, worker_threads=self.settings.jobs.worker_threads, worker_timeout=250)
        self.worker.start()
        if maintenance:
            loop_thread = get_event_loop_thread()
            assert loop_thread is not None
            self._maintenance = asyncio.run_coroutine_threadsafe(
                maintenance_loop(
                    self.database,
                    self.send,
                    every=self.settings.jobs.sweep_seconds,
                    stale_after=timedelta(seconds=self.settings.jobs.redispatch_seconds),
                    on_pass=self.heartbeat.beat,
                ),
                loop_thread.loop,
            )
        log.info("job runtime started", broker=type(self.broker).__name__, threads=self.settings.jobs.worker_threads)

    def health(self) -> tuple[bool, dict[str, object]]:
        """Whether this process is alive: the maintenance loop beat recently and the worker threads run.

        Before the first beat the process counts as alive (the probe's start-up allowance covers that window)."""
        age = self.heartbeat.age()
        limit = stale_after(self.settings.jobs.sweep_seconds)
        looping = self._maintenance is not None and not self._maintenance.done()
        maintenance_ok = looping and (age is None or age <= limit)
        threads = list(self.worker.workers) if self.worker is not None else []
        threads_ok = bool(threads) and all(thread.is_alive() for thread in threads)
        detail: dict[str, object] = {
            "maintenance": "ok" if maintenance_ok else "stalled",
            "heartbeat_age_seconds": None if age is None else round(age, 3),
            "worker_threads": "ok" if threads_ok else "stopped",
        }
        return maintenance_ok and threads_ok, detail

    def stop(self, timeout_ms: int = 30_000) -> None:
        """Stop the maintenance loop, let running jobs finish (up to ``timeout_ms``), close the broker."""
        if self._maintenance is not None:
            self._maintenance.cancel()
            self._maintenance = None
        if self.worker is not None:
            self.worker.stop(timeout=timeout_ms)
            self.worker = None
        queue.set_dispatcher(None)
        self.broker.close()
        log.info("job runtime stopped")
