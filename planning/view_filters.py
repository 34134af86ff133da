"""Filters of the proposals board: year, kecamatan, OPD, status, stage, source and free text."""

import django_filters
from django.db.models import Q

from masterdata.form_base import PortalForm
from masterdata.models import FiscalYear, Opd, Region

from .models import Proposal


class ProposalFilterSet(django_filters.FilterSet):
    tahun = django_filters.ModelChoiceFilter(
        label="Tahun anggaran",
        field_name="fiscal_year",
        to_field_name="year",
        queryset=FiscalYear.objects.filter(is_active=True).order_by("-year"),
        empty_label="Semua tahun",
    )
    kecamatan = django_filters.ModelChoiceFilter(
        label="Kecamatan",
        queryset=Region.objects.filter(level=Region.Level.KECAMATAN).order_by("name"),
        empty_label="Semua kecamatan",
    )
    opd = django_filters.ModelChoiceFilter(
        label="OPD tujuan",
        field_name="suggested_opd",
        queryset=Opd.objects.filter(is_active=True).order_by("name"),
        empty_label="Semua OPD",
    )
    status = django_filters.ChoiceFilter(label="Status", choices=Proposal.Status.choices, empty_label="Semua status")
    stage = django_filters.ChoiceFilter(label="Tahap", choices=Proposal.Stage.choices, empty_label="Semua tahap")
    source = django_filters.ChoiceFilter(label="Sumber", choices=Proposal.Source.choices, empty_label="Semua sumber")
    q = django_filters.CharFilter(label="Cari judul, uraian atau kode", method="filter_text")

    class Meta:
        model = Proposal
        fields = ["tahun", "kecamatan", "opd", "status", "stage", "source", "q"]
        form = PortalForm

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(description__icontains=word) | Q(tracking_code__iexact=word)
            )
        return queryset
