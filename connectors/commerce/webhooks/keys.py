"""Adobe I/O Events public keys: fetched from ``https://static.adobeioevents.com`` + the path a delivery names,
cached for 24 h like Adobe's SDK does (NOTES §5.2). The path comes from the (unverified) request, so it is checked
to be a plain ``….pem`` path on that one host — never a URL of the sender's choosing."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from mlconnector.connectors.commerce.webhooks.signatures import Rejected, load_public_key

KEYS_HOST = "https://static.adobeioevents.com"
CACHE_SECONDS = 24 * 3600
_PATH = re.compile(r"^/[A-Za-z0-9._\-/]{1,200}\.pem$")


class KeysUnavailable(Exception):
    """The key server could not be reached: answer 503 so I/O Events retries the delivery later."""


@dataclass(slots=True)
class PublicKeys:
    base_url: str = KEYS_HOST
    transport: httpx.AsyncBaseTransport | None = None
    clock: Callable[[], float] = time.monotonic
    _cache: dict[str, tuple[float, rsa.RSAPublicKey]] = field(default_factory=dict)

    async def get(self, path: str) -> rsa.RSAPublicKey:
        if not _PATH.match(path) or ".." in path or "//" in path:
            raise Rejected("the public key path is not a key path on the Adobe key server")
        cached = self._cache.get(path)
        if cached is not None and self.clock() - cached[0] < CACHE_SECONDS:
            return cached[1]
        try:
            async with httpx.AsyncClient(transport=self.transport, timeout=5.0, follow_redirects=False) as http:
                response = await http.get(f"{self.base_url}{path}")
        except httpx.HTTPError as error:
            raise KeysUnavailable(f"the Adobe key server could not be reached ({type(error).__name__})") from error
        if response.status_code == 404:
            raise Rejected("the Adobe key server has no such public key")
        if response.status_code != 200:
            raise KeysUnavailable(f"the Adobe key server answered HTTP {response.status_code}")
        try:
            key = load_public_key(response.content)
        except ValueError:
            raise Rejected("the Adobe key server's answer is not an RSA public key") from None
        self._cache[path] = (self.clock(), key)
        return key
