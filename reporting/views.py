"""Reporting pages: the LRA, and the jobs that make its files and every other document (asked for from the
page that shows the data, watched with a progress bar, downloaded when done, retried when failed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from budgeting.forms.rka import RkaImportForm
from budgeting.models import RkaLine
from budgeting.selectors.apbd import visible_apbd_versions
from budgeting.selectors.rka import rka_for
from masterdata import access, view_helpers
from masterdata.errors import TransitionNotAllowed
from masterdata.models import Opd

from .forms import MONTHS, ProgressForm, RealizationForm, RealizationImportForm
from .models import Job
from .selectors import jobs as job_selectors
from .selectors import lra as lra_selectors
from .selectors import realization as realization_selectors
from .services import jobs as job_services
from .services import realization as realization_services


def _lra_request(request, versions):
    """The LRA the page's query asks for: version, period, dimension, depth and OPD (each defaulted)."""
    number = request.GET.get("versi", "")
    version = next((v for v in versions if str(v.pk) == number), versions[0])
    opd_code = request.GET.get("opd", "")
    asked = Opd.objects.filter(code=opd_code).first() if opd_code else None
    opd_id = access.realization_opd(request.user, version, asked.pk if asked else None)
    return {
        "version": version,
        "period": lra_selectors.period_for(request.GET.get("periode") or lra_selectors.DEFAULT_PERIOD),
        "dimension": request.GET.get("dimensi") or "akun",
        "depth": request.GET.get("rincian") or "jenis",
        "opd": asked if asked and asked.pk == opd_id else (Opd.objects.get(pk=opd_id) if opd_id else None),
    }


@login_required
@require_GET
def lra(request):
    versions = realization_selectors.report_versions(request.user)
    if not versions:
        return render(request, "reporting/lra.html", {"versions": versions})
    try:
        asked = _lra_request(request, versions)
        report = lra_selectors.lra(
            asked["version"],
            period=asked["period"],
            dimension=asked["dimension"],
            depth=asked["depth"],
            opd=asked["opd"],
        )
    except ValidationError as error:
        return render(
            request, "reporting/lra.html", {"versions": versions, "error": view_helpers.error_text(error)}, status=400
        )
    params = {
        "version": asked["version"].pk,
        "periode": asked["period"].key,
        "dimensi": asked["dimension"],
        "rincian": asked["depth"],
        "opd": asked["opd"].code if asked["opd"] else "",
    }
    return render(
        request,
        "reporting/lra.html",
        {
            "versions": versions,
            "report": report,
            "params": params,
            "periods": lra_selectors.PERIODS.values(),
            "dimensions": lra_selectors.DIMENSIONS,
            "depths": lra_selectors.ACCOUNT_DEPTHS,
            "opds": Opd.objects.order_by("code") if access.chooses_opd(request.user) else [],
            # the form offers these versions, and OPDs to those who choose one: kept under both
            "versions_key": f"{','.join(str(version.pk) for version in versions)}:{access.chooses_opd(request.user)}",
        },
    )


@login_required
@require_GET
def job_list(request):
    return _job_list(request)


def _job_list(request, *, error="", status=200):
    page = view_helpers.page_of(request, job_selectors.own_jobs(request.user))
    return render(request, "reporting/job_list.html", {"page": page, "error": error}, status=status)


@login_required
@require_POST
def job_request(request):
    """Ask for a document from the page that shows its data: `kind` and its parameters as form fields."""
    params = {key: value for key, value in request.POST.items() if key not in ("kind", "csrfmiddlewaretoken")}
    try:
        job = job_services.request_job(actor=request.user, kind=request.POST.get("kind", ""), params=params)
    except ValidationError as error:
        return _job_list(request, error=f"Dokumen tidak dapat dibuat: {view_helpers.error_text(error)}", status=400)
    return redirect("reporting:job", pk=job.pk)


def _job_or_login(request, pk):
    """The job, if the caller may read it; someone not signed in is asked to sign in first."""
    try:
        return job_selectors.job_for(request.user, pk), None
    except Http404:
        if request.user.is_authenticated:
            raise
        return None, redirect_to_login(request.get_full_path())


@login_required
@require_POST
def rka_import(request, pk):
    """RKA lines from an uploaded table, imported by a worker: all of them, or none and every bad row listed on
    the job's page."""
    access.require(request.user, "budgeting.edit_rka", rka_for(request.user, pk))  # 404, then 403, before the file
    form = RkaImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _job_list(request, error=view_helpers.form_error_text(form), status=400)
    try:
        job = job_services.request_job(
            actor=request.user, kind="rka-import", params={"rka": pk}, upload=form.cleaned_data["file"]
        )
    except ValidationError as error:
        return _job_list(request, error=view_helpers.error_text(error), status=400)
    return redirect("reporting:job", pk=job.pk)


@require_GET
def job_detail(request, pk):
    job, login = _job_or_login(request, pk)
    if login:
        return login
    template = "reporting/_job_status.html" if request.htmx else "reporting/job_detail.html"
    return render(request, template, {"job": job, "active": job_selectors.is_active(job)})


@require_GET
def job_download(request, pk):
    job, login = _job_or_login(request, pk)
    if login:
        return login
    if job.state != Job.State.DONE or not job.file:
        raise Http404(access.NOT_FOUND_MESSAGE)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)


