"""Errors the core raises on purpose, each carrying a sentence a person can act on."""

from __future__ import annotations


class MlcError(Exception):
    """Base class: ``str(error)`` is a complete sentence, safe to show (it never holds a secret)."""


class SettingsError(MlcError):
    """A setting is missing or malformed. Start-up stops with one line naming it."""

    def __init__(self, name: str, problem: str) -> None:
        self.name = name
        self.problem = problem
        super().__init__(f"setting {name}: {problem}")


class StartupError(MlcError):
    """The process cannot serve safely (for example the schema is not migrated)."""


class PluginError(MlcError):
    """A connector plugin is broken, duplicated, incompatible or not allowed."""
