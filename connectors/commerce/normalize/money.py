"""Amounts as Magento sends them (floats, numeric strings such as ``"58.0400"``, or nothing) turned into exact cents.

The books are kept in the store's base currency, so every reader prefers the ``base_*`` twin of a field and falls
back to the order-currency field only when the base one is absent (Magento omits null attributes, and some child
rows carry only a few fields).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# A handful of base twins are spelled differently from their order-currency field in Magento's schema.
_BASE_NAMES = {
    "shipping_discount_tax_compensation_amount": "base_shipping_discount_tax_compensation_amnt",
}


def decimal(value: Any) -> Decimal | None:
    """``value`` as an exact Decimal, or ``None`` when absent. Floats go through ``str`` so ``208.8`` stays 208.8."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected an amount, got {value!r}")
    try:
        return Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError):
        raise ValueError(f"expected an amount, got {value!r}") from None


def cents(value: Decimal) -> Decimal:
    """Rounded half-up to the cent, as a shop rounds a price."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def base_name(field: str) -> str:
    return _BASE_NAMES.get(field, f"base_{field}")


def base(payload: Mapping[str, Any], field: str) -> Decimal | None:
    """The base-currency value of ``field`` (``base_<field>``), else the order-currency ``field``, else ``None``."""
    value = decimal(payload.get(base_name(field)))
    return value if value is not None else decimal(payload.get(field))


def base_cents(payload: Mapping[str, Any], field: str) -> Decimal:
    """:func:`base`, rounded to the cent, with an absent field counting as zero."""
    value = base(payload, field)
    return ZERO if value is None else cents(value)
