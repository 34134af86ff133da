"""What the public APBD pages show of a published version: the summary, the OPDs and the accounts from the
totals stored at publication, an OPD's programs and sub-kegiatan and a sub-kegiatan's lines from the lines
(through facts). Published versions never change, so each read is cached under the version's id: a newly
published version is new keys, and nothing stale can be served for it. The key holds the language too: a read
may carry words (a level's label, a month's name) and each language's pages get their own."""

import datetime
import re
from dataclasses import dataclass, field, replace

from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.http import Http404
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgeting.models import ApbdTotal, ApbdVersion, KuaPpas, RkaLine, RkaSubKegiatan
from budgeting.selectors import apbd as apbd_selectors
from budgeting.selectors import diff as diff_selectors
from masterdata import access
from masterdata.models import FiscalYear, Opd
from masterdata.money import ZERO, read_money
from masterdata.selectors import matching_every_word, search_words
from planning.models import Rkpd
from reporting.documents import KINDS, PUBLIC_KINDS
from reporting.models import Progress, Realization
from reporting.selectors import jobs as job_selectors
from reporting.selectors import lra as lra_selectors
from reporting.selectors import realization as realization_selectors

from . import facts

CACHE_SECONDS = 60 * 60 * 24


def _key(version, name):
    return f"public:{version.pk}:{translation.get_language()}:{name}"


def _cached(version, name, compute):
    return cache.get_or_set(_key(version, name), compute, CACHE_SECONDS)


def published_years():
    """Each year with a published version, newest first, with its latest version."""
    latest = {}
    for version in facts.public_apbd_versions():
        if version.fiscal_year.year not in latest or version.number > latest[version.fiscal_year.year].number:
            latest[version.fiscal_year.year] = version
    return [latest[year] for year in sorted(latest, reverse=True)]


@dataclass(frozen=True)
class Share:
    """A part of a whole, for a chart and its table."""

    code: str
    name: str
    amount: object
    percent: object  # None where the parts do not add up to a whole (akun 4, 5 and 6 side by side)
    url: str = ""  # where the row leads, one level down
    parts: tuple = ()  # the row's own parts, shown under it (the OPDs that carry a sub-kegiatan)


def _shares(rows):
    total = sum((row[2] for row in rows), ZERO)
    return [Share(code, name, amount, (amount * 100 / total) if total else ZERO) for code, name, amount in rows]


def summary(version):
    """The balance and the composition of pendapatan and belanja by kelompok."""

    def compute():
        rows = apbd_selectors.stored_rows(version, ApbdTotal.Dimension.ACCOUNT)
        kelompok = [row for row in rows if row.level == "kelompok"]
        return {
            "balance": apbd_selectors.stored_balance(version),
            "pendapatan": _shares([(r.code, r.name, r.amount) for r in kelompok if r.code.startswith("4.")]),
            "belanja": _shares([(r.code, r.name, r.amount) for r in kelompok if r.code.startswith("5.")]),
        }

    return _cached(version, "summary", compute)


def opd_rows(version, *, order="belanja"):
    """Every OPD with its pendapatan and belanja, largest belanja first (or by code, or by name)."""
    rows = _cached(version, "opds", lambda: apbd_selectors.stored_group_totals(version, ApbdTotal.Dimension.OPD))
    keys = {
        "belanja": lambda row: (-row.belanja, row.code),
        "kode": lambda row: row.code,
        "nama": lambda row: row.name.lower(),
    }
    return sorted(rows, key=keys.get(order, keys["belanja"]))


def opd_for(version, code):
    """The OPD of the version by its code, with its totals; 404 when it has no part in the version."""
    for row in opd_rows(version):
        if row.code == code:
            return row
    raise Http404(access.NOT_FOUND_MESSAGE)


def opd_record(version, code):
    """The OPD itself (the model row) of an OPD the version has a part for."""
    opd_for(version, code)
    return Opd.objects.get(code=code)


@dataclass
class Program:
    code: str
    name: str
    amount: object
    sub_kegiatan: list


