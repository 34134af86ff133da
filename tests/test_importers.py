from decimal import Decimal

import pytest

from masterdata.importers import parse_decimal


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (1650000.5, Decimal("1650000.5")),  # Excel number cell
        (12, Decimal("12")),
        ("1.234.567", Decimal("1234567")),  # Indonesian grouping
        ("1.234,50", Decimal("1234.50")),
        ("-1.000", Decimal("-1000")),
        ("Rp 52.500", Decimal("52500")),
        ("12.5", Decimal("12.5")),
        ("1650000,5", Decimal("1650000.5")),
    ],
)
def test_parse_decimal_accepts(cell, expected):
    assert parse_decimal(cell) == expected


@pytest.mark.parametrize("cell", [1.005, "1,005", "", "abc", "NaN", Decimal("Infinity"), "12,345,678"])
def test_parse_decimal_refuses(cell):
    with pytest.raises(ValueError):
        parse_decimal(cell)
