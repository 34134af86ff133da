"""The one place that decides who may read or change what (ARCHITECTURE.md, "Who may do what").

Reads are decided by scoping querysets: a view or API asks `scope_*` for the rows the user may
see, then fetches through `get_visible_or_404`, so an object that is not yours answers exactly
like a missing one. Changes are decided by the `rules` permissions below (`user.has_perm(...)`)
or the `can_*` predicates, and a refused change on a visible object answers 403.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from .models import User

Role = User.Role
STAFF_ROLES = frozenset({Role.OPD_STAFF, Role.BAPPEDA, Role.FINANCE})
NOT_FOUND_MESSAGE = "Data tidak ditemukan."


def role_of(user):
    """The user's role, or None for anonymous and deactivated users."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.role


def has_role(*roles):
    return rules.predicate(lambda user: role_of(user) in roles, name="has_role:" + ",".join(roles))


is_signed_in = rules.predicate(lambda user: role_of(user) is not None, name="is_signed_in")
is_opd_staff = has_role(Role.OPD_STAFF)
is_bappeda = has_role(Role.BAPPEDA)
is_finance = has_role(Role.FINANCE)
is_dprd = has_role(Role.DPRD)
is_auditor = has_role(Role.AUDITOR)
is_administrator = has_role(Role.ADMIN)


@rules.predicate
def is_own_opd(user, obj):
    """The object (or the OPD itself) belongs to the OPD of a staff member."""
    if obj is None or role_of(user) != Role.OPD_STAFF:
        return False
    opd_id = obj.pk if obj._meta.label_lower == "masterdata.opd" else getattr(obj, "opd_id", None)
    return opd_id is not None and opd_id == user.opd_id


# Reference data: everyone signed in reads; administrators change (standard prices: finance too).
REFERENCE_MODELS = ("referenceversion", "fiscalyear", "nomenclature", "account", "fundingsource", "opd", "region")
for model_name in REFERENCE_MODELS:
    rules.add_perm(f"masterdata.view_{model_name}", is_signed_in)
    for verb in ("add", "change", "delete"):
        rules.add_perm(f"masterdata.{verb}_{model_name}", is_administrator)
rules.add_perm("masterdata.view_standardpriceitem", is_signed_in)
for verb in ("add", "change", "delete"):
    rules.add_perm(f"masterdata.{verb}_standardpriceitem", is_administrator | is_finance)

# Users and roles: administrators only.
for verb in ("view", "add", "change"):
    rules.add_perm(f"masterdata.{verb}_user", is_administrator)

# The audit log: auditors and administrators read it; nobody changes it.
rules.add_perm("masterdata.view_auditevent", is_auditor | is_administrator)


# API tokens: the owner reads and revokes their own; the administrator reads all and issues and revokes the
# integration tokens of OPD applications.
@rules.predicate
def is_token_owner(user, token):
    return token is not None and token.user_id == user.pk


@rules.predicate
def is_integration_token(user, token):
    return token is not None and token.kind == "integration"


rules.add_perm("masterdata.view_apitoken", is_administrator)
rules.add_perm("masterdata.add_apitoken", is_administrator)
rules.add_perm(
    "masterdata.revoke_apitoken",
    (is_token_owner & ~is_integration_token) | (is_administrator & is_integration_token),
)


def scope_api_tokens(user, queryset):
    if is_administrator(user):
        return queryset
    return queryset.filter(user_id=user.pk) if is_signed_in(user) else queryset.none()


def can_enter_admin(user):
    """Who gets Django admin at all: those who maintain reference data, prices or users."""
    return bool(is_administrator(user) or is_finance(user))


def require(user, permission, obj=None):
    """Raise 403 unless the user holds the permission (on the object, if one is given)."""
    if not user.has_perm(permission, obj):
        raise PermissionDenied(_("Anda tidak berwenang melakukan tindakan ini."))


def require_editable(user, document, permission, state_refusal):
    """A change to a document's content: allowed by `permission`; for the document's own OPD refused because
    of its state (`state_refusal()`, a TransitionNotAllowed: 409); for anyone else refused outright (403)."""
    if user.has_perm(permission, document):
        return
    if is_own_opd(user, document):
        raise state_refusal()
    raise PermissionDenied(_("Anda tidak berwenang melakukan tindakan ini."))


