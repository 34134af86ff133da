"""Reads of reference data, already scoped to the user through the access module."""

from axes.helpers import get_client_ip_address, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import (
    Count,
    IntegerField,
    Max,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import access
from .models import (
    PROVINCIAL_FUNDING_PREFIXES,
    Account,
    ApiToken,
    FiscalYear,
    FundingSource,
    Nomenclature,
    Opd,
    ReferenceVersion,
    StandardPriceItem,
)


def current_fiscal_year():
    """The year marked current (tahun berjalan); failing that, the newest active one."""
    return (
        FiscalYear.objects.filter(is_active=True)
        .select_related("reference_version")
        .order_by("-is_current", "-year")
        .first()
    )


def find_fiscal_year(year):
    """The fiscal year `year` with its reference version, or None when it is not registered."""
    return FiscalYear.objects.filter(year=year).select_related("reference_version").first()


def address_lockout(request):
    """How long the client's address must still wait after too many failed logins across user names, or None.

    django-axes counts failures per user name and address; this sums its records of the address over the
    cool-off, so a client spraying one password over many names meets the limit too.
    """
    cool_off = get_cool_off(request)
    now = timezone.now()
    recent = AccessAttempt.objects.filter(ip_address=get_client_ip_address(request), attempt_time__gte=now - cool_off)
    failures = recent.aggregate(count=Sum("failures_since_start"), last=Max("attempt_time"))
    if (failures["count"] or 0) < settings.LOGIN_FAILURES_PER_ADDRESS:
        return None
    return failures["last"] + cool_off - now


def api_tokens(user):
    """The user's own API tokens; the administrator's: everyone's."""
    return access.scope_api_tokens(user, ApiToken.objects.select_related("user"))


def reference_summary(user):
    """Row counts per kind and level of the newest reference version, for the staff home pages."""
    version = ReferenceVersion.objects.order_by("-created_at").first()
    if version is None:
        return {"version": None, "levels": []}
    levels = (
        access.scope_reference(user, Nomenclature.objects.filter(version=version))
        .values("level")
        .annotate(total=Count("id"))
        .order_by()
    )
    order = list(Nomenclature.Level.values)
    labels = dict(Nomenclature.Level.choices)
    return {
        "version": version,
        "levels": sorted(
            ({"label": labels[row["level"]], "total": row["total"], "level": row["level"]} for row in levels),
            key=lambda row: order.index(row["level"]),
        ),
    }


# ---------------------------------------------------------------------------------------------
# API reads (masterdata.api): querysets already scoped, with what their serializers touch joined.
# ---------------------------------------------------------------------------------------------


def coded_reference(user, model):
    """Nomenclature, accounts or funding sources of every version, in code order."""
    return access.scope_reference(user, model.objects.select_related("parent").order_by("code", "id"))


def budgetable_funding_sources(version_id):
    """Sub rincian objek funding sources of a reference version that an OPD of the kabupaten may budget, by name."""
    provincial = Q()
    for prefix in PROVINCIAL_FUNDING_PREFIXES:
        provincial |= Q(code__startswith=prefix)
    return (
        FundingSource.objects.filter(version_id=version_id, level=Account.Level.SUB_RINCIAN_OBJEK, is_active=True)
        .exclude(provincial)
        .order_by("name", "code")
    )


def opds(user):
    return access.scope_reference(user, Opd.objects.select_related("parent").order_by("code", "id"))


def standard_prices(user):
    """Standard-price items with their fiscal year and the codes of the accounts they may be charged to."""
    accounts = Prefetch("accounts", queryset=Account.objects.only("id", "code").order_by("code"))
    return access.scope_reference(
        user,
        StandardPriceItem.objects.select_related("fiscal_year").prefetch_related(accounts).order_by("code", "id"),
    )


def _fiscal_year(year):
    """The fiscal year `year`, or without one the current fiscal year (as a one-row queryset)."""
    if year is None:
        return FiscalYear.objects.filter(is_active=True).order_by("-is_current", "-year")[:1]
    return FiscalYear.objects.filter(year=year)


def in_reference_year(queryset, year=None):
    """Rows of the reference version a fiscal year uses (default: the current fiscal year)."""
    return queryset.filter(version=Subquery(_fiscal_year(year).values("reference_version")))


def standard_prices_in_year(queryset, year=None):
    """Items of one fiscal year's catalogue (default: the current fiscal year)."""
    return queryset.filter(fiscal_year=Subquery(_fiscal_year(year).values("pk")))


PICKER_WORDS = 6  # a search uses at most this many words


def count_subquery(queryset):
    counted = queryset.order_by().values(group=Value(1)).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def search_words(query):
    return query.split()[:PICKER_WORDS]


def matching_every_word(queryset, query, fields):
    """Rows where every word of `query` is found (any case) in at least one of `fields`."""
    for word in search_words(query):
        found = Q()
        for field in fields:
            found |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(found)
    return queryset
