"""Ceiling shapes: an OPD, program or sub-kegiatan plafon, and the inputs that set it."""

from rest_framework import serializers

from masterdata import access
from masterdata.models import Nomenclature, Opd
from masterdata.serializer_base import (
    CodedRefSerializer,
    ResolvingInput,
    RupiahField,
    find_in,
    find_in_list,
    optional_code,
    text_field,
    user_of,
)

from ..models import Ceiling, KuaPpas


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


class CeilingInputSerializer(ResolvingInput):
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


class CeilingPatchSerializer(ResolvingInput):
    amount = RupiahField()
