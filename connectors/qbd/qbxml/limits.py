"""The text policy for QuickBooks Desktop: field lengths, Windows-1252 transliteration, deterministic truncation.

QuickBooks Desktop stores Windows-1252 text only; anything else fails or comes back as ``?`` (qbwc/qbxml#8,
consolibyte/quickbooks-php#36), and strings over a field's length fail with 3070 or, worse, collide after
QuickBooks cuts them (the 3100 sample in NOTES.md 2.6). So every text field goes through :meth:`TextFitter.fit`,
which, in this order and always the same way:

1. drops control characters and, in single-line fields, folds every run of whitespace into one space;
2. keeps each character Windows-1252 can encode; replaces any other by its decomposition without accents
   (NFKD: ``ő`` → ``o``), else by its ASCII transliteration (anyascii: ``Ж`` → ``Zh``), else by ``?``;
3. cuts the result to the field's length (QuickBooks counts characters; Windows-1252 is one byte each) and strips
   trailing spaces.

Each change is recorded as a :class:`Substitution`, shown in the plan and stored with the write, while our own
database keeps the full original value. Lengths are Intuit's for QBD|QBCA|QBUK|QBAU from the SDK sample data
(``sdk-sample-data/qbxmlops130.xml``); a test checks every entry of :data:`LIMITS` against it.
"""

from __future__ import annotations

import re
import unicodedata

import msgspec
from anyascii import anyascii

_ADDRESS = {"Addr1": 41, "Addr2": 41, "Addr3": 41, "Addr4": 41, "Addr5": 41, "City": 31, "State": 21}
_ADDRESS |= {"PostalCode": 13, "Country": 31}


def _address(prefix: str) -> dict[str, int]:
    return {f"{prefix}/{name}": size for name, size in _ADDRESS.items()}


LIMITS: dict[str, int] = {
    "CustomerAddRq/CustomerAdd/Name": 41,
    "CustomerAddRq/CustomerAdd/CompanyName": 41,
    "CustomerAddRq/CustomerAdd/FirstName": 25,
    "CustomerAddRq/CustomerAdd/LastName": 25,
    "CustomerAddRq/CustomerAdd/Phone": 21,
    "CustomerAddRq/CustomerAdd/Email": 1023,
    "CustomerAddRq/CustomerAdd/Contact": 41,
    **_address("CustomerAddRq/CustomerAdd/BillAddress"),
    **_address("CustomerAddRq/CustomerAdd/ShipAddress"),
    "CustomerModRq/CustomerMod/Name": 41,
    "CustomerModRq/CustomerMod/CompanyName": 41,
    "CustomerModRq/CustomerMod/FirstName": 25,
    "CustomerModRq/CustomerMod/LastName": 25,
    "CustomerModRq/CustomerMod/Phone": 21,
    "CustomerModRq/CustomerMod/Email": 1023,
    "CustomerModRq/CustomerMod/Contact": 41,
    **_address("CustomerModRq/CustomerMod/BillAddress"),
    **_address("CustomerModRq/CustomerMod/ShipAddress"),
    "InvoiceAddRq/InvoiceAdd/CustomerRef/FullName": 209,
    "InvoiceAddRq/InvoiceAdd/ARAccountRef/FullName": 159,
    "InvoiceAddRq/InvoiceAdd/TemplateRef/FullName": 31,
    "InvoiceAddRq/InvoiceAdd/RefNumber": 11,
    **_address("InvoiceAddRq/InvoiceAdd/BillAddress"),
    **_address("InvoiceAddRq/InvoiceAdd/ShipAddress"),
    "InvoiceAddRq/InvoiceAdd/PONumber": 25,
    "InvoiceAddRq/InvoiceAdd/Memo": 4095,
    "InvoiceAddRq/InvoiceAdd/InvoiceLineAdd/Desc": 4095,
    "InvoiceAddRq/InvoiceAdd/InvoiceLineAdd/SalesTaxCodeRef/FullName": 3,
    "CreditMemoAddRq/CreditMemoAdd/CustomerRef/FullName": 209,
    "CreditMemoAddRq/CreditMemoAdd/ARAccountRef/FullName": 159,
    "CreditMemoAddRq/CreditMemoAdd/TemplateRef/FullName": 31,
    "CreditMemoAddRq/CreditMemoAdd/RefNumber": 11,
    **_address("CreditMemoAddRq/CreditMemoAdd/BillAddress"),
    **_address("CreditMemoAddRq/CreditMemoAdd/ShipAddress"),
    "CreditMemoAddRq/CreditMemoAdd/PONumber": 25,
    "CreditMemoAddRq/CreditMemoAdd/Memo": 4095,
    "CreditMemoAddRq/CreditMemoAdd/CreditMemoLineAdd/Desc": 4095,
    "CreditMemoAddRq/CreditMemoAdd/CreditMemoLineAdd/SalesTaxCodeRef/FullName": 3,
    "SalesReceiptAddRq/SalesReceiptAdd/CustomerRef/FullName": 209,
    "SalesReceiptAddRq/SalesReceiptAdd/TemplateRef/FullName": 31,
    "SalesReceiptAddRq/SalesReceiptAdd/RefNumber": 11,
    **_address("SalesReceiptAddRq/SalesReceiptAdd/BillAddress"),
    **_address("SalesReceiptAddRq/SalesReceiptAdd/ShipAddress"),
    "SalesReceiptAddRq/SalesReceiptAdd/CheckNumber": 25,
    "SalesReceiptAddRq/SalesReceiptAdd/PaymentMethodRef/FullName": 31,
    "SalesReceiptAddRq/SalesReceiptAdd/Memo": 4095,
    "SalesReceiptAddRq/SalesReceiptAdd/DepositToAccountRef/FullName": 159,
    "SalesReceiptAddRq/SalesReceiptAdd/SalesReceiptLineAdd/Desc": 4095,
    "SalesReceiptAddRq/SalesReceiptAdd/SalesReceiptLineAdd/SalesTaxCodeRef/FullName": 3,
    "ReceivePaymentAddRq/ReceivePaymentAdd/CustomerRef/FullName": 209,
    "ReceivePaymentAddRq/ReceivePaymentAdd/ARAccountRef/FullName": 159,
    "ReceivePaymentAddRq/ReceivePaymentAdd/RefNumber": 20,
    "ReceivePaymentAddRq/ReceivePaymentAdd/PaymentMethodRef/FullName": 31,
    "ReceivePaymentAddRq/ReceivePaymentAdd/Memo": 4095,
    "ReceivePaymentAddRq/ReceivePaymentAdd/DepositToAccountRef/FullName": 159,
}
"""Maximum characters per field, keyed by the field's path below ``QBXMLMsgsRq``."""

