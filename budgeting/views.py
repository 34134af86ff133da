"""HTML pages of the budgeting stage: KUA-PPAS and ceilings, the RKA editor and TAPD's verification, the
APBD consolidation and adoption, DPA with anggaran kas, and the diff of two versions.

Views parse forms, call the services for every write and the selectors for every read, and turn the
services' errors into messages people can act on. Pages work as plain forms; with htmx the editors swap
single rows (422 = the form with its errors, 409 = a stale save or a move that no longer applies, both
swapped in like a 200) and refresh totals and remaining ceilings out of band.
"""

import re
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from budgeting import ceiling_rules, forms
from budgeting.selectors import apbd as apbd_selectors
from budgeting.selectors import ceilings as ceiling_selectors
from budgeting.selectors import diff as diff_selectors
from budgeting.selectors import dpa as dpa_selectors
from budgeting.selectors import kua as kua_selectors
from budgeting.selectors import rka as rka_selectors
from budgeting.services import apbd as apbd_services
from budgeting.services import ceilings as ceiling_services
from budgeting.services import dpa as dpa_services
from budgeting.services import kua as kua_services
from budgeting.services import rka as rka_services
from masterdata import access, view_helpers
from masterdata.errors import StaleObject, TransitionNotAllowed
from masterdata.importers import parse_decimal
from masterdata.models import Opd
from masterdata.selectors import current_fiscal_year
from masterdata.templatetags.rupiah import rupiah
from masterdata.view_helpers import CONFLICT, PICKER_LIMIT, UNPROCESSABLE
from planning.forms import active_fiscal_years

from .models import ApbdTotal, ApbdVersion, Dpa, KuaAccountLine, KuaPpas, Rka, RkaLine, RkaSubKegiatan
from .view_filters import RkaFilterSet

SECTIONS = {"pendapatan": ("4", "Pendapatan"), "pembiayaan": ("6", "Pembiayaan")}
VOLUME_FIELDS = ("volume_1", "volume_2", "volume_3")
Dimension = ApbdTotal.Dimension
KELOMPOK_BELANJA = [
    ("5.1", "Operasi"),
    ("5.2", "Modal"),
    ("5.3", "Tidak terduga"),
    ("5.4", "Transfer"),
]
LINE_KINDS = [("changed", "Berubah"), ("added", "Baru"), ("removed", "Dihapus")]


# --- Landing page ------------------------------------------------------------------------------


@login_required
@require_GET
def budgeting_home(request):
    user = request.user
    fiscal_year = view_helpers.requested_year(request)
    context = {"fiscal_year": fiscal_year, "fiscal_years": active_fiscal_years()}
    if fiscal_year is not None:
        context.update(
            kuas=list(kua_selectors.kua_versions_for(user, fiscal_year)),
            versions=list(apbd_selectors.apbd_versions_with_counts(user, fiscal_year)),
            own_rkas=list(rka_selectors.own_rkas(user, fiscal_year)),
        )
    return render(request, "budgeting/home.html", context)


# --- KUA-PPAS ----------------------------------------------------------------------------------


def _kua_url(kua, anchor=""):
    return view_helpers.url_to("budgeting:kua-detail", kua.pk, anchor=anchor)


@login_required
@require_GET
def kua_list(request):
    user = request.user
    fiscal_year = view_helpers.requested_year(request)
    can_change = user.has_perm("budgeting.change_kua_ppas")
    kuas = (
        kua_selectors.visible_kua_ppas(user).filter(fiscal_year=fiscal_year) if fiscal_year else KuaPpas.objects.none()
    )
    return render(
        request,
        "budgeting/kua_list.html",
        {
            "fiscal_year": fiscal_year,
            "fiscal_years": active_fiscal_years(),
            "kuas": kuas.order_by("number"),
            "can_change": can_change,
            "create_form": forms.KuaCreateForm() if can_change else None,
        },
    )


@login_required
@require_POST
def kua_create(request):
    user = request.user
    access.require(user, "budgeting.change_kua_ppas")
    fiscal_year = view_helpers.posted_year(request)
    form = forms.KuaCreateForm(request.POST)
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
    lines = list(kua_selectors.kua_account_lines(kua))
    for line in lines:
        prefix = f"kl{line.pk}"
        line.form = edit_forms.get(line.pk) or forms.KuaLineAmountForm(
            prefix=prefix, initial={"amount": line.amount, "note": line.note}
        )
        for field in line.form.fields.values():
            field.widget.attrs["form"] = f"{prefix}-form"
    return [
        ("4", "Proyeksi pendapatan", [line for line in lines if line.account.code.startswith("4")]),
        ("5", "Kebijakan belanja", [line for line in lines if line.account.code.startswith("5")]),
        ("6", "Pembiayaan", [line for line in lines if line.account.code.startswith("6")]),
    ]


def _kua_figures(kua):
    totals = kua_selectors.kua_policy_totals(kua)
    balance = apbd_selectors.Balance(**totals)
    ceilings = ceiling_selectors.ceiling_summary(kua)
    return {
        "policy": totals,
        "surplus": balance.surplus,
        "netto": balance.pembiayaan_netto,
        "gap": balance.gap,
        "ceilings": ceilings,
        "ceiling_room": totals["belanja"] - ceilings["total"],
        "blocks_submission": kua_services.ceilings_over_policy(kua, totals["belanja"], ceilings["total"]),
    }


