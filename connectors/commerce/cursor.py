"""Where a read of one stream stands, as the opaque string the core stores after each batch.

Compact JSON, version 1::

    {"v":1,"mode":"window","since":"2026-03-01 09:55:00"}                      between reads
    {"v":1,"mode":"window","since":S,"upper":U,"after":["2026-03-01 10:02:07",5012]}   inside a window
    {"v":1,"mode":"backfill","since":S|null,"upper":U,"last_id":90000,"after_id":41200}  inside a backfill

* ``window``: records with ``since ≤ updated_at ≤ upper``, in ``(updated_at, entity_id)`` order; ``after`` is the
  last key stored. ``upper`` is frozen when the window opens (now − a small lag), so rows changed while we page
  fall into the next window instead of shifting this one. The next window starts ``overlap_seconds`` before
  this ``upper``: rows committed late with an older ``updated_at`` are caught, rows read twice are harmless.
* ``backfill``: every ``entity_id`` in ``(after_id, last_id]`` (and ``updated_at ≥ since`` when given), read in
  id ranges; ``entity_id`` never changes, so ranges cannot shift under the reader. It ends in a ``window``
  cursor starting ``overlap_seconds`` before the backfill's ``upper``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from mlconnector.connectors.commerce.normalize.dates import format_utc, parse_utc

WINDOW, BACKFILL = "window", "backfill"
VERSION = 1


class Cursor(msgspec.Struct, frozen=True, omit_defaults=True, forbid_unknown_fields=True):
    v: int = VERSION
    mode: Literal["window", "backfill"] = "window"
    since: str | None = None
    upper: str | None = None
    after: tuple[str, int] | None = None
    after_id: int | None = None
    last_id: int | None = None


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Cursor)


def encode(cursor: Cursor) -> str:
    return _encoder.encode(cursor).decode()


def decode(text: str | None) -> Cursor | None:
    """``None`` for no cursor; a clear error for one this version cannot read."""
    if text is None:
        return None
    try:
        cursor = _decoder.decode(text)
    except msgspec.ValidationError as error:
        raise ValueError(f"the stored Commerce read cursor is not valid ({error}); start a backfill instead") from None
    except msgspec.DecodeError:
        raise ValueError("the stored Commerce read cursor is not JSON; start a backfill instead") from None
    if cursor.v != VERSION:
        raise ValueError(f"the stored Commerce read cursor has version {cursor.v}; this version reads {VERSION}")
    for stamp in (cursor.since, cursor.upper, cursor.after[0] if cursor.after else None):
        parse_utc(stamp)
    return cursor


def backfill_from(since: datetime | None) -> str:
    """The start cursor of ``mlc commerce backfill --since DATE`` (``None``: the whole history)."""
    return encode(Cursor(mode=BACKFILL, since=None if since is None else format_utc(since)))
