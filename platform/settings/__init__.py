"""Grouped, typed settings read once from the environment (and an optional ``.env`` file).

Every field names its environment variable and says what it is for; ``docs/settings.md`` lists them all and a
test keeps that page and these classes in step. A missing or malformed value raises
:class:`~mlconnector.platform.errors.SettingsError`, which ``mlc`` prints as one line naming the variable.
"""

from mlconnector.platform.settings._model import (
    DatabaseSettings,
    JobSettings,
    LogSettings,
    MetricsSettings,
    PluginSettings,
    RedisSettings,
    ServerSettings,
    Settings,
    VaultSettings,
    get_settings,
    reset_settings,
)

__all__ = [
    "DatabaseSettings",
    "JobSettings",
    "LogSettings",
    "MetricsSettings",
    "PluginSettings",
    "RedisSettings",
    "ServerSettings",
    "Settings",
    "VaultSettings",
    "get_settings",
    "reset_settings",
]
