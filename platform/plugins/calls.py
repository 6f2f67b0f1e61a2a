"""How the core calls plugin hooks: validating what goes in, checking what comes out.

A plugin is outside code. These wrappers make sure a broken or hostile plugin produces a clear error naming it,
never a half-stored record, a plan in the wrong order or a secret in a message.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any

from mlconnector.platform.documents import Document
from mlconnector.platform.errors import PluginError
from mlconnector.platform.plugins.base import (
    CatalogEntry,
    CheckResult,
    ClientFile,
    NotSupported,
    Plugin,
    SandboxPart,
    SinkPlugin,
    SourcePlugin,
)
from mlconnector.platform.plugins.config import ConfigProblem, validate_config, with_secrets_wrapped
from mlconnector.platform.plugins.context import PluginContext, SandboxContext, SinkContext, SourceContext
from mlconnector.platform.plugins.plan import Outcome, Plan
from mlconnector.platform.plugins.records import SourceBatch, SourceRecord
from mlconnector.platform.redaction import redact, remember

CHECK_TIMEOUT_SECONDS = 30.0
_DOCUMENT_TYPES = tuple(Document.__args__)  # type: ignore[attr-defined]


async def run_check(
    plugin: Plugin, config: Mapping[str, Any], *, seconds: float = CHECK_TIMEOUT_SECONDS, sandbox: bool | None = None
) -> CheckResult:
    """The credential ping: validate, call ``check``, and always come back with a :class:`CheckResult`. With the
    tenant's kind (``sandbox``) known, hook ``validate`` gets its say too, before anything leaves the process."""
    if sandbox is None:
        problems = validate_config(plugin.config_schema, dict(config))
    else:
        problems = config_problems(plugin, config, sandbox=sandbox)
    if problems:
        listed = "; ".join(f"{p.field or 'config'} {p.message}" for p in problems)
        return CheckResult.failure("invalid_config", f"The settings are incomplete or wrong: {listed}.")
    try:
        result = await asyncio.wait_for(plugin.check(with_secrets_wrapped(plugin.config_schema, config)), seconds)
    except TimeoutError:
        return CheckResult.failure(
            "timeout", f"No answer within {seconds:.0f} seconds. Check the address and try again."
        )
    except Exception as error:  # a plugin bug must not surface as a stack trace
        return CheckResult.failure(
            "plugin_error", redact(f"The {plugin.title} connector failed unexpectedly ({type(error).__name__}).")
        )
    if not isinstance(result, CheckResult):
        raise PluginError(f"plugin {plugin.name!r}: check() returned {type(result).__name__}, not a CheckResult")
    return CheckResult(
        result.ok, redact(result.message), result.problem, {k: redact(v) for k, v in result.details.items()}
    )


def config_problems(plugin: Plugin, config: Mapping[str, Any], *, sandbox: bool) -> list[ConfigProblem]:
    """Everything wrong with a connection config for this tenant: the schema first, then hook ``validate`` (told
    whether the tenant is a sandbox) on a config that passed it, secrets wrapped as the plugin always sees them."""
    problems = validate_config(plugin.config_schema, dict(config))
    if problems:
        return problems
    found = list(plugin.validate(with_secrets_wrapped(plugin.config_schema, config), sandbox=sandbox))
    if not all(isinstance(problem, ConfigProblem) for problem in found):
        raise PluginError(f"plugin {plugin.name!r}: validate() must return ConfigProblem values")
    return [ConfigProblem(problem.field, redact(problem.message)) for problem in found]


def _check_batch(plugin: SourcePlugin, stream: str, batch: object) -> SourceBatch:
    if not isinstance(batch, SourceBatch):
        raise PluginError(f"plugin {plugin.name!r}: read() yielded {type(batch).__name__}, not a SourceBatch")
    for record in batch.records:
        if not isinstance(record, SourceRecord) or record.stream != stream or not record.key:
            raise PluginError(
                f"plugin {plugin.name!r}: read({stream!r}) yielded a record without a key or of another stream"
            )
    if batch.cursor is not None and not isinstance(batch.cursor, str):
        raise PluginError(f"plugin {plugin.name!r}: cursors are strings (or None)")
    return batch


async def read_batches(
    plugin: SourcePlugin, context: SourceContext, stream: str, cursor: str | None
) -> AsyncIterator[SourceBatch]:
    """``plugin.read`` with every batch checked before the core stores it."""
    if stream not in plugin.streams:
        raise PluginError(
            f"plugin {plugin.name!r} does not read stream {stream!r} (it reads {', '.join(plugin.streams)})"
        )
    async for batch in plugin.read(context, stream, cursor):
        yield _check_batch(plugin, stream, batch)


async def fetch_record(
    plugin: SourcePlugin, context: SourceContext, stream: str, source_id: str
) -> SourceRecord | None:
    """``plugin.fetch`` for one record (a webhook's hint), checked like a batch."""
    if "fetch_by_id" not in plugin.capabilities:
        raise PluginError(f"plugin {plugin.name!r} cannot read single records (no fetch_by_id capability)")
    record = await plugin.fetch(context, stream, source_id)
    if record is not None:
        _check_batch(plugin, stream, SourceBatch(records=[record], cursor=None))
    return record


