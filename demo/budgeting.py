"""The Bondowoso budget demo: KUA-PPAS, RKA-SKPD lines, the adopted and published APBD, DPA with the
anggaran kas, and one pergeseran.

The figures are Bondowoso's own: for every account code that demo/data/apbd_bondowoso_ringkasan.csv
gives for the year (DJPK, Rp billions to two decimals), the adopted murni total rounds to that figure, and
the year balances to the rupiah (pendapatan − belanja + pembiayaan netto = 0). The published figures are
rounded, and their rounding does not always add up (2024: the jenis of belanja sum to 2.169,73 while
belanja is 2.169,74), so every code first gets an exact target inside its rounding window such that every
parent is the sum of its children and the year balances; each target is then spread over OPDs,
sub-kegiatan and lines, the last line of a group taking what remains.

Everything is written through the budgeting services by the people who would do it: BPKAD (finance officer
and TAPD) for the KUA-PPAS, the approvals, the adoption and the DPA; each OPD's operator for its RKA lines
(one bulk import per RKA, as an OPD uploading its Excel would) and the pergeseran. Choices come from the
`random.Random` passed in; `scale` multiplies the number of lines (about 50.000 at 1.0), never the totals.
"""

import csv
import datetime
import itertools
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import F

from budgeting import ceiling_rules
from budgeting.models import ApbdVersion, Ceiling, Dpa, KuaPpas, Rka, RkaLine, RkaSubKegiatan
from budgeting.selectors import apbd as apbd_selectors
from budgeting.services import apbd as apbd_services
from budgeting.services import ceilings as ceiling_services
from budgeting.services import dpa as dpa_services
from budgeting.services import kua as kua_services
from budgeting.services import rka as rka_services
from masterdata.models import Account, FiscalYear, Nomenclature, Opd, Region, StandardPriceItem, User
from masterdata.money import total_of
from planning.models import Renja, RenjaLine, Rkpd

from . import planning as planning_demo
from . import reference
from .builder import YearBuilder
from .clock import running
from .realization import LAST_MONTH, RealizationBuilder
from .tables import load

_TABLES = load("budgeting")

RINGKASAN = Path(__file__).resolve().parent / "data" / "apbd_bondowoso_ringkasan.csv"
LINES_AT_SCALE_1 = 50_000
UNIT = 1_000  # every planned amount is whole thousands of rupiah
TEN_MILLION = 10_000_000  # Rp 0,01 miliar, the precision of the published figures
HALF_WINDOW = 4_999_000  # strictly inside the rounding window (± Rp 5 juta) whatever the rounding rule
# The year balances when 4 − 5 + 6.1 − 6.2 = 0; the first of these absorbs the rounding first (SiLPA does).
BALANCE_ROOTS = (("6.1", 1), ("5", -1), ("4", 1), ("6.2", -1))
ANY = None  # the low bound of a volume factor whose value follows from the amount wanted and the unit price

PUPR, DINKES, RSUD = planning_demo.PUPR, planning_demo.DINKES, planning_demo.RSUD
SETDA, SETWAN, BAPENDA = planning_demo.SETDA, planning_demo.SETWAN, planning_demo.BAPENDA
BPKAD = rka_services.PPKD_OPD_CODE

DAU, DBH, DANA_DESA = "1.2.01.01.02.0001", "1.2.01.01.01.0001", "2.2.01.05.01.0001"
PBB, BPHTB = "1.1.01.15.01.0001", "1.1.01.16.01.0001"


# --- The real figures and exact targets ---------------------------------------------------------


def ringkasan_years():
    with RINGKASAN.open(encoding="utf-8") as handle:
        return sorted({int(row["tahun"]) for row in csv.DictReader(handle)})


def real_figures(year):
    """(year of the figures, {account code: Rp billions}) from the published ringkasan: the year itself, or
    the nearest earlier year it has (the nearest later one for years before it)."""
    years = ringkasan_years()
    earlier = [y for y in years if y <= year]
    source_year = earlier[-1] if earlier else years[0]
    with RINGKASAN.open(encoding="utf-8") as handle:
        figures = {
            row["kode_rekening"]: Decimal(row["anggaran"])
            for row in csv.DictReader(handle)
            if int(row["tahun"]) == source_year and row["kode_rekening"]
        }
    return source_year, figures


def ringkasan_names(year):
    with RINGKASAN.open(encoding="utf-8") as handle:
        return {
            row["kode_rekening"]: row["uraian"]
            for row in csv.DictReader(handle)
            if int(row["tahun"]) == year and row["kode_rekening"]
        }


class _Node:
    """A code of the ringkasan (or a balance root it lacks) with its window and its listed children."""

    def __init__(self, code, figure):
        self.code, self.figure, self.children = code, figure, []
        if figure is not None:
            centre = int(figure * 100) * TEN_MILLION
            self.window = (max(0, centre - HALF_WINDOW), centre + HALF_WINDOW)
            self.centre = centre

    def bounds(self):
        if not self.children:
            return self.window if self.figure is not None else (0, 0)
        lows, highs = zip(*(child.bounds() for child in self.children), strict=True)
        low, high = sum(lows), sum(highs)
        if self.figure is not None:
            low, high = max(low, self.window[0]), min(high, self.window[1])
        if low > high:
            raise ValueError(f"Angka {self.code} tidak dapat disusun dari rinciannya dalam batas pembulatan.")
        return low, high

    def preferred(self):
        low, high = self.bounds()
        wanted = self.centre if self.figure is not None else sum(child.preferred() for child in self.children)
        return min(max(wanted, low), high)

    def order(self):
        """Big figures absorb rounding before small ones; a zero figure stays zero unless nothing else can."""
        return (self.figure == 0, -(self.figure or 0), self.code)


def _spread(total, items):
    """Values for (key, low, high, start, sign) summing (signed) to `total`, moving items in order."""
    values = {key: start for key, _, _, start, _ in items}
    gap = total - sum(sign * values[key] for key, _, _, _, sign in items)
    for key, low, high, _, sign in items:
        if not gap:
            break
        step = max(low - values[key], min(high - values[key], gap * sign))
        values[key] += step
        gap -= sign * step
    if gap:
        raise ValueError("Angka ringkasan tidak dapat diseimbangkan dalam batas pembulatan.")
    return values


def exact_targets(figures):
    """Whole-thousand rupiah targets for every code of `figures` (Rp billions): each rounds to its figure,
    each parent is the sum of its nearest listed descendants, and 4 − 5 + 6.1 − 6.2 = 0 exactly."""
    nodes = {code: _Node(code, figure) for code, figure in figures.items()}
    roots = [nodes.setdefault(code, _Node(code, None)) for code, _ in BALANCE_ROOTS]
    for code in set(figures) - {code for code, _ in BALANCE_ROOTS}:
        parts = code.split(".")
        parent = next(
            (".".join(parts[:size]) for size in range(len(parts) - 1, 0, -1) if ".".join(parts[:size]) in nodes),
            None,
        )
        if parent is None:
            raise ValueError(f"Kode {code} tidak berada di bawah pendapatan, belanja atau pembiayaan.")
        nodes[parent].children.append(nodes[code])
    totals = _spread(
        0,
        [
            (node.code, *node.bounds(), node.preferred(), sign)
            for node, (_, sign) in zip(roots, BALANCE_ROOTS, strict=True)
        ],
    )
    targets = {}

    def assign(node, total):
        targets[node.code] = total
        children = sorted(node.children, key=_Node.order)
        if children:
            values = _spread(total, [(child.code, *child.bounds(), child.preferred(), 1) for child in children])
            for child in children:
                assign(child, values[child.code])

    for node in roots:
        assign(node, totals[node.code])
    return targets


def leaf_targets(targets):
    """The codes that get lines: those without a listed descendant."""
    return {
        code: amount for code, amount in targets.items() if not any(other.startswith(code + ".") for other in targets)
    }


