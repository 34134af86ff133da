"""Shapes of realization entries, SP2D pushes and month moves."""

from rest_framework import serializers

from budgeting.models import RkaLine
from masterdata import access
from masterdata.models import Opd
from masterdata.serializer_base import (
    ResolvingInput,
    RupiahField,
    TextDecimalField,
    find_in,
    money,
    text_decimal,
    text_field,
    user_of,
)

from .documents import API_KINDS, KINDS
from .models import Job, Progress, Realization, RealizationMonth
from .selectors.consistency import KINDS as CONSISTENCY_KINDS
from .selectors.lra import ACCOUNT_DEPTHS, DIMENSIONS, PERIODS
from .selectors.performance import QUARTERS


class RealizationSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="fiscal_year.year", read_only=True)
    opd = serializers.CharField(source="opd.code", read_only=True)
    account = serializers.CharField(source="line.account.code", read_only=True)
    amount = money()

    class Meta:
        model = Realization
        fields = read_only_fields = [
            "id",
            "year",
            "opd",
            "line",
            "account",
            "month",
            "amount",
            "source",
            "sp2d_number",
            "sp2d_date",
            "created_at",
        ]


class RealizationInputSerializer(ResolvingInput):
    line = serializers.IntegerField(min_value=1, help_text="Id rincian DPA/DPPA terbit terakhir OPD Anda.")
    month = serializers.IntegerField(min_value=1, max_value=12)
    amount = RupiahField()

    def references(self, data):
        lines = access.scope_rka(user_of(self), RkaLine.objects.all(), rka_field="rka")
        return {"line": ("Rincian", find_in(lines, "pk"))}


class Sp2dRecordSerializer(serializers.Serializer):
    number = text_field(max_length=60, help_text="Nomor SP2D.")
    date = serializers.DateField(help_text="Tanggal SP2D; bulannya adalah bulan realisasi.")
    opd = text_field(max_length=32, help_text="Kode SIPD OPD.")
    sub_kegiatan = text_field(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text="Kode sub-kegiatan (kosong: pendapatan/pembiayaan).",
    )
    account = text_field(max_length=32, help_text="Kode rekening sub rincian objek.")
    amount = RupiahField()


class Sp2dPushSerializer(serializers.Serializer):
    records = serializers.ListField(
        child=Sp2dRecordSerializer(),
        min_length=1,
        max_length=1000,
        error_messages={
            "empty": "Kirim paling sedikit satu SP2D.",
            "min_length": "Kirim paling sedikit satu SP2D.",
            "max_length": "Paling banyak 1.000 SP2D per kiriman.",
        },
    )

    def resolve(self):
        return dict(self.validated_data)


class Sp2dAnswerSerializer(serializers.Serializer):
    recorded = serializers.IntegerField(help_text="Realisasi yang dicatat oleh kiriman ini.")
    ids = serializers.ListField(child=serializers.IntegerField())


class MonthMoveSerializer(ResolvingInput):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    opd = text_field(max_length=32, help_text="Kode SIPD OPD.")
    month = serializers.IntegerField(min_value=1, max_value=12)
    action = serializers.ChoiceField(choices=[("close", "tutup bulan"), ("reopen", "buka kembali bulan")])
    note = text_field(required=False, allow_blank=True, default="", help_text="Wajib untuk `reopen`.")

    def references(self, data):
        return {"opd": ("OPD", find_in(Opd.objects.all(), "code"))}


class RealizationMonthSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="fiscal_year.year", read_only=True)
    opd = serializers.CharField(source="opd.code", read_only=True)

    class Meta:
        model = RealizationMonth
        fields = read_only_fields = ["id", "year", "opd", "month", "state"]


class JobSerializer(serializers.ModelSerializer):
    opd = serializers.CharField(source="opd.code", read_only=True, allow_null=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = read_only_fields = [
            "id",
            "kind",
            "title",
            "params",
            "opd",
            "public",
            "state",
            "progress",
            "sections",
            "sections_done",
            "filename",
            "result",
            "error",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
            "download",
        ]

    def get_download(self, job) -> str | None:
        return f"/api/v1/jobs/{job.pk}/file/" if job.state == Job.State.DONE else None


def _id(help_text):
    return serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text=help_text)


