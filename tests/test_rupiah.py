from decimal import Decimal

import pytest

from masterdata import money
from masterdata.templatetags.rupiah import angka, rupiah


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234567890"), "Rp 1.234.567.890"),
        (Decimal("1234567890.00"), "Rp 1.234.567.890"),
        (Decimal("1234.5"), "Rp 1.234,50"),
        (Decimal("-2500000"), "-Rp 2.500.000"),
        (0, "Rp 0"),
        ("999", "Rp 999"),
        (None, ""),
        ("bukan angka", ""),
    ],
)
def test_rupiah(value, expected):
    assert rupiah(value) == expected


def test_angka():
    assert angka(5348) == "5.348"
    assert angka(Decimal("12.345"), 2) == "12,35"
    assert angka(None) == ""


@pytest.mark.parametrize("value", [Decimal("-1234567"), Decimal("-0.5"), Decimal("1234.5"), Decimal("0")])
def test_messages_and_pages_write_money_the_same_way(value):
    assert money.rupiah(value) == rupiah(value)


def test_a_negative_amount_reads_minus_rupiah():
    assert money.rupiah(Decimal("-1234567")) == "-Rp 1.234.567"
