"""``/metrics``: every series an operator was promised is there, and it moves when the thing it counts happens."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families

from mlconnector.platform.app import create_app
from mlconnector.platform.jobs import enqueue
from mlconnector.platform.jobs.registry import JobRegistry
from mlconnector.platform.jobs.runner import RunPolicy, run_job
from mlconnector.platform.observability.gauges import scrape_gauges
from mlconnector.platform.plugins import (
    MetricLabelError,
    PermanentJobError,
    RetryJob,
    record_commerce_call,
    record_qbwc_session,
    record_soap_call,
)
from mlconnector.platform.plugins.discovery import PluginSet

PROMISED = {
    # the list: documents by state, queue depth per tenant, SOAP latency by method, Commerce latency and
    # errors by status, retries, holds, Web Connector sessions
    "mlc_documents": ("gauge", {"tenant_id", "state"}),
    "mlc_job_queue_depth": ("gauge", {"tenant_id"}),
    "mlc_qbwc_soap_call_duration_seconds": ("histogram", {"method"}),
    "mlc_commerce_request_duration_seconds": ("histogram", {"operation"}),
    "mlc_commerce_errors": ("counter", {"status"}),
    "mlc_job_retries": ("counter", {"kind", "reason"}),
    "mlc_holds": ("gauge", {"tenant_id", "code"}),
    "mlc_qbwc_sessions": ("counter", {"outcome"}),
    "mlc_jobs": ("gauge", {"state"}),
}
POLICY = RunPolicy(lease=timedelta(seconds=30), max_attempts=5, min_backoff_ms=10, max_backoff_ms=20)


def _families(text: str) -> dict[str, object]:
    return {family.name: family for family in text_string_to_metric_families(text)}


def _value(text: str, sample_name: str, **labels: str) -> float:
    """The sample's value in a /metrics page; 0 when the series is absent (nothing counted yet)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == sample_name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


@pytest.fixture
async def client(make_settings, database_url):
    settings = make_settings(DATABASE_URL=database_url, MLC_AUTO_MIGRATE="false")
    async with AsyncTestClient(create_app(settings, plugins=PluginSet(), start_jobs=False)) as client:
        yield client


async def _scrape(client) -> str:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return response.text


async def test_every_promised_series_is_exposed(client) -> None:
    families = _families(await _scrape(client))
    for name, (kind, labels) in PROMISED.items():
        assert name in families, f"/metrics lacks {name}"
        assert families[name].type == kind, name
        for sample in families[name].samples:
            assert labels <= set(sample.labels), f"{name} sample {sample} lacks labels {labels}"
    # known label values start at zero, so alerts on rate() work before the first Web Connector call
    text = await _scrape(client)
    assert 'mlc_qbwc_soap_call_duration_seconds_count{method="sendRequestXML"}' in text
    assert 'mlc_qbwc_sessions_total{outcome="no_work"}' in text


async def test_queue_depth_per_tenant_and_jobs_by_state_come_from_the_database(client, database) -> None:
    acme, globex = uuid.uuid4(), uuid.uuid4()
    before = await _scrape(client)
    assert _value(before, "mlc_job_queue_depth", tenant_id=str(acme)) == 0
    async with database.system_session() as session:
        await enqueue(session, "core.ping", tenant_id=acme)
        await enqueue(session, "core.ping", tenant_id=acme, delay_seconds=3600)  # delayed still counts as queued
        await enqueue(session, "core.ping", tenant_id=globex)
        await enqueue(session, "core.ping")
    after = await _scrape(client)
    assert _value(after, "mlc_job_queue_depth", tenant_id=str(acme)) == 2
    assert _value(after, "mlc_job_queue_depth", tenant_id=str(globex)) == 1
    assert _value(after, "mlc_job_queue_depth", tenant_id="system") == 1
    assert _value(after, "mlc_jobs", state="queued") == 4
    assert _value(after, "mlc_scrape_sampler_up", gauge="mlc_job_queue_depth") == 1


async def test_recorded_calls_and_sessions_move_their_series(client) -> None:
    before = await _scrape(client)
    record_soap_call("sendRequestXML", 0.2)
    record_soap_call("sendRequestXML", 0.03)
    record_soap_call("somethingNew", 0.01)
    record_commerce_call("orders.search", 0.4, 200)
    record_commerce_call("orders.search", 1.5, 503)
    record_commerce_call("invoices.get", 30.0, None)
    record_qbwc_session("started")
    after = await _scrape(client)

    def moved(sample: str, **labels: str) -> float:
        return _value(after, sample, **labels) - _value(before, sample, **labels)

    assert moved("mlc_qbwc_soap_call_duration_seconds_count", method="sendRequestXML") == 2
    assert moved("mlc_qbwc_soap_call_duration_seconds_bucket", method="sendRequestXML", le="0.05") == 1
    assert moved("mlc_qbwc_soap_call_duration_seconds_count", method="other") == 1
    assert moved("mlc_commerce_request_duration_seconds_count", operation="orders.search") == 2
    assert moved("mlc_commerce_errors_total", status="503") == 1
    assert moved("mlc_commerce_errors_total", status="transport") == 1
    assert moved("mlc_commerce_errors_total", status="200") == 0
    assert moved("mlc_qbwc_sessions_total", outcome="started") == 1


