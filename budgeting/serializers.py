"""Input and output shapes of the budgeting API.

As in the planning API, inputs name reference data by code (kode rekening, sub-kegiatan, sumber dana,
standar harga, OPD) and budget documents by id; `resolve()` looks the references up among what the user
may see, and one that names nothing answers 404 with `field` naming the input. Whether a value is
allowed (ceilings, standard prices, states) is decided by the services, whose field names inputs share.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from budgeting.services import apbd as apbd_services
from budgeting.services import kua as kua_services
from budgeting.services import rka as rka_services
from masterdata import access
from masterdata.models import Account, FiscalYear, FundingSource, Nomenclature, Opd, StandardPriceItem
from planning.models import RenjaLine
from planning.serializers import (
    AllowedActionsField,
    CodedRefSerializer,
    NumberField,
    PlanningInput,
    RupiahField,
    find_in,
    find_in_list,
    money,
    optional_code,
    text_field,
    user_of,
    versioned_patch,
)

from .models import (
    ApbdVersion,
    CashPlan,
    Ceiling,
    Dpa,
    KuaAccountLine,
    KuaPpas,
    Rka,
    RkaComment,
    RkaLine,
    RkaSubKegiatan,
    Transition,
)


@extend_schema_field({"type": "string", "format": "decimal", "pattern": r"^\d{1,14}(?:\.\d{1,4})?$"})
class VolumeField(serializers.DecimalField):
    """A volume factor of up to 14 digits and 4 decimals, more than zero, sent as text (`"12"`, `"0.5"`)."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=18, decimal_places=4, **kwargs)


def _fiscal_year(year):
    return FiscalYear.objects.filter(year=year).first()


# --- Small shared shapes ----------------------------------------------------------------------


class AccountRefSerializer(CodedRefSerializer):
    level = serializers.CharField(read_only=True)


class StandardPriceRefSerializer(CodedRefSerializer):
    kind = serializers.CharField(read_only=True)
    unit = serializers.CharField(read_only=True)
    price = money(help_text="Standar harga: batas atas harga satuan.")


class TransitionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_full_name", read_only=True)

    class Meta:
        model = Transition
        fields = read_only_fields = ["action", "from_state", "to_state", "actor", "note", "created_at"]


class VersionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    label = serializers.CharField(source="__str__", read_only=True)
    kind = serializers.ChoiceField(choices=ApbdVersion.Kind.choices, read_only=True)
    state = serializers.ChoiceField(choices=ApbdVersion.State.choices, read_only=True)


class CeilingStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="ceiling.pk", read_only=True)
    level = serializers.SerializerMethodField(help_text="opd, program atau sub_kegiatan.")
    code = serializers.SerializerMethodField(help_text="Kode program atau sub-kegiatan; null untuk plafon OPD.")
    label = serializers.CharField(read_only=True)
    amount = money(source="ceiling.amount", help_text="Plafon.")
    used = money(help_text="Jumlah rincian belanja yang memakai plafon ini.")
    remaining = money(help_text="Sisa plafon.")

    def get_level(self, status) -> str:
        return status.ceiling.level

    def get_code(self, status) -> str | None:
        target = status.ceiling.program or status.ceiling.sub_kegiatan
        return target.code if target else None


class RkaTotalsSerializer(serializers.Serializer):
    pendapatan = money()
    belanja = money()
    pembiayaan = money(help_text="Penerimaan dan pengeluaran pembiayaan (akun 6).")
    sub_kegiatan = money(allow_null=True, default=None, help_text="Jumlah sub-kegiatan rincian yang disimpan.")


# --- KUA-PPAS ---------------------------------------------------------------------------------


class KuaPpasSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="fiscal_year.year", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    ceiling_total = money(help_text="Jumlah plafon OPD.")
    allowed_actions = AllowedActionsField(
        kua_services.kua_moves, help_text="Tindakan yang berlaku pada status sekarang (submit, revise, agree, lock)."
    )

    class Meta:
        model = KuaPpas
        fields = read_only_fields = [
            "id",
            "year",
            "number",
            "kind",
            "kind_label",
            "state",
            "state_label",
            "previous",
            "policy_notes",
            "agreement_number",
            "agreement_date",
            "ceiling_total",
            "allowed_actions",
            "created_at",
            "updated_at",
        ]


