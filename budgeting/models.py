"""Budgeting: KUA-PPAS and ceilings, RKA-SKPD, APBD versions, DPA and anggaran kas."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from masterdata.models import MONEY, Account, FiscalYear, FundingSource, Nomenclature, Opd, StandardPriceItem
from planning.models import RenjaLine, Rkpd

VOLUME = {"max_digits": 18, "decimal_places": 4}


class KuaPpas(models.Model):
    """One version of the KUA-PPAS of a year. A change after agreement is a new version."""

    class Kind(models.TextChoices):
        MURNI = "murni", _("KUA-PPAS")
        PERUBAHAN = "perubahan", _("KUPA-PPAS Perubahan")
        # Not agreed anew: the OPD totals of the version being shifted, under the base's nota kesepakatan.
        PERGESERAN = "pergeseran", _("Plafon pergeseran")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SUBMITTED = "submitted", _("Diajukan ke DPRD")
        AGREED = "agreed", _("Disepakati")
        LOCKED = "locked", _("Plafon dikunci")

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="kua_ppas")
    number = models.PositiveSmallIntegerField(_("versi ke"))
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices, default=Kind.MURNI)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.DRAFT)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("versi sebelumnya")
    )
    rkpd = models.ForeignKey(Rkpd, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    policy_notes = models.TextField(_("arah kebijakan umum"), blank=True)
    agreement_number = models.CharField(_("nomor nota kesepakatan"), max_length=100, blank=True)
    agreement_date = models.DateField(_("tanggal nota kesepakatan"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("KUA-PPAS")
        verbose_name_plural = _("KUA-PPAS")
        ordering = ["-fiscal_year__year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "number"], name="kua_ppas_version_per_year"),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "submitted"])
                | (Q(agreement_date__isnull=False) & ~Q(agreement_number="")),
                name="kua_ppas_agreed_has_nota",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.fiscal_year.year} v{self.number}"

    @property
    def ceilings_locked(self):
        return self.state == self.State.LOCKED


class KuaAccountLine(models.Model):
    """Revenue projection (akun 4), spending policy (akun 5 kelompok/jenis) and pembiayaan (akun 6)."""

    kua_ppas = models.ForeignKey(KuaPpas, on_delete=models.CASCADE, related_name="account_lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", verbose_name=_("kode rekening"))
    amount = models.DecimalField(_("jumlah"), **MONEY)
    note = models.TextField(_("kebijakan"), blank=True)

    class Meta:
        ordering = ["kua_ppas", "account__code"]
        constraints = [
            models.UniqueConstraint(fields=["kua_ppas", "account"], name="kua_account_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="kua_account_not_negative"),
        ]

    def __str__(self):
        return f"{self.account.code} {self.amount}"


# An OPD's own plafon, not one of its programs' or sub-kegiatan's.
OPD_LEVEL = Q(program__isnull=True, sub_kegiatan__isnull=True)


class CeilingQuerySet(models.QuerySet):
    def opd_level(self):
        return self.filter(OPD_LEVEL)

    def below_opd_level(self):
        """Program and sub-kegiatan ceilings."""
        return self.exclude(OPD_LEVEL)


class Ceiling(models.Model):
    """A plafon: for an OPD, or one of its programs or sub-kegiatan (then the OPD's also applies)."""

    kua_ppas = models.ForeignKey(KuaPpas, on_delete=models.CASCADE, related_name="ceilings")
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="ceilings", verbose_name=_("OPD"))
    program = models.ForeignKey(
        Nomenclature, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("program")
    )
    sub_kegiatan = models.ForeignKey(
        Nomenclature, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sub-kegiatan")
    )
    amount = models.DecimalField(_("plafon"), **MONEY)

    objects = CeilingQuerySet.as_manager()

    class Meta:
        verbose_name = _("plafon")
        verbose_name_plural = _("plafon")
        ordering = ["kua_ppas", "opd__code"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="ceiling_not_negative"),
            models.CheckConstraint(
                condition=Q(program__isnull=True) | Q(sub_kegiatan__isnull=True), name="ceiling_one_level"
            ),
            models.UniqueConstraint(
                fields=["kua_ppas", "opd"],
                condition=OPD_LEVEL,
                name="ceiling_opd_once",
            ),
            models.UniqueConstraint(
                fields=["kua_ppas", "opd", "program"], condition=Q(program__isnull=False), name="ceiling_program_once"
            ),
            models.UniqueConstraint(
                fields=["kua_ppas", "opd", "sub_kegiatan"],
                condition=Q(sub_kegiatan__isnull=False),
                name="ceiling_sub_kegiatan_once",
            ),
        ]

    def __str__(self):
        target = self.sub_kegiatan or self.program
        return f"Plafon {self.opd.name}" + (f" / {target.code}" if target else "")

    @property
    def level(self):
        """opd, program or sub_kegiatan."""
        if self.program_id:
            return "program"
        return "sub_kegiatan" if self.sub_kegiatan_id else "opd"

    @property
    def label(self):
        """How messages name it: "plafon Dinas Kesehatan", "plafon program 1.02.02", ..."""
        if self.level == "sub_kegiatan":
            return f"plafon sub-kegiatan {self.sub_kegiatan.code}"
        if self.level == "program":
            return f"plafon program {self.program.code}"
        return f"plafon {self.opd.name}"


