"""Commerce payloads a store (or a broken extension) can send: fields missing, null, text where a number or an
object belongs, unicode in every text field, 10,000 lines. Each either normalises to a document that adds up, or is
refused with a sentence naming the document and the field — never with Python's own words, which the engine would
show the bookkeeper as the reason the document is held."""

from __future__ import annotations

import copy
import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from mlconnector.connectors.commerce.errors import CommerceError
from mlconnector.connectors.commerce.plugin import AdobeCommerceSource
from mlconnector.connectors.commerce.records import make_record
from mlconnector.connectors.commerce.reference import load

STORE = {"store_id": 1, "code": "default", "website_id": 1, "timezone": "UTC", "base_currency_code": "USD"}
PYTHON_WORDS = ("NoneType", "object has no attribute", "not subscriptable", "invalid literal", "indices must be")
PYTHON_WORDS += ("unsupported operand", "[<class", "Traceback", "argument must be", "KeyError", "TypeError")
HEADER_FIELDS = (
    "items", "billing_address", "extension_attributes", "payment", "created_at", "base_grand_total",
    "base_subtotal", "base_tax_amount", "base_shipping_amount", "base_discount_amount", "customer_email",
    "customer_firstname", "customer_lastname", "state", "store_id", "order_id", "base_currency_code",
)  # fmt: skip
LINE_FIELDS = ("sku", "name", "qty_ordered", "qty", "base_price", "base_row_total", "product_type", "parent_item_id")
SHAPES: dict[str, Any] = {"missing": ..., "null": None, "text": "n/a", "list": [1, 2], "object": {"a": 1}}
MONSTER = "Zoë ‮gnp.exe‬ 🧾 𝔘𝔫𝔦 ﷽ \u200b<&>\"' \\ % ; -- 丁\u0301"


def order() -> dict[str, Any]:
    return copy.deepcopy(load("rest/get-order-by-id.order-3.customer-bundle-downloadable.json"))


def invoice() -> dict[str, Any]:
    return copy.deepcopy(load("rest/get-invoice-by-id.invoice-3.json"))


def credit_memo() -> dict[str, Any]:
    return copy.deepcopy(load("rest/get-creditmemo-by-id.creditmemo-1.json"))


def normalize(stream: str, entity: dict[str, Any]) -> list:
    context: dict[str, Any] = {"store": STORE}
    if stream == "invoice":
        context["order"] = order()
    return list(AdobeCommerceSource().normalize(make_record(stream, entity, **context)))


def _set(target: dict[str, Any], field: str, shape: str) -> None:
    if SHAPES[shape] is ...:
        target.pop(field, None)
    else:
        target[field] = copy.deepcopy(SHAPES[shape])


def judge(stream: str, entity: dict[str, Any]) -> str:
    """``"posted"`` when the record normalises to documents that add up, else the refusal's text (checked clear)."""
    try:
        documents = normalize(stream, entity)
    except CommerceError as refused:
        text = str(refused)
        assert not any(words in text for words in PYTHON_WORDS), text
        assert entity.get("increment_id", "") in text or "record of the store's" in text, text
        return text
    for document in documents:
        lines = sum((line.amount for line in getattr(document, "lines", ())), Decimal(0))
        if hasattr(document, "grand_total") and hasattr(document, "subtotal"):
            assert document.subtotal == lines, (document.key, document.subtotal, lines)
    return "posted"


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("field", HEADER_FIELDS)
@pytest.mark.parametrize("stream", ["order", "invoice"])
def test_a_header_field_missing_null_or_of_the_wrong_type(stream: str, field: str, shape: str) -> None:
    entity = order() if stream == "order" else invoice()
    _set(entity, field, shape)
    judge(stream, entity)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("field", LINE_FIELDS)
def test_a_line_field_missing_null_or_of_the_wrong_type(field: str, shape: str) -> None:
    entity = invoice()
    for line in entity["items"]:
        _set(line, field, shape)
    judge("invoice", entity)


@pytest.mark.parametrize("stream", ["order", "invoice"])
def test_a_line_that_is_not_an_object(stream: str) -> None:
    entity = order() if stream == "order" else invoice()
    entity["items"].append("free gift")
    assert "line" in judge(stream, entity)


@pytest.mark.parametrize("maker", [order, invoice, credit_memo], ids=["order", "invoice", "credit_memo"])
def test_unicode_in_every_text_field_is_kept_or_refused_clearly(maker) -> None:
    entity = maker()
    stream = {order: "order", invoice: "invoice", credit_memo: "credit_memo"}[maker]
    keep = {"increment_id", "created_at", "updated_at", "state", "status", "product_type", "base_currency_code"}
    keep |= {"order_currency_code", "global_currency_code", "store_currency_code", "country_id", "sku"}

    def scribble(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: v if k in keep else scribble(v) for k, v in node.items()}
        if isinstance(node, list):
            return [scribble(v) for v in node]
        return MONSTER if isinstance(node, str) else node

    entity = scribble(entity)
    context: dict[str, Any] = {"store": STORE}
    if stream != "order":
        context["order"] = scribble(order())
    try:
        documents = list(AdobeCommerceSource().normalize(make_record(stream, entity, **context)))
    except CommerceError as refused:
        assert stream == "credit_memo" and not any(words in str(refused) for words in PYTHON_WORDS), str(refused)
        return
    assert any(MONSTER in text for document in documents for text in _texts(document))  # kept, to be fitted later


def _texts(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    names = getattr(node, "__struct_fields__", None) or (
        [field.name for field in dataclasses.fields(node)] if dataclasses.is_dataclass(node) else None
    )
    if names:
        return [t for name in names for t in _texts(getattr(node, name))]
    if isinstance(node, tuple | list):
        return [t for value in node for t in _texts(value)]
    return []


def test_a_ten_thousand_line_invoice_adds_up_to_the_cent() -> None:
    entity = invoice()
    template = entity["items"][0]
    lines = []
    for n in range(10_000):
        line = copy.deepcopy(template)
        line.update(entity_id=10_000 + n, order_item_id=20_000 + n, sku=f"SKU-{n:05d}", qty=1)
        line.update(base_price=0.01, price=0.01, base_row_total=0.01, row_total=0.01, base_tax_amount=0)
        line.update(base_discount_amount=0, base_row_total_incl_tax=0.01, parent_item_id=None)
        lines.append(line)
    entity["items"] = lines
    entity.update(base_subtotal=100.00, base_tax_amount=0, base_discount_amount=0, base_shipping_amount=5.00)
    entity.update(base_grand_total=105.00, base_shipping_incl_tax=5.00, base_shipping_tax_amount=0)
    verdict = judge("invoice", entity)
    assert verdict == "posted" or "invoice 000000003" in verdict
