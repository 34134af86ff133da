"""The budget lines of published APBD versions as facts, and their aggregates over any classification.

A fact is one RKA line of a published version with every classification it falls under: the OPD
(administrative), urusan and bidang (functional), program, kegiatan and sub-kegiatan (activity), the account
at every level (economic) and the funding source. Codes are fixed-width, so each level is a prefix of the
line's code, computed in the database. The X.XX supporting programs count under the OPD's own (first) bidang,
as the stored totals and the Perda lampiran show them (X.XX.01 of Dinas Kesehatan is 1.02.01).

Open data and the public API read only through here, so drafts and unpublished versions are invisible in
both, with the same answer as a missing one.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Sum
from django.http import Http404
from django.utils.translation import gettext_noop

from budgeting.models import ApbdTotal, ApbdVersion, Rka, RkaLine
from budgeting.selectors.classification import ACCOUNT_LEVELS, ACTIVITY_LEVELS, code_expressions
from masterdata import access
from masterdata.models import Account, FundingSource, Nomenclature
from masterdata.money import ZERO, read_money

PUBLIC = AnonymousUser()

# OFDP phase of each kind of version: the murni as adopted, the amendments adjust it.
PHASE = {
    ApbdVersion.Kind.MURNI: "approved",
    ApbdVersion.Kind.PERGESERAN: "adjusted",
    ApbdVersion.Kind.PERUBAHAN: "adjusted",
}
CURRENCY = "IDR"


@dataclass(frozen=True)
class Dimension:
    """A classification a fact falls under: its code column and where its name comes from."""

    key: str
    label: str  # Indonesian, as open data and the API name it; the public pages translate it (gettext)
    kind: str  # administrative, functional, activity, economic, source
    names: str  # "opd", "funding", "account", "nomenclature"


DIMENSIONS = {
    dimension.key: dimension
    for dimension in (
        Dimension("opd", gettext_noop("OPD"), "administrative", "opd"),
        Dimension("urusan", gettext_noop("Urusan"), "functional", "nomenclature"),
        Dimension("bidang", gettext_noop("Bidang urusan"), "functional", "nomenclature"),
        Dimension("program", gettext_noop("Program"), "activity", "nomenclature"),
        Dimension("kegiatan", gettext_noop("Kegiatan"), "activity", "nomenclature"),
        Dimension("sub_kegiatan", gettext_noop("Sub-kegiatan"), "activity", "nomenclature"),
        Dimension("akun", gettext_noop("Akun"), "economic", "account"),
        Dimension("kelompok", gettext_noop("Kelompok"), "economic", "account"),
        Dimension("jenis", gettext_noop("Jenis"), "economic", "account"),
        Dimension("objek", gettext_noop("Objek"), "economic", "account"),
        Dimension("rincian", gettext_noop("Rincian objek"), "economic", "account"),
        Dimension("rekening", gettext_noop("Sub rincian objek (kode rekening)"), "economic", "account"),
        Dimension("sumber_dana", gettext_noop("Sumber dana"), "source", "funding"),
    )
}
# What the aggregate may drill down on and cut by: every classification but the line's own account
# (the facts give that one).
DRILLDOWNS = tuple(key for key in DIMENSIONS if key != "rekening")


def public_apbd_versions(*, year=None):
    """The published versions, as anyone may read them: the newest year first, each year's in order."""
    versions = ApbdVersion.objects.select_related("fiscal_year")
    if year is not None:
        versions = versions.filter(fiscal_year__year=year)
    return access.scope_apbd_versions(PUBLIC, versions).order_by("-fiscal_year__year", "number")


def public_apbd_version_for(year, number=None):
    """A published version of the year by its number, or the year's latest published one; 404 otherwise
    (a draft answers exactly as a missing version)."""
    versions = public_apbd_versions(year=year)
    version = (versions.filter(number=number) if number is not None else versions.order_by("-number")).first()
    if version is None:
        raise Http404(access.NOT_FOUND_MESSAGE)
    return version


def _lines(version):
    return RkaLine.objects.filter(rka__version=version)


def coded_lines(version, keys):
    """The version's lines annotated with the codes of the classifications named (`c_<key>`)."""
    expressions = code_expressions()
    return _lines(version).annotate(**{f"c_{key}": expressions[key] for key in keys})


