"""Open data downloads of published APBD versions: the Fiscal Data Package (datapackage.json and the CSV of
its lines, streamed) and the public tables as CSV, XLSX and JSON.

`/open-data/apbd/<year>/…` is the year's latest published version; `/open-data/apbd/<year>/versi/<n>/…`
one version. A draft or unpublished version answers 404 like a missing one.
"""

import csv
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from openpyxl import Workbook

from masterdata import spreadsheets
from masterdata.access import NOT_FOUND_MESSAGE

from . import opendata_package, opendata_tables
from .selectors import facts

FORMATS = ("csv", "xlsx", "json")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# A published version never changes; the year's latest may be replaced by the next publication.
VERSION_MAX_AGE = 24 * 3600
LATEST_MAX_AGE = 300


class _Echo:
    """A file-like object whose write returns the line, for csv.writer into a streaming response."""

    def write(self, value):
        return value


def _cached(response, *, latest):
    response["Cache-Control"] = f"public, max-age={LATEST_MAX_AGE if latest else VERSION_MAX_AGE}"
    return response


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _money(value):
    return f"{value:.2f}"


def _csv_cell(value):
    return "" if value is None else value


@require_safe
def index(request):
    """The page of open data: every published version with its downloads."""
    years = {}
    for version in facts.public_apbd_versions():
        years.setdefault(version.fiscal_year.year, []).append(version)
    tables = [(key, title) for key, (title, _) in opendata_tables.TABLES.items()]
    return render(request, "opendata/index.html", {"years": list(years.items()), "tables": tables})


@require_safe
def package(request, year, number=None):
    """datapackage.json of the year's latest published version, or of one version."""
    version = facts.public_apbd_version_for(year, number)
    descriptor = opendata_package.descriptor(version, request=request, relative_to_year=number is None)
    response = JsonResponse(descriptor, json_dumps_params={"ensure_ascii": False, "indent": 2})
    return _cached(response, latest=number is None)


@require_safe
def lines_csv(request, year, number):
    """Every line of the version as the package's CSV, streamed in chunks (constant memory)."""
    version = facts.public_apbd_version_for(year, number)
    writer = csv.writer(_Echo(), lineterminator="\n")

    def rows():
        yield writer.writerow(facts.FACT_COLUMNS)
        for fact in facts.iter_fact_rows(version):
            fact["jumlah"] = _money(fact["jumlah"])
            yield writer.writerow([_csv_cell(fact[column]) for column in facts.FACT_COLUMNS])

    response = StreamingHttpResponse(rows(), content_type=CSV_CONTENT_TYPE)
    _attachment(response, f"apbd-bondowoso-{year}-versi-{number}-rincian.csv")
    return _cached(response, latest=False)


@require_safe
def table(request, year, key, extension, number=None):
    """A public table (opd, urusan, bidang, program, rekening, sumber-dana) as CSV, XLSX or JSON."""
    if key not in opendata_tables.TABLES or extension not in FORMATS:
        raise Http404(NOT_FOUND_MESSAGE)
    version = facts.public_apbd_version_for(year, number)
    built = opendata_tables.public_table(version, key)
    filename = f"apbd-bondowoso-{year}-versi-{version.number}-{key}.{extension}"
    if extension == "csv":
        response = _table_csv(built)
    elif extension == "xlsx":
        response = HttpResponse(_table_xlsx(version, built), content_type=spreadsheets.XLSX_CONTENT_TYPE)
    else:
        response = _table_json(version, built)
    if extension != "json":
        _attachment(response, filename)
    return _cached(response, latest=number is None)


def _table_csv(built):
    response = HttpResponse(content_type=CSV_CONTENT_TYPE)
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow([column.name for column in built.columns])
    for row in built.rows:
        writer.writerow(
            [_money(value) if column.money else value for column, value in zip(built.columns, row, strict=True)]
        )
    return response


def _table_xlsx(version, built):
    workbook = Workbook(write_only=True)
    widths = {"kode": 22, "nama": 60, "tingkat": 14}
    columns = [(column.title, widths.get(column.name, 20)) for column in built.columns]
    facts_block = [("Tahun anggaran", version.fiscal_year.year), ("Versi", f"{version} (versi {version.number})")]
    sheet = spreadsheets.document_sheet(workbook, "Tabel", built.title, facts_block, columns, frozen_columns=2)
    for row in built.rows:
        sheet.append(
            [
                spreadsheets.money_cell(sheet, value) if column.money else value
                for column, value in zip(built.columns, row, strict=True)
            ]
        )
    return spreadsheets.save(workbook)


def _table_json(version, built):
    body = {
        "judul": built.title,
        "tahun": version.fiscal_year.year,
        "versi": version.number,
        "jenis_versi": version.kind,
        "mata_uang": facts.CURRENCY,
        "kolom": [{"nama": column.name, "judul": column.title} for column in built.columns],
        "baris": built.records(),
    }
    content = json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False)
    return HttpResponse(content, content_type="application/json")
