"""The Bondowoso planning demo: RPJMD and Renstra targets, Musrenbang and pokir proposals, a final
Renja for every OPD and the final RKPD of one year.

Everything is written through the planning services by the users who would do it in real life
(Bappeda, each OPD's staff, a DPRD member, anonymous citizens), so it is validated and audited
like any other entry. Choices come from the `random.Random` passed in: the same seed, year and
scale build the same plan. Only the proposals' tracking codes differ between runs; they come from
`secrets` so that nobody can guess another citizen's code.

The figures are plausible for Bondowoso (the 2024 APBD spends Rp 2,17 triliun, of which about
Rp 1,25 triliun is not belanja pegawai), not official: the RPJMD indicators are demo values.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils.text import slugify

from masterdata import services as masterdata_services
from masterdata.models import FiscalYear, Nomenclature, Opd, Region, User
from planning import selectors, services, target_services
from planning.models import Proposal, Renja, RenjaLine, Renstra, Rkpd, Rpjmd, RpjmdTarget

from . import reference
from .builder import YearBuilder
from .clock import Agenda, running
from .tables import load

_TABLES = load("planning")

LINES_AT_SCALE_1 = 2500
PROPOSALS_AT_SCALE_1 = 2000
MILLION = 1_000_000
Source, PStatus = Proposal.Source, Proposal.Status

# --- The RPJMD --------------------------------------------------------------------------------
#
# Bondowoso's RPJMD 2021-2026 was adopted in the regent's first year (2021), whose budget was
# already set; its five budget years are 2022-2026, so the plan's first year is 2022.

RPJMD_FIRST_YEAR = 2022
RPJMD_TITLE = "RPJMD Kabupaten Bondowoso Tahun 2021-2026"
RPJMD_REGULATION = "Peraturan Daerah Kabupaten Bondowoso tentang RPJMD Tahun 2021-2026"

# goal code, statement, [(target code, statement, indicator, unit, baseline, five yearly targets)]
RPJMD_GOALS = _TABLES["rpjmd_goals"]

# Which RPJMD target a program serves: the longest matching code prefix wins.
TARGET_OF_PROGRAM = _TABLES["target_of_program"]

# Renstra outcome indicators of well-known programs: indicator, unit, baseline, yearly step.
PROGRAM_OUTCOMES = _TABLES["program_outcomes"]

# --- OPDs ---------------------------------------------------------------------------------------

PUPR, DINKES, RSUD = "1.03.0.00.0.00.01.00", "1.02.0.00.0.00.01.00", "1.02.0.00.0.00.02.00"
SATPOL, BPBD = "1.05.0.00.0.00.01.0000", "1.05.0.00.0.00.02.0000"
SETDA, SETWAN = "4.01.0.00.0.00.01.0000", "4.02.0.00.0.00.01.00"
BPKAD, BAPENDA = "5.02.0.00.0.00.01.00", "5.02.0.00.0.00.02.0000"
KECAMATAN = "kecamatan"  # a theme for the proposal's own kecamatan

OPD_SLUGS = _TABLES["opd_slugs"]
# Relative size of each OPD's Renja (number of sub-kegiatan); kecamatan share one weight.
OPD_WEIGHTS = _TABLES["opd_weights"]
KIND_WEIGHTS = {Opd.Kind.KECAMATAN: 26, Opd.Kind.DINAS: 50, Opd.Kind.BADAN: 40}
DEFAULT_WEIGHT = 30
# Share of an OPD's lines that are X.XX supporting sub-kegiatan.
SUPPORT_SHARE = {Opd.Kind.KECAMATAN: 0.45, Opd.Kind.SEKRETARIAT: 0.5, Opd.Kind.RSUD: 0.5, Opd.Kind.INSPEKTORAT: 0.55}
DEFAULT_SUPPORT_SHARE = 0.35

# OPDs that share a bidang split its programs; RSUD and Dinkes split the health program by name.
PROGRAMS_OF = {
    SATPOL: ("1.05.02", "1.05.04"),
    BPBD: ("1.05.03",),
    BPKAD: ("5.02.02", "5.02.03"),
    BAPENDA: ("5.02.04",),
    RSUD: ("1.02.02", "1.02.03"),
}
RSUD_ONLY = re.compile(r"Rumah Sakit|Rujukan", re.IGNORECASE)
RSUD_ALSO = re.compile(
    r"Alat Kesehatan|Bahan Habis Pakai|Sistem Informasi Kesehatan|Mutu|Sumber Daya Manusia Kesehatan"
)
# Codes that only Bondowoso's kecamatan with kelurahan use.
KELURAHAN_PREFIX = "7.01.03.2.02."
# Nomenclature of other regions (footnoted Aceh/DIY items), of the sea or of what Bondowoso has not.
NOT_IN_BONDOWOSO = re.compile(
    r"\*\)|\b(Pantai|Laut|Kelautan|Pesisir|Pulau|Breakwater|Seawall|Tambak|Rawa|Gambut|Flyover|Underpass|Terowongan|"
    r"Tunnel|Papua|Aceh|Yogyakarta|Perbatasan|Penerbangan|Bandar Udara|Pelabuhan|Kereta|Pelayaran|Penyeberangan|"
    r"Kapal|Mukim|Minyak dan Gas|Batubara|Transmigrasi|Kanal Banjir|Polder|Pompa Banjir)\b|"
    r"(Kota|Kabupaten) Administrasi|Provinsi$",
    re.IGNORECASE,
)

# X.XX supporting sub-kegiatan. Pegawai-heavy ones (gaji, DPRD allowances) stay out of pagu indikatif.
PEGAWAI_HEAVY = {"X.XX.01.2.02.0001", "X.XX.01.2.11.0001", "X.XX.01.2.15.0001"}
SUPPORT_KEGIATAN = ("01", "02", "03", "05", "06", "07", "08", "09")
SUPPORT_EXTRA = _TABLES["support_extra"]
SUPPORT_CORE = _TABLES["support_core"]
SUPPORT_CORE_EXTRA = _TABLES["support_core_extra"]
# Sub-kegiatan an OPD always plans first (name patterns, searched in its own bidang).
BIDANG_ANCHORS = _TABLES["bidang_anchors"]

# --- Proposal themes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    """A kind of proposal: the OPD and sub-kegiatan (name pattern) that would answer it."""

    opd: str
    sub_kegiatan: str
    titles: tuple
    need: str
    cost: tuple  # Rp juta; with `units`, per unit
    weight: int
    sources: str = "dkfpc"  # desa, kecamatan, forum OPD, pokir, citizen
    units: tuple = ()
    komisi: str = "C"  # the DPRD commission whose members carry such pokir
    kelurahan_only: bool = False


THEMES = [Theme(**theme) for theme in _TABLES["themes"]]

# The DPRD commission that carries an OPD's pokir (its first theme's).
KOMISI_OF_OPD = {theme.opd: theme.komisi for theme in reversed(THEMES)}

# Proposals the kabupaten cannot take up, rejected with the reason that goes with them.
OUT_OF_SCOPE = _TABLES["out_of_scope"]
# Reasons by kind of decision; the physical ones only for works (roads, buildings, channels).
REJECT_REASONS = _TABLES["reject_reasons"]
PHYSICAL_REJECT_REASONS = _TABLES["physical_reject_reasons"]
NO_PAGU = "Pagu indikatif sub-kegiatan tidak mencukupi; dijadwalkan pada tahun berikutnya."
NO_LINE = "Belum ada sub-kegiatan yang sesuai dalam Renja OPD tahun ini; dijadwalkan pada tahun berikutnya."
DEFER_REASONS = _TABLES["defer_reasons"]
PHYSICAL_DEFER_REASONS = _TABLES["physical_defer_reasons"]
MODERATION_REJECTS = _TABLES["moderation_rejects"]
RETURN_NOTES = _TABLES["return_notes"]
REPLIES = _TABLES["replies"]

DUSUN = _TABLES["dusun"]
POKTAN = _TABLES["poktan"]
PRODUCTS = _TABLES["products"]
SKILLS = _TABLES["skills"]
FIRST_NAMES = _TABLES["first_names"]
LAST_NAMES = _TABLES["last_names"]
SOURCE_WEIGHTS = {Source.DESA: 52, Source.KECAMATAN: 20, Source.FORUM_OPD: 10, Source.POKIR: 12, Source.CITIZEN: 6}
SOURCE_INTRO = {
    Source.DESA: "Hasil musrenbang desa/kelurahan",
    Source.KECAMATAN: "Hasil musrenbang kecamatan",
    Source.FORUM_OPD: "Usulan forum perangkat daerah",
    Source.POKIR: "Pokok-pokok pikiran DPRD",
    Source.CITIZEN: "Usulan warga",
}
SOURCE_LETTER = {Source.DESA: "d", Source.KECAMATAN: "k", Source.FORUM_OPD: "f", Source.POKIR: "p", Source.CITIZEN: "c"}

# --- Renja lines: outputs, pagu and funding ------------------------------------------------------

PARTICIPLES = _TABLES["participles"]
MODIFIERS = {"dan", "Sedang/Berat", "Rutin", "Berkala", "Rutin/Berkala", "Baru", "Total"}

# (name pattern, indicator, unit, (lowest, highest) target, decimal places, physical work?)
OUTPUT_RULES = [(re.compile(pattern), *rest) for pattern, *rest in _TABLES["output_rules"]]

# (code prefix, name pattern, OPD or None, (lowest, highest) pagu in Rp juta); the first match wins.
PAGU_RULES = [(prefix, re.compile(pattern), opd, bounds) for prefix, pattern, opd, bounds in _TABLES["pagu_rules"]]

DAU, DBH = "1.2.01.01.02.0001", "1.2.01.01.01.0001"
# (code prefix, name pattern, [(funding source code, weight)]); the first match wins, then DAU/DBH.
FUNDING_RULES = [(prefix, re.compile(pattern), choices) for prefix, pattern, choices in _TABLES["funding_rules"]]
DEFAULT_FUNDING = [(DAU, 5), (DBH, 1), ("2.2.01.02.01.0001", 0.2)]


# --- Plans (what will be written) ---------------------------------------------------------------


@dataclass
class LinePlan:
    opd: Opd
    sub_kegiatan: Nomenclature
    pagu: Decimal
    pagu_high: int  # Rp juta: the top of the sub-kegiatan's usual range
    physical: bool
    accepted: list = field(default_factory=list)

    @property
    def accepted_cost(self):
        return sum((proposal.cost for proposal in self.accepted), Decimal(0))


@dataclass
class ProposalPlan:
    source: str
    title: str
    description: str
    kecamatan: Region
    village: Region | None
    proposer: str
    cost: Decimal
    opd: Opd | None
    sub_kegiatan: Nomenclature | None
    priority: int
    line: LinePlan | None = None
    outcome: str = ""  # accept, reject, defer, moderation_reject, pending
    note: str = ""


@dataclass
class RenjaReturn:
    """Bappeda returns a Renja with a comment on one line; the OPD fixes it and replies."""

    index: int
    text: str
    changes: dict
    reply: str


@dataclass
class RenjaScript:
    """One OPD's Renja, drawn before it is written: its lines (plan, values), a return or None per stage,
    the pagu fitted in the rancangan stage; then the Renja and its lines as written."""

    opd: Opd
    staff: User
    lines: list = field(default_factory=list)
    returns: list = field(default_factory=list)
    aligned: list = field(default_factory=list)
    renja: Renja | None = None
    written: list = field(default_factory=list)
    comment: object = None


@dataclass
class PlanningSummary:
    year: int
    created: bool
    proposals: int
    proposals_accepted: int
    renjas: int
    renjas_final: int
    lines: int
    rkpd_state: str
    rkpd_total: Decimal
    operators_created: int = 0


def planning_opds():
    """The OPDs that plan: all but the Bagian, which plan inside the Sekretariat Daerah's Renja."""
    return list(Opd.objects.filter(is_active=True).exclude(kind=Opd.Kind.BAGIAN).order_by("code"))


