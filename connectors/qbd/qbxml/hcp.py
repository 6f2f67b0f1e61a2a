"""What ``strHCPResponse`` tells us: the Web Connector's own HostQuery, CompanyQuery and PreferencesQuery answers.

QBWC sends it on the first sendRequestXML of each session (the 2008 capture). It names the product and country,
the qbXML versions QuickBooks supports, the company, our FileID stamped into the company file as a DataExt under
our OwnerID (Intuit ``WCWebService/readme.txt``), and preferences such as the closing date. Read tolerantly: the one
public QuickBooks 2014 sample is not even well-formed (samples/extracted).
"""

from __future__ import annotations

from datetime import date

import msgspec

from mlconnector.connectors.qbd.qbxml.envelope import parse_version
from mlconnector.connectors.qbd.qbxml.guids import same_guid
from mlconnector.connectors.qbd.qbxml.responses import answers_in, text_of
from mlconnector.connectors.qbd.xmlsafe import UnsafeXML, parse_text

MAX_HCP_CHARS = 4 * 1024 * 1024


class CompanyFile(msgspec.Struct, frozen=True, kw_only=True):
    product: str | None = None
    country: str | None = None
    supported_versions: tuple[str, ...] = ()
    file_mode: str | None = None
    automatic_login: bool | None = None
    company_name: str | None = None
    is_sample_company: bool | None = None
    file_ids: dict[str, str] = {}
    """FileID DataExt values by OwnerID (upper-cased GUIDs)."""
    closing_date: date | None = None

    @property
    def highest_version(self) -> str | None:
        valid = []
        for text in self.supported_versions:
            try:
                valid.append((parse_version(text), text))
            except ValueError:
                continue
        return max(valid)[1] if valid else None

    def file_id_for(self, owner_id: str) -> str | None:
        return next((value for owner, value in self.file_ids.items() if same_guid(owner, owner_id)), None)


def _bool(text: str | None) -> bool | None:
    return None if text is None else text.strip().lower() == "true"


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def parse_hcp(text: str) -> CompanyFile | None:
    """``None`` when the text holds nothing readable (an empty ``strHCPResponse`` on later calls)."""
    if not text or not text.strip():
        return None
    try:
        root = parse_text(text, limit=MAX_HCP_CHARS, recover=True)
    except UnsafeXML:
        return None
    fields: dict = {}
    for answer in answers_in(root):
        for ret in answer.rets:
            if ret.tag == "HostRet":
                fields["product"] = text_of(ret, "ProductName")
                fields["country"] = text_of(ret, "Country")
                versions = ret.findall("SupportedQBXMLVersion")
                fields["supported_versions"] = tuple(v.text.strip() for v in versions if v.text and v.text.strip())
                fields["file_mode"] = text_of(ret, "QBFileMode")
                fields["automatic_login"] = _bool(text_of(ret, "IsAutomaticLogin"))
            elif ret.tag == "CompanyRet":
                fields["company_name"] = text_of(ret, "CompanyName")
                fields["is_sample_company"] = _bool(text_of(ret, "IsSampleCompany"))
                fields["file_ids"] = {
                    (text_of(ext, "OwnerID") or "").upper(): text_of(ext, "DataExtValue") or ""
                    for ext in ret.findall("DataExtRet")
                    if text_of(ext, "DataExtName") == "FileID"
                }
            elif ret.tag == "PreferencesRet":
                fields["closing_date"] = _date(text_of(ret, "AccountingPreferences/ClosingDate"))
    return CompanyFile(**fields) if fields else None
