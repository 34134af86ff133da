"""Shapes of the diff of two APBD versions: its query, totals, counts, rollup rows and lines."""

from rest_framework import serializers

from masterdata.serializer_base import CodedRefSerializer, money

from .common import VersionRefSerializer


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
