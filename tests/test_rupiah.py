from decimal import Decimal

import pytest

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
