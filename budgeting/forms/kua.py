"""KUA-PPAS forms: a new version, a policy line and the moves."""

from django import forms

from masterdata.form_base import TEXT_AREA, PortalForm
from masterdata.models import Account

from ..models import KuaPpas
from ..services import kua as kua_services
from .common import DateField, PickerForm, account_field, money_field


class KuaCreateForm(PortalForm):
    kind = forms.ChoiceField(
        label="Jenis",
        choices=[(KuaPpas.Kind.MURNI, "KUA-PPAS (APBD murni)"), (KuaPpas.Kind.PERUBAHAN, "KUPA-PPAS Perubahan")],
    )
    policy_notes = forms.CharField(
        label="Arah kebijakan umum", required=False, widget=forms.Textarea(attrs=TEXT_AREA), max_length=5000
    )


class KuaAccountLineForm(PickerForm):
    """A revenue projection, spending policy or pembiayaan amount; the account comes from the picker."""

    account = account_field("Kode rekening itu tidak dapat dipakai pada KUA-PPAS ini.")
    amount = money_field("Jumlah (Rp)")
    note = forms.CharField(label="Kebijakan / keterangan", required=False, max_length=2000)

    def __init__(self, *args, kua, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.filter(version_id=kua.fiscal_year.reference_version_id)


class KuaLineAmountForm(PortalForm):
    amount = money_field("Jumlah (Rp)")
    note = forms.CharField(label="Kebijakan / keterangan", required=False, max_length=2000)


class KuaTransitionForm(PortalForm):
    action = forms.ChoiceField(choices=list(kua_services.KUA_ACTION_LABELS.items()))
    note = forms.CharField(label="Catatan", required=False, widget=forms.Textarea(attrs=TEXT_AREA))
    agreement_number = forms.CharField(label="Nomor nota kesepakatan", required=False, max_length=100)
    agreement_date = DateField(label="Tanggal nota kesepakatan", required=False)
