"""The LRA (Laporan Realisasi Anggaran): a version's budget against the year's realization up to the end of a
period, by account in the official order (pendapatan, belanja, surplus/defisit, pembiayaan, pembiayaan netto,
SiLPA) or by OPD, urusan, bidang or program.

Realization is recorded on the lines of the DPA current at the time (the murni, later a DPPA), so both sides
are joined by classification code, never by line: any version's budget reads against all of the year's
realization. Every sum runs in the database, one GROUP BY per level and side.
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q

from budgeting.models import RkaLine
from budgeting.selectors.classification import ACCOUNT_LEVELS, code_expressions
from masterdata.models import Account, Nomenclature, Opd
from masterdata.money import CENT, ZERO, money_sum

from ..models import Realization

MONTH_NAMES = [
    *("Januari", "Februari", "Maret", "April", "Mei", "Juni"),
    *("Juli", "Agustus", "September", "Oktober", "November", "Desember"),
]
QUARTERS = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    first: int  # months, 1–12
    last: int


def _periods():
    periods = [Period(f"bulan-{m}", MONTH_NAMES[m - 1], m, m) for m in range(1, 13)]
    periods += [Period(f"triwulan-{q}", f"Triwulan {QUARTERS[q - 1]}", 3 * q - 2, 3 * q) for q in range(1, 5)]
    periods += [Period(f"semester-{s}", f"Semester {'I' * s}", 6 * s - 5, 6 * s) for s in (1, 2)]
    return {period.key: period for period in [*periods, Period("tahun", "Satu tahun anggaran", 1, 12)]}


PERIODS = _periods()
DEFAULT_PERIOD = "tahun"
ACCOUNT_DEPTHS = {
    "akun": "Akun",
    "kelompok": "Kelompok",
    "jenis": "Jenis",
    "objek": "Objek",
    "rincian": "Rincian objek",
}
UNITS = {"opd": "OPD", "urusan": "Urusan", "bidang": "Bidang urusan", "program": "Program"}
DIMENSIONS = {"akun": "Kode rekening", **UNITS}


def period_for(key):
    if key not in PERIODS:
        raise ValidationError({"periode": f"Periode tidak dikenal: pilih salah satu dari {', '.join(PERIODS)}."})
    return PERIODS[key]


def percent(part, whole):
    return (part * 100 / whole).quantize(CENT) if whole else None


@dataclass(frozen=True)
class LraRow:
    code: str
    name: str
    level: str  # an account level or a unit dimension; "total" for the official sums
    budget: Decimal
    realized: Decimal  # up to the end of the period
    in_period: Decimal  # within the period

    @property
    def percent(self):
        return percent(self.realized, self.budget)

    @property
    def remaining(self):
        return self.budget - self.realized

    @property
    def is_total(self):
        return self.level == "total"


@dataclass(frozen=True)
class Lra:
    version: object
    period: Period
    dimension: str
    depth: str
    opd: object  # None: the whole kabupaten
    key: str = ""  # under which its rows (and a page's rendered table) are kept; blank when they may change unseen

    @property
    def title(self):
        return f"Laporan Realisasi Anggaran {self.period.label} {self.version.fiscal_year.year}"

    @cached_property
    def rows(self):
        """Read when first asked for: a page whose table is kept never needs them."""
        if not self.key:
            return _rows(self)
        return cache.get_or_set(self.key, lambda: _rows(self), timeout=KEPT_SECONDS)


def _budget(version, opd):
    lines = RkaLine.objects.filter(rka__version=version)
    return lines.filter(rka__opd=opd) if opd is not None else lines


def _realization(version, period, opd):
    entries = Realization.objects.filter(fiscal_year_id=version.fiscal_year_id, month__lte=period.last)
    return entries.filter(opd=opd) if opd is not None else entries


def _grouped(queryset, expression, *sums):
    rows = queryset.annotate(code=expression).values("code").annotate(**dict(sums)).order_by()
    return {row.pop("code"): row for row in rows}


def _planned(version, opd, key, belanja_only):
    """The budget side: {code: {"budget": amount}}. An adopted version never changes, so its sums are kept
    under its id; the realization side is always read afresh."""
    budget = _budget(version, opd)
    if belanja_only:
        budget = budget.filter(account__code__startswith="5")

    def compute():
        return _grouped(budget, code_expressions()[key], ("budget", money_sum()))

    if not version.is_frozen:
        return compute()
    opd_key = opd.pk if opd is not None else "all"
    return cache.get_or_set(f"lra-budget:{version.pk}:{opd_key}:{key}:{belanja_only}", compute, timeout=None)


def _sums(version, period, opd, key, *, belanja_only=False):
    """{code: (budget, realized, in_period)} of one classification."""
    realization = _realization(version, period, opd)
    if belanja_only:
        realization = realization.filter(line__account__code__startswith="5")
    planned = _planned(version, opd, key, belanja_only)
    realized = _grouped(
        realization,
        code_expressions("line__")[key],
        ("realized", money_sum()),
        ("in_period", money_sum(filter=Q(month__gte=period.first))),
    )
    return {
        code: (
            planned.get(code, {}).get("budget", ZERO).quantize(CENT),
            realized.get(code, {}).get("realized", ZERO).quantize(CENT),
            realized.get(code, {}).get("in_period", ZERO).quantize(CENT),
        )
        for code in planned.keys() | realized.keys()
    }


NOTHING = (ZERO, ZERO, ZERO)


def _total(code, name, *figures):
    return LraRow(code, name, "total", *figures)


def _plus(*triples, signs=None):
    signs = signs or [1] * len(triples)
    return tuple(sum((sign * triple[i] for sign, triple in zip(signs, triples, strict=True)), ZERO) for i in range(3))


def _account_rows(version, period, opd, depth):
    levels = list(ACCOUNT_LEVELS)[: list(ACCOUNT_LEVELS).index(depth) + 1]
    sums = {}
    for level in levels:
        sums |= {code: (level, figures) for code, figures in _sums(version, period, opd, level).items()}
    names = dict(
        Account.objects.filter(version_id=version.fiscal_year.reference_version_id, code__in=sums).values_list(
            "code", "name"
        )
    )

    def figures(code):
        return sums.get(code, (None, NOTHING))[1]

    def block(prefix):
        return [
            LraRow(code, names.get(code, ""), level, *values)
            for code, (level, values) in sorted(sums.items())
            if code.startswith(prefix) and code != prefix
        ]

    pendapatan, belanja = figures("4"), figures("5")
    penerimaan, pengeluaran = figures("6.1"), figures("6.2")
    surplus = _plus(pendapatan, belanja, signs=[1, -1])
    netto = _plus(penerimaan, pengeluaran, signs=[1, -1])
    return [
        LraRow("4", names.get("4", "PENDAPATAN DAERAH"), "akun", *pendapatan),
        *block("4"),
        _total("", "JUMLAH PENDAPATAN", *pendapatan),
        LraRow("5", names.get("5", "BELANJA DAERAH"), "akun", *belanja),
        *block("5"),
        _total("", "JUMLAH BELANJA", *belanja),
        _total("", "SURPLUS/(DEFISIT)", *surplus),
        LraRow("6", names.get("6", "PEMBIAYAAN DAERAH"), "akun", *figures("6")),
        *(row for row in block("6") if row.code.startswith("6.1")),
        _total("", "JUMLAH PENERIMAAN PEMBIAYAAN", *penerimaan),
        *(row for row in block("6") if row.code.startswith("6.2")),
        _total("", "JUMLAH PENGELUARAN PEMBIAYAAN", *pengeluaran),
        _total("", "PEMBIAYAAN NETTO", *netto),
        _total("", "SISA LEBIH PEMBIAYAAN ANGGARAN (SILPA)", *_plus(surplus, netto)),
    ]


def _unit_names(version, dimension, codes):
    if dimension == "opd":
        return dict(Opd.objects.filter(code__in=codes).values_list("code", "name"))
    wanted = set(codes) | {"X.XX" + code[4:] for code in codes if len(code) > 4}
    found = dict(
        Nomenclature.objects.filter(version_id=version.fiscal_year.reference_version_id, code__in=wanted).values_list(
            "code", "name"
        )
    )
    return {code: found.get(code) or found.get("X.XX" + code[4:], "") for code in codes}


def _unit_rows(version, period, opd, dimension):
    """Belanja per OPD, urusan, bidang or program, and its total."""
    sums = _sums(version, period, opd, dimension, belanja_only=True)
    names = _unit_names(version, dimension, sums)
    rows = [LraRow(code, names.get(code, ""), dimension, *values) for code, values in sorted(sums.items())]
    return [*rows, _total("", "JUMLAH BELANJA", *_plus(*(row_figures(row) for row in rows)))]


def row_figures(row):
    return (row.budget, row.realized, row.in_period)


class OnLra:
    """A report built on an LRA (field `lra`): its version, OPD and depth are the LRA's."""

    @property
    def version(self):
        return self.lra.version

    @property
    def opd(self):
        return self.lra.opd

    @property
    def depth(self):
        return self.lra.depth