class ApbdVersion(models.Model):
    """One version of a year's APBD: murni, pergeseran n or perubahan. Adopted versions are never edited."""

    class Kind(models.TextChoices):
        MURNI = "murni", _("APBD murni")
        PERGESERAN = "pergeseran", _("Pergeseran")
        PERUBAHAN = "perubahan", _("APBD Perubahan")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draf (RAPBD)")
        SUBMITTED = "submitted", _("Diajukan ke DPRD")
        AGREED = "agreed", _("Disetujui bersama DPRD")
        EVALUATED = "evaluated", _("Dievaluasi Gubernur")
        REFINING = "refining", _("Penyempurnaan hasil evaluasi")
        APPROVED = "approved", _("Disetujui pejabat keuangan")
        ADOPTED = "adopted", _("Ditetapkan")
        PUBLISHED = "published", _("Diterbitkan")

    # While a version is in these states its RKAs move and their lines change (draft, and the corrections
    # after the Gubernur's evaluation); afterwards they stay as they are.
    RKA_OPEN_STATES = (State.DRAFT, State.REFINING)

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="apbd_versions")
    number = models.PositiveSmallIntegerField(_("urutan versi"))
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    shift_number = models.PositiveSmallIntegerField(_("pergeseran ke"), null=True, blank=True)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.DRAFT)
    base = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("versi dasar")
    )
    kua_ppas = models.ForeignKey(KuaPpas, on_delete=models.PROTECT, related_name="apbd_versions")
    dprd_agreement_date = models.DateField(_("tanggal persetujuan DPRD"), null=True, blank=True)
    evaluation_number = models.CharField(_("nomor evaluasi Gubernur"), max_length=100, blank=True)
    evaluation_date = models.DateField(_("tanggal evaluasi"), null=True, blank=True)
    evaluation_corrections = models.TextField(_("koreksi hasil evaluasi"), blank=True)
    perda_number = models.CharField(_("nomor Perda"), max_length=100, blank=True)
    perda_date = models.DateField(_("tanggal Perda"), null=True, blank=True)
    perbup_number = models.CharField(_("nomor Perbup penjabaran"), max_length=100, blank=True)
    perbup_date = models.DateField(_("tanggal Perbup"), null=True, blank=True)
    published_at = models.DateTimeField(_("diterbitkan"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("versi APBD")
        verbose_name_plural = _("versi APBD")
        ordering = ["-fiscal_year__year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "number"], name="apbd_version_number_per_year"),
            models.CheckConstraint(
                condition=~Q(state__in=["adopted", "published"]) | ~Q(perda_number="") | Q(kind="pergeseran"),
                name="apbd_adopted_has_perda",
            ),
        ]

    def __str__(self):
        label = self.get_kind_display()
        if self.kind == self.Kind.PERGESERAN:
            label = f"{label} {self.shift_number}"
        return f"{label} {self.fiscal_year.year}"

    @property
    def is_frozen(self):
        return self.state in (self.State.ADOPTED, self.State.PUBLISHED)

    @property
    def dpa_label(self):
        """An amendment's DPA is a DPPA (dokumen pelaksanaan perubahan anggaran)."""
        return "DPPA" if self.base_id else "DPA"

    @property
    def state_label(self):
        """The state as people read it: a pergeseran's draft is no RAPBD (it never goes to DPRD)."""
        if self.kind == self.Kind.PERGESERAN and self.state == self.State.DRAFT:
            return _("Draf")
        return self.get_state_display()


class ApbdTotal(models.Model):
    """A rollup of a published version, computed once at publication so public pages never aggregate lines.

    `level` is the account level for the account dimension; for the other dimensions it is the akun or
    kelompok code the amount sums (e.g. OPD x "5" = its belanja, OPD x "5.2" = its belanja modal).
    """

    class Dimension(models.TextChoices):
        ACCOUNT = "account", _("Kode rekening")
        OPD = "opd", _("OPD")
        URUSAN = "urusan", _("Urusan")
        BIDANG = "bidang", _("Bidang urusan")
        PROGRAM = "program", _("Program")

    version = models.ForeignKey(ApbdVersion, on_delete=models.PROTECT, related_name="totals")
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=500)
    level = models.CharField(max_length=20, blank=True)
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["version", "dimension", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "dimension", "code", "level"], name="apbd_total_once")
        ]

    def __str__(self):
        return f"{self.dimension} {self.code} {self.amount}"


