"""The semester, year-end, performance and consistency reports as PDF and as Excel, and the one reading of their
parameters that their pages and API share."""

from dataclasses import dataclass

from budgeting.models import ApbdVersion
from masterdata import access, spreadsheets
from masterdata.models import Opd

from ..selectors import consistency as consistency_selectors
from ..selectors import performance as performance_selectors
from ..selectors import semester as semester_selectors
from . import params as read
from .base import Head, PdfKind, Spec, XlsxKind

PRINTED_ROWS = 5000  # the consistency list in a document: its first rows; the counts are always whole


@dataclass(frozen=True)
class ReportRequest:
    """What a report is asked for: a version, the OPD (None: the kabupaten), the account depth (semester,
    year-end), the quarter (performance) and the kind of break (consistency; "": every kind)."""

    version: object
    opd: object = None
    depth: str = "jenis"
    quarter: str = "4"
    kind: str = ""

    @property
    def params(self):
        return {
            "version": self.version.pk,
            "opd": self.opd.code if self.opd else "",
            "rincian": self.depth,
            "triwulan": self.quarter,
            "jenis": self.kind,
        }


def read_report(actor, params):
    """The ReportRequest of parameters the actor may read: 400 for a bad parameter, 404 for a version or an
    OPD's figures the actor may not see (OPD staff: any OPD but their own)."""
    read.only(params)
    version = read.version(actor, params)
    asked = read.opd(params)
    opd_id = access.report_opd(actor, version, asked.pk if asked else None)
    return ReportRequest(
        version,
        asked if asked and asked.pk == opd_id else (Opd.objects.get(pk=opd_id) if opd_id else None),
        read.choice(params, "rincian", semester_selectors.DEPTHS, "jenis"),
        read.choice(params, "triwulan", performance_selectors.QUARTERS, "4"),
        read.choice(params, "jenis", consistency_selectors.KINDS, ""),
    )


def _request_of(job):
    params = job.params
    version = ApbdVersion.objects.select_related("fiscal_year").get(pk=params["version"])
    opd = Opd.objects.get(code=params["opd"]) if params["opd"] else None
    return ReportRequest(version, opd, params["rincian"], params["triwulan"], params["jenis"])


def semester(request):
    return semester_selectors.semester_report(request.version, depth=request.depth, opd=request.opd)


def year_end(request):
    return performance_selectors.year_end_report(request.version, depth=request.depth, opd=request.opd)


def performance(request):
    return performance_selectors.performance_report(request.version, quarter=request.quarter, opd=request.opd)


def consistency(request):
    return consistency_selectors.consistency(request.version, opd=request.opd, kind=request.kind or None)


class ReportKind:
    """A report's job: `slug` names its file, `build` reads it, `head_title` heads it."""

    slug = ""
    head_title = ""

    def build(self, request):
        raise NotImplementedError

    def subtitle(self, request):
        return request.opd.name if request.opd else "Seluruh kabupaten"

    def prepare(self, actor, params):
        request = read_report(actor, params)
        version = request.version
        scope = f" {request.opd.name}" if request.opd else ""
        name = (
            f"{self.slug}-{version.fiscal_year.year}-v{version.number}{'-' + request.opd.code if request.opd else ''}"
        )
        return Spec(
            title=f"{self.head_title} {version}{scope}",
            filename=f"{name}.{self.extension}",
            params=request.params,
            opd=request.opd,
            # the kabupaten's realization against a published version is anyone's to read
            public=version.state == ApbdVersion.State.PUBLISHED and request.opd is None,
        )

    def head(self, job):
        request = _request_of(job)
        version = request.version
        return Head(
            title=self.head_title,
            year=version.fiscal_year.year,
            version=str(version),
            legal=[f"Peraturan Daerah Nomor {version.perda_number}"] if version.perda_number else [],
            subtitle=self.subtitle(request),
            signatory="KEPALA " + request.opd.name.upper() if request.opd else "KEPALA BPKAD SELAKU PPKD",
        )

    def part_context(self, job, part, beat):
        request = _request_of(job)
        return {"report": self.build(request), "request": request}