class KuaPolicyTotalsSerializer(serializers.Serializer):
    pendapatan = money()
    belanja = money()
    penerimaan_pembiayaan = money()
    pengeluaran_pembiayaan = money()


class KuaPpasDetailSerializer(KuaPpasSerializer):
    policy_totals = KuaPolicyTotalsSerializer(read_only=True, help_text="Rencana pada baris kebijakan.")
    transitions = TransitionSerializer(many=True, read_only=True)

    class Meta(KuaPpasSerializer.Meta):
        fields = read_only_fields = [*KuaPpasSerializer.Meta.fields, "policy_totals", "transitions"]


class KuaPpasCreateSerializer(PlanningInput):
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="Tahun anggaran.")
    kind = serializers.ChoiceField(
        choices=[KuaPpas.Kind.MURNI, KuaPpas.Kind.PERUBAHAN],
        default=KuaPpas.Kind.MURNI,
        help_text="murni (versi pertama diambil dari pagu indikatif RKPD final) atau perubahan (KUPA-PPAS-P).",
    )
    policy_notes = text_field(required=False, allow_blank=True, default="", help_text="Arah kebijakan umum.")

    def references(self, data):
        return {"year": ("Tahun anggaran", _fiscal_year)}

    def resolve(self):
        data = super().resolve()
        data["fiscal_year"] = data.pop("year")
        return data


class KuaTransitionInputSerializer(PlanningInput):
    action = serializers.ChoiceField(choices=list(kua_services.KUA_ACTION_LABELS.items()))
    agreement_number = text_field(
        max_length=100, required=False, allow_blank=True, default="", help_text="Wajib untuk `agree`."
    )
    agreement_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Wajib untuk `agree`."
    )
    note = text_field(required=False, allow_blank=True, default="", help_text="Wajib untuk `revise`.")


class KuaAccountLineSerializer(serializers.ModelSerializer):
    account = AccountRefSerializer(read_only=True)

    class Meta:
        model = KuaAccountLine
        fields = read_only_fields = ["id", "kua_ppas", "account", "amount", "note"]


# `context["kua"]` is the version the line belongs to; its year picks the chart of accounts.
class KuaAccountLineInputSerializer(PlanningInput):
    account = text_field(
        max_length=32,
        help_text="Kode rekening: akun 4 dan 6 sampai objek, akun 5 pada kelompok atau jenis (mis. `5.1.02`).",
    )
    amount = RupiahField()
    note = text_field(required=False, allow_blank=True, default="", help_text="Kebijakan.")

    def references(self, data):
        return {
            "account": ("Kode rekening", find_in_list(Account, self.context["kua"].fiscal_year.reference_version_id))
        }


class KuaAccountLinePatchSerializer(PlanningInput):
    amount = RupiahField()
    note = text_field(required=False, allow_blank=True, help_text="Kebijakan; tanpa bidang ini tetap.")


class CeilingSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="kua_ppas.fiscal_year.year", read_only=True)
    opd = CodedRefSerializer(read_only=True)
    program = CodedRefSerializer(read_only=True, allow_null=True)
    sub_kegiatan = CodedRefSerializer(read_only=True, allow_null=True)
    level = serializers.SerializerMethodField(help_text="opd, program atau sub_kegiatan.")

    class Meta:
        model = Ceiling
        fields = read_only_fields = ["id", "kua_ppas", "year", "opd", "level", "program", "sub_kegiatan", "amount"]

    def get_level(self, ceiling) -> str:
        return ceiling.level


class CeilingInputSerializer(PlanningInput):
    kua_ppas = serializers.IntegerField(min_value=1, help_text="Id KUA-PPAS (draf).")
    opd = text_field(max_length=32, help_text="Kode SIPD OPD.")
    program = optional_code("Kode program (plafon program).")
    sub_kegiatan = optional_code("Kode sub-kegiatan (plafon sub-kegiatan); bukan bersama `program`.")
    amount = RupiahField()

    def references(self, data):
        kuas = access.scope_kua_ppas(user_of(self), KuaPpas.objects.select_related("fiscal_year"))
        kua = kuas.filter(pk=data["kua_ppas"]).first()
        version_id = kua.fiscal_year.reference_version_id if kua else None
        return {
            "kua_ppas": ("KUA-PPAS", lambda pk: kua),
            "opd": ("OPD", find_in(Opd.objects.all(), "code")),
            "program": ("Program", find_in_list(Nomenclature, version_id)),
            "sub_kegiatan": ("Sub-kegiatan", find_in_list(Nomenclature, version_id)),
        }

    def resolve(self):
        data = super().resolve()
        data["kua"] = data.pop("kua_ppas")
        return data


