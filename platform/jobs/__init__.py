"""Background work whose truth is the database: queue with :func:`enqueue`, handle with ``registry.handler``."""

from mlconnector.platform.jobs import builtin as _builtin  # noqa: F401  (registers core.ping)
from mlconnector.platform.jobs import gauges as _gauges  # noqa: F401  (samplers behind /metrics)
from mlconnector.platform.jobs.context import JobContext
from mlconnector.platform.jobs.errors import PermanentJobError, RetryJob
from mlconnector.platform.jobs.queue import enqueue
from mlconnector.platform.jobs.registry import JobHandler, JobRegistry, registry

__all__ = ["JobContext", "JobHandler", "JobRegistry", "PermanentJobError", "RetryJob", "enqueue", "registry"]
