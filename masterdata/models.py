"""Reference data, users and the audit trail: what every stage of the cycle stands on."""

from django.contrib.auth.models import AbstractUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 20, "decimal_places": 2}


class ReferenceVersion(models.Model):
    """One Kepmendagri list of nomenclature, accounts and funding sources."""

    name = models.CharField(_("nama versi"), max_length=100, unique=True)
    regulation_name = models.CharField(_("nama peraturan"), max_length=255)
    regulation_number = models.CharField(_("nomor peraturan"), max_length=100)
    regulation_date = models.DateField(_("tanggal peraturan"), null=True, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("versi data referensi")
        verbose_name_plural = _("versi data referensi")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.regulation_number})"


class FiscalYear(models.Model):
    year = models.PositiveIntegerField(_("tahun anggaran"), unique=True)
    reference_version = models.ForeignKey(
        ReferenceVersion, on_delete=models.PROTECT, related_name="fiscal_years", verbose_name=_("versi data referensi")
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    # The year pages and the API open on when none is named (SIPD's "tahun anggaran berjalan").
    is_current = models.BooleanField(_("tahun berjalan"), default=False)

    class Meta:
        verbose_name = _("tahun anggaran")
        verbose_name_plural = _("tahun anggaran")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="fiscal_year_range"),
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_fiscal_year"
            ),
        ]

    def __str__(self):
        return str(self.year)


class CodedNode(models.Model):
    """A row of a versioned, dotted-code hierarchy (nomenclature, accounts, funding sources)."""

    version = models.ForeignKey(ReferenceVersion, on_delete=models.PROTECT, verbose_name=_("versi"))
    code = models.CharField(_("kode"), max_length=32)
    name = models.CharField(_("nama"), max_length=500)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("induk")
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        abstract = True
        ordering = ["version", "code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class Nomenclature(CodedNode):
    class Level(models.TextChoices):
        URUSAN = "urusan", _("Urusan")
        BIDANG = "bidang", _("Bidang urusan")
        PROGRAM = "program", _("Program")
        KEGIATAN = "kegiatan", _("Kegiatan")
        SUB_KEGIATAN = "sub_kegiatan", _("Sub-kegiatan")

    class Pemda(models.TextChoices):
        SEMUA = "semua", _("Semua pemda")
        PROVINSI = "provinsi", _("Provinsi")
        KABKOTA = "kabkota", _("Kabupaten/kota")

    level = models.CharField(_("tingkat"), max_length=16, choices=Level.choices)
    pemda = models.CharField(_("jenis pemda"), max_length=10, choices=Pemda.choices, default=Pemda.SEMUA)
    indicator = models.CharField(_("indikator"), max_length=500, blank=True)
    unit = models.CharField(_("satuan"), max_length=100, blank=True)

    class Meta(CodedNode.Meta):
        verbose_name = _("nomenklatur program")
        verbose_name_plural = _("nomenklatur program")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="nomenclature_code_per_version")]
        indexes = [models.Index(fields=["version", "level", "code"])]


class Account(CodedNode):
    """Kode rekening (akun 4 pendapatan, 5 belanja, 6 pembiayaan)."""

    class Level(models.TextChoices):
        AKUN = "akun", _("Akun")
        KELOMPOK = "kelompok", _("Kelompok")
        JENIS = "jenis", _("Jenis")
        OBJEK = "objek", _("Objek")
        RINCIAN_OBJEK = "rincian_objek", _("Rincian objek")
        SUB_RINCIAN_OBJEK = "sub_rincian_objek", _("Sub rincian objek")

    level = models.CharField(_("tingkat"), max_length=20, choices=Level.choices)

    class Meta(CodedNode.Meta):
        verbose_name = _("kode rekening")
        verbose_name_plural = _("kode rekening")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="account_code_per_version")]
        indexes = [models.Index(fields=["version", "level", "code"])]


# Provincial taxes (UU 1/2022 Pasal 4): PKB, BBNKB, PBBKB, Pajak Air Permukaan and Pajak Rokok. A kabupaten
# receives its share of them as a transfer, so its OPDs never budget them as a funding source.
PROVINCIAL_FUNDING_PREFIXES = ("1.1.01.01.", "1.1.01.02.", "1.1.01.03.", "1.1.01.04.", "1.1.01.05.", "2.1.01.01.")


class FundingSource(CodedNode):
    """Sumber dana, on the same six levels as kode rekening."""

    level = models.CharField(_("tingkat"), max_length=20, choices=Account.Level.choices)

    class Meta(CodedNode.Meta):
        verbose_name = _("sumber dana")
        verbose_name_plural = _("sumber dana")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="funding_source_code_per_version")]
        indexes = [models.Index(fields=["version", "level", "code"])]

    @property
    def is_provincial(self):
        return self.code.startswith(PROVINCIAL_FUNDING_PREFIXES)


