"""Errors the core raises on purpose, each carrying a sentence a person can act on."""

from __future__ import annotations


class MlcError(Exception):
    """Base class: ``str(error)`` is a complete sentence, safe to show (it never holds a secret)."""


class SettingsError(MlcError):
    """A setting is missing or malformed. Start-up stops with one line naming it."""

    def __init__(self, name: str, problem: str) -> None:
        self.name = name
        self.problem = problem
        super().__init__(f"setting {name}: {problem}")


class StartupError(MlcError):
    """The process cannot serve safely (for example the schema is not migrated)."""


class PluginError(MlcError):
    """A connector plugin is broken, duplicated, incompatible or not allowed."""


class InvalidInput(MlcError):
    """Input that cannot be accepted. Names each offending field; the API answers 422 (or ``status_code``) with
    ``details: [{"key": field, "message": …}]`` and changes nothing."""

    status_code = 422

    def __init__(self, problems: list[tuple[str, str]] | tuple[str, str], *, status_code: int | None = None) -> None:
        self.problems = [problems] if isinstance(problems, tuple) else list(problems)
        if status_code is not None:
            self.status_code = status_code
        super().__init__("; ".join(f"{field or 'request'}: {message}" for field, message in self.problems))

    @property
    def details(self) -> list[dict[str, str]]:
        return [{"key": field, "message": message} for field, message in self.problems]


class Conflict(InvalidInput):
    """The input clashes with something already stored (a duplicate email); answered with 409."""

    status_code = 409


class NotFound(MlcError):
    """Nothing by that id or name here — also what another tenant's ids look like (never 403, which would confirm
    they exist)."""

    status_code = 404


class NotSignedIn(MlcError):
    """No valid session or API token, or a wrong email/password; answered with 401."""

    status_code = 401


class Forbidden(MlcError):
    """Signed in, but this role or token scope may not do that."""

    status_code = 403


class TooManyAttempts(MlcError):
    """Throttled; answered with 429 and a ``Retry-After`` header."""

    status_code = 429

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        self.retry_after_seconds = max(1, retry_after_seconds)
        super().__init__(message)

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}
