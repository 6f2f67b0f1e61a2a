"""What can go wrong talking to Adobe Commerce, as exceptions a caller can tell apart."""

from __future__ import annotations

from mlconnector.platform.plugins import PermanentJobError


class CommerceError(Exception):
    """Base class. Messages never contain a credential."""


class IncompleteRecord(CommerceError, ValueError):
    """A record lacks something normalisation needs (an invoice whose order could not be read)."""


class UnbalancedDocument(CommerceError, ValueError):
    """A document's lines or totals do not add up; posting it would put wrong figures in the books."""


class CommerceHTTPError(CommerceError):
    """The store answered with an error status. ``message`` is Magento's text with its ``%1`` parameters filled."""

    def __init__(self, status: int, message: str, *, path: str, parameters: object = None) -> None:
        super().__init__(f"{path}: HTTP {status}: {message}")
        self.status = status
        self.message = message
        self.path = path
        self.parameters = parameters


class RetriesExhausted(CommerceError):
    """The store kept failing (429, 5xx or timeouts) through every bounded retry; the job should come back later."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AuthenticationFailed(CommerceError):
    """Credentials were refused (after the one refresh an IMS token is allowed)."""


SANDBOX_ONLY = (
    "is the address of a simulated sandbox store, which only a sandbox organisation can use: "
    "enter your own store's address"
)


class SandboxStoreRefused(CommerceError, PermanentJobError):
    """A tenant that is not a sandbox asked to read a sandbox store: its books would fill with fake orders."""

    def __init__(self) -> None:
        super().__init__(f"The Adobe Commerce connection's base_url {SANDBOX_ONLY}; nothing was read.")