def apply_cuts(lines, cuts):
    """Keep the lines whose classifications have the codes given: {key: [codes]} (any of a key's codes)."""
    for key, codes in cuts.items():
        lines = lines.filter(**{f"c_{key}__in": codes})
    return lines


# --- Names ---------------------------------------------------------------------------------------


class Names:
    """Names of the codes on some facts or cells, fetched in two queries (accounts and nomenclature)."""

    def __init__(self, version, codes_by_key):
        reference = version.fiscal_year.reference_version_id
        account_codes = {code for key in ACCOUNT_LEVELS for code in codes_by_key.get(key, ()) if code}
        nomenclature_codes = {code for key in ACTIVITY_LEVELS for code in codes_by_key.get(key, ()) if code}
        # A realised X.XX code (1.02.01) is named by its nomenclature entry (X.XX.01).
        nomenclature_codes |= {"X.XX" + code[4:] for code in nomenclature_codes if len(code) > 4}
        self.accounts = (
            dict(Account.objects.filter(version_id=reference, code__in=account_codes).values_list("code", "name"))
            if account_codes
            else {}
        )
        self.nomenclature = (
            dict(
                Nomenclature.objects.filter(version_id=reference, code__in=nomenclature_codes).values_list(
                    "code", "name"
                )
            )
            if nomenclature_codes
            else {}
        )

    def of(self, key, code):
        if not code:
            return ""
        source = DIMENSIONS[key].names
        if source == "account":
            return self.accounts.get(code, "")
        if source == "nomenclature":
            return self.nomenclature.get(code) or self.nomenclature.get("X.XX" + code[4:], "")
        return ""


# --- Facts ---------------------------------------------------------------------------------------

FACT_FIELDS = (
    "id",
    *(f"c_{key}" for key in DIMENSIONS),
    "rka__opd__name",
    "account__name",
    "funding_source__name",
    "description",
    "specification",
    "location",
    "recipient",
    "amount",
)


def count_facts(version, *, cuts=None):
    return apply_cuts(coded_lines(version, cuts or {}), cuts or {}).count()


def public_facts(version, *, cuts=None):
    """The version's lines with every classification's code, in a stable order (by id), cut as asked."""
    lines = apply_cuts(coded_lines(version, DIMENSIONS), cuts or {})
    return lines.order_by("pk").values_list(*FACT_FIELDS)


def fact_rows(version, rows):
    """Facts (value tuples of `public_facts`) as dicts with names: one query for accounts, one for nomenclature."""
    rows = list(rows)
    positions = {key: FACT_FIELDS.index(f"c_{key}") for key in DIMENSIONS}
    codes = {key: {row[position] for row in rows} for key, position in positions.items()}
    names = Names(version, codes)
    phase = PHASE[version.kind]
    facts = []
    for row in rows:
        values = dict(zip(FACT_FIELDS, row, strict=True))
        fact = {
            "tahun": version.fiscal_year.year,
            "versi": version.number,
            "jenis_versi": version.kind,
            "tahap": phase,
            "id": values["id"],
        }
        for key in DIMENSIONS:
            code = values[f"c_{key}"] or ""
            fact[f"kode_{key}"] = code
            if key == "opd":
                fact["nama_opd"] = values["rka__opd__name"]
            elif key == "rekening":
                fact["nama_rekening"] = values["account__name"]
            elif key == "sumber_dana":
                fact["nama_sumber_dana"] = values["funding_source__name"]
            else:
                fact[f"nama_{key}"] = names.of(key, code)
        fact |= {
            "uraian": values["description"] or values["specification"],
            "lokasi": values["location"],
            "penerima": values["recipient"],
            "jumlah": read_money(values["amount"]),
            "mata_uang": CURRENCY,
        }
        facts.append(fact)
    return facts


def iter_fact_rows(version, *, cuts=None, chunk_size=2000):
    """Every fact of the version (cut as asked) as dicts, read in chunks: constant memory however many lines."""
    chunk = []
    for row in public_facts(version, cuts=cuts).iterator(chunk_size=chunk_size):
        chunk.append(row)
        if len(chunk) == chunk_size:
            yield from fact_rows(version, chunk)
            chunk = []
    if chunk:
        yield from fact_rows(version, chunk)


FACT_COLUMNS = tuple(
    fact_column
    for fact_column in (
        "tahun",
        "versi",
        "jenis_versi",
        "tahap",
        "id",
        *(column for key in DIMENSIONS for column in (f"kode_{key}", f"nama_{key}")),
        "uraian",
        "lokasi",
        "penerima",
        "jumlah",
        "mata_uang",
    )
)


