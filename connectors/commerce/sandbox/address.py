"""A sandbox store's address: what the store is rebuilt from, and its (derived) integration token."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

DOMAIN = "sandbox.invalid"
_HOST = re.compile(r"^shop-(?P<key>[0-9a-f]{16})-(?P<start>[0-9]{10})\." + re.escape(DOMAIN) + "$")


@dataclass(frozen=True, slots=True)
class SandboxAddress:
    key: str
    """16 hex digits: the seed of the store's data."""
    started_at: datetime
    """When the sandbox was made: the first orders are dated just before, the rest arrive after it."""

    @classmethod
    def new(cls, now: datetime) -> SandboxAddress:
        return cls(secrets.token_hex(8), now.astimezone(UTC).replace(microsecond=0))

    @classmethod
    def parse(cls, url_or_host: str) -> SandboxAddress | None:
        host = urlsplit(url_or_host).hostname if "//" in url_or_host else url_or_host
        found = _HOST.match((host or "").lower())
        if found is None:
            return None
        return cls(found["key"], datetime.fromtimestamp(int(found["start"]), UTC))

    @property
    def host(self) -> str:
        return f"shop-{self.key}-{int(self.started_at.timestamp())}.{DOMAIN}"

    @property
    def base_url(self) -> str:
        return f"https://{self.host}"

    @property
    def seed(self) -> int:
        return int(self.key, 16)

    @property
    def access_token(self) -> str:
        """The fake store's integration token, derived so every process rebuilds a store that accepts it. It
        guards simulated data only; it is still stored sealed, like any access token."""
        return hashlib.sha256(f"mlc-sandbox-store:{self.key}".encode()).hexdigest()[:32]


def is_sandbox_url(url: str) -> bool:
    """Whether ``url`` is a sandbox store's address (the fake store in this process answers it)."""
    return SandboxAddress.parse(url) is not None


def in_sandbox_domain(url: str) -> bool:
    """Whether ``url`` is anywhere under the sandbox domain, well-formed or not: no real store lives there
    (``.invalid`` never resolves), so only a sandbox tenant has any business with it."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host == DOMAIN or host.endswith("." + DOMAIN)
