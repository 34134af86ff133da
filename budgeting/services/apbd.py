"""APBD versions: the murni version opened from a locked KUA-PPAS, its lifecycle up to publication, and
the amendments (pergeseran, perubahan) that copy an adopted version into the next one.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from masterdata import access, audit
from masterdata.models import FiscalYear, Opd
from masterdata.money import ZERO, rupiah
from planning.models import Renja, RenjaLine

from ..ceiling_rules import ShiftGap
from ..models import (
    ApbdTotal,
    ApbdVersion,
    Ceiling,
    KuaAccountLine,
    KuaPpas,
    Rka,
    RkaComment,
    RkaLine,
    RkaSubKegiatan,
    Transition,
)
from ..selectors import apbd as apbd_selectors
from ..selectors import ceilings as ceiling_selectors
from ..selectors import diff as diff_selectors
from .lifecycle import BudgetLifecycle
from .rka import PPKD_OPD_CODE

VState = ApbdVersion.State

Kind = ApbdVersion.Kind

FINAL_STATES = (VState.ADOPTED, VState.PUBLISHED)


# murni and perubahan go through DPRD and the Gubernur; a pergeseran is approved by the finance officer.
FULL_MOVES = {
    ("submit", VState.DRAFT): VState.SUBMITTED,
    ("agree", VState.SUBMITTED): VState.AGREED,
    ("evaluate", VState.AGREED): VState.EVALUATED,
    # Penyempurnaan: TAPD reopens the RKAs the evaluation corrects; adoption waits until they are approved again.
    ("refine", VState.EVALUATED): VState.REFINING,
    ("adopt", VState.EVALUATED): VState.ADOPTED,
    ("adopt", VState.REFINING): VState.ADOPTED,
    ("publish", VState.ADOPTED): VState.PUBLISHED,
}

SHIFT_MOVES = {
    ("approve", VState.DRAFT): VState.APPROVED,
    ("adopt", VState.APPROVED): VState.ADOPTED,
    ("publish", VState.ADOPTED): VState.PUBLISHED,
}

ACTION_LABELS = {
    "submit": "ajukan ke DPRD",
    "agree": "catat persetujuan DPRD",
    "evaluate": "catat evaluasi Gubernur",
    "refine": "buka penyempurnaan",
    "adopt": "tetapkan",
    "publish": "terbitkan",
    "approve": "setujui pergeseran",
}


# The details each move records; all of them are required.
ACTION_DETAILS = {
    "agree": ("dprd_agreement_date",),
    "evaluate": ("evaluation_number", "evaluation_date", "evaluation_corrections"),
    "adopt": ("perda_number", "perda_date", "perbup_number", "perbup_date"),
}

SHIFT_ADOPT_DETAILS = ("perbup_number", "perbup_date")  # a pergeseran changes the Perbup penjabaran only

DETAIL_LABELS = {
    "dprd_agreement_date": "Tanggal persetujuan bersama DPRD",
    "evaluation_number": "Nomor keputusan evaluasi Gubernur",
    "evaluation_date": "Tanggal evaluasi",
    "evaluation_corrections": "Koreksi hasil evaluasi",
    "perda_number": "Nomor Perda APBD",
    "perda_date": "Tanggal Perda",
    "perbup_number": "Nomor Perbup penjabaran",
    "perbup_date": "Tanggal Perbup",
}


# Each date follows the one before it.
DATE_ORDER = [
    ("evaluation_date", "dprd_agreement_date"),
    ("perda_date", "evaluation_date"),
    ("perbup_date", "perda_date"),
]


def _snapshot(version):
    return audit.snapshot(version, exclude=["created_at", "updated_at"])


def _lock_year(fiscal_year):
    """Versions of a year are numbered and opened one at a time."""
    FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)


def _next_number(fiscal_year):
    return (ApbdVersion.objects.filter(fiscal_year=fiscal_year).aggregate(n=Max("number"))["n"] or 0) + 1


def _sub_kegiatan_from_renja(opd_ids, fiscal_year, rka_by_opd):
    """The sub-kegiatan of each OPD's final Renja, with its location and output, linked to the Renja line."""
    lines = RenjaLine.objects.filter(
        renja__fiscal_year=fiscal_year, renja__stage=Renja.Stage.FINAL, renja__opd_id__in=opd_ids
    ).values("pk", "renja__opd_id", "sub_kegiatan_id", "location", "output_indicator", "output_target", "output_unit")
    RkaSubKegiatan.objects.bulk_create(
        (
            RkaSubKegiatan(
                rka_id=rka_by_opd[line["renja__opd_id"]],
                sub_kegiatan_id=line["sub_kegiatan_id"],
                renja_line_id=line["pk"],
                location=line["location"],
                output_indicator=line["output_indicator"],
                output_target=line["output_target"],
                output_unit=line["output_unit"],
            )
            for line in lines.iterator()
        ),
        batch_size=1000,
    )