def opd_programs(version, opd_code):
    """The OPD's belanja by program and sub-kegiatan (X.XX programs under the OPD's own bidang)."""

    def compute():
        cells = facts.aggregate(
            version,
            drilldown=["program", "sub_kegiatan"],
            cuts={"opd": [opd_code], "akun": ["5"]},
            order=[],
            offset=0,
            limit=10_000,
        ).cells
        programs = {}
        for cell in cells:
            program = programs.setdefault(cell["program"], Program(cell["program"], cell["program_nama"], ZERO, []))
            program.amount += cell["sum"]
            program.sub_kegiatan.append(cell)
        return sorted(programs.values(), key=lambda program: program.code)

    return _cached(version, f"opd:{opd_code}:programs", compute)


def sub_kegiatan_lines(version, opd_code, sub_kegiatan_code):
    """The lines of one of the OPD's sub-kegiatan, by account; 404 when it has none."""

    def compute():
        cuts = {"opd": [opd_code], "sub_kegiatan": [sub_kegiatan_code]}
        return facts.fact_rows(version, facts.public_facts(version, cuts=cuts).order_by("account__code", "pk"))

    rows = _cached(version, f"opd:{opd_code}:sub:{sub_kegiatan_code}", compute)
    if not rows:
        raise Http404(access.NOT_FOUND_MESSAGE)
    return rows


def sub_kegiatan_output(line_id):
    """The output the sub-kegiatan of a line promises (indicator, target, unit, location)."""
    line = RkaLine.objects.select_related("sub_kegiatan").filter(pk=line_id).first()
    return line.sub_kegiatan if line is not None else None


def version_history(year):
    """The year's published versions, in order, each with its published balance."""
    versions = list(facts.public_apbd_versions(year=year))
    if not versions:
        raise Http404(access.NOT_FOUND_MESSAGE)
    balances = facts.published_balances(versions)
    return [(version, apbd_selectors.Balance(**balances[version.pk])) for version in versions]


def version_by_reference(reference):
    """A published version named `<year>-<number>`; 404 for anything else (a draft included)."""
    year, _, number = (reference or "").partition("-")
    if not (year.isdigit() and number.isdigit()):
        raise Http404(access.NOT_FOUND_MESSAGE)
    return facts.public_apbd_version_for(int(year), int(number))


def comparison(old, new, dimension):
    """The rollups of two published versions side by side (stored at publication), changed rows only."""
    return _cached(new, f"diff:{old.pk}:{dimension}", lambda: diff_selectors.diff_rollups(old, new, True)[dimension])


SEARCHED = (
    "rka__opd__name",
    "sub_kegiatan__sub_kegiatan__name",
    "sub_kegiatan__location",
    "recipient",
    "description",
    "work_package",
)


def search(version, query, *, limit=50):
    """What a citizen's words find in a published version: OPDs by name or code, and the sub-kegiatan whose
    name, location, recipients (hibah, bansos) or line descriptions hold every word, largest first."""
    if not search_words(query):
        return {"opds": [], "sub_kegiatan": [], "recipients": []}
    words = [word.lower() for word in search_words(query)]
    opds = [row for row in opd_rows(version) if all(word in f"{row.name} {row.code}".lower() for word in words)]
    lines = matching_every_word(facts.coded_lines(version, {"opd", "sub_kegiatan"}), query, SEARCHED).filter(
        akun=RkaLine.Akun.BELANJA
    )
    sub_kegiatan = list(
        lines.values("c_opd", "c_sub_kegiatan", "rka__opd__name", "sub_kegiatan__sub_kegiatan__name")
        .annotate(total=Sum("amount"), count=Count("pk"))
        .order_by("-total", "c_sub_kegiatan")[:limit]
    )
    recipients = list(
        matching_every_word(lines.exclude(recipient=""), query, ("recipient",))
        .values("recipient", "c_opd", "c_sub_kegiatan", "rka__opd__name")
        .annotate(total=Sum("amount"))
        .order_by("-total", "recipient")[:limit]
    )
    return {"opds": opds, "sub_kegiatan": sub_kegiatan, "recipients": recipients}


