"""Job kinds and the async functions that handle them.

The core registers its own handlers at import; plugins contribute theirs through :meth:`Plugin.jobs`. A kind is
a dotted name owned by whoever registers it (``sync.plan``, ``qbd.reconcile``); registering a kind twice fails.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlconnector.platform.jobs.errors import UnknownJobKind

if TYPE_CHECKING:
    from mlconnector.platform.jobs.context import JobContext

HandlerFn = Callable[["JobContext"], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class JobHandler:
    """A kind of background work and how to run it."""

    kind: str
    fn: HandlerFn
    max_attempts: int | None = None
    """Attempts before the job is kept as a dead letter; ``None`` uses ``MLC_JOB_MAX_ATTEMPTS``."""


class JobRegistry:
    """Kind → handler, filled once at start-up."""

    def __init__(self) -> None:
        self._handlers: dict[str, JobHandler] = {}

    def add(self, handler: JobHandler) -> None:
        existing = self._handlers.get(handler.kind)
        if existing is not None and existing.fn != handler.fn:
            raise ValueError(f"job kind {handler.kind!r} is already registered by {existing.fn.__module__}")
        self._handlers[handler.kind] = handler

    def handler(self, kind: str, *, max_attempts: int | None = None) -> Callable[[HandlerFn], HandlerFn]:
        """Decorator form of :meth:`add`."""

        def register(fn: HandlerFn) -> HandlerFn:
            self.add(JobHandler(kind, fn, max_attempts))
            return fn

        return register

    def get(self, kind: str) -> JobHandler:
        try:
            return self._handlers[kind]
        except KeyError:
            raise UnknownJobKind(f"no handler is registered for job kind {kind!r}") from None

    def kinds(self) -> list[str]:
        return sorted(self._handlers)


registry = JobRegistry()
"""The process-wide registry."""