class Rka(models.Model):
    """An OPD's RKA for one APBD version (RKA-SKPD; RKA-PPKD for BPKAD's revenue and financing)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SUBMITTED = "submitted", _("Diajukan")
        RETURNED = "returned", _("Dikembalikan")
        APPROVED = "approved", _("Disetujui TAPD")

    version = models.ForeignKey(ApbdVersion, on_delete=models.PROTECT, related_name="rkas")
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="rkas", verbose_name=_("OPD"))
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.DRAFT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("RKA-SKPD")
        verbose_name_plural = _("RKA-SKPD")
        ordering = ["version", "opd__code"]
        constraints = [models.UniqueConstraint(fields=["version", "opd"], name="rka_per_version_and_opd")]

    def __str__(self):
        return f"RKA {self.opd.name} ({self.version})"

    @property
    def is_editable(self):
        return (
            self.state in (self.State.DRAFT, self.State.RETURNED) and self.version.state in ApbdVersion.RKA_OPEN_STATES
        )


class RkaSubKegiatan(models.Model):
    """A sub-kegiatan of the RKA as SIPD shows it: priority, labels, location, output; lines sit under it."""

    rka = models.ForeignKey(Rka, on_delete=models.CASCADE, related_name="sub_kegiatan_set")
    sub_kegiatan = models.ForeignKey(Nomenclature, on_delete=models.PROTECT, related_name="+")
    renja_line = models.ForeignKey(RenjaLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    location = models.CharField(_("lokasi"), max_length=255)
    output_indicator = models.CharField(_("indikator keluaran"), max_length=500)
    output_target = models.DecimalField(_("target keluaran"), max_digits=20, decimal_places=2)
    output_unit = models.CharField(_("satuan"), max_length=50)
    priority_labels = models.CharField(_("label prioritas"), max_length=255, blank=True)
    # Why a sub-kegiatan of a murni RKA is not in the OPD's final Renja (required then, empty otherwise).
    outside_renja_reason = models.TextField(_("alasan di luar Renja"), blank=True)

    class Meta:
        ordering = ["rka", "sub_kegiatan__code"]
        constraints = [models.UniqueConstraint(fields=["rka", "sub_kegiatan"], name="rka_sub_kegiatan_once")]

    def __str__(self):
        return f"{self.sub_kegiatan.code} {self.sub_kegiatan.name}"


class RkaLine(models.Model):
    """A rincian belanja (or pendapatan/pembiayaan) line: account x item x volume x unit price."""

    class Akun(models.IntegerChoices):
        PENDAPATAN = 4, _("Pendapatan")
        BELANJA = 5, _("Belanja")
        PEMBIAYAAN = 6, _("Pembiayaan")

        @classmethod
        def of(cls, code):
            """The akun of a kode rekening, its first segment ("5.1.02.01.01.0001" → BELANJA); None for the
            accounts outside the budget (aset, kewajiban, ekuitas …)."""
            first = code.split(".", 1)[0]
            return cls(int(first)) if first in {str(value) for value in cls.values} else None

    rka = models.ForeignKey(Rka, on_delete=models.CASCADE, related_name="lines")
    # The account's first digit, kept on the line so that the totals and remaining ceilings shown after every
    # save are summed from one index without joining the chart of accounts (see Meta.indexes).
    akun = models.PositiveSmallIntegerField(_("akun"), choices=Akun.choices, editable=False)
    sub_kegiatan = models.ForeignKey(
        RkaSubKegiatan, on_delete=models.CASCADE, null=True, blank=True, related_name="lines"
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", verbose_name=_("kode rekening"))
    standard_price = models.ForeignKey(
        StandardPriceItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("standar harga"),
    )
    work_package = models.CharField(_("paket pekerjaan / kelompok belanja"), max_length=255, blank=True)
    description = models.CharField(_("keterangan"), max_length=500, blank=True)
    specification = models.CharField(_("spesifikasi"), max_length=500, blank=True)
    recipient = models.CharField(_("penerima hibah/bansos"), max_length=255, blank=True)
    volume_1 = models.DecimalField(_("volume 1"), **VOLUME)
    unit_1 = models.CharField(_("satuan 1"), max_length=30)
    volume_2 = models.DecimalField(_("volume 2"), null=True, blank=True, **VOLUME)
    unit_2 = models.CharField(_("satuan 2"), max_length=30, blank=True)
    volume_3 = models.DecimalField(_("volume 3"), null=True, blank=True, **VOLUME)
    unit_3 = models.CharField(_("satuan 3"), max_length=30, blank=True)
    unit_price = models.DecimalField(_("harga satuan"), **MONEY)
    amount = models.DecimalField(_("jumlah"), **MONEY)
    funding_source = models.ForeignKey(
        FundingSource, on_delete=models.PROTECT, related_name="+", verbose_name=_("sumber dana")
    )
    location = models.CharField(_("lokasi"), max_length=255, blank=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("baris asal")
    )
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rincian RKA")
        verbose_name_plural = _("rincian RKA")
        ordering = ["sub_kegiatan", "account__code", "pk"]
        indexes = [
            models.Index(fields=["rka", "account"]),
            models.Index(fields=["rka"], include=["id", "akun", "sub_kegiatan", "amount"], name="rka_line_sums"),
        ]
        constraints = [
            # Belanja lines sit under a sub-kegiatan; pendapatan and pembiayaan lines never do.
            models.CheckConstraint(
                condition=Q(akun=5, sub_kegiatan__isnull=False) | Q(akun__in=[4, 6], sub_kegiatan__isnull=True),
                name="rka_line_akun_matches_sub_kegiatan",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="rka_line_amount_not_negative"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="rka_line_price_not_negative"),
            models.CheckConstraint(condition=Q(volume_1__gt=0), name="rka_line_volume_positive"),
        ]

    def __str__(self):
        return f"{self.account.code} {self.description or self.specification}"


class RkaComment(models.Model):
    """TAPD asistensi comments on an RKA or one of its lines."""

    rka = models.ForeignKey(Rka, on_delete=models.CASCADE, related_name="comments")
    line = models.ForeignKey(RkaLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("catatan"))
    is_resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:80]


class Dpa(models.Model):
    """DPA-SKPD issued from an adopted version for one OPD."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draf anggaran kas")
        ISSUED = "issued", _("Diterbitkan")

    version = models.ForeignKey(ApbdVersion, on_delete=models.PROTECT, related_name="dpas")
    rka = models.OneToOneField(Rka, on_delete=models.PROTECT, related_name="dpa")
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="dpas")
    number = models.CharField(_("nomor DPA"), max_length=100, blank=True)
    state = models.CharField(_("status"), max_length=8, choices=State.choices, default=State.DRAFT)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("DPA-SKPD")
        verbose_name_plural = _("DPA-SKPD")
        ordering = ["version", "opd__code"]
        constraints = [models.UniqueConstraint(fields=["version", "opd"], name="dpa_per_version_and_opd")]

    def __str__(self):
        return f"{self.version.dpa_label} {self.opd.name} ({self.version})"