def test_labels_that_would_explode_cardinality_are_refused() -> None:
    with pytest.raises(MetricLabelError, match="orders/000000123"):
        record_commerce_call("orders/000000123", 0.1, 200)
    with pytest.raises(MetricLabelError, match="not one of"):
        record_qbwc_session("tenant-42")


async def test_job_retries_are_counted_by_kind_and_reason(client, database) -> None:
    registry = JobRegistry()
    attempts: list[int] = []

    @registry.handler("test.flaky")
    async def flaky(context) -> None:
        attempts.append(context.attempt)
        raise RuntimeError("store timed out")

    @registry.handler("test.polite")
    async def polite(context) -> None:
        raise RetryJob(60, "Retry-After: 60")

    @registry.handler("test.broken")
    async def broken(context) -> None:
        raise PermanentJobError("no such SKU")

    before = await _scrape(client)
    async with database.system_session() as session:
        flaky_id = await enqueue(session, "test.flaky")
        polite_id = await enqueue(session, "test.polite")
        broken_id = await enqueue(session, "test.broken")
    assert await run_job(database, registry, flaky_id, POLICY) == "retry"
    assert await run_job(database, registry, polite_id, POLICY) == "retry"
    assert await run_job(database, registry, broken_id, POLICY) == "dead"
    after = await _scrape(client)

    def moved(**labels: str) -> float:
        return _value(after, "mlc_job_retries_total", **labels) - _value(before, "mlc_job_retries_total", **labels)

    assert moved(kind="test.flaky", reason="error") == 1
    assert moved(kind="test.polite", reason="requested") == 1
    assert moved(kind="test.broken") == 0
    assert _value(after, "mlc_jobs", state="dead") == 1


async def test_documents_and_holds_come_from_the_engine(client, database_url) -> None:
    from mlc_testing.tenants import make_tenant

    from mlconnector.platform.db.engine import Database
    from mlconnector.platform.sync import metrics as engine_metrics
    from mlconnector.platform.sync.models import DocumentRow

    database = Database(database_url)
    tenant = await make_tenant(database)
    async with database.session(tenant) as session:
        for n, (state, code) in enumerate([("posted", None), ("posted", None), ("held", "unmapped_sku")]):
            session.add(
                DocumentRow(
                    tenant_id=tenant,
                    key=f"invoice:1:{n}",
                    type="invoice",
                    source="x",
                    record_key=f"r{n}",
                    body="{}",
                    content_hash="h",
                    revision=1,
                    state=state,
                    hold_code=code,
                    external_ids={},
                    sink_totals={},
                )
            )
    await database.dispose()
    text = await _scrape(client)
    assert _value(text, "mlc_documents", tenant_id=str(tenant), state="posted") == 2
    assert _value(text, "mlc_holds", tenant_id=str(tenant), code="unmapped_sku") == 1

    async def broken(session):
        raise RuntimeError("table not there yet")

    scrape_gauges.detach("mlc_holds")
    scrape_gauges.sampler("mlc_holds")(broken)
    try:
        text = await _scrape(client)
    finally:
        scrape_gauges.detach("mlc_holds")
        scrape_gauges.sampler("mlc_holds")(engine_metrics.holds_by_code)
    # a failing sampler leaves its gauge empty and says so, and the page still answers
    assert "mlc_holds{" not in text
    assert _value(text, "mlc_scrape_sampler_up", gauge="mlc_holds") == 0
    assert _value(text, "mlc_scrape_sampler_up", gauge="mlc_documents") == 1


def test_a_gauge_takes_one_sampler_and_must_be_declared() -> None:
    async def sampler(session):
        return []

    with pytest.raises(KeyError, match="not declared"):
        scrape_gauges.sampler("mlc_nonexistent")(sampler)
    with pytest.raises(ValueError, match="already has a sampler"):
        scrape_gauges.sampler("mlc_job_queue_depth")(sampler)


async def test_a_metrics_token_guards_the_page(make_settings, tmp_path) -> None:
    token = "metrics-token-" + uuid.uuid4().hex
    settings = make_settings(MLC_METRICS_TOKEN=token, MLC_DATA_DIR=str(tmp_path))
    async with AsyncTestClient(create_app(settings, plugins=PluginSet(), start_jobs=False)) as client:
        refused = await client.get("/metrics")
        assert refused.status_code == 401
        assert token not in refused.text
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer not-the-token-at-all"})
        assert wrong.status_code == 401
        allowed = await client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        assert allowed.status_code == 200
        assert "mlc_job_queue_depth" in allowed.text
        assert (await client.get("/healthz")).status_code == 200  # probes stay open


async def test_metrics_can_be_switched_off(make_settings, tmp_path) -> None:
    settings = make_settings(MLC_METRICS="false", MLC_DATA_DIR=str(tmp_path))
    async with AsyncTestClient(create_app(settings, plugins=PluginSet(), start_jobs=False)) as client:
        assert (await client.get("/metrics")).status_code == 404
