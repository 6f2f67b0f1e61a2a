"""Re-wrapping every data key under the active KEK, without opening a single secret.

Each data key is re-wrapped in its own short transaction with a compare-and-set on its KEK id, so the work is
idempotent (a key already under the active KEK is skipped), resumable (stop it anywhere and run it again) and safe
to run from two places at once. Secrets are sealed with the data keys, which do not change, so they are untouched.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import structlog

from mlconnector.platform.db.engine import Database
from mlconnector.platform.vault import repository
from mlconnector.platform.vault.data_keys import wrapping_binding
from mlconnector.platform.vault.keyring import Keyring

log = structlog.get_logger(__name__)
BATCH = 200


@dataclass(slots=True)
class RotationReport:
    active_kek_id: str
    rewrapped: int = 0
    keys_by_kek: dict[str, int] = field(default_factory=dict)
    """After the run: how many data keys each KEK wraps (only the active one, when done)."""

    @property
    def retirable(self) -> list[str]:
        """Configured KEK ids that no data key needs any more."""
        return [kek_id for kek_id, count in self.keys_by_kek.items() if count == 0 and kek_id != self.active_kek_id]


async def _rewrap_one(database: Database, keyring: Keyring, tenant_id: uuid.UUID, key_id: uuid.UUID) -> bool:
    async with database.session(tenant_id) as session:  # the re-wrap itself runs as the tenant
        row = await repository.lock_key(session, tenant_id, key_id)
        if row is None or row.kek_id == keyring.active_id:
            return False
        bound_to = wrapping_binding(tenant_id, key_id)
        _, wrapped = keyring.wrap(keyring.unwrap(row.wrapped, bound_to), bound_to)
        return await repository.replace_wrapping(session, tenant_id, key_id, row.kek_id, keyring.active_id, wrapped)


async def rotate_kek(database: Database, keyring: Keyring, *, batch: int = BATCH) -> RotationReport:
    """Re-wrap every data key that is not under ``keyring.active_id``."""
    report = RotationReport(active_kek_id=keyring.active_id)
    while True:
        async with database.system_session() as session:  # finding the work crosses tenants
            pending = await repository.keys_to_rewrap(session, keyring.active_id, batch)
        if not pending:
            break
        for tenant_id, key_id in pending:
            report.rewrapped += await _rewrap_one(database, keyring, tenant_id, key_id)
    async with database.system_session() as session:
        counts = await repository.count_by_kek(session)
    report.keys_by_kek = {kek_id: counts.get(kek_id, 0) for kek_id in keyring.keks} | counts
    log.info("vault data keys re-wrapped", active_kek=keyring.active_id, rewrapped=report.rewrapped)
    return report
