"""A fake Adobe Commerce for tests, the sandbox and benchmarks — behaving as the reference material documents.

In-process::

    fake = FakeCommerce()
    fake.catalog.generate(1000)
    integration = fake.add_integration()
    client = httpx.AsyncClient(transport=FakeTransport(fake), base_url="https://shop.example")

On a port: ``python -m mlconnector.connectors.commerce.fake --port 8081 --orders 10000 --latency-ms 150``.
"""

from mlconnector.connectors.commerce.fake.app import ALL_RESOURCES, CLOUD_SERVICE, PAAS, FakeCommerce
from mlconnector.connectors.commerce.fake.catalog import Catalog
from mlconnector.connectors.commerce.fake.transport import FakeTransport

__all__ = ["ALL_RESOURCES", "CLOUD_SERVICE", "PAAS", "Catalog", "FakeCommerce", "FakeTransport"]
