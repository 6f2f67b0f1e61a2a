"""Loading plugins for a running process and registering what they contribute (job handlers)."""

from __future__ import annotations

from mlconnector.platform.errors import PluginError
from mlconnector.platform.jobs.registry import registry
from mlconnector.platform.plugins.discovery import PluginSet, load_plugins
from mlconnector.platform.settings import Settings

_loaded: dict[tuple[str, ...] | None, PluginSet] = {}


def load_runtime_plugins(settings: Settings) -> PluginSet:
    """Discover allowed plugins once per process and register their job handlers."""
    key = settings.plugins.allowlist
    if key not in _loaded:
        plugins = load_plugins(key)
        for plugin in plugins:
            for handler in plugin.jobs():
                if not handler.kind.startswith(f"{plugin.name}."):
                    raise PluginError(
                        f"plugin {plugin.name!r} registers job kind {handler.kind!r}; "
                        f"kinds must start with {plugin.name}."
                    )
                registry.add(handler)
        _loaded[key] = plugins
    return _loaded[key]
