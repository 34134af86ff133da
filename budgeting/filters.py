"""Query filters of the budgeting API. A malformed value answers 400; it is never silently ignored.

Filters narrow rows the user may already see (the querysets come scoped from the selectors), so a
filter on another OPD's code simply finds nothing.
"""

from django.db.models import Q
from django_filters import rest_framework as filters

from masterdata.filters import BlankIsAnErrorForm, code_filter, id_filter, year_filter

from .models import OPD_LEVEL, ApbdVersion, Ceiling, Dpa, KuaPpas, Rka, RkaLine


class _YearDocumentFilterSet(filters.FilterSet):
    """A document of a budget year (KUA-PPAS, APBD version); each declares its own `kind` and `state`."""

    year = year_filter("fiscal_year__year")

    class Meta:
        form = BlankIsAnErrorForm
        fields = ["year", "kind", "state"]


class KuaPpasFilterSet(_YearDocumentFilterSet):
    kind = filters.ChoiceFilter(choices=KuaPpas.Kind.choices, label="Jenis KUA-PPAS.")
    state = filters.ChoiceFilter(choices=KuaPpas.State.choices, label="Status.")

    class Meta(_YearDocumentFilterSet.Meta):
        model = KuaPpas


CEILING_LEVELS = [("opd", "Plafon OPD"), ("program", "Plafon program"), ("sub_kegiatan", "Plafon sub-kegiatan")]


class CeilingFilterSet(filters.FilterSet):
    kua_ppas = id_filter("kua_ppas_id", "Id KUA-PPAS.")
    year = year_filter("kua_ppas__fiscal_year__year")
    opd = code_filter("opd__code", "Kode SIPD OPD.")
    level = filters.ChoiceFilter(choices=CEILING_LEVELS, method="filter_level", label="Tingkat plafon.")

    class Meta:
        form = BlankIsAnErrorForm
        model = Ceiling
        fields = ["kua_ppas", "year", "opd", "level"]

    def filter_level(self, queryset, name, value):
        return queryset.filter(
            {
                "opd": OPD_LEVEL,
                "program": Q(program__isnull=False),
                "sub_kegiatan": Q(sub_kegiatan__isnull=False),
            }[value]
        )


class ApbdVersionFilterSet(_YearDocumentFilterSet):
    kind = filters.ChoiceFilter(choices=ApbdVersion.Kind.choices, label="Jenis versi.")
    state = filters.ChoiceFilter(choices=ApbdVersion.State.choices, label="Status.")

    class Meta(_YearDocumentFilterSet.Meta):
        model = ApbdVersion


class _OpdDocumentFilterSet(filters.FilterSet):
    """An OPD's document of an APBD version (RKA, DPA); each declares its own `state`."""

    year = year_filter("version__fiscal_year__year")
    version = id_filter("version_id", "Id versi APBD.")
    opd = code_filter("opd__code", "Kode SIPD OPD.")

    class Meta:
        form = BlankIsAnErrorForm
        fields = ["year", "version", "opd", "state"]


class RkaFilterSet(_OpdDocumentFilterSet):
    state = filters.ChoiceFilter(choices=Rka.State.choices, label="Status RKA.")

    class Meta(_OpdDocumentFilterSet.Meta):
        model = Rka


class RkaLineFilterSet(filters.FilterSet):
    sub_kegiatan = code_filter("sub_kegiatan__sub_kegiatan__code", "Kode sub-kegiatan.")
    account = code_filter(
        "account__code", "Kode rekening diawali teks ini, mis. `5.1.02` atau `4`.", lookup_expr="startswith"
    )

    class Meta:
        form = BlankIsAnErrorForm
        model = RkaLine
        fields = ["sub_kegiatan", "account"]


class DpaFilterSet(_OpdDocumentFilterSet):
    state = filters.ChoiceFilter(choices=Dpa.State.choices, label="Status DPA.")

    class Meta(_OpdDocumentFilterSet.Meta):
        model = Dpa
