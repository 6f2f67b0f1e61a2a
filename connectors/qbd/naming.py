"""Deterministic QuickBooks names and numbers for Commerce records: customer Names from the settings' template, and
RefNumbers within QuickBooks' limits (11 characters for invoices, credit memos and sales receipts, 20 for payments).
"""

from __future__ import annotations

import re

from mlconnector.connectors.qbd.qbxml.limits import Substitution, TextFitter
from mlconnector.connectors.qbd.settings import PostingSettings
from mlconnector.platform.documents import Party

_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")
NAME_FIELD = "CustomerAddRq/CustomerAdd/Name"


def customer_ref(party: Party) -> str:
    """The Commerce customer id (``customer:<site>:<id>``), or the e-mail address of a guest."""
    if party.is_guest or party.key.startswith("guest:"):
        return party.email or party.key.split(":", 1)[-1]
    return party.key.rsplit(":", 1)[-1]


def customer_name(party: Party, settings: PostingSettings) -> tuple[str, list[Substitution]]:
    """The customer's QuickBooks Name. Colons are replaced (QuickBooks reads them as Parent:Child)."""
    person = ", ".join(part for part in (party.last_name, party.first_name) if part and part.strip())
    text = settings.customer_name.format(
        first_name=party.first_name or "",
        last_name=party.last_name or "",
        company=party.company or "",
        email=party.email or "",
        ref=customer_ref(party),
        name=person or party.company or party.email or "",
    )
    text = _EMPTY_BRACKETS.sub("", text).replace(":", "-")
    text = re.sub(r"\s+", " ", text).strip(" ,;-")
    if not text:
        text = f"Commerce customer {customer_ref(party)}"
    fitter = TextFitter()
    fitted = fitter.fit(NAME_FIELD, text) or f"Commerce {customer_ref(party)}"[:41]
    return fitted, fitter.substitutions


def ref_number(number: str, settings: PostingSettings, field: str, limit: int) -> tuple[str | None, str | None]:
    """``(RefNumber, None)``, or ``(None, reason)`` when the number does not fit and the policy is to hold."""
    raw = f"{settings.ref_number_prefix}{number}"
    if len(raw) <= limit:
        return raw, None
    if settings.ref_number_overflow == "tail":
        return raw[-limit:], None
    reason = (
        f"Number {raw} is longer than the {limit} characters QuickBooks allows in {field}; shorten the prefix or "
        'choose the "tail" RefNumber policy'
    )
    return None, reason
