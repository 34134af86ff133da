"""RKA pages: the list and TAPD's inbox, an RKA with its sub-kegiatan, ceilings and moves, and the line editor
(one sub-kegiatan, or the pendapatan / pembiayaan lines) with its pickers and live amount."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masterdata import access, view_helpers
from masterdata.errors import StaleObject, TransitionNotAllowed
from masterdata.importers import parse_decimal
from masterdata.money import MAX_AMOUNT, rupiah
from masterdata.selectors import current_fiscal_year
from masterdata.view_helpers import CONFLICT, PICKER_LIMIT, UNPROCESSABLE

from .. import ceiling_rules, excel
from ..forms import rka as rka_forms
from ..models import Rka, RkaLine, RkaSubKegiatan
from ..selectors import apbd as apbd_selectors
from ..selectors import ceilings as ceiling_selectors
from ..selectors import rka as rka_selectors
from ..services import rka as rka_services
from ..view_filters import RkaFilterSet

SECTIONS = {"pendapatan": ("4", "Pendapatan"), "pembiayaan": ("6", "Pembiayaan")}


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
        if inbox:
            context["waiting_elsewhere"] = [
                other for other in rka_selectors.rka_waiting_by_version(user) if other.pk != version.pk
            ]
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
    query = view_helpers.search_text(request.GET)
    page = view_helpers.page_of(request, rka_selectors.rka_sub_kegiatan_rows(rka, query))
    page.object_list = _grouped(list(page.object_list), rka_selectors.rka_group_totals(rka))
    totals = ceiling_rules.rka_totals(rka)
    context = {
        "rka": rka,
        "page": page,
        "query": query,
        "sections": [
            (key, akun, label, *sections.get(akun, (0, None)))
            for key, (akun, label) in SECTIONS.items()
            if akun in sections or (perms["can_edit"] and _section_allowed(rka, akun))
        ],
        "ceilings": ceiling_selectors.rka_ceilings(rka),
        "totals": totals,
        "shift": ceiling_rules.shift_gap(rka, totals["belanja"]),
        "moves": view_helpers.moves_for(perms, rka_services.rka_moves(rka), ("return", "approve", "reopen")),
        "general_comments": rka_selectors.rka_general_comments(rka),
        "transitions": rka_selectors.transitions_of(rka),
        "print_params": {"version": rka.version_id, "opd": rka.opd.code},
        **perms,
    }
    if perms["can_edit"] and "sub_form" not in extra:
        extra["sub_form"] = rka_forms.RkaSubKegiatanForm(renja_lines=list(rka_selectors.renja_lines_for_rka(rka)))
    if perms["can_edit"] and "import_form" not in extra:
        extra["import_form"] = rka_forms.RkaImportForm()
    if "import_form" in extra:
        extra["import_columns"] = list(excel.RKA_IMPORT_COLUMNS.values())
    return context | extra


def _grouped(subs, group_totals):
    """Sub-kegiatan rows marked where their program or kegiatan starts (on this page), with its belanja."""
    program = kegiatan = None
    for sub in subs:
        sub.section_key = f"sk{sub.pk}"
        node = sub.sub_kegiatan
        sub.kegiatan_starts = node.parent_id != kegiatan
        sub.program_starts = node.parent.parent_id != program
        kegiatan, program = node.parent_id, node.parent.parent_id
        sub.kegiatan_total = group_totals.get(kegiatan, 0)
        sub.program_total = group_totals.get(program, 0)
    return subs


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
    access.require(user, "budgeting.work_on_rka", rka)
    form = rka_forms.RkaSubKegiatanForm(request.POST, renja_lines=list(rka_selectors.renja_lines_for_rka(rka)))
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
    access.require(user, "budgeting.move_rka", rka)
    form = rka_forms.RkaTransitionForm(request.POST)
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
    access.require(user, "budgeting.comment_rka", rka)
    form = rka_forms.RkaCommentForm(request.POST)
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
    return "pendapatan" if RkaLine.Akun.of(line.account.code) == RkaLine.Akun.PENDAPATAN else "pembiayaan"


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
    return {
        "totals": standing.totals,
        "ceilings": standing.ceilings if section.is_spending else [],
        "shift": ceiling_rules.shift_gap(rka, standing.totals["belanja"]),
    }


def _new_line_form(rka, section, carried=None):
    """An empty add form; its funding source defaults to the one the Renja planned for the sub-kegiatan."""
    initial = carried or {}
    if not initial and section.sub is not None and section.sub.renja_line_id:
        initial = {"funding_source": section.sub.renja_line.funding_source_id}
    return rka_forms.RkaLineForm(rka=rka, akun=section.akun, prefix="add", initial=initial)


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
    access.require(request.user, "budgeting.work_on_rka", rka)
    section = _section(rka, section)
    form = rka_forms.RkaLineForm(request.POST, rka=rka, akun=section.akun, prefix="add")
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
            carried = {field: form.cleaned_data.get(field) for field in rka_forms.RkaLineForm.CARRIED_OVER}
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
    access.require(user, "budgeting.work_on_rka", rka)
    prefix = f"line{line.pk}"
    if request.method == "GET":
        access.require(user, "budgeting.edit_rka", rka)
        form = rka_forms.RkaLineForm(initial=rka_forms.line_initial(line), rka=rka, akun=section.akun, prefix=prefix)
        return _render_edit(request, rka, section, line, form)
    form = rka_forms.RkaLineForm(request.POST, rka=rka, akun=section.akun, prefix=prefix)
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
    form = rka_forms.RkaLineForm(request.GET, rka=rka, akun=section.akun, prefix=prefix)
    context = view_helpers.picker_results(prefix, query, options, form.chosen("account"))
    return render(request, "budgeting/partials/account_results.html", context)


@login_required
@require_GET
def item_search(request, pk, section):
    """The standard-price picker's results: only items allowed for the chosen account, with their price."""
    rka, section, prefix = _picker_target(request, pk, section)
    form = rka_forms.RkaLineForm(request.GET, rka=rka, akun=section.akun, prefix=prefix)
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
    for field in (*ceiling_rules.VOLUME_FIELDS, "unit_price"):
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
        if amount is None:
            problem = f"Volume × harga satuan melebihi {rupiah(MAX_AMOUNT)}, batas satu rincian."
    preview = {"amount": amount, "problem": problem, "ceiling": None}
    if amount is not None and section.is_spending:
        editing = int(prefix[4:]) if prefix.startswith("line") else None
        standing = ceiling_rules.rka_standing(rka, section.sub, exclude_line_id=editing)
        statuses = standing.with_line(RkaLine.Akun.BELANJA, amount).ceilings  # as the save would leave them
        if statuses:
            tightest = min(statuses, key=lambda status: status.remaining)
            preview["ceiling"] = {"label": tightest.label, "after": tightest.remaining}
    return render(request, "budgeting/partials/amount.html", {"prefix": prefix, "preview": preview})
