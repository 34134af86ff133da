"""The Perda APBD's lampiran of a whole version: Lampiran I (ringkasan by kelompok and jenis, down to objek),
Lampiran II (by urusan, bidang and organisasi) and the rincian by account down to rincian objek."""

from budgeting.selectors import apbd as apbd_selectors
from masterdata import spreadsheets

from .apbd import legal_of, version_of, version_spec, whole_version
from .base import Head, PdfKind, XlsxKind


class WholeVersionRequest:
    """A document of a whole version: `title`, `prefix` of its file name, `sheet` of its workbook."""

    title = prefix = sheet = ""

    def prepare(self, actor, params):
        return version_spec(whole_version(actor, params), self.title, self.prefix, self.extension)

    def head_of(self, version):
        raise NotImplementedError

    def figures(self, job, version):
        raise NotImplementedError

    def head(self, job):
        return self.head_of(version_of(job))

    def part_context(self, job, part, beat):
        return {"figures": self.figures(job, version_of(job))}

    def document_sheet(self, workbook, version, columns):
        head = self.head_of(version)
        return spreadsheets.document_sheet(
            workbook,
            self.sheet,
            head.title,
            [("Tahun anggaran", head.year), ("Versi", head.version), ("Dasar hukum", "; ".join(head.legal))],
            columns,
        )


def _head(version, title, lampiran=""):
    legal = legal_of(version)
    return Head(
        title=title,
        year=version.fiscal_year.year,
        version=str(version),
        legal=([f"{lampiran} {line}" for line in legal] or [f"{lampiran} Peraturan Daerah"]) if lampiran else legal,
        signatory="BUPATI BONDOWOSO",
    )


def balance_rows(balance):
    return [
        ("JUMLAH PENDAPATAN", balance.pendapatan),
        ("JUMLAH BELANJA", balance.belanja),
        ("SURPLUS/(DEFISIT)", balance.surplus),
        ("PEMBIAYAAN NETTO", balance.pembiayaan_netto),
    ]


# --- By account: Lampiran I and the rincian to rincian objek ----------------------------------------


class AccountsPdf(PdfKind):
    template = "reporting/documents/ringkasan.html"


class AccountsXlsx(XlsxKind):
    def write(self, job, workbook, beat):
        version = version_of(job)
        figures = self.figures(job, version)
        sheet = self.document_sheet(workbook, version, [("Kode", 18), ("Uraian", 70), ("Jumlah (Rp)", 22)])
        for row in figures.accounts:
            sheet.append(
                spreadsheets.figure_row(
                    sheet, [row.code, row.name], [row.amount], group=row.level in ("akun", "kelompok")
                )
            )
        for label, amount in balance_rows(figures.balance):
            sheet.append(spreadsheets.figure_row(sheet, [None, label], [amount], group=True))


class RingkasanRequest(WholeVersionRequest):
    label = "Lampiran I Perda APBD (ringkasan)"
    title, prefix, sheet = "Lampiran I Perda APBD — ringkasan", "lampiran-i", "Lampiran I"

    def head_of(self, version):
        return _head(
            version, "Ringkasan APBD menurut kelompok dan jenis pendapatan, belanja dan pembiayaan", "Lampiran I"
        )

    def figures(self, job, version):
        return apbd_selectors.ringkasan(job.requested_by, version)


class RingkasanPdf(RingkasanRequest, AccountsPdf):
    key = "lampiran-i-pdf"


class RingkasanXlsx(RingkasanRequest, AccountsXlsx):
    key = "lampiran-i-xlsx"


class RincianAkunRequest(WholeVersionRequest):
    label = "Rincian APBD menurut akun"
    title, prefix, sheet = "Rincian APBD menurut akun", "rincian-akun", "Rincian akun"

    def head_of(self, version):
        return _head(version, "Rincian APBD menurut akun, kelompok, jenis, objek dan rincian objek")

    def figures(self, job, version):
        accounts = apbd_selectors.totals_by_account(version, tuple(apbd_selectors.ACCOUNT_PREFIX))
        return apbd_selectors.Ringkasan(False, apbd_selectors.balance(version), accounts, {})


class RincianAkunPdf(RincianAkunRequest, AccountsPdf):
    key = "rincian-akun-pdf"


class RincianAkunXlsx(RincianAkunRequest, AccountsXlsx):
    key = "rincian-akun-xlsx"


# --- Lampiran II: by urusan, bidang and organisasi ------------------------------------------------

KELOMPOK_BELANJA = ("5.1", "5.2", "5.3", "5.4")


def urusan_amounts(group):
    """Pendapatan, belanja per kelompok (operasi, modal, tidak terduga, transfer) and jumlah belanja."""
    return [group.pendapatan, *(group.akun(kelompok) for kelompok in KELOMPOK_BELANJA), group.belanja]


class UrusanRequest(WholeVersionRequest):
    label = "Lampiran II Perda APBD (urusan dan organisasi)"
    title, prefix, sheet = "Lampiran II Perda APBD — urusan dan organisasi", "lampiran-ii", "Lampiran II"

    def head_of(self, version):
        return _head(version, "Ringkasan APBD menurut urusan pemerintahan daerah dan organisasi", "Lampiran II")

    def figures(self, job, version):
        figures = apbd_selectors.urusan_organisasi(version)
        return {
            "rows": [(row, urusan_amounts(row)) for row in figures.rows],
            "total": urusan_amounts(figures.total),
        }


class UrusanPdf(UrusanRequest, PdfKind):
    key = "lampiran-ii-pdf"
    template = "reporting/documents/urusan.html"


class UrusanXlsx(UrusanRequest, XlsxKind):
    key = "lampiran-ii-xlsx"
    COLUMNS = (
        ("Kode", 24),
        ("Urusan / bidang / organisasi", 50),
        ("Pendapatan", 20),
        ("Belanja operasi", 20),
        ("Belanja modal", 20),
        ("Belanja tidak terduga", 20),
        ("Belanja transfer", 20),
        ("Jumlah belanja", 20),
    )

    def write(self, job, workbook, beat):
        version = version_of(job)
        figures = self.figures(job, version)
        sheet = self.document_sheet(workbook, version, self.COLUMNS)
        for row, amounts in figures["rows"]:
            sheet.append(spreadsheets.figure_row(sheet, [row.code, row.name], amounts, group=row.level != "opd"))
        sheet.append(spreadsheets.figure_row(sheet, [None, "JUMLAH"], figures["total"], group=True))
