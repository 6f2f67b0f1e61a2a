"""429 with Retry-After, 5xx and timeouts: retried with backoff, bounded, and handed to the job system when the
store asks for more patience than a request may spend; every request stays well under 60 seconds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from mlc_testing.commerce import SleepLog, oauth_config, wired_plugin

from mlconnector.connectors.commerce.errors import RetriesExhausted
from mlconnector.connectors.commerce.fake import FakeCommerce
from mlconnector.connectors.commerce.jobs import fetch_document
from mlconnector.connectors.commerce.retry import RetryPolicy, parse_retry_after
from mlconnector.platform.jobs.context import JobContext
from mlconnector.platform.plugins import RetryJob, SourceContext


def setup(**config) -> tuple[FakeCommerce, SleepLog, object, SourceContext]:
    fake = FakeCommerce()
    fake.catalog.generate(30, seed=6)
    sleeps = SleepLog()
    plugin = wired_plugin(fake, sleep=sleeps, policy=RetryPolicy(attempts=4, base_delay=0.5, max_delay=4.0))
    context = SourceContext(
        tenant_id=uuid.uuid4(),
        config=oauth_config(fake.add_integration(), **config),
        session=None,  # type: ignore[arg-type]
    )
    return fake, sleeps, plugin, context


async def read_orders(plugin, context) -> list[str]:
    return [r.key async for b in plugin.read(context, "order", None) for r in b.records]


async def test_429_waits_as_long_as_retry_after_says() -> None:
    fake, sleeps, plugin, context = setup()
    fake.faults.add(status=429, retry_after=3, times=2, path="/V1/orders")
    assert len(await read_orders(plugin, context)) == 30
    assert [entry.status for entry in fake.log].count(429) == 2
    assert len(sleeps.waits) == 2 and all(wait >= 3 for wait in sleeps.waits)


async def test_5xx_is_retried_with_growing_jittered_waits() -> None:
    fake, sleeps, plugin, context = setup()
    fake.faults.add(status=503, times=3, path="/V1/orders")
    assert len(await read_orders(plugin, context)) == 30
    assert len(sleeps.waits) == 3
    assert all(0 <= wait <= cap for wait, cap in zip(sleeps.waits, (0.5, 1.0, 2.0), strict=True))


async def test_a_request_that_hangs_times_out_and_is_retried() -> None:
    fake, sleeps, plugin, context = setup(request_timeout_seconds=1)
    fake.faults.add(hang=True, times=1, path="/V1/orders")
    assert len(await read_orders(plugin, context)) == 30
    assert len(sleeps.waits) == 1


async def test_retries_are_bounded() -> None:
    fake, _, plugin, context = setup()
    fake.faults.add(status=502, times=10, path="/V1/orders")
    with pytest.raises(RetriesExhausted, match="HTTP 502 after 4 tries"):
        await read_orders(plugin, context)
    assert [entry.status for entry in fake.log if "/V1/orders" in entry.path] == [502] * 4


async def test_a_long_retry_after_ends_the_read_and_the_job_comes_back_then() -> None:
    fake, sleeps, plugin, context = setup()
    fake.faults.add(status=429, retry_after=900, times=1, path="/V1/store")
    with pytest.raises(RetriesExhausted) as stopped:
        await read_orders(plugin, context)
    assert stopped.value.retry_after == 900 and sleeps.waits == []

    fake.faults.add(status=429, retry_after=900, times=1, path="/V1/store")
    plugin.config_loader = lambda job: _async(context.config)
    job = JobContext(
        uuid.uuid4(), context.tenant_id, "commerce.fetch", {"stream": "order", "source_id": "1"}, 1, None, None
    )  # type: ignore[arg-type]
    plugin.jobs()  # registers this instance as the one the handler uses
    with pytest.raises(RetryJob) as later:
        await fetch_document(job)
    assert later.value.delay_seconds == 900


async def _async(value):
    return value


def test_retry_after_as_seconds_or_as_a_date() -> None:
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == 90.0
    assert parse_retry_after("soon") is None


def test_no_request_may_wait_a_minute() -> None:
    from mlconnector.connectors.commerce.plugin import AdobeCommerceSource
    from mlconnector.platform.plugins import validate_config

    config = {**oauth_config(FakeCommerce().add_integration()), "request_timeout_seconds": 60}
    assert [p.field for p in validate_config(AdobeCommerceSource.config_schema, config)] == ["request_timeout_seconds"]


async def test_calls_and_errors_reach_the_metrics() -> None:
    from mlconnector.platform.observability.instruments import REGISTRY

    def sample(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    before_errors = sample("mlc_commerce_errors_total", status="503")
    before_calls = sample("mlc_commerce_request_duration_seconds_count", operation="orders.search")
    fake, _, plugin, context = setup()
    fake.faults.add(status=503, times=1, path="/V1/orders")
    await read_orders(plugin, context)
    assert sample("mlc_commerce_errors_total", status="503") == before_errors + 1
    assert sample("mlc_commerce_request_duration_seconds_count", operation="orders.search") > before_calls + 1
