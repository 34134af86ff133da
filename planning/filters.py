"""Query filters of the planning API. A malformed value answers 400; it is never silently ignored.

Filters narrow rows the user may already see (the querysets come scoped from the selectors), so a
filter on another OPD's code simply finds nothing.
"""

from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from masterdata.api_base import TEXT_PATTERN
from masterdata.filters import BlankIsAnErrorForm, IntegerFilter

from .models import Proposal, Renja, Renstra


# Filter makers, shared with the budgeting API; each carries its OpenAPI schema.
def year_filter(field_name):
    return extend_schema_field({"type": "integer", "minimum": 2000, "maximum": 2100, "description": "Tahun anggaran."})(
        IntegerFilter(field_name=field_name, min_value=2000, max_value=2100)
    )


def id_filter(field_name, description):
    return extend_schema_field({"type": "integer", "minimum": 1, "description": description})(
        IntegerFilter(field_name=field_name, min_value=1)
    )


def _text(description, max_length):
    return extend_schema_field(
        {"type": "string", "maxLength": max_length, "pattern": TEXT_PATTERN, "description": description}
    )


def code_filter(field_name, description, lookup_expr="exact", max_length=32):
    return _text(description, max_length)(
        filters.CharFilter(field_name=field_name, lookup_expr=lookup_expr, max_length=max_length)
    )


class RenjaFilterSet(filters.FilterSet):
    year = year_filter("fiscal_year__year")
    opd = code_filter("opd__code", "Kode SIPD OPD.")
    stage = filters.ChoiceFilter(choices=Renja.Stage.choices, label="Tahap Renja.")
    state = filters.ChoiceFilter(choices=Renja.State.choices, label="Status dalam tahap.")

    class Meta:
        form = BlankIsAnErrorForm
        model = Renja
        fields = ["year", "opd", "stage", "state"]


class ProposalFilterSet(filters.FilterSet):
    year = year_filter("fiscal_year__year")
    source = filters.ChoiceFilter(choices=Proposal.Source.choices, label="Sumber usulan.")
    stage = filters.ChoiceFilter(choices=Proposal.Stage.choices, label="Tahap musrenbang.")
    status = filters.ChoiceFilter(choices=Proposal.Status.choices, label="Status usulan.")
    kecamatan = code_filter("kecamatan__code", "Kode wilayah kecamatan, mis. `35.11.01`.")
    suggested_opd = code_filter("suggested_opd__code", "Kode SIPD OPD tujuan.")
    q = _text("Cari di judul atau kode pelacakan.", 100)(filters.CharFilter(method="filter_q", max_length=100))

    class Meta:
        form = BlankIsAnErrorForm
        model = Proposal
        fields = ["year", "source", "stage", "status", "kecamatan", "suggested_opd", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(tracking_code__iexact=value))


class RenstraFilterSet(filters.FilterSet):
    opd = code_filter("opd__code", "Kode SIPD OPD.")
    rpjmd = id_filter("rpjmd_id", "Id RPJMD.")

    class Meta:
        form = BlankIsAnErrorForm
        model = Renstra
        fields = ["opd", "rpjmd"]
