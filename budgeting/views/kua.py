"""KUA-PPAS pages: the year's versions, the policy lines (pendapatan, belanja, pembiayaan) and the moves."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from masterdata import access, view_helpers
from masterdata.errors import TransitionNotAllowed
from masterdata.form_base import active_fiscal_years
from masterdata.money import rupiah
from masterdata.view_helpers import CONFLICT, PICKER_LIMIT, UNPROCESSABLE

from ..forms import kua as kua_forms
from ..models import KuaAccountLine, KuaPpas
from ..selectors import ceilings as ceiling_selectors
from ..selectors import kua as kua_selectors
from ..selectors import rka as rka_selectors
from ..services import kua as kua_services


def _kua_url(kua, anchor=""):
    return view_helpers.url_to("budgeting:kua-detail", kua.pk, anchor=anchor)


@login_required
@require_GET
def kua_list(request):
    user = request.user
    fiscal_year = view_helpers.requested_year(request)
    can_change = user.has_perm("budgeting.change_kua_ppas")
    kuas = kua_selectors.visible_kua_ppas(user, fiscal_year=fiscal_year) if fiscal_year else KuaPpas.objects.none()
    return render(
        request,
        "budgeting/kua_list.html",
        {
            "fiscal_year": fiscal_year,
            "fiscal_years": active_fiscal_years(),
            "kuas": kuas,
            "can_change": can_change,
            "create_form": kua_forms.KuaCreateForm() if can_change else None,
        },
    )


@login_required
@require_POST
def kua_create(request):
    user = request.user
    access.require(user, "budgeting.change_kua_ppas")
    fiscal_year = view_helpers.posted_year(request)
    form = kua_forms.KuaCreateForm(request.POST)
    back = f"{reverse('budgeting:kua-list')}?tahun={fiscal_year.year}"
    if not form.is_valid():
        messages.error(request, "Pilih jenis KUA-PPAS.")
        return redirect(back)
    try:
        kua = kua_services.create_kua_ppas(
            actor=user,
            fiscal_year=fiscal_year,
            kind=form.cleaned_data["kind"],
            policy_notes=form.cleaned_data["policy_notes"],
        )
    except ValidationError as error:
        messages.error(request, view_helpers.error_text(error))
        return redirect(back)
    messages.success(request, f"{kua} dibuat sebagai draf. Isi proyeksi pendapatan, kebijakan belanja dan plafon.")
    return redirect(_kua_url(kua))


def _policy_sections(kua, *, edit_forms=None):
    """The policy lines as the three blocks of the KUA: pendapatan, belanja, pembiayaan; each line with the
    inline form its row shows (its inputs belong to the form in the row's last cell)."""
    edit_forms = edit_forms or {}
    sections = kua_selectors.policy_sections(kua)
    for _, _, lines in sections:
        for line in lines:
            prefix = f"kl{line.pk}"
            line.form = edit_forms.get(line.pk) or kua_forms.KuaLineAmountForm(
                prefix=prefix, initial={"amount": line.amount, "note": line.note}
            )
            for field in line.form.fields.values():
                field.widget.attrs["form"] = f"{prefix}-form"
    return sections


def kua_figures(kua):
    figures = ceiling_selectors.kua_summary(kua)
    figures["blocks_submission"] = kua_services.ceilings_over_policy(
        kua, figures["policy"]["belanja"], figures["ceilings"]["total"]
    )
    return figures


def _kua_context(request, kua, **extra):
    user = request.user
    can_change = user.has_perm("budgeting.change_kua_ppas")
    context = {
        "kua": kua,
        "can_change": can_change,
        "can_edit": user.has_perm("budgeting.edit_kua_ppas", kua),
        "moves": kua_services.kua_moves(kua) if can_change else [],
        "sections": _policy_sections(kua, edit_forms=extra.pop("edit_forms", None)),
        "figures": kua_figures(kua),
        "transitions": rka_selectors.transitions_of(kua),
        "versions": kua_selectors.visible_kua_ppas(user, fiscal_year=kua.fiscal_year),
        "print_params": {"kua": kua.pk},
    }
    if context["can_edit"] and "add_form" not in extra:
        extra["add_form"] = kua_forms.KuaAccountLineForm(kua=kua, prefix="add")
    return context | extra


@login_required
@require_GET
def kua_detail(request, pk):
    kua = kua_selectors.kua_ppas_for(request.user, pk)
    return render(request, "budgeting/kua_detail.html", _kua_context(request, kua))


def _render_policy(request, kua, *, status=200, **extra):
    """The policy block (htmx) or the whole page."""
    context = _kua_context(request, kua, **extra)
    template = "budgeting/partials/kua_policy.html" if request.htmx else "budgeting/kua_detail.html"
    return render(request, template, context, status=status)


def _set_policy_line(actor, kua, account, form):
    return kua_services.set_kua_account_line(
        actor=actor, kua=kua, account=account, amount=form.cleaned_data["amount"], note=form.cleaned_data["note"]
    )


def _policy_changed(request, kua, message, **extra):
    """After a change of the policy: its block (htmx) or the page, anchored there, with the message."""
    if not request.htmx:
        messages.success(request, message)
        return redirect(_kua_url(kua, "kua-policy"))
    return _render_policy(request, kua, status_message=message, **extra)


@login_required
@require_POST
def kua_line_add(request, pk):
    kua = kua_selectors.kua_ppas_for(request.user, pk)
    access.require(request.user, "budgeting.change_kua_ppas")
    form = kua_forms.KuaAccountLineForm(request.POST, kua=kua, prefix="add")
    if form.is_valid():
        with view_helpers.refusals_on(form) as outcome:
            line = _set_policy_line(request.user, kua, form.cleaned_data["account"], form)
        if outcome.ok:
            message = f"{line.account.code} {line.account.name}: {rupiah(line.amount)} disimpan."
            return _policy_changed(request, kua, message, focus="account")
    return _render_policy(request, kua, add_form=form, focus="errors", status=UNPROCESSABLE)


@login_required
@require_POST
def kua_line_edit(request, pk, line_pk):
    kua = kua_selectors.kua_ppas_for(request.user, pk)
    access.require(request.user, "budgeting.change_kua_ppas")
    line = get_object_or_404(KuaAccountLine.objects.select_related("account"), kua_ppas=kua, pk=line_pk)
    if "delete" in request.POST:
        try:
            kua_services.delete_kua_account_line(actor=request.user, line=line)
        except TransitionNotAllowed as error:
            return _render_policy(request, kua, error_message=str(error), status=CONFLICT)
        return _policy_changed(request, kua, f"{line.account.code} dihapus dari KUA-PPAS.")
    form = kua_forms.KuaLineAmountForm(request.POST, prefix=f"kl{line.pk}")
    if form.is_valid():
        try:
            _set_policy_line(request.user, kua, line.account, form)
        except ValidationError as error:
            form.add_service_errors(error)
        except TransitionNotAllowed as error:
            return _render_policy(request, kua, error_message=str(error), status=CONFLICT)
        else:
            return _policy_changed(
                request, kua, f"{line.account.code}: {rupiah(form.cleaned_data['amount'])} disimpan."
            )
    return _render_policy(request, kua, edit_forms={line.pk: form}, focus="errors", status=UNPROCESSABLE)


@login_required
@require_GET
def kua_account_search(request, pk):
    """The KUA account picker's results: pendapatan to objek, belanja by kelompok and jenis, pembiayaan."""
    kua = kua_selectors.kua_ppas_for(request.user, pk)
    query = view_helpers.search_text(request.GET, "account_q")
    options = (
        kua_selectors.kua_account_options(
            kua, levels_by_akun=kua_services.POLICY_LEVELS, query=query, limit=PICKER_LIMIT
        )
        if query
        else []
    )
    selected = kua_forms.KuaAccountLineForm(request.GET, kua=kua, prefix="add").chosen_account
    return render(
        request, "budgeting/partials/account_results.html", view_helpers.picker_results("add", query, options, selected)
    )


@login_required
@require_POST
def kua_transition(request, pk):
    user = request.user
    kua = kua_selectors.kua_ppas_for(user, pk)
    access.require(user, "budgeting.change_kua_ppas")
    form = kua_forms.KuaTransitionForm(request.POST)
    moved, refused = view_helpers.run_move(
        form,
        lambda: kua_services.transition_kua(
            actor=user,
            kua=kua,
            action=form.cleaned_data["action"],
            agreement_number=form.cleaned_data["agreement_number"],
            agreement_date=form.cleaned_data["agreement_date"],
            note=form.cleaned_data["note"],
        ),
        lambda status, **extra: render(
            request,
            "budgeting/kua_detail.html",
            _kua_context(request, kua_selectors.kua_ppas_for(user, pk), **extra),
            status=status,
        ),
    )
    if refused is not None:
        return refused
    messages.success(request, KUA_DONE[form.cleaned_data["action"]].format(kua=moved))
    return redirect(_kua_url(moved))


KUA_DONE = {
    "submit": "{kua} diajukan ke DPRD.",
    "revise": "{kua} dikembalikan ke draf untuk diperbaiki sesuai pembahasan.",
    "agree": "Nota kesepakatan {kua.agreement_number} dicatat. Kunci plafon agar OPD dapat menyusun RKA.",
    "lock": "Plafon {kua} dikunci. OPD dapat menyusun RKA dalam batas plafonnya.",
}
