"""Every write of the planning stage: one transaction, a permission check and an audit event each."""

import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext

from masterdata import access, audit
from masterdata.errors import NOT_ALLOWED, StaleObject, TransitionNotAllowed
from masterdata.models import Account, Nomenclature, Opd, Region
from masterdata.money import CENT, check_money
from masterdata.spreadsheets import raise_for_errors
from masterdata.transitions import Lifecycle

from .models import (
    Proposal,
    ProposalStatusChange,
    Renja,
    RenjaComment,
    RenjaLine,
    RenjaTransition,
    Rkpd,
)
from .selectors import allowed_sub_kegiatan

TARGET_LIMIT = Decimal(10) ** 18  # the target column: 18 digits before the decimals


def reject_unknown_fields(values, allowed):
    """A field a service does not take is the caller's mistake; it is never silently dropped."""
    unknown = set(values) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {unknown}")


def merged_values(instance, changes, fields):
    """The `fields` after a partial change: the changed values, and the instance's own for the rest."""
    return {field: changes.get(field, getattr(instance, field)) for field in fields}


# --- Renja ------------------------------------------------------------------------------------

Stage, State = Renja.Stage, Renja.State
NEXT_STAGE = {Stage.RANWAL: Stage.RANCANGAN, Stage.RANCANGAN: Stage.RANCANGAN_AKHIR}

# (action, from state) -> (to state, who may do it). Stage moves are handled by `advance`/`finalise`.
RENJA_MOVES = {
    ("submit", State.DRAFT): State.SUBMITTED,
    ("submit", State.RETURNED): State.SUBMITTED,
    ("return", State.SUBMITTED): State.RETURNED,
    ("verify", State.SUBMITTED): State.VERIFIED,
}
RENJA_ACTION_LABELS = {
    "submit": "ajukan",
    "return": "kembalikan",
    "verify": "verifikasi",
    "advance": "lanjut ke tahap berikutnya",
    "finalise": "finalkan",
}
LINE_FIELDS = [
    "sub_kegiatan",
    "location",
    "output_indicator",
    "output_target",
    "output_unit",
    "pagu_indikatif",
    "pagu_indikatif_next",
    "funding_source",
    "renstra_program",
]


class RenjaLifecycle(Lifecycle):
    """Per stage: the OPD submits, Bappeda returns or verifies; a verified stage moves to the next (or final)."""

    name = "renja"
    moves = RENJA_MOVES
    labels = RENJA_ACTION_LABELS
    permission = "planning.move_renja"
    permissions = {**dict.fromkeys(RENJA_ACTION_LABELS, "planning.verify_renja"), "submit": "planning.submit_renja"}
    none_allowed = "tidak ada (Renja sudah final)"

    def allowed(self, document):
        if document.is_final:
            return []
        moves = super().allowed(document)
        if document.state == State.VERIFIED:
            moves.append("finalise" if document.stage == Stage.RANCANGAN_AKHIR else "advance")
        return moves

    def subject(self, document):
        return f"Renja {document.get_stage_display().lower()} berstatus {document.get_state_display().lower()}"

    def state_of(self, document):
        return {"stage": document.stage, "state": document.state}

    def apply(self, document, action):
        if action == "advance":
            document.stage, document.state = NEXT_STAGE[document.stage], State.DRAFT
        elif action == "finalise":
            document.stage = Stage.FINAL
        else:
            super().apply(document, action)

    def record_history(self, step):
        renja, before = step.document, step.from_state
        RenjaTransition.objects.create(
            renja=renja,
            action=step.action,
            from_stage=before["stage"],
            from_state=before["state"],
            to_stage=renja.stage,
            to_state=renja.state,
            actor=step.actor,
            note=step.note,
        )


RENJA_LIFECYCLE = RenjaLifecycle()


def renja_moves(renja):
    """The moves that apply to the Renja in its current stage and state."""
    return RENJA_LIFECYCLE.allowed(renja)


def _renja_snapshot(renja):
    return RENJA_LIFECYCLE.state_of(renja)


@transaction.atomic
def transition_renja(*, actor, renja, action, note=""):
    """Move a Renja along its lifecycle; refuses any move that does not apply, naming those that do."""
    with RENJA_LIFECYCLE.move(actor=actor, document=renja, action=action, note=note) as step:
        renja = step.document
        if action == "submit" and not renja.lines.exists():
            raise ValidationError("Renja belum memiliki satu pun sub-kegiatan; tambahkan baris sebelum diajukan.")
        if action == "return" and not note.strip():
            raise ValidationError({"note": "Tuliskan alasan pengembalian agar OPD tahu apa yang harus diperbaiki."})
        if note.strip():
            RenjaComment.objects.create(renja=renja, author=actor, stage=renja.stage, text=note.strip())
    return renja


