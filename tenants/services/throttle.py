"""Sign-in throttling per account and per client address, and a cap on password-reset emails.

Every attempt is counted *before* the password is checked, in one atomic upsert, so a burst of parallel guesses
cannot slip past the limit; a successful sign-in gives its attempt back. Counters live in the database, so every
web process shares them. Keys are stored as SHA-256 digests.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db.types import utcnow
from mlconnector.platform.errors import TooManyAttempts
from mlconnector.tenants.repositories import login_throttles


@dataclass(frozen=True, slots=True)
class Rule:
    scope: str
    limit: int
    window: timedelta
    lock_for: timedelta


ACCOUNT = Rule("account", limit=5, window=timedelta(minutes=15), lock_for=timedelta(minutes=15))
ADDRESS = Rule("address", limit=50, window=timedelta(minutes=15), lock_for=timedelta(minutes=15))
RESET = Rule("reset", limit=3, window=timedelta(hours=1), lock_for=timedelta(hours=1))


def _key(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def _count(session: AsyncSession, rule: Rule, value: str) -> datetime | None:
    return await login_throttles.count_attempt(
        session, rule.scope, _key(value), limit=rule.limit, window=rule.window, lock_for=rule.lock_for
    )


def _minutes(until: datetime) -> int:
    return max(1, math.ceil((until - utcnow()).total_seconds() / 60))


async def count_sign_in(session: AsyncSession, email: str, address: str) -> TooManyAttempts | None:
    """Count a sign-in attempt for the account and the address. Returns the refusal to raise *after* the
    transaction commits (the count must be kept), or ``None`` when the attempt may go ahead."""
    account_lock = await _count(session, ACCOUNT, email)
    address_lock = await _count(session, ADDRESS, address)
    if account_lock is not None:
        return TooManyAttempts(
            f"Too many failed sign-ins for this account. Try again in {_minutes(account_lock)} minutes, "
            "or reset your password.",
            math.ceil((account_lock - utcnow()).total_seconds()),
        )
    if address_lock is not None:
        return TooManyAttempts(
            f"Too many failed sign-ins from your network. Try again in {_minutes(address_lock)} minutes.",
            math.ceil((address_lock - utcnow()).total_seconds()),
        )
    return None


async def sign_in_succeeded(session: AsyncSession, email: str, address: str) -> None:
    await login_throttles.clear(session, ACCOUNT.scope, _key(email))
    await login_throttles.give_back(session, ADDRESS.scope, _key(address))


async def forget_account(session: AsyncSession, email: str) -> None:
    """A password was reset: the account's failed attempts no longer matter."""
    await login_throttles.clear(session, ACCOUNT.scope, _key(email))


async def may_send_reset(session: AsyncSession, email: str) -> bool:
    """At most a few reset emails per account per hour (the rest are silently not sent)."""
    return await _count(session, RESET, email) is None
