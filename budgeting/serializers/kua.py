"""KUA-PPAS shapes: a version with its policy totals, its policy lines and the inputs of its moves."""

from rest_framework import serializers

from masterdata.models import Account
from masterdata.serializer_base import AllowedActionsField, ResolvingInput, RupiahField, find_in_list, money, text_field

from ..models import KuaAccountLine, KuaPpas
from ..services import kua as kua_services
from .common import AccountRefSerializer, TransitionSerializer, fiscal_year_of


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


class KuaPpasCreateSerializer(ResolvingInput):
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="Tahun anggaran.")
    kind = serializers.ChoiceField(
        choices=[KuaPpas.Kind.MURNI, KuaPpas.Kind.PERUBAHAN],
        default=KuaPpas.Kind.MURNI,
        help_text="murni (versi pertama diambil dari pagu indikatif RKPD final) atau perubahan (KUPA-PPAS-P).",
    )
    policy_notes = text_field(required=False, allow_blank=True, default="", help_text="Arah kebijakan umum.")

    def references(self, data):
        return {"year": ("Tahun anggaran", fiscal_year_of)}

    def resolve(self):
        data = super().resolve()
        data["fiscal_year"] = data.pop("year")
        return data


class KuaTransitionInputSerializer(ResolvingInput):
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
class KuaAccountLineInputSerializer(ResolvingInput):
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


class KuaAccountLinePatchSerializer(ResolvingInput):
    amount = RupiahField()
    note = text_field(required=False, allow_blank=True, help_text="Kebijakan; tanpa bidang ini tetap.")
