"""Ceilings (plafon) of a KUA-PPAS version: an OPD's, and inside it its programs' and sub-kegiatan's."""

from django.core.exceptions import ValidationError
from django.db import transaction

from masterdata import access, audit
from masterdata.models import Nomenclature
from masterdata.money import check_money, rupiah, total_of
from planning.services import allowed_sub_kegiatan

from ..models import Ceiling
from .kua import locked_kua, require_draft


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
    opd_ceiling = ceilings.opd_level().first()
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
    kua = locked_kua(kua)  # every ceiling write of a version queues here, so the fit checks see settled sums
    require_draft(kua)
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
    kua = locked_kua(ceiling.kua_ppas)
    require_draft(kua)
    ceiling = Ceiling.objects.select_related("opd").get(pk=ceiling.pk)
    narrower = Ceiling.objects.filter(kua_ppas=kua, opd=ceiling.opd).exclude(pk=ceiling.pk)
    if ceiling.program_id is None and ceiling.sub_kegiatan_id is None and narrower.exists():
        raise ValidationError("Hapus dulu plafon program dan sub-kegiatan OPD ini.")
    audit.record(actor=actor, action="ceiling.delete", obj=ceiling, opd=ceiling.opd, before=audit.snapshot(ceiling))
    ceiling.delete()
