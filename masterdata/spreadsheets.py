"""Writing the portal's .xlsx workbooks (planning and budgeting documents) in one SIPD-like style.

Workbooks are written in openpyxl's write-only mode (rows streamed, constant memory), so a sheet's column
widths and frozen panes have to be set before its first row. Amounts are real Excel numbers in the `#,##0`
format, which Excel shows with the reader's own separators (1.234.567 in Indonesian).
"""

import io
from decimal import Decimal

from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

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