def _kua_context(request, kua, **extra):
    user = request.user
    can_change = user.has_perm("budgeting.change_kua_ppas")
    context = {
        "kua": kua,
        "can_change": can_change,
        "can_edit": user.has_perm("budgeting.edit_kua_ppas", kua),
        "moves": kua_services.kua_moves(kua) if can_change else [],
        "sections": _policy_sections(kua, edit_forms=extra.pop("edit_forms", None)),
        "figures": _kua_figures(kua),
        "transitions": rka_selectors.transitions_of(kua),
        "versions": kua_selectors.kua_versions_for(user, kua.fiscal_year),
    }
    if context["can_edit"] and "add_form" not in extra:
        extra["add_form"] = forms.KuaAccountLineForm(kua=kua, prefix="add")
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
    form = forms.KuaAccountLineForm(request.POST, kua=kua, prefix="add")
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
    line = get_object_or_404(KuaAccountLine.objects.select_related("account"), kua_ppas=kua, pk=line_pk)
    if "delete" in request.POST:
        try:
            kua_services.delete_kua_account_line(actor=request.user, line=line)
        except TransitionNotAllowed as error:
            return _render_policy(request, kua, error_message=str(error), status=CONFLICT)
        return _policy_changed(request, kua, f"{line.account.code} dihapus dari KUA-PPAS.")
    form = forms.KuaLineAmountForm(request.POST, prefix=f"kl{line.pk}")
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
    selected = forms.KuaAccountLineForm(request.GET, kua=kua, prefix="add").chosen_account
    return render(
        request, "budgeting/partials/account_results.html", view_helpers.picker_results("add", query, options, selected)
    )


@login_required
@require_POST
def kua_transition(request, pk):
    user = request.user
    kua = kua_selectors.kua_ppas_for(user, pk)
    form = forms.KuaTransitionForm(request.POST)
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


# --- Ceilings (plafon) ---------------------------------------------------------------------------


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
        "figures": _kua_figures(kua),
        "can_edit": can_edit,
    }
    if can_edit and "add_form" not in extra:
        extra["add_form"] = forms.OpdCeilingForm(opds=ceiling_selectors.opds_without_ceiling(kua), prefix="opd")
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
    form = forms.OpdCeilingForm(request.POST, opds=ceiling_selectors.opds_without_ceiling(kua), prefix="opd")
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
    ceiling.form = form or forms.CeilingAmountForm(prefix=f"c{ceiling.pk}", initial={"amount": ceiling.amount})
    return ceiling


def _ceiling_of(user, kua, ceiling_pk):
    return access.get_visible_or_404(ceiling_selectors.ceilings_for(user, kua), pk=ceiling_pk)


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
    ceiling = _ceiling_of(user, kua, ceiling_pk)
    form = forms.CeilingAmountForm(request.POST, prefix=f"c{ceiling.pk}")
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
        "figures": _kua_figures(kua),
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
        extra["add_form"] = forms.NarrowerCeilingForm(programs=programs, subs=subs, prefix="target")
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
    opd = get_object_or_404(Opd, pk=opd_pk)
    programs, subs = ceiling_selectors.ceiling_targets(kua, opd)
    form = forms.NarrowerCeilingForm(request.POST, programs=programs, subs=subs, prefix="target")
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


# --- RKA: lists and the verification inbox -------------------------------------------------------


def _chosen_version(request, versions):
    """The version named by ?versi=, else the newest of the current year (else the newest at all)."""
    wanted = request.GET.get("versi", "")
    if wanted.isdigit():
        version = next((v for v in versions if v.pk == int(wanted)), None)
        if version is not None:
            return version
    current = current_fiscal_year()
    return next((v for v in versions if current and v.fiscal_year_id == current.pk), None) or (
        versions[0] if versions else None
    )


def _render_rka_list(request, *, inbox):
    user = request.user
    versions = list(apbd_selectors.visible_apbd_versions(user).filter(fiscal_year__is_active=True))
    version = _chosen_version(request, versions)
    params = request.GET.copy()
    if inbox and "status" not in params:
        params["status"] = Rka.State.SUBMITTED
    context = {"inbox": inbox, "versions": versions, "version": version}
    if version is not None:
        rows = rka_selectors.rkas_with_totals(user, version)
        filterset = RkaFilterSet(params, queryset=rows)
        rows = filterset.qs if filterset.is_valid() else rows.none()
        if inbox:  # the longest waiting first
            rows = rows.order_by("updated_at", "opd__code")
        state = filterset.form.cleaned_data.get("status", "") if filterset.is_valid() else ""
        counts = rka_selectors.rka_state_counts(user, version)
        context.update(
            filterset=filterset,
            state=state,
            state_label=dict(Rka.State.choices).get(state, ""),
            page=view_helpers.page_of(request, rows),
            counts=view_helpers.state_counts(counts, Rka.State.choices),
        )
    return render(request, "budgeting/rka_list.html", context)


@login_required
@require_GET
def rka_list(request):
    return _render_rka_list(request, inbox=False)


@login_required
@require_GET
def rka_inbox(request):
    access.require(request.user, "budgeting.verify_rka")
    return _render_rka_list(request, inbox=True)


