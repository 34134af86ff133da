"""KUA-PPAS: versions, the policy lines (pendapatan, belanja, pembiayaan), ceilings (plafon) and the lifecycle.

A version is edited only while draft. Once agreed with DPRD (nota kesepakatan) a change is a new version that
starts as a copy of the last agreed one; earlier versions are never touched again.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from masterdata import access, audit
from masterdata.errors import TransitionNotAllowed, refuse_move
from masterdata.models import Account, FiscalYear, Nomenclature
from planning.models import RenjaLine, Rkpd
from planning.services import allowed_sub_kegiatan

from .models import ApbdVersion, Ceiling, KuaAccountLine, KuaPpas
from .selectors import money_sum, total_of
from .services import CENT, check_money, record_transition, rupiah

State = KuaPpas.State
Level = Account.Level

# Which account levels each akun may be planned at in the KUA-PPAS.
POLICY_LEVELS = {
    "4": (Level.KELOMPOK, Level.JENIS, Level.OBJEK),  # revenue projection down to objek
    "5": (Level.KELOMPOK, Level.JENIS),  # spending policy by kelompok and jenis
    "6": (Level.KELOMPOK, Level.JENIS, Level.OBJEK),  # pembiayaan
}
LEVEL_LABELS = {Level.KELOMPOK: "kelompok", Level.JENIS: "jenis", Level.OBJEK: "objek"}

KUA_MOVES = {
    ("submit", State.DRAFT): State.SUBMITTED,
    # Banggar's deliberation may change ceilings before the nota kesepakatan is signed.
    ("revise", State.SUBMITTED): State.DRAFT,
    ("agree", State.SUBMITTED): State.AGREED,
    ("lock", State.AGREED): State.LOCKED,
}
KUA_ACTION_LABELS = {
    "submit": "ajukan ke DPRD",
    "revise": "kembalikan ke draf",
    "agree": "catat nota kesepakatan",
    "lock": "kunci plafon",
}


def _snapshot(kua):
    return audit.snapshot(kua, fields=["number", "kind", "state", "agreement_number", "agreement_date", "previous"])


def _locked(kua):
    return KuaPpas.objects.select_for_update(of=("self",)).select_related("fiscal_year").get(pk=kua.pk)


def _require_draft(kua):
    if kua.state != State.DRAFT:
        raise TransitionNotAllowed(
            f"{kua} berstatus {kua.get_state_display().lower()}; isinya hanya dapat diubah saat draf. "
            "Perubahan setelah kesepakatan dibuat sebagai versi baru.",
            current={"state": kua.state},
            allowed=kua_moves(kua),
        )


# --- Versions ---------------------------------------------------------------------------------


@transaction.atomic
def create_kua_ppas(*, actor, fiscal_year, kind=KuaPpas.Kind.MURNI, policy_notes=""):
    """Start the next KUA-PPAS version of the year.

    The first version takes its OPD ceilings from the final RKPD's pagu indikatif; a later one copies the
    policy lines and ceilings of the previous version, which must be agreed or locked.
    """
    access.require(actor, "budgeting.change_kua_ppas")
    if kind not in (KuaPpas.Kind.MURNI, KuaPpas.Kind.PERUBAHAN):
        raise ValidationError({"kind": "Jenis KUA-PPAS harus murni atau perubahan."})
    FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)  # one new version at a time per year
    previous = KuaPpas.objects.filter(fiscal_year=fiscal_year).order_by("-number").first()
    adopted = ApbdVersion.objects.filter(
        fiscal_year=fiscal_year, state__in=[ApbdVersion.State.ADOPTED, ApbdVersion.State.PUBLISHED]
    ).exists()
    if previous is not None and previous.state in (State.DRAFT, State.SUBMITTED):
        raise ValidationError(
            f"{previous} masih berstatus {previous.get_state_display().lower()}; "
            "selesaikan versi itu sebelum membuat versi baru."
        )
    if kind == KuaPpas.Kind.PERUBAHAN and not adopted:
        raise ValidationError({"kind": "KUPA-PPAS Perubahan baru dapat disusun setelah APBD murni ditetapkan."})
    if kind == KuaPpas.Kind.MURNI and adopted:
        raise ValidationError(
            {"kind": "APBD tahun ini sudah ditetapkan; perubahan plafon melalui KUPA-PPAS Perubahan."}
        )

    rkpd = None
    if previous is None:
        rkpd = Rkpd.objects.filter(fiscal_year=fiscal_year, state=Rkpd.State.FINAL).first()
        if rkpd is None:
            raise ValidationError(f"RKPD {fiscal_year.year} belum final; plafon awal diambil dari pagu indikatifnya.")
    kua = KuaPpas.objects.create(
        fiscal_year=fiscal_year,
        number=(previous.number + 1) if previous else 1,
        kind=kind,
        previous=previous,
        rkpd=rkpd or previous.rkpd,
        policy_notes=policy_notes,
    )
    if previous is None:
        pagu = (
            RenjaLine.objects.filter(renja__in=rkpd.renjas.all())
            .values("renja__opd_id")
            .annotate(total=money_sum("pagu_indikatif"))
            .order_by()
        )
        Ceiling.objects.bulk_create(
            Ceiling(kua_ppas=kua, opd_id=row["renja__opd_id"], amount=row["total"]) for row in pagu
        )
    else:
        KuaAccountLine.objects.bulk_create(
            KuaAccountLine(kua_ppas=kua, account_id=line.account_id, amount=line.amount, note=line.note)
            for line in previous.account_lines.all()
        )
        Ceiling.objects.bulk_create(
            Ceiling(
                kua_ppas=kua,
                opd_id=c.opd_id,
                program_id=c.program_id,
                sub_kegiatan_id=c.sub_kegiatan_id,
                amount=c.amount,
            )
            for c in previous.ceilings.all()
        )
    after = _snapshot(kua) | {
        "ceilings": kua.ceilings.count(),
        "ceiling_total": total_of(kua.ceilings.filter(program__isnull=True, sub_kegiatan__isnull=True)),
    }
    audit.record(actor=actor, action="kua_ppas.create", obj=kua, after=after)
    return kua


# --- Policy lines -----------------------------------------------------------------------------


def _clean_policy_account(kua, account):
    version_id = kua.fiscal_year.reference_version_id
    if not isinstance(account, Account) or account.version_id != version_id:
        raise ValidationError({"account": "Pilih kode rekening dari versi referensi tahun anggaran ini."})
    allowed = POLICY_LEVELS.get(account.code[0], ())
    if account.level not in allowed:
        levels = ", ".join(LEVEL_LABELS[level] for level in allowed)
        raise ValidationError(
            {"account": f"Kode rekening akun {account.code[0]} pada KUA-PPAS diisi pada tingkat {levels}."}
        )
    if not account.is_active:
        raise ValidationError({"account": f"Kode rekening {account.code} tidak aktif lagi."})
    # A line and its ancestor or descendant would be counted twice in the totals.
    parts = account.code.split(".")
    ancestors = [".".join(parts[:i]) for i in range(1, len(parts))]
    overlap = (
        KuaAccountLine.objects.filter(kua_ppas=kua)
        .exclude(account=account)
        .filter(Q(account__code__in=ancestors) | Q(account__code__startswith=account.code + "."))
        .values_list("account__code", flat=True)
        .first()
    )
    if overlap:
        raise ValidationError(
            {"account": f"{account.code} bertumpuk dengan {overlap} yang sudah ada; isi salah satu tingkat saja."}
        )


@transaction.atomic
def set_kua_account_line(*, actor, kua, account, amount, note=""):
    """Set (create or change) the amount of one revenue, spending-policy or pembiayaan account."""
    access.require(actor, "budgeting.change_kua_ppas")
    kua = _locked(kua)
    _require_draft(kua)
    errors = {}
    check_money(amount, "amount", errors)
    if errors:
        raise ValidationError(errors)
    _clean_policy_account(kua, account)
    line = KuaAccountLine.objects.filter(kua_ppas=kua, account=account).first()
    before = audit.snapshot(line) if line else None
    if line is None:
        line = KuaAccountLine.objects.create(kua_ppas=kua, account=account, amount=amount, note=note)
    else:
        line.amount, line.note = amount, note
        line.save(update_fields=["amount", "note"])
    audit.record(
        actor=actor,
        action="kua_account_line.set",
        obj=line,
        object_repr=f"{kua} {account.code}",
        before=before,
        after=audit.snapshot(line),
    )
    return line


@transaction.atomic
def delete_kua_account_line(*, actor, line):
    access.require(actor, "budgeting.change_kua_ppas")
    kua = _locked(line.kua_ppas)
    _require_draft(kua)
    line = KuaAccountLine.objects.get(pk=line.pk)
    audit.record(actor=actor, action="kua_account_line.delete", obj=line, before=audit.snapshot(line))
    line.delete()


def kua_policy_totals(kua):
    """Planned pendapatan, belanja and pembiayaan of a version, summed in the database in one statement."""
    prefixes = {
        "pendapatan": "4",
        "belanja": "5",
        "penerimaan_pembiayaan": "6.1",
        "pengeluaran_pembiayaan": "6.2",
    }
    sums = {key: money_sum(filter=Q(account__code__startswith=prefix)) for key, prefix in prefixes.items()}
    totals = KuaAccountLine.objects.filter(kua_ppas=kua).aggregate(**sums)
    return {key: amount.quantize(CENT) for key, amount in totals.items()}


# --- Ceilings ---------------------------------------------------------------------------------


def _clean_target(kua, opd, program, sub_kegiatan):
    """The program or sub-kegiatan must be in the OPD's own nomenclature (its bidang and X.XX)."""
    if program is not None and sub_kegiatan is not None:
        raise ValidationError("Plafon ditetapkan untuk OPD, satu program, atau satu sub-kegiatan; bukan keduanya.")
    version_id = kua.fiscal_year.reference_version_id
    allowed = allowed_sub_kegiatan(opd, kua.fiscal_year)
    if program is not None:
        if program.version_id != version_id or program.level != Nomenclature.Level.PROGRAM:
            raise ValidationError({"program": "Pilih program dari nomenklatur tahun anggaran ini."})
        if not allowed.filter(code__startswith=program.code + ".").exists():
            raise ValidationError({"program": f"Program {program.code} bukan kewenangan {opd.name}."})
    if sub_kegiatan is not None:
        if sub_kegiatan.version_id != version_id or sub_kegiatan.level != Nomenclature.Level.SUB_KEGIATAN:
            raise ValidationError({"sub_kegiatan": "Pilih sub-kegiatan dari nomenklatur tahun anggaran ini."})
        if not allowed.filter(pk=sub_kegiatan.pk).exists():
            raise ValidationError({"sub_kegiatan": f"Sub-kegiatan {sub_kegiatan.code} bukan kewenangan {opd.name}."})


