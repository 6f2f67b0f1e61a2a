"""Keeping secrets out of logs, errors, audit rows and pages.

Two lines of defence: a :class:`Secret` wrapper whose ``str``/``repr`` never show the value, and a process-wide set
of known secret values that :func:`redact` masks in any text (log lines, stored error messages) — for the day a
secret slips out of its wrapper, for example inside an exception raised by a library.
"""

from __future__ import annotations

import threading
from typing import Final

MASK: Final = "********"
MIN_MASKED_LENGTH: Final = 6
"""Shorter values are not masked (masking ``"1"`` everywhere would ruin every log line); the vault never stores
secrets this short anyway."""

_known: set[str] = set()
_lock = threading.Lock()


class Secret:
    """A secret value that does not print itself. Call :meth:`reveal` at the one place that needs it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        remember(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    def __str__(self) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret cannot be pickled or sent in a message; send its id instead")


def remember(value: str) -> None:
    """Add a value to the set masked by :func:`redact`."""
    if isinstance(value, str) and len(value) >= MIN_MASKED_LENGTH:
        with _lock:
            _known.add(value)


def forget_all() -> None:
    """Clear the known values (tests)."""
    with _lock:
        _known.clear()


def redact(text: str) -> str:
    """``text`` with every known secret value replaced by the mask (longest first, so overlaps mask fully)."""
    if not _known or not text:
        return text
    with _lock:
        values = sorted(_known, key=len, reverse=True)
    for value in values:
        if value in text:
            text = text.replace(value, MASK)
    return text