class JobParamsSerializer(serializers.Serializer):
    version = _id("Id versi APBD.")
    periode = serializers.ChoiceField(choices=list(PERIODS), required=False, help_text="LRA: periode.")
    dimensi = serializers.ChoiceField(choices=list(DIMENSIONS), required=False, help_text="LRA: menurut apa.")
    rincian = serializers.ChoiceField(choices=list(ACCOUNT_DEPTHS), required=False, help_text="LRA: tingkat akun.")
    opd = serializers.CharField(
        max_length=40, required=False, help_text="Kode OPD (RKA-SKPD dan DPA-SKPD: wajib; LRA: kosong untuk kabupaten)."
    )
    triwulan = serializers.ChoiceField(choices=list(QUARTERS), required=False, help_text="Kinerja: triwulan.")
    jenis = serializers.ChoiceField(
        choices=list(CONSISTENCY_KINDS),
        required=False,
        allow_blank=True,
        help_text="Konsistensi: jenis putusnya (kosong: semua).",
    )


class KuaJobParamsSerializer(serializers.Serializer):
    kua = _id("Id KUA-PPAS.")


class DiffJobParamsSerializer(serializers.Serializer):
    version = _id("Id versi APBD baru.")
    lama = _id("Id versi APBD lama (dalam satu garis perubahan dengan yang baru).")


class JobRequestSerializer(ResolvingInput):
    """A document of an APBD version (the kinds whose parameters are `version` and the LRA's)."""

    kind = serializers.ChoiceField(choices=[], help_text="Jenis dokumen atau berkas.")
    params = JobParamsSerializer(help_text="Parameter jenisnya, mis. version dan periode untuk lra-pdf.")
    params_group = "version"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [key for key in API_KINDS if KINDS[key].params_group == self.params_group]

    @staticmethod
    def for_kind(kind):
        """The request's shape by the kind it names (an unknown kind: the first, which refuses it)."""
        groups = {serializer.params_group: serializer for serializer in JOB_REQUESTS}
        return groups.get(getattr(KINDS.get(kind), "params_group", None), JobRequestSerializer)


class KuaJobRequestSerializer(JobRequestSerializer):
    """The KUA-PPAS with its plafon."""

    params = KuaJobParamsSerializer(help_text="KUA-PPAS yang dicetak.")
    params_group = "kua"


class DiffJobRequestSerializer(JobRequestSerializer):
    """The comparison of two APBD versions."""

    params = DiffJobParamsSerializer(help_text="Dua versi yang dibandingkan.")
    params_group = "diff"


JOB_REQUESTS = (JobRequestSerializer, KuaJobRequestSerializer, DiffJobRequestSerializer)


class LraRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    budget = money()
    realized = money()
    in_period = money()
    percent = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True, coerce_to_string=True)
    remaining = money()


class LraSerializer(serializers.Serializer):
    title = serializers.CharField()
    version = serializers.IntegerField(source="version.pk")
    period = serializers.CharField(source="period.key")
    dimension = serializers.CharField()
    depth = serializers.CharField()
    opd = serializers.CharField(source="opd.code", allow_null=True, default=None)
    rows = LraRowSerializer(many=True)


