from django import forms

from masterdata.form_base import IndonesianNumberField, PortalForm

from .selectors.lra import MONTH_NAMES

MONTHS = [(month, name) for month, name in enumerate(MONTH_NAMES, start=1)]


class RealizationForm(PortalForm):
    line = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    month = forms.TypedChoiceField(label="Bulan", choices=MONTHS, coerce=int)
    amount = IndonesianNumberField(label="Realisasi (Rp)")


class RealizationImportForm(PortalForm):
    file = forms.FileField(
        label="Berkas realisasi (.xlsx atau .csv)",
        help_text="Kolom: kode_opd, kode_sub_kegiatan, kode_rekening, bulan, jumlah.",
        error_messages={"required": "Pilih berkas realisasi.", "empty": "Berkas kosong."},
    )


class ProgressForm(PortalForm):
    sub_kegiatan = forms.CharField(max_length=32, widget=forms.HiddenInput)
    month = forms.TypedChoiceField(label="Bulan", choices=MONTHS, coerce=int)
    physical_percent = IndonesianNumberField(label="Kemajuan fisik (%)", example="62,5")
    output_achieved = IndonesianNumberField(label="Capaian keluaran", required=False, example="12")
