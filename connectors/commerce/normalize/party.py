"""Buyers and addresses: who a document is for, keyed the same way from an order and from a customer record.

Guests have no account and no ``customer_id`` key at all (Magento omits null attributes, NOTES §4.1), so their
key is built from the e-mail. Registered buyers are keyed by website and customer id, which is what a customer
record and an order placed in any store of that website agree on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlconnector.platform.documents import Address, Party


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def full_name(payload: Mapping[str, Any], prefix: str = "") -> str | None:
    parts = [_clean(payload.get(f"{prefix}{field}")) for field in ("firstname", "middlename", "lastname")]
    name = " ".join(part for part in parts if part)
    return name or None


def address(payload: Mapping[str, Any] | None) -> Address | None:
    """An order address (``region_code`` flat) or a customer address (``region`` nested) as an :class:`Address`."""
    if not payload:
        return None
    region = payload.get("region")
    if isinstance(region, Mapping):
        region_text = _clean(region.get("region_code")) or _clean(region.get("region"))
    else:
        region_text = _clean(payload.get("region_code")) or _clean(region)
    lines = tuple(line for line in (_clean(part) for part in payload.get("street") or ()) if line)
    return Address(
        name=full_name(payload),
        company=_clean(payload.get("company")),
        lines=lines,
        city=_clean(payload.get("city")),
        region=region_text,
        postal_code=_clean(payload.get("postcode")),
        country=_clean(payload.get("country_id")),
        phone=_clean(payload.get("telephone")),
    )


def customer_key(website_id: Any, customer_id: Any) -> str:
    return f"customer:{website_id}:{customer_id}"


def guest_key(email: str | None, fallback: str) -> str:
    """``guest:<email>``; an order without an e-mail (rare, imported orders) is its own guest."""
    return f"guest:{email.strip().lower()}" if email and email.strip() else f"guest:{fallback}"


def order_shipping_address(order: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """Orders have no top-level shipping address: it lives in the first shipping assignment (NOTES §4.4)."""
    assignments = (order.get("extension_attributes") or {}).get("shipping_assignments") or []
    for assignment in assignments:
        found = ((assignment or {}).get("shipping") or {}).get("address")
        if found:
            return found
    return None


def party_from_order(order: Mapping[str, Any], website_id: Any) -> Party:
    """The buyer named on an order (or on the order behind an invoice or credit memo)."""
    billing = address(order.get("billing_address"))
    shipping = address(order_shipping_address(order))
    email = _clean(order.get("customer_email"))
    guest = "customer_id" not in order or order.get("customer_id") is None or bool(order.get("customer_is_guest"))
    if guest:
        key = guest_key(email, f"order-{order.get('store_id')}-{order.get('increment_id')}")
    else:
        key = customer_key(website_id, order["customer_id"])
    billing_payload = order.get("billing_address") or {}
    return Party(
        key=key,
        email=email.lower() if email else None,
        first_name=_clean(order.get("customer_firstname")) or _clean(billing_payload.get("firstname")),
        last_name=_clean(order.get("customer_lastname")) or _clean(billing_payload.get("lastname")),
        company=billing.company if billing else None,
        phone=billing.phone if billing else None,
        is_guest=guest,
        billing=billing,
        shipping=shipping,
    )


def _default_address(customer: Mapping[str, Any], which: str) -> Mapping[str, Any] | None:
    wanted = customer.get(f"default_{which}")
    for candidate in customer.get("addresses") or ():
        if candidate.get(f"default_{which}") is True or (
            wanted is not None and str(candidate.get("id")) == str(wanted)
        ):
            return candidate
    return None


def party_from_customer(customer: Mapping[str, Any]) -> Party:
    """A registered customer as returned by ``/V1/customers/{id}`` or ``/V1/customers/search``."""
    billing = address(_default_address(customer, "billing"))
    shipping = address(_default_address(customer, "shipping"))
    email = _clean(customer.get("email"))
    return Party(
        key=customer_key(customer.get("website_id"), customer["id"]),
        email=email.lower() if email else None,
        first_name=_clean(customer.get("firstname")),
        last_name=_clean(customer.get("lastname")),
        company=billing.company if billing else None,
        phone=billing.phone if billing else None,
        is_guest=False,
        billing=billing,
        shipping=shipping,
    )