def normalize_record(plugin: SourcePlugin, record: SourceRecord) -> list[Document]:
    """``plugin.normalize`` with its output checked: canonical documents with unique keys."""
    try:
        documents = list(plugin.normalize(record))
    except Exception as error:
        raise PluginError(redact(f"plugin {plugin.name!r} could not normalise {record.key}: {error}")) from error
    keys = [getattr(document, "key", None) for document in documents]
    if not all(isinstance(d, _DOCUMENT_TYPES) for d in documents) or len(set(keys)) != len(keys) or None in keys:
        raise PluginError(
            f"plugin {plugin.name!r}: normalise({record.key}) must return canonical documents with unique keys"
        )
    return documents


def check_plan(plugin: SinkPlugin, document_key: str, plan: object) -> Plan:
    """Refuse a plan that is not for this document or whose operations come before what they depend on."""
    if not isinstance(plan, Plan) or plan.document_key != document_key:
        raise PluginError(f"plugin {plugin.name!r}: plan() must return a Plan for {document_key}")
    seen: set[str] = set()
    for operation in plan.operations:
        missing = set(operation.depends_on) - seen
        if operation.key in seen or missing:
            raise PluginError(f"plugin {plugin.name!r}: plan for {document_key} is out of order at {operation.key}")
        seen.add(operation.key)
    if not plan.operations and not plan.holds:
        raise PluginError(f"plugin {plugin.name!r}: plan for {document_key} neither posts nor says why not")
    return plan


async def plan_document(plugin: SinkPlugin, context: SinkContext, document: Document) -> Plan:
    if type(document).__struct_config__.tag not in plugin.accepts:  # type: ignore[attr-defined]
        raise PluginError(f"plugin {plugin.name!r} does not accept {type(document).__name__} documents")
    return check_plan(plugin, document.key, await plugin.plan(context, document))


async def deliver_plan(plugin: SinkPlugin, context: SinkContext, plan: Plan) -> Outcome:
    outcome = await plugin.deliver(context, plan)
    if not isinstance(outcome, Outcome):
        raise PluginError(f"plugin {plugin.name!r}: deliver() returned {type(outcome).__name__}, not an Outcome")
    return outcome


def supports(plugin: Plugin, hook: str) -> bool:
    """Whether a plugin overrides the optional ``hook`` (``sandbox``; for sinks ``credentials``, ``client_file``,
    ``catalog``)."""
    if hook == "sandbox":
        return type(plugin).sandbox is not Plugin.sandbox
    return isinstance(plugin, SinkPlugin) and getattr(type(plugin), hook) is not getattr(SinkPlugin, hook)


MIN_SANDBOX_INTERVAL = 1


async def sandbox_part(plugin: Plugin, context: SandboxContext) -> SandboxPart:
    """Hook ``sandbox``, checked: a valid connection config, settings for sinks only, job kinds the plugin owns
    on a positive rhythm. A plugin that breaks a rule stops the sandbox before anything is stored for it."""
    if not supports(plugin, "sandbox"):
        raise NotSupported(f"{plugin.title} offers no sandbox")
    part = await plugin.sandbox(context)
    if not isinstance(part, SandboxPart):
        raise PluginError(f"plugin {plugin.name!r}: sandbox() returned {type(part).__name__}, not a SandboxPart")
    problems = validate_config(plugin.config_schema, dict(part.config))
    if problems:
        listed = "; ".join(f"{p.field or 'config'} {p.message}" for p in problems)
        raise PluginError(f"plugin {plugin.name!r}: its sandbox connection does not fit its own schema: {listed}")
    if part.settings is not None and not isinstance(plugin, SinkPlugin):
        raise PluginError(f"plugin {plugin.name!r}: only sinks have posting settings")
    for job in part.jobs:
        if not job.kind.startswith(f"{plugin.name}.") or job.every_seconds < MIN_SANDBOX_INTERVAL:
            raise PluginError(
                f"plugin {plugin.name!r}: sandbox job {job.kind!r} must be one of its own kinds, every second or more"
            )
    return part


async def issue_credentials(plugin: SinkPlugin, context: PluginContext) -> dict[str, str]:
    """Hook ``credentials``; the values are remembered as secrets (masked in every log line from now on)."""
    if not supports(plugin, "credentials"):
        raise NotSupported(f"{plugin.title} issues no credentials")
    issued = dict(await plugin.credentials(context))
    if not issued or not all(isinstance(k, str) and isinstance(v, str) for k, v in issued.items()):
        raise PluginError(f"plugin {plugin.name!r}: credentials() must return names and values as text")
    for name, value in issued.items():
        if "password" in name or "secret" in name or "token" in name:
            remember(value)
    return issued


async def download_client_file(plugin: SinkPlugin, context: PluginContext) -> ClientFile:
    if not supports(plugin, "client_file"):
        raise NotSupported(f"{plugin.title} has no file to install")
    result = await plugin.client_file(context)
    if not isinstance(result, ClientFile) or not result.filename or "/" in result.filename:
        raise PluginError(f"plugin {plugin.name!r}: client_file() must return a ClientFile with a plain file name")
    return result


async def read_catalog(
    plugin: SinkPlugin, context: PluginContext, list_name: str, *, refresh: bool = False
) -> list[CatalogEntry]:
    if not supports(plugin, "catalog"):
        raise NotSupported(f"{plugin.title} has no lists to map onto")
    entries = list(await plugin.catalog(context, list_name, refresh=refresh))
    if not all(isinstance(entry, CatalogEntry) for entry in entries):
        raise PluginError(f"plugin {plugin.name!r}: catalog() must return CatalogEntry objects")
    return sorted(entries, key=lambda entry: entry.full_name.lower())
