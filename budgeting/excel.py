"""Excel for budgeting: RKA line import from .xlsx/.csv, and RKA and DPA workbooks in a SIPD-like layout.

The import resolves every code of every row first (an unknown code is that row's error), then hands the
rows that read cleanly to `rka_services.import_rka_lines`, which judges them by the rules of a single save
and checks them together against every ceiling. Any problem in any row, from either step, imports
nothing and lists every bad row.

Exports are written with the workbook style of `masterdata.spreadsheets`. Per sub-kegiatan the sheet shows
its program, kegiatan, location and output, then its lines grouped by account (and work package), with
subtotals summed in the database.
"""

from contextlib import closing
from itertools import groupby
from operator import attrgetter

from django.db import transaction
from openpyxl import Workbook

from masterdata.importers import InvalidFile, RowError, parse_decimal
from masterdata.models import Account, FundingSource, StandardPriceItem
from masterdata.money import ZERO
from masterdata.spreadsheets import (
    BOLD,
    GROUP,
    MAX_ROWS,
    WRAP,
    cell,
    document_sheet,
    money_cell,
    number_cell,
    printed_at,
    read_sheet,
    save,
)

from . import ceiling_rules
from .forms.dpa import MONTH_NAMES
from .models import CashPlan, RkaLine, RkaSubKegiatan
from .selectors import dpa as dpa_selectors
from .selectors import rka as rka_selectors
from .services import rka as rka_services

# Service field -> column of the import table.
RKA_IMPORT_COLUMNS = {
    "sub_kegiatan": "kode_sub_kegiatan",
    "account": "kode_rekening",
    "standard_price": "kode_standar_harga",
    "work_package": "paket_pekerjaan",
    "description": "keterangan",
    "specification": "spesifikasi",
    "recipient": "penerima",
    "volume_1": "volume_1",
    "unit_1": "satuan_1",
    "volume_2": "volume_2",
    "unit_2": "satuan_2",
    "volume_3": "volume_3",
    "unit_3": "satuan_3",
    "unit_price": "harga_satuan",
    "funding_source": "kode_sumber_dana",
    "location": "lokasi",
}
RKA_IMPORT_OPTIONAL = ("kode_standar_harga", "penerima")
TEXT_FIELDS = ("work_package", "description", "specification", "recipient", "unit_1", "unit_2", "unit_3", "location")
VOLUME_PLACES = RkaLine._meta.get_field("volume_1").decimal_places


# --- Import -----------------------------------------------------------------------------------


def _volume(row, column):
    """A volume factor (up to four decimals), None when empty; a bad number is recorded on the row."""
    if not row.text(column):
        return None
    try:
        return parse_decimal(row.cells[column], places=VOLUME_PLACES)
    except ValueError as exc:
        row.fail(column, str(exc))
        return None


def _by_code(queryset, codes):
    return {item.code: item for item in queryset.filter(code__in=codes)} if codes else {}


def read_rka_lines(rka, source, *, filename=None, max_rows=MAX_ROWS):
    """Rows of an RKA line upload with `values` ready for import_rka_lines; every code resolved per row.

    Unknown codes, bad numbers, missing required cells and over-long text are recorded here; whether the
    account, item, price and ceilings allow the line is the service's to judge.
    """
    rows = read_sheet(
        source,
        filename=filename,
        columns=list(RKA_IMPORT_COLUMNS.values()),
        optional=RKA_IMPORT_OPTIONAL,
        max_rows=max_rows,
    )
    fiscal_year = rka.version.fiscal_year
    year, version_id = fiscal_year.year, fiscal_year.reference_version_id
    wanted = {column: {row.text(column) for row in rows} - {""} for column in RKA_IMPORT_COLUMNS.values()}
    subs = {
        sub.sub_kegiatan.code: sub
        for sub in RkaSubKegiatan.objects.filter(rka=rka).select_related("sub_kegiatan__parent")
    }
    found = {
        "kode_rekening": _by_code(Account.objects.filter(version_id=version_id), wanted["kode_rekening"]),
        "kode_sumber_dana": _by_code(FundingSource.objects.filter(version_id=version_id), wanted["kode_sumber_dana"]),
        "kode_standar_harga": _by_code(
            StandardPriceItem.objects.filter(fiscal_year=fiscal_year), wanted["kode_standar_harga"]
        ),
    }
    lists = {
        "kode_rekening": f"daftar kode rekening tahun {year}",
        "kode_sumber_dana": f"daftar sumber dana tahun {year}",
        "kode_standar_harga": f"katalog standar harga tahun {year}",
    }
    for row in rows:
        values = row.values = {}
        for field in TEXT_FIELDS:
            column = RKA_IMPORT_COLUMNS[field]
            values[field] = row.text(column, max_length=RkaLine._meta.get_field(field).max_length)
        sub_code = row.text("kode_sub_kegiatan")
        values["sub_kegiatan"] = subs.get(sub_code) if sub_code else None
        if sub_code and values["sub_kegiatan"] is None:
            row.fail("kode_sub_kegiatan", f"sub-kegiatan '{sub_code}' tidak ada di RKA ini; tambahkan lebih dulu")
        for field, required in (("account", True), ("funding_source", True), ("standard_price", False)):
            column = RKA_IMPORT_COLUMNS[field]
            code = row.text(column)
            values[field] = found[column].get(code)
            if not code and required:
                row.fail(column, "wajib diisi")
            elif code and values[field] is None:
                row.fail(column, f"kode '{code}' tidak ada di {lists[column]}")
        row.code = row.text("kode_rekening")
        values["volume_1"] = _volume(row, "volume_1")
        if values["volume_1"] is None and "volume_1" not in row.errors:
            row.fail("volume_1", "wajib diisi")
        values["volume_2"] = _volume(row, "volume_2")
        values["volume_3"] = _volume(row, "volume_3")
        values["unit_price"] = row.decimal("harga_satuan")
        if values["unit_price"] is None:
            row.fail("harga_satuan", "wajib diisi")
    return rows


