"""What the public APBD pages show of a published version: the summary, the OPDs and the accounts from the
totals stored at publication, an OPD's programs and sub-kegiatan and a sub-kegiatan's lines from the lines
(through facts). Published versions never change, so each read is cached under the version's id: a newly
published version is new keys, and nothing stale can be served for it."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Sum
from django.http import Http404
from django.utils import timezone

from budgeting.models import ApbdTotal, ApbdVersion, KuaPpas, RkaLine, RkaSubKegiatan
from budgeting.selectors import apbd as apbd_selectors
from budgeting.selectors import diff as diff_selectors
from masterdata import access
from masterdata.models import Opd
from masterdata.money import ZERO, read_money
from masterdata.selectors import matching_every_word, search_words
from planning.models import Rkpd

from . import facts

CACHE_SECONDS = 60 * 60 * 24


def _cached(version, name, compute):
    return cache.get_or_set(f"public:{version.pk}:{name}", compute, CACHE_SECONDS)


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
    percent: object


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
            "ditetapkan paling lambat akhir Juni tahun sebelumnya",
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
                f"Nota kesepakatan {kua.get_kind_display()} (versi {kua.number})",
                "disepakati paling lambat akhir Agustus tahun anggaran"
                if is_change
                else "disepakati paling lambat minggu kedua Agustus tahun sebelumnya",
                datetime.date(year, 8, 31) if is_change else datetime.date(previous, 8, 14),
                kua.agreement_date,
                kua.agreement_number,
            )
        )
    for version in facts.public_apbd_versions(year=year):
        deadline = {
            ApbdVersion.Kind.MURNI: (datetime.date(previous, 12, 31), "Perda ditetapkan paling lambat 31 Desember"),
            ApbdVersion.Kind.PERUBAHAN: (datetime.date(year, 9, 30), "disetujui paling lambat 30 September"),
            ApbdVersion.Kind.PERGESERAN: (datetime.date(year, 12, 31), "ditetapkan dengan Perbup dalam tahun berjalan"),
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
                f"{version} (versi {version.number}), diterbitkan {timezone.localdate(version.published_at):%d-%m-%Y}"
                if version.published_at
                else str(version),
                deadline[1],
                deadline[0],
                adopted,
                number,
                version,
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