def get_visible_or_404(scoped_queryset, **lookup):
    """Fetch from an already scoped queryset; missing and not-yours answer the same 404."""
    try:
        if lookup.keys() == {"pk"}:
            # At most one row: without get()'s LIMIT, PostgreSQL plans a query with many joins markedly faster.
            found = list(scoped_queryset.filter(**lookup).order_by())
            if found:
                return found[0]
            raise scoped_queryset.model.DoesNotExist
        return scoped_queryset.get(**lookup)
    except (scoped_queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND_MESSAGE) from None


def scope_reference(user, queryset):
    """Reference data is readable by every signed-in user."""
    return queryset if is_signed_in(user) else queryset.none()


def reads_audit(user):
    """Asked of the rules alone: Django's model permissions grant nobody the audit log, and asking them costs
    two queries on every page (the menu shows the link)."""
    return rules.has_perm("masterdata.view_auditevent", user)


def scope_audit_events(user, queryset):
    return queryset if reads_audit(user) else queryset.none()


def scope_by_own_opd(user, queryset, *, readers_of_all, opd_field="opd"):
    """Rows of the user's own OPD for OPD staff; every row for the roles in `readers_of_all`."""
    role = role_of(user)
    if role in readers_of_all:
        return queryset
    if role == Role.OPD_STAFF:
        return queryset.filter(**{f"{opd_field}_id": user.opd_id})
    return queryset.none()


# --- Planning (RPJMD, Renstra, proposals, Renja, RKPD) ---------------------------------------
PLAN_READERS = frozenset({Role.BAPPEDA, Role.FINANCE, Role.AUDITOR})
REGION_PLAN_READERS = STAFF_ROLES | {Role.DPRD, Role.AUDITOR}


@rules.predicate
def is_editable_document(user, document):
    return document is not None and document.is_editable


@rules.predicate
def is_suggested_opd_staff(user, proposal):
    return (
        proposal is not None
        and role_of(user) == Role.OPD_STAFF
        and proposal.suggested_opd_id is not None
        and proposal.suggested_opd_id == user.opd_id
    )


rules.add_perm("planning.change_rpjmd", is_bappeda)
rules.add_perm("planning.change_renstra", is_own_opd)
rules.add_perm("planning.edit_renja", is_own_opd & is_editable_document)
rules.add_perm("planning.submit_renja", is_own_opd)
rules.add_perm("planning.verify_renja", is_bappeda)


@rules.predicate
def is_final_renja(user, renja):
    return renja is not None and renja.is_final


# Comment threads stay open until the document is closed (a final Renja, an approved RKA).
rules.add_perm("planning.comment_renja", (is_bappeda | is_own_opd) & ~is_final_renja)
rules.add_perm("planning.moderate_proposal", is_bappeda)
rules.add_perm("planning.decide_proposal", is_bappeda | is_suggested_opd_staff)
rules.add_perm("planning.change_rkpd", is_bappeda)
rules.add_perm("planning.add_renstra", is_opd_staff)
rules.add_perm("planning.add_renja", is_opd_staff)


def scope_rpjmd(user, queryset):
    """RPJMD goals and targets (and the RKPD): all staff roles, DPRD and the auditor."""
    return queryset if role_of(user) in REGION_PLAN_READERS else queryset.none()


scope_rkpd = scope_rpjmd


def scope_renstra(user, queryset, opd_field="opd"):
    return scope_by_own_opd(user, queryset, readers_of_all=PLAN_READERS, opd_field=opd_field)


def scope_renja(user, queryset, renja_field=""):
    """Own OPD, Bappeda, finance and the auditor; DPRD once the Renja is final.

    `renja_field` is the path from the queried model to its Renja ("" for Renja itself, "renja" for lines).
    """
    prefix = f"{renja_field}__" if renja_field else ""
    if role_of(user) == Role.DPRD:
        return queryset.filter(**{f"{prefix}stage": "final"})
    return scope_by_own_opd(user, queryset, readers_of_all=PLAN_READERS, opd_field=f"{prefix}opd")


def scope_proposals(user, queryset):
    """Moderated proposals are public; unmoderated ones are seen by Bappeda only."""
    return queryset if role_of(user) == Role.BAPPEDA else queryset.filter(is_moderated=True)


@rules.predicate
def may_submit_proposals(user):
    return bool(proposal_sources_for(user))


rules.add_perm("planning.submit_proposal", may_submit_proposals)


def proposal_sources_for(user):
    """The proposal sources a user may submit: citizens (anonymous) use the public form."""
    role = role_of(user)
    if role is None:
        return ["citizen"]
    return {
        Role.OPD_STAFF: ["forum_opd"],
        Role.BAPPEDA: ["desa", "kecamatan"],
        Role.DPRD: ["pokir"],
    }.get(role, [])


