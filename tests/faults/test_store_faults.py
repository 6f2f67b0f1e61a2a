"""The store misbehaving — the books must end identical to a fault-free run.

Storms of 500, 503 and 429 (with Retry-After) answers; pages that never come back (timeouts); the IMS token revoked
in the middle of a read on the Cloud Service (a new token is fetched once and the read resumes).

These faults are outside the database, so they run on the embedded SQLite default only (PostgreSQL's own
faults are in test_engine_faults and test_process_faults), which keeps the suite inside CI's time budget.
"""

from __future__ import annotations

import pytest
from faults.helpers import store_retries, sync_all, the_store, watch
from mlc_testing.commerce import bearer_config, ims_config
from mlc_testing.storefront import assert_same_books, running_books, snapshot

from mlconnector.connectors.commerce.fake import CLOUD_SERVICE

pytestmark = pytest.mark.slow
LISTS = "/V1/(orders|invoices|creditmemo)"


@pytest.mark.parametrize(
    ("status", "retry_after", "times"),
    [(500, None, 12), (503, None, 25), (429, 1, 12)],
    ids=["500", "503", "429"],
)
async def test_a_storm_of_errors_from_the_store(
    make_settings, sqlite_only, baseline, matrix, status, retry_after, times
) -> None:
    fake, simulator = the_store()
    ledger = watch(simulator)
    fake.faults.add(status=status, retry_after=retry_after, times=times, path=LISTS)
    async with running_books(make_settings, sqlite_only, fake, simulator) as books:
        await sync_all(books)
    assert fake.faults.injected == times
    assert [entry.status for entry in fake.log].count(status) == times
    assert_same_books(snapshot(simulator), baseline)
    label = f"Commerce {status} storm" + (f" (Retry-After: {retry_after})" if retry_after else "")
    matrix(label, injected=times, retries=store_retries(fake), **ledger.counts())


async def test_pages_that_never_come_back(make_settings, sqlite_only, baseline, matrix) -> None:
    fake, simulator = the_store(bearer_enabled=True)
    ledger = watch(simulator)
    fake.faults.add(hang=True, times=3, path=LISTS)
    config = bearer_config(fake.add_integration(), request_timeout_seconds=1)
    async with running_books(make_settings, sqlite_only, fake, simulator, store_config=config) as books:
        await sync_all(books)
    assert fake.faults.injected == 3
    assert_same_books(snapshot(simulator), baseline)
    matrix("Commerce requests timing out", injected=3, retries=3, **ledger.counts())


async def test_the_ims_token_revoked_in_the_middle_of_a_read(make_settings, sqlite_only, baseline, matrix) -> None:
    fake, simulator = the_store(flavor=CLOUD_SERVICE)
    ledger = watch(simulator)
    client = fake.add_ims_client()
    reads: list[str] = []

    def revoke_on_the_third_list(store, route: str, query: str) -> None:
        if route in ("orders", "invoices"):
            reads.append(route)
            if len(reads) == 3:
                store.ims.revoke_all()  # IMS ends every token early

    fake.on_request = revoke_on_the_third_list
    config = ims_config(fake, client, page_size=10, max_concurrency=1)
    async with running_books(make_settings, sqlite_only, fake, simulator, store_config=config) as books:
        await sync_all(books)
    refused = [entry.status for entry in fake.log].count(401)
    assert refused == 1  # one 401, then a new token, then the read resumes
    assert fake.ims.requests == 2
    assert_same_books(snapshot(simulator), baseline)
    matrix("IMS token revoked mid-read", injected=1, retries=refused, tokens_fetched=2, **ledger.counts())
