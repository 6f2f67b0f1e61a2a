"""Email addresses as we store and compare them: trimmed, lower-cased, plausibly deliverable."""

from __future__ import annotations

import re

MAX_LENGTH = 254
_PLAUSIBLE = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+$")


def normalise(email: str) -> str:
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    """Why ``email`` (already normalised) cannot be an account's address, or ``None``."""
    if not email:
        return "is required"
    if len(email) > MAX_LENGTH:
        return f"must be at most {MAX_LENGTH} characters"
    if not _PLAUSIBLE.match(email):
        return "is not an email address (expected name@example.com)"
    return None
