"""Test environment: isolated settings, and databases on both backends.

The environment is fixed before anything imports the app (settings are read once per process). Tests that need
PostgreSQL or Redis skip when those are unreachable, unless ``MLC_REQUIRE_SERVICES=1`` (CI), where they fail.
"""

from __future__ import annotations

import os
import tempfile

_SCRATCH = tempfile.mkdtemp(prefix="mlc-tests-")
for _name in list(os.environ):
    if _name.startswith("MLC_") and _name not in {
        "MLC_REQUIRE_SERVICES",
        "MLC_TEST_POSTGRES_URL",
        "MLC_TEST_REDIS_URL",
    }:
        del os.environ[_name]
for _name in ("DATABASE_URL", "DATABASE_OWNER_URL", "REDIS_URL", "PUBLIC_BASE_URL"):
    os.environ.pop(_name, None)
os.environ["MLC_DATA_DIR"] = _SCRATCH
os.environ["MLC_ENV_FILE"] = os.path.join(_SCRATCH, "no.env")

pytest_plugins = [
    "mlc_testing.services",
    "mlc_testing.databases",
    "mlc_testing.settings",
    "mlc_testing.plugin_fixtures",
]
