"""Query filters of the planning API. A malformed value answers 400; it is never silently ignored.

Filters narrow rows the user may already see (the querysets come scoped from the selectors), so a
filter on another OPD's code simply finds nothing.
"""

from django.db.models import Q
from django_filters import rest_framework as filters

from masterdata.filters import BlankIsAnErrorForm, code_filter, id_filter, text_filter, year_filter

from .models import Proposal, Renja, Renstra


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
    q = text_filter("Cari di judul atau kode pelacakan.", 100)(filters.CharFilter(method="filter_q", max_length=100))

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
