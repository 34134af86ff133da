"""Who may read and who may change each page and API operation: the table "Who may do what" of ARCHITECTURE.md, per URL.

The callers: OPD staff of the OPD that owns the object (`own`) and of another OPD (`other`), each role, and
anonymous. The objects are those of tests/test_access_matrix.py: Dinas Kesehatan's draft Renja, its RKA of a
draft pergeseran and its draft DPA, a draft KUA-PPAS of the next year, the published APBD murni, …

A `Rule` names the readers (others signed in get 404 for an object, 403 for a page without one) and, for an
action, the writers (readers who are not get 403). Every page of the portal apps and every API operation has
a row: a new one without a row fails the matrix test.
"""

from dataclasses import dataclass

OWN, OTHER = "own", "other"
BAPPEDA, FINANCE, DPRD, AUDITOR, ADMIN = "bappeda", "finance", "dprd", "auditor", "admin"
ANONYMOUS = "anonymous"
CALLERS = (OWN, OTHER, BAPPEDA, FINANCE, DPRD, AUDITOR, ADMIN, ANONYMOUS)

SIGNED_IN = frozenset(CALLERS) - {ANONYMOUS}
EVERYONE = frozenset(CALLERS)
OPD_STAFF = frozenset({OWN, OTHER})
STAFF = OPD_STAFF | {BAPPEDA, FINANCE}
REGION_PLAN = STAFF | {DPRD, AUDITOR}  # RPJMD and RKPD
PLAN_OF_OPD = frozenset({OWN, BAPPEDA, FINANCE, AUDITOR})  # Renstra, a draft Renja
KUA_DRAFT = frozenset({FINANCE, BAPPEDA, AUDITOR})  # a KUA-PPAS (and its ceilings) not yet submitted
RKA_DRAFT = frozenset({OWN, FINANCE, BAPPEDA, AUDITOR})  # an RKA of a version not yet submitted
APBD_DRAFT = STAFF | {AUDITOR}  # a draft APBD version
DPA_READERS = frozenset({OWN, FINANCE, AUDITOR})
AUDIT = frozenset({AUDITOR, ADMIN})
FEEDBACK_READERS = frozenset({OWN, BAPPEDA, AUDITOR})
JOB_READERS = frozenset(
    {OWN, FINANCE, BAPPEDA, AUDITOR}
)  # an OPD's document of an unpublished version  # a remark on Dinas Kesehatan, not yet approved


@dataclass(frozen=True)
class Rule:
    readers: frozenset
    writers: frozenset = frozenset()
    action: bool = False


def read(readers):
    return Rule(frozenset(readers))


def act(readers, writers):
    return Rule(frozenset(readers), frozenset(writers), action=True)


