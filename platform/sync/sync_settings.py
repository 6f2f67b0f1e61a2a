"""A tenant's sync rhythm: a daily pause window, how often the store is read, how often the Web Connector polls.

Shape (JSON, as the API and ``mlc settings get --engine`` show it)::

    {
      "pause_window": {"start": "22:00", "end": "06:00", "timezone": "America/New_York"},  # or null: never pause
      "read_interval_minutes": 5,            # how often Adobe Commerce is read (the per-tenant schedule)
      "web_connector_interval_minutes": 15   # RunEveryNMinutes in the .qwc file
    }

The pause window is wall-clock time in an IANA time zone (not a UTC offset), so it follows daylight saving: a
bookkeeper who closes the books at 22:00 New York time means 22:00 in winter and in summer. ``start`` is
inclusive, ``end`` exclusive; a window whose end is earlier than its start runs past midnight. While it is
open the Web Connector hears "nothing to do", so nothing is written into QuickBooks (reads from the store go on).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db import tenancy
from mlconnector.platform.db.types import utcnow
from mlconnector.platform.errors import InvalidInput
from mlconnector.platform.sync import sync_settings_repository as repository
from mlconnector.platform.sync.audit import record_audit

DEFAULT_READ_MINUTES = 5
DEFAULT_WEB_CONNECTOR_MINUTES = 15
MAX_MINUTES = 1440
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
FIELDS = ("pause_window", "read_interval_minutes", "web_connector_interval_minutes")


class InvalidSyncSettings(InvalidInput):
    """Sync settings that cannot be saved; answered with 400 and a sentence per field. Nothing is changed."""

    status_code = 400


class PauseWindow(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Daily hours during which nothing is sent to the books."""

    start: str
    """``HH:MM`` (24-hour clock), inclusive."""
    end: str
    """``HH:MM``, exclusive; earlier than ``start`` means the window runs past midnight."""
    timezone: str
    """An IANA time zone name such as ``America/New_York`` or ``UTC``."""

    def _bounds(self, at: datetime) -> tuple[datetime, datetime] | None:
        """The occurrence of the window that contains ``at`` (local times), or ``None``."""
        zone = ZoneInfo(self.timezone)
        local = at.astimezone(zone)
        start, end = time.fromisoformat(self.start), time.fromisoformat(self.end)
        for day in (local.date() - timedelta(days=1), local.date()):
            opens = datetime.combine(day, start, tzinfo=zone)
            closes = datetime.combine(day if end > start else day + timedelta(days=1), end, tzinfo=zone)
            if opens <= local < closes:
                return opens, closes
        return None

    def ends_at(self, at: datetime) -> datetime | None:
        """When the window that is open at ``at`` closes (UTC), or ``None`` when it is not open then."""
        bounds = self._bounds(at)
        return None if bounds is None else bounds[1].astimezone(UTC)

    def describe(self) -> str:
        return f"between {self.start} and {self.end} ({self.timezone})"


class SyncSettings(msgspec.Struct, frozen=True, kw_only=True):
    """The effective sync settings of one tenant (defaults where the tenant chose nothing)."""

    pause_window: PauseWindow | None = None
    read_interval_minutes: int = DEFAULT_READ_MINUTES
    web_connector_interval_minutes: int = DEFAULT_WEB_CONNECTOR_MINUTES

    def paused_until(self, at: datetime | None = None) -> datetime | None:
        """When the pause window open at ``at`` (default: now) ends, in UTC; ``None`` when sync may run."""
        return None if self.pause_window is None else self.pause_window.ends_at(at or utcnow())

    def pause_message(self) -> str:
        """What the Web Connector's log (and the dashboard) says while paused."""
        window = self.pause_window
        return f"Paused: ml-connector sends nothing to QuickBooks {window.describe()}." if window else ""


def _minutes(field: str, value: Any, problems: list[tuple[str, str]]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MINUTES:
        problems.append((field, f"give a whole number of minutes from 1 to {MAX_MINUTES}, for example 15."))
        return None
    return value


def _window(value: Any, problems: list[tuple[str, str]]) -> PauseWindow | None:
    if value is None:
        return None
    if not isinstance(value, Mapping) or set(value) != {"start", "end", "timezone"}:
        problems.append(
            (
                "pause_window",
                'give {"start": "22:00", "end": "06:00", "timezone": "America/New_York"}, or null to never pause.',
            )
        )
        return None
    before = len(problems)
    for end in ("start", "end"):
        if not isinstance(value[end], str) or not _CLOCK.match(value[end]):
            problems.append((f"pause_window.{end}", "write the time as HH:MM on a 24-hour clock, for example 22:00."))
    zone = value["timezone"]
    try:
        if not isinstance(zone, str) or not zone or len(zone) > 64:
            raise ValueError
        ZoneInfo(zone)
    except (ValueError, ZoneInfoNotFoundError):
        problems.append(
            ("pause_window.timezone", "use a time zone name such as America/New_York, Europe/London or UTC.")
        )
    if len(problems) == before and value["start"] == value["end"]:
        problems.append(("pause_window.end", "make the end differ from the start (or set pause_window to null)."))
    return PauseWindow(**value) if len(problems) == before else None


def validate(current: SyncSettings, changes: Mapping[str, Any]) -> SyncSettings:
    """``current`` with ``changes`` applied, or :class:`InvalidSyncSettings` naming every bad field."""
    if not isinstance(changes, Mapping):
        raise InvalidSyncSettings(("settings", "send a JSON object with the settings to change."))
    problems: list[tuple[str, str]] = [
        (name, f"is not a sync setting; use one of {', '.join(FIELDS)}.") for name in changes if name not in FIELDS
    ]
    values: dict[str, Any] = {}
    if "pause_window" in changes:
        values["pause_window"] = _window(changes["pause_window"], problems)
    for field in ("read_interval_minutes", "web_connector_interval_minutes"):
        if field in changes:
            values[field] = _minutes(field, changes[field], problems)
    if problems:
        raise InvalidSyncSettings(problems)
    return msgspec.structs.replace(current, **values)


async def get_sync_settings(session: AsyncSession) -> SyncSettings:
    """The session tenant's sync settings (the defaults until someone changes them)."""
    row = await repository.load_values(session)
    if row is None:
        return SyncSettings()
    window = None
    if row.pause_start and row.pause_end and row.pause_timezone:
        window = PauseWindow(start=row.pause_start, end=row.pause_end, timezone=row.pause_timezone)
    return SyncSettings(
        pause_window=window,
        read_interval_minutes=row.read_interval_minutes,
        web_connector_interval_minutes=row.web_connector_interval_minutes,
    )


async def set_sync_settings(session: AsyncSession, changes: Mapping[str, Any], *, actor: str) -> SyncSettings:
    """Apply ``changes`` (any of :data:`FIELDS`), validated as a whole: one bad field changes nothing.

    Audited with the before and after values; a new read interval reschedules the tenant's store reads at once.
    """
    before = await get_sync_settings(session)
    after = validate(before, changes)
    if after == before:
        return after
    await repository.save(session, after, actor=actor)
    if after.read_interval_minutes != before.read_interval_minutes:
        from mlconnector.platform.sync.reading import reschedule_reads

        await reschedule_reads(session, tenancy.require_tenant(session.sync_session), after.read_interval_minutes)
    await record_audit(
        session,
        action="sync_settings_changed",
        actor=actor,
        detail={"before": msgspec.to_builtins(before), "after": msgspec.to_builtins(after)},
    )
    return after
