"""Budget reads: scoped look-ups, the RAPBD consolidation (ringkasan), the balance, stored totals and diffs.

Every sum runs in the database. Codes are fixed-width, so a prefix of a sub-rincian-objek code is its
rincian objek, objek, jenis, kelompok and akun, and a prefix of a sub-kegiatan code is its kegiatan,
program, bidang and urusan: each rollup is one GROUP BY over such a prefix.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Substr

from masterdata import access
from masterdata.models import MONEY, Account, Nomenclature, Opd, StandardPriceItem
from planning.models import RenjaLine

from . import services
from .models import (
    ApbdTotal,
    ApbdVersion,
    CashPlan,
    Ceiling,
    Dpa,
    KuaAccountLine,
    KuaPpas,
    Rka,
    RkaComment,
    RkaLine,
    RkaSubKegiatan,
    Transition,
)
from .services import CENT, SAVED_LINE_RELATED, ZERO, read_money, rupiah


def money_sum(expression="amount", **kwargs):
    """SUM of a money column, zero when there are no rows."""
    field = DecimalField(**MONEY)
    return Coalesce(Sum(expression, **kwargs), Value(ZERO, output_field=field), output_field=field)


def total_of(queryset, expression="amount"):
    """A money total to the sen: SQLite hands sums back unquantized, PostgreSQL with two decimals."""
    return queryset.aggregate(t=money_sum(expression))["t"].quantize(CENT)


ACCOUNT_PREFIX = {"akun": 1, "kelompok": 3, "jenis": 6, "objek": 9, "rincian_objek": 12}
RINGKASAN_LEVELS = ("akun", "kelompok", "jenis", "objek")
NOMENCLATURE_PREFIX = {"urusan": 1, "bidang": 4, "program": 7}
SUB_CODE = "sub_kegiatan__sub_kegiatan__code"
OPD_CODE = "rka__opd__code"
Dimension = ApbdTotal.Dimension
BALANCE_CODES = (("4", "akun"), ("5", "akun"), ("6.1", "kelompok"), ("6.2", "kelompok"))
GROUP_DIMENSIONS = (Dimension.OPD, Dimension.URUSAN, Dimension.BIDANG, Dimension.PROGRAM)


# --- Scoped look-ups --------------------------------------------------------------------------


def kua_versions_for(user, fiscal_year):
    kuas = KuaPpas.objects.filter(fiscal_year=fiscal_year).select_related("fiscal_year")
    return access.scope_kua_ppas(user, kuas).order_by("number")


def kua_ppas_for(user, pk):
    return access.get_visible_or_404(access.scope_kua_ppas(user, KuaPpas.objects.select_related("fiscal_year")), pk=pk)


def ceilings_for(user, kua):
    return (
        access.scope_ceilings(user, Ceiling.objects.filter(kua_ppas=kua))
        .select_related("opd", "program", "sub_kegiatan")
        .order_by("opd__code", "program__code", "sub_kegiatan__code")
    )


def kua_account_lines(kua):
    return KuaAccountLine.objects.filter(kua_ppas=kua).select_related("account").order_by("account__code")


def apbd_versions_for(user, fiscal_year):
    versions = ApbdVersion.objects.filter(fiscal_year=fiscal_year).select_related(
        "fiscal_year", "base__fiscal_year", "kua_ppas__fiscal_year"
    )  # each is named by its year, and so are its base and KUA-PPAS
    return access.scope_apbd_versions(user, versions).order_by("number")


def apbd_version_for(user, pk):
    queryset = ApbdVersion.objects.select_related("fiscal_year", "kua_ppas", "base")
    return access.get_visible_or_404(access.scope_apbd_versions(user, queryset), pk=pk)


def rkas_for(user, version):
    return access.scope_rka(user, Rka.objects.filter(version=version)).select_related("opd").order_by("opd__code")


def dpas_for(user, version):
    return access.scope_dpa(user, Dpa.objects.filter(version=version)).select_related("opd").order_by("opd__code")


def dpa_for(user, pk):
    return access.get_visible_or_404(
        access.scope_dpa(user, Dpa.objects.select_related("opd", "rka", "version__fiscal_year")), pk=pk
    )


# --- Consolidation ----------------------------------------------------------------------------


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


def _sum_by(queryset, *keys):
    """Sums per group, each to the sen."""
    for row in queryset.values(*keys).annotate(amount=money_sum()).order_by():
        row["amount"] = row["amount"].quantize(CENT)
        yield row


def _realised_sql(level):
    """SQL for the urusan, bidang or program code a belanja line counts under. The X.XX supporting programs
    count under the OPD's own (first) bidang, as SIPD and the Perda lampiran show them (X.XX.01 of Dinas
    Kesehatan is 1.02.01)."""
    length = NOMENCLATURE_PREFIX[level]
    own = f"SUBSTR(o.code, 1, {min(length, 4)})"
    if length > 4:
        own = f"{own} || SUBSTR(n.code, 5, {length - 4})"
    return f"CASE WHEN n.code LIKE 'X%%' THEN {own} ELSE SUBSTR(n.code, 1, {length}) END"


def _rollup_sql(dimensions, account_levels):
    """One statement for the requested rollups. The lines are scanned once, into per (OPD, sub-kegiatan,
    account) sums; each rollup is then a GROUP BY over code prefixes of those few thousand sums."""
    table = {model: connection.ops.quote_name(model._meta.db_table) for model in (RkaLine, Rka, Account, Opd)}
    sub = connection.ops.quote_name(RkaSubKegiatan._meta.db_table)
    node = connection.ops.quote_name(Nomenclature._meta.db_table)
    # Only table names from the models and fixed code lengths are interpolated; the version id is a parameter.
    lines = f"{table[RkaLine]} l JOIN {table[Rka]} r ON r.id = l.rka_id"
    leaf = (
        "SELECT l.account_id, r.opd_id, l.sub_kegiatan_id, SUM(l.amount) AS amount "  # noqa: S608
        f"FROM {lines} WHERE r.version_id = %s GROUP BY l.account_id, r.opd_id, l.sub_kegiatan_id"
    )
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


def _rollups(version, dimensions, account_levels=RINGKASAN_LEVELS):
    """{dimension: {code: {level: amount}}} plus {dimension: {code: name}}, summed in the database."""
    with connection.cursor() as cursor:
        cursor.execute(_rollup_sql(dimensions, account_levels), [version.pk])
        fetched = cursor.fetchall()
    sums = {dimension: {} for dimension in Dimension.values}
    for dimension, code, level, amount in fetched:
        sums[dimension].setdefault(code, {})[level] = read_money(amount)
    if Dimension.OPD in dimensions:  # every OPD with an RKA, also one without lines yet
        for code in Rka.objects.filter(version=version).values_list("opd__code", flat=True):
            sums[Dimension.OPD].setdefault(code, {})
    return sums, _names(version, sums)


def _account_rows(sums, names):
    return [
        Row(code, names.get(code, ""), level, amount)
        for code, levels in sorted(sums.items())
        for level, amount in levels.items()
    ]


def _groups(sums, names):
    return [GroupTotal(code, names.get(code, ""), sums[code]) for code in sorted(sums)]


def totals_by_account(version, levels=RINGKASAN_LEVELS):
    """The ringkasan by akun, kelompok, jenis and objek (or the levels asked for)."""
    sums, names = _rollups(version, [Dimension.ACCOUNT], levels)
    return _account_rows(sums[Dimension.ACCOUNT], names[Dimension.ACCOUNT])


def group_totals(version, dimension):
    """Per OPD (amounts per kelompok of 4, 5 and 6), or belanja per urusan, bidang or program."""
    sums, names = _rollups(version, [dimension])
    return _groups(sums[dimension], names[dimension])


def balance(version):
    """Pendapatan − belanja = surplus/defisit; net pembiayaan = 6.1 − 6.2; from the same rollup as the ringkasan."""
    sums, _ = _rollups(version, [Dimension.ACCOUNT], ("akun", "kelompok"))
    accounts = sums[Dimension.ACCOUNT]
    return Balance(*(accounts.get(code, {}).get(level, ZERO) for code, level in BALANCE_CODES))


def _flatten(group):
    """A group's figures as rows: each kelompok, plus the akun totals of pendapatan and belanja."""
    rows = [Row(group.code, group.name, kelompok, amount) for kelompok, amount in sorted(group.parts.items())]
    for akun in ("4", "5"):
        if any(code.startswith(akun) for code in group.parts):
            rows.append(Row(group.code, group.name, akun, group.akun(akun)))
    return sorted(rows, key=lambda row: (row.code, row.level))


