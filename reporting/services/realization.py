"""Realization: what each line of an issued DPA (or DPPA) spent or received per month. Three doors (the
portal, an imported file, an SP2D pushed by the payment system) and one rule book: the line is of the OPD's
latest issued DPA, the month has begun and is not closed, and a line never realizes more than its pagu."""

import datetime
import hashlib
import json
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from budgeting.models import RkaLine
from budgeting.services.lifecycle import BudgetLifecycle
from masterdata import audit
from masterdata.errors import NOT_ALLOWED, TransitionNotAllowed
from masterdata.money import ZERO, check_money, rupiah
from masterdata.spreadsheets import MAX_ROWS, raise_for_errors, read_sheet

from ..models import Progress, PushKey, Realization, RealizationMonth
from ..selectors import lra as lra_selectors
from ..selectors import realization as selectors

MonthState = RealizationMonth.State


def _month_problem(fiscal_year, month, today):
    if not isinstance(month, int) or not 1 <= month <= 12:
        return "Bulan harus 1 sampai 12."
    if datetime.date(fiscal_year.year, month, 1) > today.replace(day=1):
        return f"Bulan {month:02d}/{fiscal_year.year} belum berjalan; realisasi dicatat setelah bulannya mulai."
    return None


@transaction.atomic
def record_realization(
    *, actor, line, month, amount, source=Realization.Source.BROWSER, sp2d_number="", sp2d_date=None
):
    """One entry on a line of the OPD's latest issued DPA/DPPA; refused, with nothing written, when the month
    has not begun or is closed, or when the line would realize more than its pagu."""
    line = (
        RkaLine.objects.select_for_update(of=("self",))
        .select_related("rka__version__fiscal_year", "rka__opd")
        .get(pk=line.pk)
    )
    rka = line.rka
    if not actor.has_perm("reporting.record_realization", rka):
        raise PermissionDenied(NOT_ALLOWED)
    fiscal_year = rka.version.fiscal_year
    errors = {}
    current = selectors.current_dpa(rka.opd_id, fiscal_year)
    if current is None or current.rka_id != rka.pk:
        errors["line"] = "Rincian ini bukan bagian dari DPA/DPPA terbit terakhir OPD ini."
    problem = _month_problem(fiscal_year, month, timezone.localdate())
    if problem:
        errors["month"] = problem
    elif selectors.month_is_closed(fiscal_year, rka.opd_id, month):
        errors["month"] = f"Bulan {month:02d}/{fiscal_year.year} sudah ditutup BPKAD; realisasinya tidak dapat diubah."
    check_money(amount, "amount", errors, positive=True)
    if not errors:
        realized = selectors.realized_on(line)
        if realized + amount > line.amount:
            errors["amount"] = (
                f"Realisasi rincian ini menjadi {rupiah(realized + amount)}, melebihi pagunya {rupiah(line.amount)} "
                f"(sisa {rupiah(line.amount - realized)})."
            )
    if errors:
        raise ValidationError(errors)
    entry = Realization.objects.create(
        fiscal_year=fiscal_year,
        opd=rka.opd,
        line=line,
        month=month,
        amount=amount,
        source=source,
        sp2d_number=sp2d_number,
        sp2d_date=sp2d_date,
        entered_by=actor,
    )
    transaction.on_commit(partial(lra_selectors.forget_realization, fiscal_year.pk))
    audit.record(
        actor=actor,
        action="realization.record",
        obj=entry,
        opd=rka.opd,
        after=audit.snapshot(entry, fields=["line", "month", "amount", "source", "sp2d_number", "sp2d_date"]),
    )
    return entry


class MonthLifecycle(BudgetLifecycle):
    """BPKAD closes an OPD's month once its realization is final; reopening it says why."""

    name = "realization_month"
    moves = {("close", MonthState.OPEN): MonthState.CLOSED, ("reopen", MonthState.CLOSED): MonthState.OPEN}
    labels = {"close": "tutup bulan", "reopen": "buka kembali bulan"}
    permission = "reporting.close_month"
    permissions = dict.fromkeys(labels, "reporting.close_month")

    def subject(self, document):
        return f"{document} berstatus {document.get_state_display().lower()}"