def _column_message(message):
    """`unit_price: Harga satuan melebihi ...` as the file names it: `harga_satuan: ...`."""
    field, separator, rest = message.partition(": ")
    column = RKA_IMPORT_COLUMNS.get(field)
    return f"{column}: {rest}" if separator and column else message


@transaction.atomic
def import_rka_file(*, actor, rka, source, filename=None, max_rows=MAX_ROWS):
    """Import RKA lines from an uploaded table: all of them, or none and every bad row with its reasons.

    The rows that read cleanly always go through `rka_services.import_rka_lines` (which also checks that the
    actor may edit this RKA); if other rows could not be read, what it created is rolled back with them.
    """
    rows = read_rka_lines(rka, source, filename=filename, max_rows=max_rows)
    errors = [error for row in rows for error in row.row_errors()]
    codes = {row.line: row.code for row in rows}
    clean = [(row.line, row.values) for row in rows if not row.errors]
    try:
        lines = rka_services.import_rka_lines(actor=actor, rka=rka, rows=clean)
    except InvalidFile as exc:
        lines = []
        errors += [RowError(e.line, _column_message(e.message), codes.get(e.line, "")) for e in exc.errors]
    if errors:
        raise InvalidFile(sorted(errors, key=lambda error: error.line))
    return lines


# --- Export -----------------------------------------------------------------------------------

HEADING = {"font": BOLD}

COLUMNS = [
    ("Kode", 24),
    ("Uraian", 52),
    ("Spesifikasi", 30),
    ("Koefisien", 22),
    ("Volume", 10),
    ("Harga satuan (Rp)", 18),
    ("Jumlah (Rp)", 20),
    ("Sumber dana", 20),
    ("Lokasi", 24),
    ("Penerima", 24),
]
AMOUNT_COLUMN = 6  # "Jumlah (Rp)": every subtotal and total is in this column
SECTION_LABELS = {"4": "PENDAPATAN DAERAH", "5": "BELANJA DAERAH", "6": "PEMBIAYAAN DAERAH"}
TOTAL_LABELS = {
    "4": "JUMLAH PENDAPATAN",
    "5": "JUMLAH BELANJA",
    "6.1": "JUMLAH PENERIMAAN PEMBIAYAAN",
    "6.2": "JUMLAH PENGELUARAN PEMBIAYAAN",
}


def _number_text(value):
    return f"{value.normalize():f}".replace(".", ",")


def coefficient(line):
    """The koefisien as SIPD prints it: `2 orang x 12 bulan`."""
    factors = [(line.volume_1, line.unit_1), (line.volume_2, line.unit_2), (line.volume_3, line.unit_3)]
    return " x ".join(f"{_number_text(volume)} {unit}".strip() for volume, unit in factors if volume is not None)


