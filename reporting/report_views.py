"""The report pages of signed-in staff: the first semester's realization and prognosis, the year-end report,
performance and the consistency of the cycle. Each reads the parameters its documents and API read."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_GET

from masterdata import access, view_helpers
from masterdata.models import Opd

from .documents import reports
from .selectors import consistency as consistency_selectors
from .selectors import performance as performance_selectors
from .selectors import realization as realization_selectors
from .selectors import semester as semester_selectors


def _report_page(request, template, build, **context):
    """The page of a report: the version picked (the newest adopted or published by default), the report built
    from the request, or the refusal of a bad parameter (400) with the picker to try again."""
    versions = realization_selectors.report_versions(request.user)
    params = {key: value for key, value in request.GET.items() if key != "page"}
    base = {
        "versions": versions,
        "opds": Opd.objects.order_by("code") if access.chooses_opd(request.user) else [],
        "depths": semester_selectors.DEPTHS,
        "quarters": performance_selectors.QUARTERS,
        "kinds": consistency_selectors.KINDS,
        **context,
    }
    if not versions:
        return render(request, template, base)
    if not params.get("version"):
        params["version"] = str(versions[0].pk)
    try:
        asked = reports.read_report(request.user, params)
        found = build(asked)
    except ValidationError as error:
        return render(request, template, {**base, "error": view_helpers.error_text(error)}, status=400)
    return render(request, template, {**base, "asked": asked, "params": asked.params, **found})


@login_required
@require_GET
def semester(request):
    return _report_page(request, "reporting/semester.html", lambda asked: {"report": reports.semester(asked)})


@login_required
@require_GET
def year_end(request):
    return _report_page(request, "reporting/tahunan.html", lambda asked: {"report": reports.year_end(asked)})


@login_required
@require_GET
def performance(request):
    return _report_page(request, "reporting/kinerja.html", lambda asked: {"report": reports.performance(asked)})


@login_required
@require_GET
def consistency(request):
    def build(asked):
        counts, rows = reports.consistency(asked)
        return {"counts": counts, "total": sum(counts.values()), "page": view_helpers.page_of(request, rows)}

    return _report_page(request, "reporting/konsistensi.html", build, rule=consistency_selectors.RULE_OF_REALIZATION)