@transaction.atomic
def create_renja(*, actor, opd, fiscal_year):
    """Start an OPD's Renja for a year (its own staff do this, or Bappeda on its behalf)."""
    if not (access.is_own_opd(actor, opd) or access.is_bappeda(actor)):
        raise PermissionDenied(NOT_ALLOWED)
    if Renja.objects.filter(opd=opd, fiscal_year=fiscal_year).exists():
        raise ValidationError(f"Renja {opd.name} tahun {fiscal_year.year} sudah ada.")
    renja = Renja.objects.create(opd=opd, fiscal_year=fiscal_year)
    audit.record(actor=actor, action="renja.create", obj=renja, opd=opd, after=_renja_snapshot(renja))
    return renja


def _clean_line(renja, values, line=None):
    """Field-level validation of a Renja line in Indonesian; raises ValidationError with every problem."""
    errors = {}
    sub_kegiatan = values.get("sub_kegiatan")
    if sub_kegiatan is None:
        errors["sub_kegiatan"] = "Pilih sub-kegiatan."
    elif not allowed_sub_kegiatan(renja.opd, renja.fiscal_year).filter(pk=sub_kegiatan.pk).exists():
        errors["sub_kegiatan"] = (
            f"Sub-kegiatan {sub_kegiatan.code} tidak dapat dipakai {renja.opd.name} pada tahun "
            f"{renja.fiscal_year.year} (di luar bidang urusan OPD, tidak aktif, atau bukan nomenklatur tahun ini)."
        )
    elif (
        RenjaLine.objects.filter(renja=renja, sub_kegiatan=sub_kegiatan).exclude(pk=getattr(line, "pk", None)).exists()
    ):
        errors["sub_kegiatan"] = f"Sub-kegiatan {sub_kegiatan.code} sudah ada di Renja ini."
    for field, label in (("location", "Lokasi"), ("output_indicator", "Indikator keluaran"), ("output_unit", "Satuan")):
        if not str(values.get(field) or "").strip():
            errors[field] = f"{label} wajib diisi."
    target = values.get("output_target")
    if not isinstance(target, Decimal) or not target.is_finite():
        errors["output_target"] = "Target keluaran wajib berupa angka."
    elif target < 0:
        errors["output_target"] = "Target keluaran tidak boleh negatif."
    elif target >= TARGET_LIMIT or target != target.quantize(CENT):
        errors["output_target"] = "Target keluaran paling banyak 18 angka dan dua angka desimal."
    for field in ("pagu_indikatif", "pagu_indikatif_next"):
        check_money(values.get(field), field, errors)
    funding = values.get("funding_source")
    if funding is not None and (
        funding.version_id != renja.fiscal_year.reference_version_id
        or funding.level != Account.Level.SUB_RINCIAN_OBJEK
        or not funding.is_active
    ):
        errors["funding_source"] = "Sumber dana harus kode sub rincian objek yang aktif dari versi referensi tahun ini."
    program = values.get("renstra_program")
    if program is not None and program.renstra.opd_id != renja.opd_id:
        errors["renstra_program"] = "Program Renstra harus milik OPD yang sama."
    if errors:
        raise ValidationError(errors)


def _line_snapshot(line):
    data = audit.snapshot(line, fields=[*LINE_FIELDS, "version"])
    data["regions"] = sorted(line.regions.values_list("pk", flat=True)) if line.pk else []
    return data


def _require_editable(actor, renja):
    access.require_editable(
        actor,
        renja,
        "planning.edit_renja",
        lambda: TransitionNotAllowed(
            f"Renja berstatus {renja.get_state_display().lower()} tidak dapat diubah; "
            "perubahan hanya saat draf atau dikembalikan.",
            current=_renja_snapshot(renja),
            allowed=renja_moves(renja),
        ),
    )


