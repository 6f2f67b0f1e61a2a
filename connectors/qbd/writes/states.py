"""Write states and steps, and the rules that connect them.

- ``pending``: ready to go out (the only state, with ``in_doubt``, that sendRequestXML picks from);
- ``sent``: committed *before* the request leaves in a sendRequestXML answer, with the attempt in ``requestID``;
- ``applied``: QuickBooks answered with the object (ListID/TxnID stored);
- ``failed``: QuickBooks rejected it and retrying cannot help; retired, never re-sent by itself;
- ``held``: waiting for a person (a missing list item, a deleted record, an unreadable request), with the reason;
- ``in_doubt``: its session ended while it was ``sent``; the next session first asks QuickBooks whether it exists.

The step says what goes out next for a write: the write itself, a reconciliation query, the four namesake queries
(every name starting with the customer's) after a 3100, or a re-read after a stale EditSequence (3200).
"""

from __future__ import annotations

PENDING = "pending"
SENT = "sent"
APPLIED = "applied"
FAILED = "failed"
HELD = "held"
IN_DOUBT = "in_doubt"

TERMINAL = frozenset({APPLIED, FAILED, HELD})
SENDABLE = (PENDING, IN_DOUBT)

WRITE = "write"
RECONCILE = "reconcile"
NAMES = "names"
REFRESH = "refresh"

INTERNAL_PREFIX = "qbd:"
"""Document keys of the sink's own work (list refreshes); no outcome is reported for them."""


def request_id(write_id: int, attempt: int, part: int | None = None) -> str:
    """The attempt id QuickBooks echoes: ``<write id>.<attempt>[.<part>]``."""
    return f"{write_id}.{attempt}" if part is None else f"{write_id}.{attempt}.{part}"


def parse_request_id(value: str | None) -> tuple[int, int, int | None] | None:
    """``(write id, attempt, part)``, or ``None`` for an id we did not issue."""
    if not value:
        return None
    pieces = value.split(".")
    if len(pieces) not in (2, 3) or not all(piece.isdigit() for piece in pieces):
        return None
    return int(pieces[0]), int(pieces[1]), int(pieces[2]) if len(pieces) == 3 else None
