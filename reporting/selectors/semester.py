"""Laporan Realisasi Semester Pertama APBD dan Prognosis 6 (Enam) Bulan Berikutnya (PP 12/2019 Pasal 194): the
LRA of January to June by account, with a prognosis of July to December.

The prognosis is linear: the average monthly realization of the first semester, continued for six months, so
each row's prognosis equals its first-semester realization. Being a sum of rows like the LRA's, the totals,
surplus/defisit and pembiayaan of the prognosis add up as the LRA's do.
"""

from dataclasses import dataclass
from decimal import Decimal

from .lra import PERIODS, Lra, OnLra, lra, percent

SEMESTER_ONE = PERIODS["semester-1"]
PROGNOSIS_METHOD = (
    "Prognosis semester II dihitung linear: rata-rata realisasi per bulan Januari–Juni diteruskan enam bulan "
    "(Juli–Desember), sehingga prognosis sama dengan realisasi semester I."
)
DEPTHS = {"akun": "Akun", "kelompok": "Kelompok", "jenis": "Jenis"}


@dataclass(frozen=True)
class SemesterRow:
    code: str
    name: str
    level: str  # as the LRA's: an account level, "total" for the official sums
    budget: Decimal
    realized: Decimal  # January to June

    @property
    def is_total(self):
        return self.level == "total"

    @property
    def percent(self):
        return percent(self.realized, self.budget)

    @property
    def prognosis(self):
        return self.realized

    @property
    def prognosis_percent(self):
        return percent(self.prognosis, self.budget)

    @property
    def outlook(self):
        """Realization of the first semester and the prognosis of the second: the year as it looks in July."""
        return self.realized + self.prognosis

    @property
    def outlook_percent(self):
        return percent(self.outlook, self.budget)

    @property
    def remaining(self):
        return self.budget - self.outlook


@dataclass(frozen=True)
class SemesterReport(OnLra):
    lra: Lra
    rows: list

    @property
    def method(self):
        return PROGNOSIS_METHOD

    @property
    def title(self):
        return (
            "Laporan Realisasi Semester Pertama APBD dan Prognosis 6 (Enam) Bulan Berikutnya "
            f"{self.version.fiscal_year.year}"
        )


def semester_report(version, *, depth="jenis", opd=None):
    """The first semester's realization and the second's prognosis of a version, of one OPD or the kabupaten.
    The caller has checked that the reader may see it (`access.report_opd`)."""
    report = lra(version, period=SEMESTER_ONE, depth=depth, opd=opd)
    return SemesterReport(
        report, [SemesterRow(row.code, row.name, row.level, row.budget, row.realized) for row in report.rows]
    )
