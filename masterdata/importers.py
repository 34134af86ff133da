"""Reading and validating reference-data files (CSV or Excel) before anything is written.

A file is read whole and every row is checked; any bad row means the caller writes nothing and
shows the full list of `RowError`s, each with its line number (the header is line 1).
"""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

NOMENCLATURE_PATTERNS = {
    "urusan": r"(?:\d|X)",
    "bidang": r"(?:\d\.\d{2}|X\.XX)",
    "program": r"(?:\d\.\d{2}|X\.XX)\.\d{2}",
    "kegiatan": r"(?:\d\.\d{2}|X\.XX)\.\d{2}\.[12]\.\d{2}",
    "sub_kegiatan": r"(?:\d\.\d{2}|X\.XX)\.\d{2}\.[12]\.\d{2}\.\d{4}",
}
# How many dotted segments to drop from a code to get its parent's code.
NOMENCLATURE_PARENT_STRIP = {"bidang": 1, "program": 1, "kegiatan": 2, "sub_kegiatan": 1}

ACCOUNT_PATTERNS = {
    "akun": r"[456]",
    "kelompok": r"[456]\.\d",
    "jenis": r"[456]\.\d\.\d{2}",
    "objek": r"[456]\.\d\.\d{2}\.\d{2}",
    "rincian_objek": r"[456]\.\d\.\d{2}\.\d{2}\.\d{2}",
    "sub_rincian_objek": r"[456]\.\d\.\d{2}\.\d{2}\.\d{2}\.\d{4}",
}
FUNDING_SOURCE_PATTERNS = {level: pattern.replace("[456]", r"\d") for level, pattern in ACCOUNT_PATTERNS.items()}
SIX_LEVEL_PARENT_STRIP = {level: 1 for level in list(ACCOUNT_PATTERNS)[1:]}

REGION_PATTERNS = {
    "kecamatan": r"35\.11\.\d{2}",
    "desa": r"35\.11\.\d{2}\.2\d{3}",
    "kelurahan": r"35\.11\.\d{2}\.1\d{3}",
}
REGION_PARENT_STRIP = {"desa": 1, "kelurahan": 1}
REGION_PARENT_LEVELS = {"desa": "kecamatan", "kelurahan": "kecamatan"}

OPD_CODE_PATTERN = r"\d\.\d{2}\.\d\.\d{2}\.\d\.\d{2}\.\d{2}\.(?:\d{2}|\d{4})"
PEMDA_VALUES = {"semua", "provinsi", "kabkota"}


@dataclass
class RowError:
    line: int
    message: str
    code: str = ""

    def __str__(self):
        where = f"baris {self.line}" + (f" ({self.code})" if self.code else "")
        return f"{where}: {self.message}"