class SemesterKind(ReportKind):
    slug = "semester-1"
    label = head_title = "Laporan Realisasi Semester Pertama APBD dan Prognosis 6 Bulan Berikutnya"

    def build(self, request):
        return semester(request)


class YearEndKind(ReportKind):
    slug = "tahunan"
    label = head_title = "Laporan Realisasi Anggaran dan Kinerja Tahunan"

    def build(self, request):
        return year_end(request)


class PerformanceKind(ReportKind):
    slug = "kinerja"
    label = head_title = "Laporan Kinerja"

    def build(self, request):
        return performance(request)

    def subtitle(self, request):
        return f"{performance_selectors.QUARTERS[request.quarter]} · {super().subtitle(request)}"


class ConsistencyKind(ReportKind):
    slug = "konsistensi"
    label = head_title = "Laporan Konsistensi Perencanaan dan Penganggaran"

    def build(self, request):
        counts, rows = consistency(request)
        return {"counts": counts, "rows": rows[:PRINTED_ROWS], "total": sum(counts.values())}

    def part_context(self, job, part, beat):
        context = super().part_context(job, part, beat)
        return {**context, "kinds": consistency_selectors.KINDS, "rule": consistency_selectors.RULE_OF_REALIZATION}

    def subtitle(self, request):
        kind = consistency_selectors.KINDS.get(request.kind, "Semua jenis ketidaksesuaian")
        return f"{kind} · {super().subtitle(request)}"


# --- PDF ---------------------------------------------------------------------------------------------


class SemesterPdf(SemesterKind, PdfKind):
    key = "semester-pdf"
    template = "reporting/documents/semester.html"


class YearEndPdf(YearEndKind, PdfKind):
    key = "tahunan-pdf"
    template = "reporting/documents/tahunan.html"


class PerformancePdf(PerformanceKind, PdfKind):
    key = "kinerja-pdf"
    template = "reporting/documents/kinerja.html"


class ConsistencyPdf(ConsistencyKind, PdfKind):
    key = "konsistensi-pdf"
    template = "reporting/documents/konsistensi.html"


# --- Excel -------------------------------------------------------------------------------------------


def _sheet(workbook, name, head, facts, columns):
    return spreadsheets.document_sheet(
        workbook, name, f"{head.title} {head.year}", [("Versi", head.version), *facts], columns
    )


def _style(row):
    return spreadsheets.GROUP if row.is_total or row.level in ("akun", "kelompok") else {}


def _row(sheet, texts, values, style):
    """A sheet's row: texts (code, name …), then figures, each ("money", amount) or ("number", value)."""
    sheet.append(
        [
            *(spreadsheets.cell(sheet, text, **style) for text in texts),
            *(
                spreadsheets.money_cell(sheet, value, **style)
                if kind == "money"
                else spreadsheets.number_cell(sheet, value, **style)
                for kind, value in values
            ),
        ]
    )


PERFORMANCE_COLUMNS = [
    ("Kode", 22),
    ("Uraian", 50),
    ("Indikator keluaran / sasaran RPJMD", 50),
    ("Target", 12),
    ("Capaian", 12),
    ("Capaian (%)", 10),
    ("Fisik (%)", 10),
    ("Pagu", 20),
    ("Realisasi", 20),
    ("Keuangan (%)", 10),
]


def write_performance(sheet, report):
    """Each OPD, its programs (with the RPJMD targets they serve) and sub-kegiatan, then the kabupaten's total."""
    for unit in report.opds:
        _figures_row(sheet, unit.opd.code, unit.opd.name, "", unit, spreadsheets.GROUP)
        for program in unit.programs:
            served = "; ".join(
                f"{s.rpjmd_target.code} {s.rpjmd_target.statement} (target {s.rpjmd_year_target or '-'})"
                for s in program.served
            )
            _figures_row(sheet, program.code, program.name, served, program, spreadsheets.GROUP)
            for item in program.items:
                sub = item.sub
                latest = item.achieved[max(item.achieved)] if item.achieved else None
                _row(
                    sheet,
                    [sub.sub_kegiatan.code, sub.sub_kegiatan.name, f"{sub.output_indicator} ({sub.output_unit})"],
                    [
                        ("number", sub.output_target),
                        ("number", latest),
                        ("number", item.achieved_percent),
                        ("number", item.latest_physical),
                        ("money", item.pagu),
                        ("money", item.realized),
                        ("number", item.financial_percent),
                    ],
                    {},
                )
    _figures_row(sheet, "", "JUMLAH", "", report.total, spreadsheets.GROUP)


