"""RKA shapes: an RKA with its figures, its sub-kegiatan and lines, and the inputs that write them."""

from rest_framework import serializers

from masterdata import access
from masterdata.models import Account, FundingSource, Nomenclature, StandardPriceItem
from masterdata.serializer_base import (
    AllowedActionsField,
    CodedRefSerializer,
    NumberField,
    ResolvingInput,
    RupiahField,
    TextDecimalField,
    find_in,
    find_in_list,
    money,
    optional_code,
    text_decimal,
    text_field,
    user_of,
    versioned_patch,
)
from planning.models import RenjaLine

from ..models import (
    Rka,
    RkaComment,
    RkaLine,
    RkaSubKegiatan,
)
from ..services import rka as rka_services
from .common import (
    AccountRefSerializer,
    CeilingStatusSerializer,
    RkaTotalsSerializer,
    StandardPriceRefSerializer,
    TransitionSerializer,
    VersionRefSerializer,
)


@text_decimal(r"^\d{1,9}(?:\.\d{1,4})?$", "12.5")
class VolumeField(TextDecimalField):
    """A volume factor of up to 9 digits and 4 decimals, more than zero, sent as text (`"12"`, `"0.5"`)."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=18, decimal_places=4, **kwargs)


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
            "outside_renja_reason",
            "total",
            "line_count",
            "ceiling",
        ]


# `context["rka"]` is the RKA the sub-kegiatan joins; its year picks the nomenclature.
class RkaSubKegiatanInputSerializer(ResolvingInput):
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
    outside_renja_reason = text_field(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="RKA murni: alasan menganggarkan sub-kegiatan yang tidak ada dalam Renja final OPD (wajib saat itu).",
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
class RkaLineInputSerializer(ResolvingInput):
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


class RkaTransitionInputSerializer(ResolvingInput):
    action = serializers.ChoiceField(choices=list(rka_services.RKA_ACTION_LABELS.items()))
    note = text_field(required=False, allow_blank=True, default="", help_text="Wajib untuk `return` dan `reopen`.")


class RkaCommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_full_name", read_only=True)
    line_account_code = serializers.CharField(source="line.account.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = RkaComment
        fields = read_only_fields = ["id", "line", "line_account_code", "author", "text", "is_resolved", "created_at"]


# `context["rka"]` is the RKA commented on.
class RkaCommentInputSerializer(ResolvingInput):
    text = text_field()
    line = serializers.IntegerField(min_value=1, required=False, allow_null=True, help_text="Id rincian yang dicatat.")

    def references(self, data):
        return {"line": ("Rincian", find_in(RkaLine.objects.filter(rka=self.context["rka"]), "pk"))}