@transaction.atomic
def create_murni_version(*, actor, kua):
    """Open the year's RAPBD from its locked KUA-PPAS: an RKA for every OPD with a ceiling (and for BPKAD
    as PPKD, which budgets transfers and pembiayaan), filled with the sub-kegiatan of its final Renja.
    Revenue-collecting OPDs add their akun 4 lines to the same RKA."""
    access.require(actor, "budgeting.change_apbd")
    _lock_year(kua.fiscal_year)
    kua = KuaPpas.objects.select_related("fiscal_year").get(pk=kua.pk)
    if kua.kind != KuaPpas.Kind.MURNI or kua.state != KuaPpas.State.LOCKED:
        raise ValidationError({"kua": "RAPBD disusun dari KUA-PPAS murni yang plafonnya sudah dikunci."})
    if ApbdVersion.objects.filter(fiscal_year=kua.fiscal_year).exists():
        raise ValidationError(f"APBD {kua.fiscal_year.year} sudah dibuat; perubahan melalui versi berikutnya.")
    version = ApbdVersion.objects.create(fiscal_year=kua.fiscal_year, number=1, kind=Kind.MURNI, kua_ppas=kua)
    opd_ids = set(Ceiling.objects.opd_level().filter(kua_ppas=kua).values_list("opd_id", flat=True))
    opd_ids |= set(Opd.objects.filter(code=PPKD_OPD_CODE, is_active=True).values_list("pk", flat=True))
    Rka.objects.bulk_create(Rka(version=version, opd_id=opd_id) for opd_id in sorted(opd_ids))
    rka_by_opd = dict(Rka.objects.filter(version=version).values_list("opd_id", "pk"))
    _sub_kegiatan_from_renja(opd_ids, kua.fiscal_year, rka_by_opd)
    audit.record(
        actor=actor,
        action="apbd_version.create",
        obj=version,
        after=_snapshot(version)
        | {"rkas": len(rka_by_opd), "sub_kegiatan": RkaSubKegiatan.objects.filter(rka__version=version).count()},
    )
    return version


class ApbdLifecycle(BudgetLifecycle):
    """murni and perubahan: DPRD, the Gubernur's evaluation, the Perda; a pergeseran: the finance officer's
    approval and the Perbup."""

    name = "apbd_version"
    labels = ACTION_LABELS
    permission = "budgeting.change_apbd"
    permissions = {**dict.fromkeys(ACTION_LABELS, "budgeting.change_apbd"), "approve": "budgeting.approve_shift"}

    def moves_of(self, document):
        return SHIFT_MOVES if document.kind == Kind.PERGESERAN else FULL_MOVES

    def lock(self, document):
        return (
            ApbdVersion.objects.select_for_update(of=("self",))
            .select_related("fiscal_year", "base")
            .get(pk=document.pk)
        )

    def snapshot(self, document):
        return _snapshot(document)


APBD_LIFECYCLE = ApbdLifecycle()


def apbd_moves(version):
    return APBD_LIFECYCLE.allowed(version)