def _figures_row(sheet, code, name, note, figures, style):
    _row(
        sheet,
        [code, name, note, "", ""],
        [
            ("number", figures.achieved_percent),
            ("number", figures.physical_percent),
            ("money", figures.pagu),
            ("money", figures.realized),
            ("number", figures.financial_percent),
        ],
        style,
    )


class SemesterXlsx(SemesterKind, XlsxKind):
    key = "semester-xlsx"

    def write(self, job, workbook, beat):
        request = _request_of(job)
        report = self.build(request)
        sheet = _sheet(
            workbook,
            "Semester I",
            self.head(job),
            [("Cakupan", self.subtitle(request)), ("Metode prognosis", report.method)],
            [
                ("Kode", 18),
                ("Uraian", 60),
                ("Anggaran", 20),
                ("Realisasi semester I", 20),
                ("%", 8),
                ("Prognosis semester II", 20),
                ("%", 8),
                ("Realisasi + prognosis", 20),
                ("%", 8),
                ("Selisih", 20),
            ],
        )
        for row in report.rows:
            _row(
                sheet,
                [row.code, row.name],
                [
                    ("money", row.budget),
                    ("money", row.realized),
                    ("number", row.percent),
                    ("money", row.prognosis),
                    ("number", row.prognosis_percent),
                    ("money", row.outlook),
                    ("number", row.outlook_percent),
                    ("money", row.remaining),
                ],
                _style(row),
            )


class YearEndXlsx(YearEndKind, XlsxKind):
    key = "tahunan-xlsx"

    def write(self, job, workbook, beat):
        request = _request_of(job)
        report = self.build(request)
        head = self.head(job)
        facts = [("Cakupan", self.subtitle(request))]
        sheet = _sheet(
            workbook,
            "LRA",
            head,
            facts,
            [("Kode", 18), ("Uraian", 60), ("Anggaran", 20), ("Realisasi", 20), ("%", 8), ("Sisa anggaran", 20)],
        )
        for row in report.lra.rows:
            _row(
                sheet,
                [row.code, row.name],
                [("money", row.budget), ("money", row.realized), ("number", row.percent), ("money", row.remaining)],
                _style(row),
            )
        write_performance(_sheet(workbook, "Kinerja", head, facts, PERFORMANCE_COLUMNS), report.performance)


class PerformanceXlsx(PerformanceKind, XlsxKind):
    key = "kinerja-xlsx"

    def write(self, job, workbook, beat):
        request = _request_of(job)
        sheet = _sheet(workbook, "Kinerja", self.head(job), [("Cakupan", self.subtitle(request))], PERFORMANCE_COLUMNS)
        write_performance(sheet, self.build(request))


class ConsistencyXlsx(ConsistencyKind, XlsxKind):
    key = "konsistensi-xlsx"

    def write(self, job, workbook, beat):
        request = _request_of(job)
        report = self.build(request)
        counts = [(consistency_selectors.KINDS[key], count) for key, count in report["counts"].items()]
        sheet = _sheet(
            workbook,
            "Konsistensi",
            self.head(job),
            [("Cakupan", self.subtitle(request)), *counts, ("Aturan", consistency_selectors.RULE_OF_REALIZATION)],
            [("Jenis", 45), ("OPD", 40), ("Kode", 22), ("Uraian", 60), ("Jumlah (Rp)", 20), ("Keterangan", 50)],
        )
        for row in report["rows"]:
            sheet.append(
                [
                    spreadsheets.cell(sheet, consistency_selectors.KINDS[row["kind_key"]]),
                    spreadsheets.cell(sheet, row["opd_name"]),
                    spreadsheets.cell(sheet, row["item_code"]),
                    spreadsheets.cell(sheet, row["item_name"]),
                    spreadsheets.money_cell(sheet, row["money"]),
                    spreadsheets.cell(sheet, row["note"]),
                ]
            )