# --- Pages, by URL name ----------------------------------------------------------------------------------
PAGES = {
    "public-home": read(EVERYONE),
    "home": read(SIGNED_IN),
    "login": read(EVERYONE),
    "audit-list": read(AUDIT),
    "audit-detail": read(AUDIT),
    # Planning
    "planning:home": read(SIGNED_IN),
    "planning:renja-list": read(SIGNED_IN),
    "planning:renja-create": act(SIGNED_IN, OPD_STAFF),
    "planning:renja-detail": read(PLAN_OF_OPD),
    "planning:sub-kegiatan-search": read(PLAN_OF_OPD),
    "planning:line-add": act(PLAN_OF_OPD, {OWN}),
    "planning:line-row": read(PLAN_OF_OPD),
    "planning:line-edit": act(PLAN_OF_OPD, {OWN}),
    "planning:line-delete": act(PLAN_OF_OPD, {OWN}),
    "planning:renja-comment": act(PLAN_OF_OPD, {OWN, BAPPEDA}),
    "planning:renja-transition": act(PLAN_OF_OPD, {OWN, BAPPEDA}),
    "planning:inbox": read({BAPPEDA}),
    "planning:rkpd": read(REGION_PLAN),
    "planning:rkpd-action": act(REGION_PLAN, {BAPPEDA}),
    "planning:proposal-board": read(SIGNED_IN),
    "planning:proposal-create": act(SIGNED_IN, OPD_STAFF | {BAPPEDA, DPRD}),
    "planning:proposal-detail": read(SIGNED_IN),  # a moderated proposal
    "planning:proposal-decide": act(SIGNED_IN, {OWN, BAPPEDA}),  # the suggested OPD's staff and Bappeda
    "usulan:home": read(EVERYONE),
    "usulan:create": read(EVERYONE),
    "usulan:sent": read(EVERYONE),
    "usulan:village-options": read(EVERYONE),
    "usulan:track": read(EVERYONE),
    # Budgeting
    "budgeting:home": read(SIGNED_IN),
    "budgeting:kua-list": read(SIGNED_IN),
    "budgeting:kua-create": act(SIGNED_IN, {FINANCE}),
    "budgeting:kua-detail": read(KUA_DRAFT),
    "budgeting:kua-account-search": read(KUA_DRAFT),
    "budgeting:kua-line-add": act(KUA_DRAFT, {FINANCE}),
    "budgeting:kua-line-edit": act(KUA_DRAFT, {FINANCE}),
    "budgeting:kua-transition": act(KUA_DRAFT, {FINANCE}),
    "budgeting:ceiling-table": read(KUA_DRAFT),
    "budgeting:ceiling-add": act(KUA_DRAFT, {FINANCE}),
    "budgeting:ceiling-edit": act(KUA_DRAFT, {FINANCE}),
    "budgeting:ceiling-delete": act(KUA_DRAFT, {FINANCE}),
    "budgeting:ceiling-opd": read(KUA_DRAFT),
    "budgeting:ceiling-opd-add": act(KUA_DRAFT, {FINANCE}),
    "budgeting:rka-list": read(SIGNED_IN),
    "budgeting:rka-inbox": read({FINANCE}),
    "budgeting:rka-detail": read(RKA_DRAFT),
    "budgeting:rka-sub-kegiatan-add": act(RKA_DRAFT, {OWN}),
    "budgeting:rka-transition": act(RKA_DRAFT, {OWN, FINANCE}),
    "budgeting:rka-comment": act(RKA_DRAFT, {OWN, FINANCE}),
    "reporting:rka-import": act(RKA_DRAFT, {OWN}),
    "budgeting:rka-section": read(RKA_DRAFT),
    "budgeting:line-add": act(RKA_DRAFT, {OWN}),
    "budgeting:account-search": read(RKA_DRAFT),
    "budgeting:item-search": read(RKA_DRAFT),
    "budgeting:amount-preview": read(RKA_DRAFT),
    "budgeting:line-row": read(RKA_DRAFT),
    "budgeting:line-edit": act(RKA_DRAFT, {OWN}),
    "budgeting:line-delete": act(RKA_DRAFT, {OWN}),
    "budgeting:apbd-list": read(SIGNED_IN),
    "budgeting:apbd-create": act(SIGNED_IN, {FINANCE}),
    "budgeting:version-diff": read(SIGNED_IN),
    "budgeting:apbd-detail": read(APBD_DRAFT),
    "budgeting:apbd-transition": act(APBD_DRAFT, {FINANCE}),
    "budgeting:apbd-publish": act(APBD_DRAFT, {FINANCE}),
    "budgeting:dpa-list": read(SIGNED_IN),  # of the published murni: its DPAs scoped to the reader
    "budgeting:dpa-prepare": act(SIGNED_IN, {FINANCE}),
    "budgeting:dpa-detail": read(DPA_READERS),
    "budgeting:dpa-issue": act(DPA_READERS, {FINANCE}),
    "budgeting:cash-plan-edit": act(DPA_READERS, {OWN}),
    "budgeting:cash-plan-preview": read(DPA_READERS),
    # Open data of the published APBD murni (downloads): anyone, signed in or not.
    "open-data": read(EVERYONE),
    "transparency:apbd": read(EVERYONE),
    "transparency:opd": read(EVERYONE),
    "transparency:sub-kegiatan": read(EVERYONE),
    "transparency:glossary": read(EVERYONE),
    "transparency:versions": read(EVERYONE),
    "transparency:compare": read(EVERYONE),
    "transparency:search": read(EVERYONE),
    "transparency:documents": read(EVERYONE),
    "transparency:urusan": read(EVERYONE),
    "transparency:urusan-node": read(EVERYONE),
    "transparency:rekening": read(EVERYONE),
    "transparency:rekening-node": read(EVERYONE),
    "transparency:sumber-dana": read(EVERYONE),
    "transparency:sumber-dana-node": read(EVERYONE),
    "transparency:feedback-submit": act(EVERYONE, EVERYONE),
    # Reports and documents: a DPA-SKPD of Dinas Kesehatan's draft pergeseran, done, asked for by its staff.
    "reporting:lra": read(SIGNED_IN),
    # The other reports of the published murni: OPD staff see their own OPD's, the others as the LRA.
    "reporting:semester": read(SIGNED_IN),
    "reporting:year-end": read(SIGNED_IN),
    "reporting:performance": read(SIGNED_IN),
    "reporting:consistency": read(SIGNED_IN),
    "reporting:realization": read(OPD_STAFF | {FINANCE}),
    "reporting:realization-record": act(OPD_STAFF | {FINANCE}, OPD_STAFF | {FINANCE}),
    "reporting:realization-month": act(SIGNED_IN, {FINANCE}),
    "reporting:realization-progress": act(OPD_STAFF | {FINANCE}, OPD_STAFF | {FINANCE}),
    "reporting:realization-import": act(OPD_STAFF | {FINANCE}, OPD_STAFF | {FINANCE}),
    "reporting:jobs": read(SIGNED_IN),
    "reporting:job-request": act(SIGNED_IN, SIGNED_IN),
    "reporting:job": read(JOB_READERS),
    "reporting:job-download": read(JOB_READERS),
    "reporting:job-retry": act(JOB_READERS, {OWN}),
    "reporting:public-document": read(EVERYONE),  # a document of the published murni, made once
    "feedback:list": read(OPD_STAFF | {BAPPEDA, AUDITOR}),
    "feedback:moderate": act(FEEDBACK_READERS, {BAPPEDA}),
    "feedback:answer": act(FEEDBACK_READERS, {OWN}),
    "opendata:package-latest": read(EVERYONE),
    "opendata:package": read(EVERYONE),
    "opendata:lines": read(EVERYONE),
    "opendata:aggregate": read(EVERYONE),
    "opendata:table-latest": read(EVERYONE),
    "opendata:table": read(EVERYONE),
}