# --- RKA page: sub-kegiatan, ceilings, actions, comments ------------------------------------------


def _rka_permissions(user, rka):
    return view_helpers.workflow_permissions(
        user,
        rka,
        edit_perm="budgeting.edit_rka",
        verify_perm="budgeting.verify_rka",
        comment_perm="budgeting.comment_rka",
    )


def _rka_context(request, rka, **extra):
    user = request.user
    perms = _rka_permissions(user, rka)
    sections = rka_selectors.rka_section_totals(rka)
    page = view_helpers.page_of(request, rka_selectors.rka_sub_kegiatan_rows(rka))
    page.object_list = list(page.object_list)
    for sub in page.object_list:
        sub.section_key = f"sk{sub.pk}"
    context = {
        "rka": rka,
        "page": page,
        "sections": [
            (key, akun, label, *sections.get(akun, (0, None)))
            for key, (akun, label) in SECTIONS.items()
            if akun in sections or (perms["can_edit"] and _section_allowed(rka, akun))
        ],
        "ceilings": ceiling_selectors.rka_ceilings(rka),
        "totals": ceiling_rules.rka_totals(rka),
        "moves": view_helpers.moves_for(perms, rka_services.rka_moves(rka), ("return", "approve", "reopen")),
        "general_comments": rka_selectors.rka_general_comments(rka),
        "transitions": rka_selectors.transitions_of(rka),
        **perms,
    }
    if perms["can_edit"] and "sub_form" not in extra:
        extra["sub_form"] = forms.RkaSubKegiatanForm(renja_lines=list(rka_selectors.renja_lines_for_rka(rka)))
    return context | extra


def _section_allowed(rka, akun):
    """Whether to offer an empty pendapatan or pembiayaan section: revenue-collecting OPDs budget akun 4 in
    their own RKA; pembiayaan (akun 6) is BPKAD's as PPKD only, as the service enforces."""
    return akun == "4" or rka_services.budgets_pembiayaan(rka)


def _render_rka(request, rka, *, status=200, **extra):
    return render(request, "budgeting/rka_detail.html", _rka_context(request, rka, **extra), status=status)


@login_required
@require_GET
def rka_detail(request, pk):
    return _render_rka(request, rka_selectors.rka_for(request.user, pk))


@login_required
@require_POST
def rka_sub_kegiatan_add(request, pk):
    user = request.user
    rka = rka_selectors.rka_for(user, pk)
    form = forms.RkaSubKegiatanForm(request.POST, renja_lines=list(rka_selectors.renja_lines_for_rka(rka)))
    if form.is_valid():
        with view_helpers.refusals_on(form) as outcome:
            sub = rka_services.add_rka_sub_kegiatan(actor=user, rka=rka, **form.service_values())
        if outcome.ok:
            messages.success(request, f"Sub-kegiatan {sub.sub_kegiatan.code} ditambahkan. Isi rinciannya di bawah.")
            return redirect(_section_url(rka, f"sk{sub.pk}"))
    return _render_rka(request, rka, sub_form=form, status=UNPROCESSABLE)


@login_required
@require_POST
def rka_transition(request, pk):
    user = request.user
    rka = rka_selectors.rka_for(user, pk)
    form = forms.RkaTransitionForm(request.POST)
    moved, refused = view_helpers.run_move(
        form,
        lambda: rka_services.transition_rka(
            actor=user, rka=rka, action=form.cleaned_data["action"], note=form.cleaned_data["note"]
        ),
        lambda **extra: _render_rka(request, rka_selectors.rka_for(user, pk), **extra),
    )
    if refused is not None:
        return refused
    action = form.cleaned_data["action"]
    messages.success(request, RKA_DONE[action].format(rka=moved))
    if action in ("return", "approve", "reopen"):
        return redirect(f"{reverse('budgeting:rka-inbox')}?versi={moved.version_id}")
    return redirect("budgeting:rka-detail", pk=moved.pk)


RKA_DONE = {
    "submit": "RKA diajukan ke TAPD untuk diverifikasi (asistensi).",
    "return": "RKA {rka.opd.name} dikembalikan dengan catatan asistensi.",
    "approve": "RKA {rka.opd.name} disetujui TAPD.",
    "reopen": "RKA {rka.opd.name} dibuka kembali dan dikembalikan ke OPD dengan catatan asistensi.",
}