@require_GET
def public_document(request, year, number, kind):
    """A document of a published version, for anyone: its file once made; else its job, asked for on the
    public's behalf the first time (each is made once per version, so asking again only finds it)."""
    version = access.get_visible_or_404(  # published versions only, whoever asks
        visible_apbd_versions(AnonymousUser()), fiscal_year__year=year, number=number
    )
    job = job_services.public_document(kind=kind, version=version)
    if job.state == Job.State.DONE:
        return redirect("reporting:job-download", pk=job.pk)
    return redirect("reporting:job", pk=job.pk)


@login_required
@require_POST
def job_retry(request, pk):
    job = job_selectors.job_for(request.user, pk)
    try:
        job_services.retry_job(actor=request.user, job=job)
    except TransitionNotAllowed as refusal:
        messages.error(request, str(refusal))
        return render(request, "reporting/job_detail.html", {"job": job, "active": False}, status=409)
    messages.success(request, "Pekerjaan dimasukkan kembali ke antrean.")
    return redirect("reporting:job", pk=job.pk)


# --- Realization in the browser ----------------------------------------------------------------------


def _realization_opd(request, fiscal_year):
    return access.realization_entry_opd(
        request.user,
        realization_selectors.opds_with_issued_dpa(fiscal_year),
        request.GET.get("opd") or request.POST.get("opd") or "",
    )


def _realization_page(request, *, form=None, error="", status=200):
    user = request.user
    access.require(user, "reporting.enter_realization")
    fiscal_year = view_helpers.requested_year(request)
    opd, opds = _realization_opd(request, fiscal_year)
    dpa = realization_selectors.current_dpa(opd.pk, fiscal_year) if opd else None
    query = view_helpers.search_text(request.GET if request.method == "GET" else request.POST)
    states = realization_selectors.month_states(fiscal_year, opd.pk) if opd else {}
    return render(
        request,
        "reporting/realization.html",
        {
            "fiscal_year": fiscal_year,
            "opd": opd,
            "opds": opds,
            "dpa": dpa,
            "query": query,
            "page": view_helpers.page_of(request, realization_selectors.lines_with_realization(dpa, query))
            if dpa
            else None,
            "months": [(month, name, states.get(month, "open")) for month, name in MONTHS],
            "default_month": realization_selectors.likely_month(fiscal_year),
            "form": form,
            "error": error,
            "import_form": RealizationImportForm(),
            "can_close": user.has_perm("reporting.close_month"),
            "performance": realization_selectors.performance(dpa) if dpa else [],
        },
        status=status,
    )


@login_required
@require_GET
def realization(request):
    return _realization_page(request)


def _back_to_realization(request):
    params = {key: request.POST.get(key, "") for key in ("tahun", "opd", "q", "page") if request.POST.get(key)}
    return redirect(f"{reverse('reporting:realization')}?{urlencode(params)}" if params else "reporting:realization")


@login_required
@require_POST
def realization_record(request):
    access.require(request.user, "reporting.enter_realization")
    form = RealizationForm(request.POST)
    if form.is_valid():
        line = access.get_visible_or_404(
            access.scope_rka(request.user, RkaLine.objects.all(), rka_field="rka"), pk=form.cleaned_data["line"]
        )
        try:
            realization_services.record_realization(
                actor=request.user, line=line, month=form.cleaned_data["month"], amount=form.cleaned_data["amount"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Realisasi {line.account.code} bulan {form.cleaned_data['month']} dicatat.")
            return _back_to_realization(request)
    return _realization_page(request, form=form, error=view_helpers.form_error_text(form), status=422)


@login_required
@require_POST
def realization_progress(request):
    access.require(request.user, "reporting.enter_realization")
    fiscal_year = view_helpers.posted_year(request)
    opd, _ = _realization_opd(request, fiscal_year)
    form = ProgressForm(request.POST)
    if form.is_valid() and opd is not None:
        try:
            realization_services.record_progress(
                actor=request.user,
                opd=opd,
                fiscal_year=fiscal_year,
                sub_kegiatan_code=form.cleaned_data["sub_kegiatan"],
                month=form.cleaned_data["month"],
                physical_percent=form.cleaned_data["physical_percent"],
                output_achieved=form.cleaned_data["output_achieved"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Kemajuan {form.cleaned_data['sub_kegiatan']} dicatat.")
            return _back_to_realization(request)
    return _realization_page(request, error=view_helpers.form_error_text(form) or "Pilih OPD.", status=422)


@login_required
@require_POST
def realization_month(request):
    access.require(request.user, "reporting.close_month")
    fiscal_year = view_helpers.posted_year(request)
    opd = Opd.objects.filter(code=request.POST.get("opd", "")).first()
    month = request.POST.get("month", "")
    if opd is None:
        return _realization_page(request, error="Pilih OPD yang bulannya ditutup atau dibuka.", status=400)
    try:
        realization_services.move_month(
            actor=request.user,
            fiscal_year=fiscal_year,
            opd=opd,
            month=int(month) if month.isascii() and month.isdigit() else 0,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", "")[:2000],
        )
    except (ValidationError, TransitionNotAllowed) as error:
        status = 409 if isinstance(error, TransitionNotAllowed) else 400
        return _realization_page(request, error=view_helpers.error_text(error), status=status)
    messages.success(request, f"Bulan {month} {opd.name} diperbarui.")
    return _back_to_realization(request)


@login_required
@require_POST
def realization_import(request):
    access.require(request.user, "reporting.enter_realization")
    form = RealizationImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _realization_page(request, error=view_helpers.form_error_text(form), status=400)
    year = view_helpers.posted_year(request).year
    job = job_services.request_job(
        actor=request.user, kind="realization-import", params={"year": year}, upload=form.cleaned_data["file"]
    )
    return redirect("reporting:job", pk=job.pk)
