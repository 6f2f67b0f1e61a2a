"""Session tickets: 256 random bits, stored only as a SHA-256, resolved to their tenant once per process.

quickbooks-php generated tickets with ``mt_rand``; concurrent sessions of different customers received the same
ticket and posted invoices into each other's books (consolibyte/quickbooks-php#319, #307). Ours come from
``secrets`` and are bound to one tenant by a unique row. A ticket's tenant never changes, so the cache here only
saves the cross-tenant lookup; whether the ticket is still open is checked in the tenant's own transaction on
every call.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import uuid
from collections import OrderedDict

TICKET_BYTES = 32


def new_ticket() -> str:
    return secrets.token_urlsafe(TICKET_BYTES)


def ticket_hash(ticket: str) -> str:
    return hashlib.sha256(ticket.encode("utf-8", "surrogatepass")).hexdigest()


class TenantCache:
    """A bounded map from ticket hash to ``(tenant id, ticket id)``, filled after a database lookup."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._entries: OrderedDict[str, tuple[uuid.UUID, uuid.UUID]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[uuid.UUID, uuid.UUID] | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: str, value: tuple[uuid.UUID, uuid.UUID]) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def forget(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)
