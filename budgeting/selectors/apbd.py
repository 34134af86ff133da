"""APBD version reads: the RAPBD consolidation (ringkasan), the balance and the stored totals.

Every sum runs in the database. Codes are fixed-width, so a prefix of a sub-rincian-objek code is its
rincian objek, objek, jenis, kelompok and akun, and a prefix of a sub-kegiatan code is its kegiatan,
program, bidang and urusan: each rollup is one GROUP BY over such a prefix.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Count,
    Q,
)

from masterdata import access
from masterdata.models import Account, Nomenclature, Opd
from masterdata.money import ZERO, read_money, sum_by

from ..models import (
    ApbdTotal,
    ApbdVersion,
    Rka,
    RkaLine,
    RkaSubKegiatan,
)

ACCOUNT_PREFIX = {"akun": 1, "kelompok": 3, "jenis": 6, "objek": 9, "rincian_objek": 12}

RINGKASAN_LEVELS = ("akun", "kelompok", "jenis", "objek")

NOMENCLATURE_PREFIX = {"urusan": 1, "bidang": 4, "program": 7}

Dimension = ApbdTotal.Dimension

BALANCE_CODES = (("4", "akun"), ("5", "akun"), ("6.1", "kelompok"), ("6.2", "kelompok"))

GROUP_DIMENSIONS = (Dimension.OPD, Dimension.URUSAN, Dimension.BIDANG, Dimension.PROGRAM)


def apbd_version_for(user, pk):
    queryset = ApbdVersion.objects.select_related("fiscal_year", "kua_ppas", "base")
    return access.get_visible_or_404(access.scope_apbd_versions(user, queryset), pk=pk)


@dataclass(frozen=True)
class Row:
    """One rollup figure: an account at some level, or an OPD/urusan/bidang/program for one akun or kelompok."""

    code: str
    name: str
    level: str
    amount: Decimal


@dataclass
class GroupTotal:
    """An OPD, urusan, bidang or program with its amounts per kelompok (4.1 … 5.4, 6.1, 6.2)."""

    code: str
    name: str
    parts: dict = field(default_factory=dict)
    level: str = ""  # in Lampiran II: urusan, bidang or opd

    def akun(self, prefix):
        return sum((amount for code, amount in self.parts.items() if code.startswith(prefix)), ZERO)

    @property
    def pendapatan(self):
        return self.akun("4")

    @property
    def belanja(self):
        return self.akun("5")

    @property
    def penerimaan_pembiayaan(self):
        return self.akun("6.1")

    @property
    def pengeluaran_pembiayaan(self):
        return self.akun("6.2")


@dataclass(frozen=True)
class Balance:
    pendapatan: Decimal
    belanja: Decimal
    penerimaan_pembiayaan: Decimal
    pengeluaran_pembiayaan: Decimal

    @property
    def surplus(self):
        """Surplus (positive) or defisit (negative)."""
        return self.pendapatan - self.belanja

    @property
    def pembiayaan_netto(self):
        return self.penerimaan_pembiayaan - self.pengeluaran_pembiayaan

    @property
    def gap(self):
        """What is left uncovered: zero when net pembiayaan exactly covers the surplus/defisit."""
        return self.surplus + self.pembiayaan_netto

    @property
    def is_balanced(self):
        return self.gap == 0


def version_lines(version):
    return RkaLine.objects.filter(rka__version=version)


def _realised_sql(level):
    """SQL for the urusan, bidang or program code a belanja line counts under. The X.XX supporting programs
    count under the OPD's own (first) bidang, as SIPD and the Perda lampiran show them (X.XX.01 of Dinas
    Kesehatan is 1.02.01)."""
    length = NOMENCLATURE_PREFIX[level]
    own = f"SUBSTR(o.code, 1, {min(length, 4)})"
    if length > 4:
        own = f"{own} || SUBSTR(n.code, 5, {length - 4})"
    return f"CASE WHEN n.code LIKE 'X%%' THEN {own} ELSE SUBSTR(n.code, 1, {length}) END"


def _tables():
    return {
        model: connection.ops.quote_name(model._meta.db_table)
        for model in (RkaLine, Rka, Account, Opd, RkaSubKegiatan, Nomenclature)
    }


def _leaf_sql(table, one_opd):
    """The version's lines (or one OPD's, the second parameter) as per (OPD, sub-kegiatan, account) sums: the
    few thousand rows every rollup groups."""
    # Only table names from the models and fixed code lengths are interpolated; the version id is a parameter.
    lines = f"{table[RkaLine]} l JOIN {table[Rka]} r ON r.id = l.rka_id"
    return (
        "SELECT l.account_id, r.opd_id, l.sub_kegiatan_id, SUM(l.amount) AS amount "  # noqa: S608
        f"FROM {lines} WHERE r.version_id = %s {'AND r.opd_id = %s' if one_opd else ''} "
        "GROUP BY l.account_id, r.opd_id, l.sub_kegiatan_id"
    )


def _rollup_sql(dimensions, account_levels, one_opd):
    """One statement for the requested rollups. The lines are scanned once, into per (OPD, sub-kegiatan,
    account) sums; each rollup is then a GROUP BY over code prefixes of those few thousand sums. With
    `one_opd`, only the lines of the OPD given as the second parameter."""
    table = _tables()
    sub, node = table[RkaSubKegiatan], table[Nomenclature]
    leaf = _leaf_sql(table, one_opd)
    with_account = f"FROM leaf JOIN {table[Account]} a ON a.id = leaf.account_id"
    with_opd = f"{with_account} JOIN {table[Opd]} o ON o.id = leaf.opd_id"
    kelompok = "SUBSTR(a.code, 1, 3)"
    selects = []
    for dimension in dimensions:
        if dimension == Dimension.ACCOUNT:
            for level in account_levels:
                prefix = f"SUBSTR(a.code, 1, {ACCOUNT_PREFIX[level]})"
                selects.append(
                    f"SELECT '{dimension}', {prefix}, '{level}', SUM(leaf.amount) {with_account} GROUP BY {prefix}"
                )
        elif dimension == Dimension.OPD:
            selects.append(
                f"SELECT '{dimension}', o.code, {kelompok}, SUM(leaf.amount) {with_opd} GROUP BY o.code, {kelompok}"
            )
        else:
            unit = _realised_sql(dimension)
            selects.append(
                f"SELECT '{dimension}', {unit}, {kelompok}, SUM(leaf.amount) {with_opd} "
                f"JOIN {sub} s ON s.id = leaf.sub_kegiatan_id JOIN {node} n ON n.id = s.sub_kegiatan_id "
                f"WHERE a.code LIKE '5%%' GROUP BY {unit}, {kelompok}"
            )
    return f"WITH leaf AS ({leaf}) " + " UNION ALL ".join(selects)


def _names(version, codes):
    """Names of the rollup codes: accounts, OPDs, and urusan/bidang/program (X.XX for realised programs)."""
    reference = version.fiscal_year.reference_version_id
    wanted = set(codes[Dimension.ACCOUNT])
    names = {
        Dimension.ACCOUNT: dict(
            Account.objects.filter(version_id=reference, code__in=wanted).values_list("code", "name")
        )
    }
    names[Dimension.OPD] = dict(Opd.objects.filter(code__in=codes[Dimension.OPD]).values_list("code", "name"))
    units = set().union(*(codes[d] for d in (Dimension.URUSAN, Dimension.BIDANG, Dimension.PROGRAM)))
    names |= {dimension: {} for dimension in (Dimension.URUSAN, Dimension.BIDANG, Dimension.PROGRAM)}  # no belanja yet
    if units:
        wanted = units | {"X.XX" + code[4:] for code in units if len(code) > 4}
        found = dict(Nomenclature.objects.filter(version_id=reference, code__in=wanted).values_list("code", "name"))
        for dimension in (Dimension.URUSAN, Dimension.BIDANG, Dimension.PROGRAM):
            names[dimension] = {code: found.get(code) or found.get("X.XX" + code[4:], "") for code in codes[dimension]}
    return names


def rollups(version, dimensions, account_levels=RINGKASAN_LEVELS, opd_id=None):
    """{dimension: {code: {level: amount}}} plus {dimension: {code: name}}, summed in the database; of one
    OPD's lines when `opd_id` is given."""
    one_opd = opd_id is not None
    with connection.cursor() as cursor:
        cursor.execute(_rollup_sql(dimensions, account_levels, one_opd), [version.pk, *([opd_id] if one_opd else [])])
        fetched = cursor.fetchall()
    sums = {dimension: {} for dimension in Dimension.values}
    for dimension, code, level, amount in fetched:
        sums[dimension].setdefault(code, {})[level] = read_money(amount)
    if Dimension.OPD in dimensions:  # every OPD with an RKA, also one without lines yet
        rkas = Rka.objects.filter(version=version, **({"opd_id": opd_id} if one_opd else {}))
        for code in rkas.values_list("opd__code", flat=True):
            sums[Dimension.OPD].setdefault(code, {})
    return sums, _names(version, sums)


