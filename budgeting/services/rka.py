"""RKA writes: lines under the ceiling, optimistic locking, and the RKA lifecycle (asistensi by TAPD).

Ceilings hold under concurrent saves because every write that can raise an OPD's total first locks
the RKA's row, then the OPD's ceiling rows (in id order), and only then sums the lines in the database.
"""

import copy
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from masterdata import access, audit, importers
from masterdata.errors import NOT_ALLOWED, StaleObject, TransitionNotAllowed
from masterdata.models import Account, StandardPriceItem
from masterdata.money import MAX_AMOUNT, ZERO, check_money, grouped, rupiah
from planning.models import Renja
from planning.selectors import allowed_sub_kegiatan

from ..ceiling_rules import (
    AKUN_TOTALS,
    MAX_VOLUME,
    VOLUME_FIELDS,
    VOLUME_PLACES,
    covers,
    line_amount,
    opd_ceilings,
    refuse_over_ceiling,
    refuse_total_over_limit,
    require_opd_ceiling,
    rka_totals,
    shift_gap,
    standing_before_write,
    standing_of,
)
from ..models import ApbdVersion, Rka, RkaComment, RkaLine, RkaSubKegiatan
from .lifecycle import BudgetLifecycle

PPKD_OPD_CODE = "5.02.0.00.0.00.01.00"  # BPKAD acts as PPKD: only it budgets pembiayaan (akun 6)

LINE_FIELDS = [
    "sub_kegiatan",
    "account",
    "standard_price",
    "work_package",
    "description",
    "specification",
    "recipient",
    "volume_1",
    "unit_1",
    "volume_2",
    "unit_2",
    "volume_3",
    "unit_3",
    "unit_price",
    "funding_source",
    "location",
]


def budgets_pembiayaan(rka):
    """Only BPKAD, as PPKD, budgets pembiayaan (akun 6)."""
    return rka.opd.code == PPKD_OPD_CODE


class PriceRules:
    """Which items may be charged to which accounts in a year, read once per import instead of per row."""

    def __init__(self, fiscal_year_id, *, preload=False):
        self.fiscal_year_id = fiscal_year_id
        self.allowed = self.required = None
        if preload:
            links = StandardPriceItem.accounts.through.objects.filter(
                standardpriceitem__fiscal_year_id=fiscal_year_id
            ).values_list("standardpriceitem_id", "account_id")
            self.allowed = set(links)
            self.required = {account_id for _, account_id in self.allowed}

    def allows(self, item, account):
        if self.allowed is not None:
            return (item.pk, account.pk) in self.allowed
        return item.accounts.filter(pk=account.pk).exists()

    def requires_item(self, account):
        if self.required is not None:
            return account.pk in self.required
        return account.standard_prices.filter(fiscal_year_id=self.fiscal_year_id).exists()