# --- Budgeting (KUA-PPAS, ceilings, RKA, APBD versions, DPA) ----------------------------------
BUDGET_READERS = frozenset({Role.FINANCE, Role.BAPPEDA, Role.AUDITOR})


@rules.predicate
def is_draft_dpa(user, dpa):
    return dpa is not None and dpa.state == "draft"


@rules.predicate
def is_draft_kua(user, kua):
    return kua is not None and kua.state == "draft"


rules.add_perm("budgeting.view_kua_ppas", is_finance | is_bappeda | is_auditor | is_dprd)  # as scope_kua_ppas
rules.add_perm("budgeting.change_kua_ppas", is_finance)
rules.add_perm("budgeting.edit_kua_ppas", is_finance & is_draft_kua)  # its lines and ceilings, on the page
rules.add_perm("budgeting.edit_rka", is_own_opd & is_editable_document)
rules.add_perm("budgeting.submit_rka", is_own_opd)
rules.add_perm("budgeting.verify_rka", is_finance)


@rules.predicate
def is_approved_rka(user, rka):
    return rka is not None and rka.state == "approved"


rules.add_perm("budgeting.comment_rka", (is_finance | is_own_opd) & ~is_approved_rka)
rules.add_perm("budgeting.change_apbd", is_finance)
rules.add_perm("budgeting.issue_dpa", is_finance)
rules.add_perm("budgeting.edit_cash_plan", is_own_opd & is_draft_dpa)
rules.add_perm("budgeting.approve_shift", is_finance)

# Who may act on a document at all, whatever its state: pages refuse anyone else (403) before reading what
# was sent; the services then say what the state allows (409).
rules.add_perm("planning.work_on_renja", is_own_opd)
rules.add_perm("planning.move_renja", is_own_opd | is_bappeda)
rules.add_perm("budgeting.work_on_rka", is_own_opd)
rules.add_perm("budgeting.move_rka", is_own_opd | is_finance)
rules.add_perm("budgeting.plan_cash", is_own_opd)


def scope_kua_ppas(user, queryset, kua_field=""):
    """Finance, Bappeda and the auditor; DPRD once submitted to it."""
    prefix = f"{kua_field}__" if kua_field else ""
    role = role_of(user)
    if role in BUDGET_READERS:
        return queryset
    if role == Role.DPRD:
        return queryset.exclude(**{f"{prefix}state": "draft"})
    return queryset.none()


def scope_ceilings(user, queryset):
    """As KUA-PPAS; OPD staff also see their own OPD's ceilings once agreed."""
    if role_of(user) == Role.OPD_STAFF:
        return queryset.filter(opd_id=user.opd_id, kua_ppas__state__in=["agreed", "locked"])
    return scope_kua_ppas(user, queryset, kua_field="kua_ppas")


def scope_rka(user, queryset, rka_field=""):
    """Own OPD, finance, Bappeda and the auditor; DPRD once the RAPBD is submitted."""
    prefix = f"{rka_field}__" if rka_field else ""
    if role_of(user) == Role.DPRD:
        return queryset.exclude(**{f"{prefix}version__state": "draft"})
    return scope_by_own_opd(user, queryset, readers_of_all=BUDGET_READERS, opd_field=f"{prefix}opd")


def rka_opd_of(user):
    """The one OPD whose RKAs the user reads (OPD staff: their own), None for a reader of every OPD's: a
    document of RKA lines made for the user belongs to that OPD."""
    return user.opd_id if role_of(user) == Role.OPD_STAFF else None


def scope_apbd_versions(user, queryset, version_field=""):
    """Staff roles and the auditor; DPRD once submitted; the public only published versions."""
    prefix = f"{version_field}__" if version_field else ""
    role = role_of(user)
    if role in STAFF_ROLES | {Role.AUDITOR}:
        return queryset
    if role == Role.DPRD:
        return queryset.exclude(**{f"{prefix}state": "draft"})
    return queryset.filter(**{f"{prefix}state": "published"})


def apbd_figures_opd(user, *versions):
    """Whose figures of readable APBD versions (ringkasan, balance, rollups, diff) the user may see: None
    for every OPD's, else the id of the one OPD. OPD staff see only their own OPD until every version
    compared is published; every other reader of a version sees it whole."""
    if role_of(user) == Role.OPD_STAFF and any(version.state != "published" for version in versions):
        return user.opd_id
    return None


def scope_dpa(user, queryset):
    return scope_by_own_opd(user, queryset, readers_of_all={Role.FINANCE, Role.AUDITOR})


