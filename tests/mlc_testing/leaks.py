"""Looking for planted secrets wherever they must never appear: logs, stored rows, API responses and error bodies
(and, once the dashboard exists, rendered HTML — :func:`places_containing` takes any text)."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterable, Iterator, Mapping

import pytest
from sqlalchemy import column, inspect, select, table

from mlconnector.platform.db.engine import build_engine
from mlconnector.platform.logs import configure_logging
from mlconnector.platform.settings import LogSettings


def places_containing(secrets: Iterable[str], texts: Mapping[str, str | bytes]) -> list[str]:
    """``"<place>: <secret>"`` for every planted secret found in any of the named texts."""
    found = []
    for place, text in texts.items():
        haystack = text if isinstance(text, bytes) else text.encode()
        found += [f"{place}: {secret}" for secret in secrets if secret.encode() in haystack]
    return found


async def stored_rows_containing(owner_url: str, secrets: Iterable[str]) -> list[str]:
    """Every ``table.column`` of every table whose stored value contains a planted secret (read as the owner, so
    row-level security hides nothing). Ciphertext never contains the plaintext, so the vault passes."""
    secrets = list(secrets)
    engine = build_engine(owner_url, null_pool=True)
    found: list[str] = []
    async with engine.connect() as connection:
        layout = await connection.run_sync(
            lambda sync: {
                name: [c["name"] for c in inspect(sync).get_columns(name)] for name in inspect(sync).get_table_names()
            }
        )
        for name, columns in layout.items():
            rows = (await connection.execute(select(*[column(c) for c in columns]).select_from(table(name)))).all()
            for row in rows:
                for col, value in zip(columns, row, strict=True):
                    found += [f"{name}.{col}: {hit}" for hit in places_containing(secrets, {"value": _as_bytes(value)})]
    await engine.dispose()
    return found


def _columns_by_table(sync: object) -> dict[str, list[str]]:
    inspector = inspect(sync)
    return {name: [c["name"] for c in inspector.get_columns(name)] for name in inspector.get_table_names()}


def _as_bytes(value: object) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode()


@contextlib.contextmanager
def capture_logs() -> Iterator[io.StringIO]:
    """Every log line (structlog and standard library, debug and up) written inside the block, as JSON lines.
    Start it *after* building the app: ``create_app`` configures logging too."""
    stream = io.StringIO()
    configure_logging(LogSettings(level="debug", format="json"), stream=stream)
    try:
        yield stream
    finally:
        configure_logging(LogSettings(level="info", format="console"))


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """:func:`capture_logs` for the whole test."""
    with capture_logs() as stream:
        yield stream
