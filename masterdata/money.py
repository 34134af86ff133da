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


def rupiah(value):
    """Thousands-grouped rupiah for messages: Rp 1.234.567."""
    text = f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return "Rp " + (text[:-3] if text.endswith(",00") else text)


def check_money(value, field, errors):
    """An amount in rupiah: a number, not negative, to the sen; the problem goes into `errors[field]`."""
    if not isinstance(value, Decimal):
        errors[field] = "Wajib berupa angka."
    elif value < 0:
        errors[field] = "Jumlah tidak boleh negatif."
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