@transaction.atomic
def add_renja_line(*, actor, renja, regions=(), **values):
    renja = Renja.objects.select_for_update().select_related("opd", "fiscal_year").get(pk=renja.pk)
    _require_editable(actor, renja)
    reject_unknown_fields(values, LINE_FIELDS)
    _clean_line(renja, values)
    line = RenjaLine.objects.create(renja=renja, **values)
    line.regions.set(regions)
    audit.record(actor=actor, action="renja_line.create", obj=line, opd=renja.opd, after=_line_snapshot(line))
    return line


@transaction.atomic
def update_renja_line(*, actor, line, expected_version, regions=None, **changes):
    """Change a line; a save based on an older version is refused with the current values."""
    current = RenjaLine.objects.select_for_update().select_related("renja__opd", "renja__fiscal_year").get(pk=line.pk)
    _require_editable(actor, current.renja)
    if current.version != expected_version:
        raise StaleObject(
            "Baris ini sudah diubah orang lain sejak Anda membukanya. Periksa nilai terbaru lalu simpan lagi.",
            current=_line_snapshot(current),
        )
    reject_unknown_fields(changes, LINE_FIELDS)
    before = _line_snapshot(current)
    values = merged_values(current, changes, LINE_FIELDS)
    _clean_line(current.renja, values, line=current)
    for field, value in values.items():
        setattr(current, field, value)
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    if regions is not None:
        current.regions.set(regions)
    audit.record(
        actor=actor,
        action="renja_line.update",
        obj=current,
        opd=current.renja.opd,
        before=before,
        after=_line_snapshot(current),
    )
    return current


@transaction.atomic
def delete_renja_line(*, actor, line):
    line = RenjaLine.objects.select_for_update().select_related("renja__opd").get(pk=line.pk)
    _require_editable(actor, line.renja)
    if line.proposals.filter(status=Proposal.Status.ACCEPTED).exists():
        raise ValidationError("Baris ini menjawab usulan yang sudah diakomodasi; lepaskan usulan itu dahulu.")
    before = _line_snapshot(line)
    audit.record(actor=actor, action="renja_line.delete", obj=line, opd=line.renja.opd, before=before)
    line.delete()


@transaction.atomic
def comment_renja(*, actor, renja, text, line=None, reply_to=None):
    """Bappeda comments on a Renja or a line; the OPD's own staff answer them."""
    if not actor.has_perm("planning.comment_renja", renja):
        raise PermissionDenied(NOT_ALLOWED)
    if not text.strip():
        raise ValidationError({"text": "Catatan tidak boleh kosong."})
    if line is not None and line.renja_id != renja.pk:
        raise ValidationError({"line": "Baris bukan bagian dari Renja ini."})
    if reply_to is not None and reply_to.renja_id != renja.pk:
        raise ValidationError({"reply_to": "Catatan yang dibalas bukan bagian dari Renja ini."})
    comment = RenjaComment.objects.create(
        renja=renja, line=line, reply_to=reply_to, author=actor, stage=renja.stage, text=text.strip()
    )
    audit.record(
        actor=actor,
        action="renja.comment",
        obj=comment,
        opd=renja.opd,
        after={"renja": renja.pk, "line": getattr(line, "pk", None), "text": comment.text},
    )
    return comment


# --- Proposals --------------------------------------------------------------------------------

PStatus = Proposal.Status
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed by citizens
STAGE_ORDER = [Proposal.Stage.DESA, Proposal.Stage.KECAMATAN, Proposal.Stage.FORUM_OPD, Proposal.Stage.KABUPATEN]
INITIAL_STAGE = {
    Proposal.Source.DESA: Proposal.Stage.DESA,
    Proposal.Source.KECAMATAN: Proposal.Stage.KECAMATAN,
    Proposal.Source.FORUM_OPD: Proposal.Stage.FORUM_OPD,
    Proposal.Source.POKIR: Proposal.Stage.KABUPATEN,
    Proposal.Source.CITIZEN: Proposal.Stage.DESA,
}


def new_tracking_code(year):
    while True:
        code = f"U{year % 100:02d}-" + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(6))
        if not Proposal.objects.filter(tracking_code=code).exists():
            return code


def _record_status(proposal, *, actor, from_status, note=""):
    ProposalStatusChange.objects.create(
        proposal=proposal,
        from_status=from_status,
        to_status=proposal.status,
        stage=proposal.stage,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=note,
    )


