"""Planning: RPJMD and Renstra targets, Musrenbang/pokir proposals, Renja and the RKPD."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from masterdata.models import MONEY, FiscalYear, FundingSource, Nomenclature, Opd, Region

INDICATOR_VALUE = {"max_digits": 20, "decimal_places": 2}


class FiveYearTargets(models.Model):
    """An indicator with its baseline and a target for each of the plan's five years."""

    indicator = models.CharField(_("indikator"), max_length=500)
    unit = models.CharField(_("satuan"), max_length=50)
    baseline = models.DecimalField(_("kondisi awal"), null=True, blank=True, **INDICATOR_VALUE)
    target_1 = models.DecimalField(_("target tahun ke-1"), null=True, blank=True, **INDICATOR_VALUE)
    target_2 = models.DecimalField(_("target tahun ke-2"), null=True, blank=True, **INDICATOR_VALUE)
    target_3 = models.DecimalField(_("target tahun ke-3"), null=True, blank=True, **INDICATOR_VALUE)
    target_4 = models.DecimalField(_("target tahun ke-4"), null=True, blank=True, **INDICATOR_VALUE)
    target_5 = models.DecimalField(_("target tahun ke-5"), null=True, blank=True, **INDICATOR_VALUE)

    class Meta:
        abstract = True

    @property
    def targets(self):
        return [self.target_1, self.target_2, self.target_3, self.target_4, self.target_5]


class Rpjmd(models.Model):
    """The region's five-year plan (RPJMD), e.g. 2021-2026 counted as five budget years."""

    title = models.CharField(_("judul"), max_length=255)
    first_year = models.PositiveIntegerField(_("tahun pertama"), unique=True)
    regulation = models.CharField(_("Perda"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("RPJMD")
        verbose_name_plural = _("RPJMD")
        ordering = ["-first_year"]

    def __str__(self):
        return f"{self.title} ({self.first_year}-{self.last_year})"

    @property
    def last_year(self):
        return self.first_year + 4

    def year_index(self, year):
        """1..5 for a year inside the plan, None outside."""
        index = year - self.first_year + 1
        return index if 1 <= index <= 5 else None


class RpjmdGoal(models.Model):
    """Tujuan."""

    rpjmd = models.ForeignKey(Rpjmd, on_delete=models.CASCADE, related_name="goals", verbose_name=_("RPJMD"))
    code = models.CharField(_("kode"), max_length=20)
    statement = models.TextField(_("tujuan"))

    class Meta:
        verbose_name = _("tujuan RPJMD")
        verbose_name_plural = _("tujuan RPJMD")
        ordering = ["rpjmd", "code"]
        constraints = [models.UniqueConstraint(fields=["rpjmd", "code"], name="rpjmd_goal_code")]

    def __str__(self):
        return f"{self.code} {self.statement[:80]}"


class RpjmdTarget(FiveYearTargets):
    """Sasaran, with its indicator and yearly targets."""

    goal = models.ForeignKey(RpjmdGoal, on_delete=models.CASCADE, related_name="targets_set", verbose_name=_("tujuan"))
    code = models.CharField(_("kode"), max_length=20)
    statement = models.TextField(_("sasaran"))

    class Meta:
        verbose_name = _("sasaran RPJMD")
        verbose_name_plural = _("sasaran RPJMD")
        ordering = ["goal", "code"]
        constraints = [models.UniqueConstraint(fields=["goal", "code"], name="rpjmd_target_code")]

    def __str__(self):
        return f"{self.code} {self.statement[:80]}"


class Renstra(models.Model):
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="renstras", verbose_name=_("OPD"))
    rpjmd = models.ForeignKey(Rpjmd, on_delete=models.PROTECT, related_name="renstras", verbose_name=_("RPJMD"))

    class Meta:
        verbose_name = _("Renstra")
        verbose_name_plural = _("Renstra")
        ordering = ["rpjmd", "opd__code"]
        constraints = [models.UniqueConstraint(fields=["opd", "rpjmd"], name="renstra_per_opd_and_rpjmd")]

    def __str__(self):
        return f"Renstra {self.opd.name} {self.rpjmd.first_year}-{self.rpjmd.last_year}"


class RenstraProgram(FiveYearTargets):
    """A program of the OPD's Renstra, the RPJMD target it serves, and its outcome indicator."""

    renstra = models.ForeignKey(Renstra, on_delete=models.CASCADE, related_name="programs", verbose_name=_("Renstra"))
    program = models.ForeignKey(Nomenclature, on_delete=models.PROTECT, related_name="+", verbose_name=_("program"))
    rpjmd_target = models.ForeignKey(
        RpjmdTarget, on_delete=models.PROTECT, related_name="renstra_programs", verbose_name=_("sasaran RPJMD")
    )

    class Meta:
        verbose_name = _("program Renstra")
        verbose_name_plural = _("program Renstra")
        ordering = ["renstra", "program__code"]
        constraints = [
            models.UniqueConstraint(fields=["renstra", "program", "rpjmd_target"], name="renstra_program_target")
        ]

    def __str__(self):
        return f"{self.program.code} → {self.rpjmd_target.code}"


class Renja(models.Model):
    """An OPD's annual work plan. Each stage runs draft → submitted → returned/verified."""

    class Stage(models.TextChoices):
        RANWAL = "ranwal", _("Rancangan awal")
        RANCANGAN = "rancangan", _("Rancangan")
        RANCANGAN_AKHIR = "rancangan_akhir", _("Rancangan akhir")
        FINAL = "final", _("Final")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SUBMITTED = "submitted", _("Diajukan")
        RETURNED = "returned", _("Dikembalikan")
        VERIFIED = "verified", _("Terverifikasi")

    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="renjas", verbose_name=_("OPD"))
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="renjas", verbose_name=_("tahun anggaran")
    )
    stage = models.CharField(_("tahap"), max_length=16, choices=Stage.choices, default=Stage.RANWAL)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.DRAFT)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("Renja")
        verbose_name_plural = _("Renja")
        ordering = ["fiscal_year", "opd__code"]
        constraints = [
            models.UniqueConstraint(fields=["opd", "fiscal_year"], name="renja_per_opd_and_year"),
            models.CheckConstraint(condition=~Q(stage="final") | Q(state="verified"), name="renja_final_is_verified"),
        ]

    def __str__(self):
        return f"Renja {self.opd.name} {self.fiscal_year.year}"

    @property
    def is_final(self):
        return self.stage == self.Stage.FINAL

    @property
    def is_editable(self):
        return not self.is_final and self.state in (self.State.DRAFT, self.State.RETURNED)


