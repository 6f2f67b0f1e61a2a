"""The connector plugin API: everything a source or sink (ours or a partner's) may use from the core.

Connectors import from here and from :mod:`mlconnector.platform.documents`, nothing else of the core (a test
holds our own connectors to that). See ``docs/plugins.md``.
"""

from mlconnector.platform.cli.tenant_arg import resolve_tenant
from mlconnector.platform.db.base import Base, TenantScoped, new_id
from mlconnector.platform.db.engine import Database
from mlconnector.platform.db.rls import isolate_tenant_table, release_tenant_table
from mlconnector.platform.db.types import JSONDocument, UTCDateTime, utcnow
from mlconnector.platform.jobs import JobContext, JobHandler, PermanentJobError, RetryJob, enqueue
from mlconnector.platform.observability.instruments import (
    MetricLabelError,
    record_commerce_call,
    record_qbwc_session,
    record_soap_call,
)
from mlconnector.platform.plugins.base import (
    CAPABILITIES,
    ENTRY_POINT_GROUP,
    HOOKS,
    PLUGIN_API_VERSION,
    CatalogEntry,
    CheckResult,
    ClientFile,
    NotSupported,
    Plugin,
    SandboxJob,
    SandboxPart,
    SinkPlugin,
    SourcePlugin,
)
from mlconnector.platform.plugins.config import ConfigProblem, public_view, secret_fields, validate_config
from mlconnector.platform.plugins.context import PluginContext, SandboxContext, SinkContext, SourceContext
from mlconnector.platform.plugins.plan import Exchange, Hold, Operation, Outcome, Plan
from mlconnector.platform.plugins.records import SourceBatch, SourceRecord
from mlconnector.platform.redaction import Secret
from mlconnector.platform.settings import Settings
from mlconnector.platform.sync.actions import release_holds
from mlconnector.platform.sync.audit import record_audit
from mlconnector.platform.sync.connections import connection_config, is_sandbox_tenant
from mlconnector.platform.sync.ingest import IngestReport, ingest
from mlconnector.platform.sync.outcomes import report_outcome, report_outcomes
from mlconnector.platform.sync.records import StoredSummary, store_records
from mlconnector.platform.sync.sync_settings import PauseWindow, SyncSettings, get_sync_settings
from mlconnector.platform.vault.keyring import VaultError
from mlconnector.platform.vault.sealing import seal_value, unseal_value

__all__ = [
    "CAPABILITIES",
    "ENTRY_POINT_GROUP",
    "HOOKS",
    "PLUGIN_API_VERSION",
    "Base",
    "CatalogEntry",
    "CheckResult",
    "ClientFile",
    "ConfigProblem",
    "Database",
    "Exchange",
    "Hold",
    "IngestReport",
    "JSONDocument",
    "JobContext",
    "JobHandler",
    "MetricLabelError",
    "NotSupported",
    "Operation",
    "Outcome",
    "PauseWindow",
    "PermanentJobError",
    "Plan",
    "Plugin",
    "PluginContext",
    "RetryJob",
    "SandboxContext",
    "SandboxJob",
    "SandboxPart",
    "Secret",
    "Settings",
    "SinkContext",
    "SinkPlugin",
    "SourceBatch",
    "SourceContext",
    "SourcePlugin",
    "SourceRecord",
    "StoredSummary",
    "SyncSettings",
    "TenantScoped",
    "UTCDateTime",
    "VaultError",
    "connection_config",
    "enqueue",
    "get_sync_settings",
    "ingest",
    "is_sandbox_tenant",
    "isolate_tenant_table",
    "new_id",
    "public_view",
    "record_audit",
    "record_commerce_call",
    "record_qbwc_session",
    "record_soap_call",
    "release_holds",
    "release_tenant_table",
    "report_outcome",
    "report_outcomes",
    "resolve_tenant",
    "seal_value",
    "secret_fields",
    "store_records",
    "unseal_value",
    "utcnow",
    "validate_config",
]
