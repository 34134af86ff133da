"""The APBD's documents of lines: the Perbup Penjabaran (every line of the year) and an OPD's RKA-SKPD and
DPA-SKPD; and what every document of an APBD version shares (its head's legal basis, its name, its access).

The Penjabaran runs to well over a thousand pages at Bondowoso's size, so it is rendered in sections of whole
sub-kegiatan (about `DOCUMENT_SECTION_LINES` lines each), each by its own task; the merge numbers the pages.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from budgeting.excel import coefficient
from budgeting.models import ApbdVersion, Rka, RkaLine
from budgeting.selectors import apbd as apbd_selectors
from masterdata import access, spreadsheets
from masterdata.models import Opd
from masterdata.money import money_sum

from . import params as read
from .base import Head, PdfKind, Spec, XlsxKind


def version_of(job):
    return ApbdVersion.objects.select_related("fiscal_year").get(pk=job.params["version"])


def legal_of(version, *, perbup=False):
    legal = [f"Peraturan Daerah Kabupaten Bondowoso Nomor {version.perda_number}"] if version.perda_number else []
    if perbup and version.perbup_number:
        legal.append(f"Peraturan Bupati Bondowoso Nomor {version.perbup_number}")
    return legal


def file_name(prefix, version, suffix, extension):
    return f"{prefix}-{version.fiscal_year.year}-v{version.number}{suffix}.{extension}"


def version_spec(version, title, prefix, extension):
    """A document of a whole version: public once the version is."""
    return Spec(
        title=f"{title} {version}",
        filename=file_name(prefix, version, "", extension),
        params={"version": version.pk},
        public=version.state == ApbdVersion.State.PUBLISHED,
    )


def whole_version(actor, params):
    """A version whose whole figures the actor may read (OPD staff: published ones), else 404."""
    read.only(params)
    version = read.version(actor, params)
    if access.apbd_figures_opd(actor, version) is not None:
        raise ValidationError({"version": "Dokumen seluruh kabupaten tersedia untuk versi yang sudah diterbitkan."})
    return version


# --- Penjabaran, RKA-SKPD and DPA-SKPD: every line, in sections ---------------------------------


class LinesRequest:
    """Every line of a version (the Penjabaran), or of one OPD's RKA in it (`OpdDocument`)."""

    per_opd = False

    def prepare(self, actor, params):
        if self.per_opd:
            read.only(params)
            version = read.version(actor, params)
            opd = read.opd(params, required=True)
            rka = access.get_visible_or_404(access.scope_rka(actor, Rka.objects.filter(version=version)), opd=opd)
            label = self.label_of(version)
            return Spec(
                title=f"{label} {opd.name} {version}",
                filename=file_name(label.lower(), version, f"-{opd.code}", self.extension),
                params={"version": version.pk, "opd": opd.code},
                opd=rka.opd,
                public=version.state == ApbdVersion.State.PUBLISHED,
            )
        return version_spec(whole_version(actor, params), "Penjabaran APBD", "penjabaran", self.extension)

    def lines(self, job):
        lines = RkaLine.objects.filter(rka__version_id=job.params["version"])
        if self.per_opd:
            lines = lines.filter(rka__opd__code=job.params["opd"])
        return lines

    def head(self, job):
        version = version_of(job)
        if self.per_opd:
            opd = Opd.objects.get(code=job.params["opd"])
            return Head(
                title=self.title_of(version),
                year=version.fiscal_year.year,
                version=str(version),
                legal=legal_of(version, perbup=True),
                subtitle=f"{opd.code} {opd.name}",
                signatory=self.signatory_of(opd),
            )
        return Head(
            title="Penjabaran APBD",
            year=version.fiscal_year.year,
            version=str(version),
            legal=["Lampiran II " + legal for legal in legal_of(version, perbup=True)[1:]] or legal_of(version),
            signatory="BUPATI BONDOWOSO",
        )


class OpdDocument:
    """An OPD's RKA lines in one version, as one of its documents: they differ by name and signatory."""

    per_opd = True

    def label_of(self, version):
        raise NotImplementedError

    def title_of(self, version):
        raise NotImplementedError

    def signatory_of(self, opd):
        raise NotImplementedError