class RenjaLine(models.Model):
    """One sub-kegiatan of a Renja with its output, location, pagu indikatif and links."""

    renja = models.ForeignKey(Renja, on_delete=models.CASCADE, related_name="lines", verbose_name=_("Renja"))
    sub_kegiatan = models.ForeignKey(
        Nomenclature, on_delete=models.PROTECT, related_name="+", verbose_name=_("sub-kegiatan")
    )
    location = models.CharField(_("lokasi"), max_length=255)
    regions = models.ManyToManyField(Region, blank=True, related_name="+", verbose_name=_("wilayah"))
    output_indicator = models.CharField(_("indikator keluaran"), max_length=500)
    output_target = models.DecimalField(_("target keluaran"), **INDICATOR_VALUE)
    output_unit = models.CharField(_("satuan keluaran"), max_length=50)
    pagu_indikatif = models.DecimalField(_("pagu indikatif"), **MONEY)
    pagu_indikatif_next = models.DecimalField(_("pagu indikatif tahun berikutnya"), **MONEY)
    funding_source = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sumber dana indikatif"),
    )
    renstra_program = models.ForeignKey(
        RenstraProgram,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renja_lines",
        verbose_name=_("program Renstra yang dilayani"),
    )
    version = models.PositiveIntegerField(_("versi"), default=1)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("baris Renja")
        verbose_name_plural = _("baris Renja")
        ordering = ["renja", "sub_kegiatan__code"]
        constraints = [
            models.UniqueConstraint(fields=["renja", "sub_kegiatan"], name="renja_line_sub_kegiatan_once"),
            models.CheckConstraint(condition=Q(pagu_indikatif__gte=0), name="renja_line_pagu_not_negative"),
            models.CheckConstraint(condition=Q(pagu_indikatif_next__gte=0), name="renja_line_pagu_next_not_negative"),
        ]

    def __str__(self):
        return f"{self.sub_kegiatan.code} {self.sub_kegiatan.name}"


class RenjaComment(models.Model):
    """Verification comments: on the whole Renja or one line, with replies."""

    renja = models.ForeignKey(Renja, on_delete=models.CASCADE, related_name="comments", verbose_name=_("Renja"))
    line = models.ForeignKey(
        RenjaLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments", verbose_name=_("baris")
    )
    reply_to = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies", verbose_name=_("balasan atas")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("tahap"), max_length=16, choices=Renja.Stage.choices)
    text = models.TextField(_("catatan"))
    is_resolved = models.BooleanField(_("selesai"), default=False)
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("catatan verifikasi Renja")
        verbose_name_plural = _("catatan verifikasi Renja")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:80]


class RenjaTransition(models.Model):
    """The visible history of a Renja's moves (the audit trail holds the full record)."""

    renja = models.ForeignKey(Renja, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("tindakan"), max_length=20)
    from_stage = models.CharField(max_length=16, choices=Renja.Stage.choices)
    from_state = models.CharField(max_length=10, choices=Renja.State.choices)
    to_stage = models.CharField(max_length=16, choices=Renja.Stage.choices)
    to_state = models.CharField(max_length=10, choices=Renja.State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.action}: {self.from_stage}/{self.from_state} → {self.to_stage}/{self.to_state}"


