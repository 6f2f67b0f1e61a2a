"""Numbers as qbXML writes them: amounts with exactly two decimals, quantities and prices with up to five.

AMTTYPE is ``[+-]?\\d{1,13}(\\.\\d{2})?`` and PRICETYPE/QUANTYPE ``[+-]?\\d{1,10}(\\.\\d{1,5})?`` (qbxmltypes130.xsd).
Rounding is half-up, as a bookkeeper rounds; a value too large for the type is an error, never a silent cut.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
_FIVE = Decimal("0.00001")


def amount(value: Decimal) -> str:
    """``12.5`` → ``"12.50"``; ``-0.004`` → ``"0.00"``."""
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    text = f"{rounded:f}"
    if len(text.lstrip("-").split(".")[0]) > 13:
        raise ValueError(f"amount {value} is too large for QuickBooks (13 digits before the point)")
    return text


def quantity(value: Decimal) -> str:
    """``2.000`` → ``"2"``, ``1.333333`` → ``"1.33333"`` (QUANTYPE and PRICETYPE share this format)."""
    rounded = value.quantize(_FIVE, rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in {"-0", ""}:
        text = "0"
    if len(text.lstrip("-").split(".")[0]) > 10:
        raise ValueError(f"quantity {value} is too large for QuickBooks (10 digits before the point)")
    return text


price = quantity
