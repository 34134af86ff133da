"""DPA shapes: a DPA, its anggaran kas rows, the cash plan input and the issue input."""

from rest_framework import serializers

from masterdata.serializer_base import (
    CodedRefSerializer,
    ResolvingInput,
    RupiahField,
    find_in,
    money,
    optional_code,
    text_field,
)

from ..models import CashPlan, Dpa, RkaSubKegiatan
from .common import TransitionSerializer, VersionRefSerializer


class DpaSerializer(serializers.ModelSerializer):
    version = VersionRefSerializer(read_only=True)
    year = serializers.IntegerField(source="version.fiscal_year.year", read_only=True)
    opd = CodedRefSerializer(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    document = serializers.CharField(
        source="version.dpa_label", read_only=True, help_text="DPA, atau DPPA untuk versi pergeseran/perubahan."
    )
    pagu = money(help_text="Pagu belanja.")
    planned = money(help_text="Belanja pada anggaran kas (jumlah dua belas bulan).")
    cash_plan_balanced = serializers.BooleanField(
        read_only=True, help_text="Sesuai: setiap anggaran kas berjumlah tepat pagunya (syarat penerbitan)."
    )

    class Meta:
        model = Dpa
        fields = read_only_fields = [
            "id",
            "version",
            "year",
            "document",
            "opd",
            "rka",
            "number",
            "state",
            "state_label",
            "issued_at",
            "pagu",
            "planned",
            "cash_plan_balanced",
        ]


class DpaDetailSerializer(DpaSerializer):
    transitions = TransitionSerializer(many=True, read_only=True)

    class Meta(DpaSerializer.Meta):
        fields = read_only_fields = [*DpaSerializer.Meta.fields, "transitions"]


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
class CashPlanInputSerializer(ResolvingInput):
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


class DpaIssueInputSerializer(ResolvingInput):
    number = text_field(max_length=100, help_text="Nomor DPA.")
