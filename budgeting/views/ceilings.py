"""Ceiling (plafon) pages of a KUA-PPAS version: the OPD table, one OPD's program and sub-kegiatan ceilings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.views.decorators.http import require_GET, require_POST

from masterdata import access, view_helpers
from masterdata.errors import TransitionNotAllowed
from masterdata.models import Opd
from masterdata.money import rupiah
from masterdata.view_helpers import UNPROCESSABLE

from ..forms import ceilings as ceiling_forms
from ..selectors import ceilings as ceiling_selectors
from ..selectors import kua as kua_selectors
from ..services import ceilings as ceiling_services
from .kua import kua_figures


def _ceiling_table_context(request, kua, **extra):
    user = request.user
    query = view_helpers.search_text(request.GET)
    can_edit = user.has_perm("budgeting.edit_kua_ppas", kua)
    page = view_helpers.page_of(request, ceiling_selectors.opd_ceiling_rows(user, kua, query=query))
    if can_edit:
        page.object_list = [_with_amount_form(ceiling) for ceiling in page.object_list]
    context = {
        "kua": kua,
        "query": query,
        "page": page,
        "figures": kua_figures(kua),
        "can_edit": can_edit,
    }
    if can_edit and "add_form" not in extra:
        extra["add_form"] = ceiling_forms.OpdCeilingForm(opds=ceiling_selectors.opds_without_ceiling(kua), prefix="opd")
    return context | extra


@login_required
@require_GET
def ceiling_table(request, pk):
    kua = kua_selectors.kua_ppas_for(request.user, pk)
    return render(request, "budgeting/ceiling_table.html", _ceiling_table_context(request, kua))


@login_required
@require_POST
def ceiling_add(request, pk):
    """A ceiling for an OPD that has none yet (the RKPD gives every OPD with a final Renja one)."""
    kua = kua_selectors.kua_ppas_for(request.user, pk)
    access.require(request.user, "budgeting.change_kua_ppas")
    form = ceiling_forms.OpdCeilingForm(request.POST, opds=ceiling_selectors.opds_without_ceiling(kua), prefix="opd")
    if form.is_valid():
        with view_helpers.refusals_on(form) as outcome:
            ceiling = ceiling_services.set_ceiling(
                actor=request.user, kua=kua, opd=form.cleaned_data["opd"], amount=form.cleaned_data["amount"]
            )
        if outcome.ok:
            messages.success(request, f"Plafon {ceiling.opd.name} {rupiah(ceiling.amount)} ditetapkan.")
            return redirect("budgeting:ceiling-table", pk=kua.pk)
    return render(
        request,
        "budgeting/ceiling_table.html",
        _ceiling_table_context(request, kua, add_form=form, focus="errors"),
        status=UNPROCESSABLE,
    )


def _with_amount_form(ceiling, form=None):
    """A ceiling with the inline form its row shows (the failed one, with its errors, after a refusal)."""
    ceiling.form = form or ceiling_forms.CeilingAmountForm(prefix=f"c{ceiling.pk}", initial={"amount": ceiling.amount})
    return ceiling


def _ceiling_of(user, kua, ceiling_pk):
    return access.get_visible_or_404(ceiling_selectors.visible_ceilings(user, kua=kua), pk=ceiling_pk)


def _annotated_ceiling(user, kua, ceiling):
    """The ceiling as its table row shows it (OPD rows carry the RKPD pagu and narrower ceilings)."""
    if ceiling.level != "opd":
        return ceiling
    return ceiling_selectors.opd_ceiling_rows(user, kua).get(pk=ceiling.pk)


@login_required
@require_POST
def ceiling_edit(request, pk, ceiling_pk):
    """Inline change of one ceiling's amount; answers its row and, out of band, the new totals."""
    user = request.user
    kua = kua_selectors.kua_ppas_for(user, pk)
    access.require(user, "budgeting.change_kua_ppas")
    ceiling = _ceiling_of(user, kua, ceiling_pk)
    form = ceiling_forms.CeilingAmountForm(request.POST, prefix=f"c{ceiling.pk}")
    status, message = UNPROCESSABLE, ""
    if form.is_valid():
        with view_helpers.refusals_on(form) as outcome:
            ceiling = ceiling_services.set_ceiling(
                actor=user,
                kua=kua,
                opd=ceiling.opd,
                amount=form.cleaned_data["amount"],
                program=ceiling.program,
                sub_kegiatan=ceiling.sub_kegiatan,
            )
        status = outcome.status
        if outcome.ok:
            message, form = f"{capfirst(ceiling.label)}: {rupiah(ceiling.amount)} disimpan.", None
    if not request.htmx:
        if status == 200:
            messages.success(request, message)
        else:
            messages.error(request, view_helpers.form_error_text(form))
        return _ceiling_page(kua, ceiling)
    row = _with_amount_form(_annotated_ceiling(user, kua, ceiling), form)
    # The swap replaces the input that had the focus; give it back, so Tab goes on to the next row.
    row.form.fields["amount"].widget.attrs["autofocus"] = True
    context = {
        "kua": kua,
        "ceiling": row,
        "can_edit": True,
        "status_message": message,
        "figures": kua_figures(kua),
    }
    narrow = ceiling.level != "opd"
    template = "budgeting/partials/narrow_ceiling_row.html" if narrow else "budgeting/partials/ceiling_row.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def ceiling_delete(request, pk, ceiling_pk):
    user = request.user
    kua = kua_selectors.kua_ppas_for(user, pk)
    ceiling = _ceiling_of(user, kua, ceiling_pk)
    label = capfirst(ceiling.label)
    try:
        ceiling_services.delete_ceiling(actor=user, ceiling=ceiling)
    except (ValidationError, TransitionNotAllowed) as error:
        messages.error(request, view_helpers.error_text(error))
    else:
        messages.success(request, f"{label} dihapus.")
    return _ceiling_page(kua, ceiling)


