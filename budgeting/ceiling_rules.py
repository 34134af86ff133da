"""The ceiling arithmetic: a line's amount, an RKA's totals per akun and the use of every ceiling that
applies, in one aggregate; read by pages (no locks) and by every line save (under the RKA's and the
ceilings' locks)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import connection

from masterdata.models import Nomenclature
from masterdata.money import CENT, MAX_AMOUNT, read_money, rupiah, total_of

from .models import VOLUME, ApbdVersion, Ceiling, RkaLine, RkaSubKegiatan


def line_volume(values):
    volume = values["volume_1"]
    for factor in (values.get("volume_2"), values.get("volume_3")):
        if factor is not None:
            volume *= factor
    return volume


# A volume factor: far more of anything than one line ever buys, and with MAX_AMOUNT it keeps every product
# of volumes and price computable.
VOLUME_FIELDS = ("volume_1", "volume_2", "volume_3")
MAX_VOLUME = Decimal("999999999.9999")
VOLUME_PLACES = Decimal(1).scaleb(-VOLUME["decimal_places"])


def line_amount(values):
    """amount = volume_1 x volume_2 x volume_3 x unit price, rounded half-up to the sen; None when that is
    more than one amount may be (MAX_AMOUNT)."""
    product = line_volume(values) * values["unit_price"]
    if abs(product) > MAX_AMOUNT:
        return None
    return product.quantize(CENT, rounding=ROUND_HALF_UP)


def refuse_total_over_limit(standing, akun, amount):
    """An RKA's total of an akun stays within what one amount may be (a line can be within it, and many
    lines not)."""
    name = AKUN_TOTALS[akun]
    total = standing.totals[name] + amount
    if total > MAX_AMOUNT:
        raise ValidationError(
            {"amount": f"Jumlah {name} RKA menjadi {rupiah(total)}, melebihi batas {rupiah(MAX_AMOUNT)}."}
        )


@dataclass
class CeilingStatus:
    """A ceiling with what its lines use now."""

    ceiling: Ceiling
    used: Decimal

    @property
    def remaining(self):
        return self.ceiling.amount - self.used

    @property
    def label(self):
        return self.ceiling.label


AKUN_TOTALS = {
    RkaLine.Akun.PENDAPATAN: "pendapatan",
    RkaLine.Akun.BELANJA: "belanja",
    RkaLine.Akun.PEMBIAYAAN: "pembiayaan",
}


@dataclass
class Standing:
    """An RKA's totals per akun (and of one sub-kegiatan) with the ceilings that apply, as of one statement."""

    totals: dict
    ceilings: list

    def with_line(self, akun, amount):
        """The standing once a line of `amount` is added (under the sub-kegiatan and within the ceilings this
        standing was taken for)."""
        totals = {**self.totals, AKUN_TOTALS[akun]: self.totals[AKUN_TOTALS[akun]] + amount}
        if "sub_kegiatan" in totals:
            totals["sub_kegiatan"] += amount
        if akun != RkaLine.Akun.BELANJA:
            return Standing(totals, self.ceilings)
        return Standing(totals, [CeilingStatus(status.ceiling, status.used + amount) for status in self.ceilings])


def standing_of(rka, ceilings, sub_kegiatan=None, exclude_line_id=None):
    """Totals and every ceiling's use in one aggregate over the lines' covering index (no join per line).

    Plain SQL: it runs in every line save, where building it through the ORM cost more than running it.
    Table names come from the models and every value is a parameter.
    """
    quote = connection.ops.quote_name
    lines, subs = quote(RkaLine._meta.db_table), quote(RkaSubKegiatan._meta.db_table)
    columns, params = [], []
    for akun in AKUN_TOTALS:
        columns.append("SUM(CASE WHEN akun = %s THEN amount END)")
        params.append(akun.value)
    if sub_kegiatan is not None:
        columns.append("SUM(CASE WHEN sub_kegiatan_id = %s THEN amount END)")
        params.append(sub_kegiatan.pk)
    narrower = [c for c in ceilings if c.level != "opd"]
    nomenclature = quote(Nomenclature._meta.db_table)
    for ceiling in narrower:
        # Only belanja lines sit under a sub-kegiatan (a check constraint), so these sums are belanja.
        if ceiling.program_id:
            covered = (
                f"SELECT s.id FROM {subs} s JOIN {nomenclature} n ON n.id = s.sub_kegiatan_id "  # noqa: S608
                f"JOIN {nomenclature} k ON k.id = n.parent_id WHERE s.rka_id = %s AND k.parent_id = %s"
            )
            params += [rka.pk, ceiling.program_id]
        else:
            covered = f"SELECT s.id FROM {subs} s WHERE s.rka_id = %s AND s.sub_kegiatan_id = %s"  # noqa: S608
            params += [rka.pk, ceiling.sub_kegiatan_id]
        columns.append(f"SUM(CASE WHEN sub_kegiatan_id IN ({covered}) THEN amount END)")
    where = "rka_id = %s"
    params.append(rka.pk)
    if exclude_line_id:
        where += " AND id <> %s"
        params.append(exclude_line_id)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {lines} WHERE {where}", params)  # noqa: S608
        sums = [read_money(value) for value in cursor.fetchone()]
    totals = dict(zip(AKUN_TOTALS.values(), sums, strict=False))
    if sub_kegiatan is not None:
        totals["sub_kegiatan"] = sums[len(AKUN_TOTALS)]
    used = dict(zip((c.pk for c in narrower), sums[len(sums) - len(narrower) :], strict=True))
    return Standing(totals, [CeilingStatus(c, used.get(c.pk, totals["belanja"])) for c in ceilings])


