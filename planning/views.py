"""HTML pages of the planning stage. Views parse forms, call planning.services for every write and
planning.selectors for every read, and turn the services' errors into messages people can act on.

Pages work as plain forms; with htmx the Renja editor swaps single rows (422 = the form with its
errors, 409 = a conflict or a move that no longer applies, both swapped in like a 200).
"""

import re
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masterdata import access, view_helpers
from masterdata.errors import TransitionNotAllowed
from masterdata.form_base import active_fiscal_years
from masterdata.selectors import current_fiscal_year
from masterdata.view_helpers import CONFLICT, PAGE_SIZE, PICKER_LIMIT, UNPROCESSABLE

from . import forms, selectors, services
from .models import Proposal, Renja
from .view_filters import ProposalFilterSet

TOO_MANY_REQUESTS = 429
PUBLIC_PROPOSALS_PER_HOUR = 5
PUBLIC_PROPOSALS = view_helpers.AddressRateLimit("planning:public-proposal", PUBLIC_PROPOSALS_PER_HOUR)
SENT_CODE_KEY = "planning.public_proposal_code"
TRACKING_CODE = re.compile(r"^[A-Z0-9-]{4,20}$")
VERIFIER_MOVES = ("return", "verify", "advance", "finalise")


def _renja_url(renja, anchor=""):
    return view_helpers.url_to("planning:renja-detail", renja.pk, anchor=anchor)


# --- Landing page ------------------------------------------------------------------------------


@login_required
@require_GET
def planning_home(request):
    user = request.user
    return render(
        request,
        "planning/home.html",
        {
            "fiscal_year": current_fiscal_year(),
            "own_opd": user.opd if access.is_own_opd(user, user.opd) else None,
            "can_verify": user.has_perm("planning.verify_renja"),
            "can_read_rkpd": user.has_perm("planning.change_rkpd") or selectors.visible_rkpds(user).exists(),
            "proposal_sources": access.proposal_sources_for(user),
        },
    )


# --- Renja list and creation -------------------------------------------------------------------


def _render_renja_list(request, create_form=None, status=200):
    user = request.user
    own_opd = user.opd if access.is_own_opd(user, user.opd) else None
    # OPD staff have one Renja a year, so they see every year; readers of all OPDs pick a year.
    fiscal_year = None if own_opd and "tahun" not in request.GET else view_helpers.requested_year(request)
    if own_opd and create_form is None:
        create_form = forms.RenjaCreateForm(opd=own_opd)
    return render(
        request,
        "planning/renja_list.html",
        {
            "page": view_helpers.page_of(
                request,
                selectors.visible_renjas(user, fiscal_year=fiscal_year).order_by("-fiscal_year__year", "opd__code"),
            ),
            "fiscal_year": fiscal_year,
            "fiscal_years": active_fiscal_years(),
            "own_opd": own_opd,
            "create_form": create_form,
        },
        status=status,
    )


@login_required
@require_GET
def renja_list(request):
    return _render_renja_list(request)


