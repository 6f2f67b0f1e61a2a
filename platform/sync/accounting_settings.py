"""The tenant's accounting settings (its sink's posting settings) as the API and dashboard change them: validated
by the sink's schema, refused as a whole with a sentence per field, and audited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.errors import InvalidInput
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.sync.audit import record_audit
from mlconnector.platform.sync.connections import require_sink
from mlconnector.platform.sync.sink_settings import InvalidSettings, effective_settings, save_settings


async def get_accounting_settings(session: AsyncSession, plugins: PluginSet) -> dict[str, Any]:
    """Defaults overlaid with the tenant's choices, as the sink plans with them."""
    return await effective_settings(session, await require_sink(session, plugins))


async def set_accounting_settings(
    session: AsyncSession, plugins: PluginSet, changes: Mapping[str, Any], *, actor: str
) -> dict[str, Any]:
    """Merge ``changes`` into the tenant's choices; an invalid result raises :class:`InvalidInput` (400) naming
    each field and changes nothing. Returns the effective settings."""
    sink = await require_sink(session, plugins)
    if not isinstance(changes, Mapping):
        raise InvalidInput(("settings", "send a JSON object with the settings to change."), status_code=400)
    try:
        effective = await save_settings(session, sink, changes, actor=actor)
    except InvalidSettings as error:
        problems = [(p.field or "settings", f"{p.message}; see the settings schema.") for p in error.problems]
        raise InvalidInput(problems, status_code=400) from None
    await record_audit(session, action="settings_changed", actor=actor, detail={"sink": sink.name, "changes": changes})
    return effective
