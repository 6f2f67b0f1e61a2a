"""Sync settings: what a bookkeeper can choose (pause window, read and Web Connector intervals), the clear refusal
of bad values, and the Web Connector hearing "nothing to do" while the books are paused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from mlc_testing.tenants import make_tenant
from qbd.helpers import ENDPOINT, invoice, make_merchant, queue, running, stocked_simulator
from sqlalchemy import select

from mlconnector.connectors.qbd import admin
from mlconnector.connectors.qbd.emulator import RawSoapTransport
from mlconnector.platform.jobs.models import Schedule
from mlconnector.platform.sync.audit import search_audit
from mlconnector.platform.sync.reading import ensure_read_schedule, schedule_name
from mlconnector.platform.sync.sync_settings import (
    InvalidSyncSettings,
    PauseWindow,
    SyncSettings,
    get_sync_settings,
    set_sync_settings,
)


def window_around(at: datetime) -> dict[str, str]:
    """A pause window open from an hour before ``at`` to an hour after it (UTC)."""
    return {
        "start": (at - timedelta(hours=1)).strftime("%H:%M"),
        "end": (at + timedelta(hours=1)).strftime("%H:%M"),
        "timezone": "UTC",
    }


def test_the_pause_window_follows_the_tenants_clock_across_midnight_and_daylight_saving() -> None:
    night = PauseWindow(start="22:00", end="06:00", timezone="America/New_York")
    # 22:30 in New York on the night the clocks go forward: the window closes at 06:00 EDT, 10:00 UTC
    assert night.ends_at(datetime(2026, 3, 8, 3, 30, tzinfo=UTC)) == datetime(2026, 3, 8, 10, 0, tzinfo=UTC)
    # 05:00 EST in January: still paused, until 06:00 EST (11:00 UTC)
    assert night.ends_at(datetime(2026, 1, 15, 10, 0, tzinfo=UTC)) == datetime(2026, 1, 15, 11, 0, tzinfo=UTC)
    assert night.ends_at(datetime(2026, 1, 15, 11, 0, tzinfo=UTC)) is None  # 06:00 sharp: open for business
    assert night.ends_at(datetime(2026, 1, 15, 18, 0, tzinfo=UTC)) is None  # 13:00 EST
    assert SyncSettings().paused_until() is None


async def test_settings_default_then_change_and_are_audited(database) -> None:
    tenant = await make_tenant(database, "acme")
    async with database.session(tenant) as session:
        assert await get_sync_settings(session) == SyncSettings(
            read_interval_minutes=5, web_connector_interval_minutes=15
        )
        window = {"start": "22:00", "end": "06:00", "timezone": "America/New_York"}
        saved = await set_sync_settings(
            session, {"pause_window": window, "web_connector_interval_minutes": 30}, actor="user:ann"
        )
    async with database.session(tenant) as session:
        assert await get_sync_settings(session) == saved
        assert saved.pause_window == PauseWindow(**window) and saved.web_connector_interval_minutes == 30
        [event] = [e for e in await search_audit(session) if e.action == "sync_settings_changed"]
    assert event.actor == "user:ann" and event.detail["after"]["pause_window"] == window
    assert event.detail["before"]["pause_window"] is None
    async with database.session(tenant) as session:
        assert (await set_sync_settings(session, {"pause_window": None}, actor="user:ann")).pause_window is None


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"pause_window": {"start": "25:00", "end": "06:00", "timezone": "UTC"}}, "pause_window.start", "HH:MM"),
        (
            {"pause_window": {"start": "22:00", "end": "06:00", "timezone": "Mars/Olympus"}},
            "pause_window.timezone",
            "America/New_York",
        ),
        ({"pause_window": {"start": "22:00", "end": "22:00", "timezone": "UTC"}}, "pause_window.end", "differ"),
        ({"pause_window": "nights"}, "pause_window", "null to never pause"),
        ({"read_interval_minutes": 0}, "read_interval_minutes", "from 1 to 1440"),
        ({"web_connector_interval_minutes": "15"}, "web_connector_interval_minutes", "whole number"),
        ({"colour": "blue"}, "colour", "is not a sync setting"),
    ],
)
async def test_bad_settings_are_refused_with_a_sentence_and_change_nothing(database, changes, field, words) -> None:
    tenant = await make_tenant(database)
    async with database.session(tenant) as session:
        await set_sync_settings(session, {"read_interval_minutes": 10}, actor="test")
    with pytest.raises(InvalidSyncSettings) as refused:
        async with database.session(tenant) as session:
            await set_sync_settings(session, {"web_connector_interval_minutes": 20, **changes}, actor="test")
    assert refused.value.status_code == 400
    assert any(key == field and words in message for key, message in refused.value.problems), refused.value
    async with database.session(tenant) as session:
        assert await get_sync_settings(session) == SyncSettings(read_interval_minutes=10)


async def test_the_read_schedule_uses_the_read_interval(database) -> None:
    tenant = await make_tenant(database)
    async with database.session(tenant) as session:
        await set_sync_settings(session, {"read_interval_minutes": 7}, actor="test")
        await ensure_read_schedule(session, tenant)  # what connecting the store does
    async with database.session(tenant) as session:
        await set_sync_settings(session, {"read_interval_minutes": 60}, actor="test")
    async with database.system_session() as session:
        schedule = (await session.execute(select(Schedule).where(Schedule.name == schedule_name(tenant)))).scalar_one()
    assert schedule.interval_seconds == 3600


async def test_the_web_connector_hears_none_while_paused_and_posts_after(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await queue(harness.database, merchant.tenant_id, invoice(1))
        async with harness.database.session(merchant.tenant_id) as session:
            await set_sync_settings(
                session,
                {"pause_window": window_around(datetime.now(UTC)), "web_connector_interval_minutes": 20},
                actor="test",
            )
        sim = stocked_simulator()
        paused = await harness.emulator(merchant, sim).run_session()
        assert paused.authenticate[1] == "none" and paused.requests == []
        assert 60 <= int(paused.authenticate[2]) <= 20 * 60
        assert sim.of_kind("Invoice") == []
        qwc = await admin.qwc_for(harness.database, merchant.tenant_id, "https://sync.example.com")
        assert b"<RunEveryNMinutes>20</RunEveryNMinutes>" in qwc

        async with harness.database.session(merchant.tenant_id) as session:
            await set_sync_settings(session, {"pause_window": None}, actor="test")
        done = await harness.emulator(merchant, sim).run_session()
        assert done.authenticate[1] == "" and done.progress[-1] == 100
        assert [t.ref_number for t in sim.of_kind("Invoice")] == ["000000001"]


async def test_a_session_that_runs_into_the_pause_window_gets_no_more_requests(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await queue(harness.database, merchant.tenant_id, invoice(1))
        raw = RawSoapTransport(harness.client, ENDPOINT)
        ticket, status = await raw.call("authenticate", strUserName=merchant.username, strPassword=merchant.password)
        assert status == ""  # work to do, not paused yet
        async with harness.database.session(merchant.tenant_id) as session:
            await set_sync_settings(session, {"pause_window": window_around(datetime.now(UTC))}, actor="test")
        sim = stocked_simulator()
        sent = await raw.call(
            "sendRequestXML",
            ticket=ticket,
            strHCPResponse=sim.hcp_response(),
            strCompanyFileName="C:\\Books.QBW",
            qbXMLCountry="US",
            qbXMLMajorVers=13,
            qbXMLMinorVers=0,
        )
        assert sent == ""
        assert (await raw.call("getLastError", ticket=ticket)).startswith("Paused: ml-connector sends nothing")
