"""Input shapes of the planning pages. Forms parse and type what people type (Indonesian numbers
included); the rules of the domain are checked by planning.services, whose errors the views put
back on these forms field by field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from masterdata.form_base import (
    TEXT_AREA,
    CodedChoiceField,
    FiscalYearChoiceField,
    HoneypotForm,
    IndonesianNumberField,
    PortalForm,
    active_fiscal_years,
)
from masterdata.models import Account, FiscalYear, FundingSource, Nomenclature, Opd, Region

from . import selectors, services
from .models import Proposal, Renja, RenstraProgram


class RenstraProgramChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, program):
        return f"{program.program.code} {program.program.name} → sasaran {program.rpjmd_target.code}"


class RenjaCreateForm(PortalForm):
    fiscal_year = FiscalYearChoiceField(
        label="Tahun anggaran", queryset=FiscalYear.objects.none(), empty_label=None, to_field_name="year"
    )

    def __init__(self, *args, opd, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].queryset = active_fiscal_years().exclude(renjas__opd=opd)


class RenjaLineForm(PortalForm):
    """A Renja line. The sub-kegiatan comes from the picker (radio buttons drawn by the template)."""

    sub_kegiatan = forms.ModelChoiceField(
        label="Sub-kegiatan",
        queryset=Nomenclature.objects.none(),
        error_messages={
            "required": "Pilih sub-kegiatan: cari dengan kode atau nama, lalu pilih salah satu hasil.",
            "invalid_choice": "Sub-kegiatan itu tidak dapat dipakai OPD ini pada tahun ini.",
        },
    )
    location = forms.CharField(label="Lokasi", max_length=255, error_messages={"required": "Lokasi wajib diisi."})
    regions = forms.ModelMultipleChoiceField(
        label="Kecamatan sasaran",
        queryset=Region.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    output_indicator = forms.CharField(
        label="Indikator keluaran", max_length=500, error_messages={"required": "Indikator keluaran wajib diisi."}
    )
    output_target = IndonesianNumberField(
        label="Target keluaran", example="12 atau 12,5", error_messages={"required": "Target keluaran wajib diisi."}
    )
    output_unit = forms.CharField(label="Satuan", max_length=50, error_messages={"required": "Satuan wajib diisi."})
    pagu_indikatif = IndonesianNumberField(
        label="Pagu indikatif (Rp)", error_messages={"required": "Pagu indikatif wajib diisi."}
    )
    pagu_indikatif_next = IndonesianNumberField(
        label="Pagu indikatif tahun berikutnya (Rp)",
        error_messages={"required": "Pagu indikatif tahun berikutnya wajib diisi."},
    )
    funding_source = CodedChoiceField(
        label="Sumber dana indikatif", queryset=FundingSource.objects.none(), required=False, empty_label="(belum ada)"
    )
    renstra_program = RenstraProgramChoiceField(
        label="Program Renstra yang dilayani",
        queryset=RenstraProgram.objects.none(),
        required=False,
        empty_label="(tidak dikaitkan)",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    SERVICE_FIELDS = services.LINE_FIELDS

    def __init__(self, *args, renja, **kwargs):
        super().__init__(*args, **kwargs)
        self.renja = renja
        fiscal_year = renja.fiscal_year
        self.fields["pagu_indikatif"].label = f"Pagu indikatif {fiscal_year.year} (Rp)"
        self.fields["pagu_indikatif_next"].label = f"Pagu indikatif {fiscal_year.year + 1} (Rp)"
        self.fields["sub_kegiatan"].queryset = selectors.allowed_sub_kegiatan(renja.opd, fiscal_year)
        self.fields["regions"].queryset = Region.objects.filter(level=Region.Level.KECAMATAN).order_by("name")
        self.fields["funding_source"].queryset = FundingSource.objects.filter(
            version_id=fiscal_year.reference_version_id, level=Account.Level.SUB_RINCIAN_OBJEK, is_active=True
        ).order_by("code")
        self.fields["renstra_program"].queryset = RenstraProgram.objects.filter(renstra__opd=renja.opd).select_related(
            "program", "rpjmd_target"
        )

    def service_values(self):
        return {field: self.cleaned_data.get(field) for field in self.SERVICE_FIELDS}


def line_initial(line):
    initial = {field: getattr(line, field) for field in services.LINE_FIELDS}
    initial["regions"] = [region.pk for region in line.regions.all()]
    initial["version"] = line.version
    return initial


class TransitionForm(PortalForm):
    action = forms.ChoiceField(choices=[(action, label) for action, label in services.RENJA_ACTION_LABELS.items()])
    note = forms.CharField(label="Catatan", required=False, widget=forms.Textarea(attrs=TEXT_AREA))


class CommentForm(PortalForm):
    text = forms.CharField(
        label="Catatan",
        widget=forms.Textarea(attrs=TEXT_AREA),
        error_messages={"required": "Catatan tidak boleh kosong."},
    )
    line = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RenjaInboxForm(PortalForm):
    STATES = [("", "Semua status"), *Renja.State.choices]

    tahun = FiscalYearChoiceField(
        label="Tahun anggaran", queryset=FiscalYear.objects.none(), required=False, to_field_name="year"
    )
    status = forms.ChoiceField(label="Status", choices=STATES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tahun"].queryset = active_fiscal_years()
        self.fields["tahun"].empty_label = None


class RkpdActionForm(PortalForm):
    action = forms.ChoiceField(choices=[("consolidate", "Konsolidasikan"), ("finalize", "Finalkan")])
    regulation = forms.CharField(label="Nomor Perbup RKPD", max_length=255, required=False)


class OpdChoiceField(forms.ModelChoiceField):
    """OPDs by name: their SIPD codes mean nothing to a citizen (and come in two lengths)."""

    def label_from_instance(self, opd):
        return opd.name


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, region):
        return str(region)


class ProposalForm(PortalForm):
    """What every proposer fills in; the source and year are decided by who submits."""

    SERVICE_FIELDS = services.PROPOSER_FIELDS

    title = forms.CharField(
        label=_("Judul usulan"), max_length=255, error_messages={"required": _("Judul usulan wajib diisi.")}
    )
    description = forms.CharField(
        label=_("Uraian"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Apa masalahnya, apa yang diusulkan dan siapa yang mendapat manfaat."),
        error_messages={"required": _("Uraian wajib diisi.")},
    )
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Region.objects.none(),
        empty_label=_("(pilih kecamatan)"),
        error_messages={
            "required": _("Pilih kecamatan."),
            "invalid_choice": _("Pilih kecamatan di Kabupaten Bondowoso."),
        },
    )
    village = VillageChoiceField(
        label=_("Desa/kelurahan"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("(seluruh kecamatan)"),
        error_messages={"invalid_choice": _("Pilih desa/kelurahan dari daftar.")},
    )
    proposer_name = forms.CharField(
        label=_("Nama pengusul"), max_length=150, error_messages={"required": _("Nama pengusul wajib diisi.")}
    )
    proposer_contact = forms.CharField(
        label=_("Nomor telepon atau surel"),
        max_length=150,
        required=False,
        help_text=_("Tidak ditampilkan kepada publik."),
    )
    estimated_cost = IndonesianNumberField(
        label=_("Perkiraan biaya (Rp)"),
        help_text=_("Boleh ditulis 25.000.000 atau 25000000."),
        error_messages={"required": _("Perkiraan biaya wajib diisi.")},
    )
    suggested_opd = OpdChoiceField(
        label=_("Perangkat daerah yang diusulkan menangani"),
        queryset=Opd.objects.none(),
        required=False,
        empty_label=_("(tidak tahu)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].queryset = Region.objects.filter(level=Region.Level.KECAMATAN).order_by("name")
        # Any village may be posted; the service says so if it lies outside the chosen kecamatan.
        self.fields["village"].queryset = Region.objects.exclude(level=Region.Level.KECAMATAN)
        self.fields["suggested_opd"].queryset = Opd.objects.filter(is_active=True).order_by("name")

    def village_choices(self):
        """The villages of the kecamatan currently chosen (bound or initial), for the dependent select."""
        kecamatan_id = self["kecamatan"].value()
        return villages_of(kecamatan_id)

    def service_values(self):
        return {field: self.cleaned_data.get(field) for field in self.SERVICE_FIELDS}


def villages_of(kecamatan_id):
    try:
        kecamatan_id = int(kecamatan_id)
    except (TypeError, ValueError):
        return Region.objects.none()
    return Region.objects.filter(parent_id=kecamatan_id).order_by("name")


class PublicProposalForm(HoneypotForm, ProposalForm):
    pass


class StaffProposalForm(ProposalForm):
    SERVICE_FIELDS = services.PROPOSAL_FIELDS

    source = forms.ChoiceField(label="Sumber usulan", choices=())
    fiscal_year = FiscalYearChoiceField(
        label="Tahun anggaran", queryset=FiscalYear.objects.none(), empty_label=None, to_field_name="year"
    )
    sub_kegiatan_code = forms.CharField(
        label="Kode sub-kegiatan usulan",
        max_length=32,
        required=False,
        help_text="Opsional, mis. 1.02.02.2.01.0006.",
    )
    priority = forms.TypedChoiceField(
        label="Prioritas",
        coerce=int,
        initial=3,
        choices=[(1, "1 (tertinggi)"), (2, "2"), (3, "3"), (4, "4"), (5, "5 (terendah)")],
    )

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Proposal.Source.choices)
        self.fields["source"].choices = [(source, labels[source]) for source in sources]
        self.fields["fiscal_year"].queryset = active_fiscal_years()

    def clean(self):
        cleaned = super().clean()
        code, fiscal_year = (cleaned.get("sub_kegiatan_code") or "").strip(), cleaned.get("fiscal_year")
        cleaned["suggested_sub_kegiatan"] = None
        if code and fiscal_year:
            sub = Nomenclature.objects.filter(
                version_id=fiscal_year.reference_version_id, code=code, level=Nomenclature.Level.SUB_KEGIATAN
            ).first()
            if sub is None:
                self.add_error(
                    "sub_kegiatan_code", f"Kode {code} bukan sub-kegiatan pada nomenklatur tahun {fiscal_year.year}."
                )
            cleaned["suggested_sub_kegiatan"] = sub
        return cleaned


class ModerateForm(PortalForm):
    decision = forms.ChoiceField(
        label="Keputusan moderasi",
        choices=[("approve", "Loloskan untuk dikaji"), ("reject", "Tolak (tidak layak tayang)")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Catatan moderasi",
        required=False,
        widget=forms.Textarea(attrs=TEXT_AREA),
        help_text="Wajib bila ditolak; pengusul dapat membacanya.",
    )


class AdvanceStageForm(PortalForm):
    note = forms.CharField(label="Catatan", required=False, widget=forms.Textarea(attrs=TEXT_AREA))


class RenjaLineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, line):
        return f"{line.renja.opd.name} · {line.sub_kegiatan.code} {line.sub_kegiatan.name}"


class AcceptForm(PortalForm):
    renja_line = RenjaLineChoiceField(
        label="Baris Renja yang menampung",
        queryset=None,
        empty_label="(pilih baris Renja)",
        error_messages={"required": "Pilih baris Renja yang menampung usulan ini."},
    )
    note = forms.CharField(label="Catatan", required=False, widget=forms.Textarea(attrs=TEXT_AREA))

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["renja_line"].queryset = lines


class RejectForm(PortalForm):
    reason = forms.CharField(
        label="Alasan penolakan",
        widget=forms.Textarea(attrs=TEXT_AREA),
        help_text="Pengusul akan membaca alasan ini.",
        error_messages={"required": "Alasan penolakan wajib diisi; pengusul akan membacanya."},
    )


class DeferForm(PortalForm):
    to_year = forms.IntegerField(
        label="Ditunda ke tahun",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "Isi tahun penundaan.", "invalid": "Tulis tahun dengan empat angka."},
    )
    note = forms.CharField(label="Catatan", required=False, widget=forms.Textarea(attrs=TEXT_AREA))


class TrackingLookupForm(PortalForm):
    kode = forms.CharField(
        label=_("Kode pelacakan"),
        max_length=20,
        help_text=_("Contoh: U27-ABC234"),
        error_messages={"required": _("Tulis kode pelacakan usulan Anda.")},
    )
