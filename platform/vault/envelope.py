"""The vault's ciphertext format: AES-256-GCM with a self-describing header, bound to what it protects.

A sealed value is ``version (1 byte) | key-id length (1 byte) | key id | nonce (12 bytes) | ciphertext+tag``. The
header says which key opens it (a KEK id for a wrapped data key, a data-key id for a secret), so a rotated keyring
still opens old values. The associated data is the header plus a *binding* — the tenant, connection and field (or
purpose) the value belongs to — so a ciphertext copied to another tenant's row, another connection or another field
fails to open, and so does one whose header was edited. Pure functions: no I/O, no settings.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT_VERSION = 1
NONCE_BYTES = 12
KEY_BYTES = 32


class SealedValueError(Exception):
    """A sealed value could not be opened: wrong key, wrong binding, tampered, or not a sealed value at all.
    The message never contains key material or plaintext."""


@dataclass(frozen=True, slots=True)
class Header:
    version: int
    key_id: str

    def to_bytes(self) -> bytes:
        key_id = self.key_id.encode("ascii")
        return bytes([self.version, len(key_id)]) + key_id


def binding(kind: str, /, **parts: str) -> bytes:
    """The associated data naming what a value belongs to; JSON, so no two different bindings encode alike."""
    return json.dumps([kind, sorted(parts.items())], separators=(",", ":")).encode()


def read_header(blob: bytes) -> tuple[Header, int]:
    """The header of ``blob`` and where the nonce starts."""
    if len(blob) < 2:
        raise SealedValueError("not a sealed value (too short)")
    version, length = blob[0], blob[1]
    if version != FORMAT_VERSION:
        raise SealedValueError(f"sealed value has format version {version}; this version reads {FORMAT_VERSION}")
    end = 2 + length
    if len(blob) < end + NONCE_BYTES + 16:
        raise SealedValueError("not a sealed value (truncated)")
    try:
        key_id = blob[2:end].decode("ascii")
    except UnicodeDecodeError:
        raise SealedValueError("not a sealed value (bad key id)") from None
    return Header(version, key_id), end


def seal(key: bytes, key_id: str, plaintext: bytes, bound_to: bytes) -> bytes:
    """Encrypt ``plaintext`` under ``key`` (named ``key_id``) with a fresh random nonce, bound to ``bound_to``."""
    header = Header(FORMAT_VERSION, key_id).to_bytes()
    nonce = os.urandom(NONCE_BYTES)
    return header + nonce + AESGCM(key).encrypt(nonce, plaintext, header + b"\x00" + bound_to)


def unseal(key: bytes, blob: bytes, bound_to: bytes) -> bytes:
    """Decrypt ``blob`` (whose header names ``key``'s id) if, and only if, it was sealed for ``bound_to``."""
    _, start = read_header(blob)
    header, nonce, ciphertext = blob[:start], blob[start : start + NONCE_BYTES], blob[start + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, header + b"\x00" + bound_to)
    except InvalidTag:
        raise SealedValueError(
            "the sealed value does not open with this key and binding (tampered, or copied from another row)"
        ) from None


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)
