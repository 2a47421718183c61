"""A shopping cart: line items, quantities and the total with discount codes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .pricing import PricingError, apply_discount, bulk_discount

DISCOUNT_CODES = {"SAVE10": 10, "HALFPRICE": 50, "WELCOME5": 5}


@dataclass
class LineItem:
    """One product in the cart."""

    sku: str
    unit_price: Decimal
    quantity: int = 1

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


class Cart:
    """Products a customer is about to buy."""

    def __init__(self, owner: str = "guest") -> None:
        self.owner = owner
        self.items: dict[str, LineItem] = {}

    def add(self, sku: str, unit_price: Decimal, quantity: int = 1) -> None:
        """Add ``quantity`` of a product; adding it again raises its quantity."""
        if quantity <= 0:
            raise ValueError(f"quantity must be positive, got {quantity}")
        if unit_price < 0:
            raise PricingError("unit price cannot be negative")
        if sku in self.items:
            self.items[sku].quantity += quantity
        else:
            self.items[sku] = LineItem(sku, unit_price, quantity)

    def remove(self, sku: str, quantity: int | None = None) -> None:
        """Remove a product, or only ``quantity`` of it."""
        if sku not in self.items:
            raise KeyError(sku)
        item = self.items[sku]
        if quantity is None or quantity >= item.quantity:
            del self.items[sku]
        else:
            item.quantity -= quantity

    def quantity_of(self, sku: str) -> int:
        item = self.items.get(sku)
        return item.quantity if item else 0

    def item_count(self) -> int:
        return sum(item.quantity for item in self.items.values())

    def subtotal(self) -> Decimal:
        return sum((item.total for item in self.items.values()), Decimal("0.00"))

    def total(self, code: str | None = None) -> Decimal:
        """The amount to pay: bulk discount, or a discount code when it is better."""
        percent = bulk_discount(self.item_count())
        if code is not None:
            if code.upper() not in DISCOUNT_CODES:
                raise ValueError(f"unknown discount code {code!r}")
            percent = max(percent, DISCOUNT_CODES[code.upper()])
        return apply_discount(self.subtotal(), percent)

    def is_empty(self) -> bool:
        return not self.items
