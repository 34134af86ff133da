"""The standard-price catalogue (SSH, SBU, HSPK, ASB) of one fiscal year: validation and loading.

A catalogue comes from a file (`import_standard_prices`) or is built in code (the demo); both go
through `load_standard_prices`, which checks every row before writing any and then writes all of
them in one transaction with one audit event. Items already in the year are updated (same code),
new ones are added, and items missing from the file are left alone: RKA lines may use them.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from . import access, audit
from .importers import InvalidFile, RowError, parse_decimal, read_table
from .models import MONEY, Account, FiscalYear, StandardPriceItem
from .money import CENT

REQUIRED_COLUMNS = ["kode", "jenis", "nama", "satuan", "harga", "kode_rekening"]
# Other names the same columns carry in catalogues exported from other systems.
COLUMN_ALIASES = {"kode_barang": "kode", "uraian": "nama", "harga_satuan": "harga", "rekening": "kode_rekening"}
ACCOUNT_SEPARATOR = re.compile(r"[;,]")
PRICE_LIMIT = Decimal(10) ** (MONEY["max_digits"] - MONEY["decimal_places"])
MAX_LENGTHS = {
    "code": StandardPriceItem._meta.get_field("code").max_length,
    "name": StandardPriceItem._meta.get_field("name").max_length,
    "unit": StandardPriceItem._meta.get_field("unit").max_length,
}
ITEM_FIELDS = ["kind", "name", "specification", "unit", "price", "tkdn_percent", "is_active"]


@dataclass
class PriceRow:
    line: int
    code: str
    kind: str
    name: str
    specification: str
    unit: str
    price: Decimal | None
    tkdn_percent: Decimal | None
    is_active: bool
    account_codes: list = field(default_factory=list)


@dataclass
class ImportResult:
    year: int
    dry_run: bool = False
    per_kind: dict = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self):
        return bool(self.created or self.updated)

    @property
    def total(self):
        return sum(self.per_kind.values())


def _text(value):
    if value is None:
        return ""
    return " ".join(str(value).split())


def _column_name(header):
    """`Kode Rekening`, `kode-rekening` and `TKDN (%)` become `kode_rekening` and `tkdn`."""
    name = re.sub(r"[^0-9a-z]+", "_", header.lower()).strip("_")
    return COLUMN_ALIASES.get(name, name)


def _amount(value):
    """A cell as Decimal with at most two decimals; Excel floats are checked, not rounded."""
    if isinstance(value, float):
        number = Decimal(repr(value))
        if number != number.quantize(CENT):
            raise ValueError(f"'{value}' lebih dari 2 angka desimal")
        return number
    return parse_decimal(value)


def account_problem(account, version):
    """Why a standard-price item may not be charged to this account ("" when it may)."""
    if account.version_id != version.pk:
        return f"kode rekening {account.code} bukan dari versi referensi {version.name}"
    if not account.code.startswith("5."):
        return f"kode rekening {account.code} bukan akun belanja (5)"
    if account.level != Account.Level.SUB_RINCIAN_OBJEK:
        return f"kode rekening {account.code} bukan tingkat sub rincian objek"
    if not account.is_active:
        return f"kode rekening {account.code} sudah tidak aktif"
    return ""


def _parse_row(line, raw):
    """One record as a PriceRow and its own problems (everything but the accounts' existence)."""
    errors = []
    values = {key: _text(value) for key, value in raw.items()}
    for column in REQUIRED_COLUMNS:
        if not values.get(column):
            errors.append(f"kolom {column} kosong")
    code, name, unit = values.get("kode", ""), values.get("nama", ""), values.get("satuan", "")
    for attribute, text, column in (("code", code, "kode"), ("name", name, "nama"), ("unit", unit, "satuan")):
        if len(text) > MAX_LENGTHS[attribute]:
            errors.append(f"{column} lebih dari {MAX_LENGTHS[attribute]} karakter")
    kind = values.get("jenis", "").upper()
    if kind and kind not in StandardPriceItem.Kind.values:
        errors.append(f"jenis '{values['jenis']}' tidak dikenal (pilihan: {', '.join(StandardPriceItem.Kind.values)})")

    price = None
    if values.get("harga"):
        try:
            price = _amount(raw["harga"])
        except ValueError as exc:
            errors.append(f"harga tidak valid: {exc}")
        else:
            if price <= 0:
                errors.append("harga harus lebih dari 0")
            elif price >= PRICE_LIMIT:
                errors.append("harga terlalu besar")

    tkdn = None
    tkdn_cell = raw.get("tkdn")
    if values.get("tkdn"):
        try:
            tkdn = _amount(tkdn_cell if isinstance(tkdn_cell, int | float | Decimal) else values["tkdn"].rstrip("% "))
        except ValueError as exc:
            errors.append(f"TKDN tidak valid: {exc}")
        else:
            if not 0 <= tkdn <= 100:
                errors.append("TKDN harus antara 0 dan 100 persen")

    active_text = values.get("aktif", "") or "1"
    if active_text not in {"0", "1"}:
        errors.append(f"kolom aktif harus 0 atau 1, bukan '{active_text}'")

    parts = [part.strip() for part in ACCOUNT_SEPARATOR.split(values.get("kode_rekening", ""))]
    row = PriceRow(
        line=line,
        code=code,
        kind=kind,
        name=name,
        specification=values.get("spesifikasi", ""),
        unit=unit,
        price=price,
        tkdn_percent=tkdn,
        is_active=active_text != "0",
        account_codes=list(dict.fromkeys(part for part in parts if part)),
    )
    return row, errors


def validate_records(records, *, fiscal_year):
    """Check every record; return (rows, accounts by code) or raise InvalidFile listing every bad row.

    `records` are (line number, {column: value}) pairs, as `read_table` gives them.
    """
    version = fiscal_year.reference_version
    errors, rows, first_line = [], [], {}
    for line, raw in records:
        row, problems = _parse_row(line, {_column_name(key): value for key, value in raw.items()})
        if row.code in first_line:
            problems.append(f"kode ganda: sudah ada di baris {first_line[row.code]}")
        elif row.code:
            first_line[row.code] = line
        errors.extend(RowError(line, message, row.code) for message in problems)
        rows.append(row)

    wanted = {code for row in rows for code in row.account_codes}
    accounts = {account.code: account for account in Account.objects.filter(version=version, code__in=wanted)}
    for row in rows:
        for code in row.account_codes:
            account = accounts.get(code)
            if account is None:
                message = (
                    f"kode rekening {code} tidak ada pada versi referensi tahun {fiscal_year.year} ({version.name})"
                )
            else:
                message = account_problem(account, version)
            if message:
                errors.append(RowError(row.line, message, row.code))
    if not rows and not errors:
        errors.append(RowError(1, "berkas tidak berisi item standar harga"))
    if errors:
        raise InvalidFile(sorted(errors, key=lambda error: error.line))
    return rows, accounts


def _fiscal_year(year):
    fiscal_year = FiscalYear.objects.select_related("reference_version").filter(year=year).first()
    if fiscal_year is None:
        raise InvalidFile([RowError(0, f"tahun anggaran {year} belum ada; jalankan load_reference_data dahulu")])
    return fiscal_year


def _item_values(row):
    return {
        "kind": row.kind,
        "name": row.name,
        "specification": row.specification,
        "unit": row.unit,
        "price": row.price,
        "tkdn_percent": row.tkdn_percent,
        "is_active": row.is_active,
    }


def _plan(fiscal_year, rows, accounts):
    """What loading the rows would do: new items, changed items (with what changed) and unchanged ones."""
    existing = {item.code: item for item in StandardPriceItem.objects.filter(fiscal_year=fiscal_year)}
    links = {}
    through = StandardPriceItem.accounts.through.objects.filter(standardpriceitem__fiscal_year=fiscal_year)
    for item_id, account_code in through.values_list("standardpriceitem_id", "account__code"):
        links.setdefault(item_id, set()).add(account_code)
    to_create, to_update, unchanged = [], [], 0
    for row in rows:
        values = _item_values(row)
        item = existing.get(row.code)
        if item is None:
            to_create.append((StandardPriceItem(fiscal_year=fiscal_year, code=row.code, **values), row))
            continue
        changes = {key: (getattr(item, key), value) for key, value in values.items() if getattr(item, key) != value}
        old_codes = links.get(item.pk, set())
        if old_codes != set(row.account_codes):
            changes["accounts"] = (sorted(old_codes), sorted(row.account_codes))
        if changes:
            for key, value in values.items():
                setattr(item, key, value)
            to_update.append((item, row, changes))
        else:
            unchanged += 1
    return to_create, to_update, unchanged


def _link(items_and_rows, accounts):
    through = StandardPriceItem.accounts.through
    return [
        through(standardpriceitem_id=item.pk, account_id=accounts[code].pk)
        for item, row in items_and_rows
        for code in row.account_codes
    ]


def load_standard_prices(*, actor=None, records, year, dry_run=False, source_name=""):
    """Validate records and load them into the year's catalogue (or, with dry_run, only count what would change).

    `actor` None is the system (commands, demo); a user must hold the standard-price permissions.
    """
    if actor is not None:
        access.require(actor, "masterdata.add_standardpriceitem")
        access.require(actor, "masterdata.change_standardpriceitem")
    fiscal_year = _fiscal_year(year)
    rows, accounts = validate_records(records, fiscal_year=fiscal_year)
    result = ImportResult(year=year, dry_run=dry_run)
    for row in rows:
        result.per_kind[row.kind] = result.per_kind.get(row.kind, 0) + 1
    if dry_run:
        to_create, to_update, result.unchanged = _plan(fiscal_year, rows, accounts)
        result.created, result.updated = len(to_create), len(to_update)
        return result

    with transaction.atomic():
        # One load per year at a time, so two loads never both create the same code.
        FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
        to_create, to_update, result.unchanged = _plan(fiscal_year, rows, accounts)
        result.created, result.updated = len(to_create), len(to_update)
        if not result.changed:
            return result
        StandardPriceItem.objects.bulk_create([item for item, _ in to_create], batch_size=1000)
        ids = dict(StandardPriceItem.objects.filter(fiscal_year=fiscal_year).values_list("code", "pk"))
        for item, _ in to_create:
            item.pk = ids[item.code]
        StandardPriceItem.objects.bulk_update([item for item, _, _ in to_update], ITEM_FIELDS, batch_size=1000)
        relinked = [(item, row) for item, row, changes in to_update if "accounts" in changes]
        through = StandardPriceItem.accounts.through
        for start in range(0, len(relinked), 500):
            batch = [item.pk for item, _ in relinked[start : start + 500]]
            through.objects.filter(standardpriceitem_id__in=batch).delete()
        through.objects.bulk_create(_link(to_create + relinked, accounts), batch_size=1000)

        updated_before = {item.code: {key: old for key, (old, _) in changes.items()} for item, _, changes in to_update}
        updated_after = {item.code: {key: new for key, (_, new) in changes.items()} for item, _, changes in to_update}
        audit.record(
            actor=actor,
            action="standard_price.import",
            obj=fiscal_year,
            object_repr=f"Standar harga {fiscal_year.year}",
            before={"updated_items": updated_before} if updated_before else None,
            after={
                "source": source_name,
                "per_kind": result.per_kind,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "created_codes": [item.code for item, _ in to_create],
                "updated_items": updated_after,
            },
        )
    return result


def import_standard_prices(*, actor=None, source, year, filename=None, dry_run=False):
    """Load a catalogue file (CSV or XLSX; see REQUIRED_COLUMNS, optional `spesifikasi`, `tkdn`, `aktif`)."""
    header, table = read_table(source, filename=filename)
    columns = {_column_name(name) for name in header if name}
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise InvalidFile([RowError(1, "kolom wajib tidak ada: " + ", ".join(missing))])
    name = Path(str(filename or getattr(source, "name", source))).name
    return load_standard_prices(actor=actor, records=table, year=year, dry_run=dry_run, source_name=name)
