"""The fault matrix's fixtures: the fault-free books (computed once per run) and the table of observed counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from faults.helpers import fault_free_books
from mlc_testing import fault_matrix

_baseline: dict[str, Any] = {}


@pytest.fixture
def baseline(make_settings, tmp_path, sqlite_template) -> dict[str, Any]:
    """The fault-free books (they depend on neither the fault nor the database)."""
    if not _baseline:
        _baseline.update(fault_free_books(make_settings, tmp_path, sqlite_template))
    return _baseline


@pytest.fixture
def matrix(request: pytest.FixtureRequest) -> Callable[..., None]:
    """``matrix("fault", injected=…, …)``: one row of the table, named with the database it ran on."""
    backend = request.node.callspec.params.get("database_url", "") if hasattr(request.node, "callspec") else ""

    def record(case: str, **counts: object) -> None:
        fault_matrix.record(f"{case} ({backend})" if backend else case, **counts)

    return record


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if fault_matrix.rows():
        terminalreporter.write_sep("-", "fault matrix: observed counts (books identical to the fault-free run)")
        terminalreporter.write_line(fault_matrix.table())
