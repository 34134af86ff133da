"""The difference between two APBD versions, by rollup and line by line."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_GET

from masterdata import view_helpers

from ..forms import diff as diff_forms
from ..selectors import apbd as apbd_selectors
from ..selectors import diff as diff_selectors
from .apbd import Dimension


@login_required
@require_GET
def version_diff(request):
    """Two versions side by side: every rollup with its delta, or the lines added, removed and changed."""
    user = request.user
    versions = apbd_selectors.visible_apbd_versions(user).filter(fiscal_year__is_active=True)
    params = request.GET.copy()
    if "baru" not in params:
        newest = versions.filter(base__isnull=False).first()
        if newest is None:
            return render(request, "budgeting/version_diff.html", {"form": diff_forms.DiffForm(versions=versions)})
        params["baru"], params["lama"] = newest.pk, newest.base_id
    form = diff_forms.DiffForm(params, versions=versions)
    view = request.GET.get("lihat", "ringkasan")
    context = {"form": form, "dimensions": Dimension.choices, "line_kinds": diff_selectors.LINE_KINDS, "view": view}
    if form.is_valid():
        old, new = form.cleaned_data["lama"], form.cleaned_data["baru"]
        try:
            lines = diff_selectors.visible_diff(user, old, new)
        except ValidationError as error:
            form.add_error(None, view_helpers.error_text(error))
        else:
            context.update(
                old=old,
                new=new,
                print_params={"version": new.pk, "lama": old.pk},
                line_totals=lines.totals(),
                line_counts={name: getattr(lines, name).count() for name, _ in diff_selectors.LINE_KINDS},
            )
            if view == "baris":
                kind = request.GET.get("baris", "changed")
                kind = kind if kind in dict(diff_selectors.LINE_KINDS) else "changed"
                context.update(kind=kind, page=view_helpers.page_of(request, getattr(lines, kind)))
            else:
                dimension = request.GET.get("dimensi", Dimension.ACCOUNT)
                dimension = dimension if dimension in Dimension.values else Dimension.ACCOUNT
                rollups = diff_selectors.visible_diff_rollups(user, old, new, changed_only=True)
                context.update(dimension=dimension, page=view_helpers.page_of(request, rollups[dimension]))
    return render(request, "budgeting/version_diff.html", context)
