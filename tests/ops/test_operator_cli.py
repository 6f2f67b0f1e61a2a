"""What an operator types: ``mlc status`` (readable and ``--json``), and the commands that print through ``emit``."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from mlc_testing.asyncio_thread import run

from mlconnector.platform.cli.app import build_cli
from mlconnector.platform.db.engine import Database
from mlconnector.platform.jobs import enqueue
from mlconnector.tenants.models import Tenant


def _seed(database_url: str) -> tuple[uuid.UUID, uuid.UUID]:
    """Two tenants with queued work, and one core job (the CLI runs its own event loop, so this does too)."""
    return run(_insert(database_url))


async def _insert(database_url: str) -> tuple[uuid.UUID, uuid.UUID]:
    acme, globex = uuid.uuid4(), uuid.uuid4()
    database = Database(database_url, null_pool=True)
    async with database.system_session() as session:
        session.add_all(
            [Tenant(id=acme, slug="acme", name="Acme Outdoor"), Tenant(id=globex, slug="globex", name="Globex")]
        )
        await session.flush()
        for _ in range(3):
            await enqueue(session, "core.ping", tenant_id=acme)
        await enqueue(session, "core.ping", tenant_id=globex, delay_seconds=3600)
        await enqueue(session, "core.ping")
    await database.dispose()
    return acme, globex


def _status(make_settings, database_url: str, *args: str):
    make_settings(DATABASE_URL=database_url)
    return CliRunner().invoke(build_cli(), ["status", *args], catch_exceptions=False)


def test_status_json_counts_jobs_and_queue_depth_per_tenant(make_settings, database_url) -> None:
    acme, globex = _seed(database_url)
    result = _status(make_settings, database_url, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["jobs"] == {"queued": 5, "running": 0, "done": 0, "dead": 0}
    assert data["oldest_due_seconds"] is not None and data["oldest_due_seconds"] >= 0
    assert data["queue_depth"] == [
        {"tenant_id": str(acme), "slug": "acme", "queued": 3},
        {"tenant_id": None, "slug": None, "queued": 1},
        {"tenant_id": str(globex), "slug": "globex", "queued": 1},
    ]


def test_status_reads_well_and_narrows_to_one_tenant(make_settings, database_url) -> None:
    _, globex = _seed(database_url)
    text = _status(make_settings, database_url).output
    assert "jobs: queued 5, running 0, done 0, dead 0" in text
    assert any(line.split() == ["acme", "3"] for line in text.splitlines())
    assert any(line.split() == ["(core", "jobs)", "1"] for line in text.splitlines())

    one = json.loads(_status(make_settings, database_url, "globex", "--json").output)
    assert one["jobs"]["queued"] == 1
    assert one["oldest_due_seconds"] is None  # globex's only job is delayed an hour: nothing of theirs is late
    assert one["queue_depth"] == [{"tenant_id": str(globex), "slug": "globex", "queued": 1}]
    by_id = json.loads(_status(make_settings, database_url, str(globex), "--json").output)
    assert by_id == one


def test_status_names_an_unknown_tenant(make_settings, database_url) -> None:
    result = _status(make_settings, database_url, "initech")
    assert result.exit_code == 1
    assert "no tenant with slug or id 'initech'" in result.output


def test_status_on_an_empty_system(make_settings, database_url) -> None:
    result = _status(make_settings, database_url)
    assert result.exit_code == 0
    assert "queue depth: no queued jobs" in result.output
    assert "no job is waiting" in result.output


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """`mlc db …` configures logging onto the runner's stderr, which closes when the command returns."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def test_db_current_and_plugins_print_json_through_emit(make_settings, tmp_path, restore_logging) -> None:
    make_settings(MLC_DATA_DIR=str(tmp_path), MLC_LOG_FORMAT="json")
    runner = CliRunner()
    upgraded = runner.invoke(build_cli(), ["db", "upgrade"])
    assert upgraded.exit_code == 0
    assert all(json.loads(line)["event"] for line in upgraded.stderr.splitlines())  # JSON, as in the hook Job
    current = json.loads(runner.invoke(build_cli(), ["db", "current", "--json"]).stdout)
    assert current["current"] is True and current["database"] == current["code"]
    plugins = json.loads(runner.invoke(build_cli(), ["plugins", "--json"]).stdout)
    assert {"plugins", "skipped"} <= set(plugins)
    assert "up to date" in runner.invoke(build_cli(), ["db", "current"]).output
