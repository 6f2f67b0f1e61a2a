"""Plugins load only through the entry-point group, fail loudly when broken, and honour the allowlist."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from mlc_testing.plugins import TestSink, TestSource, entry

from mlconnector.platform.errors import PluginError
from mlconnector.platform.plugins.discovery import api_compatible, load_plugins

ROOT = Path(__file__).resolve().parents[2]


def test_loads_sources_and_sinks_from_entry_points() -> None:
    plugins = load_plugins(
        entries=[entry("testplug", "mlc_testing.plugins:TestSource"), entry("testsink", "mlc_testing.plugins:TestSink")]
    )
    assert [type(p) for p in plugins.sources] == [TestSource]
    assert [type(p) for p in plugins.sinks] == [TestSink]
    assert plugins.loaded["testplug"].distribution == "test-dist"


def test_duplicate_names_fail_naming_both_distributions() -> None:
    with pytest.raises(PluginError) as caught:
        load_plugins(
            entries=[
                entry("testplug", "mlc_testing.plugins:TestSource", "acme-connectors"),
                entry("testplug", "mlc_testing.plugins:TestSource", "other-vendor"),
            ]
        )
    assert "acme-connectors" in str(caught.value) and "other-vendor" in str(caught.value)


def test_allowlist_restricts_and_names_missing_plugins() -> None:
    entries = [entry("testplug", "mlc_testing.plugins:TestSource"), entry("testsink", "mlc_testing.plugins:TestSink")]
    plugins = load_plugins(["testsink"], entries=entries)
    assert "testsink" in plugins and "testplug" not in plugins
    assert plugins.skipped == ("testplug",)
    with pytest.raises(PluginError, match="MLC_PLUGINS names ghost"):
        load_plugins(["testsink", "ghost"], entries=entries)


@pytest.mark.parametrize(
    ("name", "target", "message"),
    [
        ("newer", "mlc_testing.plugins:NewerApiSource", "targets plugin API 1.99"),
        ("badschema", "mlc_testing.plugins:BadSchemaSource", "invalid config schema"),
        ("notaplugin", "mlc_testing.plugins:NotAPlugin", "does not point to a SourcePlugin"),
        ("missing", "mlc_testing.nowhere:Plugin", "failed to import"),
        ("renamed", "mlc_testing.plugins:TestSource", "entry-point name must match"),
    ],
)
def test_broken_plugins_stop_startup_with_the_reason(name: str, target: str, message: str) -> None:
    with pytest.raises(PluginError, match=message):
        load_plugins(entries=[entry(name, target)])


def test_api_versions() -> None:
    assert api_compatible("1.0")
    assert not api_compatible("2.0")
    assert api_compatible("1.1")
    assert api_compatible("1.2")  # 1.2 added the tenant's sync settings (get_sync_settings, SyncSettings)
    assert api_compatible("1.3")  # 1.3 added the sandbox hook (SandboxContext, SandboxPart, SandboxJob)
    assert api_compatible("1.4")  # 1.4 added the validate hook, is_sandbox_tenant and report_outcomes
    assert not api_compatible("1.5")  # newer than this core
    assert not api_compatible("one")


@pytest.mark.slow
def test_example_partner_plugin_is_discovered_from_its_own_distribution(tmp_path: Path) -> None:
    """Install the example into an empty folder as a wheel would be, then discover it in a fresh interpreter."""
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(ROOT / "examples" / "mlc-example-plugin"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    assert (target / "mlc_example_plugin" / "source.py").exists()
    code = (
        "from mlconnector.platform.plugins.discovery import load_plugins\n"
        "import importlib.metadata as m\n"
        "p = load_plugins(['example-csv']).loaded['example-csv']\n"
        "print(p.distribution, p.plugin.__class__.__module__, m.distribution('mlc-example-plugin').locate_file(''))"
    )
    env = {**os.environ, "PYTHONPATH": str(target), "PYTHONSAFEPATH": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    distribution, module, location = result.stdout.split()
    assert distribution == "mlc-example-plugin" and module == "mlc_example_plugin.source"
    assert location.startswith(str(target))
