"""Prices, discounts and taxes, in exact decimal arithmetic."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


class PricingError(ValueError):
    """A price, rate or discount that makes no sense."""


def parse_price(text: str) -> Decimal:
    """Parse a price such as ``"$1,299.99"`` or ``"12.5"`` into a Decimal with two places.

    >>> parse_price("$1,299.99")
    Decimal('1299.99')
    """
    cleaned = text.strip().replace(",", "")
    if cleaned.startswith("$"):
        cleaned = cleaned[1:]
    if not cleaned:
        raise PricingError("empty price")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise PricingError(f"not a price: {text!r}") from None
    if value < 0:
        raise PricingError("price cannot be negative")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def apply_discount(price: Decimal, percent: float) -> Decimal:
    """Take ``percent`` off ``price``, rounded to the cent."""
    if not 0 <= percent <= 100:
        raise PricingError(f"discount must be between 0 and 100, got {percent}")
    factor = (Decimal(100) - Decimal(str(percent))) / Decimal(100)
    return (price * factor).quantize(CENT, rounding=ROUND_HALF_UP)


def add_tax(price: Decimal, rate: Decimal, *, inclusive: bool = False) -> Decimal:
    """The tax on ``price`` at ``rate`` (``Decimal("0.2")`` for 20 %).

    With ``inclusive=True`` the price already contains the tax and the tax part is returned.
    """
    if rate < 0 or rate >= 1:
        raise PricingError(f"tax rate must be in [0, 1), got {rate}")
    if inclusive:
        tax = price - price / (1 + rate)
    else:
        tax = price * rate
    return tax.quantize(CENT, rounding=ROUND_HALF_UP)


def bulk_discount(quantity: int) -> int:
    """The discount in percent for buying ``quantity`` items at once."""
    if quantity < 0:
        raise PricingError("quantity cannot be negative")
    if quantity >= 100:
        return 15
    if quantity >= 50:
        return 10
    if quantity >= 10:
        return 5
    return 0


def format_price(amount: Decimal, currency: str = "USD") -> str:
    """Format ``amount`` for display: ``format_price(Decimal("1234.5"))`` gives ``"$1,234.50"``."""
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    if symbol is None:
        raise PricingError(f"unknown currency {currency!r}")
    if currency.upper() == "JPY":
        return f"{symbol}{amount.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{abs(amount).quantize(CENT, rounding=ROUND_HALF_UP):,}"
