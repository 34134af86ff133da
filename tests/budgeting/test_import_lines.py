"""Bulk line import: the same rules as a single save, all or nothing, ceilings checked together."""

from decimal import Decimal

import pytest

from budgeting.models import RkaLine
from budgeting.services import rka as rka_services
from masterdata.importers import InvalidFile
from masterdata.models import AuditEvent, StandardPriceItem
from tests.budgeting.factories import MAMIN_ACCOUNT, budget_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(reference_data):
    setup = budget_setup(reference_data, ceiling=Decimal("1000000"))
    item = StandardPriceItem.objects.create(
        fiscal_year=reference_data,
        kind="SSH",
        code="1.1.7.01.03.01.001",
        name="Makan dan minum rapat",
        unit="orang/kali",
        price=Decimal("40000"),
    )
    item.accounts.add(setup.account(MAMIN_ACCOUNT))
    setup.meal = item
    return setup


def test_good_rows_are_created_with_one_audit_event(setup):
    events = AuditEvent.objects.count()
    rows = [
        (2, setup.line_values()),
        (
            3,
            setup.line_values(
                account=setup.account(MAMIN_ACCOUNT),
                standard_price=setup.meal,
                volume_1=Decimal("10"),
                unit_1="orang",
                volume_2=Decimal("2"),
                unit_2="kali",
                unit_price=Decimal("35000"),
            ),
        ),
    ]
    lines = rka_services.import_rka_lines(actor=setup.staff, rka=setup.rka, rows=rows)
    assert [line.amount for line in lines] == [Decimal("100000.00"), Decimal("700000.00")]
    assert RkaLine.objects.filter(rka=setup.rka).count() == 2
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event.action == "rka_line.import" and event.after["count"] == 2


def test_any_bad_row_imports_nothing_and_every_bad_row_is_named(setup):
    rows = [
        (2, setup.line_values()),  # fine: Rp 100.000
        (
            3,
            setup.line_values(
                account=setup.account(MAMIN_ACCOUNT),
                standard_price=setup.meal,
                volume_1=Decimal("5"),
                unit_1="orang",
                unit_price=Decimal("45000"),
            ),
        ),  # above SSH
        (4, setup.line_values(standard_price=setup.meal)),  # item not allowed on the ATK account
        (5, setup.line_values(volume_1=Decimal("0"))),  # zero volume
        (6, setup.line_values(volume_1=Decimal("100"))),  # Rp 1.000.000: takes the ceiling over
    ]
    with pytest.raises(InvalidFile) as caught:
        rka_services.import_rka_lines(actor=setup.staff, rka=setup.rka, rows=rows)
    messages = {error.line: str(error) for error in caught.value.errors}
    assert set(messages) == {3, 4, 5, 6}
    assert "melebihi standar harga Rp 40.000" in messages[3]
    assert "tidak boleh dibebankan ke kode rekening 5.1.02.01.01.0024" in messages[4]
    assert "Volume harus lebih dari nol" in messages[5]
    assert "melebihi plafon Dinas Kesehatan: sisa Rp 1.000.000" in messages[6]
    assert not RkaLine.objects.filter(rka=setup.rka).exists()