@dataclass(frozen=True)
class ProposalBudget:
    """Where an accepted proposal's Renja line ended up in the latest published APBD of its year."""

    version: object
    opd_code: str
    sub_kegiatan_code: str  # as the public pages name it (an X.XX one under its OPD's bidang)
    amount: object


def proposal_budget(proposal):
    """The RKA sub-kegiatan of the latest published version that carries the proposal's Renja line, with its
    belanja; None before the year has a published APBD or when no RKA took the line."""
    if proposal.renja_line_id is None:
        return None
    version = facts.public_apbd_versions(year=proposal.renja_line.renja.fiscal_year.year).order_by("-number").first()
    if version is None:
        return None
    sub = (
        RkaSubKegiatan.objects.filter(rka__version=version, renja_line_id=proposal.renja_line_id)
        .select_related("rka__opd", "sub_kegiatan")
        .annotate(total=Sum("lines__amount"))
        .first()
    )
    if sub is None:
        return None
    code, opd_code = sub.sub_kegiatan.code, sub.rka.opd.code
    public_code = opd_code[:4] + code[4:] if code.startswith("X.XX") else code
    return ProposalBudget(version, opd_code, public_code, read_money(sub.total))


@dataclass(frozen=True)
class RegisterEntry:
    """A budget document of the year: when it was made public (or adopted) against its legal deadline."""

    title: str
    basis: str
    deadline: object
    done_on: object  # a date, or None while it does not exist yet
    reference: str = ""
    version: object = None  # a published APBD version: its open data
    documents: tuple = ()  # its official documents: (kind, label, the job that made it or None)
    open_data: bool = False  # a published version's: its data package and lines

    @property
    def late(self):
        return self.done_on is not None and self.done_on > self.deadline


def document_register(year):
    """The documents of a budget year in the order of the cycle (PP 12/2019, Permendagri 77/2020): the RKPD,
    the KUA-PPAS agreements, each published APBD version (murni, pergeseran, perubahan)."""
    previous = year - 1
    entries = []
    rkpd = Rkpd.objects.filter(fiscal_year__year=year, state=Rkpd.State.FINAL).first()
    entries.append(
        RegisterEntry(
            "RKPD",
            _("ditetapkan paling lambat akhir Juni tahun sebelumnya"),
            datetime.date(previous, 6, 30),
            timezone.localdate(rkpd.finalized_at) if rkpd and rkpd.finalized_at else None,
            rkpd.regulation if rkpd else "",
        )
    )
    agreed = KuaPpas.objects.filter(fiscal_year__year=year).exclude(agreement_date=None).order_by("number")
    for kua in agreed:
        is_change = kua.kind != KuaPpas.Kind.MURNI
        entries.append(
            RegisterEntry(
                _("Nota kesepakatan %(kind)s (versi %(number)s)")
                % {"kind": kua.get_kind_display(), "number": kua.number},
                _("disepakati paling lambat akhir Agustus tahun anggaran")
                if is_change
                else _("disepakati paling lambat minggu kedua Agustus tahun sebelumnya"),
                datetime.date(year, 8, 31) if is_change else datetime.date(previous, 8, 14),
                kua.agreement_date,
                kua.agreement_number,
            )
        )
    versions = list(facts.public_apbd_versions(year=year))
    made = job_selectors.public_documents(versions)
    for version in versions:
        deadline = {
            ApbdVersion.Kind.MURNI: (datetime.date(previous, 12, 31), _("Perda ditetapkan paling lambat 31 Desember")),
            ApbdVersion.Kind.PERUBAHAN: (datetime.date(year, 9, 30), _("disetujui paling lambat 30 September")),
            ApbdVersion.Kind.PERGESERAN: (
                datetime.date(year, 12, 31),
                _("ditetapkan dengan Perbup dalam tahun berjalan"),
            ),
        }[version.kind]
        adopted = version.perda_date or version.perbup_date
        number = " · ".join(
            part
            for part in (
                version.perda_number and f"Perda {version.perda_number}",
                version.perbup_number and f"Perbup {version.perbup_number}",
            )
            if part
        )
        entries.append(
            RegisterEntry(
                _("%(version)s (versi %(number)s), diterbitkan %(date)s")
                % {
                    "version": version,
                    "number": version.number,
                    "date": f"{timezone.localdate(version.published_at):%d-%m-%Y}",
                }
                if version.published_at
                else str(version),
                deadline[1],
                deadline[0],
                adopted,
                number,
                version,
                _documents(version, made, final_month=None),
                open_data=True,
            )
        )
    return entries + _realization_reports(year, versions[-1] if versions else None, made)