def opd_operators(opds, *, admin, rng):
    """({OPD id: staff user}, how many were created): each OPD's `opd.<slug>` (the demo's own slug where it
    has one), else its first active staff member, else a new `opd.<slug>`; the planning and budget demos
    share them.

    The extra operators get no usable password (an administrator sets one when someone needs the
    account): dozens of accounts sharing the published demo password would be an open door.
    """
    operators, created = {}, 0
    for opd in opds:
        slug = OPD_SLUGS.get(opd.code) or (
            "kec-" + slugify(opd.name.removeprefix("Kecamatan "))
            if opd.kind == Opd.Kind.KECAMATAN
            else slugify(opd.name)[:40]
        )
        username = f"opd.{slug}"
        user = User.objects.filter(username=username, opd=opd, role=User.Role.OPD_STAFF).first()
        if user is None:
            user = User.objects.filter(opd=opd, role=User.Role.OPD_STAFF, is_active=True).order_by("username").first()
        if user is None:
            user = masterdata_services.create_user(
                actor=admin,
                username=username,
                password=None,
                role=User.Role.OPD_STAFF,
                opd=opd,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
            )
            created += 1
        operators[opd.pk] = user
    return operators, created


def seed_planning(*, year, rng, scale=1.0, clock=None):
    """Build the planning year on the demo's clock (its own when none is given); a year that already has
    proposals, a Renja or an RKPD is left as it is."""
    fiscal_year = FiscalYear.objects.select_related("reference_version").get(year=year)
    with running(clock, year) as clock:
        reference.seed_users()
        already = (
            Renja.objects.filter(fiscal_year=fiscal_year).exists()
            or Proposal.objects.filter(fiscal_year=fiscal_year).exists()
            or Rkpd.objects.filter(fiscal_year=fiscal_year).exists()
        )
        if already:
            return summarize(fiscal_year, created=False)
        with transaction.atomic():
            builder = _Builder(fiscal_year, rng, scale, clock)
            builder.build()
    return summarize(fiscal_year, created=True, operators_created=builder.operators_created)


