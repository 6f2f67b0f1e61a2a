"""Every reference payload (shared/reference/commerce/rest, bundled in the plugin) normalises to hand-checked figures.

The expected amounts are written out by hand from the payloads, with the arithmetic in comments; nothing here is
computed by the code under test.
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest

from mlconnector.connectors.commerce.errors import IncompleteRecord
from mlconnector.connectors.commerce.plugin import AdobeCommerceSource
from mlconnector.connectors.commerce.records import make_record
from mlconnector.connectors.commerce.reference import load
from mlconnector.platform.documents import CreditMemo, Customer, Invoice, Order, Payment

D = Decimal
LOS_ANGELES = {
    "store_id": 1,
    "code": "default",
    "website_id": 1,
    "timezone": "America/Los_Angeles",
    "base_currency_code": "USD",
}
ORDER_3 = "rest/get-order-by-id.order-3.customer-bundle-downloadable.json"
GUEST = "rest/get-order-by-id.guest-checkmo.nacelle-fixture.json"
INVOICE_3 = "rest/get-invoice-by-id.invoice-3.json"
INVOICE_DISCOUNTED = "rest/get-invoice-by-id.inventory-tutorial-discounted.json"
CREDIT_MEMO_1 = "rest/get-creditmemo-by-id.creditmemo-1.json"

# Files that are not records a source reads (request bodies, an error body, a SaaS comment list, a trimmed id list).
NOT_RECORDS = {
    "rest/error-response.example.json",
    "rest/post-order-invoice.capture.request.json",
    "rest/post-order-refund.offline.request.json",
    "rest/saas-get-orderchain-comments.search-result.json",
    "rest/get-orders-search.fields-filtered.json",
}
RECORDS = {
    ORDER_3,
    GUEST,
    INVOICE_3,
    INVOICE_DISCOUNTED,
    CREDIT_MEMO_1,
    "rest/get-customers-search.json",
    "rest/customer-object.post-customers-response.json",
    "rest/get-products-search.nacelle-fixture.json",
    "rest/get-products-search.luma-page1-of-2046.nacelle-data.json",
}

# The MSI tutorial's invoice belongs to an order that is not among the reference payloads. Its order context is
# written here from the invoice itself: three top-level items (order_item_id 3, 4, 5), no children.
TUTORIAL_ORDER = {
    "entity_id": 3,
    "increment_id": "000000003",
    "store_id": 1,
    "customer_email": "jdoe@example.com",
    "customer_id": 3,
    "customer_is_guest": 0,
    "customer_firstname": "Jane",
    "customer_lastname": "Doe",
    "payment": {"method": "checkmo", "additional_information": ["Check / Money order"]},
    "items": [
        {"item_id": 3, "sku": "24-WB03", "product_type": "simple"},
        {"item_id": 4, "sku": "24-WB01", "product_type": "simple"},
        {"item_id": 5, "sku": "240-LV06", "product_type": "downloadable"},
    ],
}
# Likewise for credit memo 1 (order 1, one simple item "simple_1" as order item 1), a guest order.
MEMO_ORDER = {
    "entity_id": 1,
    "increment_id": "000000001",
    "store_id": 1,
    "customer_email": "Guest@Example.com",
    "customer_is_guest": 1,
    "items": [{"item_id": 1, "sku": "simple_1", "product_type": "simple"}],
}


def normalize(stream: str, entity: dict, **context) -> list:
    record = make_record(stream, entity, **context)
    return list(AdobeCommerceSource().normalize(record))


def test_every_reference_file_is_classified() -> None:
    """A new reference payload must be added to this module (normalised, or said not to be a record)."""
    folder = files("mlconnector.connectors.commerce.reference").joinpath("rest")
    present = {f"rest/{entry.name}" for entry in folder.iterdir() if entry.name.endswith(".json")}
    assert present == RECORDS | NOT_RECORDS


def test_order_with_bundle_and_configurable_counts_top_level_lines_only() -> None:
    [order] = normalize("order", load(ORDER_3), store=LOS_ANGELES)
    assert isinstance(order, Order)
    assert order.key == "order:1:000000003"  # store 1, increment id 000000003
    assert order.customer.key == "customer:1:3" and not order.customer.is_guest
    # Top-level rows only: simple 22 + downloadable 18 + bundle 68 + configurable 52.
    # The bundle's four children (27 + 5 + 17 + 19 = 68) and the configurable child (0) are not lines.
    assert [(line.sku, line.quantity, line.amount) for line in order.lines] == [
        ("WS12-M-Orange", D(1), D("22.00")),
        ("240-LV08", D(1), D("18.00")),
        ("24-WG080", D(1), D("68.00")),  # the bundle's own SKU, not "24-WG080-24-WG084-24-WG088-…"
        ("MH01-S-Gray", D(1), D("52.00")),
    ]
    assert order.subtotal == D("160.00")  # 22 + 18 + 68 + 52; summing all 9 rows would give 228
    assert order.shipping == D("5.00")
    assert (order.discount_total, order.tax_total) == (D("0.00"), D("0.00"))
    assert order.grand_total == D("165.00")  # 160 + 5
    assert order.currency == "USD" and order.payment_method == "banktransfer"
    assert (order.state, order.canceled) == ("new", False)
    # Placed 2017-08-21 22:22:19 UTC = 15:22 in Los Angeles (UTC−7 in August).
    assert order.date == date(2017, 8, 21)
    assert order.shipping_address and order.shipping_address.region == "NY"


def test_order_date_is_the_stores_local_date() -> None:
    tokyo = {**LOS_ANGELES, "timezone": "Asia/Tokyo"}
    [order] = normalize("order", load(ORDER_3), store=tokyo)
    assert order.date == date(2017, 8, 22)  # 22:22 UTC + 9 h = 07:22 the next day


def test_guest_order_with_cart_discount() -> None:
    payload = load(GUEST)
    assert "customer_id" not in payload  # the trap: the key is absent, not null
    [order] = normalize("order", payload, store=LOS_ANGELES)
    assert order.customer.is_guest and order.customer.key == "guest:someemail@gmail.com"
    [line] = order.lines
    # 4 × 59.00 = 236.00 before discount (the payload's row_total 188.8 is already discounted; ignored);
    # the 20 % rule takes 47.20 off the line (positive on the line, −47.2 on the header).
    assert (line.sku, line.quantity, line.unit_price, line.amount, line.discount) == (
        "24-MB02",
        D(4),
        D("59.00"),
        D("236.00"),
        D("47.20"),
    )
    assert order.subtotal == D("236.00")
    assert order.discount_total == D("47.20")
    assert order.shipping == D("20.00")
    assert order.grand_total == D("208.80")  # 236.00 − 47.20 + 20.00 + 0 tax
    assert order.payment_method == "checkmo"
    assert order.date == date(2020, 1, 3)  # 2020-01-03 23:59:35 UTC = 15:59 in Los Angeles


def test_captured_invoice_posts_a_payment() -> None:
    documents = normalize("invoice", load(INVOICE_3), order=load(ORDER_3), store=LOS_ANGELES)
    invoice, payment = documents
    assert isinstance(invoice, Invoice) and isinstance(payment, Payment)
    assert invoice.key == "invoice:1:000000003" and invoice.order_key == "order:1:000000003"
    # The invoice lists 9 rows; top-level: 22 + 18 + bundle (children 27 + 5 + 17 + 19 = 68) + 52.
    assert [line.amount for line in invoice.lines] == [D("22.00"), D("18.00"), D("68.00"), D("52.00")]
    assert invoice.subtotal == D("160.00")
    assert invoice.grand_total == D("165.00")  # 160 + 5 shipping
    assert invoice.paid and invoice.payment == payment and not invoice.canceled
    assert payment.key == "payment:1:000000003" and payment.invoice_key == invoice.key
    assert payment.amount == D("165.00")
    assert (payment.method, payment.method_title) == ("banktransfer", "Bank Transfer Payment")
    assert payment.customer.key == "customer:1:3"


def test_discounted_invoice() -> None:
    invoice, payment = normalize("invoice", load(INVOICE_DISCOUNTED), order=TUTORIAL_ORDER, store=LOS_ANGELES)
    assert [(line.quantity, line.unit_price, line.amount, line.discount) for line in invoice.lines] == [
        (D(20), D("36.00"), D("720.00"), D("144.00")),  # 20 × 36 = 720, 20 % off = 144
        (D(40), D("32.00"), D("1280.00"), D("256.00")),  # 40 × 32 = 1280, 20 % off = 256
        (D(1), D("22.00"), D("22.00"), D("4.40")),  # 1 × 22 = 22, 20 % off = 4.40
    ]
    assert invoice.subtotal == D("2022.00")  # 720 + 1280 + 22
    assert invoice.discount_total == D("404.40")  # 144 + 256 + 4.40 (header: −404.4)
    assert invoice.shipping == D("300.00")
    assert invoice.grand_total == D("1917.60")  # 2022 − 404.40 + 300
    assert payment.amount == D("1917.60") and payment.method == "checkmo"


def test_refunded_credit_memo() -> None:
    [memo] = normalize("credit_memo", load(CREDIT_MEMO_1), order=MEMO_ORDER, invoice=None, store=LOS_ANGELES)
    assert isinstance(memo, CreditMemo)
    assert memo.key == "credit_memo:1:000000001" and memo.order_key == "order:1:000000001"
    assert memo.invoice_key is None  # an offline refund, not tied to an invoice
    [line] = memo.lines
    assert (line.sku, line.quantity, line.amount) == ("simple_1", D(1), D("100.00"))
    assert memo.subtotal == D("100.00") and memo.shipping == D("5.00")
    assert (memo.adjustment, memo.adjustment_fee) == (D("0.00"), D("0.00"))
    assert memo.grand_total == D("105.00")  # 100 + 5 refunded shipping
    assert memo.customer.key == "guest:guest@example.com" and not memo.canceled


def test_customers() -> None:
    [veronica] = normalize("customer", load("rest/get-customers-search.json")["items"][0])
    assert isinstance(veronica, Customer)
    assert veronica.key == "customer:1:1" == veronica.party.key  # website 1, customer 1
    assert veronica.party.email == "roni_cost@example.com"
    # Default billing and shipping are address 1 (Michigan); address 19 (London) is not a default.
    assert veronica.party.billing and veronica.party.billing.region == "MI"
    assert veronica.party.billing.postal_code == "49628-7978"
    assert veronica.party.shipping == veronica.party.billing
    [jane] = normalize("customer", load("rest/customer-object.post-customers-response.json"))
    assert jane.key == "customer:1:2" and jane.party.billing and jane.party.billing.city == "Purchase"


def test_an_order_and_its_customer_record_name_the_same_buyer() -> None:
    [order] = normalize("order", load(ORDER_3), store=LOS_ANGELES)
    customer = copy.deepcopy(load("rest/customer-object.post-customers-response.json"))
    customer["id"] = 3  # order 3 was placed by customer 3 of website 1
    [record] = normalize("customer", customer)
    assert record.key == order.customer.key


@pytest.mark.parametrize(
    "path",
    ["rest/get-products-search.nacelle-fixture.json", "rest/get-products-search.luma-page1-of-2046.nacelle-data.json"],
)
def test_products_are_read_but_post_nothing(path: str) -> None:
    items = load(path)["items"]
    for product in items:
        assert normalize("product", product) == []
    assert make_record("product", items[0]).key == f"product:{items[0]['id']}"


def test_an_invoice_whose_order_is_unknown_is_refused_with_its_number() -> None:
    with pytest.raises(IncompleteRecord, match="invoice 000000003"):
        normalize("invoice", load(INVOICE_3), order=None, store=LOS_ANGELES)


SHARED = Path("/work/shared/reference/commerce")


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared reference folder is not on this machine")
def test_bundled_payloads_are_verbatim_copies_of_the_shared_reference() -> None:
    bundle = files("mlconnector.connectors.commerce.reference")
    for folder in ("rest", "io-events", "webhooks"):
        for entry in bundle.joinpath(folder).iterdir():
            if entry.name.endswith(".json"):
                assert entry.read_bytes() == (SHARED / folder / entry.name).read_bytes(), entry.name
