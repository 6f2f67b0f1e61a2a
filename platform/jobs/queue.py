"""Queueing work: an outbox row in the caller's transaction, and a wake-up message once that transaction commits.

Never send a message inside an open transaction (it could run before the commit, or after a rollback). The
``after_commit`` hook below sends the wake-ups; if sending fails, or no worker is listening, the sweeper sends
them again later, because the row already says the work is due.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from mlconnector.platform.db import tenancy
from mlconnector.platform.db.types import utcnow
from mlconnector.platform.jobs import repository

PENDING_KEY = "mlc.jobs.pending"
DEFAULT_MAX_ATTEMPTS = 8
MAX_PAYLOAD_KEYS = 32

Dispatcher = Callable[[uuid.UUID, int | None], None]
_dispatcher: Dispatcher | None = None
log = logging.getLogger(__name__)


def set_dispatcher(dispatcher: Dispatcher | None) -> None:
    """Install the function that sends wake-ups (the running :class:`JobRuntime`), or none."""
    global _dispatcher
    _dispatcher = dispatcher


def _check_payload(payload: dict[str, Any]) -> None:
    if len(payload) > MAX_PAYLOAD_KEYS:
        raise ValueError("job payloads carry ids and small options, not documents")
    for key, value in payload.items():
        if not isinstance(value, str | int | float | bool | None | list):
            raise TypeError(f"job payload field {key!r} must be a JSON primitive (ids, never objects or secrets)")


async def enqueue(
    session: AsyncSession,
    kind: str,
    *,
    payload: dict[str, Any] | None = None,
    tenant_id: uuid.UUID | None = None,
    dedup_key: str | None = None,
    run_after: datetime | None = None,
    delay_seconds: float | None = None,
    max_attempts: int | None = None,
) -> uuid.UUID | None:
    """Queue ``kind`` for the session's tenant (or ``tenant_id``). Returns the new job id, or ``None`` when
    ``dedup_key`` names a job that already exists (the first guard against doing the same work twice)."""
    payload = dict(payload or {})
    _check_payload(payload)
    tenant_id = tenant_id if tenant_id is not None else tenancy.tenant_of(session.sync_session)
    when = run_after or (utcnow() + timedelta(seconds=delay_seconds) if delay_seconds else utcnow())
    job_id = await repository.insert_job(
        session,
        kind=kind,
        tenant_id=tenant_id,
        payload=payload,
        dedup_key=dedup_key,
        run_after=when,
        max_attempts=max_attempts or DEFAULT_MAX_ATTEMPTS,
    )
    if job_id is not None:
        delay_ms = max(0, int((when - utcnow()).total_seconds() * 1000))
        session.info.setdefault(PENDING_KEY, []).append((job_id, delay_ms or None))
    return job_id


def dispatch(job_id: uuid.UUID, delay_ms: int | None = None) -> None:
    """Send one wake-up now; failures are logged and left to the sweeper."""
    if _dispatcher is None:
        return
    try:
        _dispatcher(job_id, delay_ms)
    except Exception as error:  # the row is the truth; a lost wake-up is re-sent by the sweeper
        log.warning(
            "could not send job wake-up; the sweeper will retry", extra={"job_id": str(job_id), "error": str(error)}
        )


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    for job_id, delay_ms in session.info.pop(PENDING_KEY, ()):
        dispatch(job_id, delay_ms)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)