def summarize(fiscal_year, *, created, operators_created=0):
    renjas = Renja.objects.filter(fiscal_year=fiscal_year)
    proposals = Proposal.objects.filter(fiscal_year=fiscal_year)
    rkpd = Rkpd.objects.filter(fiscal_year=fiscal_year).first()
    return PlanningSummary(
        year=fiscal_year.year,
        created=created,
        proposals=proposals.count(),
        proposals_accepted=proposals.filter(status=PStatus.ACCEPTED).count(),
        renjas=renjas.count(),
        renjas_final=renjas.filter(stage=Renja.Stage.FINAL).count(),
        lines=RenjaLine.objects.filter(renja__fiscal_year=fiscal_year).count(),
        rkpd_state=rkpd.state if rkpd else "",
        rkpd_total=rkpd.total_pagu if rkpd else Decimal(0),
        operators_created=operators_created,
    )


def _rupiah(amount_in_juta, step=1000):
    """Rp juta as whole Rupiah, rounded to `step` Rupiah."""
    return Decimal(int(round(amount_in_juta * MILLION / step)) * step)


def _obj_and_participle(name):
    """'Rehabilitasi Sedang/Berat Ruang Kelas' -> ('Ruang Kelas', 'Direhabilitasi')."""
    words = name.split()
    participle = ""
    while words:
        token = words[0].rstrip(",")
        parts = token.split("/")
        if all(part in PARTICIPLES for part in parts):
            participle = participle or PARTICIPLES[parts[0]]
        elif token not in MODIFIERS:
            break
        words.pop(0)
    return " ".join(words) or name, participle or "Dilaksanakan"


def _sentence(program_name):
    """'PROGRAM PENGELOLAAN SUMBER DAYA AIR (SDA)' -> 'program pengelolaan sumber daya air (SDA)'."""
    return re.sub(r"\(([^)]*)\)", lambda m: m.group(0).upper(), program_name.lower())


def _target_code(program_code):
    """The RPJMD target a program serves: its own entry, else its bidang's."""
    return TARGET_OF_PROGRAM.get(program_code) or TARGET_OF_PROGRAM.get(program_code[:4], "5.3")


