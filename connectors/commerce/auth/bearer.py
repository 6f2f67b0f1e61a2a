"""PaaS, when the merchant allows it: the integration access token alone, as a Bearer token.

Since 2.4.4 Magento accepts this only with Stores › Configuration › Services › OAuth › Consumer Settings ›
"Allow OAuth Access Tokens to be used as standalone Bearer tokens" = Yes; otherwise every call is a 401 "The
consumer isn't authorized to access %resources." (NOTES §2.2).
"""

from __future__ import annotations

from collections.abc import Generator

import httpx


class BearerToken(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request