def _check_fit(kua, opd, program, sub_kegiatan, amount, exclude_pk):
    """Narrower ceilings fit inside wider ones: the sums, not just each one."""
    ceilings = Ceiling.objects.filter(kua_ppas=kua, opd=opd).exclude(pk=exclude_pk)
    programs = ceilings.filter(program__isnull=False)
    subs = ceilings.filter(sub_kegiatan__isnull=False)
    opd_ceiling = ceilings.filter(program__isnull=True, sub_kegiatan__isnull=True).first()
    if program is None and sub_kegiatan is None:
        for label, narrower in (("program", programs), ("sub-kegiatan", subs)):
            inside = total_of(narrower)
            if amount < inside:
                raise ValidationError(
                    {"amount": f"Plafon OPD tidak boleh di bawah jumlah plafon {label}-nya ({rupiah(inside)})."}
                )
        return
    if opd_ceiling is None:
        raise ValidationError({"opd": f"Tetapkan dulu plafon {opd.name} sebelum plafon program atau sub-kegiatan."})
    if program is not None:
        siblings, label = programs, "program"
        inside = total_of(subs.filter(sub_kegiatan__parent__parent=program))
        if amount < inside:
            raise ValidationError(
                {"amount": f"Plafon program tidak boleh di bawah jumlah plafon sub-kegiatannya ({rupiah(inside)})."}
            )
    else:
        siblings, label = subs, "sub-kegiatan"
        program_ceiling = programs.filter(program_id=sub_kegiatan.parent.parent_id).first()
        if program_ceiling is not None:
            used = total_of(subs.filter(sub_kegiatan__parent__parent_id=sub_kegiatan.parent.parent_id))
            if used + amount > program_ceiling.amount:
                raise ValidationError(
                    {
                        "amount": f"Melebihi plafon program {program_ceiling.program.code}: "
                        f"sisa {rupiah(program_ceiling.amount - used)}."
                    }
                )
    used = total_of(siblings)
    if used + amount > opd_ceiling.amount:
        raise ValidationError(
            {
                "amount": f"Jumlah plafon {label} melebihi plafon {opd.name}: "
                f"sisa {rupiah(opd_ceiling.amount - used)}, diminta {rupiah(amount)}."
            }
        )