def _documents(version, made, *, final_month):
    """The register's documents of a version: (kind, label, the job that made it or None)."""
    return tuple(
        (kind, f"{KINDS[kind].label} ({'Excel' if kind.endswith('-xlsx') else 'PDF'})", made.get((version.pk, kind)))
        for kind, month in PUBLIC_KINDS.items()
        if month == final_month
    )


def _realization_reports(year, version, made):
    """The semester I report (to the DPRD by the end of July) and the year-end report (to the BPK within three
    months of the year's end, PP 12/2019): done when BPKAD closed June (December) for every OPD; their documents
    read the latest published version."""
    fiscal_year = FiscalYear.objects.filter(year=year).first()
    reports = [
        (
            _("Laporan realisasi semester I dan prognosis enam bulan berikutnya"),
            _("disampaikan kepada DPRD paling lambat akhir Juli tahun anggaran"),
            datetime.date(year, 7, 31),
            6,
        ),
        (
            _("Laporan realisasi anggaran tahunan"),
            _("disampaikan kepada BPK paling lambat tiga bulan setelah tahun anggaran berakhir"),
            datetime.date(year + 1, 3, 31),
            12,
        ),
    ]
    entries = []
    months = [month for *_, month in reports]
    closed_on = realization_selectors.closed_on(fiscal_year, *months) if fiscal_year and version else {}
    for title, basis, deadline, month in reports:
        closed = closed_on.get(month)
        entries.append(
            RegisterEntry(
                title,
                basis,
                deadline,
                timezone.localdate(closed) if closed else None,
                version=version if closed else None,
                documents=_documents(version, made, final_month=month) if closed else (),
            )
        )
    return entries


def latest_changes(version, *, limit=10):
    """What the version changed against the version it amends, by OPD, largest first; None for a murni."""
    if version.base_id is None:
        return None
    base = facts.public_apbd_versions(year=version.fiscal_year.year).filter(pk=version.base_id).first()
    if base is None:
        return None
    rows = comparison(base, version, ApbdTotal.Dimension.OPD)
    return {"base": base, "rows": sorted(rows, key=lambda row: -abs(row.delta))[:limit]}


# --- Drill-downs by function, by account and by funding source -----------------------------------

LINES = "lines"  # what lists under a rincian objek: its lines, a page at a time
DRILL_CODE = re.compile(r"[0-9A-Za-z]+(\.[0-9A-Za-z]+)*")


@dataclass(frozen=True)
class Level:
    key: str  # the facts' classification
    length: int  # of its code

    @property
    def label(self):
        return _(facts.DIMENSIONS[self.key].label)


@dataclass(frozen=True)
class Hierarchy:
    """A way down a published version through one classification: its levels top first, what lists under the
    last one ("opd" or LINES), the parts each row of a level shows ({row's key: part's key}) and the cuts every
    page of it keeps (belanja only where pendapatan and pembiayaan have no such code)."""

    slug: str
    title: str
    whole: str  # what the top level adds up to
    levels: tuple
    below: str
    parts: dict = field(default_factory=dict)
    cuts: dict = field(default_factory=dict)
    adds_up: bool = True  # whether the top level's rows are parts of one whole
    measure: str = gettext_lazy("Jumlah")

    def depth_of(self, code):
        """The index of the level whose code this is (-1: the top page); 404 for anything else."""
        if code is None:
            return -1
        if DRILL_CODE.fullmatch(code):
            for depth, level in enumerate(self.levels):
                if len(code) == level.length:
                    return depth
        raise Http404(access.NOT_FOUND_MESSAGE)

    def child_of(self, depth):
        return self.levels[depth + 1].key if depth + 1 < len(self.levels) else self.below


