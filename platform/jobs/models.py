"""The two tables behind background work: jobs (the outbox and its outcome) and schedules (periodic work)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from mlconnector.platform.db.base import Base, new_id
from mlconnector.platform.db.types import JSONDocument, UTCDateTime, utcnow

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
DEAD = "dead"
STATES = (QUEUED, RUNNING, DONE, DEAD)


class Job(Base):
    """One unit of background work. The row is the truth; a Dramatiq message only says "look at job <id>".

    ``queued`` → ``running`` (leased) → ``done``; a failure goes back to ``queued`` with a later ``run_after`` until
    ``max_attempts`` is spent, then ``dead`` (a dead letter kept here, retried by hand). ``dedup_key`` is unique, so
    asking twice for the same work inserts once.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_state_run_after", "state", "run_after"),
        Index("ix_jobs_tenant_id_state", "tenant_id", "state"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    kind: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    dedup_key: Mapped[str | None] = mapped_column(String(255), unique=True, nullable=True)
    state: Mapped[str] = mapped_column(String(16), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=8)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Schedule(Base):
    """Periodic work: each due tick is claimed by exactly one worker (compare-and-set on ``next_run_at``)."""

    __tablename__ = "schedules"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    interval_seconds: Mapped[int] = mapped_column(Integer)
    next_run_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
