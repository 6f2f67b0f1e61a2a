"""Browser tests: Debian's Chromium driven by Playwright, against `mlc serve` running as it does on a laptop.

Playwright's own browser downloads are never used: the tests launch ``/usr/bin/chromium`` (``MLC_TEST_CHROMIUM``
to point elsewhere). Without Chromium they skip — or fail under ``MLC_REQUIRE_SERVICES=1``, as in CI, whose
``.ci/run`` installs it. Screenshots of every page go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from mlc_testing.services import unavailable

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = Path(os.environ.get("MLC_TEST_CHROMIUM", "/usr/bin/chromium"))
START_SECONDS = 60


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        unavailable("Chromium", f"{CHROMIUM} is not installed; apt-get install chromium")
    try:
        import playwright  # noqa: F401
    except ImportError as error:
        unavailable("Playwright", str(error))
    return CHROMIUM


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """``mlc serve`` on a free port: the embedded default (SQLite, jobs in-process), the sandbox's simulated Web
    Connector every 2 s."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MLC_") and key not in {"DATABASE_URL", "DATABASE_OWNER_URL", "REDIS_URL"}
    }
    env |= {
        "MLC_DATA_DIR": str(tmp_path / "data"),
        "MLC_ENV_FILE": str(tmp_path / "no.env"),
        "PUBLIC_BASE_URL": base,
        "MLC_SANDBOX_CYCLE_SECONDS": "2",
        "MLC_JOB_SWEEP_SECONDS": "0.2",
        "MLC_LOG_LEVEL": "warning",
    }
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("mlc")), "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("mlc serve did not start:\n" + (tmp_path / "server.log").read_text()[-4000:])
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