def rollup_rows(version):
    """Every rollup of a version as rows per dimension, from one scan of its lines: what publication stores
    and the diff compares."""
    sums, names = _rollups(version, Dimension.values)
    rows = {Dimension.ACCOUNT: _account_rows(sums[Dimension.ACCOUNT], names[Dimension.ACCOUNT])}
    for dimension in GROUP_DIMENSIONS:
        rows[dimension] = [row for group in _groups(sums[dimension], names[dimension]) for row in _flatten(group)]
    return rows


# --- Stored (published) totals ----------------------------------------------------------------


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


# --- Checks on a version ----------------------------------------------------------------------


def belanja_by_opd(version):
    """{opd_id: belanja} for every RKA of the version (zero when it has no belanja lines)."""
    totals = dict.fromkeys(Rka.objects.filter(version=version).values_list("opd_id", flat=True), ZERO)
    for row in _sum_by(version_lines(version).filter(akun=RkaLine.Akun.BELANJA), "rka__opd_id"):
        totals[row["rka__opd_id"]] = row["amount"]
    return totals


def ceiling_breaches(version):
    """Messages for every ceiling of the version's KUA-PPAS that its belanja exceeds (lines copied into an
    amendment were never checked against the new ceilings), and for belanja of an OPD without a ceiling."""
    ceilings = Ceiling.objects.filter(kua_ppas_id=version.kua_ppas_id).select_related("opd", "program", "sub_kegiatan")
    belanja = version_lines(version).filter(akun=RkaLine.Akun.BELANJA)
    used = {
        "opd": {r["rka__opd_id"]: r["amount"] for r in _sum_by(belanja, "rka__opd_id")},
        "program": {
            (r["rka__opd_id"], r["node"]): r["amount"]
            for r in _sum_by(
                belanja.annotate(node=F("sub_kegiatan__sub_kegiatan__parent__parent_id")), "rka__opd_id", "node"
            )
        },
        "sub_kegiatan": {
            (r["rka__opd_id"], r["node"]): r["amount"]
            for r in _sum_by(belanja.annotate(node=F("sub_kegiatan__sub_kegiatan_id")), "rka__opd_id", "node")
        },
    }
    problems = []
    with_ceiling = set()
    for ceiling in ceilings:
        if ceiling.program_id:
            spent, label = used["program"].get((ceiling.opd_id, ceiling.program_id), ZERO), ceiling.program.code
        elif ceiling.sub_kegiatan_id:
            spent = used["sub_kegiatan"].get((ceiling.opd_id, ceiling.sub_kegiatan_id), ZERO)
            label = ceiling.sub_kegiatan.code
        else:
            with_ceiling.add(ceiling.opd_id)
            spent, label = used["opd"].get(ceiling.opd_id, ZERO), None
        if spent > ceiling.amount:
            target = f"plafon {ceiling.opd.name}" + (f" / {label}" if label else "")
            problems.append(
                f"Belanja melebihi {target}: {rupiah(spent)} dari plafon {rupiah(ceiling.amount)} "
                f"(lebih {rupiah(spent - ceiling.amount)})."
            )
    without = [opd_id for opd_id, amount in used["opd"].items() if amount and opd_id not in with_ceiling]
    for name in Opd.objects.filter(pk__in=without).order_by("code").values_list("name", flat=True):
        problems.append(f"{name} memiliki belanja tetapi tidak memiliki plafon.")
    return problems


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


