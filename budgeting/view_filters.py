"""Filters of the RKA list and the verification inbox: status and OPD (name or code)."""

import django_filters
from django.db.models import Q

from masterdata.form_base import PortalForm

from .models import Rka


class RkaFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status", field_name="state", choices=Rka.State.choices, empty_label="Semua status"
    )
    q = django_filters.CharFilter(label="Cari OPD (nama atau kode)", method="filter_opd")

    class Meta:
        model = Rka
        fields = ["status", "q"]
        form = PortalForm

    def filter_opd(self, queryset, name, value):
        for word in value.split()[:6]:
            queryset = queryset.filter(Q(opd__name__icontains=word) | Q(opd__code__icontains=word))
        return queryset
