"""Query filters of the budgeting API. A malformed value answers 400; it is never silently ignored.

Filters narrow rows the user may already see (the querysets come scoped from the selectors), so a
filter on another OPD's code simply finds nothing.
"""

from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from masterdata.api_base import TEXT_PATTERN
from masterdata.filters import BlankIsAnErrorForm, IntegerFilter

from .models import ApbdVersion, Ceiling, Dpa, KuaPpas, Rka, RkaLine


def _year_filter(field_name):
    return extend_schema_field({"type": "integer", "minimum": 2000, "maximum": 2100, "description": "Tahun anggaran."})(
        IntegerFilter(field_name=field_name, min_value=2000, max_value=2100)
    )


def _id_filter(field_name, description):
    return extend_schema_field({"type": "integer", "minimum": 1, "description": description})(
        IntegerFilter(field_name=field_name, min_value=1)
    )


def _code_filter(field_name, description, lookup_expr="exact", max_length=32):
    return extend_schema_field(
        {"type": "string", "maxLength": max_length, "pattern": TEXT_PATTERN, "description": description}
    )(filters.CharFilter(field_name=field_name, lookup_expr=lookup_expr, max_length=max_length))


class KuaPpasFilterSet(filters.FilterSet):
    year = _year_filter("fiscal_year__year")
    kind = filters.ChoiceFilter(choices=KuaPpas.Kind.choices, label="Jenis KUA-PPAS.")
    state = filters.ChoiceFilter(choices=KuaPpas.State.choices, label="Status.")

    class Meta:
        form = BlankIsAnErrorForm
        model = KuaPpas
        fields = ["year", "kind", "state"]


CEILING_LEVELS = [("opd", "Plafon OPD"), ("program", "Plafon program"), ("sub_kegiatan", "Plafon sub-kegiatan")]


class CeilingFilterSet(filters.FilterSet):
    kua_ppas = _id_filter("kua_ppas_id", "Id KUA-PPAS.")
    year = _year_filter("kua_ppas__fiscal_year__year")
    opd = _code_filter("opd__code", "Kode SIPD OPD.")
    level = filters.ChoiceFilter(choices=CEILING_LEVELS, method="filter_level", label="Tingkat plafon.")

    class Meta:
        form = BlankIsAnErrorForm
        model = Ceiling
        fields = ["kua_ppas", "year", "opd", "level"]

    def filter_level(self, queryset, name, value):
        return queryset.filter(
            {
                "opd": Q(program__isnull=True, sub_kegiatan__isnull=True),
                "program": Q(program__isnull=False),
                "sub_kegiatan": Q(sub_kegiatan__isnull=False),
            }[value]
        )


class ApbdVersionFilterSet(filters.FilterSet):
    year = _year_filter("fiscal_year__year")
    kind = filters.ChoiceFilter(choices=ApbdVersion.Kind.choices, label="Jenis versi.")
    state = filters.ChoiceFilter(choices=ApbdVersion.State.choices, label="Status.")

    class Meta:
        form = BlankIsAnErrorForm
        model = ApbdVersion
        fields = ["year", "kind", "state"]


class RkaFilterSet(filters.FilterSet):
    year = _year_filter("version__fiscal_year__year")
    version = _id_filter("version_id", "Id versi APBD.")
    opd = _code_filter("opd__code", "Kode SIPD OPD.")
    state = filters.ChoiceFilter(choices=Rka.State.choices, label="Status RKA.")

    class Meta:
        form = BlankIsAnErrorForm
        model = Rka
        fields = ["year", "version", "opd", "state"]


class RkaLineFilterSet(filters.FilterSet):
    sub_kegiatan = _code_filter("sub_kegiatan__sub_kegiatan__code", "Kode sub-kegiatan.")
    account = _code_filter(
        "account__code", "Kode rekening diawali teks ini, mis. `5.1.02` atau `4`.", lookup_expr="startswith"
    )

    class Meta:
        form = BlankIsAnErrorForm
        model = RkaLine
        fields = ["sub_kegiatan", "account"]


class DpaFilterSet(filters.FilterSet):
    year = _year_filter("version__fiscal_year__year")
    version = _id_filter("version_id", "Id versi APBD.")
    opd = _code_filter("opd__code", "Kode SIPD OPD.")
    state = filters.ChoiceFilter(choices=Dpa.State.choices, label="Status DPA.")

    class Meta:
        form = BlankIsAnErrorForm
        model = Dpa
        fields = ["year", "version", "opd", "state"]
