"""The fault matrix's fixtures: the fault-free books (computed once per run) and the table of observed counts."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Any

import pytest
from faults.helpers import fault_free_books
from mlc_testing import fault_matrix
from mlc_testing.databases import sqlite_url

_baseline: dict[str, Any] = {}


@pytest.fixture
def baseline(make_settings, tmp_path, sqlite_template) -> dict[str, Any]:
    """The fault-free books (they depend on neither the fault nor the database)."""
    if not _baseline:
        _baseline.update(fault_free_books(make_settings, tmp_path, sqlite_template))
    return _baseline


@pytest.fixture
def sqlite_only(sqlite_template, tmp_path) -> str:
    """A migrated SQLite database: for faults outside the database, where a second backend adds only minutes."""
    path = tmp_path / "mlc.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return sqlite_url(path)


@pytest.fixture
def matrix(request: pytest.FixtureRequest) -> Callable[..., None]:
    """``matrix("fault", injected=…, …)``: one row of the table, named with the database it ran on."""
    params = request.node.callspec.params if hasattr(request.node, "callspec") else {}
    backend = params.get("database_url") or ("sqlite" if "sqlite_only" in request.fixturenames else "")

    def record(case: str, **counts: object) -> None:
        fault_matrix.record(f"{case} ({backend})" if backend else case, **counts)

    return record


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if fault_matrix.rows():
        terminalreporter.write_sep("-", "fault matrix: observed counts (books identical to the fault-free run)")
        terminalreporter.write_line(fault_matrix.table())
