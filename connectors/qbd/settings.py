"""The posting settings the sync engine supplies per tenant (``SinkContext.settings``): how Commerce maps onto
this company file's lists. Every field has a default that posts nothing wrong: where a choice is missing, the
plan holds the document with a reason that says which setting to fill in.

Shape (JSON, all keys optional)::

    {
      "items": {"24-MB01": "Bags:Joust Duffle Bag"},   # Commerce SKU -> QuickBooks item FullName
      "fallback_item": null,             # item for SKUs without a mapping (null: hold the document)
      "match_sku_to_item_name": true,    # a SKU equal to an item's Name/FullName in the loaded item list maps itself
      "shipping_item": "Shipping",       # Other Charge item for shipping (needed when shipping > 0)
      "discount_item": "Discount",       # Discount item (needed when a discount was given)
      "tax_item": "Sales Tax",           # item carrying the tax Commerce computed (needed when tax > 0)
      "adjustment_item": "Refund Adjustment",  # credit memo adjustments and fees
      "line_tax_code": "Non",            # SalesTaxCodeRef on every line (QuickBooks must not add tax again)
      "payment_methods": {"checkmo": "Check", "braintree": "Credit Card"},
      "fallback_payment_method": null,
      "deposit_account": "Undeposited Funds",  # DepositToAccountRef of payments and sales receipts (null: QB default)
      "ar_account": null,                # ARAccountRef (null: QuickBooks' default A/R account)
      "invoice_template": null, "credit_memo_template": null, "sales_receipt_template": null,
      "customer_name": "{last_name}, {first_name} ({ref})",  # QuickBooks customer Name template
      "guest_customer": null,            # FullName of one existing customer for all guest orders (null: one each)
      "ref_number_prefix": "",           # put before the Commerce number in RefNumber
      "ref_number_overflow": "tail",     # a RefNumber over its limit: "tail" keeps the last characters, "hold" stops
      "paid_invoices": "invoice_and_payment"   # or "sales_receipt" for invoices captured at checkout
    }

Template fields for ``customer_name``: ``{first_name}``, ``{last_name}``, ``{company}``, ``{email}``, ``{ref}`` (the
Commerce customer id, or the e-mail address for a guest), ``{name}`` (``Last, First`` or the company).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import msgspec


class SettingsError(ValueError):
    """The engine passed settings this sink cannot use; the message names the field."""


class PostingSettings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    items: dict[str, str] = {}
    fallback_item: str | None = None
    match_sku_to_item_name: bool = True
    shipping_item: str | None = None
    discount_item: str | None = None
    tax_item: str | None = None
    adjustment_item: str | None = None
    line_tax_code: str | None = "Non"
    payment_methods: dict[str, str] = {}
    fallback_payment_method: str | None = None
    deposit_account: str | None = "Undeposited Funds"
    ar_account: str | None = None
    invoice_template: str | None = None
    credit_memo_template: str | None = None
    sales_receipt_template: str | None = None
    customer_name: str = "{last_name}, {first_name} ({ref})"
    guest_customer: str | None = None
    ref_number_prefix: str = ""
    ref_number_overflow: Literal["tail", "hold"] = "tail"
    paid_invoices: Literal["invoice_and_payment", "sales_receipt"] = "invoice_and_payment"

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any] | None) -> PostingSettings:
        try:
            settings = msgspec.convert(dict(raw or {}), cls)
        except msgspec.ValidationError as error:
            raise SettingsError(f"QuickBooks posting settings: {error}") from None
        try:
            settings.customer_name.format(first_name="", last_name="", company="", email="", ref="", name="")
        except (KeyError, IndexError, ValueError) as error:
            raise SettingsError(f"QuickBooks posting settings: customer_name has an unknown field {error}") from None
        return settings


def posting_settings_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`PostingSettings` (with its defaults), as the plugin's ``settings_schema``."""
    schema = msgspec.json.schema(PostingSettings)
    body = dict(schema["$defs"]["PostingSettings"])
    body["additionalProperties"] = False
    body.pop("title", None)
    return body
