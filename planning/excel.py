"""Excel for the planning stage: Renja and RKPD workbooks, and reading uploaded tables of rows.

Exports are written with the workbook style of `masterdata.spreadsheets`. Reading turns each data row
into a `SheetRow`: cells by column, the values a service expects, and what was wrong, by column. The
rules themselves stay in the services; see `planning.services.import_renja_lines` and
`planning.target_services`.
"""

from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce
from openpyxl import Workbook

from masterdata.models import FundingSource, Nomenclature
from masterdata.money import ZERO
from masterdata.spreadsheets import (
    BOLD,
    GROUP,
    GROUP_FILL,
    TITLE,
    WRAP,
    cell,
    document_sheet,
    header_row,
    local_time,
    money_cell,
    number_cell,
    printed_at,
    read_sheet,
    save,
    set_widths,
    title_block,
)

from . import selectors
from .models import RenjaLine, RenstraProgram

RENJA_IMPORT_COLUMNS = {
    "sub_kegiatan": "kode_sub_kegiatan",
    "location": "lokasi",
    "output_indicator": "indikator_keluaran",
    "output_target": "target",
    "output_unit": "satuan",
    "pagu_indikatif": "pagu_indikatif",
    "pagu_indikatif_next": "pagu_indikatif_berikutnya",
    "funding_source": "kode_sumber_dana",
    "renstra_program": "kode_program_renstra",
}


RENJA_IMPORT_OPTIONAL = ("kode_sumber_dana", "kode_program_renstra")


def _max_length(field):
    return RenjaLine._meta.get_field(field).max_length


def renja_renstra_programs(renja):
    """The OPD's Renstra programs of the RPJMD period that covers the Renja's year."""
    year = renja.fiscal_year.year
    return RenstraProgram.objects.filter(
        renstra__opd_id=renja.opd_id, renstra__rpjmd__first_year__lte=year, renstra__rpjmd__first_year__gte=year - 4
    ).select_related("program", "rpjmd_target")


def _find_renstra_program(programs, code):
    """`kode_program` or, when the program serves several RPJMD targets, `kode_program/kode_sasaran`."""
    program_code, _, target_code = code.partition("/")
    found = [
        row
        for row in programs
        if row.program.code == program_code and (not target_code or row.rpjmd_target.code == target_code)
    ]
    if not found:
        return None, f"program '{code}' tidak ada di Renstra OPD untuk tahun ini"
    if len(found) > 1:
        targets = ", ".join(row.rpjmd_target.code for row in found)
        return None, f"program '{code}' melayani beberapa sasaran RPJMD ({targets}); tulis sebagai {code}/kode_sasaran"
    return found[0], ""


def read_renja_lines(renja, source, *, filename=None):
    """Rows of a Renja line upload with `values` ready for add_renja_line; codes resolved in the year's lists.

    Unknown codes, bad numbers, over-long text and a sub-kegiatan repeated in the file are recorded here;
    everything else (allowed for the OPD, negative, already planned...) is the service's to judge.
    """
    rows = read_sheet(
        source, filename=filename, columns=list(RENJA_IMPORT_COLUMNS.values()), optional=RENJA_IMPORT_OPTIONAL
    )
    year, version_id = renja.fiscal_year.year, renja.fiscal_year.reference_version_id
    wanted = {column: {row.text(column) for row in rows} - {""} for column in RENJA_IMPORT_COLUMNS.values()}
    sub_kegiatan = {
        node.code: node
        for node in Nomenclature.objects.filter(version_id=version_id, code__in=wanted["kode_sub_kegiatan"])
    }
    sources = {
        node.code: node
        for node in FundingSource.objects.filter(version_id=version_id, code__in=wanted["kode_sumber_dana"])
    }
    programs = list(renja_renstra_programs(renja)) if wanted["kode_program_renstra"] else []
    first_line = {}
    for row in rows:
        code = row.code = row.text("kode_sub_kegiatan")
        values = row.values = {
            "sub_kegiatan": sub_kegiatan.get(code),
            "location": row.text("lokasi", max_length=_max_length("location")),
            "output_indicator": row.text("indikator_keluaran", max_length=_max_length("output_indicator")),
            "output_target": row.decimal("target"),
            "output_unit": row.text("satuan", max_length=_max_length("output_unit")),
            "pagu_indikatif": row.decimal("pagu_indikatif"),
            "pagu_indikatif_next": row.decimal("pagu_indikatif_berikutnya"),
            "funding_source": None,
            "renstra_program": None,
        }
        if not code:
            row.fail("kode_sub_kegiatan", "wajib diisi")
        elif values["sub_kegiatan"] is None:
            row.fail("kode_sub_kegiatan", f"kode '{code}' tidak ada di nomenklatur tahun {year}")
        elif code in first_line:
            row.fail("kode_sub_kegiatan", f"kode ganda: sub-kegiatan ini sudah ada di baris {first_line[code]}")
            values["sub_kegiatan"] = None  # the rest of the row is still judged, against no line
        else:
            first_line[code] = row.line
        source_code = row.text("kode_sumber_dana")
        if source_code:
            values["funding_source"] = sources.get(source_code)
            if values["funding_source"] is None:
                row.fail("kode_sumber_dana", f"kode '{source_code}' tidak ada di daftar sumber dana tahun {year}")
        program_code = row.text("kode_program_renstra")
        if program_code:
            values["renstra_program"], message = _find_renstra_program(programs, program_code)
            if message:
                row.fail("kode_program_renstra", message)
    return rows