def _clean_proposal(values, fiscal_year):
    errors = {}
    for field, label in (("title", "Judul"), ("description", "Uraian"), ("proposer_name", "Nama pengusul")):
        if not str(values.get(field) or "").strip():
            errors[field] = f"{label} wajib diisi."
    kecamatan, village = values.get("kecamatan"), values.get("village")
    if not isinstance(kecamatan, Region) or kecamatan.level != Region.Level.KECAMATAN:
        errors["kecamatan"] = gettext("Pilih kecamatan di Kabupaten Bondowoso.")  # also on the public form
    elif village is not None and village.parent_id != kecamatan.pk:
        errors["village"] = gettext("Desa/kelurahan %(village)s tidak berada di Kecamatan %(kecamatan)s.") % {
            "village": village.name,
            "kecamatan": kecamatan.name,
        }
    check_money(values.get("estimated_cost"), "estimated_cost", errors)
    priority = values.get("priority", 3)
    if not isinstance(priority, int) or not 1 <= priority <= 5:
        errors["priority"] = "Prioritas antara 1 (tertinggi) dan 5."
    sub = values.get("suggested_sub_kegiatan")
    if sub is not None and (
        sub.level != Nomenclature.Level.SUB_KEGIATAN or sub.version_id != fiscal_year.reference_version_id
    ):
        errors["suggested_sub_kegiatan"] = "Sub-kegiatan usulan harus dari nomenklatur tahun ini."
    opd = values.get("suggested_opd")
    if opd is not None and not isinstance(opd, Opd):
        errors["suggested_opd"] = "OPD tujuan tidak dikenal."
    if errors:
        raise ValidationError(errors)


# What every proposer fills in; staff also name the sub-kegiatan they have in mind and a priority.
PROPOSER_FIELDS = [
    "title",
    "description",
    "kecamatan",
    "village",
    "proposer_name",
    "proposer_contact",
    "estimated_cost",
    "suggested_opd",
]
PROPOSAL_FIELDS = [*PROPOSER_FIELDS, "suggested_sub_kegiatan", "priority"]


def _proposal_snapshot(proposal):
    return audit.snapshot(
        proposal,
        fields=[
            *PROPOSAL_FIELDS,
            "status",
            "stage",
            "is_moderated",
            "renja_line",
            "deferred_to_year",
            "decision_note",
            "source",
            "tracking_code",
        ],
    )


@transaction.atomic
def submit_proposal(*, actor, source, fiscal_year, **values):
    """Record a proposal. Citizens' proposals wait for moderation before anyone else sees them."""
    if source not in access.proposal_sources_for(actor):
        raise PermissionDenied("Anda tidak dapat mengajukan usulan dari sumber ini.")
    reject_unknown_fields(values, PROPOSAL_FIELDS)
    _clean_proposal(values, fiscal_year)
    is_citizen = source == Proposal.Source.CITIZEN
    proposal = Proposal.objects.create(
        tracking_code=new_tracking_code(fiscal_year.year),
        fiscal_year=fiscal_year,
        source=source,
        stage=INITIAL_STAGE[source],
        status=PStatus.RECEIVED if is_citizen else PStatus.IN_REVIEW,
        is_moderated=not is_citizen,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        **values,
    )
    _record_status(proposal, actor=actor, from_status="")
    audit.record(
        actor=actor,
        action="proposal.submit",
        obj=proposal,
        opd=proposal.suggested_opd,
        after=_proposal_snapshot(proposal),
    )
    return proposal


def _locked_proposal(proposal):
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


def _refuse(proposal, action, allowed):
    raise TransitionNotAllowed(
        f"Usulan berstatus '{proposal.get_status_display()}' tidak dapat di{action}.",
        current={"status": proposal.status, "stage": proposal.stage},
        allowed=allowed,
    )


def proposal_moves(proposal):
    moves = {
        PStatus.RECEIVED: ["moderate"],
        PStatus.IN_REVIEW: ["advance_stage", "accept", "reject", "defer"],
    }.get(proposal.status, [])
    return [move for move in moves if move != "advance_stage" or proposal.stage != Proposal.Stage.KABUPATEN]


def _change_status(proposal, *, actor, action, note="", **changes):
    before = _proposal_snapshot(proposal)
    from_status = proposal.status
    for field, value in changes.items():
        setattr(proposal, field, value)
    proposal.save()
    _record_status(proposal, actor=actor, from_status=from_status, note=note)
    audit.record(
        actor=actor,
        action=f"proposal.{action}",
        obj=proposal,
        opd=proposal.suggested_opd,
        before=before,
        after=_proposal_snapshot(proposal),
    )
    return proposal


