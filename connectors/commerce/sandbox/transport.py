"""Requests to a sandbox address go to that sandbox's fake store, in-process, brought up to date first."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime

import httpx

from mlconnector.connectors.commerce.fake import FakeTransport
from mlconnector.connectors.commerce.sandbox.address import SandboxAddress
from mlconnector.connectors.commerce.sandbox.store import SandboxStore

KEEP = 64
"""Sandbox stores kept built in this process (each is rebuilt from its address when needed again)."""


def _now() -> datetime:
    return datetime.now(UTC)


class SandboxTransport(httpx.AsyncBaseTransport):
    def __init__(self, clock: Callable[[], datetime] = _now) -> None:
        self.clock = clock
        self._stores: OrderedDict[str, tuple[SandboxStore, FakeTransport]] = OrderedDict()

    def store(self, address: SandboxAddress) -> tuple[SandboxStore, FakeTransport]:
        found = self._stores.pop(address.host, None)
        if found is None:
            built = SandboxStore(address)
            found = (built, FakeTransport(built.fake))
        self._stores[address.host] = found
        while len(self._stores) > KEEP:
            self._stores.popitem(last=False)
        return found

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        address = SandboxAddress.parse(request.url.host)
        if address is None:  # never the network: a sandbox talks only to its own fake store
            raise httpx.ConnectError(f"{request.url.host} is not a sandbox store", request=request)
        store, transport = self.store(address)
        store.advance(self.clock())
        return await transport.handle_async_request(request)
