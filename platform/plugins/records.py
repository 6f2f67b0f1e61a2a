"""What a source yields: raw records (as the outside system sent them) in batches with a resume cursor."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class SourceRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One raw record. ``key`` is stable and unique per (tenant, source, stream); the payload is kept verbatim."""

    stream: str
    key: str
    source_id: str
    updated_at: datetime | None
    payload: dict[str, Any]


class SourceBatch(msgspec.Struct, frozen=True, kw_only=True):
    """Records plus the cursor to resume after them (opaque to the core)."""

    records: list[SourceRecord]
    cursor: str | None