class RkaDocument(OpdDocument):
    def label_of(self, version):
        return "RKA-SKPD"

    def title_of(self, version):
        return "Rencana Kerja dan Anggaran Satuan Kerja Perangkat Daerah (RKA-SKPD)"

    def signatory_of(self, opd):
        return f"KEPALA {opd.name.upper()}"


class DpaDocument(OpdDocument):
    def label_of(self, version):
        return f"{version.dpa_label}-SKPD"  # an amendment's is the DPPA-SKPD

    def title_of(self, version):
        return f"Dokumen Pelaksanaan Anggaran Satuan Kerja Perangkat Daerah ({self.label_of(version)})"

    def signatory_of(self, opd):
        return "KEPALA BPKAD SELAKU PPKD"


class PenjabaranPdf(LinesRequest, PdfKind):
    key = "penjabaran-pdf"
    label = "Penjabaran APBD"
    template = "reporting/documents/penjabaran.html"

    def parts(self, job):
        return section_parts(self.lines(job))

    def part_context(self, job, part, beat):
        return {"opds": section_tree(self.lines(job), part), "grand": self._grand(job, part)}

    def _grand(self, job, part):
        return (
            None
            if not part["last"]
            else apbd_selectors.Balance(
                *(
                    self.lines(job).filter(account__code__startswith=code).aggregate(t=money_sum())["t"]
                    for code in ("4", "5", "6.1", "6.2")
                )
            )
        )


class DpaPdf(DpaDocument, PenjabaranPdf):
    key = "dpa-pdf"
    label = "DPA-SKPD"


class RkaPdf(RkaDocument, PenjabaranPdf):
    key = "rka-pdf"
    label = "RKA-SKPD"


def section_parts(lines):
    """The sections of a document of lines: runs of whole blocks (an RKA's sub-kegiatan, or its lines without
    one) of about DOCUMENT_SECTION_LINES lines, in the document's order."""
    counted = (
        lines.values("rka__opd__code", "rka_id", "sub_kegiatan__sub_kegiatan__code", "sub_kegiatan_id")
        .annotate(lines=Count("id"))
        .order_by("rka__opd__code", "sub_kegiatan__sub_kegiatan__code")
    )
    parts, current, size = [], [], 0
    for block in counted:
        if current and size + block["lines"] > settings.DOCUMENT_SECTION_LINES:
            parts.append(current)
            current, size = [], 0
        current.append([block["rka_id"], block["sub_kegiatan_id"]])
        size += block["lines"]
    parts.append(current)
    return [{"blocks": blocks, "last": index == len(parts) - 1} for index, blocks in enumerate(parts)]


def _block_filter(blocks):
    subs = [sub for _, sub in blocks if sub is not None]
    without = [rka for rka, sub in blocks if sub is None]
    return Q(sub_kegiatan_id__in=subs) | Q(rka_id__in=without, sub_kegiatan=None)


