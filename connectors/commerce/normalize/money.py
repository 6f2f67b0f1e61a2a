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
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueError(f"expected an amount, got {_shown(value)}")
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"expected an amount, got {_shown(value)}") from None
    if not number.is_finite():  # "NaN" and "Infinity" parse, but no book can hold them
        raise ValueError(f"expected an amount, got {_shown(value)}")
    return number


def _shown(value: Any) -> str:
    """The offending value as the bookkeeper reads it, cut short (a store can send anything, of any size)."""
    text = (
        repr(value)
        if isinstance(value, str | int | float | Decimal)
        else type(value).__name__.replace("dict", "object")
    )
    return text if len(text) <= 40 else text[:37] + "..."


def cents(value: Decimal) -> Decimal:
    """Rounded half-up to the cent, as a shop rounds a price."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def base_name(field: str) -> str:
    return _BASE_NAMES.get(field, f"base_{field}")


def base(payload: Mapping[str, Any], field: str) -> Decimal | None:
    """The base-currency value of ``field`` (``base_<field>``), else the order-currency ``field``, else ``None``."""
    for name in (base_name(field), field):
        try:
            value = decimal(payload.get(name))
        except ValueError as error:
            raise ValueError(f"{name}: {error}") from None
        if value is not None:
            return value
    return None


def base_cents(payload: Mapping[str, Any], field: str) -> Decimal:
    """:func:`base`, rounded to the cent, with an absent field counting as zero."""
    value = base(payload, field)
    return ZERO if value is None else cents(value)
