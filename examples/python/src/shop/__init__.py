"""A small shop library: prices, a shopping cart and text helpers for product pages."""

__version__ = "0.3.0"