class Opd(models.Model):
    """A perangkat daerah (or sub-unit) with its SIPD organisation code."""

    class Kind(models.TextChoices):
        DINAS = "dinas", _("Dinas")
        BADAN = "badan", _("Badan")
        SEKRETARIAT = "sekretariat", _("Sekretariat")
        BAGIAN = "bagian", _("Bagian")
        KECAMATAN = "kecamatan", _("Kecamatan")
        INSPEKTORAT = "inspektorat", _("Inspektorat")
        RSUD = "rsud", _("Rumah sakit daerah")
        SATPOL = "satpol", _("Satuan Polisi Pamong Praja")
        OTHER = "other", _("Lainnya")

    code = models.CharField(_("kode SIPD"), max_length=32, unique=True)
    name = models.CharField(_("nama"), max_length=255)
    kind = models.CharField(_("jenis"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="sub_units", verbose_name=_("unit induk")
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("perangkat daerah (OPD)")
        verbose_name_plural = _("perangkat daerah (OPD)")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def bidang_codes(self):
        """The up to three bidang urusan an OPD serves, read off its SIPD code (`0.00` = none)."""
        parts = self.code.split(".")
        pairs = [f"{parts[i]}.{parts[i + 1]}" for i in (0, 2, 4)]
        return [pair for pair in pairs if pair != "0.00"]


class StandardPriceItem(models.Model):
    """An item of the standard-price catalogue of one fiscal year."""

    class Kind(models.TextChoices):
        SSH = "SSH", _("Standar Satuan Harga")
        SBU = "SBU", _("Standar Biaya Umum")
        HSPK = "HSPK", _("Harga Satuan Pokok Kegiatan")
        ASB = "ASB", _("Analisis Standar Belanja")

    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="standard_prices", verbose_name=_("tahun anggaran")
    )
    kind = models.CharField(_("jenis standar"), max_length=4, choices=Kind.choices)
    code = models.CharField(_("kode"), max_length=64)
    name = models.CharField(_("nama"), max_length=500)
    specification = models.TextField(_("spesifikasi"), blank=True)
    unit = models.CharField(_("satuan"), max_length=50)
    price = models.DecimalField(_("harga"), **MONEY)
    tkdn_percent = models.DecimalField(_("TKDN (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    accounts = models.ManyToManyField(Account, related_name="standard_prices", verbose_name=_("kode rekening"))
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("standar harga")
        verbose_name_plural = _("standar harga")
        ordering = ["fiscal_year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "code"], name="standard_price_code_per_year"),
            models.CheckConstraint(condition=Q(price__gt=0), name="standard_price_positive"),
            models.CheckConstraint(
                condition=Q(tkdn_percent__isnull=True) | Q(tkdn_percent__gte=0, tkdn_percent__lte=100),
                name="standard_price_tkdn_percent",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class User(AbstractUser):
    class Role(models.TextChoices):
        OPD_STAFF = "opd_staff", _("Staf OPD")
        BAPPEDA = "bappeda", _("Perencana Bappeda")
        FINANCE = "finance", _("Pejabat keuangan (BPKAD/TAPD)")
        DPRD = "dprd", _("Anggota DPRD")
        AUDITOR = "auditor", _("Auditor (Inspektorat)")
        ADMIN = "admin", _("Administrator")

    role = models.CharField(_("peran"), max_length=16, choices=Role.choices, default=Role.OPD_STAFF)
    opd = models.ForeignKey(
        Opd, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("OPD")
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [
            models.CheckConstraint(condition=~Q(role="opd_staff") | Q(opd__isnull=False), name="opd_staff_has_opd"),
        ]


class AuditEvent(models.Model):
    """Append-only, hash-chained record of every change (see masterdata.audit)."""

    sequence = models.PositiveBigIntegerField(_("urutan"), unique=True)
    occurred_at = models.DateTimeField(_("waktu"), db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("pelaku")
    )
    actor_username = models.CharField(_("nama pengguna pelaku"), max_length=150, blank=True)
    action = models.CharField(_("tindakan"), max_length=64, db_index=True)
    object_type = models.CharField(_("jenis objek"), max_length=64, db_index=True)
    object_id = models.CharField(_("id objek"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("objek"), max_length=255, blank=True)
    opd = models.ForeignKey(
        Opd, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("OPD")
    )
    before = models.JSONField(_("sebelum"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("sesudah"), null=True, blank=True, encoder=DjangoJSONEncoder)
    request_id = models.CharField(_("id permintaan"), max_length=64, blank=True)
    # Stored as given, not as inet, so the hashed text is exactly what is read back.
    ip_address = models.CharField(_("alamat IP"), max_length=45, null=True, blank=True)
    previous_hash = models.CharField(_("hash sebelumnya"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("jejak audit")
        verbose_name_plural = _("jejak audit")
        ordering = ["-sequence"]

    def __str__(self):
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"


class Region(models.Model):
    """Kecamatan and desa/kelurahan of Kabupaten Bondowoso, with their Kemendagri wilayah codes."""

    class Level(models.TextChoices):
        KECAMATAN = "kecamatan", _("Kecamatan")
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")

    code = models.CharField(_("kode wilayah"), max_length=16, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="villages", verbose_name=_("kecamatan")
    )

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="kecamatan", parent__isnull=True) | (~Q(level="kecamatan") & Q(parent__isnull=False)),
                name="region_parent_matches_level",
            ),
        ]

    def __str__(self):
        return self.name if self.level == self.Level.KECAMATAN else f"{self.get_level_display()} {self.name}"


class ApiToken(models.Model):
    """A key for `Authorization: Token <key>`: a user's own for a few hours, or an OPD application's.

    Only the SHA-256 digest of the key is stored (the key is shown once, when issued), with its first
    characters to tell tokens apart. A token ends when it expires or is revoked; neither deletes it.
    """

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Pribadi")
        INTEGRATION = "integration", _("Integrasi aplikasi OPD")

    key_hash = models.CharField(_("sidik kunci (SHA-256)"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("awalan kunci"), max_length=8, editable=False)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("bertindak sebagai pengguna")
    )
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices, default=Kind.PERSONAL)
    name = models.CharField(_("nama aplikasi"), max_length=100, blank=True)
    issued_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("diterbitkan oleh")
    )
    created_at = models.DateTimeField(_("diterbitkan"), auto_now_add=True)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="integration") | ~Q(name=""), name="integration_token_named"),
        ]

    def __str__(self):
        label = self.name or self.get_kind_display()
        return f"{label} {self.prefix}… ({self.user})"
