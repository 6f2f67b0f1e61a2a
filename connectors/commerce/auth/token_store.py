"""Where IMS access tokens are kept between requests, and the lock that lets one worker at a time refresh one.

:class:`TokenStore` is the seam: :class:`ProcessMemoryTokenStore` keeps tokens in this process only (tests, and
single-process use); ``repository.DatabaseTokenStore`` keeps them in the plugin's table — sealed by the credential
vault, never in clear — and serialises refreshes across every worker with a row lock.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from mlconnector.platform.plugins import Secret, seal_value, unseal_value


@dataclass(frozen=True, slots=True)
class CachedToken:
    access_token: Secret
    expires_at: datetime
    refresh_at: datetime
    """Well before ``expires_at`` (three quarters of the lifetime): the token is replaced then, not on a 401."""

    def fresh(self, now: datetime) -> bool:
        return now < self.refresh_at


class TokenSlot(Protocol):
    """The token under an exclusive hold, and the way to replace it while holding it."""

    current: CachedToken | None

    async def put(self, token: CachedToken) -> None: ...


class TokenStore(Protocol):
    async def get(self, key: str) -> CachedToken | None:
        """The stored token for ``key`` (a credential fingerprint), without waiting for a lock."""
        ...

    def exclusive(self, key: str) -> AbstractAsyncContextManager[TokenSlot]:
        """Hold ``key`` exclusively (across processes for the database store) while deciding to refresh."""
        ...


class Sealer(Protocol):
    """Seal/unseal one tenant's values, bound to tenant (the session's) and purpose."""

    async def seal(self, session: Any, purpose: str, plaintext: str) -> str: ...

    async def unseal(self, session: Any, purpose: str, sealed: str) -> str: ...


class VaultSealer:
    """The credential vault (``seal_value``/``unseal_value`` of the plugin API): AES-GCM under the tenant's data key,
    bound to tenant and purpose; the text form is base64."""

    async def seal(self, session: Any, purpose: str, plaintext: str) -> str:
        return base64.b64encode(await seal_value(session, purpose, plaintext)).decode("ascii")

    async def unseal(self, session: Any, purpose: str, sealed: str) -> str:
        return (await unseal_value(session, purpose, base64.b64decode(sealed))).reveal()


@dataclass(slots=True)
class _MemorySlot:
    store: ProcessMemoryTokenStore
    key: str
    current: CachedToken | None

    async def put(self, token: CachedToken) -> None:
        self.store._tokens[self.key] = token
        self.current = token


class ProcessMemoryTokenStore:
    """Tokens in this process's memory only; the lock serialises refreshes within this process only."""

    def __init__(self) -> None:
        self._tokens: dict[str, CachedToken] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, key: str) -> CachedToken | None:
        return self._tokens.get(key)

    @asynccontextmanager
    async def exclusive(self, key: str) -> AsyncIterator[_MemorySlot]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            yield _MemorySlot(self, key, self._tokens.get(key))
