"""The difference of two APBD versions: line by line through the copied_from chain, and rollup by rollup."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from masterdata import access
from masterdata.models import MONEY
from masterdata.money import ZERO, total_of

from ..models import ApbdVersion, RkaLine
from .apbd import Dimension, is_stored, rollup_rows, stored_rows, version_lines

SUB_CODE = "sub_kegiatan__sub_kegiatan__code"

OPD_CODE = "rka__opd__code"

LINE_KINDS = [("changed", "Berubah"), ("added", "Baru"), ("removed", "Dihapus")]


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
    if old.pk == new.pk:
        raise ValidationError({"to": "Pilih dua versi yang berbeda untuk dibandingkan."})
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


def _rows_of(version, opd_id):
    """Stored rows for a published version (they are what the public saw), live rows otherwise."""
    if opd_id is None and is_stored(version):
        return {dimension: stored_rows(version, dimension) for dimension in Dimension.values}
    return rollup_rows(version, opd_id)


def diff_rollups(old, new, changed_only=False, opd_id=None):
    """Every rollup (account levels, OPD, urusan, bidang, program) of two versions (or of one OPD's part of
    them) side by side with deltas."""
    old_rows, new_rows = _rows_of(old, opd_id), _rows_of(new, opd_id)
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


def visible_diff_rollups(user, old, new, changed_only=False):
    """The rollup diff as far as the user may read the figures of both versions (OPD staff: their own OPD
    until both are published)."""
    return diff_rollups(old, new, changed_only, opd_id=access.apbd_figures_opd(user, old, new))


def visible_diff(user, old, new):
    """The line diff of two versions, restricted to the RKAs the user may read (OPD staff: their own)."""
    diff = diff_lines(old, new)
    return LineDiff(
        *(access.scope_rka(user, lines, rka_field="rka") for lines in (diff.added, diff.removed, diff.changed))
    )