def _balance_problem(version):
    result = apbd_selectors.balance(version)
    if result.is_balanced:
        return None
    side = "lebih" if result.gap > 0 else "kurang"
    return (
        f"APBD belum seimbang: surplus/defisit {rupiah(result.surplus)} ditambah pembiayaan netto "
        f"{rupiah(result.pembiayaan_netto)} = {rupiah(result.gap)}; pembiayaan {side} {rupiah(abs(result.gap))} "
        "dari yang dibutuhkan (harus tepat Rp 0)."
    )


def _unapproved_problem(rkas):
    pending = rkas.exclude(state=Rka.State.APPROVED)
    count = pending.count()
    if not count:
        return None
    names = list(pending.order_by("opd__code").values_list("opd__name", flat=True)[:10])
    more = f" dan {count - len(names)} lainnya" if count > len(names) else ""
    return f"{count} RKA belum disetujui TAPD: {', '.join(names)}{more}."


def _submission_problems(version):
    """Every RKA approved, every ceiling held, and the year balanced to the sen."""
    rkas = Rka.objects.filter(version=version)
    if not rkas.exists():
        return ["Versi ini belum memiliki RKA."]
    problems = [_unapproved_problem(rkas), *ceiling_selectors.ceiling_breaches(version), _balance_problem(version)]
    return [problem for problem in problems if problem]


def shifted_opd_ids(version):
    """OPDs whose lines differ from the base version (added, removed or changed)."""
    diff = diff_selectors.diff_lines(version.base, version)
    return {
        opd_id
        for lines in (diff.added, diff.removed, diff.changed)
        for opd_id in lines.values_list("rka__opd_id", flat=True)
    }


def _shift_problems(version, shifted):
    """A pergeseran moves money inside each OPD: its belanja stays exactly the base version's, the RKAs that
    shifted anything are approved by TAPD, and the year still balances."""
    problems = []
    base_totals = apbd_selectors.belanja_by_opd(version.base)
    names = dict(Opd.objects.filter(rkas__version=version).values_list("pk", "name"))
    for opd_id, amount in sorted(apbd_selectors.belanja_by_opd(version).items(), key=lambda item: names[item[0]]):
        problems.append(ShiftGap(amount, base_totals.get(opd_id, ZERO)).problem(names[opd_id]))
    problems.append(_unapproved_problem(Rka.objects.filter(version=version, opd_id__in=shifted)))
    problems.append(_balance_problem(version))
    return [problem for problem in problems if problem]


def _reopen_for_corrections(version, opds, actor, note):
    """Return the RKAs of the OPDs the Gubernur's evaluation corrects to their staff, each with the
    evaluation's corrections as a note they read on their RKA; the codes of those OPDs."""
    opd_ids = {getattr(opd, "pk", opd) for opd in opds}
    if not opd_ids:
        raise ValidationError({"opds": "Pilih OPD yang RKA-nya perlu disempurnakan sesuai hasil evaluasi."})
    rkas = list(Rka.objects.select_for_update().filter(version=version, opd_id__in=opd_ids).select_related("opd"))
    if len(rkas) != len(opd_ids):
        raise ValidationError({"opds": "Pilih OPD yang memiliki RKA pada versi ini."})
    text = "\n".join(
        part
        for part in (
            f"Penyempurnaan hasil evaluasi Gubernur ({version.evaluation_number}): {version.evaluation_corrections}",
            note.strip(),
        )
        if part
    )
    Rka.objects.filter(pk__in=[rka.pk for rka in rkas]).update(state=Rka.State.RETURNED, updated_at=timezone.now())
    Transition.objects.bulk_create(
        Transition(
            document_type=Rka._meta.model_name,
            document_id=rka.pk,
            action="reopen",
            from_state=rka.state,
            to_state=Rka.State.RETURNED,
            actor=actor,
            note=text,
        )
        for rka in rkas
    )
    RkaComment.objects.bulk_create(RkaComment(rka=rka, author=actor, text=text) for rka in rkas)
    return sorted(rka.opd.code for rka in rkas)