def account_rows(sums, names):
    return [
        Row(code, names.get(code, ""), level, amount)
        for code, levels in sorted(sums.items())
        for level, amount in levels.items()
    ]


def group_rows(sums, names):
    return [GroupTotal(code, names.get(code, ""), sums[code]) for code in sorted(sums)]


def totals_by_account(version, levels=RINGKASAN_LEVELS):
    """The ringkasan by akun, kelompok, jenis and objek (or the levels asked for)."""
    sums, names = rollups(version, [Dimension.ACCOUNT], levels)
    return account_rows(sums[Dimension.ACCOUNT], names[Dimension.ACCOUNT])


def group_totals(version, dimension):
    """Per OPD (amounts per kelompok of 4, 5 and 6), or belanja per urusan, bidang or program."""
    sums, names = rollups(version, [dimension])
    return group_rows(sums[dimension], names[dimension])


def balance(version):
    """Pendapatan − belanja = surplus/defisit; net pembiayaan = 6.1 − 6.2; from the same rollup as the ringkasan."""
    sums, _ = rollups(version, [Dimension.ACCOUNT], ("akun", "kelompok"))
    accounts = sums[Dimension.ACCOUNT]
    return Balance(*(accounts.get(code, {}).get(level, ZERO) for code, level in BALANCE_CODES))


