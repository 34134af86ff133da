"""What every kind of job shares: the spec a request becomes, the kind's interface, and the two file formats.

PDF: each part is rendered by WeasyPrint from a template (the official head on the first part, the signature
block on the last, table headers repeated on every page), then the parts are merged with pypdf and every page
is stamped "Halaman x dari y": page numbers span all parts though each was rendered alone.
XLSX: openpyxl in write-only mode, rows streamed, no row cap.
"""

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

from masterdata import spreadsheets

REGION = "PEMERINTAH KABUPATEN BONDOWOSO"
PAGE_FONT = NameObject("/PgNo")


@dataclass
class Spec:
    """A request checked by its kind: what the job is and whose data it holds."""

    title: str
    filename: str
    params: dict
    opd: object = None
    public: bool = False  # of a published version: anyone may download it


@dataclass
class Head:
    """The official head of a document."""

    title: str
    year: int
    version: str = ""
    legal: list = field(default_factory=list)  # "Peraturan Daerah Nomor …", "Peraturan Bupati Nomor …"
    subtitle: str = ""
    signatory: str = "KEPALA BPKAD SELAKU PPKD"


class JobKind:
    """One kind of job. `prepare` turns a request into a Spec (or refuses it); the worker calls `parts`, then
    `run_part` for each (any worker, any order), then `combine` once with the parts' files in order."""

    key = ""
    label = ""
    extension = ""
    params_group = "version"  # which parameters the API documents for it: version (and the LRA's), kua, diff

    def prepare(self, actor, params):
        raise NotImplementedError

    def parts(self, job):
        return [None]

    def run_part(self, job, part, path, beat, *, index=0, count=1):
        raise NotImplementedError

    def combine(self, job, paths, output):
        shutil.copyfile(paths[0], output)
        return {}


# --- PDF ---------------------------------------------------------------------------------------


PRINT_CSS = Path(__file__).with_name("print.css")


def render_pdf(template, context, path):
    from weasyprint import CSS, HTML  # Pango is loaded once, by the processes that print

    html = render_to_string(template, {"region": REGION, "printed_at": spreadsheets.printed_at(), **context})
    HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(path, stylesheets=[CSS(filename=PRINT_CSS)])


def _page_number(writer, font, page, number, total):
    """Stamp "Halaman x dari y" at the page's bottom right, in a standard font every reader has."""
    resources = page.setdefault(NameObject("/Resources"), DictionaryObject()).get_object()
    fonts = resources.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
    fonts[PAGE_FONT] = font
    text = f"Halaman {number} dari {total}"
    width = float(page.mediabox.width)
    size = 7
    x = width - 34 - len(text) * size * 0.5  # Helvetica's digits and letters average about half an em
    stamp = DecodedStreamObject()
    stamp.set_data(f"q BT /PgNo {size} Tf {x:.1f} 20 Td ({text}) Tj ET Q".encode("latin-1"))
    save, restore = DecodedStreamObject(), DecodedStreamObject()
    save.set_data(b"q")
    restore.set_data(b"Q")
    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else ArrayObject()
    existing = list(contents) if isinstance(contents, ArrayObject) else [page.raw_get("/Contents")]
    page[NameObject("/Contents")] = ArrayObject(
        [writer._add_object(save), *existing, writer._add_object(restore), writer._add_object(stamp)]
    )


def merge_numbered(paths, output):
    """The parts as one PDF with page numbers across all of them. Answers the number of pages."""
    writer = PdfWriter()
    for path in paths:
        writer.append(str(path))
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    total = len(writer.pages)
    for number, page in enumerate(writer.pages, start=1):
        _page_number(writer, font, page, number, total)
    with open(output, "wb") as target:
        writer.write(target)
    return total


class PdfKind(JobKind):
    """A document whose parts are rendered by WeasyPrint and merged."""

    extension = "pdf"
    template = ""

    def head(self, job):
        raise NotImplementedError

    def part_context(self, job, part, beat):
        raise NotImplementedError

    def run_part(self, job, part, path, beat, *, index=0, count=1):
        context = {
            "head": self.head(job),
            "first": index == 0,
            "last": index == count - 1,
            "today": timezone.localdate(),
            **self.part_context(job, part, beat),
        }
        render_pdf(self.template, context, path)

    def combine(self, job, paths, output):
        return {"pages": merge_numbered(paths, output)}


# --- XLSX --------------------------------------------------------------------------------------


class XlsxKind(JobKind):
    """A workbook written in one part, row by row."""

    extension = "xlsx"

    def write(self, job, workbook, beat):
        raise NotImplementedError

    def run_part(self, job, part, path, beat, *, index=0, count=1):
        workbook = Workbook(write_only=True)
        self.write(job, workbook, beat)
        workbook.save(path)
