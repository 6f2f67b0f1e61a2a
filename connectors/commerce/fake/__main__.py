"""``python -m mlconnector.connectors.commerce.fake``: serve a fake Adobe Commerce on a port.

Writes the connection configs (one per auth mode) to ``--configs FILE`` before serving, so a sandbox tenant or a
benchmark can connect: ``mlc commerce ping TENANT --config FILE`` after picking one out.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from mlconnector.connectors.commerce.fake.server import ENV, connection_configs, new_state


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8081, show_default=True, type=int)
@click.option("--orders", default=1000, show_default=True, type=int, help="Generated orders (10k–100k for benchmarks).")
@click.option("--latency-ms", default=0, show_default=True, type=int, help="Added to every REST answer.")
@click.option("--cloud-service", is_flag=True, help="Serve as Adobe Commerce as a Cloud Service (IMS only).")
@click.option("--bearer", is_flag=True, help="Accept the integration token as a standalone Bearer token.")
@click.option("--seed", default=7, show_default=True, type=int)
@click.option("--configs", type=click.Path(dir_okay=False, path_type=Path), help="Where to write connection configs.")
def main(
    host: str,
    port: int,
    orders: int,
    latency_ms: int,
    cloud_service: bool,
    bearer: bool,
    seed: int,
    configs: Path | None,
) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    state = new_state(orders=orders, latency_ms=latency_ms, cloud_service=cloud_service, bearer=bearer, seed=seed)
    found = connection_configs(state, f"http://{host}:{port}")
    if configs is not None:
        configs.write_text(json.dumps(found, indent=2), encoding="utf-8")
        configs.chmod(0o600)
    click.echo(f"fake Adobe Commerce ({state['flavor']}, {orders} orders) on http://{host}:{port}", err=True)
    os.environ[ENV] = json.dumps(state)
    Granian(
        "mlconnector.connectors.commerce.fake.server:create_app",
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        factory=True,
        workers=1,
        log_access=False,
    ).serve()


if __name__ == "__main__":
    main()
