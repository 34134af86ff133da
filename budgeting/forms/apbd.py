"""APBD version forms: a new version and the moves with the details each records."""

from django import forms

from masterdata.form_base import TEXT_AREA, PortalForm
from masterdata.models import Opd

from ..models import KuaPpas
from ..services import apbd as apbd_services
from .common import DateField


class ApbdCreateForm(PortalForm):
    kind = forms.ChoiceField(
        choices=[("murni", "RAPBD murni"), ("pergeseran", "Pergeseran"), ("perubahan", "APBD Perubahan")]
    )
    kua = forms.ModelChoiceField(label="KUA-PPAS yang dikunci", queryset=KuaPpas.objects.none(), required=False)
    note = forms.CharField(label="Dasar pergeseran", required=False, widget=forms.Textarea(attrs=TEXT_AREA))

    def __init__(self, *args, kuas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kua"].queryset = kuas


class ApbdTransitionForm(PortalForm):
    """One move of a version with the details it records (each move requires its own)."""

    action = forms.ChoiceField(choices=list(apbd_services.ACTION_LABELS.items()))
    note = forms.CharField(label="Catatan", required=False, widget=forms.Textarea(attrs=TEXT_AREA))
    dprd_agreement_date = DateField(label="Tanggal persetujuan bersama DPRD", required=False)
    evaluation_number = forms.CharField(label="Nomor keputusan evaluasi Gubernur", required=False, max_length=100)
    evaluation_date = DateField(label="Tanggal evaluasi", required=False)
    evaluation_corrections = forms.CharField(
        label="Koreksi hasil evaluasi", required=False, widget=forms.Textarea(attrs=TEXT_AREA)
    )
    perda_number = forms.CharField(label="Nomor Perda APBD", required=False, max_length=100)
    perda_date = DateField(label="Tanggal Perda", required=False)
    perbup_number = forms.CharField(label="Nomor Perbup penjabaran", required=False, max_length=100)
    perbup_date = DateField(label="Tanggal Perbup", required=False)
    opds = forms.ModelMultipleChoiceField(
        label="OPD yang RKA-nya disempurnakan",
        queryset=Opd.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="RKA OPD ini dikembalikan dengan koreksi hasil evaluasi sebagai catatan.",
    )

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opds"].queryset = Opd.objects.filter(rkas__version=version).order_by("code")

    def details(self, version):
        """The details the chosen move records, as the service expects them."""
        action = self.cleaned_data["action"]
        details = {name: self.cleaned_data.get(name) for name in apbd_services.move_details(version, action)}
        if action == "refine":
            details["opds"] = list(self.cleaned_data["opds"])
        return details