MONTH_LIFECYCLE = MonthLifecycle()


@transaction.atomic
def move_month(*, actor, fiscal_year, opd, month, action, note=""):
    if not actor.has_perm("reporting.close_month"):
        raise PermissionDenied(NOT_ALLOWED)
    problem = _month_problem(fiscal_year, month, timezone.localdate())
    if problem:
        raise ValidationError({"month": problem})
    record, _ = RealizationMonth.objects.get_or_create(fiscal_year=fiscal_year, opd=opd, month=month)
    with MONTH_LIFECYCLE.move(actor=actor, document=record, action=action, note=note):
        if action == "reopen" and not note.strip():
            raise ValidationError({"note": "Tuliskan alasan membuka kembali bulan yang sudah ditutup."})
    record.refresh_from_db()
    return record


def _body_hash(records):
    return hashlib.sha256(json.dumps(records, sort_keys=True, default=str).encode()).hexdigest()


@transaction.atomic
def push_sp2d(*, actor, key, records):
    """SP2D records from the payment system, all or none, each on the line of the OPD's latest issued DPA with
    its sub-kegiatan and account (the first with room for it). A retried push with the same Idempotency-Key and
    body is answered as the first time and records nothing again; the same key with another body is refused."""
    digest = _body_hash(records)
    stored = PushKey.objects.select_for_update().filter(requested_by=actor, key=key).first()
    if stored is not None:
        if stored.body_hash != digest:
            raise TransitionNotAllowed(
                "Idempotency-Key ini sudah dipakai untuk kiriman lain; gunakan kunci baru untuk kiriman baru.",
                current={"key": key},
                allowed=[],
            )
        return stored.answer, False
    created, errors = [], {}
    for index, record in enumerate(records):
        try:
            with transaction.atomic():
                line = selectors.sp2d_line(actor, record)
                entry = record_realization(
                    actor=actor,
                    line=line,
                    month=record["date"].month,
                    amount=record["amount"],
                    source=Realization.Source.SP2D,
                    sp2d_number=record["number"],
                    sp2d_date=record["date"],
                )
        except ValidationError as error:
            messages = error.message_dict if hasattr(error, "error_dict") else {"record": error.messages}
            errors[f"records.{index}"] = [f"SP2D {record['number']}: {m}" for ms in messages.values() for m in ms]
        else:
            created.append(entry.pk)
    if errors:
        raise ValidationError(errors)
    answer = {"recorded": len(created), "ids": created}
    try:
        with transaction.atomic():
            PushKey.objects.create(key=key, requested_by=actor, body_hash=digest, answer=answer)
    except IntegrityError as error:  # the same key, pushed at the same moment: the other push counts
        raise TransitionNotAllowed(
            "Kiriman dengan kunci ini sedang diproses.", current={"key": key}, allowed=[]
        ) from error
    return answer, True


REALIZATION_COLUMNS = ["kode_opd", "kode_sub_kegiatan", "kode_rekening", "bulan", "jumlah"]


