"""RKA forms: a sub-kegiatan, a line (volume x unit price), the moves and comments."""

from django import forms

from masterdata.form_base import TEXT_AREA, IndonesianNumberField, NamedChoiceField, PortalForm
from masterdata.models import Account, FundingSource, StandardPriceItem
from masterdata.selectors import budgetable_funding_sources

from ..services import rka as rka_services
from .common import PickerForm, account_field, money_field


class RkaSubKegiatanForm(PortalForm):
    """A sub-kegiatan of the OPD's final Renja that is not in the RKA yet."""

    renja_line = forms.ChoiceField(
        label="Sub-kegiatan dari Renja final", error_messages={"required": "Pilih sub-kegiatan."}
    )

    def __init__(self, *args, renja_lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.renja_lines = {str(line.pk): line for line in renja_lines}
        self.fields["renja_line"].choices = [("", "(pilih sub-kegiatan)")] + [
            (str(line.pk), f"{line.sub_kegiatan.code} {line.sub_kegiatan.name}") for line in renja_lines
        ]

    def service_values(self):
        line = self.renja_lines[self.cleaned_data["renja_line"]]
        return {
            "sub_kegiatan": line.sub_kegiatan,
            "renja_line": line,
            "location": line.location,
            "output_indicator": line.output_indicator,
            "output_target": line.output_target,
            "output_unit": line.output_unit,
        }


class RkaLineForm(PickerForm):
    """A rincian: account and standard-price item from the pickers, volume as up to three factors."""

    # The sub-kegiatan comes from the page section the line is added in, never from the form.
    SERVICE_FIELDS = [field for field in rka_services.LINE_FIELDS if field != "sub_kegiatan"]
    # Kept after an add so the next rincian of the same group starts filled in.
    CARRIED_OVER = ["account", "work_package", "description", "funding_source", "location"]

    account = account_field("Kode rekening itu tidak dapat dipakai di sini.")
    standard_price = forms.ModelChoiceField(
        label="Standar harga",
        queryset=StandardPriceItem.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Item standar harga itu tidak ada pada katalog tahun ini."},
    )
    work_package = forms.CharField(label="Paket pekerjaan / kelompok belanja", required=False, max_length=255)
    description = forms.CharField(label="Keterangan", required=False, max_length=500)
    specification = forms.CharField(label="Spesifikasi", required=False, max_length=500)
    recipient = forms.CharField(
        label="Penerima hibah/bansos", required=False, max_length=255, help_text="Hanya untuk belanja hibah dan bansos."
    )
    volume_1 = IndonesianNumberField(
        label="Volume", places=4, example="12 atau 2,5", error_messages={"required": "Volume wajib diisi."}
    )
    unit_1 = forms.CharField(label="Satuan", max_length=30, error_messages={"required": "Satuan wajib diisi."})
    volume_2 = IndonesianNumberField(label="× volume 2", places=4, example="12 atau 2,5", required=False)
    unit_2 = forms.CharField(label="Satuan 2", required=False, max_length=30)
    volume_3 = IndonesianNumberField(label="× volume 3", places=4, example="12 atau 2,5", required=False)
    unit_3 = forms.CharField(label="Satuan 3", required=False, max_length=30)
    unit_price = money_field("Harga satuan (Rp)")
    # Shown, never posted: the amount is always volume × price, computed by the service.
    amount = forms.CharField(
        label="Jumlah (Rp)",
        required=False,
        disabled=True,
        widget=forms.TextInput(attrs={"readonly": True, "tabindex": "-1"}),
    )
    funding_source = NamedChoiceField(
        label="Sumber dana",
        queryset=FundingSource.objects.none(),
        empty_label="(pilih sumber dana)",
        error_messages={"required": "Pilih sumber dana."},
    )
    location = forms.CharField(label="Lokasi", required=False, max_length=255)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, rka, akun="5", **kwargs):
        super().__init__(*args, **kwargs)
        self.rka = rka
        fiscal_year = rka.version.fiscal_year
        reference = fiscal_year.reference_version_id
        self.fields["account"].queryset = Account.objects.filter(
            version_id=reference, level=Account.Level.SUB_RINCIAN_OBJEK, code__startswith=akun
        )
        self.fields["standard_price"].queryset = StandardPriceItem.objects.filter(fiscal_year=fiscal_year)
        self.fields["funding_source"].queryset = budgetable_funding_sources(reference)

    def service_values(self):
        return {field: self.cleaned_data.get(field) for field in self.SERVICE_FIELDS}


def line_initial(line):
    initial = {field: getattr(line, field) for field in RkaLineForm.SERVICE_FIELDS}
    initial["account"] = line.account_id
    initial["standard_price"] = line.standard_price_id
    initial["funding_source"] = line.funding_source_id
    initial["amount"] = line.amount
    initial["version"] = line.version
    return initial


class RkaTransitionForm(PortalForm):
    action = forms.ChoiceField(
        choices=[("submit", "Ajukan"), ("return", "Kembalikan"), ("approve", "Setujui"), ("reopen", "Buka kembali")]
    )
    note = forms.CharField(label="Catatan", required=False, widget=forms.Textarea(attrs=TEXT_AREA))


class RkaCommentForm(PortalForm):
    text = forms.CharField(
        label="Catatan",
        widget=forms.Textarea(attrs=TEXT_AREA),
        max_length=5000,
        error_messages={"required": "Catatan tidak boleh kosong."},
    )


class RkaImportForm(PortalForm):
    file = forms.FileField(
        label="Berkas rincian (.xlsx atau .csv)",
        help_text="Baris pertama memuat nama kolom, seperti pada impor lewat API.",
        error_messages={"required": "Pilih berkas rincian.", "empty": "Berkas kosong."},
    )
