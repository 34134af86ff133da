"""Reads of reference data, already scoped to the user through the access module."""

from django.db.models import Count

from . import access
from .models import FiscalYear, Nomenclature, Opd, ReferenceVersion


def current_fiscal_year():
    return FiscalYear.objects.filter(is_active=True).select_related("reference_version").order_by("-year").first()


def public_home_context():
    return {
        "opd_count": Opd.objects.filter(is_active=True).count(),
        "fiscal_years": list(
            FiscalYear.objects.filter(is_active=True).order_by("-year").values_list("year", flat=True)
        ),
    }


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


def role_home_context(user):
    return {
        "fiscal_year": current_fiscal_year(),
        "reference": reference_summary(user),
        "opd": user.opd if access.role_of(user) == access.Role.OPD_STAFF else None,
    }
