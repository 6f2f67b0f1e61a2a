"""The Web Connector password: generated, shown once, stored as an argon2id hash, checked in constant time.

The password is typed into the Web Connector by the merchant and never appears in the .qwc (NOTES.md 1.3). We
generate it with 192 random bits, so the hash parameters are OWASP's minimum for argon2id (19 MiB, 2 passes): its
job is to keep a stolen table useless, which 192 bits of entropy already guarantee; a slower hash would only cost
every authenticate call. Repeated failures lock the user name for a growing time, recorded in the database so
every worker sees it.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

PASSWORD_BYTES = 24
FREE_ATTEMPTS = 5
"""Failures allowed before the user name is locked."""
FIRST_LOCK_SECONDS = 30
LONGEST_LOCK_SECONDS = 3600

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def new_password() -> str:
    return secrets.token_urlsafe(PASSWORD_BYTES)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _decoy() -> str:
    return _hasher.hash(secrets.token_urlsafe(PASSWORD_BYTES))


def verify(stored: str | None, password: str) -> bool:
    """Constant-time check; an unknown user or unset password costs the same as a wrong one."""
    try:
        return _hasher.verify(stored or _decoy(), password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def locked_until(failures: int, now: datetime) -> datetime | None:
    """When the user name may try again after ``failures`` consecutive failures (``None``: not locked)."""
    if failures < FREE_ATTEMPTS:
        return None
    seconds = min(LONGEST_LOCK_SECONDS, FIRST_LOCK_SECONDS * 2 ** (failures - FREE_ATTEMPTS))
    return now + timedelta(seconds=seconds)
