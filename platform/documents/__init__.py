"""The canonical documents: what a source produces and a sink consumes, independent of either system.

Amounts are :class:`~decimal.Decimal` in the document's ``currency`` (the currency the books are kept in — for
Adobe Commerce, the store's base currency), rounded to the cent by the source. Keys are stable strings chosen by
the source (for Commerce they include the store, because ``increment_id`` is unique per store only); a sink keys
its identity mapping on them, so the same key must always mean the same outside record.
"""

from mlconnector.platform.documents.models import (
    Address,
    CreditMemo,
    Customer,
    Document,
    Invoice,
    Line,
    Order,
    Party,
    Payment,
    decode_document,
    encode_document,
)

__all__ = [
    "Address",
    "CreditMemo",
    "Customer",
    "Document",
    "Invoice",
    "Line",
    "Order",
    "Party",
    "Payment",
    "decode_document",
    "encode_document",
]