def cash_plan_status(dpa):
    """Per sub-kegiatan (belanja) and per revenue/financing group: pagu, planned months and the difference."""
    lines = RkaLine.objects.filter(rka_id=dpa.rka_id)
    pagu = {
        (CashPlan.Group.BELANJA.value, r["sub_kegiatan_id"]): r["amount"]
        for r in _sum_by(lines.filter(akun=RkaLine.Akun.BELANJA), "sub_kegiatan_id")
    }
    others = lines.exclude(akun=RkaLine.Akun.BELANJA).annotate(
        group=Case(
            When(akun=RkaLine.Akun.PENDAPATAN, then=Value("4")),
            default=Substr("account__code", 1, 3),
            output_field=CharField(),
        )
    )
    pagu.update({(r["group"], None): r["amount"] for r in _sum_by(others, "group")})
    planned = {
        (r["account_group"], r["sub_kegiatan_id"]): r["amount"]
        for r in _sum_by(CashPlan.objects.filter(dpa=dpa), "account_group", "sub_kegiatan_id")
    }
    return [
        {
            "account_group": group,
            "sub_kegiatan_id": sub_id,
            "pagu": pagu.get((group, sub_id), ZERO),
            "planned": planned.get((group, sub_id), ZERO),
            "difference": planned.get((group, sub_id), ZERO) - pagu.get((group, sub_id), ZERO),
        }
        for group, sub_id in sorted(set(pagu) | set(planned), key=lambda key: (key[0], key[1] or 0))
    ]


# --- Diff of two versions ---------------------------------------------------------------------


def _hops(ancestor, descendant):
    """How many amendments lie between two versions of one line of descent, or None if none does."""
    hops, current = 0, descendant
    while current is not None and current.pk != ancestor.pk:
        current = ApbdVersion.objects.filter(pk=current.base_id).first() if current.base_id else None
        hops += 1
    return hops if current is not None else None


@dataclass
class LineDiff:
    """`added`: lines of the new version without a counterpart; `removed`: lines of the old one without one;
    `changed`: counterparts whose amount, account or sub-kegiatan differ, annotated with old_amount,
    new_amount, delta, old_account_code and old_sub_kegiatan_code. All are querysets (paginate them)."""

    added: object
    removed: object
    changed: object

    def totals(self):
        added, removed = total_of(self.added), total_of(self.removed)
        changed = total_of(self.changed, "delta")
        return {"added": added, "removed": removed, "changed": changed, "net": added - removed + changed}


