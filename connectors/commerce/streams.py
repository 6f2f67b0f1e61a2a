"""The five streams: where each is listed and read one by one, what is asked for, and what context it needs.

``fields`` trims what crosses the wire (NOTES §3.4): an order list page otherwise carries every item row twice
(once in ``items``, again in ``extension_attributes.shipping_assignments[].items``) and product pages carry every
custom attribute and image. ``total_count`` is always named, or Magento drops it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mlconnector.connectors.commerce.client import CommerceClient
from mlconnector.connectors.commerce.records import (
    CREDIT_MEMO,
    CUSTOMER,
    INVOICE,
    ORDER,
    PRODUCT,
    entity_id,
    make_record,
    store_context,
)
from mlconnector.connectors.commerce.search import SearchCriteria, any_of, one
from mlconnector.platform.plugins import SourceRecord

_ORDER_ITEM = (
    "item_id,parent_item_id,sku,name,product_id,product_type,is_virtual,qty_ordered,qty_invoiced,qty_refunded,"
    "qty_canceled,qty_shipped,price,base_price,original_price,base_original_price,price_incl_tax,base_price_incl_tax,"
    "row_total,base_row_total,row_total_incl_tax,base_row_total_incl_tax,tax_amount,base_tax_amount,tax_percent,"
    "discount_amount,base_discount_amount,discount_percent,discount_tax_compensation_amount,"
    "base_discount_tax_compensation_amount,weee_tax_applied_row_amount,base_weee_tax_applied_row_amnt"
)
ORDER_FIELDS = (
    "entity_id,increment_id,store_id,store_name,state,status,created_at,updated_at,customer_id,customer_email,"
    "customer_firstname,customer_middlename,customer_lastname,customer_is_guest,customer_group_id,customer_note,"
    "base_currency_code,order_currency_code,store_currency_code,global_currency_code,base_to_order_rate,"
    "base_to_global_rate,subtotal,base_subtotal,subtotal_incl_tax,base_subtotal_incl_tax,discount_amount,"
    "base_discount_amount,discount_description,coupon_code,applied_rule_ids,discount_tax_compensation_amount,"
    "base_discount_tax_compensation_amount,shipping_amount,base_shipping_amount,shipping_incl_tax,"
    "base_shipping_incl_tax,shipping_tax_amount,base_shipping_tax_amount,shipping_discount_amount,"
    "base_shipping_discount_amount,shipping_discount_tax_compensation_amount,"
    "base_shipping_discount_tax_compensation_amnt,shipping_description,tax_amount,base_tax_amount,grand_total,"
    "base_grand_total,total_due,base_total_due,total_paid,base_total_paid,total_invoiced,base_total_invoiced,"
    "total_refunded,base_total_refunded,total_canceled,base_total_canceled,total_qty_ordered,is_virtual,weight,"
    "gift_cards_amount,base_gift_cards_amount,customer_balance_amount,base_customer_balance_amount,"
    f"items[{_ORDER_ITEM}],billing_address,payment,"
    "extension_attributes[shipping_assignments[shipping],payment_additional_info,applied_taxes,item_applied_taxes]"
)
ORDER_CONTEXT_FIELDS = (
    "entity_id,increment_id,store_id,customer_id,customer_email,customer_firstname,customer_middlename,"
    "customer_lastname,customer_is_guest,billing_address,payment,"
    "items[item_id,parent_item_id,product_type,sku,name,product_id,tax_percent],"
    "extension_attributes[shipping_assignments[shipping[address]],payment_additional_info]"
)
"""What an invoice or credit memo needs from its order: the buyer, addresses, payment and the item tree."""
PRODUCT_FIELDS = (
    "id,sku,name,type_id,price,status,visibility,attribute_set_id,created_at,updated_at,"
    "extension_attributes[website_ids]"
)


@dataclass(frozen=True, slots=True)
class StreamSpec:
    name: str
    list_path: str
    single_path: str | None
    """``None`` when the single read is a search by id (products: their single path takes a SKU)."""
    fields: str | None
    scope: str | None
    """``store_id`` filter (sales documents), ``website_id`` (customers) or none (products are global)."""

    def list_fields(self) -> str | None:
        return f"items[{self.fields}],total_count" if self.fields else None


SPECS: dict[str, StreamSpec] = {
    ORDER: StreamSpec(ORDER, "orders", "orders/{id}", ORDER_FIELDS, "store_id"),
    INVOICE: StreamSpec(INVOICE, "invoices", "invoices/{id}", None, "store_id"),
    CREDIT_MEMO: StreamSpec(CREDIT_MEMO, "creditmemos", "creditmemo/{id}", None, "store_id"),
    CUSTOMER: StreamSpec(CUSTOMER, "customers/search", "customers/{id}", None, "website_id"),
    PRODUCT: StreamSpec(PRODUCT, "products", None, PRODUCT_FIELDS, None),
}

Stores = Mapping[int, Mapping[str, Any]]


async def load_stores(client: CommerceClient) -> dict[int, dict[str, Any]]:
    """Store views by id, from ``/V1/store/storeConfigs`` (time zone, website, base currency)."""
    configs = await client.get("store/storeConfigs")
    return {int(config["id"]): store_context(config) for config in configs if "id" in config}


def scope_groups(spec: StreamSpec, store_ids: Sequence[int], stores: Stores) -> tuple[tuple[Any, ...], ...]:
    """The filter group that limits a read to the tenant's stores (one ``in`` filter, NOTES §4.8)."""
    if not store_ids or spec.scope is None:
        return ()
    if spec.scope == "website_id":
        websites = sorted({stores[s]["website_id"] for s in store_ids if s in stores})
        return (any_of("website_id", websites),) if websites else ()
    return (any_of("store_id", sorted(store_ids)),)