@login_required
@require_POST
def renja_create(request):
    user = request.user
    if not access.is_own_opd(user, user.opd):
        raise PermissionDenied(services.NOT_ALLOWED)
    form = forms.RenjaCreateForm(request.POST, opd=user.opd)
    if form.is_valid():
        try:
            renja = services.create_renja(actor=user, opd=user.opd, fiscal_year=form.cleaned_data["fiscal_year"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Renja {renja.fiscal_year.year} dibuat. Tambahkan sub-kegiatan di bawah.")
            return redirect("planning:renja-detail", pk=renja.pk)
    return _render_renja_list(request, create_form=form, status=UNPROCESSABLE)


# --- The Renja page: editor for its OPD, review page for Bappeda --------------------------------


def _renja_permissions(user, renja):
    return view_helpers.workflow_permissions(
        user,
        renja,
        edit_perm="planning.edit_renja",
        verify_perm="planning.verify_renja",
        comment_perm="planning.comment_renja",
    )


def _threads(renja):
    """Top-level comments by line id (None: the Renja as a whole); replies hang under them."""
    threads = defaultdict(list)
    for comment in selectors.renja_comments(renja):
        if comment.reply_to_id is None:
            comment.form_key = f"reply-{comment.pk}"
            threads[comment.line_id].append(comment)
    return threads


def _with_threads(lines, threads):
    for line in lines:
        line.thread = threads.get(line.pk, [])
        line.form_key = f"line-{line.pk}"
    return lines


def _line_context(request, renja, line_pk, **extra):
    """One line, annotated as on the page, with its comment thread and what the user may do to it."""
    line = selectors.renja_line_shown(renja, line_pk)
    _with_threads([line], _threads(renja))
    return {"renja": renja, "line": line, **_renja_permissions(request.user, renja), **extra}


def _renja_context(request, renja, *, add_form=None, edit_form=None, editing=None, **extra):
    user = request.user
    perms = _renja_permissions(user, renja)
    threads = _threads(renja)
    if perms["can_edit"] and add_form is None:
        add_form = forms.RenjaLineForm(renja=renja, prefix="add")
    return {
        "renja": renja,
        "lines": _with_threads(list(selectors.renja_lines(renja)), threads),
        "general_thread": threads.get(None, []),
        "totals": selectors.renja_totals(renja),
        "moves": view_helpers.moves_for(perms, services.renja_moves(renja), VERIFIER_MOVES),
        "transitions": selectors.renja_transitions(renja),
        "stages": Renja.Stage.choices,
        "add_form": add_form,
        "edit_form": edit_form,
        "editing": editing,
        **perms,
        **extra,
    }


def _render_renja(request, renja, *, status=200, **kwargs):
    return render(request, "planning/renja_detail.html", _renja_context(request, renja, **kwargs), status=status)


@login_required
@require_GET
def renja_detail(request, pk):
    return _render_renja(request, selectors.renja_for(request.user, pk))


@login_required
@require_GET
def sub_kegiatan_search(request, pk):
    """The picker's results: sub-kegiatan this OPD may plan this year, matching every word typed."""
    renja = selectors.renja_for(request.user, pk)
    query = view_helpers.search_text(request.GET)
    prefix = view_helpers.picker_prefix(request)
    options = selectors.sub_kegiatan_matching(renja, query, limit=PICKER_LIMIT + 1) if query else []
    selected = selectors.allowed_sub_kegiatan_by_pk(renja, request.GET.get(f"{prefix}-sub_kegiatan", ""))
    used = selectors.planned_sub_kegiatan_ids(renja, except_line_pk=_line_pk_of(prefix))
    context = view_helpers.picker_results(prefix, query, options, selected, renja=renja, used=used)
    return render(request, "planning/partials/picker_results.html", context)


def _line_pk_of(prefix):
    """The line an edit form's picker belongs to ("line12" -> 12); its own sub-kegiatan is not 'used'."""
    return int(prefix[4:]) if prefix.startswith("line") else None


def _picker_selected(form, renja, line=None):
    """The sub-kegiatan the form currently points at, so the picker shows it checked after a swap."""
    value = form["sub_kegiatan"].value()
    if value in (None, ""):
        return line.sub_kegiatan if line else None
    return selectors.allowed_sub_kegiatan_by_pk(renja, value)


@login_required
@require_POST
def line_add(request, pk):
    renja = selectors.renja_for(request.user, pk)
    access.require(request.user, "planning.work_on_renja", renja)
    form = forms.RenjaLineForm(request.POST, renja=renja, prefix="add")
    status = UNPROCESSABLE
    if form.is_valid():
        with view_helpers.refusals_on(form) as outcome:
            line = services.add_renja_line(
                actor=request.user, renja=renja, regions=form.cleaned_data["regions"], **form.service_values()
            )
        status = outcome.status
        if outcome.ok:
            message = f"Sub-kegiatan {line.sub_kegiatan.code} ditambahkan."
            if not request.htmx:
                messages.success(request, message)
                return redirect("planning:renja-detail", pk=renja.pk)
            context = _line_context(request, renja, line.pk, status_message=message, focus="picker")
            context.update(
                add_form=forms.RenjaLineForm(renja=renja, prefix="add"),
                totals=selectors.renja_totals(renja),
            )
            return render(request, "planning/partials/line.html", context)
    if not request.htmx:
        return _render_renja(request, renja, add_form=form, status=status)
    response = render(
        request,
        "planning/partials/add_panel.html",
        {"renja": renja, "add_form": form, "selected": _picker_selected(form, renja), "focus": "errors"},
        status=status,
    )
    return view_helpers.htmx_swappable(response, "#add-line-panel")


@login_required
@require_GET
def line_row(request, pk, line_pk):
    """A line as shown in the table (the edit form's 'Batal' swaps this back in)."""
    renja = selectors.renja_for(request.user, pk)
    if not request.htmx:
        return redirect(_renja_url(renja, f"line-{line_pk}"))
    return render(request, "planning/partials/line.html", _line_context(request, renja, line_pk, focus="edit"))


def _render_edit(request, renja, line, form, *, status=200, focus="first", conflict=None):
    if focus == "first":
        form.fields["location"].widget.attrs["autofocus"] = True
    context = {
        "renja": renja,
        "line": line,
        "form": form,
        "selected": _picker_selected(form, renja, line),
        "focus": focus,
        "conflict": conflict,
    }
    if request.htmx:
        return render(request, "planning/partials/line_edit.html", context, status=status)
    return _render_renja(request, renja, edit_form=form, editing=context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def line_edit(request, pk, line_pk):
    renja = selectors.renja_for(request.user, pk)
    line = selectors.renja_line_of(renja, line_pk)
    access.require(request.user, "planning.work_on_renja", renja)
    if request.method == "GET":
        access.require(request.user, "planning.edit_renja", renja)
        form = forms.RenjaLineForm(initial=forms.line_initial(line), renja=renja, prefix=f"line{line.pk}")
        return _render_edit(request, renja, line, form)
    form = forms.RenjaLineForm(request.POST, renja=renja, prefix=f"line{line.pk}")
    if not form.is_valid():
        return _render_edit(request, renja, line, form, status=UNPROCESSABLE, focus="errors")
    with view_helpers.refusals_on(form, current=lambda: selectors.renja_line_shown(renja, line.pk)) as outcome:
        updated = services.update_renja_line(
            actor=request.user,
            line=line,
            expected_version=form.cleaned_data["version"],
            regions=form.cleaned_data["regions"],
            **form.service_values(),
        )
    if not outcome.ok:
        return _render_edit(
            request, renja, line, form, status=outcome.status, focus="errors", conflict=outcome.conflict
        )
    message = f"Sub-kegiatan {updated.sub_kegiatan.code} disimpan."
    if not request.htmx:
        messages.success(request, message)
        return redirect(_renja_url(renja, f"line-{updated.pk}"))
    context = _line_context(request, renja, updated.pk, status_message=message, focus="edit")
    context["totals"] = selectors.renja_totals(renja)
    return render(request, "planning/partials/line.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def line_delete(request, pk, line_pk):
    renja = selectors.renja_for(request.user, pk)
    line = selectors.renja_line_of(renja, line_pk)
    access.require(request.user, "planning.work_on_renja", renja)
    if request.method == "GET":
        access.require(request.user, "planning.edit_renja", renja)
        return render(request, "planning/line_confirm_delete.html", {"renja": renja, "line": line})
    code = line.sub_kegiatan.code
    try:
        services.delete_renja_line(actor=request.user, line=line)
    except (ValidationError, TransitionNotAllowed) as error:
        text = view_helpers.error_text(error)
        status = UNPROCESSABLE if isinstance(error, ValidationError) else CONFLICT
        if not request.htmx:
            messages.error(request, text)
            return redirect(_renja_url(renja))
        return render(
            request,
            "planning/partials/line.html",
            _line_context(request, renja, line.pk, row_error=text, focus="edit"),
            status=status,
        )
    message = f"Sub-kegiatan {code} dihapus dari Renja."
    if not request.htmx:
        messages.success(request, message)
        return redirect(_renja_url(renja))
    return render(
        request,
        "planning/partials/line_deleted.html",
        {"renja": renja, "totals": selectors.renja_totals(renja), "status_message": message},
    )


@login_required
@require_POST
def renja_comment(request, pk):
    """A verifier's note on the Renja or on one line, or a reply to one; answers with that thread."""
    renja = selectors.renja_for(request.user, pk)
    access.require(request.user, "planning.comment_renja", renja)
    form = forms.CommentForm(request.POST)
    valid = form.is_valid()
    line_pk, reply_pk = form.cleaned_data.get("line"), form.cleaned_data.get("reply_to")
    reply_to = get_object_or_404(renja.comments, pk=reply_pk) if reply_pk else None
    if reply_to is not None:
        line_pk = reply_to.line_id
    line = selectors.renja_line_of(renja, line_pk) if line_pk else None
    form_key = f"reply-{reply_to.pk}" if reply_to else f"line-{line.pk}" if line else "general"
    saved = False
    if valid:
        try:
            services.comment_renja(
                actor=request.user, renja=renja, text=form.cleaned_data["text"], line=line, reply_to=reply_to
            )
            saved = True
        except ValidationError as error:
            form.add_service_errors(error)
    status = 200 if saved else UNPROCESSABLE
    comment_error = None if saved else {"key": form_key, "errors": form.errors}
    if not request.htmx:
        if comment_error is None:
            messages.success(request, "Catatan disimpan.")
            return redirect(_renja_url(renja, f"line-{line.pk}" if line else "general-comments"))
        return _render_renja(request, renja, comment_error=comment_error, status=status)
    extra = {"comment_error": comment_error, "status_message": "" if comment_error else "Catatan disimpan."}
    if line is not None:
        return render(
            request,
            "planning/partials/line.html",
            _line_context(request, renja, line.pk, focus="thread", **extra),
            status=status,
        )
    context = {
        "renja": renja,
        "general_thread": _threads(renja).get(None, []),
        "focus": "thread",
        **_renja_permissions(request.user, renja),
        **extra,
    }
    return render(request, "planning/partials/general_comments.html", context, status=status)


@login_required
@require_POST
def renja_transition(request, pk):
    renja = selectors.renja_for(request.user, pk)
    access.require(request.user, "planning.move_renja", renja)
    form = forms.TransitionForm(request.POST)
    moved, refused = view_helpers.run_move(
        form,
        lambda: services.transition_renja(
            actor=request.user, renja=renja, action=form.cleaned_data["action"], note=form.cleaned_data["note"]
        ),
        lambda **extra: _render_renja(request, selectors.renja_for(request.user, pk), **extra),
    )
    if refused is not None:
        return refused
    messages.success(request, TRANSITION_DONE[form.cleaned_data["action"]].format(renja=moved))
    return redirect("planning:renja-detail", pk=moved.pk)


TRANSITION_DONE = {
    "submit": "Renja diajukan ke Bappeda untuk diverifikasi.",
    "return": "Renja dikembalikan ke {renja.opd.name} dengan catatan.",
    "verify": "Renja {renja.opd.name} terverifikasi pada tahap {renja.get_stage_display}.",
    "advance": "Renja {renja.opd.name} dilanjutkan ke tahap {renja.get_stage_display}.",
    "finalise": "Renja {renja.opd.name} ditetapkan final.",
}


# --- Bappeda: verification inbox and RKPD ------------------------------------------------------


@login_required
@require_GET
def verification_inbox(request):
    user = request.user
    access.require(user, "planning.verify_renja")
    current = current_fiscal_year()
    params = {"tahun": str(current.year) if current else "", "status": Renja.State.SUBMITTED, **request.GET.dict()}
    form = forms.RenjaInboxForm(params)
    form.is_valid()
    fiscal_year = form.cleaned_data.get("tahun") or current
    state = form.cleaned_data.get("status", Renja.State.SUBMITTED)
    counts = selectors.renja_state_counts(user, fiscal_year)
    return render(
        request,
        "planning/inbox.html",
        {
            "form": form,
            "fiscal_year": fiscal_year,
            "state": state,
            "state_label": dict(Renja.State.choices).get(state, ""),
            "counts": view_helpers.state_counts(counts, Renja.State.choices),
            "page": view_helpers.page_of(
                request, selectors.verification_queue(user, fiscal_year=fiscal_year, state=state)
            ),
            "waiting_elsewhere": [
                (year, waiting)
                for year, waiting in selectors.renja_waiting_by_year(user)
                if fiscal_year is None or year != fiscal_year.year
            ],
        },
    )


@login_required
@require_GET
def rkpd_detail(request):
    user = request.user
    fiscal_year = view_helpers.requested_year(request)
    can_change = user.has_perm("planning.change_rkpd")
    try:
        rkpd = selectors.rkpd_for(user, fiscal_year)
    except Http404:
        if not can_change:
            raise
        rkpd = None
    context = {
        "fiscal_year": fiscal_year,
        "fiscal_years": active_fiscal_years(),
        "rkpd": rkpd,
        "can_change": can_change,
        "renja_counts": selectors.renja_progress(user, fiscal_year),
    }
    if rkpd is not None:
        coverage = list(selectors.rpjmd_target_coverage(rkpd))
        proposals = selectors.rkpd_proposals(rkpd)
        context.update(
            by_opd=list(selectors.rkpd_totals_by_opd(rkpd)),
            rollups=[
                ("urusan", "Urusan", list(selectors.rkpd_totals_by(rkpd, "urusan"))),
                ("bidang", "Bidang urusan", list(selectors.rkpd_totals_by(rkpd, "bidang"))),
                ("program", "Program", list(selectors.rkpd_totals_by(rkpd, "program"))),
            ],
            coverage=coverage,
            unserved=sum(1 for target in coverage if not target.line_count),
            accepted_count=proposals["accepted"].count(),
            unfunded_count=proposals["unfunded"].count(),
            accepted=proposals["accepted"][:PAGE_SIZE],
            unfunded=proposals["unfunded"][:PAGE_SIZE],
        )
    return render(request, "planning/rkpd.html", context)


@login_required
@require_POST
def rkpd_action(request):
    user = request.user
    access.require(user, "planning.change_rkpd")
    fiscal_year = view_helpers.posted_year(request)
    form = forms.RkpdActionForm(request.POST)
    back = f"{reverse('planning:rkpd')}?tahun={fiscal_year.year}"
    if not form.is_valid():
        messages.error(request, "Tindakan RKPD tidak dikenal.")
        return redirect(back)
    try:
        if form.cleaned_data["action"] == "consolidate":
            rkpd = services.consolidate_rkpd(actor=user, fiscal_year=fiscal_year)
            messages.success(
                request, f"RKPD {fiscal_year.year} dikonsolidasikan dari {rkpd.renjas.count()} Renja final."
            )
        else:
            rkpd = selectors.rkpd_for(user, fiscal_year)
            services.finalize_rkpd(actor=user, rkpd=rkpd, regulation=form.cleaned_data["regulation"])
            messages.success(request, f"RKPD {fiscal_year.year} ditetapkan final.")
    except (TransitionNotAllowed, ValidationError) as error:
        messages.error(request, view_helpers.error_text(error))
    return redirect(back)


# --- Proposals (staff) ---------------------------------------------------------------------------


@login_required
@require_GET
def proposal_board(request):
    user = request.user
    proposals = selectors.visible_proposals(user)
    filterset = ProposalFilterSet(request.GET or None, queryset=proposals)
    rows = filterset.qs if not filterset.is_bound or filterset.is_valid() else proposals.none()
    return render(
        request,
        "planning/proposal_board.html",
        {
            "filterset": filterset,
            "page": view_helpers.page_of(request, rows),
            "can_submit": bool(access.proposal_sources_for(user)),
            "can_moderate": user.has_perm("planning.moderate_proposal"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request):
    user = request.user
    sources = access.proposal_sources_for(user)
    if not sources:
        raise PermissionDenied(services.NOT_ALLOWED)
    current = current_fiscal_year()
    form = forms.StaffProposalForm(
        request.POST or None, sources=sources, initial={"fiscal_year": current.year if current else None}
    )
    status = 200
    if request.method == "POST":
        status = UNPROCESSABLE
        if form.is_valid():
            try:
                proposal = services.submit_proposal(
                    actor=user,
                    source=form.cleaned_data["source"],
                    fiscal_year=form.cleaned_data["fiscal_year"],
                    **form.service_values(),
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"Usulan dicatat dengan kode pelacakan {proposal.tracking_code}.")
                return redirect("planning:proposal-detail", pk=proposal.pk)
    return render(request, "planning/proposal_form.html", {"form": form}, status=status)


def _proposal_forms(user, proposal, bound=None):
    """The decision forms this user may use on the proposal now, keyed by action."""
    moves = services.proposal_moves(proposal)
    can_moderate = user.has_perm("planning.moderate_proposal")
    can_decide = user.has_perm("planning.decide_proposal", proposal)
    available = {}
    if can_moderate and "moderate" in moves:
        available["moderate"] = forms.ModerateForm(prefix="moderate")
    if can_moderate and "advance_stage" in moves and proposal.stage != Proposal.Stage.KABUPATEN:
        available["advance_stage"] = forms.AdvanceStageForm(prefix="advance_stage")
    if can_decide and "accept" in moves:
        available["accept"] = forms.AcceptForm(prefix="accept", lines=selectors.acceptable_renja_lines(user, proposal))
        available["reject"] = forms.RejectForm(prefix="reject")
        available["defer"] = forms.DeferForm(prefix="defer", initial={"to_year": proposal.fiscal_year.year + 1})
    if bound is not None:
        available[bound[0]] = bound[1]
    return available


def _render_proposal(request, proposal, *, bound=None, error_message="", status=200):
    return render(
        request,
        "planning/proposal_detail.html",
        {
            "proposal": proposal,
            "history": selectors.proposal_history(proposal),
            "decision_forms": _proposal_forms(request.user, proposal, bound),
            "next_stage": dict(Proposal.Stage.choices).get(_next_stage(proposal)),
            "error_message": error_message,
        },
        status=status,
    )


def _next_stage(proposal):
    order = services.STAGE_ORDER
    index = order.index(proposal.stage)
    return order[index + 1] if index + 1 < len(order) else None


@login_required
@require_GET
def proposal_detail(request, pk):
    return _render_proposal(request, selectors.proposal_for(request.user, pk))


@login_required
@require_POST
def proposal_decide(request, pk):
    user = request.user
    proposal = selectors.proposal_for(user, pk)
    access.require(user, "planning.decide_proposal", proposal)
    action = request.POST.get("action", "")
    builders = {
        "moderate": lambda: forms.ModerateForm(request.POST, prefix="moderate"),
        "advance_stage": lambda: forms.AdvanceStageForm(request.POST, prefix="advance_stage"),
        "accept": lambda: forms.AcceptForm(
            request.POST, prefix="accept", lines=selectors.acceptable_renja_lines(user, proposal)
        ),
        "reject": lambda: forms.RejectForm(request.POST, prefix="reject"),
        "defer": lambda: forms.DeferForm(request.POST, prefix="defer"),
    }
    if action not in builders:
        raise Http404
    form = builders[action]()
    if not form.is_valid():
        return _render_proposal(request, proposal, bound=(action, form), status=UNPROCESSABLE)
    data = form.cleaned_data
    try:
        if action == "moderate":
            services.moderate_proposal(
                actor=user, proposal=proposal, approve=data["decision"] == "approve", note=data["note"]
            )
        elif action == "advance_stage":
            services.advance_proposal_stage(actor=user, proposal=proposal, note=data["note"])
        elif action == "accept":
            services.accept_proposal(actor=user, proposal=proposal, renja_line=data["renja_line"], note=data["note"])
        elif action == "reject":
            services.reject_proposal(actor=user, proposal=proposal, reason=data["reason"])
        else:
            services.defer_proposal(actor=user, proposal=proposal, to_year=data["to_year"], note=data["note"])
    except TransitionNotAllowed as error:
        proposal.refresh_from_db()
        return _render_proposal(request, proposal, error_message=str(error), status=CONFLICT)
    except ValidationError as error:
        form.add_service_errors(error)
        return _render_proposal(request, proposal, bound=(action, form), status=UNPROCESSABLE)
    proposal.refresh_from_db()
    messages.success(request, f"Usulan {proposal.tracking_code} kini berstatus: {proposal.get_status_display()}.")
    return redirect("planning:proposal-detail", pk=proposal.pk)


# --- Public: citizens' proposals and tracking ---------------------------------------------------


@require_GET
def public_proposal_home(request):
    form = forms.TrackingLookupForm(request.GET or None)
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["kode"].strip().upper()
        if TRACKING_CODE.match(code):
            return redirect("usulan:track", code=code)
        form.add_error("kode", _("Kode pelacakan terdiri dari huruf, angka dan tanda hubung, mis. U27-ABC234."))
    return render(request, "public/usulan.html", {"form": form}, status=UNPROCESSABLE if form.errors else 200)


@require_http_methods(["GET", "POST"])
def public_proposal_create(request):
    fiscal_year = current_fiscal_year()
    if request.user.is_authenticated or fiscal_year is None:
        return render(request, "public/usulan_form.html", {"form": None, "fiscal_year": fiscal_year})
    if request.method == "POST" and PUBLIC_PROPOSALS.exceeded(request):
        response = render(
            request, "public/usulan_terlalu_sering.html", {"limit": PUBLIC_PROPOSALS_PER_HOUR}, status=TOO_MANY_REQUESTS
        )
        response["Retry-After"] = str(PUBLIC_PROPOSALS.window)
        return response
    form = forms.PublicProposalForm(request.POST or None)
    if request.method == "POST":
        if form.is_bot:
            # Look exactly like a success, store nothing.
            PUBLIC_PROPOSALS.count(request)
            request.session[SENT_CODE_KEY] = services.new_tracking_code(fiscal_year.year)
            return redirect("usulan:sent")
        if form.is_valid():
            try:
                proposal = services.submit_proposal(
                    actor=request.user,
                    source=Proposal.Source.CITIZEN,
                    fiscal_year=fiscal_year,
                    **form.service_values(),
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                PUBLIC_PROPOSALS.count(request)
                request.session[SENT_CODE_KEY] = proposal.tracking_code
                return redirect("usulan:sent")
    return render(
        request,
        "public/usulan_form.html",
        {"form": form, "fiscal_year": fiscal_year},
        status=UNPROCESSABLE if form.errors else 200,
    )


@require_GET
def public_proposal_sent(request):
    code = request.session.get(SENT_CODE_KEY)
    if not code:
        return redirect("usulan:create")
    return render(request, "public/usulan_terkirim.html", {"code": code})


# What the floors above add to a proposal's public page (the budget that answers it): callables
# `extra(proposal) -> dict`, registered by those apps when they are ready (planning never imports them).
PROPOSAL_TRACK_EXTRAS = []


@require_GET
def public_proposal_track(request, code):
    # The code is the citizen's receipt: before moderation it confirms receipt and reveals nothing else.
    held = selectors.held_proposal(code)
    if held is not None:
        return render(request, "public/usulan_menunggu.html", {"proposal": held})
    proposal = selectors.public_proposal(code)
    context = {"proposal": proposal, "history": proposal.history.all()}
    for extra in PROPOSAL_TRACK_EXTRAS:
        context |= extra(proposal)
    return render(request, "public/usulan_lacak.html", context)


@require_GET
def village_options(request):
    """The desa/kelurahan select for the kecamatan just chosen (public and staff proposal forms)."""
    kecamatan = request.GET.get("kecamatan", "")
    return render(
        request,
        "planning/partials/village_field.html",
        {"villages": forms.villages_of(kecamatan), "kecamatan_chosen": kecamatan.isdigit(), "field": None},
    )
