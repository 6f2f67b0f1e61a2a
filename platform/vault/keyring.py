"""Key-encryption keys (KEKs): which exist, which one wraps new data keys, and where the embedded default keeps one.

KEKs come from ``MLC_VAULT_KEKS`` (``id:base64``). With none configured and no Redis (the embedded default) one is
generated on first use into ``<data dir>/vault-keks`` with mode 0600 — created exclusively, so several processes
on one machine agree on the same key. A KEK never leaves this module except to wrap or unwrap a data key.
"""

from __future__ import annotations

import base64
import os
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import structlog
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from mlconnector.platform.errors import MlcError
from mlconnector.platform.settings import Settings, VaultSettings, get_settings
from mlconnector.platform.settings._env import parse_key_list
from mlconnector.platform.vault import envelope

log = structlog.get_logger(__name__)


class VaultError(MlcError):
    """The vault cannot do what was asked (a KEK is missing, a value does not open). Safe to show; an operator's
    problem, so the API answers 500 with the sentence."""

    status_code = 500


@dataclass(frozen=True, slots=True)
class Keyring:
    """The KEKs this process may use; ``active_id`` wraps new data keys, every KEK can unwrap."""

    keks: Mapping[str, bytes] = field(repr=False)
    active_id: str

    def __post_init__(self) -> None:
        if self.active_id not in self.keks:
            raise VaultError(f"the active KEK {self.active_id!r} is not in the keyring")

    def kek(self, kek_id: str) -> bytes:
        try:
            return self.keks[kek_id]
        except KeyError:
            raise VaultError(
                f"a data key is wrapped with KEK {kek_id!r}, which is not in MLC_VAULT_KEKS; add it back (as a "
                "non-active key) until `mlc vault rotate-kek` has re-wrapped every data key"
            ) from None

    def wrap(self, data_key: bytes, bound_to: bytes) -> tuple[str, bytes]:
        """Seal a data key under the active KEK; returns the KEK id and the wrapped key."""
        return self.active_id, envelope.seal(self.kek(self.active_id), self.active_id, data_key, bound_to)

    def unwrap(self, wrapped: bytes, bound_to: bytes) -> bytes:
        header, _ = envelope.read_header(wrapped)
        try:
            return envelope.unseal(self.kek(header.key_id), wrapped, bound_to)
        except envelope.SealedValueError as error:
            raise VaultError(f"a data key wrapped with KEK {header.key_id!r} does not open: {error}") from None

    def derive(self, purpose: str) -> bytes:
        """A 32-byte key for another purpose (the CSRF signing secret), derived from the active KEK with HKDF so
        it is the same in every process and reveals nothing about the KEK."""
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"mlconnector/{purpose}".encode())
        return hkdf.derive(self.kek(self.active_id))


def new_kek_value(kek_id: str | None = None) -> str:
    """A fresh ``id:base64`` entry for ``MLC_VAULT_KEKS``."""
    kek_id = kek_id or datetime.now(UTC).strftime("k%Y%m%d%H%M")
    return f"{kek_id}:{base64.b64encode(envelope.new_key()).decode()}"


def _read_or_create_kek_file(path: Path) -> dict[str, bytes]:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(new_kek_value(f"local-{secrets.token_hex(4)}") + "\n")
        log.warning("generated a vault key-encryption key; keep it with the data (set MLC_VAULT_KEKS in production)",
                    path=str(path))
    return parse_key_list(str(path), path.read_text())


def keyring_from_settings(vault: VaultSettings) -> Keyring:
    """The configured KEKs, or the embedded default's generated one."""
    if vault.keks:
        return Keyring(dict(vault.keks), vault.active_kek_id or next(iter(vault.keks)))
    keks = _read_or_create_kek_file(vault.kek_file)
    if not keks:
        raise VaultError(f"{vault.kek_file} holds no key; delete the empty file or set MLC_VAULT_KEKS")
    return Keyring(keks, next(iter(keks)))


_cache: dict[int, tuple[Settings, Keyring]] = {}
_cache_lock = threading.Lock()


def current_keyring() -> Keyring:
    """The keyring of this process's settings (for code that has no keyring handed to it, such as a plugin)."""
    settings = get_settings()
    with _cache_lock:
        cached = _cache.get(id(settings))
        if cached is None or cached[0] is not settings:
            cached = (settings, keyring_from_settings(settings.vault))
            _cache.clear()
            _cache[id(settings)] = cached
        return cached[1]
