"""Reading every record exactly once per pass — across page sizes, with orders placed and saved while we page,
same-second clusters bigger than a page, a crash in the middle, one store of several — and never paging the way
Magento's repeated last page would punish."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from mlc_testing.commerce import oauth_config, wired_plugin

from mlconnector.connectors.commerce.cursor import decode
from mlconnector.connectors.commerce.fake import FakeCommerce
from mlconnector.platform.plugins import SourceContext


class Clock:
    """The store's clock, moved by the test (starting now, so OAuth timestamps stay within its window)."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def store(orders: int, clock: Clock | None = None, **options) -> tuple[FakeCommerce, dict]:
    fake = FakeCommerce(clock=clock or Clock(), **options)
    fake.catalog.generate(orders, seed=21)
    integration = fake.add_integration()
    return fake, oauth_config(integration)


def ctx(config: dict) -> SourceContext:
    return SourceContext(tenant_id=uuid.uuid4(), config=config, session=None)  # type: ignore[arg-type]


async def read(fake: FakeCommerce, config: dict, cursor: str | None = None, stream: str = "order"):
    """Every batch of one pass: ``(keys, cursor)`` pairs."""
    plugin = wired_plugin(fake)
    return [([r.key for r in b.records], b.cursor) async for b in plugin.read(ctx(config), stream, cursor)]


def keys_of(batches) -> list[str]:
    return [key for keys, _ in batches for key in keys]


def all_order_keys(fake: FakeCommerce) -> set[str]:
    return {f"order:{row.fields['store_id']}:{row.fields['increment_id']}" for row in fake.catalog.orders.values()}


@pytest.mark.parametrize("page_size", [10, 37, 100, 300])
async def test_a_backfill_reads_every_order_once_whatever_the_page_size(page_size: int) -> None:
    fake, config = store(250)
    batches = await read(fake, {**config, "page_size": page_size})
    keys = keys_of(batches)
    assert Counter(keys).most_common(1)[0][1] == 1
    assert set(keys) == all_order_keys(fake)
    assert decode(batches[-1][1]).mode == "window"  # the next read is incremental
    pages = [entry for entry in fake.rest_requests("/orders") if "currentPage%5D=1" not in entry.query]
    assert pages == []  # never page 2: keyset queries only


@pytest.mark.parametrize("stream", ["invoice", "credit_memo", "customer", "product"])
async def test_every_stream_is_read_once(stream: str) -> None:
    fake, config = store(200)
    tables = {"invoice": "invoices", "credit_memo": "credit_memos", "customer": "customers", "product": "products"}
    keys = keys_of(await read(fake, {**config, "page_size": 25}, stream=stream))
    assert len(keys) == len(set(keys)) == len(getattr(fake.catalog, tables[stream]))


async def test_the_fake_repeats_the_last_page_past_the_end_like_magento() -> None:
    """Why paging by currentPage until an empty page never ends (NOTES §3.3)."""
    fake, config = store(25)
    plugin = wired_plugin(fake)
    from mlconnector.connectors.commerce.config import parse_connection
    from mlconnector.connectors.commerce.search import SearchCriteria

    async with plugin._client(parse_connection(config), None) as client:
        last = await client.search("orders", SearchCriteria(page_size=10, current_page=3))
        beyond = await client.search("orders", SearchCriteria(page_size=10, current_page=9))
    assert last.total_count == beyond.total_count == 25
    assert [o["entity_id"] for o in beyond.items] == [o["entity_id"] for o in last.items]
    assert len(beyond.items) == 5


async def test_orders_placed_and_saved_while_paging_are_not_lost() -> None:
    clock = Clock()
    fake, config = store(200, clock)
    config = {**config, "page_size": 20, "max_concurrency": 1}
    originals = all_order_keys(fake)
    ids = sorted(fake.catalog.orders)
    requests = []

    def shoppers(store: FakeCommerce, route: str, query: str) -> None:
        if route == "orders":
            requests.append(route)
            if len(requests) == 4:
                clock.advance(2)
                store.catalog.insert_orders(7)  # checkouts while the backfill runs
                for entity_id in ids[:3] + ids[-3:]:  # saved again: some already read, some not yet
                    store.catalog.touch_order(entity_id)

    fake.on_request = shoppers
    first = await read(fake, config)
    first_keys = keys_of(first)
    assert Counter(first_keys).most_common(1)[0][1] == 1
    assert set(first_keys) >= originals  # nothing that existed is skipped
    fake.on_request = None
    clock.advance(120)
    second = keys_of(await read(fake, config, first[-1][1]))
    assert set(first_keys) | set(second) == all_order_keys(fake)  # the next read catches the new ones
    touched = {
        f"order:{fake.catalog.orders[i].fields['store_id']}:{fake.catalog.orders[i].fields['increment_id']}"
        for i in ids[:3] + ids[-3:]
    }
    assert touched <= set(second)  # …and the saved ones again (harmless: stored by content hash)