class CeilingPatchSerializer(PlanningInput):
    amount = RupiahField()


# --- APBD versions ----------------------------------------------------------------------------


class ApbdVersionSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="fiscal_year.year", read_only=True)
    label = serializers.CharField(source="__str__", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    is_frozen = serializers.BooleanField(read_only=True, help_text="Sudah ditetapkan: tidak pernah diubah lagi.")
    allowed_actions = AllowedActionsField(
        apbd_services.apbd_moves,
        help_text="Tindakan berlaku: submit, agree, evaluate, adopt, publish (pergeseran: approve, adopt, publish).",
    )

    class Meta:
        model = ApbdVersion
        fields = read_only_fields = [
            "id",
            "year",
            "number",
            "label",
            "kind",
            "kind_label",
            "shift_number",
            "state",
            "state_label",
            "is_frozen",
            "base",
            "kua_ppas",
            "dprd_agreement_date",
            "evaluation_number",
            "evaluation_date",
            "evaluation_corrections",
            "perda_number",
            "perda_date",
            "perbup_number",
            "perbup_date",
            "published_at",
            "allowed_actions",
            "created_at",
            "updated_at",
        ]


class ApbdVersionDetailSerializer(ApbdVersionSerializer):
    transitions = TransitionSerializer(many=True, read_only=True)

    class Meta(ApbdVersionSerializer.Meta):
        fields = read_only_fields = [*ApbdVersionSerializer.Meta.fields, "transitions"]


class ApbdVersionCreateSerializer(PlanningInput):
    kua_ppas = serializers.IntegerField(
        min_value=1,
        help_text="Id KUA-PPAS murni yang plafonnya dikunci (APBD murni) atau KUPA-PPAS-P (APBD Perubahan).",
    )

    def references(self, data):
        kuas = access.scope_kua_ppas(user_of(self), KuaPpas.objects.all())
        return {"kua_ppas": ("KUA-PPAS", find_in(kuas, "pk"))}


class ShiftCreateSerializer(PlanningInput):
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="Tahun anggaran.")
    note = text_field(required=False, allow_blank=True, default="", help_text="Alasan pergeseran.")

    def references(self, data):
        return {"year": ("Tahun anggaran", _fiscal_year)}


class ApbdTransitionInputSerializer(PlanningInput):
    action = serializers.ChoiceField(choices=list(apbd_services.ACTION_LABELS.items()))
    note = text_field(required=False, allow_blank=True, default="")
    dprd_agreement_date = serializers.DateField(required=False, help_text="`agree`: tanggal persetujuan bersama.")
    evaluation_number = text_field(max_length=100, required=False, help_text="`evaluate`: nomor keputusan Gubernur.")
    evaluation_date = serializers.DateField(required=False, help_text="`evaluate`.")
    evaluation_corrections = text_field(required=False, help_text="`evaluate`: koreksi hasil evaluasi.")
    perda_number = text_field(max_length=100, required=False, help_text="`adopt` (murni, perubahan).")
    perda_date = serializers.DateField(required=False, help_text="`adopt` (murni, perubahan).")
    perbup_number = text_field(max_length=100, required=False, help_text="`adopt`: Perbup penjabaran.")
    perbup_date = serializers.DateField(required=False, help_text="`adopt`.")


class BalanceSerializer(serializers.Serializer):
    pendapatan = money()
    belanja = money()
    surplus = money(help_text="Pendapatan − belanja: surplus (positif) atau defisit (negatif).")
    penerimaan_pembiayaan = money()
    pengeluaran_pembiayaan = money()
    pembiayaan_netto = money()
    gap = money(help_text="Surplus/defisit + pembiayaan netto; harus tepat 0.")
    is_balanced = serializers.BooleanField(read_only=True)


class AccountTotalSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    level = serializers.CharField(read_only=True, help_text="akun, kelompok, jenis atau objek.")
    amount = money()


class GroupTotalSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    pendapatan = money()
    belanja = money()
    penerimaan_pembiayaan = money()
    pengeluaran_pembiayaan = money()
    kelompok = serializers.DictField(
        source="parts", child=money(), read_only=True, help_text="Jumlah per kelompok rekening, mis. `5.1`."
    )


class RingkasanSerializer(serializers.Serializer):
    version = ApbdVersionSerializer(read_only=True)
    stored = serializers.BooleanField(
        read_only=True, help_text="true: angka yang disimpan saat diterbitkan; false: dijumlah dari rincian sekarang."
    )
    balance = BalanceSerializer(read_only=True)
    accounts = AccountTotalSerializer(many=True, read_only=True, help_text="Per akun, kelompok, jenis dan objek.")
    opd = GroupTotalSerializer(many=True, read_only=True)
    urusan = GroupTotalSerializer(many=True, read_only=True, help_text="Belanja per urusan.")
    bidang = GroupTotalSerializer(many=True, read_only=True, help_text="Belanja per bidang urusan.")
    program = GroupTotalSerializer(many=True, read_only=True, help_text="Belanja per program.")


class DiffQuerySerializer(serializers.Serializer):
    def get_fields(self):
        # `from` is a Python keyword, so the fields are named here rather than declared.
        return {
            "from": serializers.IntegerField(min_value=1),
            "to": serializers.IntegerField(min_value=1),
        }


class DiffRollupQuerySerializer(DiffQuerySerializer):
    def get_fields(self):
        return {**super().get_fields(), "changed_only": serializers.BooleanField(default=False)}


class DiffLineQuerySerializer(DiffQuerySerializer):
    def get_fields(self):
        return {
            **super().get_fields(),
            "change": serializers.ChoiceField(choices=["changed", "added", "removed"], required=False),
        }


class DiffTotalsSerializer(serializers.Serializer):
    added = money(help_text="Jumlah rincian baru.")
    removed = money(help_text="Jumlah rincian yang dihapus.")
    changed = money(help_text="Jumlah selisih rincian yang berubah.")
    net = money()


class DiffCountsSerializer(serializers.Serializer):
    added = serializers.IntegerField(read_only=True)
    removed = serializers.IntegerField(read_only=True)
    changed = serializers.IntegerField(read_only=True)


class DiffRowSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    level = serializers.CharField(
        read_only=True, help_text="Tingkat rekening, atau akun/kelompok yang dijumlah untuk OPD dan nomenklatur."
    )
    old = money()
    new = money()
    delta = money()


class DiffRollupsSerializer(serializers.Serializer):
    account = DiffRowSerializer(many=True, read_only=True)
    opd = DiffRowSerializer(many=True, read_only=True)
    urusan = DiffRowSerializer(many=True, read_only=True)
    bidang = DiffRowSerializer(many=True, read_only=True)
    program = DiffRowSerializer(many=True, read_only=True)


class DiffSerializer(serializers.Serializer):
    old_version = VersionRefSerializer(read_only=True)
    new_version = VersionRefSerializer(read_only=True)
    totals = DiffTotalsSerializer(read_only=True, help_text="Atas rincian yang boleh Anda baca.")
    counts = DiffCountsSerializer(read_only=True, help_text="Banyak rincian per jenis perubahan.")
    rollups = DiffRollupsSerializer(read_only=True)


class DiffLineSerializer(serializers.Serializer):
    change = serializers.ChoiceField(choices=["added", "removed", "changed"], read_only=True)
    line = serializers.IntegerField(source="pk", read_only=True, help_text="Id rincian (versi yang memuatnya).")
    opd = CodedRefSerializer(source="rka.opd", read_only=True)
    description = serializers.CharField(read_only=True)
    old_sub_kegiatan_code = serializers.CharField(read_only=True, allow_null=True)
    new_sub_kegiatan_code = serializers.CharField(read_only=True, allow_null=True)
    old_account_code = serializers.CharField(read_only=True, allow_null=True)
    new_account_code = serializers.CharField(read_only=True, allow_null=True)
    old_amount = money(allow_null=True)
    new_amount = money(allow_null=True)
    delta = money()