async def _by_ids(client: CommerceClient, path: str, ids: Sequence[int], fields: str) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    criteria = SearchCriteria(
        groups=(any_of("entity_id", sorted(set(ids))),), page_size=len(set(ids)), fields=f"items[{fields}],total_count"
    )
    page = await client.search(path, criteria)
    return {int(item["entity_id"]): item for item in page.items}


async def build_records(
    client: CommerceClient, spec: StreamSpec, items: Sequence[dict[str, Any]], stores: Stores
) -> list[SourceRecord]:
    """Records for one page, with the context normalisation needs (one extra request per page at most)."""
    if not items:
        return []

    def store(item: Mapping[str, Any]) -> Any:
        return stores.get(int(item["store_id"])) if item.get("store_id") is not None else None

    if spec.name == ORDER:
        return [make_record(ORDER, item, store=store(item)) for item in items]
    if spec.name in (INVOICE, CREDIT_MEMO):
        orders = await _by_ids(client, "orders", [int(i["order_id"]) for i in items], ORDER_CONTEXT_FIELDS)
        if spec.name == INVOICE:
            return [
                make_record(INVOICE, item, order=orders.get(int(item["order_id"])), store=store(item)) for item in items
            ]
        invoice_ids = [int(item["invoice_id"]) for item in items if item.get("invoice_id")]
        invoices = await _by_ids(client, "invoices", invoice_ids, "entity_id,increment_id,store_id")
        return [
            make_record(
                CREDIT_MEMO,
                item,
                order=orders.get(int(item["order_id"])),
                invoice=invoices.get(int(item["invoice_id"])) if item.get("invoice_id") else None,
                store=store(item),
            )
            for item in items
        ]
    if spec.name == CUSTOMER:
        return [make_record(CUSTOMER, item, store=store(item)) for item in items]
    return [make_record(PRODUCT, item) for item in items]


async def fetch_one(client: CommerceClient, spec: StreamSpec, source_id: str, stores: Stores) -> SourceRecord | None:
    """One record by its id, read fresh (a webhook's hint is never trusted); ``None`` if it no longer exists."""
    if not source_id.isdigit():
        raise ValueError(f"{spec.name} ids are numbers, not {source_id!r}")
    if spec.single_path is None:
        criteria = SearchCriteria(groups=(one("entity_id", source_id),), page_size=1, fields=spec.list_fields())
        page = await client.search(spec.list_path, criteria)
        item = page.items[0] if page.items else None
    else:
        params = [("fields", spec.fields)] if spec.fields else []
        item = await client.get_optional(spec.single_path.format(id=source_id), params)
    if item is None:
        return None
    [record] = await build_records(client, spec, [item], stores)
    return record


def id_of(spec: StreamSpec) -> Any:
    return lambda item: entity_id(spec.name, item)