@dataclass(frozen=True)
class UrusanOrganisasi:
    """Lampiran II of the Perda: rows of urusan, its bidang and, under each bidang, the OPDs working in it, each
    a GroupTotal (`level` says which); `total` is the whole version's."""

    rows: list
    total: GroupTotal


def urusan_organisasi(version):
    """Pendapatan and belanja per urusan, bidang and OPD. Belanja counts under the bidang of its sub-kegiatan
    (a supporting X.XX program under the OPD's own, as in every rollup), pendapatan under the OPD's own bidang;
    one statement over the version's lines."""
    table = _tables()
    bidang = f"COALESCE({_realised_sql('bidang')}, SUBSTR(o.code, 1, 4))"
    kelompok = "SUBSTR(a.code, 1, 3)"
    sql = (
        f"WITH leaf AS ({_leaf_sql(table, False)}) "  # noqa: S608
        f"SELECT {bidang}, o.code, {kelompok}, SUM(leaf.amount) "
        f"FROM leaf JOIN {table[Account]} a ON a.id = leaf.account_id JOIN {table[Opd]} o ON o.id = leaf.opd_id "
        f"LEFT JOIN {table[RkaSubKegiatan]} s ON s.id = leaf.sub_kegiatan_id "
        f"LEFT JOIN {table[Nomenclature]} n ON n.id = s.sub_kegiatan_id "
        f"WHERE a.code LIKE '4%%' OR a.code LIKE '5%%' GROUP BY {bidang}, o.code, {kelompok}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [version.pk])
        fetched = cursor.fetchall()
    codes = {dimension: set() for dimension in Dimension.values}
    for bidang_code, opd_code, _, _ in fetched:
        codes[Dimension.URUSAN].add(bidang_code[:1])
        codes[Dimension.BIDANG].add(bidang_code)
        codes[Dimension.OPD].add(opd_code)
    names = _names(version, codes)
    groups, total = {}, GroupTotal("", "JUMLAH")
    for bidang_code, opd_code, kelompok_code, amount in fetched:
        keys = (
            (Dimension.URUSAN, (bidang_code[:1],), bidang_code[:1]),
            (Dimension.BIDANG, (bidang_code[:1], bidang_code), bidang_code),
            (Dimension.OPD, (bidang_code[:1], bidang_code, opd_code), opd_code),
        )
        for dimension, key, code in keys:
            group = groups.setdefault(key, GroupTotal(code, names[dimension].get(code, ""), level=dimension))
            group.parts[kelompok_code] = group.parts.get(kelompok_code, ZERO) + read_money(amount)
        total.parts[kelompok_code] = total.parts.get(kelompok_code, ZERO) + read_money(amount)
    return UrusanOrganisasi([groups[key] for key in sorted(groups)], total)


def _flatten(group):
    """A group's figures as rows: each kelompok, plus the akun totals of pendapatan and belanja."""
    rows = [Row(group.code, group.name, kelompok, amount) for kelompok, amount in sorted(group.parts.items())]
    for akun in ("4", "5"):
        if any(code.startswith(akun) for code in group.parts):
            rows.append(Row(group.code, group.name, akun, group.akun(akun)))
    return sorted(rows, key=lambda row: (row.code, row.level))


def rollup_rows(version, opd_id=None):
    """Every rollup of a version (or of one OPD's part of it) as rows per dimension, from one scan of its
    lines: what publication stores and the diff compares."""
    sums, names = rollups(version, Dimension.values, opd_id=opd_id)
    rows = {Dimension.ACCOUNT: account_rows(sums[Dimension.ACCOUNT], names[Dimension.ACCOUNT])}
    for dimension in GROUP_DIMENSIONS:
        rows[dimension] = [row for group in group_rows(sums[dimension], names[dimension]) for row in _flatten(group)]
    return rows


def stored_rows(version, dimension):
    """The rows stored at publication; public pages read these and never aggregate lines."""
    stored = ApbdTotal.objects.filter(version=version, dimension=dimension).values_list(
        "code", "name", "level", "amount"
    )
    # Sorted here, not by the database: a collation may order dotted codes differently.
    return sorted((Row(*values) for values in stored), key=lambda row: (row.code, row.level))


def stored_group_totals(version, dimension):
    groups = {}
    for row in stored_rows(version, dimension):
        if "." in row.level:  # kelompok rows; the akun rows are their sums
            groups.setdefault(row.code, GroupTotal(row.code, row.name)).parts[row.level] = row.amount
    return list(groups.values())


def stored_balance(version):
    amounts = dict(
        ApbdTotal.objects.filter(
            version=version, dimension=Dimension.ACCOUNT, code__in=["4", "5", "6.1", "6.2"]
        ).values_list("code", "amount")
    )
    return Balance(*(amounts.get(code, ZERO) for code in ("4", "5", "6.1", "6.2")))


def belanja_by_opd(version):
    """{opd_id: belanja} for every RKA of the version (zero when it has no belanja lines)."""
    totals = dict.fromkeys(Rka.objects.filter(version=version).values_list("opd_id", flat=True), ZERO)
    for row in sum_by(version_lines(version).filter(akun=RkaLine.Akun.BELANJA), "rka__opd_id"):
        totals[row["rka__opd_id"]] = row["amount"]
    return totals


def apbd_warnings(version):
    """Customary deadlines that were missed: worth a warning, never a refusal."""
    year = version.fiscal_year.year
    warnings = []
    if version.kind == ApbdVersion.Kind.MURNI:
        agree_by, adopt_by = datetime.date(year - 1, 11, 30), datetime.date(year - 1, 12, 31)
        if version.dprd_agreement_date and version.dprd_agreement_date > agree_by:
            warnings.append(f"Persetujuan bersama DPRD melewati batas lazim {agree_by:%d-%m-%Y}.")
        if version.perda_date and version.perda_date > adopt_by:
            warnings.append(f"Penetapan Perda APBD melewati batas {adopt_by:%d-%m-%Y}.")
    elif version.kind == ApbdVersion.Kind.PERUBAHAN:
        agree_by = datetime.date(year, 9, 30)  # three months before the year ends
        if version.dprd_agreement_date and version.dprd_agreement_date > agree_by:
            warnings.append(f"Persetujuan bersama Perubahan APBD melewati batas {agree_by:%d-%m-%Y}.")
    return warnings


def apbd_versions_with_counts(user, fiscal_year):
    """The year's versions the user may read, each with its number of RKAs and of approved RKAs among those
    the user may read."""
    readable = Q(rkas__in=access.scope_rka(user, Rka.objects.all()))
    return visible_apbd_versions(user, fiscal_year=fiscal_year).annotate(
        rka_count=Count("rkas", filter=readable),
        approved_count=Count("rkas", filter=readable & Q(rkas__state=Rka.State.APPROVED)),
    )


def visible_apbd_versions(user, *, fiscal_year=None):
    """The APBD versions the user may read, the newest first; one year's in their order (murni first)."""
    if fiscal_year is None:
        versions = ApbdVersion.objects.select_related("fiscal_year")
        return access.scope_apbd_versions(user, versions).order_by("-fiscal_year__year", "-number")
    versions = ApbdVersion.objects.filter(fiscal_year=fiscal_year).select_related(
        "fiscal_year", "base__fiscal_year", "kua_ppas__fiscal_year"
    )  # each is named by its year, and so are its base and KUA-PPAS
    return access.scope_apbd_versions(user, versions).order_by("number")


@dataclass(frozen=True)
class Ringkasan:
    """Every rollup of a version: accounts (akun to objek), groups per OPD/urusan/bidang/program, the balance."""

    stored: bool
    balance: Balance
    accounts: list
    groups: dict
    opd_id: int | None = None  # the one OPD whose lines these are, when the reader may not see the whole


def is_stored(version):
    """A published version whose totals were stored at publication: readers get those, not a new sum."""
    return version.state == ApbdVersion.State.PUBLISHED and ApbdTotal.objects.filter(version=version).exists()


def ringkasan(user, version):
    """The figures of a version the user may read: the stored totals once published (what the public saw),
    else one scan of the lines (of the user's own OPD only, when the access rules say so) for every rollup."""
    opd_id = access.apbd_figures_opd(user, version)
    if opd_id is None and is_stored(version):
        groups = {dimension: stored_group_totals(version, dimension) for dimension in GROUP_DIMENSIONS}
        return Ringkasan(True, stored_balance(version), stored_rows(version, Dimension.ACCOUNT), groups)
    sums, names = rollups(version, Dimension.values, opd_id=opd_id)
    accounts = sums[Dimension.ACCOUNT]
    totals = Balance(*(accounts.get(code, {}).get(level, ZERO) for code, level in BALANCE_CODES))
    groups = {dimension: group_rows(sums[dimension], names[dimension]) for dimension in GROUP_DIMENSIONS}
    return Ringkasan(False, totals, account_rows(accounts, names[Dimension.ACCOUNT]), groups, opd_id)
