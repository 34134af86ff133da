"""One fiscal year is current: pages and the API open on it when no year is named."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from masterdata import selectors, services
from masterdata.models import AuditEvent, FiscalYear, User
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_a_fresh_load_marks_this_calendar_year_current(reference_data):
    current = FiscalYear.objects.get(is_current=True)
    assert current.year == 2026  # the shipped years run 2021-2027; the test machine's clock says 2026
    assert selectors.current_fiscal_year() == current


def test_administrator_moves_the_current_year_and_it_is_audited(reference_data, client):
    admin = user_with_role(User.Role.ADMIN)
    services.set_current_fiscal_year(actor=admin, fiscal_year=reference_data)
    assert list(FiscalYear.objects.filter(is_current=True).values_list("year", flat=True)) == [2024]
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event.action == "fiscal_year.set_current" and event.before == {"current": 2026}
    client.force_login(user_with_role(User.Role.BAPPEDA))
    assert "Tahun anggaran 2024" in client.get(reverse("home")).content.decode()


def test_only_administrators_move_it(reference_data):
    with pytest.raises(PermissionDenied):
        services.set_current_fiscal_year(actor=user_with_role(User.Role.FINANCE), fiscal_year=reference_data)


def test_api_lists_default_to_the_current_year(reference_data, client):
    services.set_current_fiscal_year(actor=None, fiscal_year=reference_data)
    client.force_login(user_with_role(User.Role.BAPPEDA))
    body = client.get("/api/v1/nomenclature/?code_prefix=1.02.02.2.01.0001").json()
    assert body["results"][0]["code"] == "1.02.02.2.01.0001"