def apportion(total, weights):
    """Split `total` (whole thousands) over `weights` by largest remainder, in whole thousands."""
    units = total // UNIT
    weight_sum = sum(weights)
    if not weights or weight_sum <= 0:
        raise ValueError("nothing to apportion over")
    raw = [units * weight / weight_sum for weight in weights]
    shares = [math.floor(value) for value in raw]
    order = sorted(range(len(raw)), key=lambda i: (shares[i] - raw[i], i))
    for i in order[: units - sum(shares)]:
        shares[i] += 1
    return [share * UNIT for share in shares]


# --- Where each kind of money sits ------------------------------------------------------------------
#
# Revenue and financing: (OPD, account, weight inside its ringkasan code, keterangan, sumber dana). The OPD
# that collects the revenue budgets it: Bapenda the taxes, the OPDs their own retribusi, RSUD and Dinkes
# their BLUD income, BPKAD as PPKD the transfers, lain-lain and every pembiayaan line.

REVENUE = _TABLES["revenue"]

# Belanja pegawai: relative size per OPD (teachers make Dikbud the largest); others by kind.
PEGAWAI_WEIGHTS = _TABLES["pegawai_weights"]
PEGAWAI_KIND_WEIGHTS = {Opd.Kind.KECAMATAN: 2}
PEGAWAI_DEFAULT_WEIGHT = 6
GAJI_SUB = "X.XX.01.2.02.0001"


def outside_renja_reason(code):
    """Why the demo's RKA carries a sub-kegiatan its final Renja does not list."""
    if code.startswith("X.XX."):
        return "Belanja program penunjang (gaji, tunjangan dan operasional kantor) yang tidak dirinci dalam Renja."
    return "Hibah, bansos dan belanja yang penerima atau besarnya ditetapkan setelah Renja final."


DPRD_SUB, KDH_SUB = "X.XX.01.2.15.0001", "X.XX.01.2.11.0001"
DPRD_SHARE, KDH_SHARE = Decimal("0.72"), Decimal("0.05")  # of Setwan's and Setda's belanja pegawai

# (account, weight, keterangan, months, monthly amount per person for the head count) in the order an
# RKA lists them; at small scales only the first few are written. The first is also the closing line.
ASN_COMPONENTS = _TABLES["asn_components"]
EXTRA_PEGAWAI = _TABLES["extra_pegawai"]
DPRD_COMPONENTS = _TABLES["dprd_components"]
KDH_COMPONENTS = _TABLES["kdh_components"]
DPRD_MEMBERS, KDH_PEOPLE = 45, 2

# Hibah and bansos: (OPD, host sub-kegiatan codes, host name pattern, account, weight, recipients kind).
# Hibah for the regional election only in an election year (Pilkada serentak 2024).
PILKADA_YEARS = {2024}
HIBAH = _TABLES["hibah"]
BANSOS = _TABLES["bansos"]
HIBAH_RECIPIENTS = _TABLES["hibah_recipients"]
# Parties with seats in the DPRD and their votes (demo figures), for the bantuan keuangan per vote.
PARTIES = _TABLES["parties"]
PESANTREN_NAMES = _TABLES["pesantren_names"]
# Recipients, one per kecamatan: (recipient, keterangan, volume factors, unit price). School hibah is per
# pupil; bansos uang is per beneficiary and month.
PER_KECAMATAN = _TABLES["per_kecamatan"]

# BPKAD as PPKD: (ringkasan code, host sub-kegiatan, [(account, weight, keterangan, recipients kind)]).
PPKD_SPENDING = _TABLES["ppkd_spending"]
PDAM = "Perumda Air Minum Kabupaten Bondowoso"
EXTRA_SUB_OUTPUTS = _TABLES["extra_sub_outputs"]

# Line templates: (account, keterangan, typical amount in Rp juta, volume factors, unit price range). A
# factor is (unit, low, high); the one with low None is computed from the amount wanted and the unit price.
# Where the account needs a standard-price item, the item's price and unit replace the last two: factors
# follow the item's unit (OK = orang x kali, OH = orang x hari, ...). A closing template has fixed factors
# and no price range: its unit price is what makes the group exact.
PACKAGES = _TABLES["packages"]
# Factors of a standard-price item by its unit; any other unit is counted in that unit.
ITEM_FACTORS = _TABLES["item_factors"]
# (code prefix, name pattern, barang/jasa packages, modal packages, share of the pagu that is modal);
# the first rule that matches a sub-kegiatan decides what its lines look like.
PROFILES = [
    (prefix, re.compile(pattern), bj, modal, share) for prefix, pattern, bj, modal, share in _TABLES["profiles"]
]
# A closing line needs an account without standard prices; these stand in if a catalogue covers the one named.
CLOSING_FALLBACK = _TABLES["closing_fallback"]


# --- Plans (what will be written) ---------------------------------------------------------------------


@dataclass
class SubPlan:
    """A sub-kegiatan of an OPD's RKA: from its final Renja, or added for gaji, PPKD or hibah."""

    opd: Opd
    node: Nomenclature
    pagu: int = 0  # pagu indikatif of the Renja line (Rupiah); 0 for an added sub-kegiatan
    funding_code: str = DAU
    location: str = "Kabupaten Bondowoso"
    bj_packages: list = field(default_factory=list)
    modal_packages: list = field(default_factory=list)
    modal_share: float = 0.0
    output: tuple | None = None  # (indicator, unit) of an added sub-kegiatan


@dataclass
class Cell:
    """The exact amount of one ringkasan code in one sub-kegiatan (None: revenue and financing), and how its
    lines are made."""

    opd: Opd
    sub: SubPlan | None
    leaf: str
    amount: int
    kind: str
    detail: object = None
    count: int = 1


@dataclass
class BudgetSummary:
    year: int
    created: bool
    figures_year: int | None = None
    kua_state: str = ""
    kua_agreement: str = ""
    ceilings: int = 0
    ceiling_total: Decimal = Decimal(0)
    rkas: int = 0
    rkas_approved: int = 0
    lines: int = 0
    murni_state: str = ""
    perda: str = ""
    pendapatan: Decimal = Decimal(0)
    belanja: Decimal = Decimal(0)
    penerimaan_pembiayaan: Decimal = Decimal(0)
    pengeluaran_pembiayaan: Decimal = Decimal(0)
    dpas: int = 0
    dpas_issued: int = 0
    shift_dppas: int = 0
    shift_state: str = ""
    shift_lines: int = 0
    shift_opds: int = 0
    operators_created: int = 0

    @property
    def pembiayaan_netto(self):
        return self.penerimaan_pembiayaan - self.pengeluaran_pembiayaan

    @property
    def kua_state_label(self):
        return KuaPpas.State(self.kua_state).label if self.kua_state else ""

    @property
    def murni_state_label(self):
        return ApbdVersion.State(self.murni_state).label if self.murni_state else ""

    @property
    def shift_state_label(self):
        return ApbdVersion.State(self.shift_state).label if self.shift_state else ""


def seed_budget(rng, *, year, scale=1.0, stdout=None, clock=None):
    """Build the budget year from its final RKPD on the demo's clock (its own when none is given); a year
    that already has a KUA-PPAS or an APBD version is left as it is."""
    fiscal_year = FiscalYear.objects.select_related("reference_version").get(year=year)
    with running(clock, year) as clock:
        reference.seed_users()
        if (
            KuaPpas.objects.filter(fiscal_year=fiscal_year).exists()
            or ApbdVersion.objects.filter(fiscal_year=fiscal_year).exists()
        ):
            return summarize(fiscal_year, created=False)
        rkpd = Rkpd.objects.filter(fiscal_year=fiscal_year, state=Rkpd.State.FINAL).first()
        if rkpd is None:
            raise ValueError(f"RKPD {year} belum final: anggaran disusun dari RKPD yang sudah final.")
        with transaction.atomic():
            builder = _Builder(fiscal_year, rkpd, rng, scale, stdout, clock)
            builder.build()
    return summarize(
        fiscal_year, created=True, figures_year=builder.figures_year, operators_created=builder.operators_created
    )