class Proposal(models.Model):
    """A Musrenbang, forum OPD, pokir or citizen proposal, followed by its public tracking code."""

    class Source(models.TextChoices):
        DESA = "desa", _("Musrenbang desa/kelurahan")
        KECAMATAN = "kecamatan", _("Musrenbang kecamatan")
        FORUM_OPD = "forum_opd", _("Forum perangkat daerah")
        POKIR = "pokir", _("Pokok-pokok pikiran DPRD")
        CITIZEN = "citizen", _("Usulan warga")

    class Stage(models.TextChoices):
        DESA = "desa", _("Desa/kelurahan")
        KECAMATAN = "kecamatan", _("Kecamatan")
        FORUM_OPD = "forum_opd", _("Forum OPD")
        KABUPATEN = "kabupaten", _("Kabupaten")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Diterima, menunggu moderasi")
        IN_REVIEW = "in_review", _("Dalam kajian")
        ACCEPTED = "accepted", _("Diakomodasi")
        REJECTED = "rejected", _("Ditolak")
        DEFERRED = "deferred", _("Ditunda")
        FUNDED = "funded", _("Didanai")

    tracking_code = models.CharField(_("kode pelacakan"), max_length=20, unique=True)
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("tahun anggaran")
    )
    source = models.CharField(_("sumber"), max_length=10, choices=Source.choices)
    stage = models.CharField(_("tahap"), max_length=10, choices=Stage.choices, default=Stage.DESA)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.IN_REVIEW)
    title = models.CharField(_("judul"), max_length=255)
    description = models.TextField(_("uraian"))
    kecamatan = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kecamatan"),
        limit_choices_to={"level": "kecamatan"},
    )
    village = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("desa/kelurahan")
    )
    proposer_name = models.CharField(_("pengusul"), max_length=150)
    proposer_contact = models.CharField(_("kontak pengusul"), max_length=150, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diinput oleh"),
    )
    estimated_cost = models.DecimalField(_("perkiraan biaya"), **MONEY)
    suggested_opd = models.ForeignKey(
        Opd, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals", verbose_name=_("OPD tujuan")
    )
    suggested_sub_kegiatan = models.ForeignKey(
        Nomenclature,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sub-kegiatan usulan"),
    )
    priority = models.PositiveSmallIntegerField(_("prioritas"), default=3)
    is_moderated = models.BooleanField(_("lolos moderasi"), default=True)
    renja_line = models.ForeignKey(
        RenjaLine,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("baris Renja"),
    )
    deferred_to_year = models.PositiveIntegerField(_("ditunda ke tahun"), null=True, blank=True)
    decision_note = models.TextField(_("alasan/catatan keputusan"), blank=True)
    created_at = models.DateTimeField(_("waktu masuk"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("usulan")
        verbose_name_plural = _("usulan")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["fiscal_year", "status", "is_moderated"]),
            models.Index(fields=["kecamatan", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(estimated_cost__gte=0), name="proposal_cost_not_negative"),
            models.CheckConstraint(condition=Q(priority__gte=1, priority__lte=5), name="proposal_priority_1_to_5"),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(renja_line__isnull=False), name="proposal_accepted_has_line"
            ),
            models.CheckConstraint(
                condition=~Q(status="deferred") | Q(deferred_to_year__isnull=False), name="proposal_deferred_has_year"
            ),
        ]

    def __str__(self):
        return f"{self.tracking_code} {self.title}"


class ProposalStatusChange(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=10, choices=Proposal.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Proposal.Status.choices)
    stage = models.CharField(max_length=10, choices=Proposal.Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.from_status or '-'} → {self.to_status}"


class Rkpd(models.Model):
    """The region's annual plan: the consolidation of every final Renja of a year."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draf")
        FINAL = "final", _("Final")

    fiscal_year = models.OneToOneField(FiscalYear, on_delete=models.PROTECT, related_name="rkpd")
    state = models.CharField(_("status"), max_length=8, choices=State.choices, default=State.DRAFT)
    renjas = models.ManyToManyField(Renja, related_name="rkpds", verbose_name=_("Renja yang dikonsolidasikan"))
    total_pagu = models.DecimalField(_("total pagu indikatif"), default=0, **MONEY)
    consolidated_at = models.DateTimeField(_("dikonsolidasikan"), null=True, blank=True)
    finalized_at = models.DateTimeField(_("difinalkan"), null=True, blank=True)
    regulation = models.CharField(_("Perbup RKPD"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("RKPD")
        verbose_name_plural = _("RKPD")
        ordering = ["-fiscal_year__year"]

    def __str__(self):
        return f"RKPD {self.fiscal_year.year}"
