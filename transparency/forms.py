"""The citizen's feedback form and the staff's moderation and answer forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from masterdata.form_base import TEXT_AREA, HoneypotForm, PortalForm


class FeedbackForm(HoneypotForm):
    text = forms.CharField(label=_("Masukan Anda"), max_length=2000, widget=forms.Textarea(attrs=TEXT_AREA))
    name = forms.CharField(label=_("Nama (boleh dikosongkan)"), max_length=100, required=False)
    contact = forms.CharField(label=_("Surel atau nomor telepon (tidak ditampilkan)"), max_length=100, required=False)


class ModerationForm(PortalForm):
    decision = forms.ChoiceField(label="Keputusan", choices=[("approve", "Tampilkan"), ("reject", "Tolak")])
    note = forms.CharField(
        label="Alasan (wajib bila ditolak)", max_length=2000, required=False, widget=forms.Textarea(attrs=TEXT_AREA)
    )


class AnswerForm(PortalForm):
    answer = forms.CharField(label="Jawaban OPD", max_length=2000, widget=forms.Textarea(attrs=TEXT_AREA))
