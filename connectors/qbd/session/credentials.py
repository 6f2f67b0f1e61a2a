"""The Web Connector password: generated, shown once, stored as a SHA-256 digest, checked in constant time.

The password is typed into the Web Connector by the merchant and never appears in the .qwc (NOTES.md 1.3). We
generate it with 192 random bits, so it is a token, not a human password: like the dashboard's API tokens it is
stored as its SHA-256 digest. A slow password hash (argon2id) protects guessable passwords; against 2^192
possibilities it adds nothing, and it cost every authenticate call tens of milliseconds of CPU — with many Web
Connectors starting their update at the same minute, seconds of queueing. Hashes written before this change are
argon2id and still verify; they are replaced by the digest at the next successful login. Repeated failures lock the
user name for a growing time, recorded in the database so every worker sees it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

PASSWORD_BYTES = 24
FREE_ATTEMPTS = 5
"""Failures allowed before the user name is locked."""
FIRST_LOCK_SECONDS = 30
LONGEST_LOCK_SECONDS = 3600
SCHEME = "sha256$"
LEGACY_PREFIX = "$argon2"

_legacy = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_DECOY = SCHEME + "0" * 64
"""Compared against when the user is unknown or has no password: the same work as a wrong password."""


def new_password() -> str:
    return secrets.token_urlsafe(PASSWORD_BYTES)


def hash_password(password: str) -> str:
    return SCHEME + hashlib.sha256(password.encode("utf-8", "surrogatepass")).hexdigest()


def is_legacy(stored: str | None) -> bool:
    """A hash from before the digest scheme (argon2id): slow to check, replaced at the next successful login."""
    return bool(stored) and stored.startswith(LEGACY_PREFIX)


def verify(stored: str | None, password: str) -> bool:
    """Constant-time check; an unknown user or unset password costs the same as a wrong one."""
    if is_legacy(stored):
        try:
            return _legacy.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
    return hmac.compare_digest(hash_password(password), stored or _DECOY) and stored is not None


def locked_until(failures: int, now: datetime) -> datetime | None:
    """When the user name may try again after ``failures`` consecutive failures (``None``: not locked)."""
    if failures < FREE_ATTEMPTS:
        return None
    seconds = min(LONGEST_LOCK_SECONDS, FIRST_LOCK_SECONDS * 2 ** (failures - FREE_ATTEMPTS))
    return now + timedelta(seconds=seconds)