def summarize(fiscal_year, *, created, figures_year=None, operators_created=0):
    versions = ApbdVersion.objects.filter(fiscal_year=fiscal_year)
    murni = versions.filter(kind=ApbdVersion.Kind.MURNI).first()
    shift = versions.filter(kind=ApbdVersion.Kind.PERGESERAN).order_by("-number").first()
    kua = KuaPpas.objects.filter(fiscal_year=fiscal_year, kind=KuaPpas.Kind.MURNI).order_by("-number").first()
    summary = BudgetSummary(
        year=fiscal_year.year,
        created=created,
        figures_year=figures_year or real_figures(fiscal_year.year)[0],
        operators_created=operators_created,
    )
    if kua is not None:
        opd_ceilings = Ceiling.objects.opd_level().filter(kua_ppas=kua)
        summary.kua_state = kua.state
        summary.kua_agreement = kua.agreement_number
        summary.ceilings = opd_ceilings.count()
        summary.ceiling_total = total_of(opd_ceilings)
    if murni is not None:
        rkas = Rka.objects.filter(version=murni)
        summary.rkas = rkas.count()
        summary.rkas_approved = rkas.filter(state=Rka.State.APPROVED).count()
        summary.lines = RkaLine.objects.filter(rka__version=murni).count()
        summary.murni_state = murni.state
        summary.perda = murni.perda_number
        balance = apbd_selectors.stored_balance(murni) if murni.published_at else apbd_selectors.balance(murni)
        summary.pendapatan, summary.belanja = balance.pendapatan, balance.belanja
        summary.penerimaan_pembiayaan = balance.penerimaan_pembiayaan
        summary.pengeluaran_pembiayaan = balance.pengeluaran_pembiayaan
        dpas = Dpa.objects.filter(version=murni)
        summary.dpas, summary.dpas_issued = dpas.count(), dpas.filter(state=Dpa.State.ISSUED).count()
    if shift is not None:
        summary.shift_state = shift.state
        changed = RkaLine.objects.filter(rka__version=shift).exclude(
            copied_from__isnull=False, amount=F("copied_from__amount")
        )
        summary.shift_lines = changed.count()
        summary.shift_opds = changed.values("rka__opd_id").distinct().count()
        summary.shift_dppas = Dpa.objects.filter(version=shift, state=Dpa.State.ISSUED).count()
    return summary


def _price_step(value):
    """The step a price list rounds to at that magnitude."""
    steps = ((1_000, 50), (10_000, 100), (100_000, 500), (10_000_000, 1_000))
    return next((step for limit, step in steps if value < limit), 5_000)


