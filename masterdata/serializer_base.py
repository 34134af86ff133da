"""Serializer pieces every API of the portal shares: text and number inputs, and inputs that resolve references.

Inputs name reference data by code (sub-kegiatan, sumber dana, OPD, wilayah) as SIPD does, and documents
by id. Once an input's shape is valid, `ResolvingInput.resolve()` looks its references up among what the
user may see; one that names nothing answers 404 with `field` naming the input, like any missing object.
Whether a value is allowed is decided by the services, whose field names the inputs share.
"""

import re

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers

from .api_base import TEXT_PATTERN
from .models import MONEY

# Text that, once trimmed as every CharField trims it, is not empty; and text that may be empty.
FILLED_TEXT_PATTERN = r"^[^\x00]*[^\x00\s][^\x00]*$"


NO_NUL = RegexValidator(TEXT_PATTERN, "Karakter null tidak diizinkan.", code="null_characters_not_allowed")


FILLED = RegexValidator(FILLED_TEXT_PATTERN, "Wajib diisi.", code="blank")


class StrictCharField(serializers.CharField):
    """Text as the schema says: a JSON string (DRF's CharField would also turn a number into text)."""

    default_error_messages = {"invalid": "Wajib berupa teks."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def text_field(**kwargs):
    """A text input whose schema states what the field accepts: no NUL, and not blank unless allowed."""
    return StrictCharField(validators=[NO_NUL if kwargs.get("allow_blank") else FILLED], **kwargs)


def optional_code(help_text, max_length=32):
    """A code input that may be left out, null or blank (naming nothing)."""
    return text_field(max_length=max_length, required=False, allow_null=True, allow_blank=True, help_text=help_text)


def money(**kwargs):
    """An amount in an answer (two decimals)."""
    return serializers.DecimalField(**MONEY, read_only=True, **kwargs)


class TextDecimalField(serializers.DecimalField):
    """A number sent as text in exactly the form its schema's `pattern` documents: ASCII digits, a dot for
    decimals, nothing around them. (DRF's DecimalField would also take a JSON number, padding, exponents and
    any Unicode digits Python's Decimal reads.)"""

    pattern = ""

    def to_internal_value(self, data):
        if not isinstance(data, str) or re.fullmatch(self.pattern, data, flags=re.ASCII) is None:
            self.fail("not_text")
        return super().to_internal_value(data)


def text_decimal(pattern, example):
    """A TextDecimalField's schema and refusal for one pattern."""

    def decorate(cls):
        cls.pattern = pattern
        cls.default_error_messages = {
            **cls.default_error_messages,
            "not_text": f'Tulis angka sebagai teks dengan digit 0-9 dan titik desimal, misalnya "{example}".',
        }
        return extend_schema_field({"type": "string", "format": "decimal", "pattern": pattern})(cls)

    return decorate


@text_decimal(r"^-?\d{1,18}(?:\.\d{1,2})?$", "1250000.50")
class NumberField(TextDecimalField):
    """A number of up to 18 digits and 2 decimals, sent as text (`"1250000.50"`)."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=20, decimal_places=2, **kwargs)


@text_decimal(r"^\d{1,18}(?:\.\d{1,2})?$", "150000000.00")
class RupiahField(NumberField):
    """An amount of Rupiah, not negative, sent as text (`"150000000.00"`)."""

    def __init__(self, **kwargs):
        super().__init__(min_value=0, **kwargs)


def user_of(serializer):
    """The requesting user; without one (the schema generator) nothing is visible."""
    return getattr(serializer.context.get("request"), "user", None)


class MissingReference(exceptions.ValidationError):
    """Inputs naming objects that do not exist or are not the user's: 404, each error naming its input."""

    status_code = 404
    default_code = "not_found"


# An input shape whose references are looked up after the shape is valid (see the module note).
# (Comments, not docstrings, on input shapes: a docstring would become the schema's description.)
class ResolvingInput(serializers.Serializer):
    def references(self, data):
        """{field: (label, lookup)}: `lookup(value)` gives the object, or None when there is none to see."""
        return {}

    def resolve(self):
        data = dict(self.validated_data)
        missing = {}
        for field, (label, lookup) in self.references(data).items():
            if field not in data:
                continue  # not sent (a partial change)
            value = data[field]
            if value in (None, "", []):
                data[field] = None if value == "" else value
                continue
            data[field] = lookup(value)
            if data[field] is None:
                shown = ", ".join(value) if isinstance(value, list) else value
                missing[field] = [serializers.ErrorDetail(f"{label} '{shown}' tidak ditemukan.", code="not_found")]
        if missing:
            raise MissingReference(missing)
        return data


def find_in_list(model, version_id):
    """A lookup of a code in one version of a code list (nomenclature, accounts, funding sources)."""
    return lambda code: model.objects.filter(version_id=version_id, code=code).first()


def find_in(queryset, field):
    """A lookup of a value of `field` among the rows of `queryset` (scoped to what the user may see)."""
    return lambda value: queryset.filter(**{field: value}).first()


def find_all_in(queryset, field):
    """A lookup of a list of values of `field` among the rows of `queryset`: every row, or None unless each
    value names one."""

    def lookup(values):
        found = list(queryset.filter(**{f"{field}__in": values}))
        return found if len(found) == len(set(values)) else None

    return lookup


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class AllowedActionsField(serializers.Field):
    """The lifecycle actions that apply to the object now, as `moves(object)` lists them."""

    def __init__(self, moves, **kwargs):
        self.moves = moves
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        return self.moves(instance)


def versioned_patch(input_class, noun):
    """A change of some of `input_class`'s fields, based on the `version` of the row (`noun`) read before.

    Subclass it under the shape's own name: the schema names its components after the class.
    """

    class VersionedPatch(input_class):
        version = serializers.IntegerField(
            min_value=1, help_text=f"Versi {noun} yang diubah (dari GET); versi yang usang dijawab 409."
        )

        def validate(self, data):
            # Required even in a partial update: without it a save could silently overwrite another's change.
            if "version" not in data:
                raise serializers.ValidationError(
                    {"version": serializers.ErrorDetail(f"Sertakan versi {noun} yang Anda ubah.", code="required")}
                )
            return data

    return VersionedPatch


class CodedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class ImportInputSerializer(ResolvingInput):
    file = serializers.FileField(help_text="Berkas .xlsx atau .csv (UTF-8); baris pertama memuat nama kolom.")


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Baris baru yang dibuat.")
    updated = serializers.IntegerField(help_text="Baris yang sudah ada dan diperbarui.")