HIERARCHIES = {
    hierarchy.slug: hierarchy
    for hierarchy in (
        Hierarchy(
            "urusan",
            gettext_lazy("Per urusan"),
            gettext_lazy("Belanja menurut urusan"),
            tuple(Level(key, length or 17) for key, length in facts.ACTIVITY_LEVELS.items()),
            below="opd",
            parts={"sub_kegiatan": "opd"},
            cuts={"akun": "5"},
            measure=gettext_lazy("Belanja"),
        ),
        Hierarchy(
            "rekening",
            gettext_lazy("Per rekening"),
            gettext_lazy("Anggaran menurut kode rekening"),
            tuple(Level(key, length) for key, length in facts.ACCOUNT_LEVELS.items()),
            below=LINES,
            adds_up=False,
        ),
        Hierarchy(
            "sumber-dana",
            gettext_lazy("Per sumber dana"),
            gettext_lazy("Belanja menurut sumber dana"),
            (Level("sumber_dana", 17),),
            below="opd",
            parts={"opd": "program"},
            cuts={"akun": "5"},
            measure=gettext_lazy("Belanja"),
        ),
    )
}


@dataclass(frozen=True)
class Drill:
    """A page of a drill-down: the code (None: the top), the levels above it, its total and its rows."""

    hierarchy: Hierarchy
    depth: int
    node: Share  # its code and name, and its total (the rows' sum)
    trail: tuple  # (key, code, name) of each level above it, top first
    count: int  # of its lines
    child_key: str
    children: tuple  # Shares, each with its parts

    @property
    def cuts(self):
        """{key: code} of the lines under it, as open data names them."""
        cuts = dict(self.hierarchy.cuts)
        if self.node.code:
            cuts[self.hierarchy.levels[self.depth].key] = self.node.code
        return cuts

    @property
    def drilldown(self):
        part = self.hierarchy.parts.get(self.child_key)
        return [self.child_key, part] if part else [self.child_key]


SORT_KEYS = {
    "jumlah": lambda share: (-share.amount, share.code),
    "kode": lambda share: share.code,
}


def drill(version, slug, code=None, *, order="jumlah"):
    """A page of a drill-down (`slug` a key of HIERARCHIES) at any level's code, its rows and their parts
    sorted by amount or by code; 404 for a code with no line in the version."""
    hierarchy = HIERARCHIES[slug]
    depth = hierarchy.depth_of(code)

    def compute():
        levels = hierarchy.levels[: depth + 1]
        cuts = {key: [value] for key, value in hierarchy.cuts.items()}
        if code is not None:
            cuts[levels[-1].key] = [code]
        child_key = hierarchy.child_of(depth)
        part_key = hierarchy.parts.get(child_key)
        drilldown = [] if child_key == LINES else [child_key, *([part_key] if part_key else [])]
        result = facts.aggregate(version, drilldown=drilldown, cuts=cuts, order=[], offset=0, limit=100_000)
        if code is not None and not result.summary["count"]:
            return None
        total = result.summary["sum"]
        children = {}
        for cell in result.cells if drilldown else ():
            child = children.setdefault(cell[child_key], [cell[f"{child_key}_nama"], ZERO, []])
            child[1] += cell["sum"]
            if part_key:
                child[2].append((cell[part_key], cell[f"{part_key}_nama"], cell["sum"]))
        whole = total if code is not None or hierarchy.adds_up else None
        trail_codes = {level.key: {code[: level.length]} for level in levels}
        names = facts.names_of(version, list(trail_codes), trail_codes)
        trail = tuple(
            (level.key, code[: level.length], names[level.key].get(code[: level.length], "")) for level in levels
        )
        return Drill(
            hierarchy,
            depth,
            Share(code or "", trail[-1][2] if trail else hierarchy.whole, total, None),
            trail[:-1],
            result.summary["count"],
            child_key,
            tuple(
                Share(
                    child,
                    name,
                    amount,
                    _percent(amount, whole),
                    parts=tuple(Share(*part, _percent(part[2], whole)) for part in parts),
                )
                for child, (name, amount, parts) in children.items()
            ),
        )

    found = _cached(version, f"drill:{slug}:{code or ''}", compute)
    if found is None:
        raise Http404(access.NOT_FOUND_MESSAGE)
    key = SORT_KEYS.get(order, SORT_KEYS["jumlah"])
    children = (replace(child, parts=tuple(sorted(child.parts, key=key))) for child in found.children)
    return replace(found, children=tuple(sorted(children, key=key)))