def _clean_line(rka, values, rules=None):
    """Field-level checks of a line, in Indonesian; every problem at once."""
    rules = rules or PriceRules(rka.version.fiscal_year_id)
    errors = {}
    account, item, sub = values.get("account"), values.get("standard_price"), values.get("sub_kegiatan")
    version_id = rka.version.fiscal_year.reference_version_id
    if not isinstance(account, Account):
        errors["account"] = "Pilih kode rekening."
    elif account.version_id != version_id or account.level != Account.Level.SUB_RINCIAN_OBJEK:
        errors["account"] = "Kode rekening harus sub rincian objek dari versi referensi tahun anggaran ini."
    elif not account.is_active:
        errors["account"] = f"Kode rekening {account.code} tidak aktif lagi."
    else:
        akun = RkaLine.Akun.of(account.code)
        if akun is None:
            errors["account"] = "Kode rekening RKA harus akun 4 (pendapatan), 5 (belanja) atau 6 (pembiayaan)."
        elif akun == RkaLine.Akun.BELANJA and sub is None:
            errors["sub_kegiatan"] = "Rincian belanja harus berada di bawah sub-kegiatan."
        elif akun != RkaLine.Akun.BELANJA and sub is not None:
            errors["sub_kegiatan"] = "Rincian pendapatan dan pembiayaan tidak berada di bawah sub-kegiatan."
        if akun == RkaLine.Akun.PEMBIAYAAN and not budgets_pembiayaan(rka):
            errors["account"] = "Pembiayaan (akun 6) hanya dianggarkan BPKAD selaku PPKD."
    if sub is not None and sub.rka_id != rka.pk:
        errors["sub_kegiatan"] = "Sub-kegiatan bukan bagian dari RKA ini."
    for field in VOLUME_FIELDS:
        value = values.get(field)
        if value is None and field != "volume_1":
            continue
        problem = _volume_problem(value)
        if problem:
            errors[field] = problem
        unit_field = field.replace("volume", "unit")
        if not str(values.get(unit_field) or "").strip():
            errors[unit_field] = (
                "Satuan wajib diisi." if field == "volume_1" else "Satuan wajib diisi untuk volume ini."
            )
    price = values.get("unit_price")
    check_money(price, "unit_price", errors, positive=True)
    if not errors and line_amount(values) is None:
        errors["unit_price"] = (
            f"Volume × harga satuan melebihi {rupiah(MAX_AMOUNT)}, batas satu rincian; periksa volume dan harga satuan."
        )
    if item is not None:
        if item.fiscal_year_id != rka.version.fiscal_year_id or not item.is_active:
            errors["standard_price"] = "Standar harga harus dari katalog tahun anggaran ini."
        elif isinstance(account, Account) and not rules.allows(item, account):
            errors["standard_price"] = f"{item.name} tidak boleh dibebankan ke kode rekening {account.code}."
        elif isinstance(price, Decimal) and price > item.price:
            errors["unit_price"] = f"Harga satuan melebihi standar harga {rupiah(item.price)} ({item.code})."
    elif isinstance(account, Account) and rules.requires_item(account):
        errors["standard_price"] = f"Kode rekening {account.code} wajib memakai item standar harga."
    funding = values.get("funding_source")
    if funding is None:
        errors["funding_source"] = "Pilih sumber dana."
    elif funding.version_id != version_id or funding.level != Account.Level.SUB_RINCIAN_OBJEK:
        errors["funding_source"] = "Sumber dana harus kode sub rincian objek dari versi referensi tahun ini."
    elif funding.is_provincial:
        errors["funding_source"] = f"{funding.name} adalah pajak provinsi; OPD kabupaten tidak menganggarkannya."
    if errors:
        raise ValidationError(errors)


def _volume_problem(value):
    if not isinstance(value, Decimal) or not value.is_finite():
        return "Volume wajib berupa angka."
    if value <= 0:
        return "Volume harus lebih dari nol."
    if value > MAX_VOLUME:
        return f"Volume terlalu besar: paling banyak {grouped(MAX_VOLUME, 4)}."
    if value != value.quantize(VOLUME_PLACES):
        return "Volume paling banyak empat angka desimal."
    return None


def _line_snapshot(line):
    return audit.snapshot(line, fields=[*LINE_FIELDS, "amount", "version"])


def _require_editable(actor, rka):
    access.require_editable(
        actor,
        rka,
        "budgeting.edit_rka",
        lambda: TransitionNotAllowed(
            f"RKA berstatus {rka.get_state_display().lower()} tidak dapat diubah; "
            "perubahan hanya saat draf atau dikembalikan, selama versi APBD masih draf atau dalam penyempurnaan.",
            current={"state": rka.state, "version_state": rka.version.state},
            allowed=rka_moves(rka),
        ),
    )