# --- RKA --------------------------------------------------------------------------------------


class RkaSerializer(serializers.ModelSerializer):
    version = VersionRefSerializer(read_only=True)
    year = serializers.IntegerField(source="version.fiscal_year.year", read_only=True)
    opd = CodedRefSerializer(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    is_editable = serializers.BooleanField(read_only=True, help_text="Rincian dapat diubah staf OPD-nya.")
    allowed_actions = AllowedActionsField(
        rka_services.rka_moves, help_text="Tindakan yang berlaku (submit, return, approve, reopen)."
    )
    pendapatan = money()
    belanja = money()
    pembiayaan = money()
    line_count = serializers.IntegerField(read_only=True)
    ceiling = money(allow_null=True, help_text="Plafon OPD; null bila tidak ada.")
    remaining = money(allow_null=True, help_text="Sisa plafon OPD; null bila tidak ada plafon.")

    class Meta:
        model = Rka
        fields = read_only_fields = [
            "id",
            "version",
            "year",
            "opd",
            "state",
            "state_label",
            "is_editable",
            "allowed_actions",
            "pendapatan",
            "belanja",
            "pembiayaan",
            "line_count",
            "ceiling",
            "remaining",
            "updated_at",
        ]


class RkaDetailSerializer(RkaSerializer):
    ceilings = CeilingStatusSerializer(
        many=True, read_only=True, help_text="Setiap plafon OPD ini (OPD, program, sub-kegiatan) dengan sisanya."
    )
    transitions = TransitionSerializer(many=True, read_only=True)

    class Meta(RkaSerializer.Meta):
        fields = read_only_fields = [*RkaSerializer.Meta.fields, "ceilings", "transitions"]


class RkaSubKegiatanSerializer(serializers.ModelSerializer):
    sub_kegiatan = CodedRefSerializer(read_only=True)
    kegiatan = CodedRefSerializer(source="sub_kegiatan.parent", read_only=True)
    program = CodedRefSerializer(source="sub_kegiatan.parent.parent", read_only=True)
    total = money(help_text="Jumlah rincian.")
    line_count = serializers.IntegerField(read_only=True)
    ceiling = money(allow_null=True, help_text="Plafon sub-kegiatan ini, bila ditetapkan.")

    class Meta:
        model = RkaSubKegiatan
        fields = read_only_fields = [
            "id",
            "rka",
            "sub_kegiatan",
            "kegiatan",
            "program",
            "renja_line",
            "location",
            "output_indicator",
            "output_target",
            "output_unit",
            "priority_labels",
            "total",
            "line_count",
            "ceiling",
        ]


# `context["rka"]` is the RKA the sub-kegiatan joins; its year picks the nomenclature.
class RkaSubKegiatanInputSerializer(PlanningInput):
    sub_kegiatan = text_field(max_length=32, help_text="Kode sub-kegiatan, mis. `1.02.02.2.01.0001`.")
    location = text_field(max_length=255)
    output_indicator = text_field(max_length=500)
    output_target = NumberField()
    output_unit = text_field(max_length=50)
    priority_labels = text_field(
        max_length=255,
        required=False,
        allow_blank=True,
        default="",
        help_text="Label prioritas nasional/provinsi/kabupaten.",
    )
    renja_line = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, help_text="Id baris Renja final."
    )

    def references(self, data):
        rka = self.context["rka"]
        renja_lines = access.scope_renja(user_of(self), RenjaLine.objects.select_related("renja"), renja_field="renja")
        return {
            "sub_kegiatan": ("Sub-kegiatan", find_in_list(Nomenclature, rka.version.fiscal_year.reference_version_id)),
            "renja_line": ("Baris Renja", find_in(renja_lines, "pk")),
        }