# --- API operations, by operation id ------------------------------------------------------------------------
REFERENCE = read(SIGNED_IN)
OPERATIONS = {
    # Realization: scoped lists; OPD staff enter their OPD's, BPKAD any OPD's (SP2D), BPKAD closes months.
    "v1_realization_list": read(SIGNED_IN),
    "v1_jobs_list": read(SIGNED_IN),
    "v1_jobs_create": act(SIGNED_IN, SIGNED_IN),
    "v1_jobs_retrieve": read(JOB_READERS),
    "v1_jobs_retry_create": act(JOB_READERS, {OWN}),
    "v1_jobs_file_retrieve": read(JOB_READERS),
    "v1_reports_lra_retrieve": read(SIGNED_IN),
    "v1_reports_semester_retrieve": read(SIGNED_IN),
    "v1_reports_year_end_retrieve": read(SIGNED_IN),
    "v1_reports_performance_retrieve": read(SIGNED_IN),
    "v1_reports_consistency_retrieve": read(SIGNED_IN),
    "v1_realization_create": act(SIGNED_IN, OPD_STAFF | {FINANCE}),
    "v1_realization_sp2d_create": act(SIGNED_IN, {FINANCE}),
    "v1_realization_months_create": act(SIGNED_IN, {FINANCE}),
    "v1_realization_progress_create": act(SIGNED_IN, OPD_STAFF | {FINANCE}),
    "v1_me_retrieve": read(SIGNED_IN),
    "v1_auth_token_create": act(EVERYONE, EVERYONE),
    # A personal token of Dinas Kesehatan's staff member: "own" is here its owner.
    "v1_auth_tokens_list": read(SIGNED_IN),
    "v1_auth_tokens_retrieve": read({OWN, ADMIN}),
    "v1_auth_tokens_revoke_create": act({OWN, ADMIN}, {OWN}),  # the administrator revokes integration tokens
    **{
        f"v1_{name}_{verb}": REFERENCE
        for name in ("accounts", "funding_sources", "nomenclature", "opds", "standard_prices")
        for verb in ("list", "retrieve")
    },
    # RPJMD (with its goals and targets): read by the region's planners, DPRD and the auditor; changed by Bappeda.
    "v1_rpjmd_list": read(SIGNED_IN),
    "v1_rpjmd_create": act(SIGNED_IN, {BAPPEDA}),
    "v1_rpjmd_retrieve": read(REGION_PLAN),
    "v1_rpjmd_partial_update": act(REGION_PLAN, {BAPPEDA}),
    "v1_rpjmd_goals_list": read(REGION_PLAN),
    "v1_rpjmd_goals_create": act(REGION_PLAN, {BAPPEDA}),
    "v1_rpjmd_import_targets_create": act(REGION_PLAN, {BAPPEDA}),
    "v1_rpjmd_goals_retrieve": read(REGION_PLAN),
    "v1_rpjmd_goals_partial_update": act(REGION_PLAN, {BAPPEDA}),
    "v1_rpjmd_goals_destroy": act(REGION_PLAN, {BAPPEDA}),
    "v1_rpjmd_goals_targets_list": read(REGION_PLAN),
    "v1_rpjmd_goals_targets_create": act(REGION_PLAN, {BAPPEDA}),
    "v1_rpjmd_targets_retrieve": read(REGION_PLAN),
    "v1_rpjmd_targets_partial_update": act(REGION_PLAN, {BAPPEDA}),
    "v1_rpjmd_targets_destroy": act(REGION_PLAN, {BAPPEDA}),
    # Renstra of Dinas Kesehatan: its own staff change it.
    "v1_renstra_list": read(SIGNED_IN),
    "v1_renstra_create": act(SIGNED_IN, OPD_STAFF),
    "v1_renstra_retrieve": read(PLAN_OF_OPD),
    "v1_renstra_destroy": act(PLAN_OF_OPD, {OWN}),
    "v1_renstra_import_programs_create": act(PLAN_OF_OPD, {OWN}),
    "v1_renstra_programs_list": read(PLAN_OF_OPD),
    "v1_renstra_programs_create": act(PLAN_OF_OPD, {OWN}),
    "v1_renstra_programs_retrieve": read(PLAN_OF_OPD),
    "v1_renstra_programs_partial_update": act(PLAN_OF_OPD, {OWN}),
    "v1_renstra_programs_destroy": act(PLAN_OF_OPD, {OWN}),
    # A moderated citizens' proposal suggested to Dinas Kesehatan.
    "v1_proposals_list": read(SIGNED_IN),
    "v1_proposals_create": act(SIGNED_IN, OPD_STAFF | {BAPPEDA, DPRD}),
    "v1_proposals_retrieve": read(SIGNED_IN),
    "v1_proposals_moderate_create": act(SIGNED_IN, {BAPPEDA}),
    "v1_proposals_advance_create": act(SIGNED_IN, {BAPPEDA}),
    "v1_proposals_accept_create": act(SIGNED_IN, {OWN, BAPPEDA}),
    "v1_proposals_defer_create": act(SIGNED_IN, {OWN, BAPPEDA}),
    "v1_proposals_reject_create": act(SIGNED_IN, {OWN, BAPPEDA}),
    # Dinas Kesehatan's draft Renja.
    "v1_renja_list": read(SIGNED_IN),
    "v1_renja_create": act(SIGNED_IN, OPD_STAFF),
    "v1_renja_retrieve": read(PLAN_OF_OPD),
    "v1_renja_export_retrieve": read(PLAN_OF_OPD),
    "v1_renja_import_create": act(PLAN_OF_OPD, {OWN}),
    "v1_renja_lines_list": read(PLAN_OF_OPD),
    "v1_renja_lines_create": act(PLAN_OF_OPD, {OWN}),
    "v1_renja_lines_retrieve": read(PLAN_OF_OPD),
    "v1_renja_lines_partial_update": act(PLAN_OF_OPD, {OWN}),
    "v1_renja_lines_destroy": act(PLAN_OF_OPD, {OWN}),
    "v1_renja_comments_list": read(PLAN_OF_OPD),
    "v1_renja_comments_create": act(PLAN_OF_OPD, {OWN, BAPPEDA}),
    "v1_renja_transitions_create": act(PLAN_OF_OPD, {OWN, BAPPEDA}),
    # The final RKPD of the budget year.
    "v1_rkpd_list": read(SIGNED_IN),
    "v1_rkpd_retrieve": read(REGION_PLAN),
    "v1_rkpd_export_retrieve": read(REGION_PLAN),
    "v1_rkpd_consolidate_create": act(SIGNED_IN, {BAPPEDA}),  # of a year, with or without an RKPD yet
    "v1_rkpd_finalize_create": act(REGION_PLAN, {BAPPEDA}),
    # The next year's draft KUA-PPAS, its account lines and ceilings.
    "v1_kua_ppas_list": read(SIGNED_IN),
    "v1_kua_ppas_create": act(SIGNED_IN, {FINANCE}),
    "v1_kua_ppas_retrieve": read(KUA_DRAFT),
    "v1_kua_ppas_account_lines_list": read(KUA_DRAFT),
    "v1_kua_ppas_account_lines_create": act(KUA_DRAFT, {FINANCE}),
    "v1_kua_ppas_transitions_create": act(KUA_DRAFT, {FINANCE}),
    "v1_kua_account_lines_retrieve": read(KUA_DRAFT),
    "v1_kua_account_lines_partial_update": act(KUA_DRAFT, {FINANCE}),
    "v1_kua_account_lines_destroy": act(KUA_DRAFT, {FINANCE}),
    "v1_ceilings_list": read(SIGNED_IN),
    "v1_ceilings_create": act(KUA_DRAFT, {FINANCE}),  # of the KUA-PPAS named in the body
    "v1_ceilings_retrieve": read(KUA_DRAFT),
    "v1_ceilings_partial_update": act(KUA_DRAFT, {FINANCE}),
    "v1_ceilings_destroy": act(KUA_DRAFT, {FINANCE}),
    # The draft pergeseran: its header and (scoped) figures.
    "v1_apbd_versions_list": read(SIGNED_IN),
    "v1_apbd_versions_create": act(SIGNED_IN, {FINANCE}),
    "v1_apbd_versions_pergeseran_create": act(SIGNED_IN, {FINANCE}),
    "v1_apbd_versions_retrieve": read(APBD_DRAFT),
    "v1_apbd_versions_ringkasan_retrieve": read(APBD_DRAFT),
    "v1_apbd_versions_transitions_create": act(APBD_DRAFT, {FINANCE}),
    "v1_apbd_versions_dpa_create": act(APBD_DRAFT, {FINANCE}),
    "v1_apbd_versions_diff_retrieve": read(APBD_DRAFT),
    "v1_apbd_versions_diff_lines_list": read(APBD_DRAFT),
    # Dinas Kesehatan's RKA in the draft pergeseran.
    "v1_rka_list": read(SIGNED_IN),
    "v1_rka_retrieve": read(RKA_DRAFT),
    "v1_rka_export_retrieve": read(RKA_DRAFT),
    "v1_rka_import_create": act(RKA_DRAFT, {OWN}),
    "v1_rka_sub_kegiatan_list": read(RKA_DRAFT),
    "v1_rka_sub_kegiatan_create": act(RKA_DRAFT, {OWN}),
    "v1_rka_lines_list": read(RKA_DRAFT),
    "v1_rka_lines_create": act(RKA_DRAFT, {OWN}),
    "v1_rka_lines_retrieve": read(RKA_DRAFT),
    "v1_rka_lines_partial_update": act(RKA_DRAFT, {OWN}),
    "v1_rka_lines_destroy": act(RKA_DRAFT, {OWN}),
    "v1_rka_comments_list": read(RKA_DRAFT),
    "v1_rka_comments_create": act(RKA_DRAFT, {OWN, FINANCE}),
    "v1_rka_transitions_create": act(RKA_DRAFT, {OWN, FINANCE}),
    # Dinas Kesehatan's draft DPA of the murni.
    "v1_dpa_list": read(SIGNED_IN),
    "v1_dpa_retrieve": read(DPA_READERS),
    "v1_dpa_export_retrieve": read(DPA_READERS),
    "v1_dpa_cash_plan_list": read(DPA_READERS),
    "v1_dpa_cash_plan_partial_update": act(DPA_READERS, {OWN}),
    "v1_dpa_issue_create": act(DPA_READERS, {FINANCE}),
    # The public API: published versions only, for anyone.
    "v1_public_apbd_list": read(EVERYONE),
    "v1_public_apbd_facts_list": read(EVERYONE),
    "v1_public_apbd_aggregate_retrieve": read(EVERYONE),
}