def opd_ceilings(rka, *, lock=False):
    """Every ceiling of the RKA's OPD in its KUA-PPAS, the OPD's own first, then the program and sub-kegiatan
    ones. With `lock` they are locked in id order: only writers of this OPD's RKA, who already hold its row
    lock, ever lock them. Plain SQL: this runs in every line save."""
    table = connection.ops.quote_name(Ceiling._meta.db_table)
    lock_clause = " FOR UPDATE" if lock and connection.features.has_select_for_update else ""
    ceilings = list(
        Ceiling.objects.raw(
            f"SELECT * FROM {table} WHERE kua_ppas_id = %s AND opd_id = %s ORDER BY id{lock_clause}",  # noqa: S608
            [rka.version.kua_ppas_id, rka.opd_id],
        )
    )
    for ceiling in ceilings:
        ceiling.opd = rka.opd  # for its label, without reading the OPD again
    return sorted(ceilings, key=lambda c: (c.level != "opd", c.pk))


def covers(ceiling, node):
    """Whether `ceiling` applies to a line under the sub-kegiatan `node` (None: a line outside any)."""
    if ceiling.level == "opd":
        return True
    if node is None:
        return False
    if ceiling.level == "sub_kegiatan":
        return ceiling.sub_kegiatan_id == node.pk
    return ceiling.program_id == node.parent.parent_id  # sub-kegiatan > kegiatan > program


def applicable_ceilings(rka, sub_kegiatan=None, *, lock=False):
    """The OPD ceiling, then the program and sub-kegiatan ceilings that cover `sub_kegiatan` (if any)."""
    node = sub_kegiatan.sub_kegiatan if sub_kegiatan is not None else None
    return [ceiling for ceiling in opd_ceilings(rka, lock=lock) if covers(ceiling, node)]


def rka_standing(rka, sub_kegiatan=None, exclude_line_id=None):
    """Totals and remaining ceilings for the editor (no locks: a display, not a decision); without one line when
    it is being edited, as its save will count it."""
    return standing_of(rka, applicable_ceilings(rka, sub_kegiatan), sub_kegiatan, exclude_line_id)


@dataclass(frozen=True)
class ShiftGap:
    """A pergeseran moves money inside an OPD: its belanja stays exactly its base version's."""

    belanja: Decimal
    base: Decimal

    @property
    def difference(self):
        return self.belanja - self.base

    def problem(self, opd_name):
        """The refusal while the two differ, else None."""
        if not self.difference:
            return None
        return (
            f"Belanja {opd_name} {rupiah(self.belanja)} tidak sama dengan versi dasar {rupiah(self.base)} "
            f"(selisih {rupiah(self.difference)}); pergeseran tidak boleh mengubah total belanja OPD."
        )


def shift_gap(rka, belanja):
    """The RKA's belanja against its OPD's in the base version, when the RKA is a pergeseran's; else None."""
    if rka.version.kind != ApbdVersion.Kind.PERGESERAN:
        return None
    base_lines = RkaLine.objects.filter(
        rka__version_id=rka.version.base_id, rka__opd_id=rka.opd_id, akun=RkaLine.Akun.BELANJA
    )
    return ShiftGap(belanja, total_of(base_lines))


def rka_totals(rka, sub_kegiatan=None):
    """Totals per akun, and of one sub-kegiatan when given."""
    return standing_of(rka, [], sub_kegiatan).totals


def opd_ceiling_statuses(rka):
    """Every ceiling of the RKA's OPD (not only those over one sub-kegiatan) with what the RKA uses of each."""
    return standing_of(rka, opd_ceilings(rka)).ceilings


def standing_before_write(rka, sub_kegiatan, akun, exclude_line_id=None):
    """Under the RKA's lock: the standing without the line about to be written, its belanja ceilings locked.

    The write's answer is this standing plus the line (`Standing.with_line`): no second read after the write.
    """
    ceilings = applicable_ceilings(rka, sub_kegiatan, lock=akun == RkaLine.Akun.BELANJA)
    return standing_of(rka, ceilings, sub_kegiatan, exclude_line_id)


def require_opd_ceiling(rka, ceilings):
    """Belanja needs the OPD's own ceiling (the first of `ceilings` when there is one)."""
    if not ceilings or ceilings[0].level != "opd":
        raise ValidationError(f"{rka.opd.name} belum memiliki plafon pada KUA-PPAS yang dikunci.")


def refuse_over_ceiling(rka, standing, new_amount):
    """Refuse a belanja line that would take any ceiling over; says what remains."""
    require_opd_ceiling(rka, [status.ceiling for status in standing.ceilings])
    for status in standing.ceilings:
        if new_amount > status.remaining:
            raise ValidationError(
                {
                    "amount": f"Melebihi {status.label}: sisa {rupiah(status.remaining)}, "
                    f"rincian ini {rupiah(new_amount)} (lebih {rupiah(new_amount - status.remaining)})."
                }
            )
