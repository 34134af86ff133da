"""DPA forms: a row of the anggaran kas (twelve months) and the issue."""

from django import forms

from masterdata.form_base import PortalForm

from .common import money_field

MONTH_NAMES = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


class CashPlanForm(PortalForm):
    """Twelve months of one anggaran kas row."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for month, name in enumerate(MONTH_NAMES, start=1):
            self.fields[f"month_{month}"] = money_field(name)

    def amounts(self):
        return {month: self.cleaned_data[f"month_{month}"] for month in range(1, 13)}


class IssueDpaForm(PortalForm):
    number = forms.CharField(label="Nomor DPA", max_length=100, error_messages={"required": "Nomor DPA wajib diisi."})