def section_tree(lines, part):
    """A section's lines grouped as the document prints them: per OPD (its total where it ends), per block
    (sub-kegiatan with its output and location, or pendapatan/pembiayaan) with the block's total. Totals are
    summed by the database over the whole block or OPD, whichever section prints them."""
    chosen = (
        lines.filter(_block_filter(part["blocks"]))
        .select_related("rka__opd", "account", "funding_source", "sub_kegiatan__sub_kegiatan", "standard_price")
        .order_by("rka__opd__code", "sub_kegiatan__sub_kegiatan__code", "account__code", "work_package", "pk")
    )
    block_totals = {
        (row["rka_id"], row["sub_kegiatan_id"]): row["amount"]
        for row in lines.filter(_block_filter(part["blocks"]))
        .values("rka_id", "sub_kegiatan_id")
        .annotate(amount=money_sum())
        .order_by()
    }
    rka_ids = {rka for rka, _ in part["blocks"]}
    opd_totals = dict(
        lines.filter(rka_id__in=rka_ids, account__code__startswith="5")
        .values("rka_id")
        .annotate(amount=money_sum())
        .values_list("rka_id", "amount")
    )
    last_block = {}
    for row in (
        lines.filter(rka_id__in=rka_ids)
        .values("rka_id", "sub_kegiatan__sub_kegiatan__code")
        .order_by("rka_id", "-sub_kegiatan__sub_kegiatan__code")
    ):
        last_block.setdefault(row["rka_id"], row["sub_kegiatan__sub_kegiatan__code"])
    opds = []
    for line in chosen:
        if not opds or opds[-1]["rka_id"] != line.rka_id:
            first_code = part["blocks"][0]
            opds.append(
                {
                    "rka_id": line.rka_id,
                    "opd": line.rka.opd,
                    "continued": not opds and first_code[0] == line.rka_id and _starts_later(lines, line),
                    "blocks": [],
                    "belanja": None,
                }
            )
        opd = opds[-1]
        sub = line.sub_kegiatan
        if not opd["blocks"] or opd["blocks"][-1]["sub"] != sub:
            opd["blocks"].append({"sub": sub, "lines": [], "total": block_totals[(line.rka_id, line.sub_kegiatan_id)]})
        opd["blocks"][-1]["lines"].append({"line": line, "coefficient": coefficient(line)})
    for opd in opds:
        last_sub = opd["blocks"][-1]["sub"]
        if (last_sub.sub_kegiatan.code if last_sub else None) == last_block.get(opd["rka_id"]):
            opd["belanja"] = opd_totals.get(opd["rka_id"])
    return opds


def _starts_later(lines, line):
    """Whether the OPD of this section's first line began in an earlier section."""
    first = (
        lines.filter(rka_id=line.rka_id)
        .order_by("sub_kegiatan__sub_kegiatan__code")
        .values_list("sub_kegiatan_id", flat=True)
        .first()
    )
    return first != line.sub_kegiatan_id


class PenjabaranXlsx(LinesRequest, XlsxKind):
    """Every line of the version (or of one OPD's RKA) as one sheet, streamed: no row cap whatever the year's
    size."""

    key = "penjabaran-xlsx"
    label = "Penjabaran APBD (Excel)"
    COLUMNS = (
        ("Kode OPD", 24),
        ("OPD", 40),
        ("Sub-kegiatan", 22),
        ("Kode rekening", 20),
        ("Uraian rekening", 40),
        ("Keterangan", 40),
        ("Koefisien", 20),
        ("Harga satuan", 18),
        ("Jumlah (Rp)", 20),
        ("Sumber dana", 20),
        ("Lokasi", 24),
    )

    def write(self, job, workbook, beat):
        head = self.head(job)
        facts = [("Versi", head.version), *([("OPD", head.subtitle)] if head.subtitle else [])]
        sheet = spreadsheets.document_sheet(
            workbook,
            self.label_of(version_of(job)) if self.per_opd else "Penjabaran",
            f"{head.title.upper()} {head.year}",
            [*facts, ("Dasar hukum", "; ".join(head.legal))],
            self.COLUMNS,
            frozen_columns=2,
        )
        lines = (
            self.lines(job)
            .select_related("rka__opd", "account", "funding_source", "sub_kegiatan__sub_kegiatan")
            .order_by("rka__opd__code", "sub_kegiatan__sub_kegiatan__code", "account__code", "pk")
        )
        total = lines.count() or 1
        for index, line in enumerate(lines.iterator(chunk_size=2000)):
            if index % 2000 == 0:
                beat(100 * index // total)
            sub = line.sub_kegiatan
            sheet.append(
                [
                    line.rka.opd.code,
                    line.rka.opd.name,
                    sub.sub_kegiatan.code if sub else "",
                    line.account.code,
                    spreadsheets.cell(sheet, line.account.name),
                    spreadsheets.cell(sheet, line.description),
                    coefficient(line),
                    spreadsheets.money_cell(sheet, line.unit_price),
                    spreadsheets.money_cell(sheet, line.amount),
                    line.funding_source.code,
                    spreadsheets.cell(sheet, line.location),
                ]
            )


class RkaXlsx(RkaDocument, PenjabaranXlsx):
    key = "rka-xlsx"
    label = "RKA-SKPD (Excel)"
