"""Filters of the audit-trail page: OPD, user, object, action and a date range in local (WIB) days."""

import datetime

import django_filters
from django import forms
from django.utils import timezone

from .models import AuditEvent, Opd, User

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def start_of_day(day):
    """The first instant of a calendar day in the portal's time zone (Asia/Jakarta), as shown on the page."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


class ActorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        full_name = user.get_full_name()
        return f"{user.username} ({full_name})" if full_name else user.username


class ActorFilter(django_filters.ModelChoiceFilter):
    field_class = ActorChoiceField


class AuditFilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "Tanggal akhir tidak boleh sebelum tanggal awal.")
        return cleaned


class AuditEventFilterSet(django_filters.FilterSet):
    opd = django_filters.ModelChoiceFilter(label="OPD", queryset=Opd.objects.order_by("name"), empty_label="Semua OPD")
    actor = ActorFilter(label="Pengguna", queryset=User.objects.none(), empty_label="Semua pengguna")
    object_type = django_filters.ChoiceFilter(label="Jenis objek", choices=(), empty_label="Semua jenis")
    object_id = django_filters.CharFilter(label="ID objek")
    action = django_filters.ChoiceFilter(label="Tindakan", choices=(), empty_label="Semua tindakan")
    date_from = django_filters.DateFilter(label="Dari tanggal", method="filter_date_from", widget=DATE_WIDGET)
    date_to = django_filters.DateFilter(label="Sampai tanggal", method="filter_date_to", widget=DATE_WIDGET)

    class Meta:
        model = AuditEvent
        fields = ["opd", "actor", "object_type", "object_id", "action", "date_from", "date_to"]
        form = AuditFilterForm

    def __init__(self, data=None, queryset=None, *, actors, object_types, actions, **kwargs):
        """`actors`, `object_types` and `actions` ((code, label) pairs) are the options, drawn by the caller from the
        visible log."""
        super().__init__(data, queryset, **kwargs)
        self.filters["actor"].queryset = actors
        self.filters["object_type"].extra["choices"] = object_types
        self.filters["action"].extra["choices"] = actions

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(occurred_at__gte=start_of_day(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(occurred_at__lt=start_of_day(value + datetime.timedelta(days=1)))
