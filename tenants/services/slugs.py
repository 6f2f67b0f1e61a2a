"""Tenant slugs: short, URL- and shell-safe handles derived from the organisation's name (``mlc tenant …``)."""

from __future__ import annotations

import re
import secrets
import unicodedata

MAX_LENGTH = 63
SLUG = re.compile(r"^[a-z][a-z0-9-]{0,62}$")


def slugify(name: str) -> str:
    """``"Acme Bikes Ltd."`` → ``"acme-bikes-ltd"``; always a valid slug (``org`` when nothing is left)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    slug = re.sub(r"^[^a-z]+", "", slug)[: MAX_LENGTH - 5].strip("-")
    return slug or "org"


def with_suffix(slug: str) -> str:
    """A variant for when ``slug`` is taken."""
    return f"{slug[: MAX_LENGTH - 5]}-{secrets.token_hex(2)}"