@transaction.atomic
def moderate_proposal(*, actor, proposal, approve, note=""):
    """Bappeda publishes a citizen's proposal for review, or turns it away (it then stays private)."""
    proposal = _locked_proposal(proposal)
    if not actor.has_perm("planning.moderate_proposal"):
        raise PermissionDenied(NOT_ALLOWED)
    if proposal.status != PStatus.RECEIVED:
        _refuse(proposal, "moderasi", proposal_moves(proposal))
    if approve:
        return _change_status(
            proposal, actor=actor, action="moderate", note=note, status=PStatus.IN_REVIEW, is_moderated=True
        )
    if not note.strip():
        raise ValidationError({"note": "Tuliskan alasan penolakan moderasi."})
    return _change_status(
        proposal, actor=actor, action="moderate_reject", note=note, status=PStatus.REJECTED, decision_note=note
    )


def _require_decider(actor, proposal):
    if not actor.has_perm("planning.decide_proposal", proposal):
        raise PermissionDenied(NOT_ALLOWED)
    if proposal.status != PStatus.IN_REVIEW:
        _refuse(proposal, "putuskan", proposal_moves(proposal))


@transaction.atomic
def advance_proposal_stage(*, actor, proposal, note=""):
    """Carry a proposal up the musrenbang ladder: desa → kecamatan → forum OPD → kabupaten."""
    proposal = _locked_proposal(proposal)
    if not actor.has_perm("planning.moderate_proposal"):
        raise PermissionDenied(NOT_ALLOWED)
    if proposal.status != PStatus.IN_REVIEW or proposal.stage == Proposal.Stage.KABUPATEN:
        _refuse(proposal, "naikkan tahapnya", proposal_moves(proposal))
    next_stage = STAGE_ORDER[STAGE_ORDER.index(proposal.stage) + 1]
    return _change_status(proposal, actor=actor, action="advance_stage", note=note, stage=next_stage)


@transaction.atomic
def accept_proposal(*, actor, proposal, renja_line, note=""):
    """Accept a proposal into a Renja line of the same year."""
    proposal = _locked_proposal(proposal)
    _require_decider(actor, proposal)
    if renja_line.renja.fiscal_year_id != proposal.fiscal_year_id:
        raise ValidationError({"renja_line": "Baris Renja harus dari tahun anggaran usulan."})
    # Bappeda may place a proposal in any OPD's line; the suggested OPD's staff only in their own.
    if not access.is_bappeda(actor) and not access.is_own_opd(actor, renja_line.renja):
        raise ValidationError({"renja_line": "Pilih baris Renja OPD Anda sendiri."})
    return _change_status(
        proposal,
        actor=actor,
        action="accept",
        note=note,
        status=PStatus.ACCEPTED,
        renja_line=renja_line,
        decision_note=note,
    )


@transaction.atomic
def reject_proposal(*, actor, proposal, reason):
    proposal = _locked_proposal(proposal)
    _require_decider(actor, proposal)
    if not reason.strip():
        raise ValidationError({"reason": "Alasan penolakan wajib diisi; pengusul akan membacanya."})
    return _change_status(
        proposal, actor=actor, action="reject", note=reason, status=PStatus.REJECTED, decision_note=reason
    )


@transaction.atomic
def defer_proposal(*, actor, proposal, to_year, note=""):
    proposal = _locked_proposal(proposal)
    _require_decider(actor, proposal)
    if not isinstance(to_year, int) or to_year <= proposal.fiscal_year.year:
        raise ValidationError({"to_year": f"Tahun penundaan harus setelah {proposal.fiscal_year.year}."})
    return _change_status(
        proposal,
        actor=actor,
        action="defer",
        note=note,
        status=PStatus.DEFERRED,
        deferred_to_year=to_year,
        decision_note=note,
    )


# --- RKPD -------------------------------------------------------------------------------------


