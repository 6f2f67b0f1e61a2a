"""The fake store's data: stores, products, customers, orders, invoices and credit memos.

Shapes come from the reference payloads (``connectors/commerce/reference/rest``, copied from
``shared/reference/commerce/rest``): generated orders are built on the guest order's key set
(``get-order-by-id.guest-checkmo.nacelle-fixture.json``), invoices on ``get-invoice-by-id.invoice-3.json``, credit
memos on ``get-creditmemo-by-id.creditmemo-1.json``, customers on ``get-customers-search.json`` and products are
the 100 real Luma products of ``get-products-search.luma-page1-of-2046.nacelle-data.json``. What the data model
notes say (NOTES §4) holds for generated data: null attributes omitted (guests have no ``customer_id`` key),
negative header discounts and positive line discounts, invoice and credit memo states as integers, ``updated_at``
bumped on the order when it is invoiced or refunded, same-second clusters, increment ids unique per store only.

Rows are kept compact (the fields searchCriteria filter on) and rendered to full payloads on demand, so 100 000
generated orders fit in memory and a page renders in milliseconds.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mlconnector.connectors.commerce.reference import load

STAMP = "%Y-%m-%d %H:%M:%S"
CENT = Decimal("0.01")


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(STAMP)


def money(value: Decimal) -> float:
    """Amounts go out as JSON numbers, as Magento sends them."""
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class StoreView:
    id: int
    code: str
    website_id: int
    name: str
    timezone: str
    base_currency_code: str
    increment_prefix: str

    def config(self) -> dict[str, Any]:
        """One ``/V1/store/storeConfigs`` entry (schema ``store-data-store-config-interface``)."""
        return {
            "id": self.id,
            "code": self.code,
            "website_id": self.website_id,
            "locale": "en_US",
            "base_currency_code": self.base_currency_code,
            "default_display_currency_code": self.base_currency_code,
            "timezone": self.timezone,
            "weight_unit": "lbs",
            "base_url": f"https://shop.example/{self.code}/",
            "base_link_url": f"https://shop.example/{self.code}/",
            "base_static_url": "https://shop.example/static/",
            "base_media_url": "https://shop.example/media/",
            "secure_base_url": f"https://shop.example/{self.code}/",
            "secure_base_link_url": f"https://shop.example/{self.code}/",
            "secure_base_static_url": "https://shop.example/static/",
            "secure_base_media_url": "https://shop.example/media/",
        }


DEFAULT_STORES = (
    StoreView(1, "default", 1, "Default Store View", "America/Los_Angeles", "USD", ""),
    StoreView(2, "wholesale", 2, "Wholesale Store View", "America/New_York", "USD", ""),
)


@dataclass(slots=True)
class Row:
    """One entity: the scalar fields searches filter and sort on, and how to render the whole payload.

    Renders are cached until the fields or ``extra`` change (callers never mutate a rendered payload)."""

    fields: dict[str, Any]
    render: Callable[[Row], dict[str, Any]]
    extra: dict[str, Any] = field(default_factory=dict)
    _cache: tuple[Any, dict[str, Any]] | None = None

    def payload(self) -> dict[str, Any]:
        version = (tuple(self.fields.items()), tuple((k, v) for k, v in self.extra.items() if k != "lines"))
        if self._cache is None or self._cache[0] != version:
            self._cache = (version, self.render(self))
        return self._cache[1]


@dataclass(frozen=True, slots=True)
class Product:
    id: int
    sku: str
    name: str
    price: Decimal


@dataclass(frozen=True, slots=True)
class OrderLine:
    product: Product
    qty: int


def _reference_render(payload: dict[str, Any]) -> Callable[[Row], dict[str, Any]]:
    """A reference payload, verbatim but for the fields the fake changed (``updated_at``, state…)."""

    def render(row: Row) -> dict[str, Any]:
        result = copy.deepcopy(payload)
        result.update({k: v for k, v in row.fields.items() if k in payload})
        return result

    return render


class Catalog:
    """Every table of the fake store. Mutations bump ``updated_at`` the way Magento's saves do."""

    def __init__(self, stores: tuple[StoreView, ...] = DEFAULT_STORES, clock: Callable[[], datetime] | None = None):
        self.stores = {store.id: store for store in stores}
        self.clock = clock or (lambda: datetime.now(UTC))
        self.orders: dict[int, Row] = {}
        self.invoices: dict[int, Row] = {}
        self.credit_memos: dict[int, Row] = {}
        self.customers: dict[int, Row] = {}
        self.products: dict[int, Row] = {}
        self._guest_template = load("rest/get-order-by-id.guest-checkmo.nacelle-fixture.json")
        self._invoice_template = load("rest/get-invoice-by-id.invoice-3.json")
        self._memo_template = load("rest/get-creditmemo-by-id.creditmemo-1.json")
        self._customer_template = load("rest/get-customers-search.json")["items"][0]
        self._luma = load("rest/get-products-search.luma-page1-of-2046.nacelle-data.json")["items"]
        for product in self._luma:
            self._add_product(product)
        self.sellable = [
            Product(p["id"], p["sku"], p["name"], Decimal(str(p["price"])))
            for p in self._luma
            if p.get("type_id") == "simple" and p.get("price")
        ]
        self._increments: dict[tuple[str, int], int] = {}
        self._last_ids: dict[int, int] = {}
        self._sorted: dict[int, list[int]] = {}
        self._updated: dict[int, tuple[tuple[int, int], list[tuple[str, int]]]] = {}
        self.version = 0
        """Bumped whenever a row is saved again (its ``updated_at`` moves)."""

    # --- ids -------------------------------------------------------------------------------------------------

    def next_id(self, table: dict[int, Row]) -> int:
        """The next auto-increment id of ``table`` (kept, not recomputed: 100 000 inserts stay linear)."""
        last = self._last_ids.get(id(table))
        if last is None:
            last = max(table, default=0)
        self._last_ids[id(table)] = last + 1
        return last + 1

    def _claim(self, table: dict[int, Row], entity_id: int, row: Row) -> Row:
        """Insert a row under an id chosen elsewhere (reference payloads) without reusing it later."""
        table[entity_id] = row
        known = self._last_ids.get(id(table))
        if known is not None:
            self._last_ids[id(table)] = max(known, entity_id)
        return row

    def updated_index(self, table: dict[int, Row]) -> list[tuple[str, int]]:
        """``(updated_at, id)`` of every row, sorted (cached until a row is added or saved again)."""
        key = (len(table), self.version)
        cached = self._updated.get(id(table))
        if cached is None or cached[0] != key:
            index = sorted((str(row.fields.get("updated_at") or ""), entity_id) for entity_id, row in table.items())
            cached = (key, index)
            self._updated[id(table)] = cached
        return cached[1]

    def sorted_ids(self, table: dict[int, Row]) -> list[int]:
        """The table's ids in order (cached until rows are added or removed)."""
        cached = self._sorted.get(id(table))
        if cached is None or len(cached) != len(table):
            cached = sorted(table)
            self._sorted[id(table)] = cached
        return cached

    def next_increment(self, kind: str, store_id: int) -> str:
        """Each store numbers orders, invoices and credit memos on its own (``000000001`` in store 1,
        ``200000001`` in store 2): an increment id is unique per store only (NOTES §4.1)."""
        number = self._increments.get((kind, store_id), 0) + 1
        self._increments[(kind, store_id)] = number
        prefix = self.stores[store_id].increment_prefix
        return f"{prefix}{number:0{9 - len(prefix)}d}"

    # --- reference payloads ----------------------------------------------------------------------------------

    def add_reference_order(self, payload: dict[str, Any], **overrides: Any) -> Row:
        """Serve a reference order as it is — or moved (``entity_id``, ``store_id``): the two reference orders
        are both entity 3, increment 000000003 of store 1."""
        payload = copy.deepcopy(payload)
        payload.update(overrides)
        row = Row(fields=self._order_fields(payload), render=_reference_render(payload))
        return self._claim(self.orders, payload["entity_id"], row)

    def add_reference_invoice(self, payload: dict[str, Any]) -> Row:
        payload = copy.deepcopy(payload)
        row = Row(fields=self._document_fields(payload), render=_reference_render(payload))
        return self._claim(self.invoices, payload["entity_id"], row)

    def add_reference_credit_memo(self, payload: dict[str, Any]) -> Row:
        payload = copy.deepcopy(payload)
        row = Row(fields=self._document_fields(payload), render=_reference_render(payload))
        return self._claim(self.credit_memos, payload["entity_id"], row)

    def add_reference_customer(self, payload: dict[str, Any]) -> Row:
        payload = copy.deepcopy(payload)
        fields = {
            k: payload.get(k)
            for k in (
                "id",
                "email",
                "website_id",
                "store_id",
                "group_id",
                "created_at",
                "updated_at",
                "firstname",
                "lastname",
            )
        }
        fields["entity_id"] = payload["id"]
        row = Row(fields=fields, render=_reference_render(payload))
        return self._claim(self.customers, payload["id"], row)

    @staticmethod
    def _order_fields(payload: dict[str, Any]) -> dict[str, Any]:
        names = (
            "entity_id",
            "increment_id",
            "store_id",
            "created_at",
            "updated_at",
            "state",
            "status",
            "customer_id",
            "customer_email",
            "customer_is_guest",
            "grand_total",
            "base_grand_total",
        )
        return {name: payload[name] for name in names if name in payload}

    @staticmethod
    def _document_fields(payload: dict[str, Any]) -> dict[str, Any]:
        names = (
            "entity_id",
            "increment_id",
            "order_id",
            "invoice_id",
            "store_id",
            "created_at",
            "updated_at",
            "state",
            "grand_total",
            "base_grand_total",
        )
        return {name: payload[name] for name in names if name in payload}

    def _add_product(self, payload: dict[str, Any]) -> None:
        fields = {
            k: payload.get(k)
            for k in ("id", "sku", "name", "type_id", "price", "status", "created_at", "updated_at", "attribute_set_id")
        }
        fields["entity_id"] = payload["id"]
        self.products[payload["id"]] = Row(fields=fields, render=_reference_render(payload))

    # --- generated data -------------------------------------------------------------------------------------

    def generate(
        self,
        orders: int,
        *,
        seed: int = 7,
        start: datetime | None = None,
        span: timedelta | None = None,
        customers: int | None = None,
        invoice_share: float = 0.65,
        refund_share: float = 0.1,
    ) -> None:
        """Add ``orders`` orders spread over ``span`` before ``start`` (or now), with their customers, invoices and
        credit memos. Deterministic for a given ``seed``. Several orders share each second (NOTES §3.4)."""
        rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
        end = start or self.clock()
        span = span or timedelta(days=90)
        count = customers if customers is not None else max(1, orders // 3)
        customer_ids = [self.next_id(self.customers) for _ in range(count)]
        for customer_id in customer_ids:
            self._generate_customer(customer_id, rng, end - span)
        step = span / max(orders, 1)
        for n in range(orders):
            created = end - span + step * n
            created = created.replace(microsecond=0)
            store = self.stores[1] if rng.random() < 0.8 or 2 not in self.stores else self.stores[2]
            guest = rng.random() < 0.3
            lines = [OrderLine(rng.choice(self.sellable), rng.randint(1, 3)) for _ in range(rng.randint(1, 3))]
            customer_id = None if guest else rng.choice(customer_ids)
            order = self.add_generated_order(store.id, lines, created, customer_id=customer_id, rng=rng)
            if rng.random() < invoice_share:
                captured = rng.random() < 0.9
                invoice = self.invoice_order(order.fields["entity_id"], created + timedelta(hours=1), paid=captured)
                if captured and rng.random() < refund_share:
                    self.refund_invoice(invoice.fields["entity_id"], created + timedelta(days=2))
            elif rng.random() < 0.1:
                self.set_order_state(order.fields["entity_id"], "canceled", created + timedelta(hours=3))

    def _generate_customer(self, customer_id: int, rng: random.Random, when: datetime) -> Row:
        website = rng.choice(sorted({store.website_id for store in self.stores.values()}))
        store_id = next(store.id for store in self.stores.values() if store.website_id == website)
        first, last = rng.choice(["Ana", "Ben", "Chloé", "Dev", "Eli", "Fay"]), rng.choice(["Ng", "Ortiz", "Park"])
        fields = {
            "id": customer_id,
            "entity_id": customer_id,
            "email": f"buyer{customer_id}@example.com",
            "firstname": first,
            "lastname": last,
            "website_id": website,
            "store_id": store_id,
            "group_id": 1,
            "created_at": stamp(when),
            "updated_at": stamp(when),
        }
        template = self._customer_template

        def render(row: Row) -> dict[str, Any]:
            result = copy.deepcopy(template)
            result.update({k: v for k, v in row.fields.items() if k != "entity_id"})
            for address in result["addresses"]:
                address.update(
                    customer_id=row.fields["id"], firstname=row.fields["firstname"], lastname=row.fields["lastname"]
                )
            result["addresses"] = result["addresses"][:1]
            result["addresses"][0]["id"] = row.fields["id"] * 10
            result["default_billing"] = result["default_shipping"] = str(row.fields["id"] * 10)
            return result

        row = Row(fields=fields, render=render)
        self.customers[customer_id] = row
        return row

    def add_generated_order(
        self,
        store_id: int,
        lines: list[OrderLine],
        created: datetime,
        *,
        customer_id: int | None = None,
        rng: random.Random | None = None,
        payment_method: str = "checkmo",
        shipping: Decimal | None = None,
        tax_rates: Sequence[Decimal] | None = None,
        discount_percent: int | None = None,
        billing_name: tuple[str, str] | None = None,
        increment_id: str | None = None,
    ) -> Row:
        """A generated order; the keyword arguments pin what is otherwise drawn at random: ``shipping`` (0 is free
        shipping), one ``tax_rates`` entry per line (several rates in one order), the buyer's ``billing_name``
        (for guests: the name the store shows), and an ``increment_id`` (store-prefixed, long)."""
        rng = rng or random.Random(0)  # noqa: S311 - reproducible test data, not secrets
        entity_id = self.next_id(self.orders)
        drawn_discount = rng.choice((0, 0, 0, 10, 20))
        taxed = rng.random() < 0.5
        fields: dict[str, Any] = {
            "entity_id": entity_id,
            "increment_id": increment_id or self.next_increment("order", store_id),
            "store_id": store_id,
            "created_at": stamp(created),
            "updated_at": stamp(created),
            "state": "new",
            "status": "pending",
            "customer_is_guest": 0 if customer_id else 1,
        }
        if customer_id is not None:
            customer = self.customers[customer_id].fields
            fields.update(customer_id=customer_id, customer_email=customer["email"])
        else:
            fields["customer_email"] = f"guest{entity_id}@example.com"
        rate = Decimal("0.0825") if taxed else Decimal(0)
        extra = {
            "lines": lines,
            "discount_percent": drawn_discount if discount_percent is None else discount_percent,
            "tax_rates": list(tax_rates) if tax_rates is not None else [rate] * len(lines),
            "shipping": Decimal(5) * len(lines) if shipping is None else shipping,
            "payment_method": payment_method,
            "billing_name": billing_name,
            "invoiced": False,
            "refunded": False,
        }
        row = Row(fields=fields, render=self._render_order, extra=extra)
        self.orders[entity_id] = row
        return row

    def _figures(
        self, row: Row, quantities: Mapping[int, int] | None = None, *, with_shipping: bool = True
    ) -> dict[str, Any]:
        """The order's figures — or those of part of it: ``quantities`` maps a line number (1-based) to the
        quantity invoiced or refunded (lines not named are left out); shipping only ``with_shipping``."""
        extra = row.extra
        items = []
        for n, line in enumerate(extra["lines"], start=1):
            qty = line.qty if quantities is None else quantities.get(n, 0)
            if qty <= 0:
                continue
            total = line.product.price * qty
            discount = (total * extra["discount_percent"] / 100).quantize(CENT, ROUND_HALF_UP)
            tax = ((total - discount) * extra["tax_rates"][n - 1]).quantize(CENT, ROUND_HALF_UP)
            items.append(
                {
                    "item_id": row.fields["entity_id"] * 10 + n,
                    "line": line,
                    "qty": qty,
                    "rate": extra["tax_rates"][n - 1],
                    "total": total,
                    "discount": discount,
                    "tax": tax,
                }
            )
        shipping = extra["shipping"] if with_shipping else Decimal(0)
        subtotal = sum((item["total"] for item in items), Decimal(0))
        discount = sum((item["discount"] for item in items), Decimal(0))
        tax = sum((item["tax"] for item in items), Decimal(0))
        grand = subtotal - discount + shipping + tax
        return {
            "items": items,
            "subtotal": subtotal,
            "discount": discount,
            "tax": tax,
            "grand": grand,
            "shipping": shipping,
        }

    def _render_order(self, row: Row) -> dict[str, Any]:
        f, extra = row.fields, row.extra
        figures = self._figures(row)
        store = self.stores[f["store_id"]]
        order = copy.deepcopy(self._guest_template)
        grand = money(figures["grand"])
        invoiced = grand if extra["invoiced"] else 0
        for name in ("customer_id", "customer_firstname", "customer_lastname"):
            order.pop(name, None)
        order.update(
            entity_id=f["entity_id"],
            increment_id=f["increment_id"],
            store_id=f["store_id"],
            store_name=f"Main Website\nMain Website Store\n{store.name}",
            created_at=f["created_at"],
            updated_at=f["updated_at"],
            state=f["state"],
            status=f["status"],
            customer_email=f["customer_email"],
            customer_is_guest=f["customer_is_guest"],
            customer_group_id=0 if f["customer_is_guest"] else 1,
            base_currency_code=store.base_currency_code,
            order_currency_code=store.base_currency_code,
            store_currency_code=store.base_currency_code,
            global_currency_code=store.base_currency_code,
            subtotal=money(figures["subtotal"]),
            base_subtotal=money(figures["subtotal"]),
            subtotal_incl_tax=money(figures["subtotal"] + figures["tax"]),
            base_subtotal_incl_tax=money(figures["subtotal"] + figures["tax"]),
            discount_amount=-money(figures["discount"]),
            base_discount_amount=-money(figures["discount"]),
            tax_amount=money(figures["tax"]),
            base_tax_amount=money(figures["tax"]),
            shipping_amount=money(figures["shipping"]),
            base_shipping_amount=money(figures["shipping"]),
            shipping_incl_tax=money(figures["shipping"]),
            base_shipping_incl_tax=money(figures["shipping"]),
            grand_total=grand,
            base_grand_total=grand,
            total_due=grand - invoiced,
            base_total_due=grand - invoiced,
            total_item_count=len(figures["items"]),
            total_qty_ordered=sum(item["line"].qty for item in figures["items"]),
            quote_id=f["entity_id"] + 1000,
            protect_code=f"{f['entity_id']:032x}",
        )
        if extra["invoiced"]:
            order.update(total_invoiced=grand, base_total_invoiced=grand, total_paid=grand, base_total_paid=grand)
        if extra["refunded"]:
            order.update(total_refunded=grand, base_total_refunded=grand, total_offline_refunded=grand)
        if f.get("customer_id") is not None:
            customer = self.customers[f["customer_id"]].fields
            order.update(
                customer_id=f["customer_id"],
                customer_firstname=customer["firstname"],
                customer_lastname=customer["lastname"],
            )
        template_item = self._guest_template["items"][0]
        order["items"] = []
        for item in figures["items"]:
            line: OrderLine = item["line"]
            rendered = copy.deepcopy(template_item)
            row_incl = item["total"] + item["tax"]
            rendered.update(
                item_id=item["item_id"],
                order_id=f["entity_id"],
                quote_item_id=item["item_id"] + 5000,
                sku=line.product.sku,
                name=line.product.name,
                product_id=line.product.id,
                product_type="simple",
                store_id=f["store_id"],
                created_at=f["created_at"],
                updated_at=f["updated_at"],
                qty_ordered=line.qty,
                qty_invoiced=line.qty if extra["invoiced"] else 0,
                qty_refunded=line.qty if extra["refunded"] else 0,
                price=money(line.product.price),
                base_price=money(line.product.price),
                original_price=money(line.product.price),
                base_original_price=money(line.product.price),
                price_incl_tax=money(line.product.price * (1 + item["rate"])),
                base_price_incl_tax=money(line.product.price * (1 + item["rate"])),
                row_total=money(item["total"]),
                base_row_total=money(item["total"]),
                row_total_incl_tax=money(row_incl),
                base_row_total_incl_tax=money(row_incl),
                discount_amount=money(item["discount"]),
                base_discount_amount=money(item["discount"]),
                discount_percent=extra["discount_percent"],
                tax_amount=money(item["tax"]),
                base_tax_amount=money(item["tax"]),
                tax_percent=float(item["rate"] * 100),
                row_invoiced=money(item["total"]) if extra["invoiced"] else 0,
                base_row_invoiced=money(item["total"]) if extra["invoiced"] else 0,
            )
            order["items"].append(rendered)
        address = dict(order["billing_address"])
        if f.get("customer_id") is not None:
            address.update(firstname=order["customer_firstname"], lastname=order["customer_lastname"])
        elif extra.get("billing_name"):
            address.update(firstname=extra["billing_name"][0], lastname=extra["billing_name"][1])
        order["billing_address"] = {**address, "email": f["customer_email"], "parent_id": f["entity_id"]}
        order["payment"] = {
            **order["payment"],
            "method": extra["payment_method"],
            "amount_ordered": grand,
            "base_amount_ordered": grand,
            "parent_id": f["entity_id"],
            "entity_id": f["entity_id"],
            "shipping_amount": money(figures["shipping"]),
            "base_shipping_amount": money(figures["shipping"]),
        }
        if extra["invoiced"]:
            order["payment"].update(amount_paid=grand, base_amount_paid=grand)
        assignment = order["extension_attributes"]["shipping_assignments"][0]
        assignment["items"] = copy.deepcopy(order["items"])
        assignment["shipping"]["address"] = {**assignment["shipping"]["address"], "parent_id": f["entity_id"]}
        for key in ("shipping_amount", "base_shipping_amount", "shipping_incl_tax", "base_shipping_incl_tax"):
            assignment["shipping"]["total"][key] = money(figures["shipping"])
        return order

    def set_order_state(self, entity_id: int, state: str, when: datetime) -> None:
        self.version += 1
        row = self.orders[entity_id]
        row.fields.update(state=state, status=state if state != "processing" else "processing", updated_at=stamp(when))

    def invoice_order(
        self, order_id: int, when: datetime, *, paid: bool = True, quantities: Mapping[int, int] | None = None
    ) -> Row:
        """Invoice a generated order (``POST /V1/order/{id}/invoice``), which also saves the order: in full, or the
        given ``quantities`` per line number (a partial invoice; shipping goes on the order's first invoice)."""
        order = self.orders[order_id]
        first = not order.extra.get("invoiced")  # set just below, here only: an order's first invoice (O(1))
        order.extra["invoiced"] = True
        self.set_order_state(order_id, "processing", when)
        entity_id = self.next_id(self.invoices)
        fields = {
            "entity_id": entity_id,
            "increment_id": self.next_increment("invoice", order.fields["store_id"]),
            "order_id": order_id,
            "store_id": order.fields["store_id"],
            "created_at": stamp(when),
            "updated_at": stamp(when),
            "state": 2 if paid else 1,
        }
        extra = {"quantities": dict(quantities) if quantities is not None else None, "with_shipping": first}
        row = Row(fields=fields, render=self._render_invoice, extra=extra)
        self.invoices[entity_id] = row
        return row

    def capture_invoice(self, invoice_id: int, when: datetime) -> None:
        self.version += 1
        row = self.invoices[invoice_id]
        row.fields.update(state=2, updated_at=stamp(when))
        self.set_order_state(row.fields["order_id"], "processing", when)

    def _render_invoice(self, row: Row) -> dict[str, Any]:
        f = row.fields
        order = self.orders[f["order_id"]].payload()
        if row.extra.get("quantities") is not None or not row.extra.get("with_shipping", True):
            return self._render_part(self._invoice_template, row, with_shipping=row.extra.get("with_shipping", True))
        invoice = copy.deepcopy(self._invoice_template)
        invoice.update(
            {
                name: order[name]
                for name in (
                    "base_currency_code",
                    "base_discount_amount",
                    "base_grand_total",
                    "base_shipping_amount",
                    "base_shipping_incl_tax",
                    "base_subtotal",
                    "base_subtotal_incl_tax",
                    "base_tax_amount",
                    "discount_amount",
                    "global_currency_code",
                    "grand_total",
                    "order_currency_code",
                    "shipping_amount",
                    "shipping_incl_tax",
                    "store_currency_code",
                    "subtotal",
                    "subtotal_incl_tax",
                    "tax_amount",
                )
            }
        )
        invoice.update(
            entity_id=f["entity_id"],
            increment_id=f["increment_id"],
            order_id=f["order_id"],
            store_id=f["store_id"],
            created_at=f["created_at"],
            updated_at=f["updated_at"],
            state=f["state"],
            billing_address_id=order["billing_address_id"],
            total_qty=order["total_qty_ordered"],
        )
        invoice["items"] = [self._document_item(item, f["entity_id"], n) for n, item in enumerate(order["items"], 1)]
        return invoice

    def refund_invoice(
        self,
        invoice_id: int,
        when: datetime,
        *,
        quantities: Mapping[int, int] | None = None,
        with_shipping: bool | None = None,
    ) -> Row:
        """An offline credit memo (``POST /V1/order/{id}/refund``) for the whole invoice — the order closes — or
        for ``quantities`` per line number (a partial refund; shipping only when ``with_shipping``)."""
        invoice = self.invoices[invoice_id]
        order_id = invoice.fields["order_id"]
        order = self.orders[order_id]
        partial = quantities is not None or invoice.extra.get("quantities") is not None
        if not partial:
            order.extra["refunded"] = True
            self.set_order_state(order_id, "closed", when)
        else:
            self.set_order_state(order_id, order.fields["state"], when)
        if quantities is None and invoice.extra.get("quantities") is not None:
            quantities = invoice.extra["quantities"]
        entity_id = self.next_id(self.credit_memos)
        fields = {
            "entity_id": entity_id,
            "increment_id": self.next_increment("credit_memo", order.fields["store_id"]),
            "order_id": order_id,
            "invoice_id": invoice_id,
            "store_id": order.fields["store_id"],
            "created_at": stamp(when),
            "updated_at": stamp(when),
            "state": 2,
        }
        shipping = invoice.extra.get("with_shipping", True) if with_shipping is None else with_shipping
        extra = {"quantities": dict(quantities) if quantities is not None else None, "with_shipping": shipping}
        row = Row(fields=fields, render=self._render_memo, extra=extra)
        self.credit_memos[entity_id] = row
        return row

    def _render_memo(self, row: Row) -> dict[str, Any]:
        f = row.fields
        order = self.orders[f["order_id"]].payload()
        if row.extra.get("quantities") is not None or not row.extra.get("with_shipping", True):
            return self._render_part(self._memo_template, row, with_shipping=row.extra.get("with_shipping", True))
        memo = copy.deepcopy(self._memo_template)
        memo.update(
            {
                name: order[name]
                for name in (
                    "base_currency_code",
                    "base_discount_amount",
                    "base_grand_total",
                    "base_shipping_amount",
                    "base_shipping_incl_tax",
                    "base_subtotal",
                    "base_subtotal_incl_tax",
                    "base_tax_amount",
                    "discount_amount",
                    "global_currency_code",
                    "grand_total",
                    "order_currency_code",
                    "shipping_amount",
                    "shipping_incl_tax",
                    "store_currency_code",
                    "subtotal",
                    "subtotal_incl_tax",
                    "tax_amount",
                )
            }
        )
        memo.update(
            entity_id=f["entity_id"],
            increment_id=f["increment_id"],
            order_id=f["order_id"],
            invoice_id=f["invoice_id"],
            store_id=f["store_id"],
            created_at=f["created_at"],
            updated_at=f["updated_at"],
            state=f["state"],
        )
        memo["items"] = [self._document_item(item, f["entity_id"], n) for n, item in enumerate(order["items"], 1)]
        return memo

    def _render_part(self, template: dict[str, Any], row: Row, *, with_shipping: bool) -> dict[str, Any]:
        """An invoice or credit memo for part of an order: its own figures, items scaled to their quantities."""
        f = row.fields
        order_row = self.orders[f["order_id"]]
        order = order_row.payload()
        figures = self._figures(order_row, row.extra.get("quantities"), with_shipping=with_shipping)
        document = copy.deepcopy(template)
        currency = {
            k: order[k]
            for k in ("base_currency_code", "global_currency_code", "order_currency_code", "store_currency_code")
        }
        document.update(currency)
        amounts = {
            "subtotal": money(figures["subtotal"]),
            "subtotal_incl_tax": money(figures["subtotal"] + figures["tax"]),
            "discount_amount": -money(figures["discount"]),
            "tax_amount": money(figures["tax"]),
            "shipping_amount": money(figures["shipping"]),
            "shipping_incl_tax": money(figures["shipping"]),
            "grand_total": money(figures["grand"]),
        }
        for name, value in amounts.items():
            document[name] = value
            document[f"base_{name}"] = value
        document.update(
            entity_id=f["entity_id"],
            increment_id=f["increment_id"],
            order_id=f["order_id"],
            store_id=f["store_id"],
            created_at=f["created_at"],
            updated_at=f["updated_at"],
            state=f["state"],
        )
        if "invoice_id" in f:
            document["invoice_id"] = f["invoice_id"]
        if "billing_address_id" in document:
            document["billing_address_id"] = order["billing_address_id"]
        if "total_qty" in document:
            document["total_qty"] = sum(item["qty"] for item in figures["items"])
        by_id = {item["item_id"]: item for item in order["items"]}
        document["items"] = []
        for n, item in enumerate(figures["items"], start=1):
            part = self._document_item(by_id[item["item_id"]], f["entity_id"], n)
            row_total, tax, discount = item["total"], item["tax"], item["discount"]
            part.update(
                qty=item["qty"],
                row_total=money(row_total),
                base_row_total=money(row_total),
                row_total_incl_tax=money(row_total + tax),
                base_row_total_incl_tax=money(row_total + tax),
                tax_amount=money(tax),
                base_tax_amount=money(tax),
                discount_amount=money(discount),
                base_discount_amount=money(discount),
            )
            document["items"].append(part)
        return document

    @staticmethod
    def _document_item(order_item: dict[str, Any], parent_id: int, n: int) -> dict[str, Any]:
        names = (
            "base_discount_amount",
            "base_price",
            "base_price_incl_tax",
            "base_row_total",
            "base_row_total_incl_tax",
            "base_tax_amount",
            "discount_amount",
            "name",
            "price",
            "price_incl_tax",
            "product_id",
            "row_total",
            "row_total_incl_tax",
            "sku",
            "tax_amount",
        )
        item = {name: order_item[name] for name in names if name in order_item}
        item.update(
            entity_id=parent_id * 10 + n,
            parent_id=parent_id,
            order_item_id=order_item["item_id"],
            qty=order_item["qty_ordered"],
            base_discount_tax_compensation_amount=0,
            discount_tax_compensation_amount=0,
        )
        return item

    # --- changes while a client pages ------------------------------------------------------------------------

    def insert_orders(self, count: int, when: datetime | None = None, *, store_id: int = 1) -> list[Row]:
        """New orders placed ``when`` (now by default): shoppers checking out while a client pages."""
        moment = when or self.clock()
        rng = random.Random(len(self.orders))  # noqa: S311 - reproducible test data, not secrets
        return [
            self.add_generated_order(store_id, [OrderLine(rng.choice(self.sellable), 1)], moment, rng=rng)
            for _ in range(count)
        ]

    def touch_order(self, entity_id: int, when: datetime | None = None) -> None:
        """Save an order again (a status change, a comment): only ``updated_at`` moves."""
        self.version += 1
        self.orders[entity_id].fields["updated_at"] = stamp(when or self.clock())