def _approve_unshifted(version, shifted, actor):
    """RKAs with nothing shifted need no TAPD review; approving them also ends their editability on the RKA
    row itself, which a concurrent line save re-reads after waiting for the row lock."""
    untouched = Rka.objects.filter(version=version).exclude(state=Rka.State.APPROVED).exclude(opd_id__in=shifted)
    moves = list(untouched.values_list("pk", "state"))
    untouched.update(state=Rka.State.APPROVED, updated_at=timezone.now())
    Transition.objects.bulk_create(
        Transition(
            document_type=Rka._meta.model_name,
            document_id=pk,
            action="approve",
            from_state=state,
            to_state=Rka.State.APPROVED,
            actor=actor,
            note="Tidak ada pergeseran pada RKA ini.",
        )
        for pk, state in moves
    )


def move_details(version, action):
    """The names of the details `action` records on `version` (all required)."""
    if version.kind == Kind.PERGESERAN and action == "adopt":
        return SHIFT_ADOPT_DETAILS
    return ACTION_DETAILS.get(action, ())


def _clean_details(version, action, details):
    required = move_details(version, action)
    unknown = set(details) - set(required)
    if unknown:
        raise TypeError(f"unknown details for {action}: {sorted(unknown)}")
    errors = {}
    for name in required:
        value = details.get(name)
        if isinstance(value, str):
            value = value.strip()
        if not value:
            errors[name] = f"{DETAIL_LABELS[name]} wajib diisi."
        elif name.endswith("_date") and not isinstance(value, datetime.date):
            errors[name] = f"{DETAIL_LABELS[name]} harus berupa tanggal."
        setattr(version, name, value)
    if errors:
        raise ValidationError(errors)
    for later, earlier in DATE_ORDER:
        first, then = getattr(version, earlier), getattr(version, later)
        if later in required and first and then < first:
            errors[later] = f"{DETAIL_LABELS[later]} tidak boleh sebelum {DETAIL_LABELS[earlier].lower()}."
    if errors:
        raise ValidationError(errors)


def _store_totals(version):
    """Compute every rollup once and store it: public pages read these rows, never the lines."""
    rows = apbd_selectors.rollup_rows(version)
    ApbdTotal.objects.bulk_create(
        ApbdTotal(
            version=version, dimension=dimension, code=row.code, name=row.name[:500], level=row.level, amount=row.amount
        )
        for dimension, dimension_rows in rows.items()
        for row in dimension_rows
    )
    return sum(len(dimension_rows) for dimension_rows in rows.values())


@transaction.atomic
def transition_apbd(*, actor, version, action, note="", opds=(), **details):
    """Move a version one step: the checks, the recorded details, the Transition and the audit event.

    Submission (a pergeseran's approval, the adoption after penyempurnaan) locks every RKA of the version, so
    no RKA changes state while the version leaves the states in which RKAs move. `opds` are those whose RKAs
    a penyempurnaan (`refine`) reopens.
    """
    with APBD_LIFECYCLE.move(actor=actor, document=version, action=action, note=note) as step:
        version = step.document
        if opds and action != "refine":
            raise ValidationError({"opds": f"Tidak dipakai oleh tindakan '{ACTION_LABELS[action]}'."})
        _clean_details(version, action, details)
        closes_rkas = action in ("submit", "approve") or step.from_state["state"] == VState.REFINING
        if closes_rkas:
            list(Rka.objects.select_for_update().filter(version=version).values_list("pk", flat=True))
            if action == "approve":
                shifted = shifted_opd_ids(version)
                problems = _shift_problems(version, shifted)
            else:
                problems = _submission_problems(version)
            if problems:
                raise ValidationError(problems)
            if action == "approve":
                _approve_unshifted(version, shifted, actor)
        if action == "refine":
            step.audit["reopened"] = _reopen_for_corrections(version, opds, actor, note)
        if action == "publish":
            version.published_at = timezone.now()
            step.audit["stored_totals"] = _store_totals(version)
        if action in ("agree", "adopt"):
            step.note = "\n".join([note.strip(), *apbd_selectors.apbd_warnings(version)]).strip()
    return version


def _latest_adopted(fiscal_year):
    return (
        ApbdVersion.objects.filter(fiscal_year=fiscal_year, state__in=FINAL_STATES)
        .select_related("kua_ppas")
        .order_by("-number")
        .first()
    )


