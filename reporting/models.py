from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budgeting.models import RkaLine
from masterdata.models import MONEY, FiscalYear, Opd

MONTHS = [(month, str(month)) for month in range(1, 13)]


class Realization(models.Model):
    """Money spent (or received) on a line of an issued DPA/DPPA in one month: entered in the browser,
    imported, or pushed as an SP2D by the payment system."""

    class Source(models.TextChoices):
        BROWSER = "browser", _("Diisi di portal")
        IMPORT = "import", _("Impor berkas")
        SP2D = "sp2d", _("SP2D dari sistem pembayaran")

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="realizations", verbose_name=_("OPD"))
    line = models.ForeignKey(RkaLine, on_delete=models.PROTECT, related_name="realizations")
    month = models.PositiveSmallIntegerField(_("bulan"), choices=MONTHS)
    amount = models.DecimalField(_("jumlah"), **MONEY)
    source = models.CharField(_("sumber"), max_length=8, choices=Source.choices, default=Source.BROWSER)
    sp2d_number = models.CharField(_("nomor SP2D"), max_length=60, blank=True)
    sp2d_date = models.DateField(_("tanggal SP2D"), null=True, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("realisasi")
        verbose_name_plural = _("realisasi")
        ordering = ["fiscal_year", "opd", "month", "pk"]
        indexes = [models.Index(fields=["fiscal_year", "opd", "month"]), models.Index(fields=["line"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="realization_positive"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="realization_month"),
        ]

    def __str__(self):
        return f"Realisasi {self.opd.name} bulan {self.month}: {self.amount}"


class RealizationMonth(models.Model):
    """A month of an OPD's execution: open for entries until BPKAD closes it; reopening is a recorded move."""

    class State(models.TextChoices):
        OPEN = "open", _("Terbuka")
        CLOSED = "closed", _("Ditutup")

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="+", verbose_name=_("OPD"))
    month = models.PositiveSmallIntegerField(_("bulan"), choices=MONTHS)
    state = models.CharField(_("status"), max_length=6, choices=State.choices, default=State.OPEN)

    class Meta:
        verbose_name = _("bulan realisasi")
        verbose_name_plural = _("bulan realisasi")
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "opd", "month"], name="realization_month_once")]

    def __str__(self):
        return f"Realisasi {self.opd.name} {self.month:02d}/{self.fiscal_year.year}"


class PushKey(models.Model):
    """An SP2D push's Idempotency-Key: the same key with the same body is answered again without recording
    twice; with another body it is refused."""

    key = models.CharField(max_length=100)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body_hash = models.CharField(max_length=64)
    answer = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["requested_by", "key"], name="push_key_once")]

    def __str__(self):
        return f"Kiriman SP2D {self.key}"


class Job(models.Model):
    """Long work done by a Celery worker, never inside a request: a document (PDF), an Excel export or an Excel
    import (its upload kept with the job). The page polls its progress; its file is served only to those who
    may read the data it holds."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Dalam antrean")
        RUNNING = "running", _("Sedang diproses")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    kind = models.CharField(_("jenis"), max_length=40)
    params = models.JSONField(_("parameter"), default=dict)
    title = models.CharField(_("judul"), max_length=255)
    requested_by = models.ForeignKey(  # nobody: a published document asked for from the public register
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("diminta oleh"),
    )
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    public = models.BooleanField(_("dokumen publik"), default=False)  # of a published version: for everyone
    state = models.CharField(_("status"), max_length=8, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    sections = models.PositiveIntegerField(_("bagian"), default=0)
    sections_done = models.PositiveIntegerField(_("bagian selesai"), default=0)
    upload = models.FileField(_("berkas unggahan"), upload_to="jobs/uploads/%Y/%m/", blank=True)  # of an import
    file = models.FileField(_("berkas"), upload_to="jobs/%Y/%m/", blank=True)
    filename = models.CharField(_("nama berkas"), max_length=200, blank=True)
    result = models.JSONField(_("hasil"), default=dict, blank=True)
    error = models.TextField(_("galat"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    claim = models.CharField(max_length=32, blank=True)  # the run that owns it; a stale run never finishes it
    created_at = models.DateTimeField(_("diminta"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        verbose_name = _("pekerjaan")
        verbose_name_plural = _("pekerjaan")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-created_at"]), models.Index(fields=["state", "heartbeat_at"])]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_percent")]

    def __str__(self):
        return self.title


class Progress(models.Model):
    """How far a sub-kegiatan of an OPD's DPA has come by the end of a month: physical progress (0–100 %,
    cumulative) and, when known, the achievement of its output indicator against the DPA's target."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="+", verbose_name=_("OPD"))
    sub_kegiatan = models.ForeignKey(
        "masterdata.Nomenclature", on_delete=models.PROTECT, related_name="+", verbose_name=_("sub-kegiatan")
    )
    month = models.PositiveSmallIntegerField(_("bulan"), choices=MONTHS)
    physical_percent = models.DecimalField(_("kemajuan fisik (%)"), max_digits=5, decimal_places=2)
    output_achieved = models.DecimalField(_("capaian keluaran"), max_digits=20, decimal_places=2, null=True, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kemajuan sub-kegiatan")
        verbose_name_plural = _("kemajuan sub-kegiatan")
        ordering = ["fiscal_year", "opd", "sub_kegiatan", "month"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "opd", "sub_kegiatan", "month"], name="progress_once"),
            models.CheckConstraint(
                condition=Q(physical_percent__gte=0, physical_percent__lte=100), name="progress_percent"
            ),
            models.CheckConstraint(condition=Q(output_achieved__gte=0), name="progress_output_positive"),
        ]

    def __str__(self):
        return f"Kemajuan {self.sub_kegiatan.code} bulan {self.month}: {self.physical_percent} %"
