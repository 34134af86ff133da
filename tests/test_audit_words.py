"""The audit trail reads as Indonesian sentences: what was done, to what, and which fields changed, by name."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budgeting.models import KuaPpas
from budgeting.services import kua as kua_services
from masterdata.models import AuditEvent, User
from tests.budgeting.factories import account
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_inspector_reads_actions_objects_and_fields_in_indonesian(client, reference_data):
    finance = UserFactory(role=User.Role.FINANCE, first_name="Dewi", last_name="Lestari")
    kua = KuaPpas.objects.create(fiscal_year=reference_data, number=1)
    line = kua_services.set_kua_account_line(
        actor=finance, kua=kua, account=account(reference_data, "5.1"), amount=Decimal("1000000"), note="Belanja"
    )
    kua_services.set_kua_account_line(
        actor=finance, kua=kua, account=line.account, amount=Decimal("2000000"), note="Belanja"
    )
    event = AuditEvent.objects.filter(action="kua_account_line.set").latest("sequence")
    client.force_login(UserFactory(role=User.Role.AUDITOR))

    listing = client.get(reverse("audit-list")).content.decode()
    assert "Menetapkan rekening KUA-PPAS" in listing and "Rekening KUA-PPAS" in listing
    assert "<code>kua_account_line.set</code>" not in listing and ">budgeting.kuaaccountline<" not in listing

    detail = client.get(reverse("audit-detail", args=[event.sequence])).content.decode()
    assert "Dewi Lestari menetapkan rekening KUA-PPAS" in detail
    assert "1 kolom berubah: jumlah." in detail
    assert "kode rekening" in detail and "KUA-PPAS" in detail
    assert "kebijakan" in detail  # the model field's own name comes first