RENJA_COLUMNS = [
    ("No", 5),
    ("Kode", 22),
    ("Program / Kegiatan / Sub-kegiatan", 48),
    ("Lokasi", 24),
    ("Indikator keluaran", 36),
    ("Target", 10),
    ("Satuan", 12),
    ("Pagu indikatif {year} (Rp)", 20),
    ("Pagu indikatif {next} (Rp)", 20),
    ("Sumber dana", 28),
    ("Sasaran RPJMD", 12),
    ("Indikator program (Renstra)", 32),
    ("Target Renstra {year}", 12),
    ("Satuan Renstra", 12),
]


def _renja_subtotals(renja, path):
    return {
        row["node"]: row
        for row in renja.lines.values(node=F(path)).annotate(
            total=Sum("pagu_indikatif"), total_next=Sum("pagu_indikatif_next")
        )
    }


def export_renja(renja):
    """A SIPD-like Renja table: program and kegiatan rows with subtotals, one row per sub-kegiatan, the total."""
    year = renja.fiscal_year.year
    workbook = Workbook(write_only=True)
    sheet = document_sheet(
        workbook,
        "Renja",
        "RENCANA KERJA PERANGKAT DAERAH (RENJA)",
        [
            ("Perangkat daerah", f"{renja.opd.code} {renja.opd.name}"),
            ("Tahun anggaran", year),
            ("Tahap", renja.get_stage_display()),
            ("Status", renja.get_state_display()),
            ("Dicetak", printed_at()),
        ],
        [(title.format(year=year, next=year + 1), width) for title, width in RENJA_COLUMNS],
        frozen_columns=3,
    )

    programs = _renja_subtotals(renja, "sub_kegiatan__parent__parent")
    kegiatans = _renja_subtotals(renja, "sub_kegiatan__parent")
    lines = selectors.renja_lines(renja).select_related("renstra_program__renstra__rpjmd")
    current_program = current_kegiatan = None
    for number, line in enumerate(lines, start=1):
        kegiatan = line.sub_kegiatan.parent
        program = kegiatan.parent
        if program.pk != current_program:
            current_program = program.pk
            sheet.append(_group_row(sheet, program, programs[program.pk]))
        if kegiatan.pk != current_kegiatan:
            current_kegiatan = kegiatan.pk
            sheet.append(_group_row(sheet, kegiatan, kegiatans[kegiatan.pk]))
        sheet.append(_renja_line_row(sheet, number, line, year))
    totals = selectors.renja_totals(renja)
    sheet.append(
        [
            None,
            None,
            cell(sheet, f"JUMLAH ({totals['line_count']} sub-kegiatan)", font=BOLD),
            *[None] * 4,
            money_cell(sheet, totals["total_pagu"], font=BOLD),
            money_cell(sheet, totals["total_pagu_next"], font=BOLD),
        ]
    )
    return save(workbook)


def _group_row(sheet, node, totals):
    return [
        cell(sheet, None, fill=GROUP_FILL),
        cell(sheet, node.code, **GROUP),
        cell(sheet, node.name, alignment=WRAP, **GROUP),
        *[cell(sheet, None, fill=GROUP_FILL) for _ in range(4)],
        money_cell(sheet, totals["total"], **GROUP),
        money_cell(sheet, totals["total_next"], **GROUP),
    ]


