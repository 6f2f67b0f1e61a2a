"""Project rules a reviewer would otherwise check by hand."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from mlconnector.platform.plugins.base import HOOKS

ROOT = Path(__file__).resolve().parents[2]
ALLOWED_CORE_IMPORTS = ("mlconnector.platform.plugins", "mlconnector.platform.documents")


def test_every_hook_is_documented() -> None:
    docs = (ROOT / "docs" / "plugins.md").read_text()
    for hook in HOOKS:
        assert re.search(rf"^### `{hook}`", docs, re.MULTILINE), f"docs/plugins.md has no section for hook {hook!r}"


def test_every_hook_has_a_test() -> None:
    tests = "\n".join(path.read_text() for path in (ROOT / "tests").rglob("test_*.py"))
    for hook in HOOKS:
        assert re.search(rf"def test_hook_{hook}\b", tests), f"no test_hook_{hook}"


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_connectors_use_only_the_plugin_api() -> None:
    """Connectors talk to the core only through the plugin API, exactly as a partner's plugin would."""
    offenders = []
    for path in (ROOT / "connectors").rglob("*.py"):
        for name in _imports(path):
            own = name.startswith("mlconnector.connectors.")
            if name.startswith("mlconnector.") and not own and not name.startswith(ALLOWED_CORE_IMPORTS):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
            if own and not name.startswith(f"mlconnector.connectors.{path.relative_to(ROOT / 'connectors').parts[0]}"):
                offenders.append(f"{path.relative_to(ROOT)} imports another connector: {name}")
    assert offenders == []


def test_the_core_never_imports_a_connector() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for folder in ("platform", "tenants", "web")
        for path in (ROOT / folder).rglob("*.py")
        for name in _imports(path)
        if name.startswith("mlconnector.connectors")
    ]
    assert offenders == []


def test_settings_reference_is_current() -> None:
    from mlconnector.platform.settings.reference import render_markdown

    assert (ROOT / "docs" / "settings.md").read_text() == render_markdown(), (
        "docs/settings.md is stale: python -m mlconnector.platform.settings.reference > docs/settings.md"
    )
