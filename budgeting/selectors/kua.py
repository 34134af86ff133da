"""KUA-PPAS reads: the versions a user may read, their policy lines and the accounts a line may use."""

from django.db.models import (
    OuterRef,
    Q,
)

from masterdata import access
from masterdata.models import Account
from masterdata.money import CENT, money_subquery, money_sum
from masterdata.selectors import search_words

from ..models import Ceiling, KuaAccountLine, KuaPpas, RkaLine

POLICY_GROUPS = [
    (RkaLine.Akun.PENDAPATAN, "Proyeksi pendapatan"),
    (RkaLine.Akun.BELANJA, "Kebijakan belanja"),
    (RkaLine.Akun.PEMBIAYAAN, "Pembiayaan"),
]


def kua_ppas_for(user, pk):
    return access.get_visible_or_404(access.scope_kua_ppas(user, KuaPpas.objects.select_related("fiscal_year")), pk=pk)


def kua_account_lines(kua):
    return KuaAccountLine.objects.filter(kua_ppas=kua).select_related("account").order_by("account__code")


def policy_sections(kua):
    """The policy lines as the three blocks of the KUA: (akun, title, lines) for pendapatan, belanja and
    pembiayaan."""
    lines = list(kua_account_lines(kua))
    return [
        (str(akun.value), label, [line for line in lines if RkaLine.Akun.of(line.account.code) == akun])
        for akun, label in POLICY_GROUPS
    ]


def kua_account_options(kua, *, levels_by_akun, query, limit):
    """Accounts a KUA-PPAS line may use (pendapatan to objek, belanja by kelompok and jenis, pembiayaan)."""
    allowed = Q()
    for akun, levels in levels_by_akun.items():
        allowed |= Q(code__startswith=akun, level__in=levels)
    accounts = Account.objects.filter(allowed, version_id=kua.fiscal_year.reference_version_id, is_active=True)
    for word in search_words(query):
        accounts = accounts.filter(Q(code__icontains=word) | Q(name__icontains=word))
    return list(accounts.order_by("code")[: limit + 1])


def visible_kua_ppas(user, *, fiscal_year=None):
    """The KUA-PPAS versions the user may read, the newest first (or one year's in their order), each with the
    sum of its OPD ceilings."""
    opd_level = Ceiling.objects.opd_level().filter(kua_ppas_id=OuterRef("pk"))
    kuas = KuaPpas.objects.select_related("fiscal_year").annotate(ceiling_total=money_subquery(opd_level))
    if fiscal_year is not None:
        return access.scope_kua_ppas(user, kuas.filter(fiscal_year=fiscal_year)).order_by("number")
    return access.scope_kua_ppas(user, kuas).order_by("-fiscal_year__year", "-number")


def unused_locked_kuas(fiscal_year):
    """Locked KUA-PPAS versions of the year that no APBD version was opened from yet."""
    return (
        KuaPpas.objects.filter(fiscal_year=fiscal_year, state=KuaPpas.State.LOCKED, apbd_versions__isnull=True)
        .select_related("fiscal_year")
        .order_by("number")
    )


def kua_policy_totals(kua):
    """Planned pendapatan, belanja and pembiayaan of a version, summed in the database in one statement."""
    prefixes = {
        "pendapatan": "4",
        "belanja": "5",
        "penerimaan_pembiayaan": "6.1",
        "pengeluaran_pembiayaan": "6.2",
    }
    sums = {key: money_sum(filter=Q(account__code__startswith=prefix)) for key, prefix in prefixes.items()}
    totals = KuaAccountLine.objects.filter(kua_ppas=kua).aggregate(**sums)
    return {key: amount.quantize(CENT) for key, amount in totals.items()}
