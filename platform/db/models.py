"""Imports every core table so ``Base.metadata`` is complete (schema comparisons, tests)."""

from __future__ import annotations


def import_all_models() -> None:
    import mlconnector.platform.jobs.models
    import mlconnector.platform.sync.models
    import mlconnector.platform.vault.models
    import mlconnector.tenants.models  # noqa: F401