def diff_lines(old, new):
    """Lines of two versions matched through their copied_from chains (each amendment copies its base)."""
    hops = _hops(old, new)
    forward = hops is not None
    if not forward:
        hops = _hops(new, old)
    if hops is None:
        raise ValidationError("Kedua versi tidak berada dalam satu garis perubahan APBD yang sama.")
    ancestor, descendant = (old, new) if forward else (new, old)
    path = "__".join(["copied_from"] * hops)
    display = ("rka__opd", "account", "sub_kegiatan__sub_kegiatan")
    desc = version_lines(descendant).annotate(origin_id=F(path) if path else F("pk")).select_related(*display)
    matched = desc.filter(origin_id__isnull=False)
    unmatched_anc = version_lines(ancestor).exclude(pk__in=matched.values("origin_id")).select_related(*display)
    if not path:
        changed = matched.none()
    else:
        # Compared on ids over every matched line; the codes shown are joined for the changed ones only.
        compared = matched.annotate(
            anc_amount=F(f"{path}__amount"),
            anc_account=F(f"{path}__account"),
            anc_node=Coalesce(F(f"{path}__sub_kegiatan__sub_kegiatan"), 0),
            own_node=Coalesce(F("sub_kegiatan__sub_kegiatan"), 0),
        ).annotate(
            is_changed=Case(
                When(Q(amount=F("anc_amount"), account=F("anc_account"), own_node=F("anc_node")), then=Value(False)),
                default=Value(True),
            )
        )
        anc = {
            "amount": F(f"{path}__amount"),
            "account": F(f"{path}__account__code"),
            "sub": Coalesce(F(f"{path}__{SUB_CODE}"), Value("")),
        }
        own = {"amount": F("amount"), "account": F("account__code"), "sub": Coalesce(F(SUB_CODE), Value(""))}
        before, after = (anc, own) if forward else (own, anc)
        changed = (
            RkaLine.objects.filter(pk__in=compared.filter(is_changed=True).values("pk"))
            .select_related(*display)
            .annotate(
                old_amount=before["amount"],
                new_amount=after["amount"],
                old_account_code=before["account"],
                new_account_code=after["account"],
                old_sub_kegiatan_code=before["sub"],
                new_sub_kegiatan_code=after["sub"],
            )
            .annotate(delta=ExpressionWrapper(F("new_amount") - F("old_amount"), output_field=DecimalField(**MONEY)))
            .order_by(OPD_CODE, "account__code", "pk")
        )
    unmatched_desc = desc.filter(origin_id__isnull=True)
    added, removed = (unmatched_desc, unmatched_anc) if forward else (unmatched_anc, unmatched_desc)
    ordering = (OPD_CODE, "account__code", "pk")
    return LineDiff(added.order_by(*ordering), removed.order_by(*ordering), changed)


@dataclass(frozen=True)
class DiffRow:
    code: str
    name: str
    level: str
    old: Decimal
    new: Decimal

    @property
    def delta(self):
        return self.new - self.old


def _rows_of(version):
    """Stored rows for a published version (they are what the public saw), live rows otherwise."""
    if version.state == ApbdVersion.State.PUBLISHED and ApbdTotal.objects.filter(version=version).exists():
        return {dimension: stored_rows(version, dimension) for dimension in Dimension.values}
    return rollup_rows(version)


def diff_rollups(old, new, changed_only=False):
    """Every rollup (account levels, OPD, urusan, bidang, program) of two versions side by side with deltas."""
    old_rows, new_rows = _rows_of(old), _rows_of(new)
    result = {}
    for dimension in Dimension.values:
        before = {(r.code, r.level): r for r in old_rows[dimension]}
        after = {(r.code, r.level): r for r in new_rows[dimension]}
        rows = []
        for key in sorted(set(before) | set(after)):
            named = after.get(key) or before[key]
            row = DiffRow(
                key[0],
                named.name,
                key[1],
                before[key].amount if key in before else ZERO,
                after[key].amount if key in after else ZERO,
            )
            if row.delta or not changed_only:
                rows.append(row)
        result[dimension] = rows
    return result


# --- Pages: RKA editor, verification inbox, ceiling table, DPA list ----------------------------

MONEY_FIELD = DecimalField(**MONEY)
PICKER_WORDS = 6  # a search uses at most this many words


def _money_subquery(queryset, expression="amount"):
    """The sum of a correlated queryset (already filtered on OuterRef), zero when it has no rows."""
    summed = queryset.order_by().values(group=Value(1)).annotate(t=Sum(expression)).values("t")
    return Coalesce(Subquery(summed, output_field=MONEY_FIELD), Value(ZERO, output_field=MONEY_FIELD))


def _count_subquery(queryset):
    counted = queryset.order_by().values(group=Value(1)).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _words(query):
    return query.split()[:PICKER_WORDS]


def rka_for(user, pk):
    """One RKA the user may read; 404 for missing and not-yours alike."""
    queryset = Rka.objects.select_related("opd", "version__fiscal_year__reference_version", "version__kua_ppas")
    return access.get_visible_or_404(access.scope_rka(user, queryset), pk=pk)


