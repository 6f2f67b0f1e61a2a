"""``commerce.fetch``: read again the one document a webhook hinted at, and store it (which queues its posting).

The tenant's connection config comes from the plugin's ``config_loader`` (by default the tenant's connection,
through :func:`connection_config`). Scheduled reads are the engine's ``sync.read`` job, not this plugin's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlconnector.connectors.commerce.errors import AuthenticationFailed, RetriesExhausted
from mlconnector.connectors.commerce.webhooks.routes import FETCH_JOB
from mlconnector.platform.plugins import (
    JobContext,
    JobHandler,
    PermanentJobError,
    RetryJob,
    SourceContext,
    store_records,
)

if TYPE_CHECKING:
    from mlconnector.connectors.commerce.plugin import AdobeCommerceSource


_plugin: AdobeCommerceSource | None = None
"""The plugin instance whose ``jobs()`` this process registered (the core makes one per process). The handler is a
module function, so registering the plugin's jobs again (tests, a reload) registers the same handler."""


async def fetch_document(context: JobContext) -> None:
    """``commerce.fetch``: ``{"stream": …, "source_id": …}``."""
    plugin = _plugin
    assert plugin is not None and context.tenant_id is not None
    stream, source_id = context.payload["stream"], str(context.payload["source_id"])
    config = await plugin.config_loader(context)
    if config is None:
        raise PermanentJobError("this tenant has no Adobe Commerce connection; connect the store first")
    source = SourceContext(
        tenant_id=context.tenant_id, config=config, session=context.session, database=context.database
    )
    try:
        record = await plugin.fetch(source, stream, source_id)
    except RetriesExhausted as error:
        if error.retry_after is None:
            raise  # spends an attempt: a store failing for days ends as a dead letter, not a loop
        raise RetryJob(error.retry_after, "the store asked to wait") from error
    except AuthenticationFailed as error:
        raise PermanentJobError(str(error)) from error
    if record is not None:
        await store_records(context.session, plugin.name, [record], source=plugin)


def job_handlers(plugin: AdobeCommerceSource) -> list[JobHandler]:
    global _plugin
    _plugin = plugin
    return [JobHandler(FETCH_JOB, fetch_document, max_attempts=8)]
