"""Money: rupiah as `Decimal` to the sen, read back from the database, checked, summed and
written `Rp 1.234.567`."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    DecimalField,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from .models import MONEY

CENT = Decimal("0.01")

ZERO = Decimal("0")

# The most one amount may be: a line, a ceiling, a policy line, a month of a cash plan, an RKA's total per akun.
# Bondowoso's whole APBD is about Rp 2 T; a value near Rp 1.000 T is a typing error, and any sum the portal
# makes of such values (every OPD's, every account's) still fits the columns (MONEY: 18 digits before the sen).
MAX_AMOUNT = Decimal("999999999999999.99")


def grouped(value, places=0):
    """A number in the Indonesian way, rounded half-up: 1.234.567, or 12,50 with places=2."""
    number = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{abs(number):f}".partition(".")
    text = f"{int(whole):,}".replace(",", ".") + (f",{fraction}" if fraction else "")
    return f"-{text}" if number < 0 else text


def rupiah(value):
    """The one way the portal writes money: Rp 1.234.567, Rp 1.234,50 when there are sen, -Rp 1.234.567
    below zero."""
    number = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    text = grouped(abs(number), 0 if number == number.to_integral_value() else 2)
    return f"-Rp {text}" if number < 0 else f"Rp {text}"


def check_money(value, field, errors, *, positive=False):
    """An amount in rupiah: a number, not negative (more than zero when `positive`), to the sen, at most
    MAX_AMOUNT; the problem goes into `errors[field]`."""
    if not isinstance(value, Decimal) or not value.is_finite():
        errors[field] = "Wajib berupa angka."
    elif value < 0:
        errors[field] = "Jumlah tidak boleh negatif."
    elif positive and value == 0:
        errors[field] = "Harus lebih dari nol."
    elif value > MAX_AMOUNT:  # before quantize, which cannot hold a number this long
        errors[field] = f"Terlalu besar: paling banyak {rupiah(MAX_AMOUNT)}."
    elif value != value.quantize(CENT):
        errors[field] = "Paling banyak dua angka desimal (sen)."


def read_money(value):
    """A sum as read back: PostgreSQL gives Decimal, SQLite an int or float (or None for no rows); str() gives
    a float's shortest exact-looking form before rounding to the sen."""
    return ZERO if value is None else Decimal(str(value)).quantize(CENT)


def money_sum(expression="amount", **kwargs):
    """SUM of a money column, zero when there are no rows."""
    field = DecimalField(**MONEY)
    return Coalesce(Sum(expression, **kwargs), Value(ZERO, output_field=field), output_field=field)


def total_of(queryset, expression="amount"):
    """A money total to the sen: SQLite hands sums back unquantized, PostgreSQL with two decimals."""
    return queryset.aggregate(t=money_sum(expression))["t"].quantize(CENT)


def sum_by(queryset, *keys):
    """Sums per group, each to the sen."""
    for row in queryset.values(*keys).annotate(amount=money_sum()).order_by():
        row["amount"] = row["amount"].quantize(CENT)
        yield row


MONEY_FIELD = DecimalField(**MONEY)


def money_subquery(queryset, expression="amount"):
    """The sum of a correlated queryset (already filtered on OuterRef), zero when it has no rows."""
    summed = queryset.order_by().values(group=Value(1)).annotate(t=Sum(expression)).values("t")
    return Coalesce(Subquery(summed, output_field=MONEY_FIELD), Value(ZERO, output_field=MONEY_FIELD))
