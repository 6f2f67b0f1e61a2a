"""The simulator's ``strHCPResponse``: HostQuery, CompanyQuery and PreferencesQuery answers in the shape of the
2008 capture (samples/qbwc-capture-2008) and the QuickBooks 2014 sample (samples/extracted)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from mlconnector.connectors.qbd.qbxml.envelope import parse_version

if TYPE_CHECKING:
    from mlconnector.connectors.qbd.simulator.company import QuickBooksSimulator

ALL_VERSIONS = (
    "1.0",
    "1.1",
    "2.0",
    "2.1",
    "3.0",
    "4.0",
    "4.1",
    "5.0",
    "6.0",
    "7.0",
    "8.0",
    "9.0",
    "10.0",
    "11.0",
    "12.0",
    "13.0",
)


def _child(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    node = etree.SubElement(parent, tag)
    if text is not None:
        node.text = text
    return node


def host_ret(sim: QuickBooksSimulator) -> etree._Element:
    ret = etree.Element("HostRet")
    _child(ret, "ProductName", sim.product)
    _child(ret, "MajorVersion", "24")
    _child(ret, "MinorVersion", "0")
    _child(ret, "Country", sim.country)
    for version in ALL_VERSIONS:
        if parse_version(version) <= parse_version(sim.max_version):
            _child(ret, "SupportedQBXMLVersion", version)
    _child(ret, "IsAutomaticLogin", "false")
    _child(ret, "QBFileMode", "SingleUser")
    return ret


def company_ret(sim: QuickBooksSimulator) -> etree._Element:
    ret = etree.Element("CompanyRet")
    _child(ret, "IsSampleCompany", "false")
    _child(ret, "CompanyName", sim.company_name)
    _child(ret, "LegalCompanyName", sim.company_name)
    for owner, file_id in sim.file_ids.items():
        ext = _child(ret, "DataExtRet")
        _child(ext, "OwnerID", owner)
        _child(ext, "DataExtName", "FileID")
        _child(ext, "DataExtType", "STR255TYPE")
        _child(ext, "DataExtValue", file_id)
    return ret


def preferences_ret(sim: QuickBooksSimulator) -> etree._Element:
    ret = etree.Element("PreferencesRet")
    accounting = _child(ret, "AccountingPreferences")
    for tag, value in (
        ("IsUsingAccountNumbers", "false"),
        ("IsRequiringAccounts", "true"),
        ("IsUsingClassTracking", "false"),
        ("IsUsingAuditTrail", "true"),
        ("IsAssigningJournalEntryNumbers", "true"),
    ):
        _child(accounting, tag, value)
    if sim.closing_date is not None:
        _child(accounting, "ClosingDate", sim.closing_date.isoformat())
    return ret


def hcp_response(sim: QuickBooksSimulator) -> str:
    root = etree.Element("QBXML")
    messages = _child(root, "QBXMLMsgsRs")
    for number, (kind, ret) in enumerate(
        (("HostQuery", host_ret(sim)), ("CompanyQuery", company_ret(sim)), ("PreferencesQuery", preferences_ret(sim)))
    ):
        answer = _child(messages, f"{kind}Rs")
        for name, value in (
            ("requestID", str(number)),
            ("statusCode", "0"),
            ("statusSeverity", "Info"),
            ("statusMessage", "Status OK"),
        ):
            answer.set(name, value)
        answer.append(ret)
    return '<?xml version="1.0" ?>\n' + etree.tostring(root, encoding="unicode", pretty_print=True)