@transaction.atomic
def import_realization(*, actor, fiscal_year, source, filename=None, max_rows=MAX_ROWS):
    """Realization rows from an uploaded table (kode_opd, kode_sub_kegiatan, kode_rekening, bulan, jumlah),
    each recorded on the line of its OPD's latest issued DPA by the same rules as one entry: all of them, or
    none and every bad row with its line number and reason."""
    rows = read_sheet(source, filename=filename, columns=REALIZATION_COLUMNS, max_rows=max_rows)
    recorded = 0
    for row in rows:
        row.code = row.text("kode_rekening")
        month, amount = row.decimal("bulan"), row.decimal("jumlah")
        if not isinstance(month, Decimal) or month != month.to_integral() or not 1 <= month <= 12:
            row.fail("bulan", "isi bulan 1 sampai 12")
        if amount is None:
            row.fail("jumlah", "wajib diisi")
        if row.errors:
            continue
        record = {
            "opd": row.text("kode_opd"),
            "sub_kegiatan": row.text("kode_sub_kegiatan"),
            "account": row.code,
            "amount": amount,
            "date": datetime.date(fiscal_year.year, int(month), 1),
        }
        with row.collect({"opd": "kode_opd", "account": "kode_rekening", "month": "bulan", "amount": "jumlah"}):
            with transaction.atomic():
                line = selectors.sp2d_line(actor, record)
                record_realization(
                    actor=actor, line=line, month=int(month), amount=amount, source=Realization.Source.IMPORT
                )
            recorded += 1
    raise_for_errors(rows)
    return recorded


PERCENT = Decimal("100")


@transaction.atomic
def record_progress(*, actor, opd, sub_kegiatan_code, fiscal_year, month, physical_percent, output_achieved=None):
    """A sub-kegiatan's physical progress (cumulative %) and output achievement at the end of a month, on the
    OPD's latest issued DPA: the month has begun and is open; progress never goes back below an earlier
    month's nor above a later one's. Recorded again for the same month, it is corrected (audited)."""
    dpa = selectors.current_dpa(opd.pk, fiscal_year)
    if dpa is None:
        raise ValidationError({"opd": f"{opd.name} belum memiliki DPA terbit tahun {fiscal_year.year}."})
    if not actor.has_perm("reporting.record_realization", dpa.rka):
        raise PermissionDenied(NOT_ALLOWED)
    planned = selectors.dpa_sub_kegiatan(dpa, sub_kegiatan_code)
    errors = {}
    if planned is None:
        errors["sub_kegiatan"] = f"Sub-kegiatan {sub_kegiatan_code} tidak ada di {dpa.version.dpa_label} {opd.name}."
    problem = _month_problem(fiscal_year, month, timezone.localdate())
    if problem:
        errors["month"] = problem
    elif selectors.month_is_closed(fiscal_year, opd.pk, month):
        errors["month"] = f"Bulan {month:02d}/{fiscal_year.year} sudah ditutup BPKAD; kemajuannya tidak dapat diubah."
    if not isinstance(physical_percent, Decimal) or not ZERO <= physical_percent <= PERCENT:
        errors["physical_percent"] = "Kemajuan fisik 0 sampai 100 %."
    if output_achieved is not None:
        check_money(output_achieved, "output_achieved", errors)
    if not errors:
        earlier, later = selectors.progress_bounds(fiscal_year, opd, planned.sub_kegiatan, month)
        if earlier is not None and physical_percent < earlier:
            errors["physical_percent"] = f"Kemajuan fisik kumulatif tidak turun: bulan sebelumnya {earlier} %."
        elif later is not None and physical_percent > later:
            errors["physical_percent"] = f"Kemajuan fisik kumulatif bulan berikutnya sudah {later} %."
    if errors:
        raise ValidationError(errors)
    existing = Progress.objects.filter(
        fiscal_year=fiscal_year, opd=opd, sub_kegiatan=planned.sub_kegiatan, month=month
    ).first()
    fields = ["month", "physical_percent", "output_achieved"]
    before = audit.snapshot(existing, fields=fields) if existing else None
    progress, _ = Progress.objects.update_or_create(
        fiscal_year=fiscal_year,
        opd=opd,
        sub_kegiatan=planned.sub_kegiatan,
        month=month,
        defaults={"physical_percent": physical_percent, "output_achieved": output_achieved, "entered_by": actor},
    )
    audit.record(
        actor=actor,
        action="progress.record",
        obj=progress,
        opd=opd,
        before=before,
        after=audit.snapshot(progress, fields=fields),
    )
    return progress
