"""The public APBD pages: no login, published versions only (a draft answers as a missing page)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from budgeting.models import ApbdTotal
from masterdata import view_helpers

from . import opendata
from .selectors import facts, published

ORDERS = {"belanja": "Belanja terbesar", "kode": "Kode OPD", "nama": "Nama OPD"}


def _version(request, year):
    """The year's latest published version, or the one `?versi=` names."""
    number = request.GET.get("versi")
    return facts.public_apbd_version_for(year, int(number) if number and number.isdigit() else None)


@require_GET
def home(request):
    years = published.published_years()
    version = years[0] if years else None
    context = {"years": years, "version": version}
    if version is not None:
        context |= published.summary(version)
        context["top_opds"] = published.opd_rows(version)[:10]
    return render(request, "transparency/home.html", context)


@require_GET
def apbd(request, year):
    version = _version(request, year)
    order = request.GET.get("urut", "belanja")
    order = order if order in ORDERS else "belanja"
    versions = list(facts.public_apbd_versions(year=year))
    return render(
        request,
        "transparency/apbd.html",
        {
            "version": version,
            "versions": versions,
            "years": published.published_years(),
            "order": order,
            "orders": ORDERS,
            "opds": published.opd_rows(version, order=order),
            "csv_url": opendata.aggregate_url(version, "csv", ["opd"]),
            **published.summary(version),
        },
    )


@require_GET
def opd_detail(request, year, code):
    version = _version(request, year)
    opd = published.opd_for(version, code)
    return render(
        request,
        "transparency/opd.html",
        {
            "version": version,
            "opd": opd,
            "programs": published.opd_programs(version, code),
            "csv_url": opendata.lines_url(version, opd=code),
        },
    )


@require_GET
def sub_kegiatan_detail(request, year, code, sub_code):
    version = _version(request, year)
    opd = published.opd_for(version, code)
    lines = published.sub_kegiatan_lines(version, code, sub_code)
    page = view_helpers.page_of(request, lines)
    return render(
        request,
        "transparency/sub_kegiatan.html",
        {
            "version": version,
            "opd": opd,
            "sub_code": sub_code,
            "sub_name": lines[0]["nama_sub_kegiatan"],
            "program": (lines[0]["kode_program"], lines[0]["nama_program"]),
            "total": sum(line["jumlah"] for line in lines),
            "page": page,
            "output": published.sub_kegiatan_output(lines[0]["id"]),
            "csv_url": opendata.lines_url(version, opd=code, sub_kegiatan=sub_code),
        },
    )


@require_GET
def glossary(request):
    return render(request, "transparency/glossary.html")


@require_GET
def versions(request, year):
    history = published.version_history(year)
    pairs = [(history[i - 1][0] if i else None, version, balance) for i, (version, balance) in enumerate(history)]
    other_years = [item for item in published.published_years() if item.fiscal_year.year != year]
    return render(request, "transparency/versions.html", {"year": year, "pairs": pairs, "other_years": other_years})


DIMENSIONS = {
    ApbdTotal.Dimension.OPD: "Per OPD",
    ApbdTotal.Dimension.ACCOUNT: "Per kode rekening",
    ApbdTotal.Dimension.URUSAN: "Per urusan",
    ApbdTotal.Dimension.BIDANG: "Per bidang urusan",
    ApbdTotal.Dimension.PROGRAM: "Per program",
}


@require_GET
def compare(request):
    old = published.version_by_reference(request.GET.get("dari"))
    new = published.version_by_reference(request.GET.get("ke"))
    dimension = request.GET.get("dimensi", ApbdTotal.Dimension.OPD)
    dimension = dimension if dimension in DIMENSIONS else ApbdTotal.Dimension.OPD
    rows = published.comparison(old, new, dimension)
    return render(
        request,
        "transparency/compare.html",
        {
            "old": old,
            "new": new,
            "dimension": dimension,
            "dimensions": DIMENSIONS,
            "page": view_helpers.page_of(request, rows),
            "balances": [(old, published.summary(old)["balance"]), (new, published.summary(new)["balance"])],
        },
    )


@require_GET
def search(request, year):
    version = _version(request, year)
    query = view_helpers.search_text(request.GET)
    return render(
        request,
        "transparency/search.html",
        {"version": version, "query": query, **published.search(version, query)},
    )
