"""The shape a record must have before the accounting rules read it.

The rules index the payload freely (``entity["items"]``, ``address.get(...)``); a store that sends a field as null,
text or a list where an object belongs would otherwise fail deep inside them with Python's own words ("'str' object
has no attribute 'get'"). Checking the shape first turns that into a sentence naming the document and the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mlconnector.connectors.commerce.errors import IncompleteRecord, UnbalancedDocument
from mlconnector.platform.documents import Document

OBJECTS = ("billing_address", "extension_attributes", "payment")
_PYTHONS_WORDS = ("invalid literal", "could not convert", "not enough values", "too many values")
ITEM_OBJECTS = ("parent_item", "extension_attributes", "product_option", "order_item")


def _name(stream: str, entity: Mapping[str, Any]) -> str:
    number = entity.get("increment_id")
    return f"{stream.replace('_', ' ')} {number}" if isinstance(number, str | int) else _nameless(stream)


def _nameless(stream: str) -> str:
    return f"a record of the store's {stream.replace('_', ' ')}s"


def check_shape(stream: str, entity: object) -> None:
    """Raise :class:`IncompleteRecord` naming the first field whose shape the rules cannot read."""
    if not isinstance(entity, Mapping):
        raise IncompleteRecord(f"{_nameless(stream)} is not a JSON object")
    name = _name(stream, entity)
    if entity.get("increment_id") in (None, ""):
        raise IncompleteRecord(f"{name} has no increment_id (its number); it cannot be posted without one")
    for field in OBJECTS:
        if entity.get(field) is not None and not isinstance(entity[field], Mapping):
            raise IncompleteRecord(
                f"{name}: the field {field!r} should be an object, the store sent {_kind(entity[field])}"
            )
    items = entity.get("items")
    if items is not None and not isinstance(items, list):
        raise IncompleteRecord(f"{name}: the field 'items' should be a list, the store sent {_kind(items)}")
    for position, item in enumerate(items or (), start=1):
        if not isinstance(item, Mapping):
            raise IncompleteRecord(f"{name}: line {position} should be an object, the store sent {_kind(item)}")
        for field in ITEM_OBJECTS:
            if item.get(field) is not None and not isinstance(item[field], Mapping):
                sent = _kind(item[field])
                raise IncompleteRecord(f"{name}: line {position}'s field {field!r} should be an object, not {sent}")


def unreadable(stream: str, entity: object, error: Exception) -> IncompleteRecord:
    """What a failure the shape check did not foresee says: the document, and the missing or unreadable field."""
    name = _name(stream, entity) if isinstance(entity, Mapping) else _nameless(stream)
    if isinstance(error, KeyError):
        return IncompleteRecord(f"{name} is missing the field {error.args[0]!r}")
    if type(error) is ValueError and not str(error).startswith(_PYTHONS_WORDS):  # our parsers' own sentences
        return IncompleteRecord(f"{name}: {error}")
    return IncompleteRecord(f"{name} has a field that is empty or of the wrong type; this connector cannot read it")


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {str: "text", bool: "true/false", int: "a number", float: "a number", list: "a list"}.get(
        type(value), "an object"
    )


def refuse_negative(documents: Sequence[Document]) -> Sequence[Document]:
    """Commerce never makes a negative order, invoice or refund, nor a line with a negative quantity or amount (a
    refund is its own positive credit memo); such a record is corrupt, and posting it would put a negative sale in
    the books."""
    for document in documents:
        total = getattr(document, "grand_total", None)
        if total is not None and total < 0:
            raise UnbalancedDocument(f"{_label(document)} has a negative grand total ({total:.2f}); it is not posted")
        for line in getattr(document, "lines", ()):
            if line.quantity < 0 or line.amount < 0:
                raise UnbalancedDocument(
                    f"{_label(document)}: line {line.key} ({line.sku}) has a negative quantity or amount "
                    f"(quantity {line.quantity}, amount {line.amount:.2f}); it is not posted"
                )
    return documents


def _label(document: Document) -> str:
    kind = type(document).__name__.replace("CreditMemo", "credit memo").lower()
    return f"{kind} {getattr(document, 'number', None) or document.key}"