# --- Transparency (citizen feedback) ---------------------------------------------------------
FEEDBACK_READERS = frozenset({Role.BAPPEDA, Role.AUDITOR})

rules.add_perm("transparency.moderate_feedback", is_bappeda)
rules.add_perm("transparency.answer_feedback", is_own_opd)
rules.add_perm("transparency.move_feedback", is_bappeda | is_own_opd)  # at all, whatever its state
rules.add_perm("transparency.view_feedback", is_bappeda | is_auditor | is_opd_staff)  # the staff's list


def scope_feedback(user, queryset):
    """Bappeda and the auditor read all of it, rejected included; OPD staff their OPD's; the public (and
    everyone else) what was approved."""
    role = role_of(user)
    if role in FEEDBACK_READERS:
        return queryset
    if role == Role.OPD_STAFF:
        return queryset.filter(opd_id=user.opd_id)
    return queryset.filter(state__in=["approved", "answered"])


# --- Reporting (realization) -------------------------------------------------------------------
# OPD staff enter their OPD's realization; BPKAD (the payment system's SP2D) any OPD's.
rules.add_perm("reporting.enter_realization", is_opd_staff | is_finance)
rules.add_perm("reporting.push_sp2d", is_finance)  # SP2D come from BPKAD's payment system
rules.add_perm("reporting.record_realization", is_own_opd | is_finance)  # asked with the realized line's RKA
rules.add_perm("reporting.close_month", is_finance)


def scope_realization(user, queryset):
    """Own OPD, finance, Bappeda and the auditor."""
    return scope_by_own_opd(user, queryset, readers_of_all=BUDGET_READERS)


def reads_realization_of(user, version):
    """Whether the user may read any realization against a version: a published version's is public; else
    finance, Bappeda, the auditor and OPD staff (their own OPD's) may."""
    return version.state == "published" or role_of(user) in BUDGET_READERS | {Role.OPD_STAFF}


def realization_opd(user, version, opd_id):
    """Whose realization a reader of a version's LRA sees: the OPD asked for (None: the whole kabupaten); a
    published version's is public; else finance, Bappeda and the auditor read any, OPD staff their own only
    (another OPD's answers 404 like a missing one), nobody else any."""
    role = role_of(user)
    if version.state == "published" or role in BUDGET_READERS:
        return opd_id
    if role == Role.OPD_STAFF and opd_id in (None, user.opd_id):
        return user.opd_id
    raise Http404(NOT_FOUND_MESSAGE)


def chooses_opd(user):
    """Whether a reporting page offers a choice of OPD: to everyone but OPD staff, who see their own."""
    return role_of(user) != Role.OPD_STAFF


def realization_entry_opd(user, candidates, code):
    """The OPD whose realization the user enters, and the OPDs to choose from: OPD staff their own (whatever is
    asked, no choice); BPKAD the one asked for among `candidates` (the OPDs with an issued DPA), else the first."""
    if not chooses_opd(user):
        return user.opd, []
    candidates = list(candidates)
    return next((opd for opd in candidates if opd.code == code), candidates[0] if candidates else None), candidates


def report_opd(user, version, opd_id):
    """Whose figures a reader of the semester, year-end, performance and consistency reports sees: OPD staff
    their own OPD's only, whatever the version's state (another OPD's answers 404); everyone else as the LRA."""
    if role_of(user) == Role.OPD_STAFF:
        if opd_id not in (None, user.opd_id):
            raise Http404(NOT_FOUND_MESSAGE)
        return user.opd_id
    return realization_opd(user, version, opd_id)


# --- Reporting (documents and jobs) --------------------------------------------------------------


@rules.predicate
def is_job_requester(user, job):
    """The one who asked for the job (without a job: anyone who may ask for one)."""
    return bool(user.is_authenticated and (job is None or job.requested_by_id == user.pk))


rules.add_perm("reporting.request_job", is_signed_in)  # each kind checks that the data it holds is readable
rules.add_perm("reporting.retry_job", is_job_requester)


def scope_jobs(user, queryset):
    """The requester; an OPD's documents: its staff, finance, Bappeda and the auditor; a kabupaten document:
    finance, Bappeda and the auditor; documents of a published version: everyone."""
    visible = Q(public=True)
    if user.is_authenticated:
        visible |= Q(requested_by=user)
        role = role_of(user)
        if role in BUDGET_READERS:
            return queryset
        if role == Role.OPD_STAFF:
            visible |= Q(opd_id=user.opd_id)
    return queryset.filter(visible)
