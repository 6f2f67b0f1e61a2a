"""Registers the engine's job kinds with the process-wide registry (imported once at start-up)."""

from __future__ import annotations

from mlconnector.platform.jobs.registry import JobHandler, registry
from mlconnector.platform.sync.posting import post_document
from mlconnector.platform.sync.settle import settle_outcomes

registry.add(JobHandler("sync.post", post_document))
registry.add(JobHandler("sync.settle", settle_outcomes))
