"""Open data downloads of published APBD versions: the Fiscal Data Package (datapackage.json and the CSV of
its lines, streamed) and the public tables as CSV, XLSX and JSON.

`/open-data/apbd/<year>/…` is the year's latest published version; `/open-data/apbd/<year>/versi/<n>/…`
one version. A draft or unpublished version answers 404 like a missing one. Files are gzipped for clients
that accept it (they hold only published figures: no secret for a compression side channel to reveal).
"""

import csv
import json
from urllib.parse import urlencode

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe
from openpyxl import Workbook
from rest_framework.exceptions import ValidationError

from masterdata import spreadsheets
from masterdata.access import NOT_FOUND_MESSAGE

from . import api_params, opendata_package, opendata_tables
from .selectors import facts

FORMATS = ("csv", "xlsx", "json")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# A published version never changes; the year's latest may be replaced by the next publication.
VERSION_MAX_AGE = 24 * 3600
LATEST_MAX_AGE = 300
FILES_REVISION = 1
# Excel and JSON are built whole in memory; a selection larger than this is offered as CSV (streamed).
MAX_LINES_IN_ONE_FILE = 20_000
BAD_CUT = "Parameter cut tidak sesuai: dimensi:kode, dipisah | (mis. sub_kegiatan:1.02.02.2.01.0001|akun:5)."
MAX_CELLS = 20_000
TOO_MANY_CELLS = "Agregat ini memuat %(count)d sel, lebih dari %(limit)d: persempit dengan cut atau drilldown."
TOO_MANY_LINES = (
    "Pilihan ini memuat %(count)d rincian, lebih dari %(limit)d untuk Excel atau JSON: unduh CSV, atau persempit "
    "dengan cut."
)


class _Echo:
    """A file-like object whose write returns the line, for csv.writer into a streaming response."""

    def write(self, value):
        return value


def _validators(version):
    """ETag and Last-Modified of every file of a published version: it never changes after publication (the
    revision moves when the files' layout does)."""
    moment = int((version.published_at or version.updated_at).timestamp())
    return quote_etag(f"apbd-{version.pk}-{moment}-r{FILES_REVISION}"), moment


def _unchanged(request, version):
    """304 Not Modified when the client already holds this file: a citizen on a slow connection downloads a
    version once."""
    etag, moment = _validators(version)
    return get_conditional_response(request, etag=etag, last_modified=moment)


def _cached(response, version, *, latest):
    response["Cache-Control"] = f"public, max-age={LATEST_MAX_AGE if latest else VERSION_MAX_AGE}"
    etag, moment = _validators(version)
    response["ETag"], response["Last-Modified"] = etag, http_date(moment)
    return response


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _money(value):
    return f"{value:.2f}"


def _csv_cell(value):
    return "" if value is None else value


def aggregate_url(version, extension, drilldown, **cuts):
    """Where a table of the site downloads: aggregate_url(version, "xlsx", ["program"], opd=code, akun="5")."""
    url = reverse("opendata:aggregate", args=[version.fiscal_year.year, version.number, extension])
    query = {"drilldown": "|".join(drilldown)}
    if cuts:
        query["cut"] = "|".join(f"{key}:{code}" for key, code in cuts.items())
    return f"{url}?{urlencode(query, safe=':|')}"


def lines_url(version, extension="csv", **cuts):
    """Where a version's lines download, or a selection of them: lines_url(version, sub_kegiatan=code, akun="5")
    (codes as the facts give them; an X.XX sub-kegiatan under its OPD's realised code)."""
    url = reverse("opendata:lines", args=[version.fiscal_year.year, version.number, extension])
    if cuts:
        url += "?" + urlencode({"cut": "|".join(f"{key}:{code}" for key, code in cuts.items())}, safe=":|")
    return url


@require_safe
def index(request):
    """The page of open data: every published version with its downloads."""
    years = {}
    for version in facts.public_apbd_versions():
        years.setdefault(version.fiscal_year.year, []).append(version)
    tables = [(key, title) for key, (title, _) in opendata_tables.TABLES.items()]
    return render(request, "opendata/index.html", {"years": list(years.items()), "tables": tables})


@gzip_page
@require_safe
def package(request, year, number=None):
    """datapackage.json of the year's latest published version, or of one version."""
    version = facts.public_apbd_version_for(year, number)
    if unchanged := _unchanged(request, version):
        return unchanged
    descriptor = opendata_package.descriptor(version, request=request, relative_to_year=number is None)
    response = JsonResponse(descriptor, json_dumps_params={"ensure_ascii": False, "indent": 2})
    return _cached(response, version, latest=number is None)


