"""Money and numbers in templates, written as masterdata/money.py writes them; anything that is not a
number shows as nothing."""

from decimal import Decimal, InvalidOperation

from django import template

from masterdata import money

register = template.Library()


def _number(value):
    if value is None or value == "":
        return None
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


@register.filter
def rupiah(value):
    """`Rp 1.234.567.890`, `Rp 1.234,50` with sen, `-Rp 2.500.000` below zero."""
    number = _number(value)
    return "" if number is None else money.rupiah(number)


@register.filter
def angka(value, places=0):
    """A number with Indonesian grouping: 1.234.567 (or 12,50 with places=2)."""
    number = _number(value)
    return "" if number is None else money.grouped(number, int(places))
