"""Form pieces every budgeting document shares: dates, rupiah amounts, the account picker."""

from django import forms
from django.utils.functional import cached_property

from masterdata.form_base import IndonesianNumberField, PortalForm
from masterdata.models import Account, StandardPriceItem

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


class DateField(forms.DateField):
    """A browser date picker; typed dates in the Indonesian order (31-12-2024) are accepted too."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        kwargs.setdefault("input_formats", DATE_FORMATS)
        super().__init__(**kwargs)
        self.error_messages["invalid"] = "Tulis tanggal, misalnya 28-11-2024."


def money_field(label, **kwargs):
    kwargs.setdefault("error_messages", {"required": f"{label} wajib diisi."})
    return IndonesianNumberField(label=label, **kwargs)


def account_field(invalid_choice):
    """The kode rekening picked in the search picker; the form narrows its queryset to the accounts allowed."""
    return forms.ModelChoiceField(
        label="Kode rekening",
        queryset=Account.objects.none(),
        error_messages={
            "required": "Pilih kode rekening: cari dengan kode atau nama, lalu pilih salah satu hasil.",
            "invalid_choice": invalid_choice,
        },
    )


class PickerForm(PortalForm):
    """A form whose account (and item) come from the search pickers: radio buttons drawn by the template."""

    def chosen(self, field):
        """The object the form currently points at, so the picker shows it checked after a swap."""
        value = self[field].value()
        if value in (None, ""):
            return None
        if isinstance(value, Account | StandardPriceItem):
            return value
        return self.fields[field].queryset.filter(pk=value).first() if str(value).isdigit() else None

    @cached_property
    def chosen_account(self):
        return self.chosen("account")
