"""PaymentMethodQuery: the payment methods Commerce payment codes may be mapped to."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from mlconnector.connectors.qbd.qbxml.elements import child
from mlconnector.connectors.qbd.qbxml.request import BuiltRequest, built


def payment_method_query(*, full_names: Sequence[str] = ()) -> BuiltRequest:
    request = etree.Element("PaymentMethodQueryRq")
    for name in full_names:
        child(request, "FullName", name)
    if not full_names:
        child(request, "ActiveStatus", "All")
    return built(request)