def rkas_with_totals(user, version):
    """The version's RKAs the user may read with their figures (see visible_rkas), comment count and remaining
    OPD ceiling: one query whatever the number of RKAs and lines."""
    return (
        visible_rkas(user)
        .filter(version=version)
        .annotate(
            comment_count=_count_subquery(RkaComment.objects.filter(rka_id=OuterRef("pk"))),
            remaining=ExpressionWrapper(F("ceiling") - F("belanja"), output_field=MONEY_FIELD),
        )
        .order_by("opd__code")
    )


def rka_state_counts(user, version):
    """{state: number of RKAs} of the version among those the user may read."""
    return dict(rkas_for(user, version).values_list("state").annotate(n=Count("pk")).order_by())


def rka_sub_kegiatan_rows(rka):
    """The sub-kegiatan of an RKA with their belanja, line count and own ceiling (if one is set)."""
    ceiling = Ceiling.objects.filter(
        kua_ppas_id=rka.version.kua_ppas_id, opd_id=rka.opd_id, sub_kegiatan_id=OuterRef("sub_kegiatan_id")
    ).values("amount")[:1]
    lines = RkaLine.objects.filter(sub_kegiatan_id=OuterRef("pk"))
    return (
        RkaSubKegiatan.objects.filter(rka=rka)
        .select_related("sub_kegiatan__parent__parent")
        .annotate(
            total=_money_subquery(lines),
            line_count=_count_subquery(lines),
            ceiling=Subquery(ceiling, output_field=MONEY_FIELD),
        )
        .order_by("sub_kegiatan__code")
    )


def rka_section_totals(rka):
    """Pendapatan and pembiayaan lines of an RKA (they sit outside the sub-kegiatan): {akun: (count, total)}."""
    rows = (
        RkaLine.objects.filter(rka=rka, sub_kegiatan__isnull=True)
        .values("akun")
        .annotate(n=Count("pk"), total=money_sum())
        .order_by()
    )
    return {str(row["akun"]): (row["n"], row["total"].quantize(CENT)) for row in rows}


def rka_lines(rka, *, sub_kegiatan=None, akun="5", query=""):
    """The lines of one sub-kegiatan (or the pendapatan / pembiayaan lines of the RKA), as the editor shows
    them: account order, then work package; every word of `query` must match somewhere in the line."""
    lines = RkaLine.objects.filter(rka=rka)
    if sub_kegiatan is not None:
        lines = lines.filter(sub_kegiatan=sub_kegiatan)
    else:
        lines = lines.filter(sub_kegiatan__isnull=True, akun=int(akun))
    for word in _words(query):
        lines = lines.filter(
            Q(account__code__icontains=word)
            | Q(account__name__icontains=word)
            | Q(standard_price__name__icontains=word)
            | Q(work_package__icontains=word)
            | Q(description__icontains=word)
            | Q(specification__icontains=word)
        )
    comments = RkaComment.objects.select_related("author").order_by("created_at", "pk")
    return (
        lines.select_related("account", "standard_price", "funding_source")
        .prefetch_related(Prefetch("comments", queryset=comments))
        .order_by("account__code", "work_package", "pk")
    )


def rka_general_comments(rka):
    return RkaComment.objects.filter(rka=rka, line__isnull=True).select_related("author").order_by("created_at", "pk")


def line_account_options(rka, *, akun, query, limit):
    """Sub rincian objek accounts of the year under `akun` matching every word (code or name); one more than
    `limit` so the caller can tell there are more."""
    accounts = Account.objects.filter(
        version_id=rka.version.fiscal_year.reference_version_id,
        level=Account.Level.SUB_RINCIAN_OBJEK,
        is_active=True,
        code__startswith=akun,
    )
    for word in _words(query):
        accounts = accounts.filter(Q(code__icontains=word) | Q(name__icontains=word))
    return list(accounts.order_by("code")[: limit + 1])


def standard_price_options(fiscal_year, account, *, query, limit):
    """Active catalogue items of the year that may be charged to `account`, matching every word."""
    items = StandardPriceItem.objects.filter(fiscal_year=fiscal_year, is_active=True, accounts=account)
    for word in _words(query):
        items = items.filter(Q(code__icontains=word) | Q(name__icontains=word) | Q(specification__icontains=word))
    return list(items.order_by("name", "price", "code")[: limit + 1])


def account_uses_standard_prices(fiscal_year, account):
    return StandardPriceItem.objects.filter(fiscal_year=fiscal_year, accounts=account).exists()


def kua_account_options(kua, *, levels_by_akun, query, limit):
    """Accounts a KUA-PPAS line may use (pendapatan to objek, belanja by kelompok and jenis, pembiayaan)."""
    allowed = Q()
    for akun, levels in levels_by_akun.items():
        allowed |= Q(code__startswith=akun, level__in=levels)
    accounts = Account.objects.filter(allowed, version_id=kua.fiscal_year.reference_version_id, is_active=True)
    for word in _words(query):
        accounts = accounts.filter(Q(code__icontains=word) | Q(name__icontains=word))
    return list(accounts.order_by("code")[: limit + 1])