def _total_row(sheet, label, amount=None, *, code=None, style=GROUP):
    """A heading or total row: its code in Kode, its label in Uraian, its amount in Jumlah."""
    cells = [cell(sheet, None, fill=style.get("fill")) for _ in COLUMNS]
    cells[0] = cell(sheet, code, **style)
    cells[1] = cell(sheet, label, alignment=WRAP, **style)
    cells[AMOUNT_COLUMN] = money_cell(sheet, amount, **style)
    return cells


def _line_row(sheet, line):
    item = line.standard_price
    factors = {"volume_1": line.volume_1, "volume_2": line.volume_2, "volume_3": line.volume_3}
    return [
        None,
        cell(sheet, line.description or (item.name if item else ""), alignment=WRAP),
        cell(sheet, line.specification or (item.specification if item else ""), alignment=WRAP),
        coefficient(line),
        number_cell(sheet, ceiling_rules.line_volume(factors)),
        money_cell(sheet, line.unit_price),
        money_cell(sheet, line.amount),
        line.funding_source.code,
        line.location or None,
        line.recipient or None,
    ]


def _lines(rka, **filters):
    return (
        RkaLine.objects.filter(rka=rka, **filters)
        .select_related("account", "standard_price", "funding_source")
        .order_by("sub_kegiatan__sub_kegiatan__code", "account__code", "work_package", "pk")
    )


def _write_lines(sheet, lines, sums, sub_id):
    """Lines grouped by account, then by work package, each group headed by its subtotal."""
    account = package = None
    for line in lines:
        if line.account_id != account:
            account, package = line.account_id, None
            subtotal = sums.accounts[(sub_id, account)]
            sheet.append(_total_row(sheet, line.account.name, subtotal, code=line.account.code))
        if line.work_package and line.work_package != package:
            package = line.work_package
            subtotal = sums.packages[(sub_id, account, package)]
            sheet.append(_total_row(sheet, f"[#] {package}", subtotal, style=HEADING))
        sheet.append(_line_row(sheet, line))


def _sub_kegiatan_block(sheet, sub, amount):
    node = sub.sub_kegiatan
    kegiatan = node.parent
    program = kegiatan.parent
    sheet.append(_total_row(sheet, f"Program: {program.name}", code=program.code, style=HEADING))
    sheet.append(_total_row(sheet, f"Kegiatan: {kegiatan.name}", code=kegiatan.code, style=HEADING))
    sheet.append(_total_row(sheet, f"Sub Kegiatan: {node.name}", amount, code=node.code))
    facts = [
        f"Lokasi: {sub.location}",
        f"Keluaran: {sub.output_indicator} ({_number_text(sub.output_target)} {sub.output_unit})",
    ]
    if sub.priority_labels:
        facts.append(f"Label prioritas: {sub.priority_labels}")
    for fact in facts:
        sheet.append([None, cell(sheet, fact, alignment=WRAP)])


def _write_budget(sheet, rka):
    """Pendapatan, then belanja per sub-kegiatan (also those without lines yet), then pembiayaan."""
    sums = rka_selectors.rka_subtotals(rka)
    zero = ZERO
    others = _lines(rka, sub_kegiatan__isnull=True)
    revenue = list(others.filter(akun=RkaLine.Akun.PENDAPATAN))
    if revenue:
        sheet.append(_total_row(sheet, SECTION_LABELS["4"], style=HEADING))
        _write_lines(sheet, revenue, sums, None)
        sheet.append(_total_row(sheet, TOTAL_LABELS["4"], sums.groups.get("4", zero)))

    sheet.append(_total_row(sheet, SECTION_LABELS["5"], style=HEADING))
    subs = RkaSubKegiatan.objects.filter(rka=rka).select_related("sub_kegiatan__parent__parent")
    # Lines come in the sub-kegiatan's code order, like the sub-kegiatan: one pass over both. Closed on
    # failure too: an open cursor would otherwise live on with the traceback that holds it.
    with closing(_lines(rka, sub_kegiatan__isnull=False).iterator(chunk_size=2000)) as lines:
        by_sub = groupby(lines, attrgetter("sub_kegiatan_id"))
        pending = next(by_sub, None)
        for sub in subs.order_by("sub_kegiatan__code"):
            _sub_kegiatan_block(sheet, sub, sums.sub_kegiatan.get(sub.pk, zero))
            if pending is not None and pending[0] == sub.pk:
                _write_lines(sheet, pending[1], sums, sub.pk)
                pending = next(by_sub, None)
    sheet.append(_total_row(sheet, TOTAL_LABELS["5"], sums.groups.get("5", zero)))

    financing = list(others.filter(akun=RkaLine.Akun.PEMBIAYAAN))
    if financing:
        sheet.append(_total_row(sheet, SECTION_LABELS["6"], style=HEADING))
        for group in ("6.1", "6.2"):
            _write_lines(sheet, [line for line in financing if line.account.code.startswith(group)], sums, None)
            sheet.append(_total_row(sheet, TOTAL_LABELS[group], sums.groups.get(group, zero)))


