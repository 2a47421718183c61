from decimal import Decimal

import pytest

from shop.pricing import PricingError, apply_discount, parse_price


def test_parse_price_strips_the_dollar_sign():
    assert parse_price("$12.50") == Decimal("12.50")


def test_parse_price_rejects_text():
    with pytest.raises(PricingError):
        parse_price("twelve")


def test_apply_discount_takes_ten_percent_off():
    assert apply_discount(Decimal("20.00"), 10) == Decimal("18.00")