def opd_ceiling_rows(user, kua, *, query=""):
    """The OPD ceilings of a version with the RKPD's pagu indikatif (and the ceiling's difference from it) and
    the number and sum of the program and sub-kegiatan ceilings inside each: one query."""
    narrower = Ceiling.objects.filter(kua_ppas_id=kua.pk, opd_id=OuterRef("opd_id")).exclude(
        program__isnull=True, sub_kegiatan__isnull=True
    )
    pagu = RenjaLine.objects.filter(renja__rkpds=kua.rkpd_id, renja__opd_id=OuterRef("opd_id"))
    rows = ceilings_for(user, kua).filter(program__isnull=True, sub_kegiatan__isnull=True)
    for word in _words(query):
        rows = rows.filter(Q(opd__name__icontains=word) | Q(opd__code__icontains=word))
    return rows.annotate(
        narrower_count=_count_subquery(narrower),
        narrower_total=_money_subquery(narrower),
        pagu_indikatif=_money_subquery(pagu, "pagu_indikatif"),
    ).annotate(difference=ExpressionWrapper(F("amount") - F("pagu_indikatif"), output_field=MONEY_FIELD))


def ceiling_summary(kua):
    """The sum of the OPD ceilings and how many OPDs have one."""
    opd_level = Ceiling.objects.filter(kua_ppas=kua, program__isnull=True, sub_kegiatan__isnull=True)
    summary = opd_level.aggregate(total=money_sum(), count=Count("pk"))
    summary["total"] = summary["total"].quantize(CENT)
    return summary


def opds_without_ceiling(kua):
    with_ceiling = Ceiling.objects.filter(kua_ppas=kua, program__isnull=True, sub_kegiatan__isnull=True)
    return Opd.objects.filter(is_active=True).exclude(pk__in=with_ceiling.values("opd_id")).order_by("code")


def narrower_ceilings(user, kua, opd):
    """The program and sub-kegiatan ceilings of one OPD."""
    return ceilings_for(user, kua).filter(opd=opd).exclude(program__isnull=True, sub_kegiatan__isnull=True)


def ceiling_targets(kua, opd):
    """The sub-kegiatan of the OPD's final Renja in the version's RKPD and their programs: what a narrower
    ceiling can be set on."""
    in_renja = RenjaLine.objects.filter(renja__rkpds=kua.rkpd_id, renja__opd=opd).values("sub_kegiatan_id")
    subs = Nomenclature.objects.filter(pk__in=in_renja).order_by("code")
    programs = Nomenclature.objects.filter(pk__in=subs.values("parent__parent_id")).order_by("code")
    return programs, subs


def apbd_versions_with_counts(user, fiscal_year):
    """The year's versions the user may read, each with its number of RKAs and of approved RKAs."""
    return apbd_versions_for(user, fiscal_year).annotate(
        rka_count=Count("rkas"), approved_count=Count("rkas", filter=Q(rkas__state=Rka.State.APPROVED))
    )


# --- API: lists with their figures, every ceiling of an RKA, the ringkasan in one scan ------------------


def visible_kua_ppas(user):
    """Every KUA-PPAS version the user may read, each with the sum of its OPD ceilings."""
    opd_level = Ceiling.objects.filter(kua_ppas_id=OuterRef("pk"), program__isnull=True, sub_kegiatan__isnull=True)
    return (
        access.scope_kua_ppas(user, KuaPpas.objects.select_related("fiscal_year"))
        .annotate(ceiling_total=_money_subquery(opd_level))
        .order_by("-fiscal_year__year", "-number")
    )


def visible_ceilings(user):
    """Every ceiling the user may read: the OPD's own first, then its programs and sub-kegiatan."""
    return access.scope_ceilings(
        user, Ceiling.objects.select_related("kua_ppas__fiscal_year", "opd", "program", "sub_kegiatan")
    ).order_by(
        "-kua_ppas__fiscal_year__year",
        "-kua_ppas__number",
        "opd__code",
        F("program__code").asc(nulls_first=True),
        F("sub_kegiatan__code").asc(nulls_first=True),
    )


def visible_apbd_versions(user):
    return access.scope_apbd_versions(user, ApbdVersion.objects.select_related("fiscal_year")).order_by(
        "-fiscal_year__year", "-number"
    )


