"""Indonesian money and number formatting: Rp 1.234.567.890 (decimals only when there are cents)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


def format_number(value, places=0):
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


@register.filter
def rupiah(value):
    """`Rp 1.234.567.890`, or `Rp 1.234,50` when the amount has cents."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    has_cents = number != number.to_integral_value()
    text = format_number(number, 2 if has_cents else 0)
    if text.startswith("-"):
        return f"-Rp {text[1:]}"
    return f"Rp {text}"


@register.filter
def angka(value, places=0):
    """A number with Indonesian grouping: 1.234.567 (or 12,50 with places=2)."""
    return format_number(value, int(places))