def _amendment_base(fiscal_year):
    """The latest adopted version, provided no other version of the year is still being worked on."""
    open_version = ApbdVersion.objects.filter(fiscal_year=fiscal_year).exclude(state__in=FINAL_STATES).first()
    if open_version is not None:
        raise ValidationError(
            f"{open_version} masih berstatus {open_version.get_state_display().lower()}; "
            "selesaikan versi itu lebih dulu."
        )
    base = _latest_adopted(fiscal_year)
    if base is None:
        raise ValidationError(f"Belum ada APBD {fiscal_year.year} yang ditetapkan untuk diubah.")
    return base


def _insert_select(model, overrides, source_sql, params):
    """INSERT INTO <model> (every column) SELECT ... FROM <source>: one statement for any number of rows.

    Columns not in `overrides` are copied from the source row aliased `src`; `overrides` maps a column to
    (SQL expression, parameters).
    """
    quote = connection.ops.quote_name
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    expressions, values = [], []
    for column in columns:
        sql, column_params = overrides.get(column, (f"src.{quote(column)}", []))
        expressions.append(sql)
        values.extend(column_params)
    statement = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"SELECT {', '.join(expressions)} {source_sql}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*values, *params])
        return cursor.rowcount


def _copy_version(base, version, actor):
    """Copy every RKA (as draft), sub-kegiatan and line of `base` into `version`, each line remembering the
    line it was copied from; three INSERT ... SELECT statements, whatever the number of lines."""
    quote = connection.ops.quote_name
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rka, sub, line = (quote(model._meta.db_table) for model in (Rka, RkaSubKegiatan, RkaLine))
    rkas = _insert_select(
        Rka,
        {"version_id": ("%s", [version.pk]), "state": ("%s", [Rka.State.DRAFT.value]), "updated_at": ("%s", [now])},
        f"FROM {rka} src WHERE src.version_id = %s",
        [base.pk],
    )
    same_opd = f"JOIN {rka} r ON r.id = src.rka_id JOIN {rka} nr ON nr.opd_id = r.opd_id AND nr.version_id = %s"
    _insert_select(
        RkaSubKegiatan,
        {"rka_id": ("nr.id", [])},
        f"FROM {sub} src {same_opd} WHERE r.version_id = %s",
        [version.pk, base.pk],
    )
    lines = _insert_select(
        RkaLine,
        {
            "rka_id": ("nr.id", []),
            "sub_kegiatan_id": ("ns.id", []),
            "copied_from_id": ("src.id", []),
            "version": ("1", []),
            "updated_by_id": ("%s", [actor.pk]),
            "updated_at": ("%s", [now]),
        },
        f"FROM {line} src {same_opd} "
        f"LEFT JOIN {sub} s ON s.id = src.sub_kegiatan_id "
        f"LEFT JOIN {sub} ns ON ns.rka_id = nr.id AND ns.sub_kegiatan_id = s.sub_kegiatan_id "
        "WHERE r.version_id = %s",
        [version.pk, base.pk],
    )
    return {"rkas": rkas, "lines": lines}


