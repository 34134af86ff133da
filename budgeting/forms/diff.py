"""The choice of two APBD versions to compare."""

from django import forms

from masterdata.form_base import PortalForm

from ..models import ApbdVersion


class DiffForm(PortalForm):
    lama = forms.ModelChoiceField(label="Versi lama", queryset=ApbdVersion.objects.none())
    baru = forms.ModelChoiceField(label="Versi baru", queryset=ApbdVersion.objects.none())

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("lama", "baru"):
            self.fields[name].queryset = versions
            self.fields[name].empty_label = None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("lama") and cleaned.get("lama") == cleaned.get("baru"):
            self.add_error("baru", "Pilih dua versi yang berbeda.")
        return cleaned
