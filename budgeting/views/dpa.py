"""DPA pages: a version's DPAs, one DPA with its anggaran kas, editing a month row, issuing."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from masterdata import access, view_helpers
from masterdata.errors import TransitionNotAllowed
from masterdata.importers import parse_decimal
from masterdata.view_helpers import CONFLICT, UNPROCESSABLE

from ..forms import dpa as dpa_forms
from ..models import Dpa, RkaSubKegiatan
from ..selectors import apbd as apbd_selectors
from ..selectors import dpa as dpa_selectors
from ..selectors import rka as rka_selectors
from ..services import dpa as dpa_services


@login_required
@require_GET
def dpa_list(request, pk):
    user = request.user
    version = apbd_selectors.apbd_version_for(user, pk)
    dpas = dpa_selectors.visible_dpas(user).filter(version=version).order_by("opd__code")
    can_prepare = (
        user.has_perm("budgeting.issue_dpa") and version.is_frozen and dpa_selectors.version_lacks_dpa(version)
    )
    page = view_helpers.page_of(request, dpas)
    page.object_list = dpa_selectors.with_cash_plan_check(page.object_list)
    return render(request, "budgeting/dpa_list.html", {"version": version, "page": page, "can_prepare": can_prepare})


@login_required
@require_POST
def dpa_prepare(request, pk):
    user = request.user
    version = apbd_selectors.apbd_version_for(user, pk)
    try:
        dpas = dpa_services.prepare_dpas(actor=user, version=version)
    except TransitionNotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{len(dpas)} {version.dpa_label} disiapkan dengan anggaran kas awalnya.")
    return redirect("budgeting:dpa-list", pk=version.pk)


def _cash_row_key(row):
    return f"g{row['account_group'].replace('.', '_')}" + (
        f"s{row['sub_kegiatan_id']}" if row["sub_kegiatan_id"] else ""
    )


def _cash_form(row, key):
    return dpa_forms.CashPlanForm(
        prefix=key, initial={f"month_{m}": amount for m, amount in enumerate(row["months"], start=1)}
    )


def _shown_row(row, key, form=None):
    """A row ready for its template: its key, its form, its named months for readers, and the sen of its months
    shown when any month has them, so that the months read on the page add up to the pagu."""
    row["key"], row["form"] = key, form or _cash_form(row, key)
    row["places"] = 2 if any(amount != amount.to_integral_value() for amount in row["months"]) else 0
    row["named_months"] = list(zip(dpa_forms.MONTH_NAMES, row["months"], strict=True))
    return row


def _dpa_context(request, dpa, **extra):
    user = request.user
    rows = dpa_selectors.cash_plan_rows(dpa)
    bound = extra.pop("bound", {})
    for row in rows:
        key = _cash_row_key(row)
        _shown_row(row, key, bound.get(key))
    return {
        "dpa": dpa,
        "print_params": {"version": dpa.version_id, "opd": dpa.opd.code},
        "page": view_helpers.page_of(request, rows, size=20),
        "off_rows": sum(1 for row in rows if row["difference"]),
        "can_edit": user.has_perm("budgeting.edit_cash_plan", dpa),
        "can_issue": user.has_perm("budgeting.issue_dpa") and dpa.state == Dpa.State.DRAFT,
        "issue_form": extra.pop("issue_form", None) or dpa_forms.IssueDpaForm(),
        "transitions": rka_selectors.transitions_of(dpa),
        **extra,
    }


@login_required
@require_GET
def dpa_detail(request, pk):
    dpa = dpa_selectors.dpa_for(request.user, pk)
    return render(request, "budgeting/dpa_detail.html", _dpa_context(request, dpa))


def _cash_row_target(dpa, key):
    """The group and sub-kegiatan a row key names (g5s12, g4, g6_1)."""
    match = re.fullmatch(r"g(4|5|6_1|6_2)(?:s(\d+))?", key)
    if match is None:
        raise Http404
    group = match.group(1).replace("_", ".")
    sub = None
    if match.group(2):
        sub = get_object_or_404(RkaSubKegiatan, rka_id=dpa.rka_id, pk=int(match.group(2)))
    return group, sub


def _cash_status(dpa, group, sub):
    """Pagu, planned total and difference of one anggaran kas row (404 for a row the DPA does not have)."""
    wanted = (group, getattr(sub, "pk", None))
    for row in dpa_selectors.cash_plan_status(dpa):
        if (row["account_group"], row["sub_kegiatan_id"]) == wanted:
            return row
    raise Http404(access.NOT_FOUND_MESSAGE)


@login_required
@require_POST
def cash_plan_edit(request, pk, key):
    """Save one anggaran kas row (or split its pagu evenly); answers the row with its new selisih."""
    user = request.user
    dpa = dpa_selectors.dpa_for(user, pk)
    access.require(user, "budgeting.plan_cash", dpa)
    group, sub = _cash_row_target(dpa, key)
    form = dpa_forms.CashPlanForm(request.POST, prefix=key)
    status, message = UNPROCESSABLE, ""
    if "split" in request.POST or form.is_valid():
        if "split" in request.POST:
            pagu = _cash_status(dpa, group, sub)["pagu"]
            amounts = dict(zip(dpa_services.MONTHS, dpa_services.split_evenly(pagu), strict=True))
        else:
            amounts = form.amounts()
        with view_helpers.refusals_on(form) as outcome:
            dpa_services.edit_cash_plan(actor=user, dpa=dpa, amounts=amounts, sub_kegiatan=sub, account_group=group)
        status = outcome.status
        if outcome.ok:
            message, form = "Anggaran kas disimpan.", None
    if not request.htmx:
        if status == 200:
            messages.success(request, message)
            return redirect(view_helpers.url_to("budgeting:dpa-detail", dpa.pk, anchor=f"kas-{key}"))
        return render(
            request, "budgeting/dpa_detail.html", _dpa_context(request, dpa, bound={key: form}), status=status
        )
    row = next(row for row in dpa_selectors.cash_plan_rows(dpa) if _cash_row_key(row) == key)
    _shown_row(row, key, form)
    context = {
        "dpa": dpa,
        "row": row,
        "can_edit": user.has_perm("budgeting.edit_cash_plan", dpa),
        "status_message": message,
        "row_error": " ".join(form.non_field_errors()) if status == CONFLICT else "",
        "focus": "errors" if status != 200 else "",
    }
    return render(request, "budgeting/partials/cash_row.html", context, status=status)


@login_required
@require_GET
def cash_plan_preview(request, pk, key):
    """The live sum and selisih of a row as typed, before it is saved."""
    dpa = dpa_selectors.dpa_for(request.user, pk)
    group, sub = _cash_row_target(dpa, key)
    pagu = _cash_status(dpa, group, sub)["pagu"]
    total, problem = 0, ""
    for month in dpa_services.MONTHS:
        raw = request.GET.get(f"{key}-month_{month}", "").strip()
        if not raw:
            continue
        try:
            total += parse_decimal(raw)
        except ValueError:
            problem = f"{dpa_forms.MONTH_NAMES[month - 1]}: tulis angka, misalnya 1.250.000."
    return render(
        request,
        "budgeting/partials/cash_sum.html",
        {"key": key, "pagu": pagu, "planned": total, "difference": total - pagu, "problem": problem},
    )


@login_required
@require_POST
def dpa_issue(request, pk):
    user = request.user
    dpa = dpa_selectors.dpa_for(user, pk)
    access.require(user, "budgeting.issue_dpa")
    form = dpa_forms.IssueDpaForm(request.POST)
    if form.is_valid():
        with view_helpers.refusals_on(form) as outcome:
            dpa = dpa_services.issue_dpa(actor=user, dpa=dpa, number=form.cleaned_data["number"])
        if outcome.ok:
            messages.success(request, f"{dpa.version.dpa_label} {dpa.opd.name} nomor {dpa.number} diterbitkan.")
            return redirect("budgeting:dpa-detail", pk=dpa.pk)
    return render(
        request,
        "budgeting/dpa_detail.html",
        _dpa_context(request, dpa, issue_form=form),
        status=UNPROCESSABLE,
    )