def _stamp_key(fiscal_year_id):
    return f"realization-stamp:{fiscal_year_id}"


def realization_stamp(fiscal_year_id):
    """A token of the year's realization as it stands: a new one after every change (`forget_realization`),
    so that figures kept under it are never stale. A token lost from the cache is only a new one."""
    return cache.get_or_set(_stamp_key(fiscal_year_id), lambda: uuid.uuid4().hex, timeout=None)


def forget_realization(fiscal_year_id):
    """The year's realization changed: whatever was kept under its old token is no longer read."""
    cache.set(_stamp_key(fiscal_year_id), uuid.uuid4().hex, timeout=None)


KEPT_SECONDS = 24 * 3600  # a report kept under an old token is never read again; it only waits to expire


def lra(version, *, period, dimension="akun", depth="jenis", opd=None):
    """The LRA of a version for a period, of one OPD or (opd=None) the kabupaten. The caller has checked that
    the reader may see it (`masterdata.access.realization_opd`). An adopted version's budget never changes and
    its realization only through the services, which renew the year's token: the report is kept under both."""
    if dimension not in DIMENSIONS:
        raise ValidationError({"dimensi": f"Dimensi tidak dikenal: pilih salah satu dari {', '.join(DIMENSIONS)}."})
    if depth not in ACCOUNT_DEPTHS:
        raise ValidationError({"rincian": f"Tingkat tidak dikenal: pilih salah satu dari {', '.join(ACCOUNT_DEPTHS)}."})

    key = ""
    if version.is_frozen:
        opd_key = opd.pk if opd is not None else "all"
        stamp = realization_stamp(version.fiscal_year_id)
        key = f"lra-rows:{version.pk}:{period.key}:{dimension}:{depth}:{opd_key}:{stamp}"
    return Lra(version, period, dimension, depth, opd, key)


def _rows(report):
    version, period, opd = report.version, report.period, report.opd
    if report.dimension == "akun":
        return _account_rows(version, period, opd, report.depth)
    return _unit_rows(version, period, opd, report.dimension)