@text_decimal(r"^(?:100(?:\.0{1,2})?|\d{1,2}(?:\.\d{1,2})?)$", "62.50")
class PercentField(TextDecimalField):
    """A percentage 0–100 with up to 2 decimals, sent as text (`"62.50"`)."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=5, decimal_places=2, min_value=0, max_value=100, **kwargs)


class ProgressInputSerializer(ResolvingInput):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    opd = text_field(max_length=32, help_text="Kode SIPD OPD.")
    sub_kegiatan = text_field(max_length=32, help_text="Kode sub-kegiatan pada DPA/DPPA terbit terakhir OPD.")
    month = serializers.IntegerField(min_value=1, max_value=12)
    physical_percent = PercentField(help_text="Kemajuan fisik kumulatif sampai akhir bulan (%).")
    output_achieved = RupiahField(
        required=False, allow_null=True, default=None, help_text="Capaian indikator keluaran (satuan DPA)."
    )

    def references(self, data):
        return {"opd": ("OPD", find_in(Opd.objects.all(), "code"))}


class ProgressSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="fiscal_year.year", read_only=True)
    opd = serializers.CharField(source="opd.code", read_only=True)
    sub_kegiatan = serializers.CharField(source="sub_kegiatan.code", read_only=True)
    physical_percent = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)
    output_achieved = serializers.DecimalField(max_digits=20, decimal_places=2, read_only=True, allow_null=True)

    class Meta:
        model = Progress
        fields = read_only_fields = [
            "id",
            "year",
            "opd",
            "sub_kegiatan",
            "month",
            "physical_percent",
            "output_achieved",
        ]


# --- The semester, year-end, performance and consistency reports ---------------------------------------


def percent_field(**kwargs):
    return serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, coerce_to_string=True, read_only=True, **kwargs
    )


class ReportScopeSerializer(serializers.Serializer):
    title = serializers.CharField()
    version = serializers.IntegerField(source="version.pk")
    opd = serializers.CharField(source="opd.code", allow_null=True, default=None)


class SemesterRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    budget = money()
    realized = money(help_text="Realisasi Januari–Juni.")
    percent = percent_field()
    prognosis = money(help_text="Prognosis Juli–Desember (linear: sama dengan realisasi semester I).")
    prognosis_percent = percent_field()
    outlook = money(help_text="Realisasi semester I ditambah prognosis semester II.")
    outlook_percent = percent_field()
    remaining = money(help_text="Anggaran dikurangi realisasi dan prognosis.")


class SemesterSerializer(ReportScopeSerializer):
    depth = serializers.CharField()
    method = serializers.CharField()
    rows = SemesterRowSerializer(many=True)


class FiguresSerializer(serializers.Serializer):
    pagu = money()
    realized = money()
    financial_percent = percent_field()
    physical_percent = percent_field(help_text="Rata-rata kemajuan fisik sub-kegiatan ditimbang pagu.")
    achieved_percent = percent_field(help_text="Rata-rata capaian keluaran sub-kegiatan (belum melapor: 0).")
    reached = serializers.IntegerField(help_text="Sub-kegiatan yang mencapai target keluarannya.")


class SubKegiatanPerformanceSerializer(serializers.Serializer):
    code = serializers.CharField(source="sub.sub_kegiatan.code")
    name = serializers.CharField(source="sub.sub_kegiatan.name")
    output_indicator = serializers.CharField(source="sub.output_indicator")
    output_unit = serializers.CharField(source="sub.output_unit")
    output_target = serializers.DecimalField(max_digits=20, decimal_places=2, source="sub.output_target")
    achieved = serializers.SerializerMethodField()
    achieved_percent = percent_field()
    physical_percent = percent_field(source="latest_physical")
    pagu = money()
    realized = money()
    financial_percent = percent_field()

    def get_achieved(self, item) -> str | None:
        return str(item.achieved[max(item.achieved)]) if item.achieved else None


class ServedTargetSerializer(serializers.Serializer):
    renstra_indicator = serializers.CharField(source="renstra.indicator")
    renstra_target = serializers.DecimalField(max_digits=20, decimal_places=2, source="year_target", allow_null=True)
    rpjmd_target = serializers.CharField(source="rpjmd_target.code")
    rpjmd_statement = serializers.CharField(source="rpjmd_target.statement")
    rpjmd_indicator = serializers.CharField(source="rpjmd_target.indicator")
    rpjmd_year_target = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    unit = serializers.CharField(source="rpjmd_target.unit")


class ProgramPerformanceSerializer(FiguresSerializer):
    code = serializers.CharField()
    name = serializers.CharField()
    served = ServedTargetSerializer(many=True)
    sub_kegiatan = SubKegiatanPerformanceSerializer(many=True, source="items")


class OpdPerformanceSerializer(FiguresSerializer):
    opd = serializers.CharField(source="opd.code")
    name = serializers.CharField(source="opd.name")
    programs = ProgramPerformanceSerializer(many=True)


class PerformanceSerializer(ReportScopeSerializer):
    quarter = serializers.CharField()
    opds = OpdPerformanceSerializer(many=True)
    total = FiguresSerializer()


class YearEndSerializer(ReportScopeSerializer):
    lra = LraSerializer()
    performance = PerformanceSerializer()


class BreakSerializer(serializers.Serializer):
    kind = serializers.CharField(source="kind_key")
    opd = serializers.CharField(source="opd_code")
    opd_name = serializers.CharField()
    code = serializers.CharField(source="item_code")
    name = serializers.CharField(source="item_name")
    amount = money(source="money")
    note = serializers.CharField()


class ConsistencySerializer(serializers.Serializer):
    version = serializers.IntegerField()
    opd = serializers.CharField(allow_null=True)
    kind = serializers.CharField(allow_blank=True)
    rule = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())
    count = serializers.IntegerField(help_text="Jumlah butir pada daftar (jenis yang dipilih, atau semua).")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = BreakSerializer(many=True)
