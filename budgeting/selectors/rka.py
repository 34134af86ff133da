"""RKA reads: the RKAs and lines a user may read with their figures, the editor's sections and pickers,
the printed form's subtotals, comments and history."""

from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Substr

from masterdata import access
from masterdata.models import Account, StandardPriceItem, User
from masterdata.money import CENT, MONEY_FIELD, money_subquery, money_sum, sum_by
from masterdata.selectors import count_subquery, matching_every_word, search_words
from planning.models import RenjaLine

from ..models import ApbdVersion, Ceiling, Rka, RkaComment, RkaLine, RkaSubKegiatan, Transition


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
            comment_count=count_subquery(RkaComment.objects.filter(rka_id=OuterRef("pk"))),
            remaining=ExpressionWrapper(F("ceiling") - F("belanja"), output_field=MONEY_FIELD),
        )
        .order_by("opd__code")
    )


def rka_state_counts(user, version):
    """{state: number of RKAs} of the version among those the user may read."""
    readable = access.scope_rka(user, Rka.objects.filter(version=version))
    return dict(readable.values_list("state").annotate(n=Count("pk")).order_by())


def rka_sub_kegiatan_rows(rka, query=""):
    """The sub-kegiatan of an RKA in code order with their belanja, line count, the Renja's pagu indikatif and the
    narrowest ceiling over them: their own, else their program's (KUA-PPAS mostly sets only the OPD's, and a
    pergeseran carries only OPD totals). Every word of `query` must match the code or name of the sub-kegiatan,
    its kegiatan or its program."""
    ceilings = Ceiling.objects.filter(kua_ppas_id=rka.version.kua_ppas_id, opd_id=rka.opd_id)
    own = ceilings.filter(sub_kegiatan_id=OuterRef("sub_kegiatan_id")).values("amount")[:1]
    program = ceilings.filter(program_id=OuterRef("sub_kegiatan__parent__parent_id")).values("amount")[:1]
    lines = RkaLine.objects.filter(sub_kegiatan_id=OuterRef("pk"))
    names = ("sub_kegiatan__code", "sub_kegiatan__name", "sub_kegiatan__parent__name")
    rows = matching_every_word(
        RkaSubKegiatan.objects.filter(rka=rka), query, (*names, "sub_kegiatan__parent__parent__name")
    )
    return (
        rows.select_related("sub_kegiatan__parent__parent", "renja_line")
        .annotate(
            total=money_subquery(lines),
            line_count=count_subquery(lines),
            ceiling=Subquery(own, output_field=MONEY_FIELD),
            program_ceiling=Subquery(program, output_field=MONEY_FIELD),
        )
        .order_by("sub_kegiatan__code")
    )