@transaction.atomic
def consolidate_rkpd(*, actor, fiscal_year):
    """(Re)build the year's RKPD draft from every final Renja; totals are summed in the database."""
    if not actor.has_perm("planning.change_rkpd"):
        raise PermissionDenied(NOT_ALLOWED)
    rkpd, _ = Rkpd.objects.select_for_update().get_or_create(fiscal_year=fiscal_year)
    if rkpd.state == Rkpd.State.FINAL:
        raise TransitionNotAllowed(
            "RKPD sudah final dan tidak dapat dikonsolidasikan ulang.", current={"state": rkpd.state}, allowed=[]
        )
    before = {"renjas": sorted(rkpd.renjas.values_list("pk", flat=True)), "total_pagu": str(rkpd.total_pagu)}
    final_renjas = Renja.objects.filter(fiscal_year=fiscal_year, stage=Stage.FINAL)
    rkpd.renjas.set(final_renjas)
    rkpd.total_pagu = RenjaLine.objects.filter(renja__in=final_renjas).aggregate(total=Sum("pagu_indikatif"))[
        "total"
    ] or Decimal(0)
    rkpd.consolidated_at = timezone.now()
    rkpd.save()
    audit.record(
        actor=actor,
        action="rkpd.consolidate",
        obj=rkpd,
        before=before,
        after={"renjas": sorted(final_renjas.values_list("pk", flat=True)), "total_pagu": rkpd.total_pagu},
    )
    return rkpd


@transaction.atomic
def finalize_rkpd(*, actor, rkpd, regulation=""):
    """Freeze the RKPD once every Renja of the year is final and consolidated."""
    rkpd = Rkpd.objects.select_for_update().get(pk=rkpd.pk)
    if not actor.has_perm("planning.change_rkpd"):
        raise PermissionDenied(NOT_ALLOWED)
    if rkpd.state == Rkpd.State.FINAL:
        raise TransitionNotAllowed("RKPD sudah final.", current={"state": rkpd.state}, allowed=[])
    pending = Renja.objects.filter(fiscal_year_id=rkpd.fiscal_year_id).exclude(stage=Stage.FINAL)
    if pending.exists():
        names = ", ".join(pending.select_related("opd").values_list("opd__name", flat=True)[:10])
        raise ValidationError(f"Masih ada {pending.count()} Renja yang belum final: {names}.")
    final_ids = set(Renja.objects.filter(fiscal_year_id=rkpd.fiscal_year_id).values_list("pk", flat=True))
    if set(rkpd.renjas.values_list("pk", flat=True)) != final_ids:
        raise ValidationError("Konsolidasikan ulang RKPD: daftar Renja final telah berubah.")
    rkpd.state, rkpd.finalized_at, rkpd.regulation = Rkpd.State.FINAL, timezone.now(), regulation
    rkpd.save()
    audit.record(
        actor=actor,
        action="rkpd.finalize",
        obj=rkpd,
        before={"state": Rkpd.State.DRAFT},
        after={"state": rkpd.state, "regulation": regulation, "total_pagu": rkpd.total_pagu},
    )
    return rkpd


# --- Excel import of Renja lines ---------------------------------------------------------------


def import_renja_lines(*, actor, renja, source, filename=None):
    """Add a Renja's lines from an Excel/CSV table, updating those whose sub-kegiatan is already planned.

    All rows or none: every row goes through add_renja_line/update_renja_line inside one transaction,
    so a file is held to exactly the rules of a single entry; a bad row rolls the whole file back and
    InvalidFile lists every bad row with its line number. Returns counts of created and updated lines.
    """
    from masterdata.importers import InvalidFile, RowError

    from . import excel

    with transaction.atomic():
        # Locked for the whole file, so no move or other import interleaves with it.
        renja = Renja.objects.select_for_update().select_related("opd", "fiscal_year").get(pk=renja.pk)
        try:
            _require_editable(actor, renja)
        except TransitionNotAllowed as exc:
            raise InvalidFile([RowError(0, str(exc))]) from exc
        rows = excel.read_renja_lines(renja, source, filename=filename)
        existing = {line.sub_kegiatan_id: line for line in renja.lines.all()}
        counts = {"created": 0, "updated": 0}
        for row in rows:
            # A row whose code was refused while reading still goes through the service (which then
            # refuses it too) so that the rest of the row is judged and reported as well.
            with row.collect(excel.RENJA_IMPORT_COLUMNS):
                line = existing.get(getattr(row.values["sub_kegiatan"], "pk", None))
                if line is None:
                    add_renja_line(actor=actor, renja=renja, **row.values)
                    counts["created"] += 1
                else:
                    update_renja_line(actor=actor, line=line, expected_version=line.version, **row.values)
                    counts["updated"] += 1
        raise_for_errors(rows)
        audit.record(
            actor=actor,
            action="renja.import_lines",
            obj=renja,
            opd=renja.opd,
            after={"file": str(filename or getattr(source, "name", "")), **counts},
        )
    return counts
