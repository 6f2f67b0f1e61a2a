"""The Web Connector's session going wrong — the books must end identical to a fault-free run.

QuickBooks unreachable in the middle of a session (connectionError); the Web Connector closed with a request in
hand (no answer, no closeConnection); QuickBooks answering after the session expired; a second Web Connector on the
same tenant while the first one runs ("busy").

These faults are outside the database, so they run on the embedded SQLite default only (PostgreSQL's own
faults are in test_engine_faults and test_process_faults), which keeps the suite inside CI's time budget.
"""

from __future__ import annotations

import pytest
from faults.helpers import broken_session, finish, read_with_retries, the_store, watch
from mlc_testing.storefront import assert_same_books, running_books, snapshot

pytestmark = pytest.mark.slow


async def _run(make_settings, sqlite_only: str, ending: str):
    fake, simulator = the_store()
    ledger = watch(simulator)
    async with running_books(make_settings, sqlite_only, fake, simulator) as books:
        await books.cycle()
        await read_with_retries(books)
        seen = await broken_session(books, ending)
        books.later(minutes=20)  # the next scheduled run
        await finish(books)
    return seen, ledger, snapshot(simulator)


async def test_quickbooks_unreachable_in_the_middle_of_a_session(make_settings, sqlite_only, baseline, matrix):
    seen, ledger, books = await _run(make_settings, sqlite_only, "connection_error")
    assert seen.answer == "done"  # QBWC is told to end the session
    assert_same_books(books, baseline)
    counts = ledger.counts()
    assert counts["reconciled"] >= 1 and counts["duplicates_avoided"] == 0  # asked about, then sent once
    matrix("connectionError mid-session", injected=1, **counts)


async def test_the_web_connector_closed_without_close_connection(make_settings, sqlite_only, baseline, matrix):
    seen, ledger, books = await _run(make_settings, sqlite_only, "closed")
    assert seen.faulted_request
    assert_same_books(books, baseline)
    counts = ledger.counts()
    assert counts["reconciled"] >= 1
    matrix("Web Connector closed without closeConnection", injected=1, **counts)


async def test_quickbooks_answering_after_the_session_expired(make_settings, sqlite_only, baseline, matrix):
    seen, ledger, books = await _run(make_settings, sqlite_only, "expired")
    assert seen.answer < 0 and "not valid" in seen.last_error  # the late answer is refused, never trusted
    assert_same_books(books, baseline)
    counts = ledger.counts()
    assert counts["duplicates_avoided"] >= 1  # QuickBooks had applied it: found by the reconciliation, not re-added
    matrix("session expired before QuickBooks answered", injected=1, **counts)


async def test_a_second_web_connector_on_the_same_tenant_is_told_busy(make_settings, sqlite_only, baseline, matrix):
    seen, ledger, books = await _run(make_settings, sqlite_only, "another")
    assert seen.answer.authenticate[1] == "busy" and seen.answer.exchanges == 0
    assert_same_books(books, baseline)
    matrix("two Web Connectors on one tenant (second: busy)", injected=1, **ledger.counts())
