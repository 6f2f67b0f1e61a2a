"""Background work: ``commerce.fetch`` reads one document a webhook hinted at; ``commerce.read`` reads streams
incrementally (the per-tenant schedule, or an event that named no id).

Both need the tenant's connection config, which the plugin gets through its ``config_loader`` (the tenants'
connection store provides it; until it does, a job without config is kept as a dead letter saying so).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlconnector.connectors.commerce.errors import AuthenticationFailed, RetriesExhausted
from mlconnector.connectors.commerce.records import CREDIT_MEMO, CUSTOMER, INVOICE, ORDER, PRODUCT
from mlconnector.connectors.commerce.webhooks.routes import FETCH_JOB, READ_JOB
from mlconnector.platform.plugins import (
    JobContext,
    JobHandler,
    PermanentJobError,
    RetryJob,
    SourceContext,
    ingest,
    store_records,
)

if TYPE_CHECKING:
    from mlconnector.connectors.commerce.plugin import AdobeCommerceSource

READ_ORDER = (CUSTOMER, ORDER, INVOICE, CREDIT_MEMO, PRODUCT)
"""Customers before the documents that name them; products last (they only feed SKU-mapping suggestions)."""


async def _config(plugin: AdobeCommerceSource, context: JobContext) -> dict:
    config = await plugin.config_loader(context)
    if config is None:
        raise PermanentJobError("no Adobe Commerce connection is configured for this tenant")
    return dict(config)


def job_handlers(plugin: AdobeCommerceSource) -> list[JobHandler]:
    async def fetch(context: JobContext) -> None:
        stream, source_id = context.payload["stream"], str(context.payload["source_id"])
        source = SourceContext(
            tenant_id=context.tenant_id,  # type: ignore[arg-type]
            config=await _config(plugin, context),
            session=context.session,
            database=context.database,
        )
        try:
            record = await plugin.fetch(source, stream, source_id)
        except RetriesExhausted as error:
            raise RetryJob(error.retry_after or 60) from error
        except AuthenticationFailed as error:
            raise PermanentJobError(str(error)) from error
        if record is not None:
            await store_records(context.session, plugin.name, [record])

    async def read(context: JobContext) -> None:
        config = await _config(plugin, context)
        streams = context.payload.get("streams") or list(READ_ORDER)
        for stream in streams:
            try:
                await ingest(context.database, plugin, context.tenant_id, stream, config=config)  # type: ignore[arg-type]
            except RetriesExhausted as error:
                raise RetryJob(error.retry_after or 60) from error
            except AuthenticationFailed as error:
                raise PermanentJobError(str(error)) from error

    return [JobHandler(FETCH_JOB, fetch, max_attempts=8), JobHandler(READ_JOB, read, max_attempts=5)]
