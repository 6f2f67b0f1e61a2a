"""Gauges computed from the database when ``/metrics`` is scraped: the registration point for samplers.

The database is the truth for queue depth, documents and holds, and every web replica sees the same database, so
these numbers are read at scrape time instead of being counted in one process. A part of the core declares a
gauge (name, help, label names) and attaches one async *sampler* that returns its current samples from a
cross-tenant (system) session. A declared gauge without a sampler is still exposed, empty, so dashboards and
alerts can be written before the code that fills it lands.

Declared here, filled by the sync engine when it registers its samplers::

    from mlconnector.platform.observability.gauges import scrape_gauges

    @scrape_gauges.sampler("mlc_documents")
    async def documents_by_state(session):
        rows = await documents_repository.count_by_tenant_and_state(session)
        return [({"tenant_id": str(t), "state": s}, n) for t, s, n in rows]
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import structlog
from prometheus_client.core import GaugeMetricFamily, Metric

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from mlconnector.platform.db.engine import Database

log = structlog.get_logger(__name__)

Sample = tuple[Mapping[str, str], float]
Sampler = Callable[["AsyncSession"], Awaitable[Iterable[Sample]]]

SAMPLER_TIMEOUT_SECONDS: Final = 5.0
SYSTEM_TENANT: Final = "system"
"""The ``tenant_id`` label of work that belongs to no tenant (the core's own jobs); tenant ids are UUIDs."""


@dataclass(slots=True)
class ScrapeGauge:
    name: str
    documentation: str
    labels: tuple[str, ...]
    sampler: Sampler | None = None


class ScrapeGauges:
    """Declared gauges and their samplers; :meth:`collect` runs every sampler once per scrape."""

    def __init__(self) -> None:
        self._gauges: dict[str, ScrapeGauge] = {}

    def declare(self, name: str, documentation: str, labels: tuple[str, ...]) -> None:
        """Declare a gauge; declaring the same one twice is harmless, a different shape under a name is not."""
        existing = self._gauges.get(name)
        if existing is not None:
            if (existing.documentation, existing.labels) != (documentation, labels):
                raise ValueError(f"gauge {name!r} is already declared with other labels or help")
            return
        self._gauges[name] = ScrapeGauge(name, documentation, labels)

    def sampler(self, name: str) -> Callable[[Sampler], Sampler]:
        """Decorator: ``sampler`` fills the declared gauge ``name`` (one sampler per gauge)."""

        def attach(sampler: Sampler) -> Sampler:
            gauge = self._gauges.get(name)
            if gauge is None:
                raise KeyError(f"gauge {name!r} is not declared; declare it before attaching a sampler")
            if gauge.sampler is not None and gauge.sampler is not sampler:
                raise ValueError(f"gauge {name!r} already has a sampler ({gauge.sampler.__qualname__})")
            gauge.sampler = sampler
            return sampler

        return attach

    def detach(self, name: str) -> None:
        """Remove a gauge's sampler (tests; a sampler being replaced)."""
        self._gauges[name].sampler = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._gauges)

    async def collect(self, database: Database) -> list[Metric]:
        """Every declared gauge with its current samples, plus ``mlc_scrape_sampler_up`` (1 when a gauge's
        sampler answered, 0 when it failed or timed out; a failing sampler leaves its gauge empty, never stale)."""
        up = GaugeMetricFamily(
            "mlc_scrape_sampler_up", "Whether a database-sampled gauge could be read at this scrape.", labels=["gauge"]
        )
        families: list[Metric] = []
        for gauge in list(self._gauges.values()):
            family = GaugeMetricFamily(gauge.name, gauge.documentation, labels=list(gauge.labels))
            if gauge.sampler is not None:
                up.add_metric([gauge.name], 1.0 if await _fill(family, gauge, database) else 0.0)
            families.append(family)
        return [*families, up]


async def _fill(family: GaugeMetricFamily, gauge: ScrapeGauge, database: Database) -> bool:
    assert gauge.sampler is not None
    try:
        async with database.system_session() as session:
            samples = list(await asyncio.wait_for(gauge.sampler(session), SAMPLER_TIMEOUT_SECONDS))
        for labels, value in samples:
            family.add_metric([str(labels[label]) for label in gauge.labels], float(value))
    except Exception as error:  # one broken sampler must not take /metrics down
        family.samples.clear()
        log.warning("metrics sampler failed", gauge=gauge.name, error=f"{type(error).__name__}: {error}")
        return False
    return True


scrape_gauges: Final = ScrapeGauges()

scrape_gauges.declare(
    "mlc_jobs", "Background jobs in the database, by state (queued, running, done, dead).", ("state",)
)
scrape_gauges.declare(
    "mlc_job_queue_depth",
    "Jobs waiting to run (state queued, due or delayed), per tenant ('system' for the core's own jobs).",
    ("tenant_id",),
)
scrape_gauges.declare(
    "mlc_documents", "Canonical documents in the sync pipeline, per tenant and state.", ("tenant_id", "state")
)
scrape_gauges.declare(
    "mlc_holds", "Documents held for a bookkeeper's action, per tenant and hold code.", ("tenant_id", "code")
)
