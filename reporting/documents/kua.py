"""A KUA-PPAS as a document: its figures, its policy lines (pendapatan, belanja, pembiayaan) and its plafon per
OPD with the program and sub-kegiatan ceilings below each, as its pages show them to the reader."""

from budgeting.models import KuaPpas
from budgeting.selectors import ceilings as ceiling_selectors
from budgeting.selectors import kua as kua_selectors
from masterdata import spreadsheets

from . import params as read
from .base import Head, PdfKind, Spec, XlsxKind


class KuaRequest:
    label = "KUA-PPAS dan plafon anggaran"
    params_group = "kua"

    def prepare(self, actor, params):
        read.only(params)
        kua = kua_selectors.kua_ppas_for(actor, read.whole_number(params, "kua"))
        return Spec(
            title=f"{kua} dan plafon anggaran",
            filename=f"kua-ppas-{kua.fiscal_year.year}-v{kua.number}.{self.extension}",
            params={"kua": kua.pk},
        )

    def figures(self, job):
        kua = KuaPpas.objects.select_related("fiscal_year").get(pk=job.params["kua"])
        reader = job.requested_by
        narrower = {}
        for ceiling in ceiling_selectors.visible_ceilings(reader, kua=kua).below_opd_level():
            narrower.setdefault(ceiling.opd_id, []).append(ceiling)
        ceilings = [
            (ceiling, narrower.get(ceiling.opd_id, []))
            for ceiling in ceiling_selectors.opd_ceiling_rows(reader, kua).select_related("opd")
        ]
        return kua, {
            "summary": ceiling_selectors.kua_summary(kua),
            "sections": kua_selectors.policy_sections(kua),
            "ceilings": ceilings,
        }

    def head(self, job):
        return kua_head(KuaPpas.objects.select_related("fiscal_year").get(pk=job.params["kua"]))


def kua_head(kua):
    perubahan = kua.kind == KuaPpas.Kind.PERUBAHAN
    title = (
        "Kebijakan Umum Perubahan APBD serta Prioritas dan Plafon Anggaran Sementara Perubahan"
        if perubahan
        else "Kebijakan Umum APBD serta Prioritas dan Plafon Anggaran Sementara"
    )
    legal = []
    if kua.agreement_number:
        legal.append(f"Nota Kesepakatan Nomor {kua.agreement_number} tanggal {kua.agreement_date:%d-%m-%Y}")
    return Head(
        title=title,
        year=kua.fiscal_year.year,
        version=f"{kua} ({kua.get_state_display().lower()})",
        legal=legal,
        signatory="BUPATI BONDOWOSO",
    )


def summary_rows(summary):
    return [
        ("Proyeksi pendapatan", summary["policy"]["pendapatan"]),
        ("Rencana belanja", summary["policy"]["belanja"]),
        ("Surplus/(defisit)", summary["surplus"]),
        ("Pembiayaan netto", summary["netto"]),
        (f"Jumlah plafon OPD ({summary['ceilings']['count']} OPD)", summary["ceilings"]["total"]),
        ("Rencana belanja belum diplafonkan", summary["ceiling_room"]),
    ]


def ceiling_target(ceiling):
    target = ceiling.program or ceiling.sub_kegiatan
    return target.code, target.name


class KuaPdf(KuaRequest, PdfKind):
    key = "kua-ppas-pdf"
    template = "reporting/documents/kua.html"

    def part_context(self, job, part, beat):
        _, figures = self.figures(job)
        return {"figures": figures, "summary": summary_rows(figures["summary"])}


class KuaXlsx(KuaRequest, XlsxKind):
    key = "kua-ppas-xlsx"

    def write(self, job, workbook, beat):
        kua, figures = self.figures(job)
        head = kua_head(kua)
        facts = [("Versi", head.version), *(("Dasar", legal) for legal in head.legal)]
        facts += summary_rows(figures["summary"])
        policy = spreadsheets.document_sheet(
            workbook,
            "Kebijakan",
            f"{head.title.upper()} {head.year}",
            facts,
            [("Kode rekening", 20), ("Uraian", 60), ("Jumlah (Rp)", 22), ("Kebijakan / keterangan", 60)],
        )
        for _, title, lines in figures["sections"]:
            policy.append(spreadsheets.figure_row(policy, [None, title], [], group=True))
            for line in lines:
                policy.append(
                    [
                        *spreadsheets.figure_row(policy, [line.account.code, line.account.name], [line.amount]),
                        spreadsheets.cell(policy, line.note),
                    ]
                )
        table = spreadsheets.document_sheet(
            workbook,
            "Plafon",
            f"PLAFON ANGGARAN SEMENTARA {head.year}",
            [("Versi", head.version)],
            [("Kode", 24), ("OPD / program / sub-kegiatan", 60), ("Pagu indikatif RKPD", 22), ("Plafon (Rp)", 22)],
        )
        for ceiling, narrower in figures["ceilings"]:
            table.append(
                spreadsheets.figure_row(
                    table, [ceiling.opd.code, ceiling.opd.name], [ceiling.pagu_indikatif, ceiling.amount], group=True
                )
            )
            for below in narrower:
                table.append(spreadsheets.figure_row(table, ceiling_target(below), [None, below.amount]))
        total = figures["summary"]["ceilings"]["total"]
        table.append(spreadsheets.figure_row(table, [None, "JUMLAH PLAFON OPD"], [None, total], group=True))