def _ceiling_page(kua, ceiling):
    """Back to the page that lists the ceiling: the OPD's page for a narrower one, else the table."""
    if ceiling.level != "opd":
        return redirect("budgeting:ceiling-opd", pk=kua.pk, opd_pk=ceiling.opd_id)
    return redirect("budgeting:ceiling-table", pk=kua.pk)


def _ceiling_opd_context(request, kua, opd, **extra):
    user = request.user
    opd_ceiling = ceiling_selectors.opd_ceiling_rows(user, kua).filter(opd=opd).first()
    narrower = list(ceiling_selectors.narrower_ceilings(user, kua, opd))
    if opd_ceiling is None and not narrower:
        raise Http404(access.NOT_FOUND_MESSAGE)
    can_edit = user.has_perm("budgeting.edit_kua_ppas", kua)
    if can_edit:
        narrower = [_with_amount_form(ceiling) for ceiling in narrower]
    context = {
        "kua": kua,
        "opd": opd,
        "opd_ceiling": opd_ceiling,
        "programs": [c for c in narrower if c.program_id],
        "subs": [c for c in narrower if c.sub_kegiatan_id],
        "can_edit": can_edit,
    }
    if can_edit and "add_form" not in extra:
        programs, subs = ceiling_selectors.ceiling_targets(kua, opd)
        extra["add_form"] = ceiling_forms.NarrowerCeilingForm(programs=programs, subs=subs, prefix="target")
    return context | extra


@login_required
@require_GET
def ceiling_opd(request, pk, opd_pk):
    kua = kua_selectors.kua_ppas_for(request.user, pk)
    opd = get_object_or_404(Opd, pk=opd_pk)
    return render(request, "budgeting/ceiling_opd.html", _ceiling_opd_context(request, kua, opd))


@login_required
@require_POST
def ceiling_opd_add(request, pk, opd_pk):
    user = request.user
    kua = kua_selectors.kua_ppas_for(user, pk)
    access.require(user, "budgeting.change_kua_ppas")
    opd = get_object_or_404(Opd, pk=opd_pk)
    programs, subs = ceiling_selectors.ceiling_targets(kua, opd)
    form = ceiling_forms.NarrowerCeilingForm(request.POST, programs=programs, subs=subs, prefix="target")
    if form.is_valid():
        with view_helpers.refusals_on(form) as outcome:
            ceiling = ceiling_services.set_ceiling(
                actor=user, kua=kua, opd=opd, amount=form.cleaned_data["amount"], **form.target_kwargs()
            )
        if outcome.ok:
            messages.success(request, f"{capfirst(ceiling.label)} {rupiah(ceiling.amount)} ditetapkan.")
            return redirect("budgeting:ceiling-opd", pk=kua.pk, opd_pk=opd.pk)
    return render(
        request,
        "budgeting/ceiling_opd.html",
        _ceiling_opd_context(request, kua, opd, add_form=form, focus="errors"),
        status=UNPROCESSABLE,
    )
