"""Writing the portal's .xlsx workbooks (planning and budgeting documents) in one SIPD-like style.

Workbooks are written in openpyxl's write-only mode (rows streamed, constant memory), so a sheet's column
widths and frozen panes have to be set before its first row. Amounts are real Excel numbers in the `#,##0`
format, which Excel shows with the reader's own separators (1.234.567 in Indonesian).
"""

import io
from contextlib import contextmanager
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .errors import StaleObject
from .importers import InvalidFile, RowError, parse_decimal, read_table

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0"
NUMBER_FORMAT = "#,##0.##"
REGION_NAME = "PEMERINTAH KABUPATEN BONDOWOSO"

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
GROUP = {"font": BOLD, "fill": GROUP_FILL}  # a program, kegiatan or account row with its subtotal


def cell(sheet, value, *, font=None, fill=None, alignment=None, number_format=None):
    styled = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        styled.data_type = "s"  # text someone typed stays text: Excel must never run it as a formula
    if font:
        styled.font = font
    if fill:
        styled.fill = fill
    if alignment:
        styled.alignment = alignment
    if number_format:
        styled.number_format = number_format
    return styled


def money_cell(sheet, value, **style):
    return cell(sheet, value, number_format=MONEY_FORMAT, **style)


def number_cell(sheet, value, **style):
    return cell(sheet, value, number_format=NUMBER_FORMAT, **style)


def figure_row(sheet, texts, amounts, *, group=False):
    """A row of texts (code, name …) then amounts, bold on a shaded ground for a group or total row."""
    style = GROUP if group else {}
    return [
        *(cell(sheet, text, **style) for text in texts),
        *(money_cell(sheet, amount, **style) for amount in amounts),
    ]


def set_widths(sheet, widths):
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def header_row(sheet, titles):
    sheet.append([cell(sheet, title, font=BOLD, fill=HEADER_FILL, alignment=CENTER) for title in titles])


def title_block(sheet, title, facts):
    """The document's title, the region, one row per (label, value) fact (amounts as numbers), a blank row."""
    sheet.append([cell(sheet, title, font=TITLE)])
    sheet.append([cell(sheet, REGION_NAME, font=BOLD)])
    for label, value in facts:
        sheet.append([label, money_cell(sheet, value) if isinstance(value, Decimal) else value])
    sheet.append([])


def document_sheet(workbook, name, title, facts, columns, *, frozen_columns=0):
    """A sheet opened by the document's title block and the header of its (title, width) columns. The rows
    down to the header, and the first `frozen_columns` columns, stay in view while scrolling."""
    sheet = workbook.create_sheet(name)
    set_widths(sheet, [width for _, width in columns])
    # Set before any row is written: a write-only sheet ignores it afterwards. Title, region, the facts, a
    # blank row and the header come before the first data row.
    sheet.freeze_panes = f"{get_column_letter(frozen_columns + 1)}{len(facts) + 5}"
    title_block(sheet, title, facts)
    header_row(sheet, [column for column, _ in columns])
    return sheet


def local_time(moment):
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M") if moment else "-"


def printed_at():
    return local_time(timezone.now())


def save(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


MAX_ROWS = 5000


class SheetRow:
    """One data row of an uploaded table and the problems found in it, by column."""

    def __init__(self, line, cells):
        self.line = line
        self.cells = cells
        self.code = ""
        self.values = {}
        self.errors = {}

    def text(self, column, *, max_length=None):
        value = self.cells.get(column)
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a code such as 1 typed into Excel comes back as 1.0
        text = " ".join(str(value).split()) if value is not None else ""
        if max_length and len(text) > max_length:
            self.fail(column, f"paling panjang {max_length} karakter")
        return text

    def decimal(self, column):
        """The cell as a Decimal, None when empty; a bad number is recorded and its text returned."""
        if not self.text(column):
            return None
        try:
            return parse_decimal(self.cells[column])
        except ValueError as exc:
            self.fail(column, str(exc))
            return self.text(column)

    def fail(self, column, message):
        self.errors.setdefault(column, []).append(message)

    @contextmanager
    def collect(self, columns):
        """Record a service's refusal of this row under the file's column names.

        `columns` maps the service's field names to columns; a column already found bad while reading
        keeps its more precise message.
        """
        try:
            yield
        except ValidationError as exc:
            by_field = exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
            for field, messages in by_field:
                column = columns.get(field)
                if column is not None and column in self.errors:
                    continue
                for message in messages:
                    self.fail(column, message)
        except StaleObject as exc:
            self.fail(None, str(exc))

    def row_errors(self):
        return [
            RowError(self.line, f"{column}: {message}" if column else message, self.code)
            for column, messages in self.errors.items()
            for message in messages
        ]


def read_sheet(source, *, filename=None, columns, optional=(), max_rows=MAX_ROWS):
    """The data rows of a CSV or XLSX upload; a missing column or an empty file refuses the whole file."""
    header, table = read_table(source, filename=filename)
    missing = [column for column in columns if column not in header and column not in optional]
    if missing:
        raise InvalidFile([RowError(1, "kolom wajib tidak ada: " + ", ".join(missing))])
    if not table:
        raise InvalidFile([RowError(0, "berkas tidak memuat satu pun baris data")])
    if len(table) > max_rows:
        raise InvalidFile([RowError(0, f"berkas memuat {len(table)} baris; paling banyak {max_rows} per unggahan")])
    return [SheetRow(line, cells) for line, cells in table]


def raise_for_errors(rows):
    """Refuse the file (the caller's transaction then rolls back) when any row has a problem."""
    errors = [error for row in rows for error in row.row_errors()]
    if errors:
        raise InvalidFile(errors)
