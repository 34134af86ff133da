"""Input shapes of the budgeting pages. Forms parse and type what people type (Indonesian numbers and
dates included); the budget rules are checked by the services, whose errors the views put back on these
forms field by field."""

from django import forms
from django.utils.functional import cached_property

from budgeting.services import apbd as apbd_services
from budgeting.services import kua as kua_services
from budgeting.services import rka as rka_services
from masterdata.models import Account, FundingSource, Opd, StandardPriceItem
from planning.forms import (
    TEXT_AREA,
    CodedChoiceField,
    IndonesianNumberField,
    PortalForm,
)

from .models import ApbdVersion, KuaPpas

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


# --- KUA-PPAS ----------------------------------------------------------------------------------


class KuaCreateForm(PortalForm):
    kind = forms.ChoiceField(
        label="Jenis",
        choices=[(KuaPpas.Kind.MURNI, "KUA-PPAS (APBD murni)"), (KuaPpas.Kind.PERUBAHAN, "KUPA-PPAS Perubahan")],
    )
    policy_notes = forms.CharField(
        label="Arah kebijakan umum", required=False, widget=forms.Textarea(attrs=TEXT_AREA), max_length=5000
    )


class KuaAccountLineForm(PickerForm):
    """A revenue projection, spending policy or pembiayaan amount; the account comes from the picker."""

    account = account_field("Kode rekening itu tidak dapat dipakai pada KUA-PPAS ini.")
    amount = money_field("Jumlah (Rp)")
    note = forms.CharField(label="Kebijakan / keterangan", required=False, max_length=2000)

    def __init__(self, *args, kua, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.filter(version_id=kua.fiscal_year.reference_version_id)


class KuaLineAmountForm(PortalForm):
    amount = money_field("Jumlah (Rp)")
    note = forms.CharField(label="Kebijakan / keterangan", required=False, max_length=2000)


class CeilingAmountForm(PortalForm):
    amount = money_field("Plafon (Rp)")


class OpdCeilingForm(PortalForm):
    opd = forms.ModelChoiceField(
        label="OPD",
        queryset=Opd.objects.none(),
        empty_label="(pilih OPD)",
        error_messages={"required": "Pilih OPD.", "invalid_choice": "OPD itu sudah memiliki plafon atau tidak aktif."},
    )
    amount = money_field("Plafon (Rp)")

    def __init__(self, *args, opds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opd"].queryset = opds


class NarrowerCeilingForm(PortalForm):
    """A ceiling on one program or one sub-kegiatan of the OPD's Renja."""

    target = forms.ChoiceField(
        label="Program atau sub-kegiatan", error_messages={"required": "Pilih program atau sub-kegiatan."}
    )
    amount = money_field("Plafon (Rp)")

    def __init__(self, *args, programs, subs, **kwargs):
        super().__init__(*args, **kwargs)
        self.nodes = {f"p{node.pk}": node for node in programs} | {f"s{node.pk}": node for node in subs}
        self.fields["target"].choices = [
            ("", "(pilih)"),
            ("Program", [(f"p{node.pk}", f"{node.code} {node.name}") for node in programs]),
            ("Sub-kegiatan", [(f"s{node.pk}", f"{node.code} {node.name}") for node in subs]),
        ]

    def target_kwargs(self):
        key = self.cleaned_data["target"]
        node = self.nodes[key]
        return {"program": node} if key.startswith("p") else {"sub_kegiatan": node}


class KuaTransitionForm(PortalForm):
    action = forms.ChoiceField(choices=list(kua_services.KUA_ACTION_LABELS.items()))
    note = forms.CharField(label="Catatan", required=False, widget=forms.Textarea(attrs=TEXT_AREA))
    agreement_number = forms.CharField(label="Nomor nota kesepakatan", required=False, max_length=100)
    agreement_date = DateField(label="Tanggal nota kesepakatan", required=False)


# --- RKA ---------------------------------------------------------------------------------------


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
    funding_source = CodedChoiceField(
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
        self.fields["funding_source"].queryset = FundingSource.objects.filter(
            version_id=reference, level=Account.Level.SUB_RINCIAN_OBJEK, is_active=True
        ).order_by("code")

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


# --- APBD --------------------------------------------------------------------------------------


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

    def details(self, version):
        """The details the chosen move records, as the service expects them."""
        names = apbd_services.move_details(version, self.cleaned_data["action"])
        return {name: self.cleaned_data.get(name) for name in names}


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


# --- DPA ---------------------------------------------------------------------------------------

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
