"""PreferencesQuery: company preferences, among them the closing date (AccountingPreferences/ClosingDate).

The Web Connector already runs this query itself and hands us the answer in ``strHCPResponse`` at the start of each
session; this request refreshes it mid-session when needed.
"""

from __future__ import annotations

from lxml import etree

from mlconnector.connectors.qbd.qbxml.request import BuiltRequest, built


def preferences_query() -> BuiltRequest:
    return built(etree.Element("PreferencesQueryRq"))
