"""The budgeting landing page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from masterdata import view_helpers
from masterdata.form_base import active_fiscal_years

from ..selectors import apbd as apbd_selectors
from ..selectors import kua as kua_selectors
from ..selectors import rka as rka_selectors


@login_required
@require_GET
def budgeting_home(request):
    user = request.user
    fiscal_year = view_helpers.requested_year(request)
    context = {"fiscal_year": fiscal_year, "fiscal_years": active_fiscal_years()}
    if fiscal_year is not None:
        context.update(
            kuas=list(kua_selectors.kua_versions_for(user, fiscal_year)),
            versions=list(apbd_selectors.apbd_versions_with_counts(user, fiscal_year)),
            own_rkas=list(rka_selectors.own_rkas(user, fiscal_year)),
        )
    return render(request, "budgeting/home.html", context)
