"""Sign-in throttling per account and per address, shared by every web process through the database."""

from __future__ import annotations

import asyncio
import dataclasses

from mlc_testing.accounts import PASSWORD, csrf, log_in, sign_up
from mlc_testing.runtime_role import fetch_all
from sqlalchemy import text

from mlconnector.platform.db.engine import build_engine
from mlconnector.tenants.services import throttle

WRONG = "wrong-password-123"


async def _signed_up_then_out(client, email: str = "owner@acme.example") -> None:  # type: ignore[no-untyped-def]
    await sign_up(client, email)
    await client.post("/api/auth/logout", headers=await csrf(client))


async def test_the_sixth_failure_locks_the_account_even_for_the_right_password(client) -> None:
    await _signed_up_then_out(client)
    for _ in range(throttle.ACCOUNT.limit):
        assert (await log_in(client, "owner@acme.example", WRONG)).status_code == 401
    locked = await log_in(client, "owner@acme.example", PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["error"] == (
        "Too many failed sign-ins for this account. Try again in 15 minutes, or reset your password."
    )
    assert 890 <= int(locked.headers["retry-after"]) <= 900
    assert (await client.get("/api/me")).status_code == 401


async def test_the_count_is_shared_by_every_web_process(client, other_client) -> None:
    await _signed_up_then_out(client)
    for attempt in range(throttle.ACCOUNT.limit):
        browser = client if attempt % 2 else other_client
        assert (await log_in(browser, "owner@acme.example", WRONG)).status_code == 401
    assert (await log_in(other_client, "owner@acme.example", PASSWORD)).status_code == 429
    assert (await log_in(client, "owner@acme.example", PASSWORD)).status_code == 429


async def test_a_success_clears_the_account_count(client) -> None:
    await _signed_up_then_out(client)
    for _ in range(throttle.ACCOUNT.limit - 1):
        await log_in(client, "owner@acme.example", WRONG)
    assert (await log_in(client, "owner@acme.example", PASSWORD)).status_code == 200
    for _ in range(throttle.ACCOUNT.limit - 1):
        await log_in(client, "owner@acme.example", WRONG)
    assert (await log_in(client, "owner@acme.example", PASSWORD)).status_code == 200


async def test_a_burst_of_parallel_guesses_gets_no_more_than_the_limit(client) -> None:
    await _signed_up_then_out(client)
    headers = await csrf(client)
    body = {"email": "owner@acme.example", "password": WRONG}
    responses = await asyncio.gather(*(client.post("/api/auth/login", json=body, headers=headers) for _ in range(12)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(401) == throttle.ACCOUNT.limit and statuses.count(429) == 12 - throttle.ACCOUNT.limit


async def test_one_address_trying_many_accounts_is_throttled(client, monkeypatch) -> None:
    monkeypatch.setattr(throttle, "ADDRESS", dataclasses.replace(throttle.ADDRESS, limit=3))
    await _signed_up_then_out(client)
    for n in range(3):
        assert (await log_in(client, f"guess{n}@acme.example", WRONG)).status_code == 401
    refused = await log_in(client, "owner@acme.example", PASSWORD)
    assert refused.status_code == 429 and "from your network" in refused.json()["error"]


async def test_the_lock_ends_on_its_own(client, app_database) -> None:
    await _signed_up_then_out(client)
    for _ in range(throttle.ACCOUNT.limit + 1):
        await log_in(client, "owner@acme.example", WRONG)
    assert (await log_in(client, "owner@acme.example", PASSWORD)).status_code == 429
    engine = build_engine(app_database.owner_url, null_pool=True)  # as if 16 minutes had passed
    async with engine.begin() as connection:
        past = "datetime('now', '-16 minutes')" if app_database.backend == "sqlite" else "now() - interval '16 minutes'"
        await connection.execute(text(f"UPDATE login_throttles SET locked_until = {past}, window_started_at = {past}"))
    await engine.dispose()
    assert (await log_in(client, "owner@acme.example", PASSWORD)).status_code == 200
    stored = await fetch_all(app_database.owner_url, "SELECT key_hash FROM login_throttles")
    assert "owner@acme.example" not in str(stored)  # keys are digests