MULTILINE = frozenset(path for path in LIMITS if path.endswith(("/Memo", "/Desc")))
"""Fields where line breaks are kept (everything else is a single line in QuickBooks)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_LINE_SPACES = re.compile(r"[^\S\n]+")


class Substitution(msgspec.Struct, frozen=True, kw_only=True):
    """One change the text policy made to a value before it could be sent."""

    field: str
    original: str
    sent: str
    reasons: tuple[str, ...]
    """``cleaned`` (control characters or spacing), ``transliterated``, ``truncated``."""


def _cp1252(character: str) -> bool:
    try:
        character.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def transliterate(text: str) -> str:
    """Each character outside Windows-1252 replaced deterministically (see the module docstring)."""
    if all(_cp1252(character) for character in text):
        return text
    out = []
    for character in text:
        if _cp1252(character):
            out.append(character)
            continue
        stripped = "".join(c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c))
        if stripped and all(_cp1252(c) for c in stripped):
            out.append(stripped)
            continue
        ascii_form = anyascii(character)
        out.append(ascii_form if ascii_form and ascii_form.isprintable() else "?")
    return "".join(out)


def clean(text: str, *, multiline: bool) -> str:
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text))
    if multiline:
        text = "\n".join(_LINE_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n"))
        return text.strip()
    return _SPACES.sub(" ", text).strip()


def limit_of(field: str) -> int:
    try:
        return LIMITS[field]
    except KeyError:
        raise KeyError(f"no length limit is recorded for qbXML field {field}") from None


class TextFitter:
    """Applies the policy field by field and remembers every substitution it made (for the plan and the audit)."""

    __slots__ = ("substitutions",)

    def __init__(self) -> None:
        self.substitutions: list[Substitution] = []

    def fit(self, field: str, value: str | None) -> str | None:
        """``value`` made safe for ``field``; ``None`` when nothing is left to send."""
        if value is None:
            return None
        reasons = []
        cleaned = clean(value, multiline=field in MULTILINE)
        if cleaned != value.strip():
            reasons.append("cleaned")
        converted = transliterate(cleaned)
        if converted != cleaned:
            reasons.append("transliterated")
        size = limit_of(field)
        fitted = converted[:size].rstrip() if len(converted) > size else converted
        if fitted != converted:
            reasons.append("truncated")
        if reasons:
            self.substitutions.append(Substitution(field=field, original=value, sent=fitted, reasons=tuple(reasons)))
        return fitted or None
