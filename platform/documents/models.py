"""Canonical document types (msgspec structs: immutable, typed, fast to encode and to validate on decode)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import msgspec

ZERO = Decimal("0.00")


class Address(msgspec.Struct, frozen=True, kw_only=True):
    """A postal address as the buyer typed it (a sink applies its own length limits)."""

    name: str | None = None
    company: str | None = None
    lines: tuple[str, ...] = ()
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    """ISO 3166-1 alpha-2."""
    phone: str | None = None


class Party(msgspec.Struct, frozen=True, kw_only=True):
    """The buyer as named on a document. Guests have no account: ``is_guest`` and a key built from the email."""

    key: str
    """Stable: ``customer:<website or store>:<customer id>`` for accounts, ``guest:<lower-cased email>`` for guests."""
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    phone: str | None = None
    is_guest: bool = False
    billing: Address | None = None
    shipping: Address | None = None


class Line(msgspec.Struct, frozen=True, kw_only=True):
    """One top-level sold line (a configurable or bundle parent, never also its children)."""

    key: str
    """Stable within the document (the source's item id)."""
    sku: str
    name: str
    quantity: Decimal
    unit_price: Decimal
    """Excluding tax, before discount."""
    amount: Decimal
    """``quantity × unit_price`` as the source computed it (its row total), excluding tax, before discount."""
    discount: Decimal = ZERO
    """Positive amount taken off this line."""
    tax: Decimal = ZERO
    tax_percent: Decimal | None = None


class _Sales(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    """Stable document key, e.g. ``invoice:<store id>:<increment id>``."""
    number: str
    """The number the merchant sees (``increment_id``)."""
    source_id: str
    """The source's internal id (``entity_id``), for reading it again."""
    store_id: str
    date: date
    """The accounting date (in the store's time zone)."""
    currency: str
    customer: Party
    lines: tuple[Line, ...] = ()
    shipping: Decimal = ZERO
    """Shipping charged, excluding tax, before shipping discount."""
    shipping_discount: Decimal = ZERO
    shipping_tax: Decimal = ZERO
    discount_total: Decimal = ZERO
    """Positive total taken off (lines and shipping)."""
    tax_total: Decimal = ZERO
    subtotal: Decimal = ZERO
    """Sum of line amounts, excluding tax and discount."""
    grand_total: Decimal = ZERO
    """What the buyer pays: subtotal − discount + shipping + tax (+ adjustments on credit memos)."""
    billing_address: Address | None = None
    shipping_address: Address | None = None
    updated_at: datetime | None = None
    memo: str | None = None


class Customer(msgspec.Struct, frozen=True, kw_only=True, tag="customer"):
    """A buyer to create or update as a customer record of its own."""

    key: str
    party: Party
    store_id: str | None = None
    updated_at: datetime | None = None


class Order(_Sales, frozen=True, kw_only=True, tag="order"):
    """A placed order. Posting happens from its invoices; the order itself carries status and payment method."""

    state: str
    status: str
    payment_method: str | None = None
    canceled: bool = False


class Payment(msgspec.Struct, frozen=True, kw_only=True, tag="payment"):
    """Money received against an invoice (only a captured invoice produces one)."""

    key: str
    number: str
    """A reference the merchant recognises (the invoice number, or the gateway transaction id)."""
    invoice_key: str
    store_id: str
    date: date
    currency: str
    amount: Decimal
    customer: Party
    method: str
    """The source's payment method code (``checkmo``, ``braintree``…), mapped by the sink."""
    method_title: str | None = None
    transaction_id: str | None = None


class Invoice(_Sales, frozen=True, kw_only=True, tag="invoice"):
    """A sales invoice. ``payment`` is set only when the source captured the money."""

    order_key: str
    order_number: str
    paid: bool = False
    payment: Payment | None = None
    canceled: bool = False
    """The source canceled (voided) this invoice; a sink voids it if it was posted, and never posts it anew."""


class CreditMemo(_Sales, frozen=True, kw_only=True, tag="credit_memo"):
    """A refund. ``adjustment`` is a positive extra refund, ``adjustment_fee`` a positive amount withheld."""

    order_key: str
    order_number: str
    invoice_key: str | None = None
    adjustment: Decimal = ZERO
    adjustment_fee: Decimal = ZERO
    canceled: bool = False
    """The source canceled this credit memo; a sink voids it if it was posted, and never posts it anew."""


Document = Customer | Order | Invoice | Payment | CreditMemo
"""Any canonical document; the ``type`` tag in its encoded form says which."""

_encoder = msgspec.json.Encoder(decimal_format="string")
_decoder = msgspec.json.Decoder(Document)


def encode_document(document: Document) -> bytes:
    """JSON with a ``type`` tag and decimals as strings (exact; never floats)."""
    return _encoder.encode(document)


def decode_document(data: bytes | str) -> Document:
    """Parse and validate a document encoded by :func:`encode_document`."""
    return _decoder.decode(data)