def visible_rkas(user):
    """Every RKA the user may read with its pendapatan, belanja, pembiayaan, line count and OPD ceiling: one
    query whatever the number of RKAs and lines."""
    lines = RkaLine.objects.filter(rka_id=OuterRef("pk"))
    ceiling = Ceiling.objects.filter(
        kua_ppas_id=OuterRef("version__kua_ppas_id"),
        opd_id=OuterRef("opd_id"),
        program__isnull=True,
        sub_kegiatan__isnull=True,
    ).values("amount")[:1]
    return (
        access.scope_rka(user, Rka.objects.select_related("opd", "version__fiscal_year"))
        .annotate(
            pendapatan=_money_subquery(lines.filter(akun=RkaLine.Akun.PENDAPATAN)),
            belanja=_money_subquery(lines.filter(akun=RkaLine.Akun.BELANJA)),
            pembiayaan=_money_subquery(lines.filter(akun=RkaLine.Akun.PEMBIAYAAN)),
            line_count=_count_subquery(lines),
            ceiling=Subquery(ceiling, output_field=MONEY_FIELD),
        )
        .annotate(remaining=ExpressionWrapper(F("ceiling") - F("belanja"), output_field=MONEY_FIELD))
        .order_by("-version__fiscal_year__year", "-version__number", "opd__code")
    )


LINE_RELATED = (
    "rka__opd",
    "rka__version__fiscal_year",
    "sub_kegiatan__sub_kegiatan",
    "account",
    "standard_price",
    "funding_source",
)


def visible_rka_lines(user, related=LINE_RELATED):
    return access.scope_rka(user, RkaLine.objects.select_related(*related), rka_field="rka")


def rka_line_to_save(user, pk):
    """A line the user may see, with everything a save checks and answers with; 404 when not visible.

    The RKA, its OPD, version and year come in the line's query, the reference rows (account, funding source,
    item, sub-kegiatan) after it by id: one ten-table join costs PostgreSQL more to plan, and the ORM more to
    build, than these few short queries.
    """
    line = access.get_visible_or_404(visible_rka_lines(user, related=("rka__opd", "rka__version__fiscal_year")), pk=pk)
    prefetch_related_objects([line], *SAVED_LINE_RELATED)
    return line


def rka_line_rows(rka):
    """The lines of an RKA in the order of its printed form: sub-kegiatan, account, work package."""
    return (
        RkaLine.objects.filter(rka=rka)
        .select_related(*LINE_RELATED)
        .order_by(F("sub_kegiatan__sub_kegiatan__code").asc(nulls_last=True), "account__code", "work_package", "pk")
    )


def rka_comments(rka):
    return RkaComment.objects.filter(rka=rka).select_related("author", "line__account").order_by("created_at", "pk")


CEILING_ORDER = {"opd": 0, "program": 1, "sub_kegiatan": 2}


def rka_ceilings(rka):
    """Every ceiling of the RKA's OPD in its version's KUA-PPAS (the OPD's, then programs, then sub-kegiatan,
    by code) with what the RKA's belanja uses of each: the ceilings, one sum over the lines, then the programs
    and sub-kegiatan they name."""
    statuses = services.opd_ceiling_statuses(rka)
    prefetch_related_objects([status.ceiling for status in statuses], "program", "sub_kegiatan")
    return sorted(statuses, key=lambda status: (CEILING_ORDER[status.ceiling.level], _ceiling_code(status.ceiling)))


def _ceiling_code(ceiling):
    target = ceiling.program or ceiling.sub_kegiatan
    return target.code if target else ""


@dataclass(frozen=True)
class Ringkasan:
    """Every rollup of a version: accounts (akun to objek), groups per OPD/urusan/bidang/program, the balance."""

    stored: bool
    balance: Balance
    accounts: list
    groups: dict


def ringkasan(version):
    """The stored totals once published (what the public saw), else one scan of the lines for every rollup."""
    if version.state == ApbdVersion.State.PUBLISHED and ApbdTotal.objects.filter(version=version).exists():
        groups = {dimension: stored_group_totals(version, dimension) for dimension in GROUP_DIMENSIONS}
        return Ringkasan(True, stored_balance(version), stored_rows(version, Dimension.ACCOUNT), groups)
    sums, names = _rollups(version, Dimension.values)
    accounts = sums[Dimension.ACCOUNT]
    totals = Balance(*(accounts.get(code, {}).get(level, ZERO) for code, level in BALANCE_CODES))
    groups = {dimension: _groups(sums[dimension], names[dimension]) for dimension in GROUP_DIMENSIONS}
    return Ringkasan(False, totals, _account_rows(accounts, names[Dimension.ACCOUNT]), groups)


def visible_diff(user, old, new):
    """The line diff of two versions, restricted to the RKAs the user may read (OPD staff: their own)."""
    diff = diff_lines(old, new)
    return LineDiff(
        *(access.scope_rka(user, lines, rka_field="rka") for lines in (diff.added, diff.removed, diff.changed))
    )


def visible_dpas(user):
    """Every DPA the user may read, with its belanja pagu and what its anggaran kas plans for belanja."""
    return (
        access.scope_dpa(user, Dpa.objects.select_related("opd", "version__fiscal_year"))
        .annotate(
            pagu=_money_subquery(RkaLine.objects.filter(rka_id=OuterRef("rka_id"), akun=RkaLine.Akun.BELANJA)),
            planned=_money_subquery(CashPlan.objects.filter(dpa_id=OuterRef("pk"), account_group="5")),
        )
        .order_by("-version__fiscal_year__year", "-version__number", "opd__code")
    )


