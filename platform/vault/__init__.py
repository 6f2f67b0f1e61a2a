"""The credential vault: envelope encryption with per-tenant data keys wrapped by key-encryption keys (KEKs).

A KEK (``MLC_VAULT_KEKS``, with an id) wraps each tenant's random data key; secrets are AES-GCM sealed with the
data key and bound to tenant + connection + field, so a ciphertext copied anywhere else fails to open. Rotating the
KEK re-wraps data keys only (:func:`rotate_kek`). See ``docs/settings.md`` (VaultSettings).
"""

from mlconnector.platform.vault.keyring import (
    Keyring,
    VaultError,
    current_keyring,
    keyring_from_settings,
    new_kek_value,
)
from mlconnector.platform.vault.rotation import RotationReport, rotate_kek
from mlconnector.platform.vault.sealing import open_secret, seal_secret, seal_value, unseal_value

__all__ = [
    "Keyring",
    "RotationReport",
    "VaultError",
    "current_keyring",
    "keyring_from_settings",
    "new_kek_value",
    "open_secret",
    "rotate_kek",
    "seal_secret",
    "seal_value",
    "unseal_value",
]
