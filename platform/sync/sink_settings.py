"""A tenant's posting settings for its sink: the sink's schema defaults, overlaid with what the tenant chose."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db import tenancy
from mlconnector.platform.db.types import utcnow
from mlconnector.platform.errors import MlcError
from mlconnector.platform.plugins.base import SinkPlugin
from mlconnector.platform.plugins.config import ConfigProblem, validate_config
from mlconnector.platform.sync.models import SinkSettingsRow


class InvalidSettings(MlcError):
    """Settings that fail the sink's schema; ``problems`` name each field."""

    status_code = 422

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = problems
        listed = "; ".join(f"{p.field or 'settings'} {p.message}" for p in problems)
        super().__init__(f"These settings were not saved: {listed}.")


def schema_defaults(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Every ``default`` in the schema's properties (recursively), as a settings object."""
    result: dict[str, Any] = {}
    for name, spec in (schema.get("properties") or {}).items():
        if "default" in spec:
            result[name] = copy.deepcopy(spec["default"])
        elif spec.get("type") == "object" and spec.get("properties"):
            result[name] = schema_defaults(spec)
    return result


def _overlay(base: dict[str, Any], chosen: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for name, value in chosen.items():
        if isinstance(value, Mapping) and isinstance(merged.get(name), dict):
            merged[name] = _overlay(merged[name], value)
        else:
            merged[name] = value
    return merged


async def stored_settings(session: AsyncSession, sink: str) -> dict[str, Any]:
    tenant_id = tenancy.require_tenant(session.sync_session)
    row = (
        await session.execute(
            select(SinkSettingsRow.settings).where(SinkSettingsRow.tenant_id == tenant_id, SinkSettingsRow.sink == sink)
        )
    ).scalar_one_or_none()
    return dict(row or {})


async def effective_settings(session: AsyncSession, plugin: SinkPlugin) -> dict[str, Any]:
    """Defaults overlaid with the tenant's choices: what ``plan`` and ``deliver`` see."""
    return _overlay(schema_defaults(plugin.settings_schema), await stored_settings(session, plugin.name))


async def save_settings(
    session: AsyncSession, plugin: SinkPlugin, changes: Mapping[str, Any], *, actor: str, replace: bool = False
) -> dict[str, Any]:
    """Merge ``changes`` into the stored settings (or replace them), validate the result, save, return the
    effective settings. Invalid settings raise :class:`InvalidSettings` and change nothing."""
    tenant_id = tenancy.require_tenant(session.sync_session)
    chosen = dict(changes) if replace else _overlay(await stored_settings(session, plugin.name), changes)
    effective = _overlay(schema_defaults(plugin.settings_schema), chosen)
    problems = validate_config(plugin.settings_schema, effective)
    if problems:
        raise InvalidSettings(problems)
    row = await session.get(SinkSettingsRow, (tenant_id, plugin.name))
    if row is None:
        session.add(
            SinkSettingsRow(
                tenant_id=tenant_id, sink=plugin.name, settings=chosen, updated_at=utcnow(), updated_by=actor
            )
        )
    else:
        row.settings, row.updated_at, row.updated_by = chosen, utcnow(), actor
    await session.flush()
    return effective
