"""The database-backed session store keeps Litestar's Store contract, on both databases, across processes."""

from __future__ import annotations

import asyncio

from mlc_testing.runtime_role import fetch_all

from mlconnector.platform.db.engine import Database
from mlconnector.tenants.auth.session_store import DatabaseSessionStore


async def test_store_contract(app_database) -> None:
    one, two = Database(app_database.url, pool_size=1), Database(app_database.url, pool_size=1)
    try:
        first, second = DatabaseSessionStore(one), DatabaseSessionStore(two)  # two web processes
        await first.set("session-a", b'{"uid": "1"}', expires_in=60)
        assert await second.get("session-a") == b'{"uid": "1"}'
        assert await second.exists("session-a") and not await second.exists("session-b")
        assert 55 <= await second.expires_in("session-a") <= 60
        await second.get("session-a", renew_for=3600)
        assert await first.expires_in("session-a") > 3000
        await first.set("session-a", "replaced", expires_in=60)
        assert await second.get("session-a") == b"replaced"
        await first.set("short-lived", b"x", expires_in=1)
        await asyncio.sleep(1.1)
        assert await second.get("short-lived") is None
        await second.delete("session-a")
        assert await first.get("session-a") is None
        await first.set("c", b"1")
        assert await first.expires_in("c") is None
        await second.delete_all()
        assert await fetch_all(app_database.owner_url, "SELECT key_hash FROM web_sessions") == []
    finally:
        await one.dispose()
        await two.dispose()