@gzip_page
@require_safe
def lines(request, year, number, extension):
    """The version's lines: the package's CSV (streamed in chunks, constant memory), or for a selection
    (`?cut=`, as in the public API: `sub_kegiatan:1.02.02.2.01.0001|akun:5`) also XLSX and JSON."""
    if extension not in FORMATS:
        raise Http404(NOT_FOUND_MESSAGE)
    try:
        cuts = api_params.cuts(request.GET)
    except ValidationError:
        return HttpResponseBadRequest(BAD_CUT, content_type="text/plain; charset=utf-8")
    version = facts.public_apbd_version_for(year, number)
    if unchanged := _unchanged(request, version):
        return unchanged
    selection = "".join(f"-{key}-{'_'.join(codes)}" for key, codes in sorted(cuts.items()))
    filename = f"apbd-bondowoso-{year}-versi-{number}-rincian{selection}.{extension}"
    if extension == "csv":
        response = StreamingHttpResponse(_lines_csv(version, cuts), content_type=CSV_CONTENT_TYPE)
        return _cached(_attachment(response, filename), version, latest=False)
    count = facts.count_facts(version, cuts=cuts)
    if count > MAX_LINES_IN_ONE_FILE:
        message = TOO_MANY_LINES % {"count": count, "limit": MAX_LINES_IN_ONE_FILE}
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    rows = list(facts.iter_fact_rows(version, cuts=cuts))
    if extension == "xlsx":
        response = HttpResponse(_lines_xlsx(version, rows), content_type=spreadsheets.XLSX_CONTENT_TYPE)
        return _cached(_attachment(response, filename), version, latest=False)
    body = {
        "tahun": year,
        "versi": number,
        "jenis_versi": version.kind,
        "cut": cuts,
        "mata_uang": facts.CURRENCY,
        "baris": [{**row, "jumlah": _money(row["jumlah"])} for row in rows],
    }
    content = json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False)
    return _cached(HttpResponse(content, content_type="application/json"), version, latest=False)


def _lines_csv(version, cuts):
    writer = csv.writer(_Echo(), lineterminator="\n")
    yield writer.writerow(facts.FACT_COLUMNS)
    for fact in facts.iter_fact_rows(version, cuts=cuts):
        fact["jumlah"] = _money(fact["jumlah"])
        yield writer.writerow([_csv_cell(fact[column]) for column in facts.FACT_COLUMNS])


def _lines_xlsx(version, rows):
    workbook = Workbook(write_only=True)
    columns = [(column, 40 if column.startswith(("nama_", "uraian")) else 18) for column in facts.FACT_COLUMNS]
    facts_block = [("Tahun anggaran", version.fiscal_year.year), ("Versi", f"{version} (versi {version.number})")]
    sheet = spreadsheets.document_sheet(workbook, "Rincian", f"Rincian {version}", facts_block, columns)
    for row in rows:
        sheet.append(
            [
                spreadsheets.money_cell(sheet, row[column])
                if column == "jumlah"
                else spreadsheets.cell(sheet, row[column])
                for column in facts.FACT_COLUMNS
            ]
        )
    return spreadsheets.save(workbook)


@gzip_page
@require_safe
def aggregate(request, year, number, extension):
    """Any table of the site as a file: the sums and counts of the version's lines per the `drilldown`'s codes,
    `cut` and `order` as in the public API (`?drilldown=program&cut=opd:…|akun:5`), every cell in one file."""
    if extension not in FORMATS:
        raise Http404(NOT_FOUND_MESSAGE)
    try:
        drilldown = api_params.drilldown(request.GET)
        cuts = api_params.cuts(request.GET)
        order = api_params.order(request.GET, drilldown)
    except ValidationError as error:
        return HttpResponseBadRequest(_first_message(error), content_type="text/plain; charset=utf-8")
    version = facts.public_apbd_version_for(year, number)
    if unchanged := _unchanged(request, version):
        return unchanged
    result = facts.aggregate(version, drilldown=drilldown, cuts=cuts, order=order, offset=0, limit=MAX_CELLS + 1)
    if result.total_cell_count > MAX_CELLS:
        message = TOO_MANY_CELLS % {"count": result.total_cell_count, "limit": MAX_CELLS}
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    columns = [
        opendata_tables.Column(name, title)
        for key in drilldown
        for name, title in ((key, f"Kode {facts.DIMENSIONS[key].label}"), (f"{key}_nama", facts.DIMENSIONS[key].label))
    ]
    columns += [opendata_tables.Column("sum", "Jumlah", money=True), opendata_tables.Column("count", "Banyak rincian")]
    rows = [tuple(cell[column.name] for column in columns) for cell in result.cells]
    title = "Agregat " + (", ".join(facts.DIMENSIONS[key].label for key in drilldown) or "seluruh rincian")
    built = opendata_tables.Table("agregat", f"{title} — {version}", tuple(columns), rows)
    selection = "".join(f"-{key}" for key in drilldown) + "".join(
        f"-{key}-{'_'.join(codes)}" for key, codes in sorted(cuts.items())
    )
    response = _table_response(version, built, f"apbd-bondowoso-{year}-versi-{number}-agregat{selection}", extension)
    return _cached(response, version, latest=False)


def _first_message(error):
    field, messages = next(iter(error.detail.items()))
    return f"{field}: {messages[0]}"


@gzip_page
@require_safe
def table(request, year, key, extension, number=None):
    """A public table (opd, urusan, bidang, program, rekening, sumber-dana) as CSV, XLSX or JSON."""
    if key not in opendata_tables.TABLES or extension not in FORMATS:
        raise Http404(NOT_FOUND_MESSAGE)
    version = facts.public_apbd_version_for(year, number)
    if unchanged := _unchanged(request, version):
        return unchanged
    built = opendata_tables.public_table(version, key)
    response = _table_response(version, built, f"apbd-bondowoso-{year}-versi-{version.number}-{key}", extension)
    return _cached(response, version, latest=number is None)


def _table_response(version, built, name, extension):
    filename = f"{name}.{extension}"
    if extension == "csv":
        response = _table_csv(built)
    elif extension == "xlsx":
        response = HttpResponse(_table_xlsx(version, built), content_type=spreadsheets.XLSX_CONTENT_TYPE)
    else:
        response = _table_json(version, built)
    if extension != "json":
        _attachment(response, filename)
    return response


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
                spreadsheets.money_cell(sheet, value) if column.money else spreadsheets.cell(sheet, value)
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
