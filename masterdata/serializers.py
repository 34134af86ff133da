"""Input and output shapes of the masterdata API; no logic beyond shaping."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Account, ApiToken, FundingSource, Nomenclature, Opd, StandardPriceItem, User
from .serializer_base import NO_NUL, StrictCharField

CODED_FIELDS = ["id", "version", "code", "name", "level", "parent", "parent_code", "is_active"]


class CodedNodeSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True)


class NomenclatureSerializer(CodedNodeSerializer):
    class Meta:
        model = Nomenclature
        fields = read_only_fields = [*CODED_FIELDS, "pemda", "indicator", "unit"]


class AccountSerializer(CodedNodeSerializer):
    class Meta:
        model = Account
        fields = read_only_fields = CODED_FIELDS


class FundingSourceSerializer(CodedNodeSerializer):
    class Meta:
        model = FundingSource
        fields = read_only_fields = CODED_FIELDS


class OpdSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True)
    bidang_codes = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("Bidang urusan yang dilayani OPD.")
    )

    class Meta:
        model = Opd
        fields = read_only_fields = ["id", "code", "name", "kind", "parent", "parent_code", "bidang_codes", "is_active"]


class StandardPriceSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="fiscal_year.year", read_only=True)
    account_codes = serializers.SlugRelatedField(
        source="accounts",
        many=True,
        read_only=True,
        slug_field="code",
        help_text=_("Kode rekening yang boleh dibebani item ini."),
    )

    class Meta:
        model = StandardPriceItem
        fields = read_only_fields = [
            "id",
            "year",
            "kind",
            "code",
            "name",
            "specification",
            "unit",
            "price",
            "tkdn_percent",
            "account_codes",
            "is_active",
        ]


class OpdBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Opd
        fields = read_only_fields = ["id", "code", "name"]


class MeSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name", read_only=True)
    # Plain text: a user without an email address has "".
    email = serializers.CharField(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    opd = OpdBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = read_only_fields = ["id", "username", "full_name", "email", "role", "role_label", "opd"]


class TokenObtainSerializer(serializers.Serializer):
    default_error_messages = {"invalid": _("Data tidak valid: kirim objek dengan `username` dan `password`.")}

    # The pattern only documents (for the schema) the NUL refusal every CharField already makes.
    # Not trimmed: a name of spaces is simply a wrong name (401), not a malformed request.
    username = StrictCharField(max_length=150, trim_whitespace=False, validators=[NO_NUL], label=_("Nama pengguna"))
    password = StrictCharField(
        max_length=128,
        trim_whitespace=False,
        validators=[NO_NUL],
        style={"input_type": "password"},
        label=_("Kata sandi"),
    )


class TokenSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("Id token, untuk mencabutnya."))
    token = serializers.CharField(
        source="key", help_text=_("Kirim sebagai header `Authorization: Token <token>`. Hanya ditampilkan sekali ini.")
    )
    expires_at = serializers.DateTimeField(help_text=_("Sesudah saat ini token ditolak (401 `token_expired`)."))


class ApiTokenSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True, help_text=_("Bertindak sebagai."))
    prefix = serializers.CharField(read_only=True, help_text=_("Delapan karakter pertama token."))

    class Meta:
        model = ApiToken
        fields = read_only_fields = [
            "id",
            "kind",
            "name",
            "prefix",
            "username",
            "created_at",
            "expires_at",
            "revoked_at",
        ]
