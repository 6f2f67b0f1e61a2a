"""The .qwc file a merchant adds to the QuickBooks Web Connector: one per tenant (its own UserName and FileID).

Fields as in Intuit's and quickbooks-php's files (shared/reference/qbd/qwc). The OwnerID identifies the product and
never changes; the FileID is per tenant, stamped into the company file by the Web Connector, and is how we later
recognise the right company file (session/pinning.py). The AppURL must be https unless the host is local, or the
Web Connector refuses the file (QBWC1051).
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from lxml import etree

OWNER_ID = "{8C1D9E5A-3F4B-4A7E-9C2D-6B5A4E3F2D1C}"
"""ml-connector's OwnerID. Changing it would orphan every FileID already stamped into merchants' company files."""
APP_NAME = "ml-connector"
CONTENT_TYPE = "application/x-qwc"
ENDPOINT_PATH = "/connectors/qbd/qbwc"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class QwcError(ValueError):
    """The .qwc cannot be made as asked; the message says which setting to change."""


def new_file_id() -> str:
    return "{" + str(uuid.uuid4()).upper() + "}"


def endpoint(public_base_url: str) -> str:
    """The AppURL: https, or http on the local machine only (the Web Connector's rule)."""
    parts = urlsplit(public_base_url)
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS):
        raise QwcError(
            f"PUBLIC_BASE_URL is {public_base_url!r}: the QuickBooks Web Connector only connects over https "
            "(plain http is allowed for localhost only)"
        )
    return public_base_url.rstrip("/") + ENDPOINT_PATH


def qwc_file(
    *, public_base_url: str, username: str, file_id: str, run_every_minutes: int, company: str | None = None
) -> bytes:
    url = endpoint(public_base_url)
    root = etree.Element("QBWCXML")
    description = "Posts Adobe Commerce invoices, payments and credit memos into QuickBooks"
    values = [
        ("AppName", f"{APP_NAME} ({company})" if company else APP_NAME),
        ("AppID", ""),
        ("AppURL", url),
        ("AppDescription", description),
        ("AppSupport", url + "?wsdl"),
        ("UserName", username),
        ("OwnerID", OWNER_ID),
        ("FileID", file_id),
        ("QBType", "QBFS"),
        ("Style", "Document"),
    ]
    for tag, text in values:
        etree.SubElement(root, tag).text = text
    scheduler = etree.SubElement(root, "Scheduler")
    etree.SubElement(scheduler, "RunEveryNMinutes").text = str(run_every_minutes)
    etree.SubElement(root, "IsReadOnly").text = "false"
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