@login_required
@require_POST
def rka_comment(request, pk):
    """A TAPD note on the RKA or one line, or the OPD's answer; answers with that line or the general notes."""
    user = request.user
    rka = rka_selectors.rka_for(user, pk)
    form = forms.RkaCommentForm(request.POST)
    line_pk = request.POST.get("line", "")  # also when the text is missing: the answer goes back to that line
    line = _line_of(rka, int(line_pk)) if line_pk.isdigit() else None
    saved = False
    if form.is_valid():
        try:
            rka_services.comment_rka(actor=user, rka=rka, text=form.cleaned_data["text"], line=line)
            saved = True
        except ValidationError as error:
            form.add_service_errors(error)
    status = 200 if saved else UNPROCESSABLE
    comment_error = None if saved else {"errors": form.errors}
    if not request.htmx:
        if saved:
            messages.success(request, "Catatan disimpan.")
        else:
            messages.error(request, view_helpers.form_error_text(form))
        if line is not None:
            return redirect(_section_url(rka, _section_key(line), f"line-{line.pk}"))
        return redirect(view_helpers.url_to("budgeting:rka-detail", rka.pk, anchor="general-comments"))
    extra = {"comment_error": comment_error, "status_message": "" if comment_error else "Catatan disimpan."}
    if line is not None:
        section = _section_for_line(rka, line)
        return render(
            request,
            "budgeting/partials/line.html",
            _line_context(request, rka, section, line.pk, focus="thread", **extra),
            status=status,
        )
    context = {
        "rka": rka,
        "general_comments": rka_selectors.rka_general_comments(rka),
        "focus": "thread",
        **_rka_permissions(user, rka),
        **extra,
    }
    return render(request, "budgeting/partials/general_comments.html", context, status=status)


# --- The RKA line editor (one sub-kegiatan, or the pendapatan / pembiayaan lines) ------------------


@dataclass
class Section:
    """Where lines are entered: a sub-kegiatan of the RKA (belanja), or the RKA's pendapatan or pembiayaan."""

    key: str
    akun: str
    sub: RkaSubKegiatan | None
    label: str

    @property
    def is_spending(self):
        return self.akun == "5"


def _section(rka, key):
    if key.startswith("sk") and key[2:].isdigit():
        sub = get_object_or_404(
            RkaSubKegiatan.objects.select_related("sub_kegiatan__parent__parent", "renja_line"),
            rka=rka,
            pk=int(key[2:]),
        )
        return Section(key, "5", sub, f"{sub.sub_kegiatan.code} {sub.sub_kegiatan.name}")
    if key not in SECTIONS:
        raise Http404(access.NOT_FOUND_MESSAGE)
    akun, label = SECTIONS[key]
    return Section(key, akun, None, label)


def _section_key(line):
    if line.sub_kegiatan_id:
        return f"sk{line.sub_kegiatan_id}"
    return "pendapatan" if line.account.code.startswith("4") else "pembiayaan"


def _section_for_line(rka, line):
    return _section(rka, _section_key(line))


def _section_url(rka, key, anchor=""):
    return view_helpers.url_to("budgeting:rka-section", rka.pk, key, anchor=anchor)


def _line_of(rka, line_pk):
    line = get_object_or_404(RkaLine.objects.select_related(*rka_selectors.SAVED_LINE_RELATED), rka=rka, pk=line_pk)
    line.rka = rka  # already read, with what a save reads of it
    return line


def _line_target(user, pk, line_pk):
    """The RKA, the line and its section that a line's URL names."""
    rka = rka_selectors.rka_for(user, pk)
    line = _line_of(rka, line_pk)
    return rka, line, _section_for_line(rka, line)


def _summary(rka, section, standing=None):
    """Totals and remaining ceilings (what the editor refreshes out of band after a change): those a save
    answered with (its line's sub-kegiatan is the section's), else read now. Only belanja has ceilings."""
    if standing is None:
        if not section.is_spending:
            return {"totals": ceiling_rules.rka_totals(rka, section.sub), "ceilings": []}
        standing = ceiling_rules.rka_standing(rka, section.sub)
    return {"totals": standing.totals, "ceilings": standing.ceilings if section.is_spending else []}


def _new_line_form(rka, section, carried=None):
    """An empty add form; its funding source defaults to the one the Renja planned for the sub-kegiatan."""
    initial = carried or {}
    if not initial and section.sub is not None and section.sub.renja_line_id:
        initial = {"funding_source": section.sub.renja_line.funding_source_id}
    return forms.RkaLineForm(rka=rka, akun=section.akun, prefix="add", initial=initial)


def _with_pickers(form):
    """A line form with what its standard-price picker shows for the chosen account, and (after a refused
    save) the amount of what was typed."""
    if form is None:
        return form
    form.item_picker = _item_context(form)
    cleaned = getattr(form, "cleaned_data", {})
    if cleaned.get("volume_1") is not None and cleaned.get("unit_price") is not None:
        form.initial["amount"] = ceiling_rules.line_amount(cleaned)
    return form


def _editor_context(request, rka, section, *, add_form=None, editing=None, **extra):
    user = request.user
    perms = _rka_permissions(user, rka)
    query = view_helpers.search_text(request.GET)
    if perms["can_edit"] and add_form is None:
        add_form = _new_line_form(rka, section)
    return {
        "rka": rka,
        "section": section,
        "query": query,
        "page": view_helpers.page_of(
            request, rka_selectors.rka_lines(rka, sub_kegiatan=section.sub, akun=section.akun, query=query)
        ),
        "add_form": _with_pickers(add_form),
        "editing": editing,
        **_summary(rka, section),
        **perms,
        **extra,
    }


def _render_editor(request, rka, section, *, status=200, **kwargs):
    return render(
        request, "budgeting/rka_section.html", _editor_context(request, rka, section, **kwargs), status=status
    )


def _shown_line(rka, section, line_pk):
    """A line as the editor's table shows it."""
    return get_object_or_404(rka_selectors.rka_lines(rka, sub_kegiatan=section.sub, akun=section.akun), pk=line_pk)


