"""What a job handler raises to say how its failure should be treated."""

from __future__ import annotations


class PermanentJobError(Exception):
    """The job cannot succeed by trying again (bad data, missing mapping): keep it as a dead letter at once."""


class RetryJob(Exception):
    """Not a failure: run again after ``delay_seconds`` (a Retry-After, a closed sync window) without using an
    attempt."""

    def __init__(self, delay_seconds: float, reason: str = "") -> None:
        self.delay_seconds = max(0.0, delay_seconds)
        self.reason = reason
        super().__init__(reason or f"retry in {delay_seconds:.0f}s")


class UnknownJobKind(LookupError):
    """No handler is registered for a job's kind (a plugin was removed or not allowed)."""