def _rka_identity(rka):
    version = rka.version
    return [
        ("Perangkat daerah", f"{rka.opd.code} {rka.opd.name}"),
        ("Tahun anggaran", version.fiscal_year.year),
        ("Versi APBD", str(version)),
    ]


def _rka_facts(rka):
    """Who, which year and version, and the OPD's ceiling with what remains of it."""
    facts = _rka_identity(rka)
    opd_ceiling = next(iter(ceiling_rules.rka_standing(rka).ceilings), None)  # without a sub-kegiatan: the OPD's only
    if opd_ceiling is not None:
        facts += [("Plafon OPD (Rp)", opd_ceiling.ceiling.amount), ("Sisa plafon (Rp)", opd_ceiling.remaining)]
    return facts


def export_rka(rka):
    """The RKA-SKPD workbook: pendapatan, belanja per sub-kegiatan, pembiayaan, with every subtotal."""
    workbook = Workbook(write_only=True)
    facts = [*_rka_facts(rka), ("Status", rka.get_state_display()), ("Dicetak", printed_at())]
    title = "RENCANA KERJA DAN ANGGARAN SATUAN KERJA PERANGKAT DAERAH (RKA-SKPD)"
    _write_budget(document_sheet(workbook, "RKA-SKPD", title, facts, COLUMNS, frozen_columns=2), rka)
    return save(workbook)


def export_dpa(dpa):
    """The DPA-SKPD workbook: the budget laid out as in the RKA, and its anggaran kas per month."""
    rka = dpa.rka
    workbook = Workbook(write_only=True)
    facts = [
        ("Nomor DPA", dpa.number or "-"),
        *_rka_identity(rka),
        ("Status", dpa.get_state_display()),
        ("Dicetak", printed_at()),
    ]
    title = "DOKUMEN PELAKSANAAN ANGGARAN SATUAN KERJA PERANGKAT DAERAH (DPA-SKPD)"
    _write_budget(document_sheet(workbook, "DPA-SKPD", title, facts, COLUMNS, frozen_columns=2), rka)
    _write_cash_plan(workbook, dpa, facts[:3])
    return save(workbook)


CASH_COLUMNS = [("Kode", 24), ("Uraian", 48), ("Pagu (Rp)", 18), *((month, 16) for month in MONTH_NAMES)]
CASH_COLUMNS += [("Jumlah (Rp)", 18), ("Selisih (Rp)", 16)]


def _write_cash_plan(workbook, dpa, facts):
    """Per sub-kegiatan (belanja) and per pendapatan/pembiayaan group: pagu, twelve months, sum, difference."""
    sheet = document_sheet(workbook, "Anggaran Kas", "ANGGARAN KAS", facts, CASH_COLUMNS, frozen_columns=2)
    monthly = dpa_selectors.cash_plan_month_totals(dpa)
    rows = dpa_selectors.cash_plan_rows(dpa)
    zero = ZERO
    for group, label in CashPlan.Group.choices:
        in_group = [row for row in rows if row["account_group"] == group]
        if not in_group:
            continue
        for row in in_group:
            sub = row["sub_kegiatan"]
            code, name = (sub.sub_kegiatan.code, sub.sub_kegiatan.name) if sub else (group, str(label))
            sheet.append(_cash_row(sheet, code, name, row["pagu"], row["months"], row["planned"], row["difference"]))
        if group == CashPlan.Group.BELANJA:
            pagu = sum((row["pagu"] for row in in_group), zero)
            months = [monthly.get((group, month), zero) for month in range(1, 13)]
            planned = sum(months, zero)
            sheet.append(_cash_row(sheet, None, "JUMLAH BELANJA", pagu, months, planned, planned - pagu, style=GROUP))


def _cash_row(sheet, code, name, pagu, months, planned, difference, style=None):
    style = style or {}
    return [
        cell(sheet, code, **style),
        cell(sheet, name, alignment=WRAP, **style),
        money_cell(sheet, pagu, **style),
        *[money_cell(sheet, amount, **style) for amount in months],
        money_cell(sheet, planned, **style),
        money_cell(sheet, difference, **style),
    ]
