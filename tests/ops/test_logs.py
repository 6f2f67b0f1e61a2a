"""JSON logs an operator can search: one object per line, the request id and tenant id on every line where they
are bound (our lines, library lines and Granian's own), and known secrets masked."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import structlog
from granian.log import LogLevels
from granian.log import configure_logging as granian_configure_logging
from litestar import Litestar, get
from litestar.testing import AsyncTestClient

from mlconnector.platform.http.request_context import request_context_middleware
from mlconnector.platform.jobs import enqueue
from mlconnector.platform.jobs.registry import JobRegistry
from mlconnector.platform.jobs.runner import RunPolicy, run_job
from mlconnector.platform.logs import configure_logging, granian_log_config
from mlconnector.platform.redaction import Secret
from mlconnector.platform.settings import LogSettings

JSON = LogSettings(level="info", format="json")
SECRET = "sk_live_" + uuid.uuid4().hex


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Logging configured as in production (JSON), into a buffer; the previous configuration restored after."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    buffer = io.StringIO()
    configure_logging(JSON, stream=buffer)
    Secret(SECRET)  # known to the masker, as a vault read would make it
    yield buffer
    root.handlers[:], _ = saved
    root.setLevel(saved[1])
    structlog.contextvars.clear_contextvars()


def _lines(buffer: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


@get("/orders", sync_to_thread=False)
def orders() -> dict[str, str]:
    structlog.get_logger("mlconnector.test").info("listing orders", token=SECRET)
    logging.getLogger("some.library").warning("library retried with key %s", SECRET)
    return {"ok": "yes"}


async def test_every_line_of_a_request_carries_its_request_id(captured) -> None:
    app = Litestar(route_handlers=[orders], middleware=[request_context_middleware], logging_config=None)
    async with AsyncTestClient(app) as client:
        response = await client.get("/orders?page=2", headers={"X-Request-ID": "req-abcdef12345"})
    assert response.headers["x-request-id"] == "req-abcdef12345"
    lines = [line for line in _lines(captured) if line.get("request_id")]
    events = {line["event"]: line for line in lines}
    assert {"listing orders", "request"} <= set(events)
    assert any(line["logger"] == "some.library" for line in lines), "library lines must carry the request id too"
    assert all(line["request_id"] == "req-abcdef12345" for line in lines)
    access = events["request"]
    assert (access["method"], access["path"], access["status"]) == ("GET", "/orders", 200)
    assert "page=2" not in json.dumps(access)  # query strings stay out of the access line
    assert SECRET not in captured.getvalue()
    assert "********" in captured.getvalue()


async def test_job_lines_carry_tenant_and_job_ids(captured, database) -> None:
    registry = JobRegistry()

    @registry.handler("test.chatty")
    async def chatty(context) -> None:
        logging.getLogger("mlconnector.connectors.test").info("posting invoice 100000123")

    tenant = uuid.uuid4()
    async with database.system_session() as session:
        job_id = await enqueue(session, "test.chatty", tenant_id=tenant)
    policy = RunPolicy(lease=timedelta(seconds=30), max_attempts=3, min_backoff_ms=10, max_backoff_ms=20)
    assert await run_job(database, registry, job_id, policy) == "done"
    line = next(line for line in _lines(captured) if line["event"] == "posting invoice 100000123")
    assert line["tenant_id"] == str(tenant)
    assert line["job_id"] == str(job_id)
    assert structlog.contextvars.get_contextvars() == {}  # nothing leaks into the next job's lines


def test_granian_lines_use_the_same_json_formatter(capsys) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        granian_configure_logging(LogLevels.info, granian_log_config(JSON), True)  # as Granian does, per process
        Secret(SECRET)
        logging.getLogger("_granian").info("Listening at: http://0.0.0.0:8000")
        logging.getLogger("granian.access").info("%(method)s %(path)s", {"method": "GET", "path": f"/x?k={SECRET}"})
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
    err = capsys.readouterr().err
    lines = [json.loads(line) for line in err.splitlines() if line.strip()]
    assert [line["logger"] for line in lines] == ["_granian", "granian.access"]
    assert lines[0]["event"] == "Listening at: http://0.0.0.0:8000"
    assert SECRET not in err


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_mlc_serve_runs_granian_asgi_with_json_logs(tmp_path: Path) -> None:
    """The real web process: Granian's own lines, the app's and the access lines are all JSON."""
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("MLC_", "DATABASE_", "REDIS_"))},
        "MLC_DATA_DIR": str(tmp_path),
        "MLC_ENV_FILE": str(tmp_path / "none.env"),
        "MLC_LOG_FORMAT": "json",
        "MLC_PORT": str(port),
        "MLC_EMBEDDED_WORKERS": "false",
    }
    mlc = Path(sys.executable).with_name("mlc")
    process = subprocess.Popen([str(mlc), "serve"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(
                    f"http://127.0.0.1:{port}/schema/openapi.json", headers={"X-Request-ID": "e2e-12345678"}
                )
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "mlc serve did not start"
                time.sleep(0.2)
        assert response.status_code == 200
    finally:
        process.terminate()
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    json_lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert any(line["logger"] == "_granian" and "Listening at" in line["event"] for line in json_lines)
    access = [line for line in json_lines if line["event"] == "request"]
    assert access and access[0]["request_id"] == "e2e-12345678"
    other = [line for line in err.splitlines() if line.strip() and not line.startswith("{")]
    assert other == [f"ml-connector on http://127.0.0.1:{port}  mode: embedded (SQLite/in-process jobs)"]
