"""The comparison of two APBD versions as a document: what the comparison page shows, whole. The totals of
the lines changed, added and removed, every rollup that changed (by account, OPD, urusan, bidang and
program), then every such line; the lines in sections of about DOCUMENT_SECTION_LINES, each its own task."""

from django.conf import settings

from budgeting.models import ApbdTotal, ApbdVersion
from budgeting.selectors import diff as diff_selectors
from masterdata import access, spreadsheets
from masterdata.models import Opd

from . import params as read
from .apbd import legal_of
from .base import Head, PdfKind, Spec, XlsxKind

LINE_KINDS = dict(diff_selectors.LINE_KINDS)


class DiffRequest:
    label = "Perbandingan versi APBD"
    params_group = "diff"

    def prepare(self, actor, params):
        read.only(params)
        new, old = read.version(actor, params), read.version(actor, params, "lama")
        diff_selectors.diff_lines(old, new)  # two versions of one line of amendments, else 400
        opd_id = access.rka_opd_of(actor)
        return Spec(
            title=f"Perbandingan {old} → {new}",
            filename=f"perbandingan-{old.fiscal_year.year}-v{old.number}-v{new.number}.{self.extension}",
            params={"version": new.pk, "lama": old.pk},
            opd=Opd.objects.get(pk=opd_id) if opd_id else None,
            public=old.state == new.state == ApbdVersion.State.PUBLISHED,
        )

    def versions(self, job):
        versions = ApbdVersion.objects.select_related("fiscal_year").in_bulk(
            [job.params["lama"], job.params["version"]]
        )
        return versions[job.params["lama"]], versions[job.params["version"]]

    def lines(self, job):
        return diff_selectors.visible_diff(job.requested_by, *self.versions(job))

    def rollups(self, job):
        """(dimension label, the rows that changed) per dimension."""
        rollups = diff_selectors.visible_diff_rollups(job.requested_by, *self.versions(job), changed_only=True)
        return [(str(label), rollups[dimension]) for dimension, label in ApbdTotal.Dimension.choices]

    def head(self, job):
        old, new = self.versions(job)
        opd = job.opd
        return Head(
            title="Perbandingan versi APBD",
            year=new.fiscal_year.year,
            version=f"{old} → {new}",
            legal=legal_of(new, perbup=True),
            subtitle=f"Rincian {opd.name} saja" if opd else "",
        )


def totals_rows(lines):
    totals = lines.totals()
    return [
        (f"Rincian {label.lower()} ({getattr(lines, kind).count()})", totals[kind])
        for kind, label in diff_selectors.LINE_KINDS
    ] + [("Perubahan bersih", totals["net"])]


class DiffPdf(DiffRequest, PdfKind):
    key = "perbandingan-pdf"
    template = "reporting/documents/diff.html"

    def parts(self, job):
        lines, size = self.lines(job), settings.DOCUMENT_SECTION_LINES
        return [{"kind": ""}] + [
            {"kind": kind, "offset": offset}
            for kind in LINE_KINDS
            for offset in range(0, getattr(lines, kind).count(), size)
        ]

    def part_context(self, job, part, beat):
        lines = self.lines(job)
        if not part["kind"]:
            return {"part": part, "totals": totals_rows(lines), "rollups": self.rollups(job)}
        offset = part["offset"]
        chosen = getattr(lines, part["kind"])[offset : offset + settings.DOCUMENT_SECTION_LINES]
        return {"part": part, "label": LINE_KINDS[part["kind"]], "lines": chosen}


class DiffXlsx(DiffRequest, XlsxKind):
    key = "perbandingan-xlsx"

    def write(self, job, workbook, beat):
        head, lines = self.head(job), self.lines(job)
        facts = [("Versi", head.version), *([("Cakupan", head.subtitle)] if head.subtitle else [])]
        summary = spreadsheets.document_sheet(
            workbook,
            "Ringkasan",
            f"{head.title.upper()} {head.year}",
            [*facts, *totals_rows(lines)],
            [
                ("Menurut", 16),
                ("Kode", 24),
                ("Uraian", 60),
                ("Tingkat", 12),
                ("Lama", 20),
                ("Baru", 20),
                ("Selisih", 20),
            ],
        )
        for label, rows in self.rollups(job):
            for row in rows:
                summary.append(
                    spreadsheets.figure_row(
                        summary, [label, row.code, row.name, row.level], [row.old, row.new, row.delta]
                    )
                )
        detail = spreadsheets.document_sheet(
            workbook,
            "Rincian",
            f"RINCIAN YANG BERUBAH {head.year}",
            facts,
            [
                ("Perubahan", 12),
                ("OPD", 40),
                ("Sub-kegiatan", 22),
                ("Kode rekening", 20),
                ("Uraian", 50),
                ("Lama", 20),
                ("Baru", 20),
                ("Selisih", 20),
            ],
        )
        for kind, label in diff_selectors.LINE_KINDS:
            for line in getattr(lines, kind).iterator(chunk_size=2000):
                old, new = line_amounts(kind, line)
                sub = line.sub_kegiatan.sub_kegiatan.code if line.sub_kegiatan else ""
                detail.append(
                    spreadsheets.figure_row(
                        detail,
                        [label, line.rka.opd.name, sub, line.account.code, line.description or line.account.name],
                        [old, new, new - old],
                    )
                )


def line_amounts(kind, line):
    """(old, new) amounts of a line of the comparison: an added line was nothing, a removed one is nothing."""
    if kind == "changed":
        return line.old_amount, line.new_amount
    return (0, line.amount) if kind == "added" else (line.amount, 0)