# --- Aggregates ----------------------------------------------------------------------------------

AGGREGATES = ("sum", "count")


@dataclass(frozen=True)
class Aggregate:
    """One page of cells and the summary of every cell."""

    cells: list
    total_cell_count: int
    summary: dict


def aggregate(version, *, drilldown, cuts, order, offset, limit):
    """Sum and count of the version's lines per combination of the drill-down's codes, cut as asked, sorted
    by `order` ([(key, descending)], key a drill-down, "sum" or "count"), one page of it."""
    lines = apply_cuts(coded_lines(version, {*drilldown, *cuts}), cuts)
    summary = lines.aggregate(sum=Sum("amount"), count=Count("pk"))
    summary = {"sum": read_money(summary["sum"]) if summary["sum"] is not None else ZERO, "count": summary["count"]}
    grouped = lines.values(*(f"c_{key}" for key in drilldown)).annotate(sum=Sum("amount"), count=Count("pk"))
    ordering = []
    for key, descending in order:
        expression = F(key if key in AGGREGATES else f"c_{key}")
        ordering.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True))
    ordering += [F(f"c_{key}").asc(nulls_last=True) for key in drilldown]
    if drilldown:
        total = grouped.count()
        page = list(grouped.order_by(*ordering)[offset : offset + limit])
    else:
        total, page = 1, [{"sum": summary["sum"], "count": summary["count"]}] if offset == 0 else []
    codes = {key: {cell[f"c_{key}"] for cell in page} for key in drilldown}
    names = names_of(version, drilldown, codes)
    cells = []
    for cell in page:
        named = {}
        for key in drilldown:
            code = cell[f"c_{key}"]
            named[key] = code
            named[f"{key}_nama"] = names[key].get(code, "") if code else ""
        named["sum"] = read_money(cell["sum"])
        named["count"] = cell["count"]
        cells.append(named)
    return Aggregate(cells, total, summary)


def names_of(version, drilldown, codes):
    """{key: {code: name}} for the codes of each classification of `drilldown` ({key: codes}): a page of cells,
    or the levels above a code."""
    names = Names(version, codes)
    result = {key: {code: names.of(key, code) for code in codes[key] if code} for key in drilldown}
    if "opd" in drilldown:
        opds = Rka.objects.filter(version=version, opd__code__in=codes["opd"]).values_list("opd__code", "opd__name")
        result["opd"] = dict(opds)
    if "sumber_dana" in drilldown:
        result["sumber_dana"] = funding_source_names(version, codes["sumber_dana"])
    return result


def sums_by(version, key, *, cuts=None):
    """{code: {akun: amount}} of the version's lines per the classification's code and akun (4, 5, 6)."""
    lines = apply_cuts(coded_lines(version, {key, "akun", *(cuts or {})}), cuts or {})
    sums = {}
    for row in lines.values(f"c_{key}", "c_akun").annotate(total=Sum("amount")).order_by():
        sums.setdefault(row[f"c_{key}"], {})[row["c_akun"]] = read_money(row["total"])
    return sums


def funding_source_names(version, codes):
    sources = FundingSource.objects.filter(version_id=version.fiscal_year.reference_version_id, code__in=codes)
    return dict(sources.values_list("code", "name"))


BALANCE_CODES = {"4": "pendapatan", "5": "belanja", "6.1": "penerimaan_pembiayaan", "6.2": "pengeluaran_pembiayaan"}


def published_balances(versions):
    """{version id: {pendapatan, belanja, penerimaan_pembiayaan, pengeluaran_pembiayaan}} from the totals stored
    at publication, for many versions in one query."""
    balances = {version.pk: dict.fromkeys(BALANCE_CODES.values(), ZERO) for version in versions}
    stored = ApbdTotal.objects.filter(
        version_id__in=balances, dimension=ApbdTotal.Dimension.ACCOUNT, code__in=BALANCE_CODES
    ).values_list("version_id", "code", "amount")
    for version_id, code, amount in stored:
        balances[version_id][BALANCE_CODES[code]] = read_money(amount)
    return balances


def version_total(version, akun=None):
    lines = _lines(version) if akun is None else _lines(version).filter(akun=akun)
    return read_money(lines.aggregate(t=Sum("amount"))["t"])