class CashPlan(models.Model):
    """Anggaran kas: the monthly cash plan of one sub-kegiatan (or of the OPD's revenue/financing)."""

    class Group(models.TextChoices):
        PENDAPATAN = "4", _("Pendapatan")
        BELANJA = "5", _("Belanja")
        PENERIMAAN_PEMBIAYAAN = "6.1", _("Penerimaan pembiayaan")
        PENGELUARAN_PEMBIAYAAN = "6.2", _("Pengeluaran pembiayaan")

    dpa = models.ForeignKey(Dpa, on_delete=models.CASCADE, related_name="cash_plans")
    account_group = models.CharField(_("kelompok anggaran kas"), max_length=3, choices=Group.choices, default="5")
    sub_kegiatan = models.ForeignKey(RkaSubKegiatan, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    month = models.PositiveSmallIntegerField(_("bulan"))
    amount = models.DecimalField(_("jumlah"), **MONEY)

    class Meta:
        ordering = ["dpa", "account_group", "sub_kegiatan", "month"]
        constraints = [
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="cash_plan_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="cash_plan_not_negative"),
            # Belanja is planned per sub-kegiatan; revenue and financing per group for the whole OPD.
            models.CheckConstraint(
                condition=Q(account_group="5", sub_kegiatan__isnull=False)
                | (~Q(account_group="5") & Q(sub_kegiatan__isnull=True)),
                name="cash_plan_group_matches_sub_kegiatan",
            ),
            models.UniqueConstraint(
                fields=["dpa", "sub_kegiatan", "month"],
                condition=Q(sub_kegiatan__isnull=False),
                name="cash_plan_month_once",
            ),
            models.UniqueConstraint(
                fields=["dpa", "account_group", "month"],
                condition=Q(sub_kegiatan__isnull=True),
                name="cash_plan_group_month_once",
            ),
        ]

    def __str__(self):
        return f"{self.month}: {self.amount}"


class Transition(models.Model):
    """The visible history of budget documents' moves (KUA-PPAS, RKA, APBD version, DPA)."""

    document_type = models.CharField(max_length=20)
    document_id = models.PositiveBigIntegerField()
    action = models.CharField(_("tindakan"), max_length=20)
    from_state = models.CharField(max_length=10)
    to_state = models.CharField(max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["document_type", "document_id"])]

    def __str__(self):
        return f"{self.document_type}#{self.document_id} {self.action}: {self.from_state} → {self.to_state}"
