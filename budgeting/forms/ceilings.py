"""Ceiling forms: an OPD's plafon and its program or sub-kegiatan plafon."""

from django import forms

from masterdata.form_base import PortalForm
from masterdata.models import Opd

from .common import money_field


class CeilingAmountForm(PortalForm):
    amount = money_field("Plafon (Rp)")


class OpdCeilingForm(PortalForm):
    opd = forms.ModelChoiceField(
        label="OPD",
        queryset=Opd.objects.none(),
        empty_label="(pilih OPD)",
        error_messages={"required": "Pilih OPD.", "invalid_choice": "OPD itu sudah memiliki plafon atau tidak aktif."},
    )
    amount = money_field("Plafon (Rp)")

    def __init__(self, *args, opds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opd"].queryset = opds


class NarrowerCeilingForm(PortalForm):
    """A ceiling on one program or one sub-kegiatan of the OPD's Renja."""

    target = forms.ChoiceField(
        label="Program atau sub-kegiatan", error_messages={"required": "Pilih program atau sub-kegiatan."}
    )
    amount = money_field("Plafon (Rp)")

    def __init__(self, *args, programs, subs, **kwargs):
        super().__init__(*args, **kwargs)
        self.nodes = {f"p{node.pk}": node for node in programs} | {f"s{node.pk}": node for node in subs}
        self.fields["target"].choices = [
            ("", "(pilih)"),
            ("Program", [(f"p{node.pk}", f"{node.code} {node.name}") for node in programs]),
            ("Sub-kegiatan", [(f"s{node.pk}", f"{node.code} {node.name}") for node in subs]),
        ]

    def target_kwargs(self):
        key = self.cleaned_data["target"]
        node = self.nodes[key]
        return {"program": node} if key.startswith("p") else {"sub_kegiatan": node}