def _percent(amount, whole):
    if whole is None:
        return None
    return amount * 100 / whole if whole else ZERO


LINE_ORDERS = {"jumlah": ("-amount", "pk"), "kode": ("account__code", "pk")}


class DrillLines:
    """The lines under a drill-down's code as a sequence a Paginator pages: the count is the drill's, and each
    page is one read, kept under the version's id like every other read."""

    def __init__(self, version, found, order):
        self.version, self.found = version, found
        self.order = order if order in LINE_ORDERS else "jumlah"

    def count(self):
        return self.found.count

    def __len__(self):
        return self.found.count

    def __getitem__(self, window):
        cuts = {key: [code] for key, code in self.found.cuts.items()}
        rows = facts.public_facts(self.version, cuts=cuts).order_by(*LINE_ORDERS[self.order])
        name = (
            f"drill:{self.found.hierarchy.slug}:{self.found.node.code}:lines:{self.order}:{window.start}:{window.stop}"
        )
        return _cached(self.version, name, lambda: facts.fact_rows(self.version, rows[window]))


# --- Realization: what the year has spent against the published budget ----------------------------------

REALIZATION_SECONDS = 5 * 60  # realization grows every day; a published budget does not


def _realization(version, name, compute):
    return cache.get_or_set(_key(version, f"realization:{name}"), compute, REALIZATION_SECONDS)


def realization_summary(version):
    """Pendapatan and belanja realized so far in the year against the version, and the last month reported."""

    def compute():
        last = Realization.objects.filter(fiscal_year_id=version.fiscal_year_id).aggregate(m=Max("month"))["m"]
        if last is None:
            return None
        report = lra_selectors.lra(version, period=lra_selectors.PERIODS["tahun"], depth="akun")
        rows = {row.name: row for row in report.rows if row.is_total}
        return {
            "month": str(MONTHS[last]),  # a word in the reader's language: kept per language
            "pendapatan": rows["JUMLAH PENDAPATAN"],
            "belanja": rows["JUMLAH BELANJA"],
        }

    return _realization(version, "summary", compute)


def realization_by(version, dimension, opd_code=None):
    """{code: LRA row} of belanja per OPD, or per program of one OPD."""

    def compute():
        opd = Opd.objects.filter(code=opd_code).first() if opd_code else None
        report = lra_selectors.lra(version, period=lra_selectors.PERIODS["tahun"], dimension=dimension, opd=opd)
        return {row.code: row for row in report.rows if not row.is_total}

    return _realization(version, f"{dimension}:{opd_code or ''}", compute)


def sub_kegiatan_progress(version, opd_code, sub_kegiatan_code):
    """A sub-kegiatan's physical progress as its OPD last reported it, or None (an X.XX one is shown under its
    realised code)."""

    def compute():
        return (
            Progress.objects.filter(fiscal_year_id=version.fiscal_year_id, opd__code=opd_code)
            .filter(Q(sub_kegiatan__code=sub_kegiatan_code) | Q(sub_kegiatan__code="X.XX" + sub_kegiatan_code[4:]))
            .order_by("-month")
            .values("month", "physical_percent", "output_achieved")
            .first()
        )

    return _realization(version, f"progress:{opd_code}:{sub_kegiatan_code}", compute)
