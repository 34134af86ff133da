"""Each role's home (its task list) and the budgeting landing page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from masterdata import access, view_helpers
from masterdata.form_base import active_fiscal_years
from masterdata.selectors import current_fiscal_year, reference_summary
from planning import selectors as planning_selectors

from ..selectors import apbd as apbd_selectors
from ..selectors import kua as kua_selectors
from ..selectors import rka as rka_selectors

ROLE_HOME_TEMPLATES = {
    access.Role.OPD_STAFF: "home/opd_staff.html",
    access.Role.BAPPEDA: "home/bappeda.html",
    access.Role.FINANCE: "home/finance.html",
    access.Role.DPRD: "home/dprd.html",
    access.Role.AUDITOR: "home/auditor.html",
    access.Role.ADMIN: "home/admin.html",
}


def _with_waiting(user, documents, app, kind):
    """Documents marked with what the user can still do to them: edit and submit, answer the notes (a final Renja
    or an approved RKA takes neither, so the home does not ask for it)."""
    documents = list(documents)
    for document in documents:
        document.can_edit = user.has_perm(f"{app}.edit_{kind}", document)
        document.notes_waiting = document.unanswered if user.has_perm(f"{app}.comment_{kind}", document) else 0
    return documents


def _tasks(user, role, fiscal_year):
    """What waits for the role: OPD staff their own Renja and RKA of the current year; Bappeda and TAPD their
    inboxes in every year with something waiting."""
    if role == access.Role.OPD_STAFF and fiscal_year is not None:
        renjas = _with_waiting(user, planning_selectors.own_renjas(user, fiscal_year), "planning", "renja")
        rkas = _with_waiting(user, rka_selectors.own_rkas(user, fiscal_year), "budgeting", "rka")
        waiting = [doc for doc in (*renjas, *rkas) if doc.can_edit or doc.notes_waiting]
        return {"renjas": renjas, "rkas": rkas, "has_tasks": bool(waiting) or not renjas}
    if role == access.Role.BAPPEDA:
        return {
            "renja_waiting": planning_selectors.renja_waiting_by_year(user),
            "awaiting_moderation": planning_selectors.proposals_awaiting_moderation(user),
        }
    if role == access.Role.FINANCE:
        return {"rka_waiting": rka_selectors.rka_waiting_by_version(user)}
    return {}


@login_required
@require_GET
def role_home(request):
    user = request.user
    role = access.role_of(user)
    fiscal_year = current_fiscal_year()
    context = {
        "fiscal_year": fiscal_year,
        "reference": reference_summary(user),
        "opd": user.opd if role == access.Role.OPD_STAFF else None,
        **_tasks(user, role, fiscal_year),
    }
    return render(request, ROLE_HOME_TEMPLATES.get(role, "home/admin.html"), context)


@login_required
@require_GET
def budgeting_home(request):
    user = request.user
    fiscal_year = view_helpers.requested_year(request)
    context = {"fiscal_year": fiscal_year, "fiscal_years": active_fiscal_years()}
    if fiscal_year is not None:
        context.update(
            kuas=list(kua_selectors.visible_kua_ppas(user, fiscal_year=fiscal_year)),
            versions=list(apbd_selectors.apbd_versions_with_counts(user, fiscal_year)),
            own_rkas=_with_waiting(user, rka_selectors.own_rkas(user, fiscal_year), "budgeting", "rka"),
        )
    return render(request, "budgeting/home.html", context)
