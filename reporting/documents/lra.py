"""The LRA as PDF and as Excel, for a version, a period and a cut (by account, OPD, urusan, bidang, program)."""

from budgeting.models import ApbdVersion
from masterdata import access, spreadsheets
from masterdata.models import Opd

from ..selectors import lra as lra_selectors
from ..selectors.lra import row_figures
from . import params as read
from .base import Head, PdfKind, Spec, XlsxKind


def read_lra(actor, params):
    """(version, period, dimension, depth, OPD) of an LRA the actor may read; 400 for a bad parameter, 404 for
    a version or an OPD's figures the actor may not see."""
    read.only(params)
    version = read.version(actor, params)
    period = lra_selectors.period_for(read.choice(params, "periode", lra_selectors.PERIODS, "tahun"))
    dimension = read.choice(params, "dimensi", lra_selectors.DIMENSIONS, "akun")
    depth = read.choice(params, "rincian", lra_selectors.ACCOUNT_DEPTHS, "jenis")
    asked = read.opd(params)
    opd_id = access.realization_opd(actor, version, asked.pk if asked else None)
    opd = asked if asked and asked.pk == opd_id else (Opd.objects.get(pk=opd_id) if opd_id else None)
    return version, period, dimension, depth, opd


class LraRequest:
    label = "Laporan Realisasi Anggaran"

    def prepare(self, actor, params):
        version, period, dimension, depth, opd = read_lra(actor, params)
        clean = {
            "version": version.pk,
            "periode": period.key,
            "dimensi": dimension,
            "rincian": depth,
            "opd": opd.code if opd else "",
        }
        scope = f" {opd.name}" if opd else ""
        title = f"LRA {period.label} {version}{scope} ({lra_selectors.DIMENSIONS[dimension].lower()})"
        name = (
            f"lra-{version.fiscal_year.year}-v{version.number}-{period.key}-{dimension}{'-' + opd.code if opd else ''}"
        )
        return Spec(
            title=title,
            filename=f"{name}.{self.extension}",
            params=clean,
            opd=opd,
            public=version.state == "published",
        )

    def report(self, job):
        version = ApbdVersion.objects.select_related("fiscal_year").get(pk=job.params["version"])
        opd = Opd.objects.get(code=job.params["opd"]) if job.params["opd"] else None
        return lra_selectors.lra(
            version,
            period=lra_selectors.PERIODS[job.params["periode"]],
            dimension=job.params["dimensi"],
            depth=job.params["rincian"],
            opd=opd,
        )


def lra_head(report):
    version = report.version
    legal = [f"Peraturan Daerah Nomor {version.perda_number}"] if version.perda_number else []
    return Head(
        title="Laporan Realisasi Anggaran",
        year=version.fiscal_year.year,
        version=str(version),
        legal=legal,
        subtitle=f"{report.period.label}{' · ' + report.opd.name if report.opd else ''} · "
        f"{lra_selectors.DIMENSIONS[report.dimension]}",
        signatory="KEPALA " + report.opd.name.upper() if report.opd else "KEPALA BPKAD SELAKU PPKD",
    )


class LraPdf(LraRequest, PdfKind):
    key = "lra-pdf"
    template = "reporting/documents/lra.html"

    def head(self, job):
        return lra_head(self.report(job))

    def part_context(self, job, part, beat):
        return {"report": self.report(job)}


class LraXlsx(LraRequest, XlsxKind):
    key = "lra-xlsx"

    def write(self, job, workbook, beat):
        report = self.report(job)
        head = lra_head(report)
        sheet = spreadsheets.document_sheet(
            workbook,
            "LRA",
            f"{head.title} {head.year}",
            [
                ("Versi", head.version),
                ("Periode", report.period.label),
                ("Cakupan", report.opd.name if report.opd else "Kabupaten"),
            ],
            [
                ("Kode", 18),
                ("Uraian", 60),
                ("Anggaran", 20),
                ("Realisasi s.d. periode", 20),
                ("Realisasi periode ini", 20),
                ("%", 8),
                ("Sisa anggaran", 20),
            ],
        )
        for row in report.rows:
            style = spreadsheets.GROUP if row.is_total or row.level in ("akun", "kelompok") else {}
            sheet.append(
                [
                    spreadsheets.cell(sheet, row.code, **style),
                    spreadsheets.cell(sheet, row.name, **style),
                    *(spreadsheets.money_cell(sheet, value, **style) for value in row_figures(row)),
                    spreadsheets.number_cell(sheet, row.percent, **style),
                    spreadsheets.money_cell(sheet, row.remaining, **style),
                ]
            )
