"""Loading plugins for a running process and registering what they contribute (job handlers)."""

from __future__ import annotations

from mlconnector.platform.errors import PluginError
from mlconnector.platform.jobs.registry import registry
from mlconnector.platform.plugins.discovery import PluginSet, load_plugins
from mlconnector.platform.settings import Settings, get_settings

_loaded: dict[tuple[str, ...] | None, PluginSet] = {}
_installed: PluginSet | None = None


def register_plugin_jobs(plugins: PluginSet) -> None:
    for plugin in plugins:
        for handler in plugin.jobs():
            if not handler.kind.startswith(f"{plugin.name}."):
                raise PluginError(
                    f"plugin {plugin.name!r} registers job kind {handler.kind!r}; kinds must start with {plugin.name}."
                )
            registry.add(handler)


def load_runtime_plugins(settings: Settings) -> PluginSet:
    """Discover allowed plugins once per process and register their job handlers."""
    import mlconnector.platform.sync.handlers  # noqa: F401  (registers the engine's job handlers)

    key = settings.plugins.allowlist
    if key not in _loaded:
        plugins = load_plugins(key)
        register_plugin_jobs(plugins)
        _loaded[key] = plugins
    return _loaded[key]


def install_plugins(plugins: PluginSet | None) -> None:
    """Make ``plugins`` the set the engine's jobs use in this process (tests install throwaway plugins)."""
    global _installed
    if plugins is not None:
        import mlconnector.platform.sync.handlers  # noqa: F401

        register_plugin_jobs(plugins)
    _installed = plugins


def current_plugins() -> PluginSet:
    """The plugins the engine works with: those installed, else those discovered for the settings."""
    return _installed if _installed is not None else load_runtime_plugins(get_settings())