@transaction.atomic
def create_shift_version(*, actor, fiscal_year, note=""):
    """Open pergeseran n+1 as a copy of the latest adopted version.

    Why a KUA-PPAS copy: the rule of a pergeseran is that each OPD's belanja stays the base version's.
    Giving the version its own locked ceilings (kind "pergeseran") equal to the base's belanja per OPD lets
    every line save go through the same code path as in the murni version: budgeting.services locks the
    OPD's ceiling row and sums the lines, so no interleaving of concurrent saves can take an OPD above its
    base total. Approval then requires each OPD's total to be back at exactly that amount (a shift first
    lowers one line, then raises another). Program and sub-kegiatan ceilings are not carried over: shifting
    between the OPD's own sub-kegiatan is what a pergeseran is for.
    """
    access.require(actor, "budgeting.change_apbd")
    _lock_year(fiscal_year)
    base = _amendment_base(fiscal_year)
    shift_number = (ApbdVersion.objects.filter(fiscal_year=fiscal_year).aggregate(n=Max("shift_number"))["n"] or 0) + 1
    base_kua = base.kua_ppas
    kua = KuaPpas.objects.create(
        fiscal_year=fiscal_year,
        number=(KuaPpas.objects.filter(fiscal_year=fiscal_year).aggregate(n=Max("number"))["n"] or 0) + 1,
        kind=KuaPpas.Kind.PERGESERAN,
        state=KuaPpas.State.LOCKED,
        previous=base_kua,
        rkpd=base_kua.rkpd,
        policy_notes=f"Plafon pergeseran ke-{shift_number}: total belanja per OPD dari {base}.",
        agreement_number=base_kua.agreement_number,
        agreement_date=base_kua.agreement_date,
    )
    KuaAccountLine.objects.bulk_create(
        KuaAccountLine(kua_ppas=kua, account_id=item.account_id, amount=item.amount, note=item.note)
        for item in base_kua.account_lines.all()
    )
    Ceiling.objects.bulk_create(
        Ceiling(kua_ppas=kua, opd_id=opd_id, amount=amount)
        for opd_id, amount in apbd_selectors.belanja_by_opd(base).items()
    )
    version = ApbdVersion.objects.create(
        fiscal_year=fiscal_year,
        number=_next_number(fiscal_year),
        kind=Kind.PERGESERAN,
        shift_number=shift_number,
        base=base,
        kua_ppas=kua,
    )
    copied = _copy_version(base, version, actor)
    audit.record(
        actor=actor,
        action="apbd_version.create",
        obj=version,
        after=_snapshot(version) | copied | {"note": note},
    )
    return version


@transaction.atomic
def create_perubahan_version(*, actor, kua):
    """Open the APBD-Perubahan from a locked KUPA-PPAS-P, as a copy of the latest adopted version.

    The copied lines are checked against the new ceilings when the version is submitted; lowering a line
    is always allowed, so an OPD whose ceiling was cut can come back under it.
    """
    access.require(actor, "budgeting.change_apbd")
    _lock_year(kua.fiscal_year)
    kua = KuaPpas.objects.select_related("fiscal_year").get(pk=kua.pk)
    if kua.kind != KuaPpas.Kind.PERUBAHAN or kua.state != KuaPpas.State.LOCKED:
        raise ValidationError({"kua": "APBD Perubahan disusun dari KUPA-PPAS Perubahan yang plafonnya dikunci."})
    if ApbdVersion.objects.filter(kua_ppas=kua).exists():
        raise ValidationError({"kua": f"{kua} sudah dipakai oleh versi APBD lain."})
    if ApbdVersion.objects.filter(fiscal_year=kua.fiscal_year, kind=Kind.PERUBAHAN).exists():
        # PP 12/2019 pasal 161: the APBD is amended once a year; later shifts are pergeseran.
        raise ValidationError(f"APBD {kua.fiscal_year.year} sudah memiliki APBD Perubahan.")
    base = _amendment_base(kua.fiscal_year)
    version = ApbdVersion.objects.create(
        fiscal_year=kua.fiscal_year, number=_next_number(kua.fiscal_year), kind=Kind.PERUBAHAN, base=base, kua_ppas=kua
    )
    copied = _copy_version(base, version, actor)
    # OPDs that receive a ceiling only now get an empty RKA.
    new_opds = (
        Ceiling.objects.opd_level()
        .filter(kua_ppas=kua)
        .exclude(opd__rkas__version=version)
        .values_list("opd_id", flat=True)
    )
    Rka.objects.bulk_create(Rka(version=version, opd_id=opd_id) for opd_id in new_opds)
    audit.record(actor=actor, action="apbd_version.create", obj=version, after=_snapshot(version) | copied)
    return version


def open_version(*, actor, kua):
    """Open the version a locked KUA-PPAS is for: the RAPBD murni, or the APBD-Perubahan from a KUPA-PPAS-P."""
    if kua.kind == KuaPpas.Kind.PERUBAHAN:
        return create_perubahan_version(actor=actor, kua=kua)
    return create_murni_version(actor=actor, kua=kua)