@transaction.atomic
def set_ceiling(*, actor, kua, opd, amount, program=None, sub_kegiatan=None):
    """Set the plafon of an OPD, or of one of its programs or sub-kegiatan (inside the OPD's plafon)."""
    access.require(actor, "budgeting.change_kua_ppas")
    kua = _locked(kua)  # every ceiling write of a version queues here, so the fit checks see settled sums
    _require_draft(kua)
    errors = {}
    check_money(amount, "amount", errors)
    if not opd.is_active:
        errors["opd"] = f"{opd.name} tidak aktif."
    if errors:
        raise ValidationError(errors)
    _clean_target(kua, opd, program, sub_kegiatan)
    ceiling = Ceiling.objects.filter(kua_ppas=kua, opd=opd, program=program, sub_kegiatan=sub_kegiatan).first()
    _check_fit(kua, opd, program, sub_kegiatan, amount, exclude_pk=getattr(ceiling, "pk", None))
    before = audit.snapshot(ceiling) if ceiling else None
    if ceiling is None:
        ceiling = Ceiling.objects.create(
            kua_ppas=kua, opd=opd, program=program, sub_kegiatan=sub_kegiatan, amount=amount
        )
    else:
        ceiling.amount = amount
        ceiling.save(update_fields=["amount"])
    audit.record(actor=actor, action="ceiling.set", obj=ceiling, opd=opd, before=before, after=audit.snapshot(ceiling))
    return ceiling