def _line_context(request, rka, section, line_pk, **extra):
    line = _shown_line(rka, section, line_pk)
    return {"rka": rka, "section": section, "line": line, **_rka_permissions(request.user, rka), **extra}


@login_required
@require_GET
def rka_section(request, pk, section):
    rka = rka_selectors.rka_for(request.user, pk)
    comment_line = request.GET.get("catatan", "")  # without JavaScript: the line whose comment form is open
    return _render_editor(
        request, rka, _section(rka, section), comment_line=int(comment_line) if comment_line.isdigit() else None
    )


@login_required
@require_POST
def line_add(request, pk, section):
    rka = rka_selectors.rka_for(request.user, pk)
    section = _section(rka, section)
    form = forms.RkaLineForm(request.POST, rka=rka, akun=section.akun, prefix="add")
    status = UNPROCESSABLE
    if form.is_valid():
        with view_helpers.refusals_on(form) as outcome:
            line = rka_services.add_rka_line(
                actor=request.user, rka=rka, sub_kegiatan=section.sub, **form.service_values()
            )
        status = outcome.status
        if outcome.ok:
            message = f"Rincian {line.account.code} {rupiah(line.amount)} ditambahkan."
            if not request.htmx:
                messages.success(request, message)
                return redirect(_section_url(rka, section.key))
            carried = {field: form.cleaned_data.get(field) for field in forms.RkaLineForm.CARRIED_OVER}
            context = _line_context(request, rka, section, line.pk, status_message=message, is_new=True)
            add_form = _with_pickers(_new_line_form(rka, section, carried))
            context.update(_summary(rka, section, line.standing), add_form=add_form, focus="item")
            return render(request, "budgeting/partials/line_added.html", context)
    if not request.htmx:
        return _render_editor(request, rka, section, add_form=form, status=status, focus="errors")
    response = render(
        request,
        "budgeting/partials/add_panel.html",
        {"rka": rka, "section": section, "add_form": _with_pickers(form), "focus": "errors"},
        status=status,
    )
    return view_helpers.htmx_swappable(response, "#add-line-panel")


@login_required
@require_GET
def line_row(request, pk, line_pk):
    """A line as shown in the table (the edit form's 'Batal' swaps this back in)."""
    rka, line, section = _line_target(request.user, pk, line_pk)
    with_form = request.GET.get("catatan") == "1"
    if not request.htmx:
        query = f"?catatan={line.pk}" if with_form else ""
        return redirect(_section_url(rka, section.key) + f"{query}#line-{line.pk}")
    context = _line_context(
        request, rka, section, line.pk, focus="" if with_form else "edit", show_comment_form=with_form
    )
    return render(request, "budgeting/partials/line.html", context)


