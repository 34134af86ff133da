"""The performance report (laporan kinerja) and the year-end report.

Performance: each sub-kegiatan of the version's issued DPAs, its output target against what was achieved by the
end of a quarter, its physical and financial progress, grouped by program with the Renstra program and the
RPJMD target (sasaran) it serves. A program's physical progress is its sub-kegiatan's weighted by pagu; its
output achievement the average of its sub-kegiatan's (one that has not reported counts 0 %).

Year-end: the LRA of the whole year and the performance at the end of the fourth quarter, per OPD.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from budgeting.models import Dpa
from masterdata.models import Nomenclature
from masterdata.money import CENT, ZERO
from planning.models import RenstraProgram

from .lra import PERIODS, OnLra, lra, percent
from .realization import performances

QUARTERS = {"1": "Triwulan I", "2": "Triwulan II", "3": "Triwulan III", "4": "Triwulan IV"}
PROGRAM_CODE_LENGTH = 7  # "1.02.02" of "1.02.02.2.01.0001"


def _weighted_physical(items):
    pagu = sum((item.pagu for item in items), ZERO)
    if not pagu:
        return None
    return (sum((item.pagu * (item.latest_physical or ZERO) for item in items), ZERO) / pagu).quantize(CENT)


def _average_achievement(items):
    with_target = [item for item in items if item.sub.output_target]
    if not with_target:
        return None
    return (sum((item.achieved_percent or ZERO for item in with_target), ZERO) / len(with_target)).quantize(CENT)


@dataclass(frozen=True)
class Served:
    """A Renstra program of the OPD and the RPJMD target it serves, with their targets for the year."""

    renstra: object
    year_target: Decimal | None  # the Renstra program's outcome target for the year
    rpjmd_target: object
    rpjmd_year_target: Decimal | None


@dataclass
class Figures:
    """Money and progress of a group of sub-kegiatan (a program, an OPD, the kabupaten)."""

    items: list = field(default_factory=list)

    @property
    def pagu(self):
        return sum((item.pagu for item in self.items), ZERO)

    @property
    def realized(self):
        return sum((item.realized for item in self.items), ZERO)

    @property
    def financial_percent(self):
        return percent(self.realized, self.pagu)

    @property
    def physical_percent(self):
        return _weighted_physical(self.items)

    @property
    def achieved_percent(self):
        return _average_achievement(self.items)

    @property
    def reached(self):
        """How many sub-kegiatan achieved their output target."""
        return sum(1 for item in self.items if (item.achieved_percent or ZERO) >= 100)


@dataclass
class ProgramPerformance(Figures):
    code: str = ""
    name: str = ""
    served: list = field(default_factory=list)


@dataclass
class OpdPerformance(Figures):
    opd: object = None
    dpa: object = None
    programs: list = field(default_factory=list)


@dataclass(frozen=True)
class PerformanceReport:
    version: object
    quarter: str
    opd: object  # None: every OPD
    opds: list

    @property
    def title(self):
        return f"Laporan Kinerja {QUARTERS[self.quarter]} {self.version.fiscal_year.year}"

    @property
    def total(self):
        return Figures([item for unit in self.opds for item in unit.items])


def _served(version, opd_ids, program_codes):
    """{(OPD id, program code): [Served]} from the Renstra of the RPJMD covering the year."""
    year = version.fiscal_year.year
    found = {}
    programs = RenstraProgram.objects.filter(
        renstra__opd_id__in=opd_ids,
        renstra__rpjmd__first_year__lte=year,
        renstra__rpjmd__first_year__gte=year - 4,
        program__code__in=program_codes,
    ).select_related("program", "renstra__rpjmd", "rpjmd_target")
    for program in programs.order_by("program__code", "rpjmd_target__code"):
        index = program.renstra.rpjmd.year_index(year) - 1
        found.setdefault((program.renstra.opd_id, program.program.code), []).append(
            Served(program, program.targets[index], program.rpjmd_target, program.rpjmd_target.targets[index])
        )
    return found


def performance_report(version, *, quarter="4", opd=None):
    """The performance at the end of a quarter of a version's issued DPAs, of one OPD or every OPD. The caller
    has checked that the reader may see it (`access.report_opd`)."""
    dpas = Dpa.objects.filter(version=version, state=Dpa.State.ISSUED).select_related("opd", "version")
    dpas = list((dpas.filter(opd=opd) if opd is not None else dpas).order_by("opd__code"))
    found = performances(dpas, last_month=3 * int(quarter))
    codes = {item.sub.sub_kegiatan.code[:PROGRAM_CODE_LENGTH] for items in found.values() for item in items}
    names = dict(
        Nomenclature.objects.filter(version_id=version.fiscal_year.reference_version_id, code__in=codes).values_list(
            "code", "name"
        )
    )
    served = _served(version, [dpa.opd_id for dpa in dpas], codes)
    units = []
    for dpa in dpas:
        programs = {}
        for item in found[dpa.pk]:
            code = item.sub.sub_kegiatan.code[:PROGRAM_CODE_LENGTH]
            program = programs.setdefault(
                code,
                ProgramPerformance(code=code, name=names.get(code, ""), served=served.get((dpa.opd_id, code), [])),
            )
            program.items.append(item)
        units.append(OpdPerformance(found[dpa.pk], opd=dpa.opd, dpa=dpa, programs=list(programs.values())))
    return PerformanceReport(version, quarter, opd, units)


@dataclass(frozen=True)
class YearEndReport(OnLra):
    lra: object
    performance: PerformanceReport

    @property
    def title(self):
        return f"Laporan Realisasi Anggaran dan Kinerja Tahun {self.version.fiscal_year.year}"


def year_end_report(version, *, depth="jenis", opd=None):
    """The year's LRA by account and the performance at its end. The caller has checked the reader."""
    return YearEndReport(
        lra(version, period=PERIODS["tahun"], depth=depth, opd=opd),
        performance_report(version, quarter="4", opd=opd),
    )
