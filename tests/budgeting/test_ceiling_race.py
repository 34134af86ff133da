"""Many concurrent line saves against one ceiling, each on its own database connection."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models import Sum

from budgeting.models import RkaLine
from budgeting.services import rka as rka_services
from masterdata.errors import StaleObject
from tests.budgeting.factories import budget_setup

WORKERS = 16


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_never_exceed_the_ceiling(reference_data):
    setup = budget_setup(reference_data, ceiling=Decimal("1000000"))
    # Each line is Rp 150.000: six fit under Rp 1.000.000; the seventh would take it over.
    values = setup.line_values(volume_1=Decimal("15"), unit_price=Decimal("10000"))
    barrier = threading.Barrier(WORKERS)
    outcomes = []

    def save():
        try:
            barrier.wait()
            rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **values)
            outcomes.append("saved")
        except ValidationError as error:
            outcomes.append(error.message_dict["amount"][0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(outcomes) == WORKERS
    assert outcomes.count("saved") == 6
    refusals = [outcome for outcome in outcomes if outcome != "saved"]
    assert len(refusals) == WORKERS - 6
    assert all("Melebihi plafon Dinas Kesehatan: sisa Rp 100.000, rincian ini Rp 150.000" in r for r in refusals)
    total = RkaLine.objects.filter(rka=setup.rka).aggregate(total=Sum("amount"))["total"]
    assert total == Decimal("900000")
    assert connection.vendor == "postgresql"


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_of_one_line_never_lose_an_update(reference_data):
    setup = budget_setup(reference_data, ceiling=Decimal("10000000"))
    line = rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    barrier = threading.Barrier(8)
    outcomes = []

    def edit(volume):
        try:
            barrier.wait()
            rka_services.update_rka_line(actor=setup.staff, line=line, expected_version=1, volume_1=Decimal(volume))
            outcomes.append(("saved", volume))
        except StaleObject as stale:
            outcomes.append(("stale", stale.current["version"]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(v,)) for v in range(20, 28)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    saved = [volume for kind, volume in outcomes if kind == "saved"]
    assert len(saved) == 1, outcomes
    assert all(version == 2 for kind, version in outcomes if kind == "stale")
    line.refresh_from_db()
    assert line.version == 2
    assert line.volume_1 == Decimal(saved[0])
