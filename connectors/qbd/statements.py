"""Prebuilt Core statements run on the session's own connection, in its transaction.

The Web Connector's hot path builds its statements once, at import, with bound parameters, and runs them here rather
than through ``AsyncSession.execute``: the ORM's execution layer would treat a plain INSERT on a mapped table as an
ORM bulk insert (parameter keys read as attribute names) and costs time on every call for nothing the hot path uses.
The connection is the session's, so the tenant stamp and the transaction are the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession


async def run(
    session: AsyncSession, statement: Any, parameters: Mapping[str, Any] | Sequence[Mapping[str, Any]]
) -> CursorResult[Any]:
    """Execute ``statement`` with ``parameters`` (a list of them: executemany) in the session's transaction."""
    connection = await session.connection()
    return await connection.execute(statement, parameters)
