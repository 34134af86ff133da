"""Form pieces every page of the portal shares: the form base that takes a service's refusal field by field,
Indonesian numbers (1.250.000 or 12,5) and the year and code pickers."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .importers import parse_decimal
from .models import FiscalYear
from .money import grouped

TEXT_AREA = {"rows": 3}


class PortalForm(forms.Form):
    """No trailing colon after labels; the templates place labels themselves."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def add_service_errors(self, error):
        """Put a service's ValidationError on the fields it names; the rest on the form as a whole."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


class HoneypotForm(PortalForm):
    """A public form with a field hidden from people by CSS: bots that fill every field give themselves away
    (templates/_shared/honeypot.html)."""

    website = forms.CharField(label=_("Situs web (jangan diisi)"), required=False)

    @property
    def is_bot(self):
        return bool((self.data.get("website") or "").strip())


class IndonesianNumberField(forms.CharField):
    """A number written the Indonesian way (1.250.000 or 12,5), also accepting plain 1250000.50."""

    def __init__(self, *, places=2, example="1.250.000", **kwargs):
        self.places = places
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)
        self.error_messages["invalid"] = format_lazy(
            _("Tulis angka, misalnya {example}; paling banyak {places} angka desimal."), example=example, places=places
        )

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            integral = value == value.to_integral_value()
            return grouped(value, 0 if integral else self.places)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_decimal(value, places=self.places)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


def active_fiscal_years():
    return FiscalYear.objects.filter(is_active=True).order_by("-year")


class FiscalYearChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, fiscal_year):
        return str(fiscal_year.year)


class CodedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, node):
        return f"{node.code} {node.name}"


class NamedChoiceField(forms.ModelChoiceField):
    """A coded row named first, for lists people pick from by name (funding sources)."""

    def label_from_instance(self, node):
        return f"{node.name} ({node.code})"
