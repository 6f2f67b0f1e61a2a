"""Fixtures that make the throwaway plugins the engine's plugins for one test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mlc_testing.plugins import entry
from mlconnector.platform import bootstrap
from mlconnector.platform.plugins.discovery import PluginSet, load_plugins


@pytest.fixture
def test_plugins() -> Iterator[PluginSet]:
    plugins = load_plugins(
        entries=[
            entry("testplug", "mlc_testing.plugins:TestSource"),
            entry("testsink", "mlc_testing.plugins:TestSink"),
            entry("testdeferred", "mlc_testing.plugins:DeferredSink"),
        ]
    )
    bootstrap.install_plugins(plugins)
    yield plugins
    bootstrap.install_plugins(None)
