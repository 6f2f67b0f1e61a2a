"""Company-file pinning: the first session records which company file this tenant posts into; a later session
from another file is refused, so a write never lands in the wrong books (a restored backup, the sample company,
another client's file).

The strongest evidence is our FileID: the Web Connector stamps the .qwc's FileID into the company file as a DataExt
under our OwnerID and reports it in ``strHCPResponse`` (Intuit ``WCWebService/readme.txt``). A file stamped with
another connection's FileID is never ours. Without a FileID the company name decides, and without an
``strHCPResponse`` the file path.
"""

from __future__ import annotations

import msgspec

from mlconnector.connectors.qbd.qbxml.guids import same_guid
from mlconnector.connectors.qbd.qbxml.hcp import CompanyFile


class Pinned(msgspec.Struct, frozen=True, kw_only=True):
    file_id: str
    """This connection's .qwc FileID."""
    company_name: str | None = None
    company_file_id: str | None = None
    company_path: str | None = None

    @property
    def is_pinned(self) -> bool:
        return bool(self.company_name or self.company_path or self.company_file_id)


class PinCheck(msgspec.Struct, frozen=True, kw_only=True):
    ok: bool
    first: bool = False
    reason: str | None = None
    """For the merchant, when refused: what we saw and what to do."""


def _describe(company: CompanyFile | None, path: str | None) -> str:
    name = company.company_name if company and company.company_name else "an unnamed company"
    return f'"{name}"' + (f" ({path})" if path else "")


def check(pinned: Pinned, company: CompanyFile | None, path: str | None, owner_id: str) -> PinCheck:
    seen_file_id = company.file_id_for(owner_id) if company else None
    pinned_name = pinned.company_name or "the pinned company"
    refused = (
        f"The Web Connector opened {_describe(company, path)}, but this connection posts into "
        f'"{pinned_name}". Open the right company file in QuickBooks and run the update again; '
        "if the company file really changed, reset the pinned company in ml-connector first."
    )
    if seen_file_id and not same_guid(seen_file_id, pinned.file_id):
        other = (
            f"The Web Connector opened {_describe(company, path)}, which is registered to another ml-connector "
            "connection. Open this connection's company file in QuickBooks, or add this connection's .qwc to it."
        )
        return PinCheck(ok=False, reason=other)
    if not pinned.is_pinned:
        return PinCheck(ok=True, first=True)
    if seen_file_id:
        return PinCheck(ok=True)
    if company is not None and company.company_name:
        if pinned.company_name and company.company_name.casefold() != pinned.company_name.casefold():
            return PinCheck(ok=False, reason=refused)
        return PinCheck(ok=True)
    if path and pinned.company_path and path.casefold() != pinned.company_path.casefold():
        return PinCheck(ok=False, reason=refused)
    return PinCheck(ok=True)
