"""Writes of the five-year targets: RPJMD (Bappeda) and each OPD's Renstra (its own staff).

Every function runs in one transaction, checks the actor through the `rules` permissions of
masterdata.access and writes an audit event. The Excel imports call the same functions row by row
inside one transaction, so a file is checked by exactly the rules a single entry is, and any bad
row rolls the whole file back.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from masterdata import audit
from masterdata.errors import NOT_ALLOWED
from masterdata.models import FiscalYear, Nomenclature
from masterdata.spreadsheets import raise_for_errors, read_sheet

from .models import RenjaLine, Renstra, RenstraProgram, Rpjmd, RpjmdGoal, RpjmdTarget
from .services import merged_values, reject_unknown_fields

TARGET_FIELDS = ["indicator", "unit", "baseline", "target_1", "target_2", "target_3", "target_4", "target_5"]
TARGET_LABELS = {
    "baseline": "Kondisi awal",
    **{f"target_{year}": f"Target tahun ke-{year}" for year in range(1, 6)},
}
INDICATOR_LIMIT = Decimal(10) ** 18  # max_digits 20 with two decimals
RPJMD_FIELDS = ["title", "first_year", "regulation"]
GOAL_FIELDS = ["code", "statement"]
RPJMD_TARGET_FIELDS = ["code", "statement", *TARGET_FIELDS]
RENSTRA_PROGRAM_FIELDS = ["program", "rpjmd_target", *TARGET_FIELDS]


def _require_rpjmd_editor(actor):
    if not actor.has_perm("planning.change_rpjmd"):
        raise PermissionDenied(NOT_ALLOWED)


def _require_renstra_editor(actor, renstra_or_opd):
    if not actor.has_perm("planning.change_renstra", renstra_or_opd):
        raise PermissionDenied(NOT_ALLOWED)


def _text(values, errors, field, label, max_length=None):
    text = str(values.get(field) or "").strip()
    if not text:
        errors[field] = f"{label} wajib diisi."
    elif max_length and len(text) > max_length:
        errors[field] = f"{label} paling panjang {max_length} karakter."
    return text


def _clean_targets(values, errors):
    """Indicator, unit, and the optional baseline and five yearly targets (numbers, two decimals at most)."""
    values["indicator"] = _text(values, errors, "indicator", "Indikator", 500)
    values["unit"] = _text(values, errors, "unit", "Satuan", 50)
    for field, label in TARGET_LABELS.items():
        value = values.get(field)
        if value is None:
            continue
        if not isinstance(value, Decimal) or not value.is_finite():
            errors[field] = f"{label} wajib berupa angka."
        elif value != value.quantize(Decimal("0.01")):
            errors[field] = f"{label} paling banyak dua angka desimal."
        elif abs(value) >= INDICATOR_LIMIT:
            errors[field] = f"{label} terlalu besar."


def _clean_code_and_statement(values, errors, *, noun, siblings, instance, where):
    """The code and statement of a goal or target; its code must be free among `siblings`."""
    values["code"] = _text(values, errors, "code", f"Kode {noun}", 20)
    values["statement"] = _text(values, errors, "statement", f"Rumusan {noun}")
    if "code" not in errors and (
        siblings.filter(code=values["code"]).exclude(pk=getattr(instance, "pk", None)).exists()
    ):
        errors["code"] = f"Kode {noun} {values['code']} sudah dipakai {where}."


def _raise_if(errors):
    if errors:
        raise ValidationError(errors)


# --- RPJMD ------------------------------------------------------------------------------------


def _clean_rpjmd(values, rpjmd=None):
    errors = {}
    values["title"] = _text(values, errors, "title", "Judul", 255)
    values["regulation"] = str(values.get("regulation") or "").strip()
    if len(values["regulation"]) > 255:
        errors["regulation"] = "Perda paling panjang 255 karakter."
    first_year = values.get("first_year")
    if not isinstance(first_year, int) or not 2000 <= first_year <= 2096:
        errors["first_year"] = "Tahun pertama RPJMD antara 2000 dan 2096."
    elif Rpjmd.objects.filter(first_year=first_year).exclude(pk=getattr(rpjmd, "pk", None)).exists():
        errors["first_year"] = f"RPJMD yang dimulai tahun {first_year} sudah ada."
    _raise_if(errors)


@transaction.atomic
def create_rpjmd(*, actor, title, first_year, regulation=""):
    _require_rpjmd_editor(actor)
    values = {"title": title, "first_year": first_year, "regulation": regulation}
    _clean_rpjmd(values)
    rpjmd = Rpjmd.objects.create(**values)
    audit.record(actor=actor, action="rpjmd.create", obj=rpjmd, after=audit.snapshot(rpjmd, fields=RPJMD_FIELDS))
    return rpjmd


@transaction.atomic
def update_rpjmd(*, actor, rpjmd, **changes):
    _require_rpjmd_editor(actor)
    reject_unknown_fields(changes, RPJMD_FIELDS)
    rpjmd = Rpjmd.objects.select_for_update().get(pk=rpjmd.pk)
    values = merged_values(rpjmd, changes, RPJMD_FIELDS)
    _clean_rpjmd(values, rpjmd)
    return _save_changes(actor, rpjmd, values, RPJMD_FIELDS, "rpjmd.update")


def _save_changes(actor, instance, values, fields, action, opd=None):
    before = audit.snapshot(instance, fields=fields)
    for field, value in values.items():
        setattr(instance, field, value)
    instance.save()
    after = audit.snapshot(instance, fields=fields)
    if before != after:
        audit.record(actor=actor, action=action, obj=instance, opd=opd, before=before, after=after)
    return instance


def _clean_goal(values, rpjmd, goal=None):
    errors = {}
    siblings = RpjmdGoal.objects.filter(rpjmd=rpjmd)
    _clean_code_and_statement(values, errors, noun="tujuan", siblings=siblings, instance=goal, where="di RPJMD ini")
    _raise_if(errors)


@transaction.atomic
def create_rpjmd_goal(*, actor, rpjmd, code, statement):
    _require_rpjmd_editor(actor)
    values = {"code": code, "statement": statement}
    _clean_goal(values, rpjmd)
    goal = RpjmdGoal.objects.create(rpjmd=rpjmd, **values)
    audit.record(actor=actor, action="rpjmd_goal.create", obj=goal, after=audit.snapshot(goal, fields=GOAL_FIELDS))
    return goal


@transaction.atomic
def update_rpjmd_goal(*, actor, goal, **changes):
    _require_rpjmd_editor(actor)
    reject_unknown_fields(changes, GOAL_FIELDS)
    goal = RpjmdGoal.objects.select_for_update().get(pk=goal.pk)
    values = merged_values(goal, changes, GOAL_FIELDS)
    _clean_goal(values, goal.rpjmd_id, goal)
    return _save_changes(actor, goal, values, GOAL_FIELDS, "rpjmd_goal.update")


@transaction.atomic
def delete_rpjmd_goal(*, actor, goal):
    _require_rpjmd_editor(actor)
    goal = RpjmdGoal.objects.select_for_update().get(pk=goal.pk)
    if RenstraProgram.objects.filter(rpjmd_target__goal=goal).exists():
        raise ValidationError("Sasaran tujuan ini masih dirujuk program Renstra; lepaskan rujukan itu dahulu.")
    before = {
        **audit.snapshot(goal, fields=GOAL_FIELDS),
        "targets": list(goal.targets_set.values_list("code", flat=True)),
    }
    audit.record(actor=actor, action="rpjmd_goal.delete", obj=goal, before=before)
    goal.delete()


def _clean_rpjmd_target(values, goal, target=None):
    errors = {}
    siblings = RpjmdTarget.objects.filter(goal=goal)
    _clean_code_and_statement(
        values, errors, noun="sasaran", siblings=siblings, instance=target, where="pada tujuan ini"
    )
    _clean_targets(values, errors)
    _raise_if(errors)


@transaction.atomic
def create_rpjmd_target(*, actor, goal, **values):
    _require_rpjmd_editor(actor)
    reject_unknown_fields(values, RPJMD_TARGET_FIELDS)
    _clean_rpjmd_target(values, goal)
    target = RpjmdTarget.objects.create(goal=goal, **values)
    audit.record(
        actor=actor,
        action="rpjmd_target.create",
        obj=target,
        after=audit.snapshot(target, fields=["goal", *RPJMD_TARGET_FIELDS]),
    )
    return target


@transaction.atomic
def update_rpjmd_target(*, actor, target, **changes):
    _require_rpjmd_editor(actor)
    reject_unknown_fields(changes, RPJMD_TARGET_FIELDS)
    target = RpjmdTarget.objects.select_for_update().get(pk=target.pk)
    values = merged_values(target, changes, RPJMD_TARGET_FIELDS)
    _clean_rpjmd_target(values, target.goal_id, target)
    return _save_changes(actor, target, values, RPJMD_TARGET_FIELDS, "rpjmd_target.update")


@transaction.atomic
def delete_rpjmd_target(*, actor, target):
    _require_rpjmd_editor(actor)
    target = RpjmdTarget.objects.select_for_update().get(pk=target.pk)
    if target.renstra_programs.exists():
        raise ValidationError("Sasaran ini masih dirujuk program Renstra; lepaskan rujukan itu dahulu.")
    audit.record(
        actor=actor,
        action="rpjmd_target.delete",
        obj=target,
        before=audit.snapshot(target, fields=["goal", *RPJMD_TARGET_FIELDS]),
    )
    target.delete()


# --- Renstra ----------------------------------------------------------------------------------


def period_fiscal_years(rpjmd):
    return FiscalYear.objects.filter(year__gte=rpjmd.first_year, year__lte=rpjmd.last_year)


def find_program(rpjmd, code):
    """The program with this code in the nomenclature the plan's years use (the newest year's list first)."""
    return (
        Nomenclature.objects.filter(
            level=Nomenclature.Level.PROGRAM,
            code=str(code or "").strip(),
            version__fiscal_years__in=period_fiscal_years(rpjmd),
        )
        .order_by("-version__fiscal_years__year")
        .first()
    )


@transaction.atomic
def create_renstra(*, actor, opd, rpjmd):
    _require_renstra_editor(actor, opd)
    if Renstra.objects.filter(opd=opd, rpjmd=rpjmd).exists():
        raise ValidationError({"rpjmd": f"Renstra {opd.name} untuk {rpjmd} sudah ada."})
    renstra = Renstra.objects.create(opd=opd, rpjmd=rpjmd)
    audit.record(actor=actor, action="renstra.create", obj=renstra, opd=opd, after={"rpjmd": rpjmd.pk})
    return renstra


@transaction.atomic
def delete_renstra(*, actor, renstra):
    renstra = Renstra.objects.select_for_update().select_related("opd").get(pk=renstra.pk)
    _require_renstra_editor(actor, renstra)
    if RenjaLine.objects.filter(renstra_program__renstra=renstra).exists():
        raise ValidationError("Program Renstra ini masih dirujuk baris Renja; lepaskan rujukan itu dahulu.")
    before = {"rpjmd": renstra.rpjmd_id, "programs": renstra.programs.count()}
    audit.record(actor=actor, action="renstra.delete", obj=renstra, opd=renstra.opd, before=before)
    renstra.delete()


def _clean_renstra_program(values, renstra, program_row=None):
    errors = {}
    program, target = values.get("program"), values.get("rpjmd_target")
    if not isinstance(program, Nomenclature) or program.level != Nomenclature.Level.PROGRAM:
        errors["program"] = "Pilih program dari nomenklatur."
    elif not any(program.code.startswith(f"{prefix}.") for prefix in [*renstra.opd.bidang_codes, "X.XX"]):
        errors["program"] = f"Program {program.code} di luar bidang urusan {renstra.opd.name}."
    elif not period_fiscal_years(renstra.rpjmd).filter(reference_version_id=program.version_id).exists():
        errors["program"] = f"Program {program.code} bukan dari nomenklatur tahun-tahun periode RPJMD ini."
    if not isinstance(target, RpjmdTarget):
        errors["rpjmd_target"] = "Pilih sasaran RPJMD."
    elif target.goal.rpjmd_id != renstra.rpjmd_id:
        errors["rpjmd_target"] = f"Sasaran {target.code} bukan bagian dari {renstra.rpjmd}."
    if (
        not errors
        and RenstraProgram.objects.filter(renstra=renstra, program=program, rpjmd_target=target)
        .exclude(pk=getattr(program_row, "pk", None))
        .exists()
    ):
        errors["program"] = f"Program {program.code} untuk sasaran {target.code} sudah ada di Renstra ini."
    _clean_targets(values, errors)
    _raise_if(errors)


def _renstra_program_snapshot(row):
    return audit.snapshot(row, fields=RENSTRA_PROGRAM_FIELDS)


@transaction.atomic
def create_renstra_program(*, actor, renstra, **values):
    renstra = Renstra.objects.select_for_update().select_related("opd", "rpjmd").get(pk=renstra.pk)
    _require_renstra_editor(actor, renstra)
    reject_unknown_fields(values, RENSTRA_PROGRAM_FIELDS)
    _clean_renstra_program(values, renstra)
    row = RenstraProgram.objects.create(renstra=renstra, **values)
    audit.record(
        actor=actor, action="renstra_program.create", obj=row, opd=renstra.opd, after=_renstra_program_snapshot(row)
    )
    return row


@transaction.atomic
def update_renstra_program(*, actor, renstra_program, **changes):
    row = (
        RenstraProgram.objects.select_for_update()
        .select_related("renstra__opd", "renstra__rpjmd")
        .get(pk=renstra_program.pk)
    )
    _require_renstra_editor(actor, row.renstra)
    reject_unknown_fields(changes, RENSTRA_PROGRAM_FIELDS)
    values = merged_values(row, changes, RENSTRA_PROGRAM_FIELDS)
    _clean_renstra_program(values, row.renstra, row)
    return _save_changes(actor, row, values, RENSTRA_PROGRAM_FIELDS, "renstra_program.update", opd=row.renstra.opd)


@transaction.atomic
def delete_renstra_program(*, actor, renstra_program):
    row = RenstraProgram.objects.select_for_update().select_related("renstra__opd").get(pk=renstra_program.pk)
    _require_renstra_editor(actor, row.renstra)
    if row.renja_lines.exists():
        raise ValidationError("Program Renstra ini masih dirujuk baris Renja; lepaskan rujukan itu dahulu.")
    audit.record(
        actor=actor,
        action="renstra_program.delete",
        obj=row,
        opd=row.renstra.opd,
        before=_renstra_program_snapshot(row),
    )
    row.delete()


# --- Excel import of the target tables -------------------------------------------------------

TARGET_COLUMNS = {
    "indicator": "indikator",
    "unit": "satuan",
    "baseline": "kondisi_awal",
    **{f"target_{year}": f"target_{year}" for year in range(1, 6)},
}
RPJMD_IMPORT_COLUMNS = ["kode_tujuan", "tujuan", "kode_sasaran", "sasaran", *TARGET_COLUMNS.values()]
RENSTRA_IMPORT_COLUMNS = ["kode_program", "kode_sasaran_rpjmd", *TARGET_COLUMNS.values()]
GOAL_COLUMNS = {"code": "kode_tujuan", "statement": "tujuan"}
RPJMD_TARGET_COLUMNS = {"code": "kode_sasaran", "statement": "sasaran", **TARGET_COLUMNS}
RENSTRA_PROGRAM_COLUMNS = {"program": "kode_program", "rpjmd_target": "kode_sasaran_rpjmd", **TARGET_COLUMNS}


def _target_values(row):
    """Indicator, unit and the optional numbers of a row; a bad number is kept as a parse error."""
    values = {"indicator": row.text("indikator"), "unit": row.text("satuan")}
    for field, column in TARGET_COLUMNS.items():
        if field not in ("indicator", "unit"):
            values[field] = row.decimal(column)
    return values


def import_rpjmd_targets(*, actor, rpjmd, source, filename=None):
    """Create or update the RPJMD's goals and targets from a table; returns counts of what was written."""
    _require_rpjmd_editor(actor)
    rows = read_sheet(source, filename=filename, columns=RPJMD_IMPORT_COLUMNS)
    counts = {"created": 0, "updated": 0}
    goals = {goal.code: goal for goal in rpjmd.goals.all()}
    targets = {(target.goal_id, target.code): target for target in RpjmdTarget.objects.filter(goal__rpjmd=rpjmd)}
    first_line, goal_statement = {}, {}
    with transaction.atomic():
        for row in rows:
            goal_code, target_code = row.text("kode_tujuan"), row.text("kode_sasaran")
            row.code = f"{goal_code}/{target_code}"
            if (goal_code, target_code) in first_line:
                row.fail("kode_sasaran", f"kode ganda: sudah ada di baris {first_line[goal_code, target_code]}")
                continue
            first_line[goal_code, target_code] = row.line
            statement = row.text("tujuan")
            if goal_code in goal_statement and goal_statement[goal_code][1] != statement:
                row.fail("tujuan", f"rumusan tujuan {goal_code} berbeda dengan baris {goal_statement[goal_code][0]}")
                continue
            goal_statement.setdefault(goal_code, (row.line, statement))
            goal = goals.get(goal_code)
            with row.collect(GOAL_COLUMNS):
                if goal is None:
                    goal = create_rpjmd_goal(actor=actor, rpjmd=rpjmd, code=goal_code, statement=statement)
                elif goal.statement != statement:
                    goal = update_rpjmd_goal(actor=actor, goal=goal, statement=statement)
                goals[goal_code] = goal
            if goal is None:  # the goal itself is invalid; its row is already listed
                continue
            values = {"statement": row.text("sasaran"), **_target_values(row)}
            with row.collect(RPJMD_TARGET_COLUMNS):
                target = targets.get((goal.pk, target_code))
                if target is None:
                    create_rpjmd_target(actor=actor, goal=goal, code=target_code, **values)
                    counts["created"] += 1
                else:
                    update_rpjmd_target(actor=actor, target=target, **values)
                    counts["updated"] += 1
        raise_for_errors(rows)
        audit.record(
            actor=actor,
            action="rpjmd.import_targets",
            obj=rpjmd,
            after={"file": str(filename or getattr(source, "name", "")), **counts},
        )
    return counts


