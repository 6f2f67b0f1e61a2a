"""Raw Commerce records → canonical documents. Pure functions: no I/O, the same record gives the same documents.

Amounts are base-currency cents; keys include the store (``increment_id`` is unique per store only); only
top-level lines are posted; only captured invoices produce payments.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlconnector.connectors.commerce.errors import CommerceError
from mlconnector.connectors.commerce.normalize.credit_memo import normalize_credit_memo
from mlconnector.connectors.commerce.normalize.customer import normalize_customer
from mlconnector.connectors.commerce.normalize.invoice import normalize_invoice
from mlconnector.connectors.commerce.normalize.order import normalize_order
from mlconnector.connectors.commerce.normalize.shape import check_shape, refuse_negative, unreadable
from mlconnector.connectors.commerce.records import CREDIT_MEMO, CUSTOMER, INVOICE, ORDER, PRODUCT
from mlconnector.platform.documents import Document
from mlconnector.platform.plugins import SourceRecord


def normalize_record(record: SourceRecord) -> Sequence[Document]:
    """Products are read for SKU-mapping suggestions only: they produce no document.

    A record of the wrong shape is refused with a sentence naming the document and the field, never with Python's
    own error text (the engine holds the document with that reason)."""
    if record.stream in (ORDER, INVOICE, CREDIT_MEMO):
        entity = record.payload.get(record.stream)
        check_shape(record.stream, entity)
        try:
            return refuse_negative(_normalize(record))
        except CommerceError:
            raise
        except (KeyError, TypeError, AttributeError, ValueError, ArithmeticError, IndexError) as error:
            raise unreadable(record.stream, entity, error) from error
    return _normalize(record)


def _normalize(record: SourceRecord) -> Sequence[Document]:
    if record.stream == ORDER:
        return [normalize_order(record.payload)]
    if record.stream == INVOICE:
        return normalize_invoice(record.payload)
    if record.stream == CREDIT_MEMO:
        return [normalize_credit_memo(record.payload)]
    if record.stream == CUSTOMER:
        return [normalize_customer(record.payload)]
    if record.stream == PRODUCT:
        return []
    raise ValueError(f"unknown stream {record.stream!r}")


__all__ = ["normalize_record"]
