"""The Prometheus text page: this process's instruments followed by the gauges sampled from the database."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest

from mlconnector.platform.observability.gauges import scrape_gauges
from mlconnector.platform.observability.instruments import REGISTRY

if TYPE_CHECKING:
    from prometheus_client.core import Metric

    from mlconnector.platform.db.engine import Database

CONTENT_TYPE: Final = CONTENT_TYPE_PLAIN_0_0_4


class _Families:
    """Already-collected metric families, in the shape ``generate_latest`` reads (anything with ``collect``)."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self._families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self._families


def render_instruments() -> bytes:
    """This process's counters and histograms (what a worker's metrics port serves)."""
    return generate_latest(REGISTRY)


async def render(database: Database) -> bytes:
    """Instruments plus every database-sampled gauge (what the web process's ``/metrics`` serves)."""
    sampled = await scrape_gauges.collect(database)
    return render_instruments() + generate_latest(_Families(sampled))  # type: ignore[arg-type]