def cash_plan_rows(dpa):
    """The anggaran kas per sub-kegiatan (belanja) and per revenue or financing group: its pagu, the twelve
    months, their sum and the difference; three queries plus the status's."""
    months = {}
    for group, sub_id, month, amount in CashPlan.objects.filter(dpa=dpa).values_list(
        "account_group", "sub_kegiatan_id", "month", "amount"
    ):
        months.setdefault((group, sub_id), [ZERO] * 12)[month - 1] = amount
    subs = {sub.pk: sub for sub in RkaSubKegiatan.objects.filter(rka_id=dpa.rka_id).select_related("sub_kegiatan")}
    rows = [
        {
            **row,
            "sub_kegiatan": subs.get(row["sub_kegiatan_id"]),
            "months": months.get((row["account_group"], row["sub_kegiatan_id"]), [ZERO] * 12),
        }
        for row in cash_plan_status(dpa)
    ]
    return sorted(rows, key=lambda row: (row["account_group"], _sub_code(row["sub_kegiatan"])))


def _sub_code(sub):
    return sub.sub_kegiatan.code if sub else ""


def transitions_of(document):
    """The visible history of a budget document's moves."""
    return (
        Transition.objects.filter(document_type=document._meta.model_name, document_id=document.pk)
        .select_related("actor")
        .order_by("created_at", "pk")
    )


def own_rkas(user, fiscal_year):
    """The RKAs of the user's own OPD in the year's versions (none for readers of every OPD)."""
    if not access.is_own_opd(user, user.opd):
        return Rka.objects.none()
    return (
        access.scope_rka(user, Rka.objects.filter(version__fiscal_year=fiscal_year, opd=user.opd))
        .select_related("version__fiscal_year", "opd")
        .order_by("-version__number")
    )


def renja_lines_for_rka(rka):
    """Lines of the OPD's final Renja of the year whose sub-kegiatan is not in the RKA yet."""
    present = RkaSubKegiatan.objects.filter(rka=rka).values("sub_kegiatan_id")
    return (
        RenjaLine.objects.filter(
            renja__opd_id=rka.opd_id, renja__fiscal_year_id=rka.version.fiscal_year_id, renja__stage="final"
        )
        .exclude(sub_kegiatan_id__in=present)
        .select_related("sub_kegiatan")
        .order_by("sub_kegiatan__code")
    )


@dataclass(frozen=True)
class RkaSubtotals:
    """What an RKA's printed form shows above its lines, keyed by ids (None for lines outside a sub-kegiatan)."""

    sub_kegiatan: dict  # sub_kegiatan_id -> amount
    accounts: dict  # (sub_kegiatan_id, account_id) -> amount
    packages: dict  # (sub_kegiatan_id, account_id, work_package) -> amount
    groups: dict  # "4", "5", "6.1", "6.2" -> amount


def rka_subtotals(rka):
    """Per sub-kegiatan, per account within it, per work package within that, and per budget group: four
    GROUP BY queries whatever the number of lines."""
    lines = RkaLine.objects.filter(rka=rka)
    groups = lines.annotate(
        group=Case(
            When(account__code__startswith="6", then=Substr("account__code", 1, 3)),
            default=Substr("account__code", 1, 1),
            output_field=CharField(),
        )
    )
    return RkaSubtotals(
        {row["sub_kegiatan_id"]: row["amount"] for row in _sum_by(lines, "sub_kegiatan_id")},
        {
            (row["sub_kegiatan_id"], row["account_id"]): row["amount"]
            for row in _sum_by(lines, "sub_kegiatan_id", "account_id")
        },
        {
            (row["sub_kegiatan_id"], row["account_id"], row["work_package"]): row["amount"]
            for row in _sum_by(lines.exclude(work_package=""), "sub_kegiatan_id", "account_id", "work_package")
        },
        {row["group"]: row["amount"] for row in _sum_by(groups, "group")},
    )


def cash_plan_month_totals(dpa):
    """{(account_group, month): amount} of a DPA's anggaran kas."""
    rows = _sum_by(CashPlan.objects.filter(dpa=dpa), "account_group", "month")
    return {(row["account_group"], row["month"]): row["amount"] for row in rows}


def unused_locked_kuas(fiscal_year):
    """Locked KUA-PPAS versions of the year that no APBD version was opened from yet."""
    return (
        KuaPpas.objects.filter(fiscal_year=fiscal_year, state=KuaPpas.State.LOCKED, apbd_versions__isnull=True)
        .select_related("fiscal_year")
        .order_by("number")
    )


def version_lacks_dpa(version):
    """Whether some RKA of the version has no DPA yet."""
    return Rka.objects.filter(version=version, dpa__isnull=True).exists()
