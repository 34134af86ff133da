"""APBD version shapes: a version, its moves' inputs, and the ringkasan with its balance."""

from rest_framework import serializers

from masterdata import access
from masterdata.models import Opd
from masterdata.serializer_base import (
    AllowedActionsField,
    ResolvingInput,
    find_all_in,
    find_in,
    money,
    text_field,
    user_of,
)

from ..models import ApbdVersion, KuaPpas
from ..services import apbd as apbd_services
from .common import TransitionSerializer, fiscal_year_of


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


class ApbdVersionCreateSerializer(ResolvingInput):
    kua_ppas = serializers.IntegerField(
        min_value=1,
        help_text="Id KUA-PPAS murni yang plafonnya dikunci (APBD murni) atau KUPA-PPAS-P (APBD Perubahan).",
    )

    def references(self, data):
        kuas = access.scope_kua_ppas(user_of(self), KuaPpas.objects.all())
        return {"kua_ppas": ("KUA-PPAS", find_in(kuas, "pk"))}


class ShiftCreateSerializer(ResolvingInput):
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="Tahun anggaran.")
    note = text_field(required=False, allow_blank=True, default="", help_text="Alasan pergeseran.")

    def references(self, data):
        return {"year": ("Tahun anggaran", fiscal_year_of)}


class ApbdTransitionInputSerializer(ResolvingInput):
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
    opds = serializers.ListField(
        child=text_field(max_length=32),
        required=False,
        max_length=200,
        help_text="`refine`: kode SIPD OPD yang RKA-nya dikembalikan untuk penyempurnaan hasil evaluasi.",
    )

    def references(self, data):
        return {"opds": ("OPD", find_all_in(Opd.objects.all(), "code"))}


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
    opd_only = serializers.BooleanField(
        read_only=True, help_text="true: hanya rincian OPD Anda (staf OPD, sampai versi diterbitkan)."
    )
    balance = BalanceSerializer(read_only=True)
    accounts = AccountTotalSerializer(many=True, read_only=True, help_text="Per akun, kelompok, jenis dan objek.")
    opd = GroupTotalSerializer(many=True, read_only=True)
    urusan = GroupTotalSerializer(many=True, read_only=True, help_text="Belanja per urusan.")
    bidang = GroupTotalSerializer(many=True, read_only=True, help_text="Belanja per bidang urusan.")
    program = GroupTotalSerializer(many=True, read_only=True, help_text="Belanja per program.")
