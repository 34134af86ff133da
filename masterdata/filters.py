"""Query filters of the reference-data API. Every value is validated: a bad one answers 400, never is ignored."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.filters import BooleanFilter
from drf_spectacular.utils import extend_schema_field

from . import selectors
from .api_base import TEXT_PATTERN
from .models import Account, FundingSource, Nomenclature, Opd, StandardPriceItem

YEAR_DESCRIPTION = _(
    "Tahun anggaran. Tanpa parameter ini dipakai tahun anggaran aktif terbaru; tahun yang tidak terdaftar "
    "menghasilkan daftar kosong."
)


class StrictBooleanField(forms.Field):
    """`true` or `false` exactly; anything else is an error instead of "no filter"."""

    default_error_messages = {"invalid": _("Harus `true` atau `false`.")}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "false"):
            return value == "true"
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class StrictBooleanFilter(BooleanFilter):
    # The plain django-filter class: the REST variant's widget turns a bad value into "no filter".
    field_class = StrictBooleanField


class IntegerFilter(filters.NumberFilter):
    field_class = forms.IntegerField


def _text(description, max_length):
    return extend_schema_field(
        {"type": "string", "maxLength": max_length, "pattern": TEXT_PATTERN, "description": str(description)}
    )


class BlankIsAnErrorForm(forms.Form):
    """`?level=` is a mistake, not "any level": only free-text parameters may be sent empty."""

    def clean(self):
        cleaned_data = super().clean()
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField) and self.data.get(name) == "":
                message = _("Tidak boleh kosong; hapus parameter bila tak dipakai.")
                self.add_error(name, ValidationError(message, code="blank"))
        return cleaned_data


class ReferenceFilterSet(filters.FilterSet):
    code_prefix = _text(_("Kode diawali teks ini, mis. `1.02` atau `5.1.02`."), 64)(
        filters.CharFilter(field_name="code", lookup_expr="startswith", max_length=64)
    )
    q = _text(_("Cari di kode atau nama (tanpa membedakan huruf besar/kecil)."), 100)(
        filters.CharFilter(method="filter_q", max_length=100)
    )
    active = StrictBooleanFilter(field_name="is_active", label=_("Hanya yang aktif (`true`) atau nonaktif (`false`)."))

    class Meta:
        form = BlankIsAnErrorForm

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class FiscalYearFilterSet(ReferenceFilterSet):
    """Adds `year`; a list without it shows the newest active fiscal year, never a mix of years."""

    year = extend_schema_field(
        {"type": "integer", "minimum": 2000, "maximum": 2100, "description": str(YEAR_DESCRIPTION)}
    )(IntegerFilter(method="filter_year", min_value=2000, max_value=2100))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("year") is None:
            queryset = self.in_year(queryset, None)
        return queryset

    def filter_year(self, queryset, name, value):
        return self.in_year(queryset, value)

    def in_year(self, queryset, year):
        return selectors.in_reference_year(queryset, year)


class CodedReferenceFilterSet(FiscalYearFilterSet):
    """Nomenclature, accounts and funding sources; subclasses declare `level` with their own levels."""

    class Meta(ReferenceFilterSet.Meta):
        fields = ["code_prefix", "level", "q", "year", "active"]


class NomenclatureFilterSet(CodedReferenceFilterSet):
    level = filters.ChoiceFilter(choices=Nomenclature.Level.choices, label=_("Tingkat nomenklatur."))

    class Meta(CodedReferenceFilterSet.Meta):
        model = Nomenclature


class AccountFilterSet(CodedReferenceFilterSet):
    level = filters.ChoiceFilter(choices=Account.Level.choices, label=_("Tingkat kode rekening."))

    class Meta(CodedReferenceFilterSet.Meta):
        model = Account


class FundingSourceFilterSet(CodedReferenceFilterSet):
    level = filters.ChoiceFilter(choices=Account.Level.choices, label=_("Tingkat sumber dana."))

    class Meta(CodedReferenceFilterSet.Meta):
        model = FundingSource


class OpdFilterSet(ReferenceFilterSet):
    kind = filters.ChoiceFilter(choices=Opd.Kind.choices, label=_("Jenis perangkat daerah."))

    class Meta(ReferenceFilterSet.Meta):
        model = Opd
        fields = ["code_prefix", "kind", "q", "active"]


class StandardPriceFilterSet(FiscalYearFilterSet):
    kind = filters.ChoiceFilter(choices=StandardPriceItem.Kind.choices, label=_("Jenis standar harga."))
    account = _text(_("Hanya item yang boleh dibebankan ke kode rekening ini (sub rincian objek)."), 32)(
        filters.CharFilter(method="filter_account", max_length=32)
    )

    class Meta(ReferenceFilterSet.Meta):
        model = StandardPriceItem
        fields = ["code_prefix", "kind", "account", "q", "year", "active"]

    def in_year(self, queryset, year):
        return selectors.standard_prices_in_year(queryset, year)

    def filter_account(self, queryset, name, value):
        # Accounts of several versions may share a code; an item still appears once.
        return queryset.filter(accounts__code=value).distinct()


# Filter makers, shared with the budgeting API; each carries its OpenAPI schema.
def year_filter(field_name):
    return extend_schema_field({"type": "integer", "minimum": 2000, "maximum": 2100, "description": "Tahun anggaran."})(
        IntegerFilter(field_name=field_name, min_value=2000, max_value=2100)
    )


def id_filter(field_name, description):
    return extend_schema_field({"type": "integer", "minimum": 1, "description": description})(
        IntegerFilter(field_name=field_name, min_value=1)
    )


def text_filter(description, max_length):
    return extend_schema_field(
        {"type": "string", "maxLength": max_length, "pattern": TEXT_PATTERN, "description": description}
    )


def code_filter(field_name, description, lookup_expr="exact", max_length=32):
    return text_filter(description, max_length)(
        filters.CharFilter(field_name=field_name, lookup_expr=lookup_expr, max_length=max_length)
    )