async def test_an_incremental_window_with_changes_mid_read_skips_nothing() -> None:
    clock = Clock()
    fake, config = store(150, clock)
    config = {**config, "page_size": 15}
    backfill = await read(fake, config)
    clock.advance(600)
    ids = sorted(fake.catalog.orders)
    for n, entity_id in enumerate(ids[:90]):  # 90 orders saved over 90 seconds
        fake.catalog.touch_order(entity_id, fake.catalog.clock() - timedelta(seconds=90 - n))
    changed_while_reading = []

    def saves(store: FakeCommerce, route: str, query: str) -> None:
        if route == "orders" and len(changed_while_reading) < 5:
            entity_id = ids[100 + len(changed_while_reading)]
            store.catalog.touch_order(entity_id)  # leaves the frozen window: next read
            changed_while_reading.append(entity_id)

    fake.on_request = saves
    clock.advance(30)
    window = keys_of(await read(fake, config, backfill[-1][1]))
    assert Counter(window).most_common(1)[0][1] == 1
    first_ninety = {
        f"order:{fake.catalog.orders[i].fields['store_id']}:{fake.catalog.orders[i].fields['increment_id']}"
        for i in ids[:90]
    }
    assert first_ninety <= set(window)


async def test_a_same_second_cluster_bigger_than_a_page_is_read_once() -> None:
    clock = Clock()
    fake, config = store(260, clock)
    backfill = await read(fake, {**config, "page_size": 100})
    clock.advance(600)
    mass_update = fake.catalog.clock() - timedelta(seconds=60)
    for entity_id in sorted(fake.catalog.orders)[:250]:  # a mass status change: 250 rows, one second
        fake.catalog.touch_order(entity_id, mass_update)
    window = keys_of(await read(fake, {**config, "page_size": 100}, backfill[-1][1]))
    assert len(window) == len(set(window)) >= 250
    assert any("condition_type%5D=eq" in entry.query for entry in fake.rest_requests("/orders"))


async def test_a_read_resumes_from_any_stored_cursor_without_losing_records() -> None:
    clock = Clock()
    fake, config = store(120, clock)
    config = {**config, "page_size": 10}
    whole = await read(fake, config)
    # "Crash" after the third stored batch, then start again from its cursor.
    resumed = await read(fake, config, whole[2][1])
    assert set(keys_of(whole[:3])) | set(keys_of(resumed)) == all_order_keys(fake)
    clock.advance(900)
    for entity_id in sorted(fake.catalog.orders)[:40]:
        fake.catalog.touch_order(entity_id, fake.catalog.clock() - timedelta(seconds=200))
    window = await read(fake, config, whole[-1][1])
    again = await read(fake, config, window[1][1])  # resume inside the window
    assert set(keys_of(window[:2])) | set(keys_of(again)) >= set(keys_of(window))


async def test_one_store_of_several_and_keys_that_include_the_store() -> None:
    fake, config = store(200)
    numbers = Counter(row.fields["increment_id"] for row in fake.catalog.orders.values())
    assert numbers.most_common(1)[0][1] == 2  # both stores number from 000000001: the trap
    everything = keys_of(await read(fake, config))
    assert len(everything) == len(set(everything)) == 200
    only_two = keys_of(await read(fake, {**config, "store_ids": [2]}))
    expected = {k for k in all_order_keys(fake) if k.startswith("order:2:")}
    assert set(only_two) == expected and expected
    assert any("store_id" in entry.query and "condition_type%5D=in" in entry.query for entry in fake.log)


async def test_backfill_fetches_ranges_in_parallel_but_bounded() -> None:
    fake, config = store(400)
    fake.faults.latency = 0.02
    keys = keys_of(await read(fake, {**config, "page_size": 20, "max_concurrency": 3}))
    assert len(keys) == len(set(keys)) == 400
    assert 1 < fake.max_in_flight <= 3


async def test_page_size_is_kept_within_a_store_with_input_limits() -> None:
    fake, config = store(320, input_limits=True, max_page_size=300)
    keys = keys_of(await read(fake, {**config, "page_size": 300}))
    assert len(keys) == len(set(keys)) == 320
    assert all(entry.status == 200 for entry in fake.log)


async def test_a_backfill_since_a_date_reads_only_what_changed_since_even_in_crowded_ranges() -> None:
    import asyncio

    from mlconnector.connectors.commerce.cursor import backfill_from

    clock = Clock()
    fake, config = store(300, clock)
    clock.advance(3600)
    ids = sorted(fake.catalog.orders)
    recent = ids[:20] + ids[-20:]  # changed lately, at both ends of the id range: ranges fill unevenly
    for entity_id in recent:
        fake.catalog.touch_order(entity_id, fake.catalog.clock() - timedelta(minutes=5))
    since = fake.catalog.clock() - timedelta(minutes=30)
    batches = await asyncio.wait_for(read(fake, {**config, "page_size": 10}, backfill_from(since)), 20)
    keys = keys_of(batches)
    assert len(keys) == len(set(keys)) == 40
    assert set(keys) == {
        f"order:{fake.catalog.orders[i].fields['store_id']}:{fake.catalog.orders[i].fields['increment_id']}"
        for i in recent
    }
