"""Small shapes every budgeting document shares: references, transitions, totals and ceiling standings."""

from rest_framework import serializers

from masterdata.models import FiscalYear
from masterdata.serializer_base import CodedRefSerializer, money

from ..models import ApbdVersion, Transition


def fiscal_year_of(year):
    return FiscalYear.objects.filter(year=year).first()


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