def _locked_rka(rka):
    """Lock the RKA row first (then ceilings): a line save and a submit of the same RKA never interleave.

    `rka` is an id or an RKA. Its two states are read again under the lock; the rest of what a write reads of
    the RKA (its OPD, its version's year and KUA-PPAS) is fixed when the RKA is made, so an RKA already read
    with them serves as it is, and the lock is one plain statement.
    """
    if not (
        isinstance(rka, Rka)
        and Rka.opd.is_cached(rka)
        and Rka.version.is_cached(rka)
        and ApbdVersion.fiscal_year.is_cached(rka.version)
    ):
        rka = Rka.objects.select_related("opd", "version__fiscal_year").get(pk=getattr(rka, "pk", rka))
    quote = connection.ops.quote_name
    lock = " FOR UPDATE OF r" if connection.features.has_select_for_update_of else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.state, v.state FROM {quote(Rka._meta.db_table)} r "  # noqa: S608
            f"JOIN {quote(ApbdVersion._meta.db_table)} v ON v.id = r.version_id WHERE r.id = %s{lock}",
            [rka.pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise Rka.DoesNotExist
    rka.state, rka.version.state = row
    return rka


@transaction.atomic
def add_rka_line(*, actor, rka, **values):
    """Add a line; the line returned carries `standing`, the RKA's totals and ceilings right after it."""
    rka = _locked_rka(rka)
    _require_editable(actor, rka)
    if set(values) - set(LINE_FIELDS):
        raise TypeError(f"unknown fields: {set(values) - set(LINE_FIELDS)}")
    _clean_line(rka, values)
    amount, akun = line_amount(values), RkaLine.Akun.of(values["account"].code)
    standing = standing_before_write(rka, values.get("sub_kegiatan"), akun)
    refuse_total_over_limit(standing, akun, amount)
    if akun == RkaLine.Akun.BELANJA:
        refuse_over_ceiling(rka, standing, amount)
    line = RkaLine.objects.create(rka=rka, akun=akun, amount=amount, updated_by=actor, **values)
    audit.record(actor=actor, action="rka_line.create", obj=line, opd=rka.opd, after=_line_snapshot(line))
    line.standing = standing.with_line(akun, amount)
    return line


@transaction.atomic
def update_rka_line(*, actor, line, expected_version, **changes):
    """Change a line; a save based on an older version is refused with the current values.

    `line` is taken as read by the caller (with its related rows, so nothing is read twice) when it is at
    `expected_version`: the version-guarded UPDATE below then only succeeds if nobody changed it since.
    The caller's object is left as it was; the saved line is a new object, carrying `standing` (the RKA's
    totals and ceilings right after the save).
    """
    rka = _locked_rka(line.rka if RkaLine.rka.is_cached(line) else line.rka_id)
    _require_editable(actor, rka)
    if set(changes) - set(LINE_FIELDS):
        raise TypeError(f"unknown fields: {set(changes) - set(LINE_FIELDS)}")
    current = line if line.version == expected_version else RkaLine.objects.get(pk=line.pk)
    if current.version != expected_version:
        raise _stale(current)
    values = {field: changes.get(field, getattr(current, field)) for field in LINE_FIELDS}
    _clean_line(rka, values)
    amount, akun = line_amount(values), RkaLine.Akun.of(values["account"].code)
    standing = standing_before_write(rka, values["sub_kegiatan"], akun, exclude_line_id=current.pk)
    refuse_total_over_limit(standing, akun, amount)
    # A belanja line that only shrinks in place never takes a ceiling over, so it is always allowed: an OPD
    # whose ceiling was lowered below its budget (KUPA-PPAS-P) can come back under it line by line.
    shrinks_in_place = (
        current.akun == akun == RkaLine.Akun.BELANJA
        and getattr(values["sub_kegiatan"], "pk", None) == current.sub_kegiatan_id
        and amount <= current.amount
    )
    if akun == RkaLine.Akun.BELANJA and not shrinks_in_place:
        refuse_over_ceiling(rka, standing, amount)
    # Checked after the ceiling lock: a concurrent editor of this line has committed by now.
    # QuerySet.update() does not touch auto_now fields: the time of the change is set here.
    saved = copy.copy(current)
    for field, value in {**values, "akun": akun, "amount": amount, "updated_by": actor}.items():
        setattr(saved, field, value)
    saved.rka, saved.version, saved.updated_at = rka, expected_version + 1, timezone.now()
    changed = {field: value for field, value in values.items() if value != getattr(current, field)}
    updated = RkaLine.objects.filter(pk=current.pk, version=expected_version).update(
        akun=akun, amount=amount, version=saved.version, updated_by=actor, updated_at=saved.updated_at, **changed
    )
    if not updated:
        raise _stale(RkaLine.objects.get(pk=current.pk))
    audit.record(
        actor=actor,
        action="rka_line.update",
        obj=saved,
        opd=rka.opd,
        before=_line_snapshot(current),
        after=_line_snapshot(saved),
    )
    saved.standing = standing.with_line(akun, amount)
    return saved


def _stale(current):
    return StaleObject(
        "Rincian ini sudah diubah orang lain sejak Anda membukanya. Periksa nilai terbaru lalu simpan lagi.",
        current=_line_snapshot(current),
    )


@transaction.atomic
def delete_rka_line(*, actor, line, expected_version=None):
    """Delete a line; returns the RKA's standing without it (totals, and the ceilings of its sub-kegiatan)."""
    rka = _locked_rka(line.rka if RkaLine.rka.is_cached(line) else line.rka_id)
    current = RkaLine.objects.select_related("account", "sub_kegiatan__sub_kegiatan").get(pk=line.pk)
    current.rka = rka
    _require_editable(actor, rka)
    if expected_version is not None and current.version != expected_version:
        raise _stale(current)
    standing = standing_before_write(rka, current.sub_kegiatan, current.akun, exclude_line_id=current.pk)
    audit.record(
        actor=actor, action="rka_line.delete", obj=current, opd=current.rka.opd, before=_line_snapshot(current)
    )
    current.delete()
    return standing


def _messages(error):
    if hasattr(error, "message_dict"):
        return [f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()]
    return list(error.messages)


def _rows_over_total_limit(rka, prepared):
    """The first row of each akun at which the RKA's total would pass what one amount may be."""
    running, errors = dict(standing_of(rka, []).totals), []
    for number, values, amount in prepared:
        name = AKUN_TOTALS[RkaLine.Akun.of(values["account"].code)]
        over = running[name] <= MAX_AMOUNT < running[name] + amount
        running[name] += amount
        if over:
            errors.append(importers.RowError(number, f"jumlah {name} RKA sampai di sini melebihi {rupiah(MAX_AMOUNT)}"))
    return errors


@transaction.atomic
def import_rka_lines(*, actor, rka, rows):
    """Add many lines at once (Excel import, demo): all or nothing.

    `rows` is a list of (line number, values). Every row is checked by the same rules as a single
    save; the belanja rows are then checked together against every ceiling under its lock, and a
    row that takes a ceiling over is named. One audit event records the lines created.
    """
    rka = _locked_rka(rka)
    _require_editable(actor, rka)
    rules = PriceRules(rka.version.fiscal_year_id, preload=True)
    errors, prepared = [], []
    for number, values in rows:
        unknown = set(values) - set(LINE_FIELDS)
        if unknown:
            raise TypeError(f"unknown fields: {unknown}")
        try:
            _clean_line(rka, values, rules)
        except ValidationError as error:
            errors += [importers.RowError(number, message) for message in _messages(error)]
            continue
        prepared.append((number, values, line_amount(values)))
    errors += _rows_over_total_limit(rka, prepared)
    spending = [
        (number, values, amount)
        for number, values, amount in prepared
        if RkaLine.Akun.of(values["account"].code) == RkaLine.Akun.BELANJA
    ]
    if spending:
        ceilings = opd_ceilings(rka, lock=True)
        require_opd_ceiling(rka, ceilings)
        for status in standing_of(rka, ceilings).ceilings:
            ceiling = status.ceiling
            running = ZERO
            for number, values, amount in spending:
                if not covers(ceiling, values["sub_kegiatan"].sub_kegiatan):
                    continue
                running += amount
                if running > status.remaining:
                    errors.append(
                        importers.RowError(
                            number,
                            f"melebihi {status.label}: sisa {rupiah(status.remaining)}, "
                            f"baris sampai di sini berjumlah {rupiah(running)}",
                        )
                    )
    if errors:
        raise importers.InvalidFile(sorted(errors, key=lambda error: error.line))
    lines = RkaLine.objects.bulk_create(
        [
            RkaLine(rka=rka, akun=RkaLine.Akun.of(values["account"].code), amount=amount, updated_by=actor, **values)
            for _, values, amount in prepared
        ],
        batch_size=1000,
    )
    audit.record(
        actor=actor,
        action="rka_line.import",
        obj=rka,
        opd=rka.opd,
        after={
            "count": len(lines),
            "total": sum((line.amount for line in lines), ZERO),
            "lines": [[line.pk, line.account.code, line.amount] for line in lines],
        },
    )
    return lines


RState = Rka.State

RKA_MOVES = {
    ("submit", RState.DRAFT): RState.SUBMITTED,
    ("submit", RState.RETURNED): RState.SUBMITTED,
    ("return", RState.SUBMITTED): RState.RETURNED,
    ("approve", RState.SUBMITTED): RState.APPROVED,
    # TAPD finds something after approving, while the version is still a draft: back to the OPD with a note.
    ("reopen", RState.APPROVED): RState.RETURNED,
}


class RkaLifecycle(BudgetLifecycle):
    """Asistensi: the OPD submits, TAPD returns or approves."""

    name = "rka"
    moves = RKA_MOVES
    labels = {"submit": "ajukan", "return": "kembalikan", "approve": "setujui", "reopen": "buka kembali"}
    permission = "budgeting.move_rka"
    permissions = {
        "submit": "budgeting.submit_rka",
        "return": "budgeting.verify_rka",
        "approve": "budgeting.verify_rka",
        "reopen": "budgeting.verify_rka",
    }

    def allowed(self, document):
        # Once the version leaves draft (submitted to DPRD, approved shift, adopted) its RKAs stay as they are,
        # except those TAPD reopens for the corrections of the Gubernur's evaluation (penyempurnaan).
        if document.version.state not in ApbdVersion.RKA_OPEN_STATES:
            return []
        return super().allowed(document)

    def lock(self, document):
        return Rka.objects.select_for_update().select_related("opd", "version").get(pk=document.pk)

    def subject(self, document):
        return f"RKA berstatus {document.get_state_display().lower()}"


RKA_LIFECYCLE = RkaLifecycle()
RKA_ACTION_LABELS = RKA_LIFECYCLE.labels


def rka_moves(rka):
    return RKA_LIFECYCLE.allowed(rka)


@transaction.atomic
def transition_rka(*, actor, rka, action, note=""):
    with RKA_LIFECYCLE.move(actor=actor, document=rka, action=action, note=note) as step:
        rka = step.document
        if action == "submit" and not rka.lines.exists():
            raise ValidationError("RKA belum memiliki rincian; tambahkan rincian sebelum diajukan.")
        if action in ("submit", "approve"):
            gap = shift_gap(rka, rka_totals(rka)["belanja"])
            problem = gap and gap.problem(rka.opd.name)
            if problem:
                raise ValidationError(f"{problem} Sesuaikan rinciannya lebih dulu.")
        if action in ("return", "reopen") and not note.strip():
            raise ValidationError({"note": "Tuliskan catatan asistensi agar OPD tahu apa yang harus diperbaiki."})
        if note.strip():
            RkaComment.objects.create(rka=rka, author=actor, text=note.strip())
    return rka


@transaction.atomic
def comment_rka(*, actor, rka, text, line=None):
    """TAPD comments on an RKA or a line; the OPD's own staff answer."""
    if not actor.has_perm("budgeting.comment_rka", rka):
        raise PermissionDenied(NOT_ALLOWED)
    if not text.strip():
        raise ValidationError({"text": "Catatan tidak boleh kosong."})
    if line is not None and line.rka_id != rka.pk:
        raise ValidationError({"line": "Rincian bukan bagian dari RKA ini."})
    comment = RkaComment.objects.create(rka=rka, line=line, author=actor, text=text.strip())
    audit.record(
        actor=actor,
        action="rka.comment",
        obj=comment,
        opd=rka.opd,
        after={"rka": rka.pk, "line": getattr(line, "pk", None), "text": comment.text},
    )
    return comment


def _outside_final_renja(rka, sub_kegiatan):
    """Whether a murni RKA's sub-kegiatan is missing from its OPD's final Renja (False without one)."""
    if rka.version.kind != ApbdVersion.Kind.MURNI:
        return False
    year = rka.version.fiscal_year_id
    final = Renja.objects.filter(opd_id=rka.opd_id, fiscal_year_id=year, stage=Renja.Stage.FINAL).first()
    return final is not None and not final.lines.filter(sub_kegiatan=sub_kegiatan).exists()


@transaction.atomic
def add_rka_sub_kegiatan(
    *,
    actor,
    rka,
    sub_kegiatan,
    location,
    output_indicator,
    output_target,
    output_unit,
    renja_line=None,
    priority_labels="",
    outside_renja_reason="",
):
    """Put a sub-kegiatan into the RKA: one the OPD may budget (a sub-kegiatan of its own bidang or of the X.XX
    supporting programs, in the year's nomenclature) and, in the murni APBD, one of its final Renja when it
    has one, or else with the reason it is budgeted outside the Renja (recorded, shown with the RKA). An
    amendment may add what the year's changes need."""
    rka = _locked_rka(rka)
    _require_editable(actor, rka)
    errors = {}
    fiscal_year = rka.version.fiscal_year
    if renja_line is not None and (
        renja_line.renja.opd_id != rka.opd_id or renja_line.sub_kegiatan_id != sub_kegiatan.pk
    ):
        errors["renja_line"] = "Baris Renja harus milik OPD ini dan sub-kegiatan yang sama."
    if sub_kegiatan.version_id != fiscal_year.reference_version_id:
        errors["sub_kegiatan"] = "Sub-kegiatan harus dari nomenklatur tahun anggaran ini."
    elif not allowed_sub_kegiatan(rka.opd, fiscal_year).filter(pk=sub_kegiatan.pk).exists():
        errors["sub_kegiatan"] = (
            f"{sub_kegiatan.code} bukan sub-kegiatan yang dapat dianggarkan {rka.opd.name}: pilih sub-kegiatan "
            "(kode lengkap tingkat 5) dari bidang urusan OPD ini atau dari program penunjang X.XX."
        )
    elif RkaSubKegiatan.objects.filter(rka=rka, sub_kegiatan=sub_kegiatan).exists():
        errors["sub_kegiatan"] = f"Sub-kegiatan {sub_kegiatan.code} sudah ada di RKA ini."
    elif _outside_final_renja(rka, sub_kegiatan):
        if not outside_renja_reason.strip():
            errors["outside_renja_reason"] = (
                f"Sub-kegiatan {sub_kegiatan.code} tidak ada dalam Renja final {rka.opd.name} tahun "
                f"{fiscal_year.year}; tuliskan alasan menganggarkannya di luar Renja."
            )
    elif outside_renja_reason.strip():
        errors["outside_renja_reason"] = "Sub-kegiatan ini ada dalam Renja final; alasan di luar Renja tidak diisi."
    if errors:
        raise ValidationError(errors)
    item = RkaSubKegiatan.objects.create(
        rka=rka,
        sub_kegiatan=sub_kegiatan,
        renja_line=renja_line,
        location=location,
        output_indicator=output_indicator,
        output_target=output_target,
        output_unit=output_unit,
        priority_labels=priority_labels,
        outside_renja_reason=outside_renja_reason.strip(),
    )
    audit.record(actor=actor, action="rka_sub_kegiatan.create", obj=item, opd=rka.opd, after=audit.snapshot(item))
    return item
