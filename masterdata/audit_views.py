"""The audit trail in the browser: read-only, for auditors and administrators."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import access, audit_selectors


@login_required
@require_GET
def audit_event_list(request):
    # The list is a page, not an object: a signed-in user without the permission gets 403.
    access.require(request.user, "masterdata.view_auditevent")
    listing = audit_selectors.audit_event_listing(request.user, request.GET, request.GET.get("page"))
    listing.page.elided_range = listing.page_range  # where the shared pagination partial reads the numbers
    return render(request, "audit/list.html", {"listing": listing})


@login_required
@require_GET
def audit_event_detail(request, sequence):
    detail = audit_selectors.audit_event_detail(request.user, sequence)
    return render(request, "audit/detail.html", {"detail": detail, "event": detail.event})