class _Builder(YearBuilder):
    """One planning year, planned in memory first (so proposals can be matched to lines) and then
    written through the services in the order the real cycle runs."""

    def __init__(self, fiscal_year, rng, scale, clock):
        super().__init__(fiscal_year, rng, scale, clock)
        self.users = {user.username: user for user in User.objects.filter(username__in=["bappeda", "dprd", "admin"])}
        self.bappeda = self.users["bappeda"]
        self.dprd = self.users["dprd"]
        self._line_cache = {}
        self.opds = planning_opds()
        self.kecamatan_regions = self._kecamatan_regions()
        self.villages = defaultdict(list)
        for village in Region.objects.exclude(level=Region.Level.KECAMATAN).order_by("code"):
            self.villages[village.parent_id].append(village)

    # -- reference lookups ------------------------------------------------------------------------

    def _kecamatan_regions(self):
        """OPD id -> Region of each Kecamatan OPD (Kecamatan Ijen is the Kemendagri kecamatan Sempol)."""

        def key(name):
            return re.sub(r"[^a-z]", "", name.lower())

        regions = {key(region.name): region for region in Region.objects.filter(level=Region.Level.KECAMATAN)}
        regions[key("Ijen")] = Region.objects.get(code="35.11.19")
        return {
            opd.pk: regions[key(opd.name.removeprefix("Kecamatan "))]
            for opd in self.opds
            if opd.kind == Opd.Kind.KECAMATAN and key(opd.name.removeprefix("Kecamatan ")) in regions
        }

    def _pools(self, opd, allowed):
        """(support, bidang) sub-kegiatan the demo may plan for an OPD, both ordered by code."""
        support_kegiatan = SUPPORT_KEGIATAN + SUPPORT_EXTRA.get(opd.code, ())
        support = [
            sub
            for sub in allowed
            if sub.code.startswith("X.XX.01.2.")
            and sub.code.split(".")[4] in support_kegiatan
            and sub.code not in PEGAWAI_HEAVY
        ]
        has_kelurahan = any(v.level == Region.Level.KELURAHAN for v in self.villages[self._kecamatan_id(opd)])
        programs = PROGRAMS_OF.get(opd.code)
        bidang = []
        for sub in allowed:
            if sub.code.startswith("X.XX.") or NOT_IN_BONDOWOSO.search(sub.name):
                continue
            if programs and not sub.code.startswith(programs):
                continue
            if sub.code.startswith(KELURAHAN_PREFIX) and not has_kelurahan:
                continue
            if opd.code == RSUD and not (RSUD_ONLY.search(sub.name) or RSUD_ALSO.search(sub.name)):
                continue
            if opd.code == DINKES and RSUD_ONLY.search(sub.name):
                continue
            bidang.append(sub)
        return support, bidang

    def _kecamatan_id(self, opd):
        region = self.kecamatan_regions.get(opd.pk)
        return region.pk if region else None

    # -- the plan ---------------------------------------------------------------------------------

    def build(self):
        self.operators, self.operators_created = opd_operators(self.opds, admin=self.users.get("admin"), rng=self.rng)
        self.rpjmd_targets = self._rpjmd()
        pools = {}
        for opd in self.opds:
            allowed = list(
                selectors.allowed_sub_kegiatan(opd, self.fy).select_related("parent__parent").order_by("code")
            )
            pools[opd.pk] = self._pools(opd, allowed)
        self.renstra_programs = self._renstras(pools)
        self.line_plans = self._plan_lines(pools)
        self.proposal_plans = self._plan_proposals()
        self._fit_pagu_to_demand()
        self._decide_outcomes()
        # Everything is drawn before anything is written, in the order the OPDs would write it, so that
        # the writes can follow the calendar across OPDs.
        scripts = [self._script_renja(opd) for opd in self.opds]
        agenda = Agenda(self.clock)
        self._schedule_proposals(agenda)
        self._schedule_renja(agenda, scripts)
        agenda.run()
        self.clock.at(self.clock.on(self._day(6, 5), datetime.time(9)))
        rkpd = services.consolidate_rkpd(actor=self.bappeda, fiscal_year=self.fy)
        self.clock.at(self.clock.on(self._day(6, 23), datetime.time(10)))
        services.finalize_rkpd(
            actor=self.bappeda,
            rkpd=rkpd,
            regulation=f"Peraturan Bupati Bondowoso tentang Rencana Kerja Pemerintah Daerah Tahun {self.year}",
        )

    def _day(self, month, day):
        """A day of the planning year (the year before the budget year)."""
        return datetime.date(self.year - 1, month, day)

    def _rpjmd(self):
        """code -> RpjmdTarget of the RPJMD covering the year (the demo's own when none does)."""
        rpjmd = Rpjmd.objects.filter(first_year__lte=self.year, first_year__gte=self.year - 4).first()
        if rpjmd is None:
            if not RPJMD_FIRST_YEAR <= self.year <= RPJMD_FIRST_YEAR + 4:
                return {}
            # Bappeda enters the adopted RPJMD when the portal opens the planning year.
            self.clock.at(self.clock.on(self._day(1, 3), datetime.time(9)))
            rpjmd = target_services.create_rpjmd(
                actor=self.bappeda, title=RPJMD_TITLE, first_year=RPJMD_FIRST_YEAR, regulation=RPJMD_REGULATION
            )
            for goal_code, statement, targets in RPJMD_GOALS:
                goal = target_services.create_rpjmd_goal(
                    actor=self.bappeda, rpjmd=rpjmd, code=goal_code, statement=statement
                )
                for code, target_statement, indicator, unit, baseline, yearly in targets:
                    target_services.create_rpjmd_target(
                        actor=self.bappeda,
                        goal=goal,
                        code=code,
                        statement=target_statement,
                        indicator=indicator,
                        unit=unit,
                        baseline=Decimal(baseline),
                        **{f"target_{i}": Decimal(value) for i, value in enumerate(yearly, start=1)},
                    )
        self.rpjmd = rpjmd
        return {
            target.code: target
            for target in RpjmdTarget.objects.filter(goal__rpjmd=rpjmd).order_by("goal__code", "code")
        }

    def _renstras(self, pools):
        """(OPD id, program code) -> RenstraProgram; each OPD's staff write its own Renstra."""
        if not self.rpjmd_targets:
            return {}
        rows = {}
        moments = self.clock.spread(self._day(1, 4), self._day(1, 13), len(self.opds))
        for opd, moment in zip(self.opds, moments, strict=True):
            renstra = Renstra.objects.filter(opd=opd, rpjmd=self.rpjmd).first()
            if renstra is None:
                self.clock.at(moment)
                renstra = self._write_renstra(opd, pools[opd.pk])
            for row in renstra.programs.select_related("program"):
                rows.setdefault((opd.pk, row.program.code), row)
        return rows

    def _write_renstra(self, opd, pools):
        actor = self.operators[opd.pk]
        renstra = target_services.create_renstra(actor=actor, opd=opd, rpjmd=self.rpjmd)
        support, bidang = pools
        programs = {}
        for sub in support[:1] + bidang:
            program = sub.parent.parent
            programs.setdefault(program.code, program)
        for code in sorted(programs):
            target = self.rpjmd_targets.get(_target_code(code))
            if target is None:
                continue
            indicator, unit, baseline, step = PROGRAM_OUTCOMES.get(code) or (
                f"Tingkat capaian kinerja {_sentence(programs[code].name)}",
                "%",
                "75.00",
                "4.00",
            )
            baseline, step = Decimal(baseline), Decimal(step)
            values = [baseline + step * i for i in range(1, 6)]
            if unit == "%":
                values = [min(value, Decimal(100)) for value in values]
            target_services.create_renstra_program(
                actor=actor,
                renstra=renstra,
                program=programs[code],
                rpjmd_target=target,
                indicator=indicator,
                unit=unit,
                baseline=baseline.quantize(Decimal("0.01")),
                **{f"target_{i}": value.quantize(Decimal("0.01")) for i, value in enumerate(values, start=1)},
            )
        return renstra

    def _line_counts(self, pools):
        total = self.scaled(LINES_AT_SCALE_1, minimum=2 * len(self.opds))
        weights = [OPD_WEIGHTS.get(opd.code) or KIND_WEIGHTS.get(opd.kind, DEFAULT_WEIGHT) for opd in self.opds]
        counts = {}
        for opd, weight in zip(self.opds, weights, strict=True):
            support, bidang = pools[opd.pk]
            wanted = max(2, round(total * weight / sum(weights)))
            counts[opd.pk] = min(wanted, len(support) + len(bidang))
        return counts

    def _ordered(self, subs, patterns):
        """The sub-kegiatan matching each pattern (first by code) in order, then the rest shuffled."""
        first = []
        for pattern in patterns:
            match = next((sub for sub in subs if re.search(pattern, sub.name) and sub not in first), None)
            if match is not None:
                first.append(match)
        rest = [sub for sub in subs if sub not in first]
        self.rng.shuffle(rest)
        return first + rest

    def _plan_lines(self, pools):
        counts = self._line_counts(pools)
        plans = {}
        for opd in self.opds:
            support, bidang = pools[opd.pk]
            count = counts[opd.pk]
            share = SUPPORT_SHARE.get(opd.kind, DEFAULT_SUPPORT_SHARE)
            n_support = min(len(support), max(1, round(count * share)))
            n_bidang = min(len(bidang), count - n_support)
            n_support = min(len(support), count - n_bidang)
            core = {sub.code: sub for sub in support}
            support_order = [core[code] for code in SUPPORT_CORE_EXTRA.get(opd.code, ()) + SUPPORT_CORE if code in core]
            support_rest = [sub for sub in support if sub not in support_order]
            self.rng.shuffle(support_rest)
            chosen = (support_order + support_rest)[:n_support]
            key = KECAMATAN if opd.kind == Opd.Kind.KECAMATAN else opd.code
            theme_patterns = [theme.sub_kegiatan for theme in THEMES if theme.opd == key]
            chosen += self._ordered(bidang, [*BIDANG_ANCHORS.get(key, ()), *theme_patterns])[:n_bidang]
            plans[opd.pk] = [
                LinePlan(opd, sub, *self._pagu(opd, sub), physical=self._output(sub)[5])
                for sub in sorted(chosen, key=lambda s: s.code)
            ]
        return plans

    def _pagu(self, opd, sub):
        """(pagu, top of its range in Rp juta) drawn from the first pagu rule that fits."""
        for prefix, pattern, only_opd, (low, high) in PAGU_RULES:
            if sub.code.startswith(prefix) and pattern.search(sub.name) and only_opd in (None, opd.code):
                return _rupiah(self.log_uniform(low, high)), high
        raise AssertionError("the last pagu rule matches every sub-kegiatan")

    def _fit_pagu_to_demand(self):
        """A sub-kegiatan that many proposals ask for gets part of that demand as pagu (within reason)."""
        demand = defaultdict(Decimal)
        for plan in self.proposal_plans:
            if plan.line is not None:
                demand[id(plan.line)] += plan.cost
        for plans in self.line_plans.values():
            for line in plans:
                wanted = demand[id(line)] * Decimal(str(round(self.rng.uniform(0.3, 0.5), 2)))
                line.pagu = max(line.pagu, min(_rupiah(float(wanted) / MILLION), _rupiah(line.pagu_high * 1.2)))

    def _output(self, sub):
        """(indicator, unit, (low, high), decimals, match, physical) for a sub-kegiatan."""
        for pattern, indicator, unit, bounds, decimals, physical in OUTPUT_RULES:
            match = pattern.search(sub.name)
            if match:
                return indicator, unit, bounds, decimals, match, physical
        raise AssertionError("the last output rule matches every sub-kegiatan")

    def _output_values(self, plan):
        indicator, unit, (low, high), decimals, match, _ = self._output(plan.sub_kegiatan)
        name = plan.sub_kegiatan.name
        obj, participle = _obj_and_participle(name)
        document = re.sub(r"^(Koordinasi dan )?Penyusunan ", "", name)
        if not document.startswith(("Dokumen", "Laporan")):
            document = f"Dokumen {document}"
        elif document.startswith("Laporan"):
            unit = "laporan"
        text = indicator.format(
            name=name,
            obj=obj,
            part=participle,
            doc=f"Jumlah {document}",
            m1=re.sub(r"^(pada|bagi) ", "", match.group(1) or "", flags=re.IGNORECASE) if match.groups() else "",
        )
        if plan.opd.code == DINKES and "BLUD" in text:
            low = high = 25  # every puskesmas of Bondowoso is a BLUD
        value = Decimal(str(round(self.rng.uniform(low, high), decimals))).quantize(Decimal("0.01"))
        return {"output_indicator": text[:500], "output_target": value, "output_unit": unit}

    def _funding(self, sub):
        choices = DEFAULT_FUNDING
        for prefix, pattern, rule_choices in FUNDING_RULES:
            if sub.code.startswith(prefix) and pattern.search(sub.name):
                choices = rule_choices
                break
        available = [(code, weight) for code, weight in choices if code in self.funding]
        if not available:
            return self.funding.get(DAU)
        codes, weights = zip(*available, strict=True)
        return self.funding[self.rng.choices(codes, weights=weights)[0]]

    # -- proposals --------------------------------------------------------------------------------

    def _plan_proposals(self):
        count = self.scaled(PROPOSALS_AT_SCALE_1)
        kecamatan_opd = {region.pk: opd_id for opd_id, region in self.kecamatan_regions.items()}
        opd_by_code = {opd.code: opd for opd in self.opds}
        opd_by_id = {opd.pk: opd for opd in self.opds}
        kecamatans = sorted(self.kecamatan_regions.values(), key=lambda region: region.code)
        kecamatan_weights = [len(self.villages[region.pk]) for region in kecamatans]
        sources = list(SOURCE_WEIGHTS)
        plans = []
        for _ in range(count):
            source = self.rng.choices(sources, weights=[SOURCE_WEIGHTS[s] for s in sources])[0]
            kecamatan = self.rng.choices(kecamatans, weights=kecamatan_weights)[0]
            villages = self.villages[kecamatan.pk]
            out_of_scope = self.rng.random() < 0.05
            if out_of_scope:
                title_template, opd_code, reason = self.rng.choice(OUT_OF_SCOPE)
                theme = None
                opd = opd_by_code.get(opd_code)
            else:
                letter = SOURCE_LETTER[source]
                has_kelurahan = any(v.level == Region.Level.KELURAHAN for v in villages)
                themes = [t for t in THEMES if letter in t.sources and (has_kelurahan or not t.kelurahan_only)]
                theme = self.rng.choices(themes, weights=[t.weight for t in themes])[0]
                title_template = self.rng.choice(theme.titles)
                opd = (
                    opd_by_id.get(kecamatan_opd.get(kecamatan.pk))
                    if theme.opd == KECAMATAN
                    else opd_by_code.get(theme.opd)
                )
            if opd is None and source == Source.FORUM_OPD:
                source = Source.KECAMATAN  # a forum perangkat daerah needs its OPD
            if theme is not None and theme.kelurahan_only:
                village = self.rng.choice([v for v in villages if v.level == Region.Level.KELURAHAN])
            else:
                village = self.rng.choice(villages)
            if source == Source.KECAMATAN and self.rng.random() < 0.2:
                village = None  # a kecamatan-wide proposal
            units = self.rng.randint(*theme.units) if theme and theme.units else 0
            title = self._fill(title_template, kecamatan, village, units)
            cost_low, cost_high = theme.cost if theme else (150, 900)
            cost = self.log_uniform(cost_low, cost_high) * (units or 1)
            line = self._answering_line(opd, theme)
            plan = ProposalPlan(
                source=source,
                title=title[:255],
                description=self._description(source, theme, kecamatan, village, opd),
                kecamatan=kecamatan,
                village=village,
                proposer=self._proposer(source, kecamatan, village, opd, theme),
                cost=_rupiah(cost, step=500_000),
                opd=opd,
                # Citizens do not know the nomenclature; the OPD finds the sub-kegiatan.
                sub_kegiatan=line.sub_kegiatan if line and source != Source.CITIZEN else None,
                priority=self.rng.choices([1, 2, 3, 4, 5], weights=[2, 4, 5, 3, 1])[0],
                line=line,
            )
            if out_of_scope:
                plan.outcome, plan.note = "reject", reason
            plans.append(plan)
        return plans

    def _answering_line(self, opd, theme):
        """The planned line of the OPD whose sub-kegiatan answers the theme, if the OPD plans one."""
        if theme is None or opd is None:
            return None
        key = (opd.pk, theme.sub_kegiatan)
        if key not in self._line_cache:
            self._line_cache[key] = next(
                (plan for plan in self.line_plans[opd.pk] if re.search(theme.sub_kegiatan, plan.sub_kegiatan.name)),
                None,
            )
        return self._line_cache[key]

    def _fill(self, template, kecamatan, village, units):
        villages = self.villages[kecamatan.pk]
        place = village or self.rng.choice(villages)
        other = self.rng.choice([v for v in villages if v != place] or villages)
        dusun, dusun2 = self.rng.sample(DUSUN, 2)
        return template.format(
            desa=place.name,
            desa2=other.name,
            wil=f"{place.get_level_display()} {place.name}",
            kec=kecamatan.name,
            dusun=f"Dusun {dusun}",
            dusun2=f"Dusun {dusun2}",
            n=self.rng.randint(1, 4),
            units=units,
            poktan=self.rng.choice(POKTAN),
            produk=self.rng.choice(PRODUCTS),
            keterampilan=self.rng.choice(SKILLS),
        )

    def _description(self, source, theme, kecamatan, village, opd):
        where = f"{village}, Kecamatan {kecamatan.name}" if village else f"Kecamatan {kecamatan.name}"
        need = theme.need if theme else "warga meminta penanganan oleh pemerintah kabupaten"
        text = f"{SOURCE_INTRO[source]} untuk {where}. Kondisi saat ini: {need}."
        if opd is not None:
            text += f" Diusulkan ditangani {opd.name}."
        return text

    def _proposer(self, source, kecamatan, village, opd, theme):
        if source == Source.DESA:
            return f"Pemerintah {village}" if village else f"Musrenbang Kecamatan {kecamatan.name}"
        if source == Source.KECAMATAN:
            return f"Musrenbang Kecamatan {kecamatan.name}"
        if source == Source.FORUM_OPD:
            return f"Forum Perangkat Daerah {opd.name}" if opd else "Forum Perangkat Daerah"
        if source == Source.POKIR:
            komisi = theme.komisi if theme else KOMISI_OF_OPD.get(getattr(opd, "code", None), "A")
            return f"Pokir DPRD Kabupaten Bondowoso, Komisi {komisi}"
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def _decide_outcomes(self):
        """Accept what fits the answering line's pagu (higher priority first); defer or reject the rest."""
        order = sorted(range(len(self.proposal_plans)), key=lambda i: (self.proposal_plans[i].priority, i))
        for index in order:
            plan = self.proposal_plans[index]
            if plan.outcome:
                continue
            if plan.source == Source.CITIZEN:
                roll = self.rng.random()
                if roll < 0.08:
                    plan.outcome, plan.note = "moderation_reject", self.rng.choice(MODERATION_REJECTS)
                    continue
                if roll < 0.12:
                    plan.outcome = "pending"  # arrived after the forum: still waiting for moderation
                    continue
            line, roll = plan.line, self.rng.random()
            physical = line is not None and line.physical
            if line is None:
                plan.outcome, plan.note = ("defer", NO_LINE) if roll < 0.5 else ("reject", REJECT_REASONS[2])
            elif roll >= 0.85:
                plan.outcome = "defer"
                plan.note = self.rng.choice(PHYSICAL_DEFER_REASONS if physical else DEFER_REASONS)
            elif line.accepted_cost + plan.cost <= line.pagu * Decimal("0.95"):
                plan.outcome = "accept"
                line.accepted.append(plan)
            elif roll < 0.45:
                plan.outcome, plan.note = "defer", NO_PAGU
            else:
                plan.outcome = "reject"
                plan.note = self.rng.choice(REJECT_REASONS + (PHYSICAL_REJECT_REASONS if physical else ()))

    def _submitter(self, plan):
        if plan.source in (Source.DESA, Source.KECAMATAN):
            return self.bappeda
        if plan.source == Source.FORUM_OPD:
            return self.operators[plan.opd.pk]
        if plan.source == Source.POKIR:
            return self.dprd
        return AnonymousUser()

    def _schedule_proposals(self, agenda):
        """Musrenbang as it runs: desa results and citizens' proposals in January, pokir beside them, each
        kecamatan's musrenbang in February (its own results come in, and what it agrees goes up to the forum
        perangkat daerah), the OPDs' forum proposals just before the forum; late citizens' ones after it."""
        day = self._day
        kecamatans = sorted({plan.kecamatan.pk: plan.kecamatan for plan in self.proposal_plans}.values(), key=str)
        musrenbang = dict(
            zip((k.pk for k in kecamatans), self.clock.spread(day(2, 6), day(2, 24), len(kecamatans)), strict=True)
        )
        windows = {
            Source.DESA: (day(1, 9), day(2, 3)),
            Source.CITIZEN: (day(1, 9), day(1, 27)),
            Source.POKIR: (day(1, 16), day(2, 24)),
            Source.FORUM_OPD: (day(2, 20), day(2, 24)),
            "late": (day(3, 13), day(3, 31)),
        }
        by_window = defaultdict(list)
        for plan in self.proposal_plans:
            by_window["late" if plan.outcome == "pending" else plan.source].append(plan)
        self.proposals = {}
        for key, plans in by_window.items():
            if key == Source.KECAMATAN:
                moments = [musrenbang[plan.kecamatan.pk] for plan in plans]
            else:
                moments = self.clock.spread(*windows[key], len(plans))
            for plan, submitted in zip(plans, moments, strict=True):
                agenda.add(submitted, self._submit, plan)
                if plan.outcome == "pending":
                    continue
                if plan.source == Source.CITIZEN:
                    agenda.add(self.clock.working_days_after(submitted, 1), self._moderate, plan)
                    if plan.outcome == "moderation_reject":
                        continue
                if plan.source in (Source.DESA, Source.CITIZEN, Source.KECAMATAN):
                    agenda.add(musrenbang[plan.kecamatan.pk] + datetime.timedelta(minutes=10), self._advance, plan)

    def _submit(self, plan):
        self.proposals[id(plan)] = services.submit_proposal(
            actor=self._submitter(plan),
            source=plan.source,
            fiscal_year=self.fy,
            title=plan.title,
            description=plan.description,
            kecamatan=plan.kecamatan,
            village=plan.village,
            proposer_name=plan.proposer,
            estimated_cost=plan.cost,
            suggested_opd=plan.opd,
            suggested_sub_kegiatan=plan.sub_kegiatan,
            priority=plan.priority,
        )

    def _moderate(self, plan):
        approve = plan.outcome != "moderation_reject"
        self.proposals[id(plan)] = services.moderate_proposal(
            actor=self.bappeda,
            proposal=self.proposals[id(plan)],
            approve=approve,
            note="Lolos moderasi." if approve else plan.note,
        )

    def _advance(self, plan):
        """Accepted and deferred ones reach the forum OPD, rejected ones drop out at the kecamatan (pokir
        enter at the kabupaten stage and forum OPD proposals at their own)."""
        target_stage = {
            "accept": Proposal.Stage.FORUM_OPD,
            "defer": Proposal.Stage.FORUM_OPD,
            "reject": Proposal.Stage.KECAMATAN,
        }[plan.outcome]
        proposal = self.proposals[id(plan)]
        while services.STAGE_ORDER.index(proposal.stage) < services.STAGE_ORDER.index(target_stage):
            proposal = services.advance_proposal_stage(
                actor=self.bappeda, proposal=proposal, note="Disepakati dalam musrenbang."
            )
        self.proposals[id(plan)] = proposal

    def _decider(self, plan, proposal):
        if plan.opd is not None and proposal.stage == Proposal.Stage.FORUM_OPD:
            return self.operators[plan.opd.pk]
        return self.bappeda

    def _decide(self, plan, line=None):
        proposal = self.proposals[id(plan)]
        actor = self._decider(plan, proposal)
        if plan.outcome == "accept":
            forum = "forum perangkat daerah" if proposal.stage == Proposal.Stage.FORUM_OPD else "musrenbang kabupaten"
            note = f"Diakomodasi pada {forum} dalam sub-kegiatan {line.sub_kegiatan.code} {line.sub_kegiatan.name}."
            services.accept_proposal(actor=actor, proposal=proposal, renja_line=line, note=note[:1000])
        elif plan.outcome == "defer":
            services.defer_proposal(actor=actor, proposal=proposal, to_year=self.year + 1, note=plan.note)
        else:
            services.reject_proposal(actor=actor, proposal=proposal, reason=plan.note)

    def _awaiting_decision(self):
        """Proposal plans that reach a forum, in the order they came in, by the line that answers them."""
        waiting = defaultdict(list)
        for plan in self.proposal_plans:
            if plan.outcome not in ("pending", "moderation_reject"):
                waiting[id(plan.line)].append(plan)
        return waiting

    # -- Renja ------------------------------------------------------------------------------------

    def _line_location(self, plan):
        """(lokasi text, regions): the places of the proposals it answers, else its kecamatan or district."""
        places = sorted(
            {p.pk: p for p in (q.village or q.kecamatan for q in plan.accepted)}.values(), key=lambda r: r.code
        )
        opd_region = self.kecamatan_regions.get(plan.opd.pk)
        if opd_region is not None:
            text = plan.opd.name  # "Kecamatan Ijen" is what Bondowoso calls Kemendagri's Sempol
            if places:
                text += ": " + ", ".join(str(place) for place in places)
            return text[:255], [opd_region, *places]
        if places:
            kecamatans = sorted({p.kecamatan.name for p in plan.accepted})
            if len(places) <= 3:
                text = ", ".join(str(place) for place in places) + f" (Kec. {', '.join(kecamatans)})"
            else:
                text = f"{len(places)} desa/kelurahan di {len(kecamatans)} kecamatan: Kec. {', '.join(kecamatans)}"
            return text[:255], places
        if plan.physical:
            chosen = sorted(
                self.rng.sample(list(self.kecamatan_regions.values()), self.rng.randint(1, 4)), key=lambda r: r.code
            )
            return "Kec. " + ", ".join(region.name for region in chosen), chosen
        return "Kabupaten Bondowoso", []

    def _script_renja(self, opd):
        """What an OPD's Renja goes through, drawn in the order the OPD writes it: its lines; in each stage
        whether Bappeda returns it (which line, the note, the fix and the reply); in the rancangan stage the
        pagu it fits to the announced ceilings. The fixes follow what the line holds by then."""
        script = RenjaScript(opd=opd, staff=self.operators[opd.pk])
        for plan in self.line_plans[opd.pk]:
            location, regions = self._line_location(plan)
            pagu = plan.pagu
            program = self.renstra_programs.get((opd.pk, plan.sub_kegiatan.parent.parent.code))
            values = {
                "regions": regions,
                "sub_kegiatan": plan.sub_kegiatan,
                "location": location,
                "pagu_indikatif": pagu,
                "pagu_indikatif_next": _rupiah(float(pagu) / MILLION * self.rng.uniform(0.95, 1.15)),
                "funding_source": self._funding(plan.sub_kegiatan),
                "renstra_program": program,
                **self._output_values(plan),
            }
            script.lines.append((plan, values))
        held = [dict(values) for _, values in script.lines]
        script.returns.append(self._script_return(script, held, return_chance=0.35))
        if self.rng.random() < 0.5:
            script.aligned = self._script_alignment(script, held)
        script.returns.append(self._script_return(script, held, return_chance=0.1))
        script.returns.append(self._script_return(script, held, return_chance=0.15))
        return script

    def _script_return(self, script, held, *, return_chance):
        if self.rng.random() >= return_chance:
            return None
        index = self.rng.choice(range(len(script.lines)))
        text, fix = self.rng.choice(RETURN_NOTES)
        plan, values = script.lines[index][0], held[index]
        if fix == "pagu":
            pagu = _rupiah(float(values["pagu_indikatif"]) / MILLION * 0.92)
            changes = {"pagu_indikatif": max(pagu, plan.accepted_cost)}
        elif fix == "location":
            location, regions = self._line_location(plan)
            if location == values["location"]:
                location = f"{location} (rincian lokasi terlampir)"[:255]
            changes = {"location": location, "regions": regions}
        else:
            target = (values["output_target"] * Decimal("1.1")).quantize(Decimal("1"))
            changes = {"output_target": max(Decimal(1), target)}
        values.update(changes)
        return RenjaReturn(index=index, text=text, changes=changes, reply=self.rng.choice(REPLIES))

    def _script_alignment(self, script, held):
        """(line index, pagu) of some lines fitted to the indicative ceiling Bappeda announced."""
        aligned = []
        for index, (plan, _) in enumerate(script.lines):
            if self.rng.random() < 0.12:
                values = held[index]
                factor = self.rng.uniform(0.93, 1.05)
                values["pagu_indikatif"] = max(
                    _rupiah(float(values["pagu_indikatif"]) / MILLION * factor), plan.accepted_cost
                )
                aligned.append((index, values["pagu_indikatif"]))
        return aligned

    def _schedule_renja(self, agenda, scripts):
        """Every OPD drafts its rancangan awal in January; its forum perangkat daerah takes up the proposals
        its lines answer; then each stage is submitted and verified in turn, finalised in May."""
        day, count = self._day, len(scripts)
        waiting = self._awaiting_decision()
        stages = zip(
            scripts,
            self.clock.spread(day(1, 16), day(2, 3), count),
            self.clock.spread(day(2, 27), day(3, 10), count),
            self.clock.spread(day(3, 13), day(3, 15), count),
            self.clock.spread(day(4, 3), day(4, 4), count),
            self.clock.spread(day(4, 5), day(4, 12), count),
            self.clock.spread(day(5, 8), day(5, 12), count),
            strict=True,
        )
        for script, drafted, forum, ranwal, aligned, rancangan, akhir in stages:
            agenda.add(drafted, self._write_renja, script)
            for index, (plan, _) in enumerate(script.lines):
                for proposal_plan in waiting[id(plan)]:
                    agenda.add(forum, self._decide_in_forum, script, proposal_plan, index)
            self._schedule_stage(agenda, script, 0, ranwal)
            if script.aligned:
                agenda.add(aligned, self._align_pagu, script)
            self._schedule_stage(agenda, script, 1, rancangan)
            self._schedule_stage(agenda, script, 2, akhir)
        # The kabupaten musrenbang defers or rejects what no Renja line answers.
        kabupaten = self.clock.on(day(3, 29), datetime.time(9))
        for plan in waiting[id(None)]:
            agenda.add(kabupaten, self._decide, plan)

    def _schedule_stage(self, agenda, script, stage, submitted):
        """Submit; perhaps returned the next day with a comment on a line, fixed and resubmitted the day after;
        verified and moved on."""
        agenda.add(submitted, self._move, script, "submit")
        returned = script.returns[stage]
        verified = self.clock.working_days_after(submitted, 2)
        if returned is not None:
            agenda.add(self.clock.working_days_after(submitted, 1), self._return, script, returned)
            agenda.add(verified, self._fix_and_resubmit, script, returned)
            verified = self.clock.working_days_after(submitted, 3)
        agenda.add(verified, self._move, script, "verify", actor=self.bappeda)
        agenda.add(verified, self._move, script, "finalise" if stage == 2 else "advance", actor=self.bappeda)

    def _write_renja(self, script):
        staff = script.staff
        script.renja = services.create_renja(actor=staff, opd=script.opd, fiscal_year=self.fy)
        for _, values in script.lines:
            self.clock.later(minutes=2)
            script.written.append(services.add_renja_line(actor=staff, renja=script.renja, **values))

    def _decide_in_forum(self, script, plan, index):
        self._decide(plan, script.written[index])

    def _move(self, script, action, actor=None):
        services.transition_renja(actor=actor or script.staff, renja=script.renja, action=action)

    def _return(self, script, returned):
        line = script.written[returned.index]
        script.comment = services.comment_renja(actor=self.bappeda, renja=script.renja, line=line, text=returned.text)
        services.transition_renja(
            actor=self.bappeda, renja=script.renja, action="return", note=f"Mohon perbaiki catatan pada {line}."
        )

    def _fix_and_resubmit(self, script, returned):
        self._update_line(script, returned.index, returned.changes)
        services.comment_renja(actor=script.staff, renja=script.renja, reply_to=script.comment, text=returned.reply)
        services.transition_renja(actor=script.staff, renja=script.renja, action="submit")

    def _align_pagu(self, script):
        """In the rancangan stage an OPD fits some pagu to the indicative ceiling Bappeda announced."""
        for index, pagu in script.aligned:
            self._update_line(script, index, {"pagu_indikatif": pagu})

    def _update_line(self, script, index, changes):
        line = script.written[index]
        script.written[index] = services.update_renja_line(
            actor=script.staff, line=line, expected_version=line.version, **changes
        )
