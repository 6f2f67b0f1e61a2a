"""The connector plugin contract: what a source or sink declares and which hooks it may implement.

A plugin is a class, registered in the entry-point group ``mlconnector.connectors`` under its :attr:`name`. The
core instantiates it once per process with no arguments; per-tenant state comes in through the context objects.
Every hook listed in :data:`HOOKS` is documented in ``docs/plugins.md`` and exercised by a test named
``test_hook_<name>`` (a meta-test keeps both true).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:
    import click

    from mlconnector.platform.documents import Document
    from mlconnector.platform.jobs.registry import JobHandler
    from mlconnector.platform.plugins.config import ConfigProblem
    from mlconnector.platform.plugins.context import PluginContext, SandboxContext, SinkContext, SourceContext
    from mlconnector.platform.plugins.plan import Outcome, Plan
    from mlconnector.platform.plugins.records import SourceBatch, SourceRecord

PLUGIN_API_VERSION = "1.4"
"""``major.minor``. A plugin declaring the same major and a minor no newer than this loads."""

ENTRY_POINT_GROUP = "mlconnector.connectors"

HOOKS = (
    "check",
    "validate",
    "read",
    "fetch",
    "normalize",
    "plan",
    "deliver",
    "routes",
    "cli",
    "migrations",
    "jobs",
    "credentials",
    "client_file",
    "catalog",
    "sandbox",
)
"""Every hook of the plugin API (see docs/plugins.md)."""

Capability = Literal[
    "incremental", "backfill", "webhooks", "fetch_by_id", "deferred_delivery", "direct_delivery", "preview"
]
CAPABILITIES: frozenset[str] = frozenset(Capability.__args__)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The answer to "do these credentials work?", phrased for the merchant.

    ``problem`` is a short machine-readable code (``bad_credentials``, ``unreachable``, ``tls``, ``timeout``,
    ``not_found``, ``clock_skew``, ``forbidden``, ``invalid_config``); ``message`` is a sentence saying what is wrong
    and what to do, never containing a secret.
    """

    ok: bool
    message: str
    problem: str | None = None
    details: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def success(cls, message: str, **details: str) -> CheckResult:
        return cls(True, message, None, details)

    @classmethod
    def failure(cls, problem: str, message: str, **details: str) -> CheckResult:
        return cls(False, message, problem, details)


@dataclass(frozen=True, slots=True)
class ClientFile:
    """A file the merchant downloads and installs on their side (the QuickBooks Web Connector's .qwc)."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One object of the outside system's lists that documents map onto (an item, a payment method, an account)."""

    name: str
    full_name: str
    kind: str | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class SandboxJob:
    """Background work a sandbox needs on a rhythm (the simulated Web Connector's update cycle): the core keeps
    one schedule per sandbox tenant and job, each tick running once across all workers."""

    kind: str
    """A job kind this plugin registers through ``jobs`` (so it starts with ``<name>.``)."""
    every_seconds: int
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SandboxPart:
    """One plugin's share of a sandbox tenant: the connection it runs on, its settings and jobs, and facts for the
    plugins set up after it (sources come first, so a sink can stock its simulated books with the store's SKUs)."""

    config: Mapping[str, Any]
    """The sandbox connection, validated against ``config_schema`` and stored like any other (secrets sealed)."""
    settings: Mapping[str, Any] | None = None
    """Sinks: posting settings for the simulated books (``settings_schema``)."""
    jobs: tuple[SandboxJob, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)
    """JSON-like values later plugins read from ``SandboxContext.facts`` (documented per fact in plugins.md)."""


class NotSupported(Exception):
    """The plugin does not offer this optional hook."""


