"""Deterministic QuickBooks names and numbers for Commerce records: customer Names from the settings' template, and
RefNumbers within QuickBooks' limits (11 characters for invoices, credit memos and sales receipts, 20 for payments).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mlconnector.connectors.qbd.qbxml.limits import LIMITS, Substitution, TextFitter
from mlconnector.connectors.qbd.settings import PostingSettings
from mlconnector.platform.documents import Party

_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")
NAME_FIELD = "CustomerAddRq/CustomerAdd/Name"
MAX_SUFFIX = 9999
"""``Base (9999)``: the most namesakes one base name is numbered up to; past it a customer is held (name_in_use)."""


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


def suffixed(base: str, number: int) -> str:
    """``Base`` for 1, else ``Base (n)`` within QuickBooks' 41-character customer Name: the base is cut to make
    room, never the number."""
    if number <= 1:
        return base
    suffix = f" ({number})"
    return base[: LIMITS[NAME_FIELD] - len(suffix)].rstrip() + suffix


def namesake_prefix(base: str) -> str:
    """What ``Base`` and every ``Base (n)`` up to :data:`MAX_SUFFIX` start with, so one StartsWith filter finds
    them all, even when a long base is cut shorter to make room for a longer number."""
    longest = f" ({MAX_SUFFIX})"
    return suffixed(base, MAX_SUFFIX)[: -len(longest)]


def first_free(base: str, taken: Iterable[str]) -> str | None:
    """The lowest of ``Base``, ``Base (2)``, ``Base (3)`` … that is not ``taken`` (QuickBooks compares names
    without case), or ``None`` when all up to :data:`MAX_SUFFIX` are. A hole (a namesake deleted or renamed in
    QuickBooks) is reused: the name is free there, and we refer to every customer by ListID, never by name."""
    used = {name.casefold() for name in taken}
    for number in range(1, min(MAX_SUFFIX, len(used) + 1) + 1):  # one of len(used) + 1 distinct names is free
        name = suffixed(base, number)
        if name.casefold() not in used:
            return name
    return None


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
