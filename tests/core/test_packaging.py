"""One distribution, folders mapped into ``mlconnector.*``, and no shadowing of the standard library."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import mlconnector.connectors.commerce
import mlconnector.connectors.qbd
import mlconnector.platform
import mlconnector.tenants
import mlconnector.web

ROOT = Path(__file__).resolve().parents[2]


def test_folders_map_into_one_namespace() -> None:
    assert Path(mlconnector.platform.__file__).parent == ROOT / "platform"
    assert Path(mlconnector.tenants.__file__).parent == ROOT / "tenants"
    assert Path(mlconnector.web.__file__).parent == ROOT / "web"
    assert Path(mlconnector.connectors.commerce.__file__).parent == ROOT / "connectors" / "commerce"
    assert Path(mlconnector.connectors.qbd.__file__).parent == ROOT / "connectors" / "qbd"


def test_standard_library_platform_is_never_shadowed() -> None:
    import platform

    assert platform.system()  # the standard library module, in this process
    # … and in a Python started in the repository root, where ./platform is first on sys.path
    env = {key: value for key, value in os.environ.items() if key != "PYTHONSAFEPATH"}
    code = "import platform, sys; print(platform.system(), platform.python_version())"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == ".".join(map(str, sys.version_info[:3]))


def test_every_package_folder_is_shipped() -> None:
    """A folder with modules but no ``__init__.py`` would silently be left out of the wheel."""
    probe = runpy.run_path(str(ROOT / "setup.py"), run_name="setup_probe")
    shipped = set(probe["mapped_packages"]())
    for name, folder in probe["ROOTS"].items():
        for module in (ROOT / folder).rglob("*.py"):
            package = module.parent
            if "__pycache__" in package.parts:
                continue
            dotted = ".".join([name, *package.relative_to(ROOT / folder).parts])
            assert (package / "__init__.py").exists(), f"{package} holds modules but no __init__.py"
            assert dotted in shipped