class InvalidFile(Exception):
    """The file has bad rows; nothing was written."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(f"{len(errors)} baris bermasalah; tidak ada data yang dimuat.")


@dataclass
class CodedRow:
    line: int
    code: str
    level: str
    name: str
    parent_code: str
    is_active: bool
    extra: dict = field(default_factory=dict)


def _clean(value):
    if value is None:
        return ""
    text = str(value) if not isinstance(value, str) else value
    return " ".join(text.split())


def read_table(source, *, filename=None):
    """Rows of a CSV or XLSX file as (line number, dict) pairs, keys lower-cased and trimmed.

    `source` is a path or a binary file object; `filename` tells the format of a file object.
    """
    name = str(filename or getattr(source, "name", source))
    data = Path(source).read_bytes() if isinstance(source, str | Path) else source.read()
    if name.lower().endswith((".xlsx", ".xlsm")):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise InvalidFile([RowError(0, f"berkas Excel tidak dapat dibaca: {exc}")]) from exc
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidFile([RowError(0, "berkas CSV harus ber-encoding UTF-8")]) from exc
        rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise InvalidFile([RowError(1, "berkas kosong: baris judul kolom tidak ada")])
    header = [_clean(cell).lower() for cell in rows[0]]
    table = []
    for offset, cells in enumerate(rows[1:], start=2):
        if not any(_clean(cell) for cell in cells):
            continue
        table.append((offset, {header[i]: cells[i] for i in range(min(len(header), len(cells))) if header[i]}))
    return header, table


def _require_columns(header, required):
    missing = [column for column in required if column not in header]
    if missing:
        raise InvalidFile([RowError(1, "kolom wajib tidak ada: " + ", ".join(missing))])


def parse_coded_rows(source, *, patterns, parent_strip, parent_levels=None, with_pemda=False, filename=None):
    """Validate a coded hierarchy file: code format per level, duplicates, and each row's parent.

    The parent of a row must be the code its own code implies and must be in the same file with
    the level above (or the level `parent_levels` names).
    """
    header, table = read_table(source, filename=filename)
    _require_columns(header, ["kode", "level", "nama", "kode_induk"])
    levels = list(patterns)
    compiled = {level: re.compile(pattern) for level, pattern in patterns.items()}
    errors, rows, first_line = [], [], {}
    for line, raw in table:
        code, level, name = _clean(raw.get("kode")), _clean(raw.get("level")).lower(), _clean(raw.get("nama"))
        parent_code = _clean(raw.get("kode_induk"))
        row_errors = []
        if level not in compiled:
            row_errors.append(f"tingkat '{level}' tidak dikenal (pilihan: {', '.join(levels)})")
        elif not compiled[level].fullmatch(code):
            row_errors.append(f"format kode '{code}' salah untuk tingkat {level}")
        if not name:
            row_errors.append("nama kosong")
        active_text = _clean(raw.get("aktif", "1")) or "1"
        if active_text not in {"0", "1"}:
            row_errors.append(f"kolom aktif harus 0 atau 1, bukan '{active_text}'")
        extra = {}
        if with_pemda:
            pemda = _clean(raw.get("pemda", "semua")).lower() or "semua"
            if pemda not in PEMDA_VALUES:
                row_errors.append(f"pemda '{pemda}' tidak dikenal (pilihan: {', '.join(sorted(PEMDA_VALUES))})")
            extra["pemda"] = pemda
        if code in first_line:
            row_errors.append(f"kode ganda: sudah ada di baris {first_line[code]}")
        else:
            first_line[code] = line
        for message in row_errors:
            errors.append(RowError(line, message, code))
        rows.append(CodedRow(line, code, level, name, parent_code, active_text == "1", extra))

    level_of = {row.code: row.level for row in rows}
    for row in rows:
        if row.level not in compiled:
            continue
        depth = levels.index(row.level)
        if row.level not in parent_strip:
            if row.parent_code:
                errors.append(RowError(row.line, f"tingkat {row.level} tidak boleh punya induk", row.code))
            continue
        expected_parent = row.code.rsplit(".", parent_strip[row.level])[0]
        if row.parent_code != expected_parent:
            message = f"kode induk '{row.parent_code}' tidak sesuai; seharusnya '{expected_parent}'"
            errors.append(RowError(row.line, message, row.code))
        elif level_of.get(row.parent_code) != (parent_level := (parent_levels or {}).get(row.level, levels[depth - 1])):
            message = f"induk '{row.parent_code}' ({parent_level}) tidak ada di berkas"
            errors.append(RowError(row.line, message, row.code))
    if errors:
        raise InvalidFile(sorted(errors, key=lambda error: error.line))
    return rows


def parse_opd_rows(source, *, kinds, filename=None):
    header, table = read_table(source, filename=filename)
    _require_columns(header, ["kode", "nama", "jenis"])
    pattern = re.compile(OPD_CODE_PATTERN)
    errors, rows, first_line = [], [], {}
    for line, raw in table:
        code, name, kind = _clean(raw.get("kode")), _clean(raw.get("nama")), _clean(raw.get("jenis")).lower()
        if not pattern.fullmatch(code):
            errors.append(RowError(line, f"format kode OPD '{code}' salah", code))
        if not name:
            errors.append(RowError(line, "nama kosong", code))
        if kind not in kinds:
            errors.append(RowError(line, f"jenis '{kind}' tidak dikenal", code))
        if code in first_line:
            errors.append(RowError(line, f"kode ganda: sudah ada di baris {first_line[code]}", code))
        first_line.setdefault(code, line)
        rows.append({"line": line, "code": code, "name": name, "kind": kind})
    if errors:
        raise InvalidFile(errors)
    return rows


MAX_INTEGER_DIGITS = 18  # the digits before the decimals of any number column (MONEY, VOLUME)


def parse_decimal(value, *, places=2):
    """A number from a cell: Excel numbers as they are, text in Indonesian (1.234,50) or plain form."""
    if isinstance(value, float):  # an Excel number cell: its shortest exact decimal form
        value = Decimal(repr(value))
    if isinstance(value, int | Decimal):
        number = Decimal(value)
        if not number.is_finite():
            raise ValueError(f"'{value}' bukan angka")
        if abs(number) >= Decimal(10) ** MAX_INTEGER_DIGITS:
            raise ValueError(f"'{value}' terlalu besar")
        if number == number.quantize(Decimal(1).scaleb(-places)):
            return number
        raise ValueError(f"'{value}' lebih dari {places} angka desimal")
    text = _clean(value).replace("Rp", "").replace(" ", "")
    if not text:
        raise ValueError("kosong")
    if "," in text:  # Indonesian: dots group thousands, comma marks decimals
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") > 1 or re.fullmatch(r"-?[0-9]{1,3}(\.[0-9]{3})+", text):
        text = text.replace(".", "")
    # ASCII digits only (Python's Decimal would also read Arabic-Indic or full-width ones), and no more than
    # any column holds: a longer number is a typing error, and Decimal could not round it to its places.
    match = re.fullmatch(r"-?([0-9]+)(?:\.([0-9]+))?", text)
    if match is None:
        raise ValueError(f"'{value}' bukan angka")
    if len(match.group(1).lstrip("0")) > MAX_INTEGER_DIGITS:
        raise ValueError(f"'{value}' terlalu besar")
    number = Decimal(text)
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValueError(f"'{value}' lebih dari {places} angka desimal")
    return number