def _plan_cells(sheet, line):
    """A line's output target and unit, both pagu, its funding source and the RPJMD target its program serves."""
    program = line.renstra_program
    return [
        number_cell(sheet, line.output_target),
        line.output_unit,
        money_cell(sheet, line.pagu_indikatif),
        money_cell(sheet, line.pagu_indikatif_next),
        str(line.funding_source) if line.funding_source else None,
        program.rpjmd_target.code if program else None,
    ]


def _renja_line_row(sheet, number, line, year):
    program = line.renstra_program
    renstra_target = None
    if program is not None:
        index = program.renstra.rpjmd.year_index(year)
        renstra_target = program.targets[index - 1] if index else None
    return [
        number,
        line.sub_kegiatan.code,
        cell(sheet, line.sub_kegiatan.name, alignment=WRAP),
        cell(sheet, line.location, alignment=WRAP),
        cell(sheet, line.output_indicator, alignment=WRAP),
        *_plan_cells(sheet, line),
        cell(sheet, program.indicator, alignment=WRAP) if program else None,
        number_cell(sheet, renstra_target),
        program.unit if program else None,
    ]


def _totals_sheet(workbook, title, heading, columns, rows, totals):
    """A sheet of code, name, count and the two pagu columns, closed by the RKPD's totals."""
    sheet = workbook.create_sheet(title)
    set_widths(sheet, [22, 60, 14, 22, 22])
    sheet.append([cell(sheet, heading, font=TITLE)])
    sheet.append([])
    header_row(sheet, columns)
    for row in rows:
        sheet.append(
            [
                row["code"],
                row["name"],
                row["lines"],
                money_cell(sheet, row["total"]),
                money_cell(sheet, row["total_next"]),
            ]
        )
    sheet.append(
        [
            None,
            cell(sheet, "JUMLAH", font=BOLD),
            cell(sheet, totals["lines"], font=BOLD),
            money_cell(sheet, totals["total"], font=BOLD),
            money_cell(sheet, totals["total_next"], font=BOLD),
        ]
    )


def export_rkpd(rkpd):
    """The RKPD workbook: summary, totals per OPD/urusan/bidang/program, every line, RPJMD coverage, proposals."""
    year = rkpd.fiscal_year.year
    money_titles = [f"Pagu indikatif {year} (Rp)", f"Pagu indikatif {year + 1} (Rp)"]
    lines = selectors.rkpd_lines(rkpd)
    summary = lines.aggregate(
        lines=Count("pk"),
        renjas=Count("renja", distinct=True),
        total=Coalesce(Sum("pagu_indikatif"), ZERO),
        total_next=Coalesce(Sum("pagu_indikatif_next"), ZERO),
    )
    coverage = list(selectors.rpjmd_target_coverage(rkpd))
    proposals = selectors.rkpd_proposals(rkpd)
    workbook = Workbook(write_only=True)

    sheet = workbook.create_sheet("Ringkasan")
    set_widths(sheet, [40, 40])
    title_block(
        sheet,
        f"RENCANA KERJA PEMERINTAH DAERAH (RKPD) TAHUN {year}",
        [
            ("Status", rkpd.get_state_display()),
            ("Perbup RKPD", rkpd.regulation or "-"),
            ("Dikonsolidasikan", local_time(rkpd.consolidated_at)),
            ("Difinalkan", local_time(rkpd.finalized_at)),
            ("Jumlah Renja OPD", summary["renjas"]),
            ("Jumlah sub-kegiatan", summary["lines"]),
            ("Total pagu indikatif (Rp)", summary["total"]),
            ("Sasaran RPJMD belum dilayani", sum(1 for target in coverage if not target.line_count)),
            ("Usulan diakomodasi", proposals["accepted"].count()),
            ("Usulan tidak didanai", proposals["unfunded"].count()),
            ("Dicetak", printed_at()),
        ],
    )

    _totals_sheet(
        workbook,
        "Per OPD",
        f"Pagu indikatif per perangkat daerah, RKPD {year}",
        _totals_titles("OPD", money_titles),
        selectors.rkpd_opd_totals(rkpd),
        summary,
    )
    for level, label in (("urusan", "Urusan"), ("bidang", "Bidang urusan"), ("program", "Program")):
        _totals_sheet(
            workbook,
            f"Per {label.split()[0]}",
            f"Pagu indikatif per {label.lower()}, RKPD {year}",
            _totals_titles(label, money_titles),
            selectors.rkpd_totals_by(rkpd, level),
            summary,
        )
    _rkpd_lines_sheet(workbook, lines, money_titles)
    _coverage_sheet(workbook, coverage, year)
    _proposals_sheet(workbook, "Usulan Diakomodasi", proposals["accepted"], accepted=True)
    _proposals_sheet(workbook, "Usulan Tidak Didanai", proposals["unfunded"], accepted=False)
    return save(workbook)


