"""Random tokens handed to people (API tokens, invitations, password resets): recognisable, unguessable, and
stored only as a SHA-256 digest.

A tenant-bound token carries its tenant's id beside 256 random bits (``mlcp_<base64url(tenant id ‖ random)>``), so
the server finds the token's row inside that tenant's own transaction — no cross-tenant lookup on the hot path.
Knowing a tenant id grants nothing; the random part is what authenticates, and only its digest is stored.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import uuid

RANDOM_BYTES = 32


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def issue(prefix: str, tenant_id: uuid.UUID | None = None) -> str:
    """A new token: ``prefix`` + base64url(tenant id (if any) ‖ 32 random bytes)."""
    head = tenant_id.bytes if tenant_id is not None else b""
    return prefix + _b64(head + secrets.token_bytes(RANDOM_BYTES))


def tenant_of(prefix: str, token: str) -> uuid.UUID | None:
    """The tenant a well-formed tenant-bound token names, or ``None`` for anything else."""
    if not token.startswith(prefix) or len(token) > 200:
        return None
    body = token[len(prefix) :]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        return None
    if len(raw) != 16 + RANDOM_BYTES:
        return None
    return uuid.UUID(bytes=raw[:16])


def digest(token: str) -> str:
    """What is stored: SHA-256 hex. The token has 256 random bits, so a slow hash would add nothing."""
    return hashlib.sha256(token.encode()).hexdigest()
