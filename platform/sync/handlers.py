"""Registers the engine's job kinds with the process-wide registry (imported once at start-up)."""

from __future__ import annotations

from mlconnector.platform.jobs.registry import JobHandler, registry
from mlconnector.platform.sync import metrics as _metrics  # noqa: F401  (registers the engine's gauges)
from mlconnector.platform.sync.actions import RELEASE_JOB, release_held_documents
from mlconnector.platform.sync.outcome import POST_JOB
from mlconnector.platform.sync.posting import post_document
from mlconnector.platform.sync.reading import READ_JOB, read_tenant_source
from mlconnector.platform.sync.settle import SETTLE_JOB, settle_outcomes

for _handler in (
    JobHandler(POST_JOB, post_document),
    JobHandler(SETTLE_JOB, settle_outcomes),
    JobHandler(READ_JOB, read_tenant_source, max_attempts=3),
    JobHandler(RELEASE_JOB, release_held_documents),
):
    registry.add(_handler)