def rka_group_totals(rka):
    """Belanja of the RKA per program and per kegiatan: {nomenclature id: amount}, two GROUP BY queries."""
    lines = RkaLine.objects.filter(rka=rka, sub_kegiatan__isnull=False)
    kegiatan = "sub_kegiatan__sub_kegiatan__parent_id"
    program = "sub_kegiatan__sub_kegiatan__parent__parent_id"
    return {row[key]: row["amount"] for key in (kegiatan, program) for row in sum_by(lines, key)}


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
    text = ("account__code", "account__name", "standard_price__name", "work_package", "description", "specification")
    lines = matching_every_word(lines, query, text)
    comments = RkaComment.objects.select_related("author").order_by("created_at", "pk")
    return (
        lines.select_related("account", "standard_price", "funding_source")
        .prefetch_related(Prefetch("comments", queryset=comments))
        # In a pergeseran or perubahan: the amount of the line it was copied from in the base version.
        .annotate(
            base_amount=F("copied_from__amount"),
            base_change=ExpressionWrapper(F("amount") - F("copied_from__amount"), output_field=MONEY_FIELD),
        )
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
    for word in search_words(query):
        accounts = accounts.filter(Q(code__icontains=word) | Q(name__icontains=word))
    return list(accounts.order_by("code")[: limit + 1])


def standard_price_options(fiscal_year, account, *, query, limit):
    """Active catalogue items of the year that may be charged to `account`, matching every word."""
    items = StandardPriceItem.objects.filter(fiscal_year=fiscal_year, is_active=True, accounts=account)
    for word in search_words(query):
        items = items.filter(Q(code__icontains=word) | Q(name__icontains=word) | Q(specification__icontains=word))
    return list(items.order_by("name", "price", "code")[: limit + 1])


def account_uses_standard_prices(fiscal_year, account):
    return StandardPriceItem.objects.filter(fiscal_year=fiscal_year, accounts=account).exists()


def visible_rkas(user):
    """Every RKA the user may read with its pendapatan, belanja, pembiayaan, line count and OPD ceiling: one
    query whatever the number of RKAs and lines."""
    lines = RkaLine.objects.filter(rka_id=OuterRef("pk"))
    ceiling = (
        Ceiling.objects.opd_level()
        .filter(kua_ppas_id=OuterRef("version__kua_ppas_id"), opd_id=OuterRef("opd_id"))
        .values("amount")[:1]
    )
    return (
        access.scope_rka(user, Rka.objects.select_related("opd", "version__fiscal_year"))
        .annotate(
            pendapatan=money_subquery(lines.filter(akun=RkaLine.Akun.PENDAPATAN)),
            belanja=money_subquery(lines.filter(akun=RkaLine.Akun.BELANJA)),
            pembiayaan=money_subquery(lines.filter(akun=RkaLine.Akun.PEMBIAYAAN)),
            line_count=count_subquery(lines),
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


def transitions_of(document):
    """The visible history of a budget document's moves."""
    return (
        Transition.objects.filter(document_type=document._meta.model_name, document_id=document.pk)
        .select_related("actor")
        .order_by("created_at", "pk")
    )


def unanswered_rka_comments():
    """TAPD's notes with no later answer from the OPD on the same line (or on the RKA as a whole)."""
    answers = RkaComment.objects.filter(
        rka_id=OuterRef("rka_id"), created_at__gt=OuterRef("created_at"), author__role=User.Role.OPD_STAFF
    )
    return (
        RkaComment.objects.exclude(author__role=User.Role.OPD_STAFF)
        .alias(
            answered=Exists(answers.filter(line_id=OuterRef("line_id"))),
            answered_general=Exists(answers.filter(line__isnull=True)),
        )
        .filter(Q(line__isnull=False, answered=False) | Q(line__isnull=True, answered_general=False))
    )


def own_rkas(user, fiscal_year):
    """The RKAs of the user's own OPD in the year's versions with their figures (see visible_rkas) and TAPD's
    unanswered notes, the newest version first (none for readers of every OPD): one query."""
    if not access.is_own_opd(user, user.opd):
        return Rka.objects.none()
    unanswered = unanswered_rka_comments().filter(rka_id=OuterRef("pk"))
    return (
        visible_rkas(user)
        .filter(version__fiscal_year=fiscal_year, opd=user.opd)
        .annotate(unanswered=count_subquery(unanswered))
        .order_by("-version__number")
    )


def rka_waiting_by_version(user):
    """The APBD versions with RKAs waiting for TAPD's verification, with how many, the newest first."""
    waiting = access.scope_rka(user, Rka.objects.filter(version_id=OuterRef("pk"), state=Rka.State.SUBMITTED))
    versions = ApbdVersion.objects.select_related("fiscal_year").annotate(waiting=count_subquery(waiting))
    return list(
        access.scope_apbd_versions(user, versions).filter(waiting__gt=0).order_by("-fiscal_year__year", "-number")
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
        {row["sub_kegiatan_id"]: row["amount"] for row in sum_by(lines, "sub_kegiatan_id")},
        {
            (row["sub_kegiatan_id"], row["account_id"]): row["amount"]
            for row in sum_by(lines, "sub_kegiatan_id", "account_id")
        },
        {
            (row["sub_kegiatan_id"], row["account_id"], row["work_package"]): row["amount"]
            for row in sum_by(lines.exclude(work_package=""), "sub_kegiatan_id", "account_id", "work_package")
        },
        {row["group"]: row["amount"] for row in sum_by(groups, "group")},
    )


# What a line to be changed is best read with: everything validation and the ceiling check touch.
SAVED_LINE_RELATED = ("account", "standard_price", "funding_source", "sub_kegiatan__sub_kegiatan")
