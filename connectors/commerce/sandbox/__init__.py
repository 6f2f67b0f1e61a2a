"""The Adobe Commerce side of a sandbox: a small fake store, in-process, whose orders keep arriving.

A sandbox store is named by its address (``https://shop-<key>-<start>.sandbox.invalid``) and rebuilt from it in
whichever process reads it (the web process, or any worker): the same key and start always give the same
products, customers and orders, and an order "arrives" when its time has come. Nothing is stored for it, and no
request ever leaves the process (``.invalid`` never resolves).
"""

from mlconnector.connectors.commerce.sandbox.address import SandboxAddress
from mlconnector.connectors.commerce.sandbox.part import sandbox_part
from mlconnector.connectors.commerce.sandbox.store import SandboxStore
from mlconnector.connectors.commerce.sandbox.transport import SandboxTransport

__all__ = ["SandboxAddress", "SandboxStore", "SandboxTransport", "sandbox_part"]
