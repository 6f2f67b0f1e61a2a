"""Finding connector plugins: only through the ``mlconnector.connectors`` entry-point group.

The core never imports a connector module by name. Whatever is installed and allowed (``MLC_PLUGINS``) loads; a
duplicate name, a non-plugin object or an incompatible API version stops start-up with a message naming the
distribution responsible.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

from jsonschema.exceptions import SchemaError

from mlconnector.platform.errors import PluginError
from mlconnector.platform.plugins.base import (
    CAPABILITIES,
    ENTRY_POINT_GROUP,
    PLUGIN_API_VERSION,
    Plugin,
    SinkPlugin,
    SourcePlugin,
)
from mlconnector.platform.plugins.config import check_schema

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


def api_compatible(declared: str) -> bool:
    """Same major version, and a minor no newer than the core's."""
    try:
        major, minor = (int(part) for part in declared.split("."))
        core_major, core_minor = (int(part) for part in PLUGIN_API_VERSION.split("."))
    except ValueError:
        return False
    return major == core_major and minor <= core_minor


def validate_plugin_class(candidate: object, origin: str) -> type[Plugin]:
    """Check the declarations of a plugin class; raise :class:`PluginError` naming ``origin`` otherwise."""
    if not (isinstance(candidate, type) and issubclass(candidate, SourcePlugin | SinkPlugin)):
        raise PluginError(f"{origin} does not point to a SourcePlugin or SinkPlugin subclass")
    for attribute in ("name", "title", "plugin_api_version", "config_schema"):
        if not hasattr(candidate, attribute):
            raise PluginError(f"{origin}: plugin class {candidate.__name__} does not declare {attribute!r}")
    if not NAME_PATTERN.match(candidate.name):
        raise PluginError(f"{origin}: plugin name {candidate.name!r} must match {NAME_PATTERN.pattern}")
    if not api_compatible(candidate.plugin_api_version):
        raise PluginError(
            f"{origin}: plugin {candidate.name!r} targets plugin API {candidate.plugin_api_version}, "
            f"this core provides {PLUGIN_API_VERSION}"
        )
    unknown = set(candidate.capabilities) - CAPABILITIES
    if unknown:
        raise PluginError(f"{origin}: plugin {candidate.name!r} declares unknown capabilities {sorted(unknown)}")
    try:
        check_schema(candidate.config_schema)
    except SchemaError as error:
        raise PluginError(
            f"{origin}: plugin {candidate.name!r} has an invalid config schema: {error.message}"
        ) from None
    return candidate


@dataclass(frozen=True, slots=True)
class LoadedPlugin:
    plugin: Plugin
    distribution: str
    version: str


@dataclass(slots=True)
class PluginSet:
    """The plugins this process loaded, by name."""

    loaded: dict[str, LoadedPlugin] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[Plugin]:
        return (entry.plugin for entry in self.loaded.values())

    def __contains__(self, name: object) -> bool:
        return name in self.loaded

    def get(self, name: str) -> Plugin:
        try:
            return self.loaded[name].plugin
        except KeyError:
            known = ", ".join(sorted(self.loaded)) or "none"
            raise PluginError(f"no plugin named {name!r} is loaded (loaded: {known})") from None

    @property
    def sources(self) -> list[SourcePlugin]:
        return [p for p in self if isinstance(p, SourcePlugin)]

    @property
    def sinks(self) -> list[SinkPlugin]:
        return [p for p in self if isinstance(p, SinkPlugin)]

    def migration_folders(self) -> list[Path]:
        return [folder for plugin in self if (folder := plugin.migrations()) is not None]


def _distribution(entry: EntryPoint) -> tuple[str, str]:
    dist = entry.dist
    return (dist.metadata["Name"], dist.version) if dist is not None else ("unknown distribution", "?")


def load_plugins(allowlist: Iterable[str] | None = None, *, entries: Iterable[EntryPoint] | None = None) -> PluginSet:
    """Load every plugin registered in the entry-point group (or the given ``entries``), honouring ``allowlist``."""
    allowed = None if allowlist is None else set(allowlist)
    found = PluginSet()
    skipped = []
    for entry in sorted(
        entries if entries is not None else entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name
    ):
        distribution, version = _distribution(entry)
        origin = f"entry point {entry.name!r} of {distribution} {version}"
        if allowed is not None and entry.name not in allowed:
            skipped.append(entry.name)
            continue
        if entry.name in found.loaded:
            other = found.loaded[entry.name]
            raise PluginError(
                f"two plugins are named {entry.name!r}: one from {other.distribution} {other.version}, "
                f"one from {distribution} {version}; uninstall one or restrict MLC_PLUGINS"
            )
        try:
            candidate = entry.load()
        except Exception as error:
            raise PluginError(f"{origin} failed to import: {type(error).__name__}: {error}") from error
        plugin_class = validate_plugin_class(candidate, origin)
        if plugin_class.name != entry.name:
            raise PluginError(f"{origin} loads plugin {plugin_class.name!r}; the entry-point name must match it")
        found.loaded[entry.name] = LoadedPlugin(plugin_class(), distribution, version)
    if allowed is not None:
        missing = allowed - set(found.loaded)
        if missing:
            raise PluginError(
                f"MLC_PLUGINS names {', '.join(sorted(missing))}, which no installed distribution provides"
            )
    found.skipped = tuple(skipped)
    return found
