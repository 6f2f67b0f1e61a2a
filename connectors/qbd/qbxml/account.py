"""AccountQuery: the chart of accounts (to check the deposit and A/R accounts the settings name)."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from mlconnector.connectors.qbd.qbxml.elements import child
from mlconnector.connectors.qbd.qbxml.request import BuiltRequest, built


def account_query(*, full_names: Sequence[str] = ()) -> BuiltRequest:
    request = etree.Element("AccountQueryRq")
    for name in full_names:
        child(request, "FullName", name)
    if not full_names:
        child(request, "ActiveStatus", "All")
    return built(request)