@transaction.atomic
def delete_ceiling(*, actor, ceiling):
    access.require(actor, "budgeting.change_kua_ppas")
    kua = _locked(ceiling.kua_ppas)
    _require_draft(kua)
    ceiling = Ceiling.objects.select_related("opd").get(pk=ceiling.pk)
    narrower = Ceiling.objects.filter(kua_ppas=kua, opd=ceiling.opd).exclude(pk=ceiling.pk)
    if ceiling.program_id is None and ceiling.sub_kegiatan_id is None and narrower.exists():
        raise ValidationError("Hapus dulu plafon program dan sub-kegiatan OPD ini.")
    audit.record(actor=actor, action="ceiling.delete", obj=ceiling, opd=ceiling.opd, before=audit.snapshot(ceiling))
    ceiling.delete()


# --- Lifecycle --------------------------------------------------------------------------------


def kua_moves(kua):
    return [action for (action, state) in KUA_MOVES if state == kua.state]


def _submission_problems(kua):
    problems = []
    opd_ceilings = Ceiling.objects.filter(kua_ppas=kua, program__isnull=True, sub_kegiatan__isnull=True)
    if not opd_ceilings.exists():
        problems.append("Belum ada plafon OPD.")
    inactive = list(
        Ceiling.objects.filter(kua_ppas=kua, opd__is_active=False).values_list("opd__name", flat=True).distinct()
    )
    if inactive:
        problems.append(f"Plafon untuk OPD yang tidak aktif: {', '.join(sorted(inactive))}.")
    planned, total = kua_policy_totals(kua)["belanja"], total_of(opd_ceilings)
    if ceilings_over_policy(kua, planned, total):
        problems.append(
            f"Jumlah plafon OPD {rupiah(total)} melebihi rencana belanja {rupiah(planned)} "
            f"(lebih {rupiah(total - planned)})."
        )
    return problems


def ceilings_over_policy(kua, planned_belanja, ceiling_total):
    """Whether the OPD ceilings exceed the planned belanja, which blocks submission; not before any belanja
    policy is entered (a new version starts from ceilings alone)."""
    has_policy = KuaAccountLine.objects.filter(kua_ppas=kua, account__code__startswith="5").exists()
    return has_policy and ceiling_total > planned_belanja


@transaction.atomic
def transition_kua(*, actor, kua, action, agreement_number="", agreement_date=None, note=""):
    """Move a version: submit to DPRD, revise after deliberation, record the agreement, lock the ceilings."""
    access.require(actor, "budgeting.change_kua_ppas")
    kua = _locked(kua)
    before = _snapshot(kua)
    allowed = kua_moves(kua)
    if action not in allowed:
        subject = f"{kua} berstatus {kua.get_state_display().lower()}"
        raise refuse_move(action, allowed, KUA_ACTION_LABELS, subject, current={"state": kua.state})
    if action == "submit":
        problems = _submission_problems(kua)
        if problems:
            raise ValidationError(problems)
    if action == "revise" and not note.strip():
        raise ValidationError({"note": "Tuliskan hasil pembahasan yang harus diperbaiki."})
    if action == "agree":
        errors = {}
        if not agreement_number.strip():
            errors["agreement_number"] = "Nomor nota kesepakatan wajib diisi."
        if agreement_date is None:
            errors["agreement_date"] = "Tanggal nota kesepakatan wajib diisi."
        if errors:
            raise ValidationError(errors)
        kua.agreement_number, kua.agreement_date = agreement_number.strip(), agreement_date
    from_state = kua.state
    kua.state = KUA_MOVES[(action, from_state)]
    kua.save()
    record_transition(document=kua, action=action, from_state=from_state, to_state=kua.state, actor=actor, note=note)
    audit.record(
        actor=actor, action=f"kua_ppas.{action}", obj=kua, before=before, after=_snapshot(kua) | {"note": note}
    )
    return kua