class Plugin:
    """Common declarations of sources and sinks. Subclass :class:`SourcePlugin` or :class:`SinkPlugin`."""

    kind: ClassVar[Literal["source", "sink"]]
    name: ClassVar[str]
    """Unique, lower-case, ``[a-z][a-z0-9_-]*``; also the entry-point name."""
    title: ClassVar[str]
    """What a merchant sees ("Adobe Commerce")."""
    plugin_api_version: ClassVar[str]
    config_schema: ClassVar[Mapping[str, Any]]
    """A JSON Schema (draft 2020-12) object for one tenant's connection. Properties with ``"secret": true`` are
    stored only in the vault, are write-only through the API and pages, and reach the plugin as
    :class:`~mlconnector.platform.redaction.Secret`."""
    capabilities: ClassVar[frozenset[str]] = frozenset()

    async def check(self, config: Mapping[str, Any]) -> CheckResult:
        """Hook ``check``: one cheap authenticated call to the outside system. Never raises for a bad config,
        unreachable host or rejected credential; answers a :class:`CheckResult` instead."""
        raise NotImplementedError

    def validate(self, config: Mapping[str, Any], *, sandbox: bool) -> Sequence[ConfigProblem]:
        """Hook ``validate`` (added in 1.4): what the schema cannot say about a config that passed it, such as a
        connection to this plugin's simulated counterpart, which only a sandbox tenant (``sandbox``) may use. The
        core calls it whenever a connection is saved or tested; each problem names its field in a sentence."""
        return ()

    def routes(self) -> Sequence[Any]:
        """Hook ``routes``: Litestar route handlers or controllers, mounted under ``/connectors/<name>``."""
        return ()

    def cli(self) -> Sequence[click.Command]:
        """Hook ``cli``: click commands added to ``mlc`` (names must not collide with the core's)."""
        return ()

    def migrations(self) -> Path | None:
        """Hook ``migrations``: a folder of Alembic revisions for the plugin's own tables (branch label = name)."""
        return None

    def jobs(self) -> Iterable[JobHandler]:
        """Hook ``jobs``: background job handlers; their kinds must start with ``<name>.``."""
        return ()

    async def sandbox(self, context: SandboxContext) -> SandboxPart:
        """Hook ``sandbox`` (optional): wire a new sandbox tenant to this plugin's simulated counterpart (a fake
        store, simulated books) — never to a real system — and say which jobs keep it moving."""
        raise NotSupported("sandbox")


class SourcePlugin(Plugin):
    """Reads records from an outside system, incrementally, with a cursor the core stores for it."""

    kind: ClassVar[Literal["source", "sink"]] = "source"
    streams: ClassVar[tuple[str, ...]] = ()
    """The record kinds this source reads (``order``, ``invoice``, ``credit_memo``, ``customer``, ``product``)."""

    def read(self, context: SourceContext, stream: str, cursor: str | None) -> AsyncIterator[SourceBatch]:
        """Hook ``read``: yield batches of records changed since ``cursor`` (``None``: from the beginning).

        Each batch carries the cursor to resume *after* it; the core stores the records, then the cursor, so a
        crash re-reads at most one batch. Records may repeat across reads (the core deduplicates by key and
        content hash); none may be skipped.
        """
        raise NotImplementedError

    async def fetch(self, context: SourceContext, stream: str, source_id: str) -> SourceRecord | None:
        """Hook ``fetch``: read one record by its id (a webhook is a hint; this read is the truth)."""
        return None

    def normalize(self, record: SourceRecord) -> Sequence[Document]:
        """Hook ``normalize``: turn one raw record into canonical documents. Pure: no I/O, same input, same output."""
        raise NotImplementedError


class SinkPlugin(Plugin):
    """Writes canonical documents into an outside system."""

    kind: ClassVar[Literal["source", "sink"]] = "sink"
    accepts: ClassVar[frozenset[str]] = frozenset()
    """The document types this sink posts (``customer``, ``invoice``, ``payment``, ``credit_memo``, ``order``)."""
    settings_schema: ClassVar[Mapping[str, Any]] = {"type": "object"}
    """JSON Schema of the tenant's posting settings for this sink (accounting choices). Defaults come from the
    schema's ``default`` keywords; the engine hands the merged settings to ``plan``/``deliver`` as
    ``context.settings``."""

    async def plan(self, context: SinkContext, document: Document) -> Plan:
        """Hook ``plan``: the exact operations that would post ``document``, in dependency order, or the holds
        that stop it. Deterministic; writes nothing outside. The dry-run preview shows this plan."""
        raise NotImplementedError

    async def deliver(self, context: SinkContext, plan: Plan) -> Outcome:
        """Hook ``deliver``: carry a plan out (``direct_delivery``) or queue it for the outside system to collect
        (``deferred_delivery``, as the Web Connector does); the outcome says which."""
        raise NotImplementedError

    async def credentials(self, context: PluginContext) -> Mapping[str, str]:
        """Hook ``credentials`` (optional): issue (or replace) the credential the outside system uses to reach us,
        returned once for the merchant to copy (the Web Connector's user name and password). Only a hash is kept."""
        raise NotSupported("credentials")

    async def client_file(self, context: PluginContext) -> ClientFile:
        """Hook ``client_file`` (optional): the file the merchant installs on their side (a .qwc)."""
        raise NotSupported("client_file")

    async def catalog(self, context: PluginContext, list_name: str, *, refresh: bool = False) -> list[CatalogEntry]:
        """Hook ``catalog`` (optional): the outside system's list ``items``, ``payment_methods`` or ``accounts`` as
        last read, for mapping suggestions; ``refresh=True`` also asks for a fresh read (which may complete later,
        e.g. at the next Web Connector contact)."""
        raise NotSupported("catalog")
