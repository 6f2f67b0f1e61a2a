"""Using the fake in-process: an ``httpx`` transport over the ASGI app that also keeps the client's timeouts.

``httpx.ASGITransport`` ignores timeouts (they are enforced by the network layer it replaces); a fake that hangs
would hang the test. This transport applies the request's read timeout and raises ``httpx.ReadTimeout`` as a
socket would.
"""

from __future__ import annotations

import asyncio

import httpx

from mlconnector.connectors.commerce.fake.app import FakeCommerce


class FakeTransport(httpx.AsyncBaseTransport):
    def __init__(self, fake: FakeCommerce) -> None:
        self.fake = fake
        self._inner = httpx.ASGITransport(app=fake)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout = (request.extensions.get("timeout") or {}).get("read")
        try:
            return await asyncio.wait_for(self._inner.handle_async_request(request), timeout)
        except TimeoutError:
            raise httpx.ReadTimeout(f"the fake store did not answer within {timeout} s", request=request) from None

    async def aclose(self) -> None:
        await self._inner.aclose()