def find_rpjmd_target(rpjmd, code):
    """A target of the RPJMD by its code, or by `kode_tujuan/kode_sasaran` where codes repeat across goals.

    Returns (target, message); message says why none was found.
    """
    code = str(code or "").strip()
    goal_code, _, target_code = code.rpartition("/")
    candidates = RpjmdTarget.objects.filter(goal__rpjmd=rpjmd, code=target_code).select_related("goal")
    if goal_code:
        candidates = candidates.filter(goal__code=goal_code)
    found = list(candidates[:2])
    if not found:
        return None, f"sasaran '{code}' tidak ada di {rpjmd}"
    if len(found) > 1:
        return None, f"kode sasaran '{code}' ada di lebih dari satu tujuan; tulis sebagai kode_tujuan/kode_sasaran"
    return found[0], ""


def import_renstra_programs(*, actor, renstra, source, filename=None):
    """Create or update a Renstra's programs (program × RPJMD target) from a table."""
    renstra = Renstra.objects.select_related("opd", "rpjmd").get(pk=renstra.pk)
    _require_renstra_editor(actor, renstra)
    rows = read_sheet(source, filename=filename, columns=RENSTRA_IMPORT_COLUMNS)
    counts = {"created": 0, "updated": 0}
    existing = {(row.program_id, row.rpjmd_target_id): row for row in renstra.programs.all()}
    first_line = {}
    with transaction.atomic():
        for row in rows:
            program_code, target_code = row.text("kode_program"), row.text("kode_sasaran_rpjmd")
            row.code = f"{program_code} → {target_code}"
            values = _target_values(row)
            values["program"] = find_program(renstra.rpjmd, program_code)
            if values["program"] is None:
                row.fail("kode_program", f"program '{program_code}' tidak ada di nomenklatur periode RPJMD")
            values["rpjmd_target"], message = find_rpjmd_target(renstra.rpjmd, target_code)
            if message:
                row.fail("kode_sasaran_rpjmd", message)
            key = (getattr(values["program"], "pk", None), getattr(values["rpjmd_target"], "pk", None))
            if None not in key:
                if key in first_line:
                    row.fail(
                        "kode_program", f"kode ganda: pasangan program dan sasaran sudah ada di baris {first_line[key]}"
                    )
                    continue
                first_line[key] = row.line
            with row.collect(RENSTRA_PROGRAM_COLUMNS):
                if key in existing:
                    update_renstra_program(actor=actor, renstra_program=existing[key], **values)
                    counts["updated"] += 1
                else:
                    create_renstra_program(actor=actor, renstra=renstra, **values)
                    counts["created"] += 1
        raise_for_errors(rows)
        audit.record(
            actor=actor,
            action="renstra.import_programs",
            obj=renstra,
            opd=renstra.opd,
            after={"file": str(filename or getattr(source, "name", "")), **counts},
        )
    return counts
