"""Magento timestamps: UTC ``Y-m-d H:i:s`` strings without a zone (NOTES §3.4). The accounting date of a document is
that instant seen in the store's own time zone, because a 23:30 order in Los Angeles is booked on that day, not
on the next UTC day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MAGENTO_FORMAT = "%Y-%m-%d %H:%M:%S"


def parse_utc(text: str | None) -> datetime | None:
    """A Magento timestamp as an aware UTC datetime (``None`` when absent)."""
    if not text:
        return None
    try:
        return datetime.strptime(text[:19], MAGENTO_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"expected a timestamp like 2026-01-31 23:59:59, got {text!r}") from None


def format_utc(moment: datetime) -> str:
    """The inverse of :func:`parse_utc`: how a filter value must be written."""
    return moment.astimezone(UTC).strftime(MAGENTO_FORMAT)


def store_zone(name: str | None) -> ZoneInfo:
    """The store's time zone (``timezone`` from ``/V1/store/storeConfigs``); UTC when unknown."""
    if not name:
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"the store's time zone {name!r} is not a known IANA zone") from None


def local_date(text: str | None, zone: ZoneInfo) -> date:
    moment = parse_utc(text)
    if moment is None:
        raise ValueError("the document has no created_at timestamp")
    return moment.astimezone(zone).date()
