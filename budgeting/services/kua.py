"""KUA-PPAS: versions, the policy lines (pendapatan, belanja, pembiayaan) and the lifecycle.

A version is edited only while draft. Once agreed with DPRD (nota kesepakatan) a change is a new version that
starts as a copy of the last agreed one; earlier versions are never touched again.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from masterdata import access, audit
from masterdata.errors import TransitionNotAllowed
from masterdata.models import Account, FiscalYear
from masterdata.money import check_money, money_sum, rupiah, total_of
from planning.models import RenjaLine, Rkpd

from ..models import ApbdVersion, Ceiling, KuaAccountLine, KuaPpas, RkaLine
from ..selectors.kua import kua_policy_totals
from .lifecycle import BudgetLifecycle

State = KuaPpas.State

Level = Account.Level


# Which account levels each akun may be planned at in the KUA-PPAS.
POLICY_LEVELS = {
    RkaLine.Akun.PENDAPATAN: (Level.KELOMPOK, Level.JENIS, Level.OBJEK),  # revenue projection down to objek
    RkaLine.Akun.BELANJA: (Level.KELOMPOK, Level.JENIS),  # spending policy by kelompok and jenis
    RkaLine.Akun.PEMBIAYAAN: (Level.KELOMPOK, Level.JENIS, Level.OBJEK),
}

LEVEL_LABELS = {Level.KELOMPOK: "kelompok", Level.JENIS: "jenis", Level.OBJEK: "objek"}

KUA_MOVES = {
    ("submit", State.DRAFT): State.SUBMITTED,
    # Banggar's deliberation may change ceilings before the nota kesepakatan is signed.
    ("revise", State.SUBMITTED): State.DRAFT,
    ("agree", State.SUBMITTED): State.AGREED,
    ("lock", State.AGREED): State.LOCKED,
}


class KuaLifecycle(BudgetLifecycle):
    """Submitted to DPRD, revised after deliberation, agreed (nota kesepakatan), ceilings locked."""

    name = "kua_ppas"
    moves = KUA_MOVES
    labels = {
        "submit": "ajukan ke DPRD",
        "revise": "kembalikan ke draf",
        "agree": "catat nota kesepakatan",
        "lock": "kunci plafon",
    }
    permission = "budgeting.change_kua_ppas"
    permissions = dict.fromkeys(labels, "budgeting.change_kua_ppas")

    def lock(self, document):
        return locked_kua(document)

    def snapshot(self, document):
        return _snapshot(document)


KUA_LIFECYCLE = KuaLifecycle()
KUA_ACTION_LABELS = KUA_LIFECYCLE.labels


def _snapshot(kua):
    return audit.snapshot(kua, fields=["number", "kind", "state", "agreement_number", "agreement_date", "previous"])


def locked_kua(kua):
    return KuaPpas.objects.select_for_update(of=("self",)).select_related("fiscal_year").get(pk=kua.pk)


def require_draft(kua):
    if kua.state != State.DRAFT:
        raise TransitionNotAllowed(
            f"{kua} berstatus {kua.get_state_display().lower()}; isinya hanya dapat diubah saat draf. "
            "Perubahan setelah kesepakatan dibuat sebagai versi baru.",
            current={"state": kua.state},
            allowed=kua_moves(kua),
        )


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
        "ceiling_total": total_of(kua.ceilings.opd_level()),
    }
    audit.record(actor=actor, action="kua_ppas.create", obj=kua, after=after)
    return kua


def _clean_policy_account(kua, account):
    version_id = kua.fiscal_year.reference_version_id
    if not isinstance(account, Account) or account.version_id != version_id:
        raise ValidationError({"account": "Pilih kode rekening dari versi referensi tahun anggaran ini."})
    akun = RkaLine.Akun.of(account.code)
    if akun is None:
        raise ValidationError({"account": "KUA-PPAS memuat akun 4 (pendapatan), 5 (belanja) dan 6 (pembiayaan) saja."})
    if account.level not in POLICY_LEVELS[akun]:
        levels = ", ".join(LEVEL_LABELS[level] for level in POLICY_LEVELS[akun])
        message = f"Kode rekening akun {akun.value} pada KUA-PPAS diisi pada tingkat {levels}."
        raise ValidationError({"account": message})
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
    kua = locked_kua(kua)
    require_draft(kua)
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
    kua = locked_kua(line.kua_ppas)
    require_draft(kua)
    line = KuaAccountLine.objects.get(pk=line.pk)
    audit.record(actor=actor, action="kua_account_line.delete", obj=line, before=audit.snapshot(line))
    line.delete()


def kua_moves(kua):
    return KUA_LIFECYCLE.allowed(kua)


def _submission_problems(kua):
    problems = []
    opd_ceilings = Ceiling.objects.opd_level().filter(kua_ppas=kua)
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
    with KUA_LIFECYCLE.move(actor=actor, document=kua, action=action, note=note) as step:
        kua = step.document
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
    return kua
