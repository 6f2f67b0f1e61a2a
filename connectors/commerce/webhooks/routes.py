"""The per-tenant webhook endpoints, mounted at ``/connectors/commerce/webhooks/<endpoint id>/…``.

Each answers within milliseconds: verify, queue one ``commerce.fetch`` job per document to read again (in the
same transaction, de-duplicated by the delivery's event id), answer. I/O Events gives a webhook 10 s and retries
only 429 and 5xx (NOTES §5.2): a forged or unsigned delivery gets a 401 and is not retried; a key server outage a
503, so the delivery comes back.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import structlog
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import (
    NotAuthorizedException,
    NotFoundException,
    ServiceUnavailableException,
    ValidationException,
)
from litestar.params import FromPath, FromQuery

from mlconnector.connectors.commerce.repository import Endpoint, find_endpoint
from mlconnector.connectors.commerce.webhooks.events import Target, commerce_webhook_targets, io_event_targets
from mlconnector.connectors.commerce.webhooks.keys import KeysUnavailable, PublicKeys
from mlconnector.connectors.commerce.webhooks.signatures import (
    COMMERCE_SIGNATURE,
    Rejected,
    io_event_signatures,
    load_public_key,
    verify_commerce_webhook,
    verify_io_event,
)
from mlconnector.platform.plugins import Database, enqueue

if TYPE_CHECKING:
    from litestar.handlers import HTTPRouteHandler

log = structlog.get_logger(__name__)
FETCH_JOB = "commerce.fetch"
READ_JOB = "sync.read"
"""The engine's read of a tenant's source (one stream when the payload names it)."""


async def _endpoint(database: Database, endpoint_id: uuid.UUID) -> Endpoint:
    endpoint = await find_endpoint(database, endpoint_id)
    if endpoint is None:
        raise NotFoundException("There is no Adobe Commerce webhook endpoint at this address.")
    return endpoint


async def queue_reads(database: Database, tenant_id: uuid.UUID, delivery_id: str, found: Sequence[Target]) -> int:
    """One job per document; a redelivery (same delivery id) queues nothing new."""
    queued = 0
    async with database.session(tenant_id) as session:
        for target in found:
            if target.source_id is None:
                kind, payload = READ_JOB, {"stream": target.stream}
            else:
                kind, payload = FETCH_JOB, {"stream": target.stream, "source_id": target.source_id}
            dedup = f"{kind}:{tenant_id}:{delivery_id}:{target.stream}:{target.source_id or '*'}"[:255]
            if await enqueue(session, kind, payload=payload, tenant_id=tenant_id, dedup_key=dedup) is not None:
                queued += 1
    return queued


def webhook_routes(keys: PublicKeys) -> list[HTTPRouteHandler]:
    @get("/webhooks/{endpoint_id:uuid}/io-events")
    async def io_events_challenge(
        endpoint_id: FromPath[uuid.UUID], database: NamedDependency[Database], challenge: FromQuery[str | None] = None
    ) -> dict[str, str]:
        """Adobe I/O Events registration handshake: echo ``challenge`` (NOTES §5.2)."""
        endpoint = await _endpoint(database, endpoint_id)
        if not endpoint.io_client_id:
            raise NotFoundException("Adobe I/O Events are not enabled for this endpoint.")
        if not challenge:
            raise ValidationException("The challenge query parameter is missing.")
        return {"challenge": challenge}

    @post("/webhooks/{endpoint_id:uuid}/io-events", status_code=200)
    async def io_events(
        endpoint_id: FromPath[uuid.UUID], request: Request[Any, Any, Any], database: NamedDependency[Database]
    ) -> dict[str, Any]:
        """An Adobe I/O Events delivery (CloudEvents 1.0), signed with Adobe's rotating RSA keys."""
        endpoint = await _endpoint(database, endpoint_id)
        if not endpoint.io_client_id:
            raise NotFoundException("Adobe I/O Events are not enabled for this endpoint.")
        raw = await request.body()
        headers = {name.lower(): value for name, value in request.headers.items()}
        try:
            signatures = [(signature, await keys.get(path)) for signature, path in io_event_signatures(headers)]
            event = verify_io_event(raw, signatures, endpoint.io_client_id)
        except Rejected as rejected:
            log.warning("commerce webhook rejected", endpoint=str(endpoint_id), reason=str(rejected))
            raise NotAuthorizedException(f"Delivery refused: {rejected}.") from None
        except KeysUnavailable as unavailable:
            raise ServiceUnavailableException(f"{unavailable}; deliver again later.") from None
        delivery_id, found = io_event_targets(event)
        queued = await queue_reads(database, endpoint.tenant_id, delivery_id or uuid.uuid4().hex, found)
        return {"status": "accepted", "queued": queued}

    @post("/webhooks/{endpoint_id:uuid}/commerce", status_code=200)
    async def commerce_webhook(
        endpoint_id: FromPath[uuid.UUID], request: Request[Any, Any, Any], database: NamedDependency[Database]
    ) -> Response[dict[str, str]]:
        """An Adobe Commerce webhooks-module call. Always answered ``{"op": "success"}`` once verified: this
        connector never vetoes a shopper's or merchant's action."""
        endpoint = await _endpoint(database, endpoint_id)
        if not endpoint.commerce_public_key:
            raise NotFoundException("Commerce webhooks are not enabled for this endpoint.")
        raw = await request.body()
        try:
            body = verify_commerce_webhook(
                raw, request.headers.get(COMMERCE_SIGNATURE), load_public_key(endpoint.commerce_public_key)
            )
        except Rejected as rejected:
            log.warning("commerce webhook rejected", endpoint=str(endpoint_id), reason=str(rejected))
            raise NotAuthorizedException(f"Delivery refused: {rejected}.") from None
        delivery_id, found = commerce_webhook_targets(body, raw)
        await queue_reads(database, endpoint.tenant_id, delivery_id, found)
        return Response({"op": "success"})

    return [io_events_challenge, io_events, commerce_webhook]
