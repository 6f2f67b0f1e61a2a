"""The sync engine's JSON API, under ``/api/tenants/{tenant_id}/sync/`` (documented in the OpenAPI at
``/schema``): status, documents and their audit trails, holds, actions, accounting and sync settings, SKU →
item mappings (JSON and CSV), the dry-run preview and the daily variance report.

Authorised exactly like the accounts API: a member's session cookie (unsafe requests also need the
``X-CSRF-Token`` header) or a tenant API token; reading needs any access, changing needs a member or a ``write``
token; another organisation's ids answer 404. Thin controllers: each opens a tenant-bound transaction and calls
one engine function.
"""

from mlconnector.platform.sync.api.actions import DocumentActionController
from mlconnector.platform.sync.api.documents import DocumentController
from mlconnector.platform.sync.api.holds import HoldController
from mlconnector.platform.sync.api.items import ItemMappingController
from mlconnector.platform.sync.api.preview import PreviewController
from mlconnector.platform.sync.api.settings import SettingsController
from mlconnector.platform.sync.api.status import SyncStatusController
from mlconnector.platform.sync.api.variance import VarianceController

ROUTES = [
    SyncStatusController,
    DocumentController,
    DocumentActionController,
    HoldController,
    SettingsController,
    ItemMappingController,
    PreviewController,
    VarianceController,
]

__all__ = ["ROUTES"]