def _round_price(value):
    step = _price_step(value)
    return max(step, int(value // step) * step)


def _exact_factors(amount, factors, *, spread=60, fallback=None):
    """Factors (unit, value) and a unit price that make exactly `amount` (whole rupiah): the wanted factors if
    they divide it, else nearby lower ones (the first factor by up to `spread`, varied before the others), a
    whole-rupiah price before one with sen; else one `fallback` unit (one of the first factor's)."""
    (first_unit, first), others = factors[0], factors[1:]
    ranges = [range(value, 0, -1) for _, value in others] + [range(first, max(0, first - spread), -1)]
    for scale in (1, 100):
        for *rest, head in itertools.product(*ranges):
            product = head * math.prod(rest)
            if (amount * scale) % product == 0:
                exact = [(first_unit, head), *((unit, value) for (unit, _), value in zip(others, rest, strict=True))]
                return exact, Decimal(amount * scale // product) / scale
    return [(fallback or first_unit, 1)], Decimal(amount)


class _Builder(YearBuilder):
    """One budget year, planned in memory (targets, cells, line counts), then written through the services
    in the order the cycle runs."""

    def __init__(self, fiscal_year, rkpd, rng, scale, stdout, clock):
        super().__init__(fiscal_year, rng, scale, clock)
        self.rkpd = rkpd
        self.stdout = stdout
        self.finance = User.objects.get(username="bpkad")
        self.admin = User.objects.filter(username="admin").first()
        version_id = fiscal_year.reference_version_id
        self.accounts = {a.code: a for a in Account.objects.filter(version_id=version_id)}
        items = {item.pk: item for item in StandardPriceItem.objects.filter(fiscal_year=fiscal_year, is_active=True)}
        self.items_by_account = defaultdict(list)
        links = StandardPriceItem.accounts.through.objects.filter(standardpriceitem__fiscal_year=fiscal_year)
        for item_id, account_id in links.order_by("account_id", "standardpriceitem__code").values_list(
            "standardpriceitem_id", "account_id"
        ):
            if item_id in items:
                self.items_by_account[account_id].append(items[item_id])
        self.required = set(links.values_list("account_id", flat=True))  # accounts that take an item
        villages = Region.objects.filter(level=Region.Level.DESA).select_related("parent").order_by("code")
        self.desa = [(village.name, village.parent.name) for village in villages]
        self.kecamatan = sorted({kecamatan for _, kecamatan in self.desa})
        self._nodes = {}

    def on(self, year, month, day, hour=8):
        """`hour` o'clock on that day, or on the first working day after it."""
        return self.clock.on(datetime.date(year, month, day), datetime.time(hour))

    def days(self, year, first, last):
        """(first day, last day) of a window in `year`, each given as (month, day)."""
        return datetime.date(year, *first), datetime.date(year, *last)

    def on_the_date(self, day, hour=10):
        """A step dated by a document stays on its date, working day or not."""
        self.clock.at(self.clock.at_office(day, datetime.time(hour)))

    def say(self, message):
        if self.stdout is not None:
            self.stdout.write(f"  anggaran: {message}\n")

    # -- reference look-ups -----------------------------------------------------------------------------

    def account(self, code):
        """An active sub rincian objek account of the year's reference version, or None."""
        account = self.accounts.get(code)
        if account is None or not account.is_active or account.level != Account.Level.SUB_RINCIAN_OBJEK:
            return None
        return account

    def free_account(self, code):
        """The account if it takes no standard-price item."""
        account = self.account(code)
        return account if account is not None and account.pk not in self.required else None

    def first_free_account(self, prefix):
        return next(
            (
                account
                for code, account in sorted(self.accounts.items())
                if code.startswith(prefix + ".") and self.free_account(code) is not None
            ),
            None,
        )

    def source(self, code):
        return self.funding.get(code) or self.funding[DAU]

    def natural(self, count, minimum=1):
        """How many of `count` natural lines (recipients, components) a scale keeps."""
        return max(min(minimum, count), min(count, round(count * self.scale)))

    # -- the year -------------------------------------------------------------------------------------

    def build(self):
        self.figures_year, figures = real_figures(self.year)
        self.names = ringkasan_names(self.figures_year)
        self.targets = exact_targets(figures)
        self.leaves = {code: amount for code, amount in leaf_targets(self.targets).items() if amount}
        self._plan_subs()
        self.cells = []
        self._plan_revenue()
        self._plan_spending()
        self._plan_line_counts()
        self.rows = self._lines()
        self.say(f"{sum(len(rows) for rows in self.rows.values())} rincian direncanakan")
        # TAPD starts on the KUA-PPAS once the RKPD is set; the planning demo's OPD operators enter the RKAs
        # (a new one where an OPD has none).
        self.clock.at(self.on(self.year - 1, 7, 3))
        self.operators, self.operators_created = planning_demo.opd_operators(self.opds, admin=self.admin, rng=self.rng)
        kua = self._kua()
        version = self._rka(kua)
        version = self._adopt(version)
        self._dpa(version)
        # The OPDs report January to March, BPKAD closes them; the pergeseran follows in May and June, and
        # the months after it are realized on the DPPA.
        self.realization = RealizationBuilder(self)
        self.realization.months(range(1, 4))
        self._shift(version)
        self.realization.months(range(4, LAST_MONTH + 1))
        self.say(f"realisasi Januari–September: {self.realization.entries} entri ({self.realization.pushed} SP2D)")

    # -- plan: sub-kegiatan -----------------------------------------------------------------------------

    def _plan_subs(self):
        """Every OPD of the RKPD (and BPKAD as PPKD) with the sub-kegiatan of its final Renja."""
        opd_ids = set(self.rkpd.renjas.values_list("opd_id", flat=True))
        self.opds = list(Opd.objects.filter(pk__in=opd_ids) | Opd.objects.filter(code=BPKAD, is_active=True))
        self.opds.sort(key=lambda opd: opd.code)
        self.opd_by_code = {opd.code: opd for opd in self.opds}
        self.subs = {opd.pk: {} for opd in self.opds}
        opds_by_id = {opd.pk: opd for opd in self.opds}
        lines = (
            RenjaLine.objects.filter(
                renja__fiscal_year=self.fy, renja__stage=Renja.Stage.FINAL, renja__opd_id__in=self.subs
            )
            .select_related("renja", "sub_kegiatan__parent", "funding_source")
            .order_by("renja__opd__code", "sub_kegiatan__code")
        )
        for line in lines:
            opd = opds_by_id[line.renja.opd_id]
            plan = SubPlan(
                opd=opd,
                node=line.sub_kegiatan,
                pagu=int(line.pagu_indikatif),
                funding_code=line.funding_source.code if line.funding_source_id else DAU,
                location=line.location,
            )
            self._profile(plan)
            self.subs[opd.pk][line.sub_kegiatan.code] = plan

    def _profile(self, plan):
        code, name = plan.node.code, plan.node.name
        for prefix, pattern, bj, modal, share in PROFILES:
            if code.startswith(prefix) and pattern.search(name):
                plan.bj_packages, plan.modal_packages, plan.modal_share = list(bj), list(modal), share
                return

    def _node(self, code):
        if code not in self._nodes:
            self._nodes[code] = (
                Nomenclature.objects.filter(
                    version_id=self.fy.reference_version_id,
                    code=code,
                    level=Nomenclature.Level.SUB_KEGIATAN,
                    is_active=True,
                )
                .select_related("parent")
                .first()
            )
        return self._nodes[code]

    def sub(self, opd, code, output=None):
        """The OPD's sub-kegiatan `code`: from its Renja, or added to its RKA (None if the code is unknown)."""
        plan = self.subs[opd.pk].get(code)
        if plan is None:
            node = self._node(code)
            if node is None:
                return None
            plan = SubPlan(opd=opd, node=node, output=output or EXTRA_SUB_OUTPUTS.get(code))
            self._profile(plan)
            self.subs[opd.pk][code] = plan
        return plan

    def host(self, opd, codes, pattern):
        """Where an OPD budgets hibah or bansos: a listed sub-kegiatan it plans, one whose name fits, or the
        first listed one added to its RKA."""
        plans = self.subs[opd.pk]
        for code in codes:
            if code in plans:
                return plans[code]
        regex = re.compile(pattern)
        for code in sorted(plans):
            if not code.startswith("X.XX") and regex.search(plans[code].node.name):
                return plans[code]
        for code in codes:
            plan = self.sub(opd, code, output=("Jumlah penerima hibah/bantuan sosial", "lembaga"))
            if plan is not None:
                return plan
        bidang = [plans[code] for code in sorted(plans) if not code.startswith("X.XX")]
        return (bidang or [plans[code] for code in sorted(plans)])[0]

    # -- plan: money -------------------------------------------------------------------------------------

    def _plan_revenue(self):
        """Akun 4 and 6: each ringkasan code over the OPDs and accounts that collect or finance it."""
        self.dana_desa = 0
        for leaf, amount in sorted(self.leaves.items()):
            if leaf[0] not in "46":
                continue
            entries = [
                (self.opd_by_code[opd_code], self.account(code), weight, text, funding)
                for opd_code, code, weight, text, funding in REVENUE
                if code.startswith(leaf + ".") and opd_code in self.opd_by_code and self.account(code)
            ]
            if not entries:
                account = self.first_free_account(leaf)
                entries = [(self.opd_by_code[BPKAD], account, 1, self.names.get(leaf, account.name), DAU)]
            for (opd, account, _, text, funding), share in zip(
                entries, apportion(amount, [entry[2] for entry in entries]), strict=True
            ):
                if share:
                    self.cells.append(Cell(opd, None, leaf, share, "revenue", (account, text, funding)))
                    if account.code == "4.2.01.05.01.0001":
                        self.dana_desa += share

    def _plan_spending(self):
        for leaf, amount in sorted(self.leaves.items()):
            if leaf[0] != "5":
                continue
            if leaf.startswith("5.1.01"):
                self._plan_pegawai(leaf, amount)
            elif leaf.startswith(("5.1.02", "5.2")):
                self._plan_generic(leaf, amount)
            elif leaf.startswith(("5.1.05", "5.1.06")):
                self._plan_grants(leaf, amount, HIBAH if leaf.startswith("5.1.05") else BANSOS)
            else:
                self._plan_ppkd(leaf, amount)

    def _plan_pegawai(self, leaf, amount):
        weights = [
            PEGAWAI_WEIGHTS.get(opd.code) or PEGAWAI_KIND_WEIGHTS.get(opd.kind, PEGAWAI_DEFAULT_WEIGHT)
            for opd in self.opds
        ]
        for opd, share in zip(self.opds, apportion(amount, weights), strict=True):
            special = {SETWAN: (DPRD_SUB, DPRD_SHARE, "dprd"), SETDA: (KDH_SUB, KDH_SHARE, "kdh")}.get(opd.code)
            if special and leaf == "5.1.01":
                code, part, kind = special
                sub = self.sub(opd, code)
                if sub is not None:
                    own = int(share * part) // UNIT * UNIT
                    self.cells.append(Cell(opd, sub, leaf, own, kind))
                    share -= own
            self.cells.append(Cell(opd, self.sub(opd, GAJI_SUB), leaf, share, "asn"))

    def _plan_generic(self, leaf, amount):
        """Barang dan jasa or modal over every planned sub-kegiatan, by its pagu indikatif and profile."""
        modal = leaf.startswith("5.2")
        plans = [plan for opd in self.opds for _, plan in sorted(self.subs[opd.pk].items()) if plan.pagu]
        if modal:
            weights = [plan.pagu * plan.modal_share * self.rng.uniform(0.8, 1.25) for plan in plans]
            if not any(weights):
                for plan in plans:
                    plan.modal_packages = ["m_peralatan"]
                weights = [plan.pagu for plan in plans]
        else:
            weights = [plan.pagu * (1 - plan.modal_share) * self.rng.uniform(0.8, 1.25) for plan in plans]
        for plan, share in zip(plans, apportion(amount, weights), strict=True):
            if share:
                self.cells.append(Cell(plan.opd, plan, leaf, share, "modal" if modal else "barang_jasa"))

    def _plan_grants(self, leaf, amount, table):
        entries = [
            (self.opd_by_code[opd_code], codes, pattern, code, weight, kind)
            for opd_code, codes, pattern, code, weight, kind, election in table
            if opd_code in self.opd_by_code
            and self.account(code)
            and code.startswith(leaf + ".")
            and (not election or self.year in PILKADA_YEARS)
        ]
        if not entries:
            self._plan_ppkd(leaf, amount)
            return
        for (opd, codes, pattern, code, _, kind), share in zip(
            entries, apportion(amount, [entry[4] for entry in entries]), strict=True
        ):
            if share:
                self.cells.append(Cell(opd, self.host(opd, codes, pattern), leaf, share, "grant", (code, kind)))

    def _plan_ppkd(self, leaf, amount):
        """Bunga, subsidi, BTT, bagi hasil and bantuan keuangan: BPKAD as PPKD, each in its sub-kegiatan."""
        ppkd = self.opd_by_code[BPKAD]
        entry = next((item for item in PPKD_SPENDING if leaf.startswith(item[0]) or item[0].startswith(leaf)), None)
        components = []
        if entry is not None:
            components = [
                (self.account(code), weight, text, kind)
                for code, weight, text, kind in entry[2]
                if code.startswith(leaf + ".") and self.account(code)
            ]
        sub = self.sub(ppkd, entry[1]) if entry is not None else None
        if not components or sub is None:
            account = self.first_free_account(leaf)
            sub = sub or self.sub(ppkd, "5.02.02.2.04.0008") or self.sub(ppkd, GAJI_SUB)
            components = [(account, 1, self.names.get(leaf, account.name), None)]
        if any(kind == "dana_desa" for _, _, _, kind in components):
            dana_desa = min(self.dana_desa, amount * 3 // 4) // UNIT * UNIT
            others = [c for c in components if c[3] != "dana_desa"]
            shares = [dana_desa, *apportion(amount - dana_desa, [c[1] for c in others])]
            components = [c for c in components if c[3] == "dana_desa"] + others
        else:
            shares = apportion(amount, [c[1] for c in components])
        for component, share in zip(components, shares, strict=True):
            if share:
                self.cells.append(Cell(ppkd, sub, leaf, share, "ppkd", component))

    def _plan_line_counts(self):
        """Recipients and pay components are counted as they are (scaled); the rest of the line budget goes
        to barang/jasa and modal by the square root of their amounts."""
        budget = self.scaled(LINES_AT_SCALE_1)
        generic = []
        fixed = 0
        for cell in self.cells:
            if cell.kind in ("barang_jasa", "modal"):
                generic.append(cell)
                continue
            if cell.kind == "asn":
                cell.detail = self._asn_components(cell.opd)
                cell.count = self.natural(len(cell.detail), 3)
            elif cell.kind in ("dprd", "kdh"):
                components = DPRD_COMPONENTS if cell.kind == "dprd" else KDH_COMPONENTS
                cell.count = self.natural(len(components), 2)
            elif cell.kind == "grant":
                cell.count = self.natural(self._recipient_count(cell.detail[1]), 1)
            elif cell.kind == "ppkd":
                cell.count = self.natural(len(self.desa), 2) if cell.detail[3] in ("desa", "dana_desa") else 1
            fixed += cell.count
        # About one planned barang/jasa or modal line in twenty does not fit what is left of its group.
        room = max(len(generic), round((budget - fixed) * 1.045))
        weights = [math.sqrt(cell.amount) for cell in generic]
        total_weight = sum(weights) or 1
        for cell, weight in zip(generic, weights, strict=True):
            cell.count = max(1, min(600, cell.amount // 500_000, round(room * weight / total_weight)))

    def _asn_components(self, opd):
        extra = EXTRA_PEGAWAI.get(opd.code, [])
        return [ASN_COMPONENTS[0], *extra, *ASN_COMPONENTS[1:]]

    def _recipient_count(self, kind):
        if kind in PER_KECAMATAN:
            return len(self.kecamatan)
        return {
            "kpu": 1,
            "bawaslu": 1,
            "koni": 1,
            "pmi": 1,
            "keamanan": len(HIBAH_RECIPIENTS["keamanan"]),
            "lembaga": len(HIBAH_RECIPIENTS["lembaga"]),
            "parpol": len(PARTIES),
            "pesantren": 120,
            "kelompok": 40,
        }[kind]

    # -- lines (in memory; the sub-kegiatan is the plan until the RKA exists) ---------------------------

    def _values(self, sub, account, factors, price, *, description, work_package="", **extra):
        values = {
            "sub_kegiatan": sub,
            "account": account,
            "standard_price": extra.get("item"),
            "work_package": work_package[:255],
            "description": description[:500],
            "specification": extra.get("specification", "")[:500],
            "recipient": extra.get("recipient", "")[:255],
            "unit_price": price if isinstance(price, Decimal) else Decimal(price),
            "funding_source": extra.get("funding") or self.source(DAU),
            "location": extra.get("location", "")[:255],
        }
        for index in range(3):
            unit, value = factors[index] if index < len(factors) else ("", None)
            values[f"volume_{index + 1}"] = None if value is None else Decimal(value)
            values[f"unit_{index + 1}"] = unit[:30]
        return values

    def _lines(self):
        """{OPD id: [line values]} for every cell; checks that each cell's lines sum to it exactly."""
        rows = defaultdict(list)
        for cell in self.cells:
            make = {
                "revenue": self._revenue_lines,
                "asn": self._pay_lines,
                "dprd": self._pay_lines,
                "kdh": self._pay_lines,
                "grant": self._grant_lines,
                "ppkd": self._ppkd_lines,
            }.get(cell.kind, self._generic_lines)
            made = make(cell)
            total = sum(ceiling_rules.line_amount(values) for values in made)
            if total != cell.amount:
                raise AssertionError(f"{cell.leaf} {cell.opd.code}: {total} != {cell.amount}")
            rows[cell.opd.pk] += made
        return rows

    def _revenue_lines(self, cell):
        account, text, funding = cell.detail
        factors, price = _exact_factors(cell.amount, [("bulan", 12)], spread=1, fallback="tahun")
        return [
            self._values(
                None,
                account,
                factors,
                price,
                description=text,
                work_package=self.names.get(cell.leaf, ""),
                funding=self.source(funding),
            )
        ]

    def _generic_funding(self, plan):
        if self.rng.random() < 0.75:
            return self.source(plan.funding_code)
        return self.source(self.rng.choices([DAU, DBH, PBB, BPHTB], weights=[6, 1, 0.5, 0.5])[0])

    def _generic_lines(self, cell):
        """Barang/jasa or modal lines of one sub-kegiatan, grouped by work package; the last one (an account
        without standard prices) takes what remains."""
        plan = cell.sub
        modal = cell.kind == "modal"
        keys = (plan.modal_packages if modal else plan.bj_packages) or (["m_peralatan"] if modal else ["operasional"])
        packages = [
            (PACKAGES[key][0], [t for t in PACKAGES[key][1] if t[0].startswith(cell.leaf + ".") and self.account(t[0])])
            for key in keys
        ]
        closing = next(
            (
                (PACKAGES[key][0], self.free_account(PACKAGES[key][2][0]), *PACKAGES[key][2][1:])
                for key in keys
                if PACKAGES[key][2][0].startswith(cell.leaf + ".") and self.free_account(PACKAGES[key][2][0])
            ),
            None,
        )
        if closing is None:
            code, text = next(
                (fallback for prefix, fallback in CLOSING_FALLBACK.items() if cell.leaf.startswith(prefix)),
                ("", self.names.get(cell.leaf, "Belanja lainnya")),
            )
            account = (
                self.free_account(code) if code.startswith(cell.leaf + ".") else None
            ) or self.first_free_account(cell.leaf)
            closing = (packages[0][0], account, text, (("paket", 1, 1),))
        location = plan.location if modal else ""
        usable = [(title, templates) for title, templates in packages if templates]
        rows, remaining = [], cell.amount
        if cell.count > 1 and usable:
            picks = [
                (usable[index % len(usable)][0], self.rng.choice(usable[index % len(usable)][1]))
                for index in range(cell.count - 1)
            ]
            typical = [self.log_uniform(*template[2]) * 1_000_000 for _, template in picks]
            ratio = cell.amount * (1 - self.rng.uniform(0.02, 0.08)) / sum(typical)
            for (title, template), wanted in zip(picks, typical, strict=True):
                made = self._template_line(plan, title, template, wanted * ratio, remaining - UNIT, location)
                if made is not None:
                    rows.append(made[0])
                    remaining -= made[1]
        title, account, text, factors = closing
        wanted = [(unit, self.rng.randint(low, high)) for unit, low, high in factors]
        exact, price = _exact_factors(remaining, wanted)
        rows.append(
            self._values(
                plan,
                account,
                exact,
                price,
                description=text,
                work_package=title,
                funding=self._generic_funding(plan),
                location=location,
            )
        )
        return rows

    def _template_line(self, plan, title, template, wanted, room, location):
        """One line of a template costing about `wanted` and at most `room`, or None when it cannot fit."""
        code, text, _, factors, prices = template
        account = self.accounts[code]
        item, specification = None, ""
        if account.pk in self.required:
            item = self.rng.choice(self.items_by_account[account.pk])
            price = int(item.price)
            if self.rng.random() < 0.3:  # a negotiated price below the standard
                price = min(price, _round_price(price * self.rng.uniform(0.9, 0.98)))
            factors = ITEM_FACTORS.get(item.unit, ((item.unit, ANY, 0),))
            specification = f"{item.name}; {item.specification}" if item.specification else item.name
        elif prices is not None:
            price = _round_price(self.log_uniform(*prices))
        else:
            price = None
        chosen = [(unit, None if low is ANY else self.rng.randint(low, high)) for unit, low, high in factors]
        others = math.prod(value for _, value in chosen if value is not None)
        if price is None:  # every factor fixed: the unit price follows from the amount wanted
            if wanted / others < 1_000:
                chosen, others = [(unit, 1) for unit, _ in chosen], 1
            price = _round_price(max(wanted / others, 50))
            amount = others * price
        else:
            main = max(1, round(wanted / (price * others)))
            if main * others * price > room:
                # Fewer times (kali, hari), never fewer months of a monthly wage.
                chosen = [(unit, value if value is None or unit == "bulan" else 1) for unit, value in chosen]
                others = math.prod(value for _, value in chosen if value is not None)
                main = min(main, int(room // (price * others)))
            if main < 1:
                return None
            chosen = [(unit, main if value is None else value) for unit, value in chosen]
            amount = main * others * price
        if amount > room or amount <= 0:
            return None
        values = self._values(
            plan,
            account,
            chosen,
            price,
            description=text,
            work_package=title,
            item=item,
            specification=specification,
            funding=self._generic_funding(plan),
            location=location,
        )
        return values, amount

    def _pay_lines(self, cell):
        """Pay lines (persons x months x average) and a pembulatan line that makes the cell exact."""
        if cell.kind == "asn":
            components = cell.detail[: cell.count]
            absorber = ("5.1.01.01.08.0001", "Pembulatan gaji PNS")
        elif cell.kind == "dprd":
            components = DPRD_COMPONENTS[: cell.count]
            absorber = ("5.1.01.04.11.0001", "Pembulatan gaji DPRD")
        else:
            components = KDH_COMPONENTS[: cell.count]
            absorber = ("5.1.01.05.06.0001", "Pembulatan gaji bupati dan wakil bupati")
        components = [c for c in components if self.account(c[0]) and c[0] != absorber[0]]
        shares = apportion(cell.amount, [component[1] for component in components])
        pns = max(1, round(shares[0] / (3_600_000 * 14))) if cell.kind == "asn" else None
        pppk = next(
            (
                max(1, round(share / (3_000_000 * 14)))
                for component, share in zip(components, shares, strict=True)
                if component[0] == "5.1.01.01.01.0002"
            ),
            max(1, (pns or 1) // 6),
        )
        rows, total = [], 0
        work_package = "Gaji dan tunjangan" if cell.kind == "asn" else "Hak keuangan dan administratif"
        for component, share in zip(components, shares, strict=True):
            code, _, text, months = component[:4]
            funding = component[5] if len(component) > 5 else DAU
            if cell.kind == "dprd":
                persons = DPRD_MEMBERS
            elif cell.kind == "kdh":
                persons = KDH_PEOPLE
            elif code.startswith("5.1.01.03.07"):
                persons = self.rng.randint(3, 8)
            else:
                persons = pppk if "PPPK" in text else pns
            price = share // (persons * months)
            if price < 1:
                continue
            rows.append(
                self._values(
                    cell.sub,
                    self.accounts[code],
                    [("orang", persons), ("bulan", months)],
                    price,
                    description=text,
                    work_package=work_package,
                    funding=self.source(funding),
                )
            )
            total += price * persons * months
        rest = cell.amount - total
        if rest:
            account = self.account(absorber[0]) or self.accounts[components[0][0]]
            rows.append(
                self._values(
                    cell.sub, account, [("tahun", 1)], rest, description=absorber[1], work_package=work_package
                )
            )
        return rows

    def _recipients(self, kind, count):
        """(recipient, keterangan, weight, factors, unit price or None) of a hibah or bansos line."""
        rng = self.rng
        if kind in HIBAH_RECIPIENTS:
            return [
                (name, purpose, len(HIBAH_RECIPIENTS[kind]) - index, (("paket", 1, 1),), None)
                for index, (name, purpose) in enumerate(HIBAH_RECIPIENTS[kind][:count])
            ]
        if kind == "parpol":
            return [
                (
                    name,
                    "Bantuan keuangan partai politik berdasarkan perolehan suara",
                    votes,
                    (("suara", votes, votes),),
                    None,
                )
                for name, votes in PARTIES[:count]
            ]
        kecamatan = sorted(rng.sample(self.kecamatan, min(count, len(self.kecamatan))))
        if kind in PER_KECAMATAN:
            label, purpose, factors, price = PER_KECAMATAN[kind]
            return [
                (f"{label} di Kecamatan {name}", purpose, rng.uniform(0.5, 1.5), factors, price) for name in kecamatan
            ]
        villages = [self.desa[i] for i in sorted(rng.sample(range(len(self.desa)), min(count, len(self.desa))))]
        if kind == "pesantren":
            return [
                (
                    f"Pondok Pesantren {rng.choice(PESANTREN_NAMES)}, Desa {desa}, Kecamatan {name}",
                    "Hibah sarana prasarana pondok pesantren",
                    self.log_uniform(1, 8),
                    (("paket", 1, 1),),
                    None,
                )
                for desa, name in villages
            ]
        return [
            (
                f"Kelompok Usaha Bersama Desa {desa}, Kecamatan {name}",
                "Bantuan sosial barang modal usaha",
                rng.uniform(0.7, 1.3),
                (("paket", 1, 1),),
                None,
            )
            for desa, name in villages
        ]

    def _grant_lines(self, cell):
        code, kind = cell.detail
        account = self.accounts[code]
        recipients = self._recipients(kind, cell.count)
        total_weight = sum(recipient[2] for recipient in recipients)
        rows, remaining = [], cell.amount
        for index, (name, purpose, weight, factors, price) in enumerate(recipients):
            chosen = [(unit, None if low is ANY else self.rng.randint(low, high)) for unit, low, high in factors]
            others = math.prod(value for _, value in chosen if value is not None)
            wanted = cell.amount * weight / total_weight
            last = index == len(recipients) - 1
            if not last:
                if price is None:
                    price = _round_price(wanted / others)
                    amount = price * others
                else:
                    main = max(1, int(wanted // (price * others)))
                    chosen = [(unit, main if value is None else value) for unit, value in chosen]
                    amount = main * others * price
                if amount > remaining - UNIT:
                    last = True
            if last:
                if price is not None:  # per-unit recipient: about what the rest buys
                    count = max(1, round(remaining / (price * others)))
                    chosen = [(unit, count if value is None else value) for unit, value in chosen]
                chosen, price = _exact_factors(remaining, chosen, spread=max(60, chosen[0][1] // 20))
                amount = remaining
            rows.append(
                self._values(
                    cell.sub,
                    account,
                    chosen,
                    price,
                    description=purpose,
                    work_package=account.name,
                    recipient=name,
                    funding=self.source(DAU),
                )
            )
            remaining -= amount
            if not remaining:
                break
        return rows

    def _ppkd_lines(self, cell):
        account, _, text, kind = cell.detail
        if kind in ("desa", "dana_desa"):
            picked = sorted(self.rng.sample(range(len(self.desa)), min(cell.count, len(self.desa))))
            weights = [(0.7 if kind == "dana_desa" else 0.5) + self.rng.uniform(0, 0.6) for _ in picked]
            funding = DANA_DESA if kind == "dana_desa" else PBB if account.code.startswith("5.4.01.01") else DAU
            return [
                self._values(
                    cell.sub,
                    account,
                    [("tahun", 1)],
                    amount,
                    description=text,
                    work_package=account.name,
                    recipient=f"Pemerintah Desa {self.desa[i][0]}, Kecamatan {self.desa[i][1]}",
                    funding=self.source(funding),
                )
                for i, amount in zip(picked, apportion(cell.amount, weights), strict=True)
                if amount
            ]
        if kind == "pdam":
            connections = max(1, round(cell.amount / (12 * 12_000)))
            factors, price = _exact_factors(
                cell.amount, [("sambungan", connections), ("bulan", 12)], spread=connections
            )
            return [
                self._values(
                    cell.sub, account, factors, price, description=text, work_package=account.name, recipient=PDAM
                )
            ]
        return [
            self._values(cell.sub, account, [("paket", 1)], cell.amount, description=text, work_package=account.name)
        ]

    # -- writing: KUA-PPAS ----------------------------------------------------------------------------

    def _policy_totals(self):
        """KUA-PPAS lines: revenue and pembiayaan per objek, belanja per jenis, from the planned lines."""
        totals = defaultdict(int)
        for rows in self.rows.values():
            for values in rows:
                code = values["account"].code
                totals[code[:6] if code[0] == "5" else code[:9]] += ceiling_rules.line_amount(values)
        return totals

    def _kua(self):
        year = self.year
        kua = kua_services.create_kua_ppas(
            actor=self.finance,
            fiscal_year=self.fy,
            policy_notes=(
                f"Kebijakan Umum APBD Tahun {year} diarahkan pada prioritas RKPD {year}: pemulihan ekonomi "
                "berbasis agrobisnis dan pariwisata, penurunan kemiskinan dan stunting, peningkatan kualitas "
                "infrastruktur jalan dan irigasi, serta tata kelola pemerintahan yang akuntabel."
            ),
        )
        notes = {
            "4": f"Proyeksi berdasarkan realisasi tiga tahun terakhir dan potensi tahun {year}.",
            "5": f"Dialokasikan sesuai prioritas dan sasaran RKPD {year}.",
            "6": "Menutup defisit anggaran.",
        }
        for code, amount in sorted(self._policy_totals().items()):
            self.clock.later(minutes=3)
            kua_services.set_kua_account_line(
                actor=self.finance, kua=kua, account=self.accounts[code], amount=Decimal(amount), note=notes[code[0]]
            )
        belanja = defaultdict(int)
        for opd_id, rows in self.rows.items():
            belanja[opd_id] = sum(
                (ceiling_rules.line_amount(v) for v in rows if v["account"].code[0] == "5"), Decimal(0)
            )
        # Ceilings start from the RKPD's pagu indikatif; Banggar and TAPD settle them at each OPD's budget.
        self.clock.at(self.on(year - 1, 7, 5))
        for opd in self.opds:
            self.clock.later(minutes=5)
            ceiling_services.set_ceiling(actor=self.finance, kua=kua, opd=opd, amount=Decimal(belanja[opd.pk]))
        # Submitted to DPRD in the second week of July, agreed in the second week of August.
        self.clock.at(self.on(year - 1, 7, 10, hour=10))
        kua_services.transition_kua(actor=self.finance, kua=kua, action="submit")
        number = f"050/{self.rng.randint(1200, 2400)}/430.10/{year - 1}"
        agreed = datetime.date(year - 1, 8, self.rng.randint(7, 14))
        self.on_the_date(agreed)
        kua_services.transition_kua(
            actor=self.finance, kua=kua, action="agree", agreement_number=number, agreement_date=agreed
        )
        self.clock.later(hours=3)
        kua = kua_services.transition_kua(actor=self.finance, kua=kua, action="lock")
        self.say(f"KUA-PPAS disepakati, {len(self.opds)} plafon OPD dikunci")
        return kua

    # -- writing: RKA ---------------------------------------------------------------------------------

    def _rka(self, kua):
        year = self.year
        self.clock.at(self.clock.working_days_after(self.clock.now(), 1))
        version = apbd_services.create_murni_version(actor=self.finance, kua=kua)
        rkas = {
            rka.opd_id: rka for rka in Rka.objects.filter(version=version).select_related("opd", "version__fiscal_year")
        }
        rka_subs = {
            (item.rka.opd_id, item.sub_kegiatan_id): item
            for item in RkaSubKegiatan.objects.filter(rka__version=version).select_related(
                "rka", "sub_kegiatan__parent"
            )
        }
        # The OPDs enter their RKA in September, TAPD holds the asistensi OPD by OPD in October and November.
        for opd, moment in zip(
            self.opds, self.clock.spread(*self.days(year - 1, (9, 4), (9, 27)), len(self.opds)), strict=True
        ):
            self.clock.at(moment)
            staff, rka = self.operators[opd.pk], rkas[opd.pk]
            used = {id(values["sub_kegiatan"]): values["sub_kegiatan"] for values in self.rows[opd.pk]}
            for plan in sorted((p for p in used.values() if p is not None), key=lambda p: p.node.code):
                if (opd.pk, plan.node.pk) not in rka_subs:
                    indicator, unit = plan.output or ("Jumlah layanan yang diselenggarakan", "layanan")
                    rka_subs[(opd.pk, plan.node.pk)] = rka_services.add_rka_sub_kegiatan(
                        actor=staff,
                        rka=rka,
                        sub_kegiatan=plan.node,
                        location=plan.location,
                        output_indicator=indicator,
                        output_target=Decimal(12),
                        output_unit=unit,
                        outside_renja_reason=outside_renja_reason(plan.node.code),
                    )
            rows = [
                (
                    number,
                    values
                    | {
                        "sub_kegiatan": None
                        if values["sub_kegiatan"] is None
                        else rka_subs[(opd.pk, values["sub_kegiatan"].node.pk)]
                    },
                )
                for number, values in enumerate(self.rows[opd.pk], start=2)
            ]
            rka_services.import_rka_lines(actor=staff, rka=rka, rows=rows)
        self.say(f"{sum(len(rows) for rows in self.rows.values())} rincian RKA diunggah oleh {len(rkas)} OPD")
        self.rka_subs = rka_subs
        for opd, moment in zip(
            self.opds, self.clock.spread(*self.days(year - 1, (10, 2), (11, 10)), len(self.opds)), strict=True
        ):
            self.clock.at(moment)
            self._asistensi(rkas[opd.pk], self.operators[opd.pk])
        return version

    def _asistensi(self, rka, staff):
        """The OPD submits; TAPD sometimes returns it once with a note before approving."""
        rka_services.transition_rka(actor=staff, rka=rka, action="submit")
        if self.rng.random() < 0.15:
            line = rka.lines.order_by("pk")[self.rng.randrange(rka.lines.count())]
            self.clock.later(minutes=40)
            rka_services.transition_rka(
                actor=self.finance,
                rka=rka,
                action="return",
                note=f"Mohon lengkapi spesifikasi dan dasar perhitungan rincian {line.description}.",
            )
            self.clock.later(minutes=60)
            rka_services.comment_rka(
                actor=staff, rka=rka, text="Sudah kami lengkapi sesuai catatan asistensi TAPD.", line=line
            )
            self.clock.later(minutes=10)
            rka_services.transition_rka(actor=staff, rka=rka, action="submit")
        self.clock.later(minutes=45)
        rka_services.transition_rka(actor=self.finance, rka=rka, action="approve")

    # -- writing: adoption, DPA and pergeseran -------------------------------------------------------

    def _adopt(self, version):
        year, rng = self.year, self.rng
        steps = [
            ("submit", {}),
            ("agree", {"dprd_agreement_date": datetime.date(year - 1, 11, rng.randint(24, 30))}),
            (
                "evaluate",
                {
                    "evaluation_number": f"100.3.3.1/{rng.randint(700, 999)}/KPTS/013/{year - 1}",
                    "evaluation_date": datetime.date(year - 1, 12, rng.randint(11, 15)),
                    "evaluation_corrections": "Penyesuaian uraian dan klasifikasi beberapa rincian belanja sesuai "
                    "hasil evaluasi; tidak mengubah jumlah pendapatan, belanja dan pembiayaan.",
                },
            ),
            (
                "adopt",
                {
                    "perda_number": f"{rng.randint(8, 14)} Tahun {year - 1}",
                    "perda_date": datetime.date(year - 1, 12, 27),
                    "perbup_number": f"{rng.randint(70, 95)} Tahun {year - 1}",
                    "perbup_date": datetime.date(year - 1, 12, 28),
                },
            ),
            ("publish", {}),
        ]
        undated = {"submit": self.on(year - 1, 11, 13, hour=9), "publish": self.on(year - 1, 12, 29, hour=10)}
        for action, details in steps:
            # A step with a date of its own happens on it; the adoption on the Perbup's, signed after the Perda.
            dated = details.get("perbup_date") or details.get("evaluation_date") or details.get("dprd_agreement_date")
            if dated:
                self.on_the_date(dated)
            else:
                self.clock.at(undated[action])
            version = apbd_services.transition_apbd(actor=self.finance, version=version, action=action, **details)
        self.say(f"APBD murni {year} ditetapkan dan diterbitkan")
        return version

    def _dpa(self, version):
        """DPA for every OPD: each OPD plans its modal-heavy sub-kegiatan's cash for the construction season,
        then BPKAD issues it."""
        modal = defaultdict(int)
        for cell in self.cells:
            if cell.kind == "modal":
                modal[(cell.opd.pk, cell.sub.node.pk)] += cell.amount
        pagu = defaultdict(int)
        for opd_id, rows in self.rows.items():
            for values in rows:
                if values["account"].code[0] == "5":
                    pagu[(opd_id, values["sub_kegiatan"].node.pk)] += ceiling_rules.line_amount(values)
        season = [0, 1, 2, 4, 6, 8, 10, 10, 8, 6, 3, 2]
        # Prepared on the first working day of the budget year, issued OPD by OPD in January.
        self.clock.at(self.on(self.year, 1, 2, hour=9))
        dpas = dpa_services.prepare_dpas(actor=self.finance, version=version)
        moments = self.clock.spread(*self.days(self.year, (1, 3), (1, 19)), len(dpas))
        for number, (dpa, moment) in enumerate(zip(dpas, moments, strict=True), start=1):
            self.clock.at(moment)
            heavy = sorted((key for key in modal if key[0] == dpa.opd_id), key=lambda key: -modal[key])[:2]
            for key in heavy:
                amounts = apportion(int(pagu[key]), season)
                dpa_services.edit_cash_plan(
                    actor=self.operators[dpa.opd_id],
                    dpa=dpa,
                    sub_kegiatan=self.rka_subs[key],
                    amounts={month: Decimal(amount) for month, amount in enumerate(amounts, start=1)},
                )
            self.clock.later(minutes=45)
            dpa_services.issue_dpa(
                actor=self.finance, dpa=dpa, number=f"DPA/A.1/{dpa.opd.code}/{number:03d}/{self.year}"
            )
        self.say("DPA dan anggaran kas diterbitkan")

    def _shift(self, base):
        """Pergeseran 1: in two OPDs, barang/jasa lines give up part of their amount to another sub-kegiatan;
        each OPD's total stays as adopted."""
        year = self.year
        # Opened in May; the OPDs shift their lines the week after, TAPD approves, the Perbup follows in June.
        self.clock.at(self.on(year, 5, 6, hour=9))
        version = apbd_services.create_shift_version(
            actor=self.finance, fiscal_year=self.fy, note="Pergeseran antar rincian objek dalam OPD."
        )
        lines = (
            RkaLine.objects.filter(rka__version=version, account__code__startswith="5.1.02", standard_price=None)
            .select_related("rka__opd", "rka__version", "sub_kegiatan__sub_kegiatan", "account")
            # The copy's own ids follow no particular order; the adopted lines' ids do.
            .order_by("rka__opd__code", "sub_kegiatan__sub_kegiatan__code", "copied_from_id")
        )
        by_opd = defaultdict(list)
        for line in lines:
            if line.amount >= 20_000_000 and line.volume_2 is None and line.volume_1 == line.volume_1.to_integral():
                by_opd[line.rka.opd.code].append(line)
        spread = {code: len({line.sub_kegiatan_id for line in found}) for code, found in by_opd.items()}
        chosen = [code for code in (DINKES, PUPR) if spread.get(code, 0) > 1]
        chosen += [code for code in sorted(by_opd) if code not in chosen and spread[code] > 1]
        shifted = []
        self.clock.at(self.on(year, 5, 13, hour=9))
        for code in chosen[:2]:
            staff = self.operators[self.opd_by_code[code].pk]
            candidates = by_opd[code]
            for donor in self.rng.sample(candidates, min(2, len(candidates) - 1)):
                targets = [line for line in candidates if line.sub_kegiatan_id != donor.sub_kegiatan_id]
                if not targets:
                    continue
                cut = _round_price(donor.unit_price * Decimal(self.rng.uniform(0.1, 0.3)))
                self.clock.later(hours=1)
                updated = rka_services.update_rka_line(
                    actor=staff, line=donor, expected_version=donor.version, unit_price=donor.unit_price - cut
                )
                moved = donor.amount - updated.amount
                receiver = self.rng.choice(targets)
                rka_services.add_rka_line(
                    actor=staff,
                    rka=receiver.rka,
                    sub_kegiatan=receiver.sub_kegiatan,
                    account=receiver.account,
                    work_package=receiver.work_package,
                    description=f"Tambahan {receiver.description.lower()} (pergeseran)",
                    volume_1=Decimal(1),
                    unit_1="paket",
                    unit_price=moved,
                    funding_source=receiver.funding_source,
                    location=receiver.location,
                )
                shifted.append(donor.rka)
        self.clock.at(self.on(year, 5, 20, hour=9))
        for rka in {rka.pk: rka for rka in shifted}.values():
            rka_services.transition_rka(actor=self.operators[rka.opd_id], rka=rka, action="submit")
            self.clock.later(hours=2)
            rka_services.transition_rka(actor=self.finance, rka=rka, action="approve")
        self.clock.at(self.on(year, 5, 27, hour=10))
        version = apbd_services.transition_apbd(actor=self.finance, version=version, action="approve")
        adopted = {
            "perbup_number": f"{self.rng.randint(15, 30)} Tahun {year}",
            "perbup_date": datetime.date(year, 6, self.rng.randint(2, 26)),
        }
        self.on_the_date(adopted["perbup_date"])
        version = apbd_services.transition_apbd(actor=self.finance, version=version, action="adopt", **adopted)
        self.clock.at(self.clock.working_days_after(self.clock.now(), 1))
        version = apbd_services.transition_apbd(actor=self.finance, version=version, action="publish")
        self.say("pergeseran 1 disetujui, ditetapkan dan diterbitkan")
        for number, dppa in enumerate(dpa_services.prepare_dpas(actor=self.finance, version=version), start=1):
            dpa_services.issue_dpa(actor=self.finance, dpa=dppa, number=f"DPPA/A.1/{dppa.opd.code}/{number:03d}/{year}")
        self.say("DPPA pergeseran 1 diterbitkan")
