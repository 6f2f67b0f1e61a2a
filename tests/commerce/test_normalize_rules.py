"""The accounting rules, on payloads derived from the reference ones (each change is spelled out, and so is the
arithmetic): base vs order currency, tax hidden in discounts, what posts as paid, adjustments, and documents
that do not add up."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from mlconnector.connectors.commerce.errors import UnbalancedDocument
from mlconnector.connectors.commerce.plugin import AdobeCommerceSource
from mlconnector.connectors.commerce.records import make_record
from mlconnector.connectors.commerce.reference import load

D = Decimal
STORE = {"store_id": 1, "code": "default", "website_id": 1, "timezone": "UTC", "base_currency_code": "USD"}


def normalize(stream: str, entity: dict, **context) -> list:
    return list(AdobeCommerceSource().normalize(make_record(stream, entity, **context)))


def order_3() -> dict:
    return copy.deepcopy(load("rest/get-order-by-id.order-3.customer-bundle-downloadable.json"))


def invoice_3() -> dict:
    return copy.deepcopy(load("rest/get-invoice-by-id.invoice-3.json"))


def test_amounts_are_in_the_base_currency_when_the_shopper_paid_in_another() -> None:
    order = copy.deepcopy(load("rest/get-order-by-id.guest-checkmo.nacelle-fixture.json"))
    # The shopper paid in EUR at 0.9 EUR per USD; the base (books) currency stays USD.
    order.update(
        order_currency_code="EUR",
        base_to_order_rate=0.9,
        subtotal=212.4,
        discount_amount=-42.48,
        shipping_amount=18,
        grand_total=187.92,
    )
    order["items"][0].update(price=53.1, row_total=212.4, discount_amount=42.48)
    [document] = normalize("order", order, store=STORE)
    assert document.currency == "USD"
    # base_* fields: 4 × 59 = 236, discount 47.20, shipping 20 → 208.80 (not the EUR 187.92)
    assert (document.subtotal, document.discount_total, document.grand_total) == (D("236.00"), D("47.20"), D("208.80"))
    assert document.lines[0].unit_price == D("59.00")


def _tax_inclusive_order() -> dict:
    """One item priced 110.00 including 10 % tax (100.00 + 10.00), 10 % off including tax, shipping 10.00 + 1.00
    tax, also 10 % off including tax."""
    order = order_3()
    order["items"] = [order["items"][0]]
    order["items"][0].update(
        price=100,
        base_price=100,
        row_total=100,
        base_row_total=100,
        qty_ordered=1,
        discount_amount=11,
        base_discount_amount=11,  # 10 % of 110 incl. tax
        tax_amount=9,
        base_tax_amount=9,  # 10 % of (110 − 11) / 1.1
        discount_tax_compensation_amount=1,
        base_discount_tax_compensation_amount=1,  # 11 − 11 / 1.1
    )
    order.update(
        subtotal=100,
        base_subtotal=100,
        shipping_amount=10,
        base_shipping_amount=10,
        shipping_discount_amount=1.1,
        base_shipping_discount_amount=1.1,
        shipping_discount_tax_compensation_amount=0.1,
        base_shipping_discount_tax_compensation_amnt=0.1,
        shipping_tax_amount=0.9,
        base_shipping_tax_amount=0.9,
        discount_amount=-12.1,
        base_discount_amount=-12.1,  # −(11 + 1.1)
        discount_tax_compensation_amount=1,
        base_discount_tax_compensation_amount=1,
        tax_amount=9.9,
        base_tax_amount=9.9,  # 9 + 0.9
        grand_total=108.9,
        base_grand_total=108.9,  # (110 − 11) + (11 − 1.1)
    )
    return order


def test_tax_hidden_in_a_discount_is_not_counted_as_discount() -> None:
    [document] = normalize("order", _tax_inclusive_order(), store=STORE)
    # Discount excluding tax: 12.10 − 1.00 (items) − 0.10 (shipping) = 11.00
    assert document.discount_total == D("11.00")
    assert document.lines[0].discount == D("10.00")  # 11 − 1
    assert document.shipping_discount == D("1.00")  # 1.10 − 0.10
    assert document.tax_total == D("9.90")
    assert document.grand_total == D("108.90")  # 100 − 11 + 10 + 9.90


def test_on_invoices_the_shipping_hidden_tax_is_already_in_the_header_figure() -> None:
    order = _tax_inclusive_order()
    invoice = invoice_3()
    invoice["items"] = [
        {
            "order_item_id": 3,
            "sku": "WS12-M-Orange",
            "qty": 1,
            "price": 100,
            "base_price": 100,
            "row_total": 100,
            "base_row_total": 100,
            "tax_amount": 9,
            "base_tax_amount": 9,
            "discount_amount": 11,
            "base_discount_amount": 11,
            "discount_tax_compensation_amount": 1,
            "base_discount_tax_compensation_amount": 1,
        }
    ]
    invoice.update(
        subtotal=100,
        base_subtotal=100,
        shipping_amount=10,
        base_shipping_amount=10,
        discount_amount=-12.1,
        base_discount_amount=-12.1,
        tax_amount=9.9,
        base_tax_amount=9.9,
        # Invoice/Total/Tax.php adds the shipping part (0.10) into discount_tax_compensation_amount: 1 + 0.1
        discount_tax_compensation_amount=1.1,
        base_discount_tax_compensation_amount=1.1,
        shipping_discount_tax_compensation_amount=0.1,
        base_shipping_discount_tax_compensation_amnt=0.1,
        grand_total=108.9,
        base_grand_total=108.9,
    )
    document, payment = normalize("invoice", invoice, order=order, store=STORE)
    assert document.discount_total == D("11.00")  # 12.10 − 1.10, the shipping part counted once
    assert payment.amount == D("108.90")


def test_a_canceled_order_never_posts_as_paid() -> None:
    order = order_3()
    order.update(state="canceled", status="canceled")
    documents = normalize("order", order, store=STORE)
    assert [type(d).__name__ for d in documents] == ["Order"]
    assert documents[0].canceled


def test_an_uninvoiced_order_has_no_payment() -> None:
    assert [type(d).__name__ for d in normalize("order", order_3(), store=STORE)] == ["Order"]


def test_an_open_invoice_is_not_paid() -> None:
    invoice = invoice_3()
    invoice["state"] = 1  # "Not Capture": authorised only
    [document] = normalize("invoice", invoice, order=order_3(), store=STORE)
    assert not document.paid and document.payment is None and not document.canceled


def test_a_canceled_invoice_is_marked_and_not_paid() -> None:
    invoice = invoice_3()
    invoice["state"] = 3
    [document] = normalize("invoice", invoice, order=order_3(), store=STORE)
    assert document.canceled and not document.paid


def test_a_partial_invoice() -> None:
    invoice = invoice_3()
    invoice["items"] = [item for item in invoice["items"] if item["order_item_id"] == 3]  # only the tee
    invoice.update(subtotal=22, base_subtotal=22, grand_total=27, base_grand_total=27)  # 22 + 5 shipping
    document, payment = normalize("invoice", invoice, order=order_3(), store=STORE)
    assert [line.sku for line in document.lines] == ["WS12-M-Orange"]
    assert (document.subtotal, document.grand_total, payment.amount) == (D("22.00"), D("27.00"), D("27.00"))


def test_payment_carries_the_gateway_transaction_id() -> None:
    order = order_3()
    order["payment"].update(method="braintree", last_trans_id="abc123")
    _, payment = normalize("invoice", invoice_3(), order=order, store=STORE)
    assert (payment.method, payment.transaction_id) == ("braintree", "abc123")
    invoice = invoice_3()
    invoice["transaction_id"] = "capture-9"
    _, payment = normalize("invoice", invoice, order=order, store=STORE)
    assert payment.transaction_id == "capture-9"  # the capture's own id wins


def test_fixed_price_bundle_is_priced_from_its_parent() -> None:
    order = order_3()
    for item in order["items"]:
        if item.get("parent_item_id") == 5:
            item.update(price=0, base_price=0, row_total=0, base_row_total=0)
    [document] = normalize("order", order, store=STORE)
    bundle = next(line for line in document.lines if line.key == "5")
    assert bundle.amount == D("68.00")  # the parent row: 1 × 68
    # Not a dynamic-SKU bundle any more: the SKU is kept as Magento wrote it.
    assert bundle.sku == "24-WG080-24-WG084-24-WG088-24-WG082-blue-24-WG086"


def test_tax_and_discount_of_a_configurable_live_on_the_parent() -> None:
    order = order_3()
    parent = next(item for item in order["items"] if item["item_id"] == 10)
    parent.update(tax_amount=4.16, base_tax_amount=4.16, tax_percent=8)  # 8 % of 52
    order.update(tax_amount=4.16, base_tax_amount=4.16, grand_total=169.16, base_grand_total=169.16)  # 165 + 4.16
    [document] = normalize("order", order, store=STORE)
    hoodie = next(line for line in document.lines if line.key == "10")
    assert (hoodie.tax, hoodie.tax_percent) == (D("4.16"), D(8))
    assert document.tax_total == D("4.16") and document.grand_total == D("169.16")


def test_credit_memo_adjustments_and_its_invoice() -> None:
    memo = copy.deepcopy(load("rest/get-creditmemo-by-id.creditmemo-1.json"))
    memo.update(
        adjustment_positive=10,
        base_adjustment_positive=10,
        adjustment_negative=3,
        base_adjustment_negative=3,
        grand_total=112,
        base_grand_total=112,
        invoice_id=9,
    )  # 105 + 10 − 3
    order = {
        "entity_id": 1,
        "increment_id": "000000001",
        "store_id": 1,
        "customer_email": "a@example.com",
        "items": [{"item_id": 1, "sku": "simple_1", "product_type": "simple"}],
    }
    [document] = normalize(
        "credit_memo", memo, order=order, invoice={"entity_id": 9, "increment_id": "000000009"}, store=STORE
    )
    assert (document.adjustment, document.adjustment_fee, document.grand_total) == (D("10.00"), D("3.00"), D("112.00"))
    assert document.invoice_key == "invoice:1:000000009"


def test_a_document_that_does_not_add_up_is_refused_with_the_figures() -> None:
    order = order_3()
    order["base_grand_total"] = 170  # 5 more than 160 + 5: e.g. a fee this connector does not know
    with pytest.raises(UnbalancedDocument, match=r"order 000000003: .* = 165\.00, but its grand total is 170\.00"):
        normalize("order", order, store=STORE)


def test_normalisation_does_not_depend_on_anything_but_the_record() -> None:
    record = make_record("order", order_3(), store=STORE)
    plugin = AdobeCommerceSource()
    assert plugin.normalize(record) == plugin.normalize(copy.deepcopy(record))
