from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from masterdata.models import FiscalYear, Opd


class Feedback(models.Model):
    """A citizen's remark on an OPD's part of a published APBD (the OPD, or one of its sub-kegiatan): held
    until Bappeda moderates it; once approved it is public, and the OPD answers it in public."""

    class State(models.TextChoices):
        RECEIVED = "received", _("Menunggu moderasi")
        APPROVED = "approved", _("Ditampilkan, menunggu jawaban OPD")
        ANSWERED = "answered", _("Dijawab OPD")
        REJECTED = "rejected", _("Ditolak moderator")

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="feedback", verbose_name=_("OPD"))
    # The sub-kegiatan as the public pages name it (an X.XX one under its OPD's realised code); empty: the OPD.
    sub_kegiatan_code = models.CharField(_("kode sub-kegiatan"), max_length=40, blank=True)
    sub_kegiatan_name = models.CharField(_("sub-kegiatan"), max_length=500, blank=True)
    name = models.CharField(_("nama"), max_length=100, blank=True)
    contact = models.CharField(_("kontak"), max_length=100, blank=True)  # never shown in public
    text = models.TextField(_("masukan"), max_length=2000)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.RECEIVED)
    moderation_note = models.TextField(_("alasan moderasi"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("jawaban OPD"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("masukan warga")
        verbose_name_plural = _("masukan warga")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["opd", "fiscal_year", "state"])]

    def __str__(self):
        target = self.sub_kegiatan_name or self.opd.name
        return f"Masukan warga #{self.pk} untuk {target}"