def _totals_titles(label, money_titles):
    return [f"Kode {label.lower()}", label, "Jumlah sub-kegiatan", *money_titles]


def _rkpd_lines_sheet(workbook, lines, money_titles):
    sheet = workbook.create_sheet("Rincian Sub-kegiatan")
    set_widths(sheet, [24, 36, 22, 48, 24, 36, 10, 12, 20, 20, 28, 12])
    header_row(
        sheet,
        [
            "Kode OPD",
            "OPD",
            "Kode sub-kegiatan",
            "Sub-kegiatan",
            "Lokasi",
            "Indikator keluaran",
            "Target",
            "Satuan",
            *money_titles,
            "Sumber dana",
            "Sasaran RPJMD",
        ],
    )
    rows = lines.select_related(
        "renja__opd", "sub_kegiatan", "funding_source", "renstra_program__rpjmd_target"
    ).order_by("renja__opd__code", "sub_kegiatan__code")
    for line in rows.iterator(chunk_size=1000):
        sheet.append(
            [
                line.renja.opd.code,
                line.renja.opd.name,
                line.sub_kegiatan.code,
                line.sub_kegiatan.name,
                line.location,
                line.output_indicator,
                *_plan_cells(sheet, line),
            ]
        )


def _coverage_sheet(workbook, coverage, year):
    sheet = workbook.create_sheet("Capaian Sasaran RPJMD")
    set_widths(sheet, [12, 12, 48, 36, 12, 14, 14, 20, 22])
    header_row(
        sheet,
        [
            "Kode tujuan",
            "Kode sasaran",
            "Sasaran",
            "Indikator",
            "Satuan",
            f"Target {year}",
            "Jumlah sub-kegiatan",
            "Pagu indikatif (Rp)",
            "Keterangan",
        ],
    )
    for target in coverage:
        index = target.goal.rpjmd.year_index(year)
        sheet.append(
            [
                target.goal.code,
                target.code,
                cell(sheet, target.statement, alignment=WRAP),
                cell(sheet, target.indicator, alignment=WRAP),
                target.unit,
                number_cell(sheet, target.targets[index - 1] if index else None),
                target.line_count,
                money_cell(sheet, target.total_pagu),
                "Dilayani" if target.line_count else cell(sheet, "BELUM DILAYANI", font=BOLD),
            ]
        )


def _proposals_sheet(workbook, title, proposals, *, accepted):
    sheet = workbook.create_sheet(title)
    set_widths(sheet, [14, 26, 48, 18, 22, 36, 20, 22, 40])
    last = ["Sub-kegiatan Renja", "Catatan"] if accepted else ["Ditunda ke tahun", "Alasan/catatan"]
    header_row(
        sheet,
        [
            "Kode pelacakan",
            "Sumber",
            "Judul",
            "Kecamatan",
            "Desa/kelurahan",
            "OPD tujuan",
            "Perkiraan biaya (Rp)",
            "Status",
            *last,
        ],
    )
    rows = proposals.select_related("village")
    for proposal in rows.iterator(chunk_size=1000):
        if accepted:
            line = proposal.renja_line
            tail = [str(line.sub_kegiatan) if line else None, proposal.decision_note]
        else:
            tail = [proposal.deferred_to_year, proposal.decision_note]
        sheet.append(
            [
                proposal.tracking_code,
                proposal.get_source_display(),
                cell(sheet, proposal.title, alignment=WRAP),
                proposal.kecamatan.name,
                proposal.village.name if proposal.village else None,
                proposal.suggested_opd.name if proposal.suggested_opd else None,
                money_cell(sheet, proposal.estimated_cost),
                proposal.get_status_display(),
                *tail,
            ]
        )