class RkaLineSerializer(serializers.ModelSerializer):
    sub_kegiatan = CodedRefSerializer(source="sub_kegiatan.sub_kegiatan", read_only=True, allow_null=True)
    account = AccountRefSerializer(read_only=True)
    standard_price = StandardPriceRefSerializer(read_only=True, allow_null=True)
    funding_source = CodedRefSerializer(read_only=True)

    class Meta:
        model = RkaLine
        fields = read_only_fields = [
            "id",
            "rka",
            "sub_kegiatan",
            "account",
            "standard_price",
            "work_package",
            "description",
            "specification",
            "recipient",
            "volume_1",
            "unit_1",
            "volume_2",
            "unit_2",
            "volume_3",
            "unit_3",
            "unit_price",
            "amount",
            "funding_source",
            "location",
            "version",
            "updated_at",
        ]


def _text(field, **kwargs):
    return text_field(max_length=RkaLine._meta.get_field(field).max_length, **kwargs)


# `context["rka"]` is the RKA of the line: its sub-kegiatan, and its year's lists and catalogue.
class RkaLineInputSerializer(PlanningInput):
    sub_kegiatan = optional_code("Kode sub-kegiatan RKA ini; kosong untuk rincian pendapatan dan pembiayaan.")
    account = text_field(max_length=32, help_text="Kode rekening sub rincian objek, mis. `5.1.02.01.01.0024`.")
    standard_price = optional_code(
        "Kode item standar harga (SSH/SBU/HSPK/ASB) tahun ini; wajib bila rekeningnya memakai standar.", max_length=64
    )
    work_package = _text("work_package", required=False, allow_blank=True, help_text="Paket pekerjaan / kelompok.")
    description = _text("description", required=False, allow_blank=True, help_text="Keterangan.")
    specification = _text("specification", required=False, allow_blank=True)
    recipient = _text("recipient", required=False, allow_blank=True, help_text="Penerima hibah/bansos.")
    volume_1 = VolumeField()
    unit_1 = _text("unit_1")
    volume_2 = VolumeField(required=False, allow_null=True)
    unit_2 = _text("unit_2", required=False, allow_blank=True)
    volume_3 = VolumeField(required=False, allow_null=True)
    unit_3 = _text("unit_3", required=False, allow_blank=True)
    unit_price = RupiahField(help_text="Harga satuan; tidak melebihi standar harga item.")
    funding_source = text_field(max_length=32, help_text="Kode sumber dana (6 tingkat), mis. `1.2.01.01.02.0001`.")
    location = _text("location", required=False, allow_blank=True)

    def references(self, data):
        if not data.keys() & {"sub_kegiatan", "account", "standard_price", "funding_source"}:
            return {}  # a change of numbers or text only: nothing to look up
        rka = self.context["rka"]
        fiscal_year = rka.version.fiscal_year
        subs = RkaSubKegiatan.objects.filter(rka=rka).select_related("sub_kegiatan__parent")
        items = StandardPriceItem.objects.filter(fiscal_year=fiscal_year)
        return {
            "sub_kegiatan": ("Sub-kegiatan RKA", find_in(subs, "sub_kegiatan__code")),
            "account": ("Kode rekening", find_in_list(Account, fiscal_year.reference_version_id)),
            "standard_price": ("Standar harga", find_in(items, "code")),
            "funding_source": ("Sumber dana", find_in_list(FundingSource, fiscal_year.reference_version_id)),
        }


class RkaLinePatchSerializer(versioned_patch(RkaLineInputSerializer, "rincian")):
    pass


class VersionQuerySerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="Versi rincian yang dihapus (dari GET).")


class LineWriteResultSerializer(serializers.Serializer):
    line = RkaLineSerializer(read_only=True, allow_null=True, help_text="Rincian tersimpan; null setelah dihapus.")
    totals = RkaTotalsSerializer(read_only=True, help_text="Jumlah RKA sesudah penyimpanan.")
    ceilings = CeilingStatusSerializer(
        many=True, read_only=True, help_text="Sisa plafon OPD, program dan sub-kegiatan yang berlaku bagi rincian ini."
    )


class RkaImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(read_only=True, help_text="Rincian baru yang dibuat.")
    totals = RkaTotalsSerializer(read_only=True)
    ceilings = CeilingStatusSerializer(many=True, read_only=True)


class RkaTransitionInputSerializer(PlanningInput):
    action = serializers.ChoiceField(choices=list(rka_services.RKA_ACTION_LABELS.items()))
    note = text_field(required=False, allow_blank=True, default="", help_text="Wajib untuk `return` dan `reopen`.")


class RkaCommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_full_name", read_only=True)
    line_account_code = serializers.CharField(source="line.account.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = RkaComment
        fields = read_only_fields = ["id", "line", "line_account_code", "author", "text", "is_resolved", "created_at"]


# `context["rka"]` is the RKA commented on.
class RkaCommentInputSerializer(PlanningInput):
    text = text_field()
    line = serializers.IntegerField(min_value=1, required=False, allow_null=True, help_text="Id rincian yang dicatat.")

    def references(self, data):
        return {"line": ("Rincian", find_in(RkaLine.objects.filter(rka=self.context["rka"]), "pk"))}


# --- DPA --------------------------------------------------------------------------------------


class DpaSerializer(serializers.ModelSerializer):
    version = VersionRefSerializer(read_only=True)
    year = serializers.IntegerField(source="version.fiscal_year.year", read_only=True)
    opd = CodedRefSerializer(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    pagu = money(help_text="Pagu belanja.")
    planned = money(help_text="Belanja pada anggaran kas (jumlah dua belas bulan).")

    class Meta:
        model = Dpa
        fields = read_only_fields = [
            "id",
            "version",
            "year",
            "opd",
            "rka",
            "number",
            "state",
            "state_label",
            "issued_at",
            "pagu",
            "planned",
        ]


class DpaDetailSerializer(DpaSerializer):
    cash_plan_balanced = serializers.BooleanField(
        read_only=True, help_text="Setiap anggaran kas berjumlah tepat pagunya (syarat penerbitan)."
    )
    transitions = TransitionSerializer(many=True, read_only=True)

    class Meta(DpaSerializer.Meta):
        fields = read_only_fields = [*DpaSerializer.Meta.fields, "cash_plan_balanced", "transitions"]


class DpaRefSerializer(serializers.ModelSerializer):
    opd = CodedRefSerializer(read_only=True)

    class Meta:
        model = Dpa
        fields = read_only_fields = ["id", "opd", "state"]


class CashPlanRowSerializer(serializers.Serializer):
    account_group = serializers.ChoiceField(
        choices=CashPlan.Group.choices,
        read_only=True,
        help_text="4 pendapatan, 5 belanja (per sub-kegiatan), 6.1/6.2 pembiayaan.",
    )
    sub_kegiatan = CodedRefSerializer(source="sub_kegiatan.sub_kegiatan", read_only=True, allow_null=True)
    pagu = money()
    planned = money(help_text="Jumlah dua belas bulan.")
    difference = money(help_text="Rencana − pagu; harus 0 sebelum DPA diterbitkan.")
    months = serializers.ListField(child=money(), read_only=True, help_text="Januari sampai Desember.")


# `context["dpa"]` is the DPA whose anggaran kas changes.
class CashPlanInputSerializer(PlanningInput):
    account_group = serializers.ChoiceField(choices=CashPlan.Group.choices, default=CashPlan.Group.BELANJA)
    sub_kegiatan = optional_code("Kode sub-kegiatan DPA ini (untuk belanja); kosong untuk pendapatan dan pembiayaan.")
    month_1 = RupiahField(required=False, help_text="Januari; bulan yang tidak dikirim tetap.")
    month_2 = RupiahField(required=False)
    month_3 = RupiahField(required=False)
    month_4 = RupiahField(required=False)
    month_5 = RupiahField(required=False)
    month_6 = RupiahField(required=False)
    month_7 = RupiahField(required=False)
    month_8 = RupiahField(required=False)
    month_9 = RupiahField(required=False)
    month_10 = RupiahField(required=False)
    month_11 = RupiahField(required=False)
    month_12 = RupiahField(required=False, help_text="Desember.")

    def references(self, data):
        subs = RkaSubKegiatan.objects.filter(rka_id=self.context["dpa"].rka_id).select_related("sub_kegiatan")
        return {"sub_kegiatan": ("Sub-kegiatan DPA", find_in(subs, "sub_kegiatan__code"))}

    def resolve(self):
        data = super().resolve()
        data["amounts"] = {month: data.pop(f"month_{month}") for month in range(1, 13) if f"month_{month}" in data}
        return data


class DpaIssueInputSerializer(PlanningInput):
    number = text_field(max_length=100, help_text="Nomor DPA.")