def _render_edit(request, rka, section, line, form, *, status=200, focus="first", conflict=None):
    context = {
        "rka": rka,
        "section": section,
        "line": line,
        "form": _with_pickers(form),
        "focus": focus,
        "conflict": conflict,
    }
    if request.htmx:
        return render(request, "budgeting/partials/line_edit.html", context, status=status)
    return _render_editor(request, rka, section, editing=context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def line_edit(request, pk, line_pk):
    user = request.user
    rka, line, section = _line_target(user, pk, line_pk)
    prefix = f"line{line.pk}"
    if request.method == "GET":
        access.require(user, "budgeting.edit_rka", rka)
        form = forms.RkaLineForm(initial=forms.line_initial(line), rka=rka, akun=section.akun, prefix=prefix)
        return _render_edit(request, rka, section, line, form)
    form = forms.RkaLineForm(request.POST, rka=rka, akun=section.akun, prefix=prefix)
    if not form.is_valid():
        return _render_edit(request, rka, section, line, form, status=UNPROCESSABLE, focus="errors")
    with view_helpers.refusals_on(form, current=lambda: _shown_line(rka, section, line.pk)) as outcome:
        updated = rka_services.update_rka_line(
            actor=user, line=line, expected_version=form.cleaned_data["version"], **form.service_values()
        )
    if not outcome.ok:
        return _render_edit(
            request, rka, section, line, form, status=outcome.status, focus="errors", conflict=outcome.conflict
        )
    message = f"Rincian {updated.account.code} disimpan: {rupiah(updated.amount)}."
    if not request.htmx:
        messages.success(request, message)
        return redirect(_section_url(rka, section.key, f"line-{updated.pk}"))
    context = _line_context(request, rka, section, updated.pk, status_message=message, focus="edit")
    context.update(_summary(rka, section, updated.standing))
    return render(request, "budgeting/partials/line.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def line_delete(request, pk, line_pk):
    user = request.user
    rka, line, section = _line_target(user, pk, line_pk)
    if request.method == "GET":
        access.require(user, "budgeting.edit_rka", rka)
        return render(request, "budgeting/line_confirm_delete.html", {"rka": rka, "section": section, "line": line})
    version = request.POST.get("version", "")
    label = f"{line.account.code} {rupiah(line.amount)}"
    try:
        standing = rka_services.delete_rka_line(
            actor=user, line=line, expected_version=int(version) if version.isdigit() else None
        )
    except (StaleObject, TransitionNotAllowed) as error:
        if not request.htmx:
            messages.error(request, str(error))
            return redirect(_section_url(rka, section.key))
        context = _line_context(request, rka, section, line.pk, row_error=str(error), focus="edit")
        return render(request, "budgeting/partials/line.html", context, status=CONFLICT)
    message = f"Rincian {label} dihapus."
    if not request.htmx:
        messages.success(request, message)
        return redirect(_section_url(rka, section.key))
    context = {"rka": rka, "section": section, "status_message": message, **_summary(rka, section, standing)}
    return render(request, "budgeting/partials/line_deleted.html", context)


def _picker_target(request, pk, section_key):
    """The RKA, the section and the form (prefix) that a picker's or a preview's request is for."""
    rka = rka_selectors.rka_for(request.user, pk)
    return rka, _section(rka, section_key), view_helpers.picker_prefix(request)


@login_required
@require_GET
def account_search(request, pk, section):
    """The account picker's results: sub rincian objek accounts of this section's akun, every word matching."""
    rka, section, prefix = _picker_target(request, pk, section)
    query = view_helpers.search_text(request.GET, "account_q")
    options = (
        rka_selectors.line_account_options(rka, akun=section.akun, query=query, limit=PICKER_LIMIT) if query else []
    )
    form = forms.RkaLineForm(request.GET, rka=rka, akun=section.akun, prefix=prefix)
    context = view_helpers.picker_results(prefix, query, options, form.chosen("account"))
    return render(request, "budgeting/partials/account_results.html", context)


@login_required
@require_GET
def item_search(request, pk, section):
    """The standard-price picker's results: only items allowed for the chosen account, with their price."""
    rka, section, prefix = _picker_target(request, pk, section)
    form = forms.RkaLineForm(request.GET, rka=rka, akun=section.akun, prefix=prefix)
    return render(request, "budgeting/partials/item_results.html", _item_context(form, request.GET, search=True))


def _item_context(form, params=None, *, search=False):
    """What the standard-price picker shows for the form's account: matching items, the chosen one on top."""
    rka = form.rka
    fiscal_year = rka.version.fiscal_year
    account = form.chosen("account")
    query = view_helpers.search_text(params or {}, "item_q")
    options, uses_items, selected = [], False, None
    if account is not None:
        options = rka_selectors.standard_price_options(fiscal_year, account, query=query, limit=PICKER_LIMIT)
        uses_items = bool(options) or rka_selectors.account_uses_standard_prices(fiscal_year, account)
        chosen = form.chosen("standard_price")
        if chosen is not None and chosen.accounts.filter(pk=account.pk).exists():
            selected = chosen
    context = view_helpers.picker_results(form.prefix, query, options, selected, account=account, uses_items=uses_items)
    return context | {"shown": len(context["options"]) + (selected is not None), "search": search}


@login_required
@require_GET
def amount_preview(request, pk, section):
    """Volume × unit price as typed, and what would remain of the tightest ceiling after saving it."""
    rka, section, prefix = _picker_target(request, pk, section)
    values, problem = {}, ""
    for field in (*VOLUME_FIELDS, "unit_price"):
        raw = request.GET.get(f"{prefix}-{field}", "").strip()
        if not raw:
            values[field] = None
            continue
        try:
            values[field] = parse_decimal(raw, places=2 if field == "unit_price" else 4)
        except ValueError:
            problem = "Periksa volume dan harga satuan: tulis angka, misalnya 1.250.000."
    amount = None
    if not problem and values["volume_1"] is not None and values["unit_price"] is not None:
        amount = ceiling_rules.line_amount(values)
    preview = {"amount": amount, "problem": problem, "ceiling": None}
    if amount is not None and section.is_spending:
        editing = int(prefix[4:]) if prefix.startswith("line") else None
        standing = ceiling_rules.rka_standing(rka, section.sub, exclude_line_id=editing)
        statuses = standing.with_line(RkaLine.Akun.BELANJA, amount).ceilings  # as the save would leave them
        if statuses:
            tightest = min(statuses, key=lambda status: status.remaining)
            preview["ceiling"] = {"label": tightest.label, "after": tightest.remaining}
    return render(request, "budgeting/partials/amount.html", {"prefix": prefix, "preview": preview})


# --- APBD versions ------------------------------------------------------------------------------


def _version_url(version, anchor=""):
    return view_helpers.url_to("budgeting:apbd-detail", version.pk, anchor=anchor)


@login_required
@require_GET
def apbd_list(request):
    user = request.user
    fiscal_year = view_helpers.requested_year(request)
    can_change = user.has_perm("budgeting.change_apbd")
    context = {
        "fiscal_year": fiscal_year,
        "fiscal_years": active_fiscal_years(),
        "versions": apbd_selectors.apbd_versions_with_counts(user, fiscal_year) if fiscal_year else [],
        "can_change": can_change,
    }
    if can_change and fiscal_year is not None:
        unused = kua_selectors.unused_locked_kuas(fiscal_year)
        context.update(
            murni_kuas=unused.filter(kind=KuaPpas.Kind.MURNI),
            perubahan_kuas=unused.filter(kind=KuaPpas.Kind.PERUBAHAN),
        )
    return render(request, "budgeting/apbd_list.html", context)


@login_required
@require_POST
def apbd_create(request):
    user = request.user
    access.require(user, "budgeting.change_apbd")
    fiscal_year = view_helpers.posted_year(request)
    form = forms.ApbdCreateForm(request.POST, kuas=kua_selectors.unused_locked_kuas(fiscal_year))
    back = f"{reverse('budgeting:apbd-list')}?tahun={fiscal_year.year}"
    if not form.is_valid():
        messages.error(request, "Pilih KUA-PPAS yang plafonnya sudah dikunci.")
        return redirect(back)
    kind, kua = form.cleaned_data["kind"], form.cleaned_data["kua"]
    try:
        if kind == ApbdVersion.Kind.PERGESERAN:
            version = apbd_services.create_shift_version(
                actor=user, fiscal_year=fiscal_year, note=form.cleaned_data["note"]
            )
        elif kua is None:
            raise ValidationError("Pilih KUA-PPAS yang plafonnya sudah dikunci.")
        else:  # the KUA-PPAS says which: murni, or perubahan from a KUPA-PPAS-P
            version = apbd_services.open_version(actor=user, kua=kua)
    except ValidationError as error:
        messages.error(request, view_helpers.error_text(error))
        return redirect(back)
    messages.success(request, f"{version} dibuka sebagai draf; OPD dapat menyusun RKA-nya.")
    return redirect(_version_url(version))


def _apbd_context(request, version, **extra):
    user = request.user
    dimension = request.GET.get("tampilan", Dimension.ACCOUNT)
    if dimension not in Dimension.values:
        dimension = Dimension.ACCOUNT
    with_objek = request.GET.get("objek") == "1"
    figures = apbd_selectors.ringkasan(version)
    if dimension == Dimension.ACCOUNT:
        levels = ("akun", "kelompok", "jenis", "objek") if with_objek else ("akun", "kelompok", "jenis")
        rows = [row for row in figures.accounts if row.level in levels]
    else:
        rows = figures.groups[dimension]
    can_change = user.has_perm("budgeting.change_apbd")
    can_approve = user.has_perm("budgeting.approve_shift")
    moves = [
        move
        for move in apbd_services.apbd_moves(version)
        if move != "publish" and (can_approve if move == "approve" else can_change)
    ]
    counts = rka_selectors.rka_state_counts(user, version)
    return {
        "version": version,
        "figures": figures,
        "balance": figures.balance,
        "dimension": dimension,
        "dimensions": Dimension.choices,
        "kelompok_belanja": KELOMPOK_BELANJA,
        "with_objek": with_objek,
        "page": view_helpers.page_of(request, rows),
        "rka_counts": view_helpers.state_counts(counts, Rka.State.choices),
        "rka_total": sum(counts.values()),
        "moves": moves,
        "can_publish": can_change and "publish" in apbd_services.apbd_moves(version),
        "can_change": can_change,
        "transitions": rka_selectors.transitions_of(version),
        "move_form": extra.get("transition_form") or forms.ApbdTransitionForm(),
        **extra,
    }


def _render_apbd(request, version, *, status=200, **extra):
    return render(request, "budgeting/apbd_detail.html", _apbd_context(request, version, **extra), status=status)


@login_required
@require_GET
def apbd_detail(request, pk):
    return _render_apbd(request, apbd_selectors.apbd_version_for(request.user, pk))


@login_required
@require_POST
def apbd_transition(request, pk):
    user = request.user
    version = apbd_selectors.apbd_version_for(user, pk)
    form = forms.ApbdTransitionForm(request.POST)
    if form.is_valid() and form.cleaned_data["action"] == "publish":
        # Publication has its own confirmation page.
        return _render_apbd(request, version, transition_form=form, status=UNPROCESSABLE)
    moved, refused = view_helpers.run_move(
        form,
        lambda: apbd_services.transition_apbd(
            actor=user,
            version=version,
            action=form.cleaned_data["action"],
            note=form.cleaned_data["note"],
            **form.details(version),
        ),
        lambda **extra: _render_apbd(request, apbd_selectors.apbd_version_for(user, pk), **extra),
    )
    if refused is not None:
        return refused
    messages.success(request, APBD_DONE[form.cleaned_data["action"]].format(version=moved))
    return redirect(_version_url(moved))


APBD_DONE = {
    "submit": "{version} diajukan ke DPRD.",
    "agree": "Persetujuan bersama DPRD atas {version} dicatat.",
    "evaluate": "Hasil evaluasi Gubernur atas {version} dicatat.",
    "adopt": "{version} ditetapkan. Terbitkan untuk publik bila sudah siap; DPA dapat disusun.",
    "approve": "{version} disetujui.",
}


@login_required
@require_http_methods(["GET", "POST"])
def apbd_publish(request, pk):
    """Publication is its own, explicitly confirmed step: the public sees the version from then on."""
    user = request.user
    version = apbd_selectors.apbd_version_for(user, pk)
    access.require(user, "budgeting.change_apbd")
    error_message, status = "", 200
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            error_message, status = "Centang pernyataan bahwa versi ini siap dibaca publik.", UNPROCESSABLE
        else:
            try:
                version = apbd_services.transition_apbd(actor=user, version=version, action="publish")
            except TransitionNotAllowed as error:
                error_message, status = str(error), CONFLICT
            else:
                messages.success(request, f"{version} diterbitkan untuk publik.")
                return redirect(_version_url(version))
    return render(
        request,
        "budgeting/apbd_publish.html",
        {"version": version, "balance": apbd_selectors.balance(version), "error_message": error_message},
        status=status,
    )


# --- DPA and anggaran kas ------------------------------------------------------------------------


@login_required
@require_GET
def dpa_list(request, pk):
    user = request.user
    version = apbd_selectors.apbd_version_for(user, pk)
    dpas = dpa_selectors.visible_dpas(user).filter(version=version).order_by("opd__code")
    can_prepare = (
        user.has_perm("budgeting.issue_dpa") and version.is_frozen and dpa_selectors.version_lacks_dpa(version)
    )
    return render(
        request,
        "budgeting/dpa_list.html",
        {"version": version, "page": view_helpers.page_of(request, dpas), "can_prepare": can_prepare},
    )


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
        messages.success(request, f"{len(dpas)} DPA disiapkan dengan anggaran kas dibagi rata per bulan.")
    return redirect("budgeting:dpa-list", pk=version.pk)


def _cash_row_key(row):
    return f"g{row['account_group'].replace('.', '_')}" + (
        f"s{row['sub_kegiatan_id']}" if row["sub_kegiatan_id"] else ""
    )


def _cash_form(row, key):
    return forms.CashPlanForm(
        prefix=key, initial={f"month_{m}": amount for m, amount in enumerate(row["months"], start=1)}
    )


def _dpa_context(request, dpa, **extra):
    user = request.user
    rows = dpa_selectors.cash_plan_rows(dpa)
    bound = extra.pop("bound", {})
    for row in rows:
        row["key"] = _cash_row_key(row)
        row["form"] = bound.get(row["key"]) or _cash_form(row, row["key"])
    return {
        "dpa": dpa,
        "page": view_helpers.page_of(request, rows, size=20),
        "off_rows": sum(1 for row in rows if row["difference"]),
        "can_edit": user.has_perm("budgeting.edit_cash_plan", dpa),
        "can_issue": user.has_perm("budgeting.issue_dpa") and dpa.state == Dpa.State.DRAFT,
        "issue_form": extra.pop("issue_form", None) or forms.IssueDpaForm(),
        "month_names": forms.MONTH_NAMES,
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
    group, sub = _cash_row_target(dpa, key)
    form = forms.CashPlanForm(request.POST, prefix=key)
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
    row["key"], row["form"] = key, form or _cash_form(row, key)
    context = {
        "dpa": dpa,
        "row": row,
        "can_edit": user.has_perm("budgeting.edit_cash_plan", dpa),
        "month_names": forms.MONTH_NAMES,
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
            problem = f"{forms.MONTH_NAMES[month - 1]}: tulis angka, misalnya 1.250.000."
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
    form = forms.IssueDpaForm(request.POST)
    if form.is_valid():
        with view_helpers.refusals_on(form) as outcome:
            dpa = dpa_services.issue_dpa(actor=user, dpa=dpa, number=form.cleaned_data["number"])
        if outcome.ok:
            messages.success(request, f"DPA {dpa.opd.name} nomor {dpa.number} diterbitkan.")
            return redirect("budgeting:dpa-detail", pk=dpa.pk)
    return render(
        request,
        "budgeting/dpa_detail.html",
        _dpa_context(request, dpa, issue_form=form),
        status=UNPROCESSABLE,
    )


# --- Diff of two versions ------------------------------------------------------------------------


@login_required
@require_GET
def version_diff(request):
    """Two versions side by side: every rollup with its delta, or the lines added, removed and changed."""
    user = request.user
    versions = apbd_selectors.visible_apbd_versions(user).filter(fiscal_year__is_active=True)
    params = request.GET.copy()
    if "baru" not in params:
        newest = versions.filter(base__isnull=False).first()
        if newest is None:
            return render(request, "budgeting/version_diff.html", {"form": forms.DiffForm(versions=versions)})
        params["baru"], params["lama"] = newest.pk, newest.base_id
    form = forms.DiffForm(params, versions=versions)
    view = request.GET.get("lihat", "ringkasan")
    context = {"form": form, "dimensions": Dimension.choices, "line_kinds": LINE_KINDS, "view": view}
    if form.is_valid():
        old, new = form.cleaned_data["lama"], form.cleaned_data["baru"]
        try:
            lines = diff_selectors.visible_diff(user, old, new)
        except ValidationError as error:
            form.add_error(None, view_helpers.error_text(error))
        else:
            context.update(
                old=old,
                new=new,
                line_totals=lines.totals(),
                line_counts={name: getattr(lines, name).count() for name, _ in LINE_KINDS},
            )
            if view == "baris":
                kind = request.GET.get("baris", "changed")
                kind = kind if kind in dict(LINE_KINDS) else "changed"
                context.update(kind=kind, page=view_helpers.page_of(request, getattr(lines, kind)))
            else:
                dimension = request.GET.get("dimensi", Dimension.ACCOUNT)
                dimension = dimension if dimension in Dimension.values else Dimension.ACCOUNT
                rollups = diff_selectors.diff_rollups(old, new, changed_only=True)
                context.update(dimension=dimension, page=view_helpers.page_of(request, rollups[dimension]))
    return render(request, "budgeting/version_diff.html", context)
