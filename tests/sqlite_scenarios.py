"""Scenarios run against the embedded SQLite database exactly as `make run` configures it.

Run in a fresh process (`python -m tests.sqlite_scenarios NAME`) with bondowoso.settings.local and a file
database, because the test run's own SQLite database lives in memory; each prints its outcome as JSON.
"""

import json
import sqlite3
import sys
import threading
from decimal import Decimal

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from budgeting import excel  # noqa: E402
from budgeting.models import RkaLine  # noqa: E402
from masterdata.models import FiscalYear  # noqa: E402
from tests.budgeting.factories import budget_setup  # noqa: E402
from tests.factories import DEFAULT_PASSWORD  # noqa: E402

LINE = {
    "sub_kegiatan": "1.02.02.2.01.0001",
    "account": "5.1.02.01.01.0024",
    "description": "Alat tulis kantor",
    "volume_1": "10",
    "unit_1": "paket",
    "unit_price": "10000",
    "funding_source": "1.2.01.01.02.0001",
}


def _setup():
    return budget_setup(FiscalYear.objects.get(year=2024), ceiling=Decimal("1000000000"))


def _staff_client(setup):
    client = Client(raise_request_exception=False)
    client.force_login(setup.staff)
    return client


def _add_line(client, setup):
    return client.post(f"/api/v1/rka/{setup.rka.pk}/lines/", LINE, content_type="application/json")


def parallel_line_adds(workers=8):
    """Eight OPD staff add a line to the same RKA at the same moment."""
    setup = _setup()
    clients = [_staff_client(setup) for _ in range(workers)]
    barrier = threading.Barrier(workers)
    statuses = []

    def add(client):
        try:
            barrier.wait()
            statuses.append(_add_line(client, setup).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"statuses": sorted(statuses), "lines": RkaLine.objects.filter(rka=setup.rka).count()}


def write_after_failed_export():
    """An export fails halfway through its lines; the next write must still go through."""
    setup = _setup()
    client = _staff_client(setup)
    assert _add_line(client, setup).status_code == 201
    line = RkaLine.objects.get(rka=setup.rka)
    # More lines than one chunk of the export's iterator, so its cursor is still open when it fails.
    copies = []
    for _ in range(2100):
        line.pk = None
        copies.append(RkaLine(**{f.attname: getattr(line, f.attname) for f in RkaLine._meta.concrete_fields}))
    RkaLine.objects.bulk_create(copies)

    def broken(*args, **kwargs):
        raise RuntimeError("export broke halfway")

    excel._write_lines = broken
    failing = Client()
    failing.force_login(setup.staff)
    try:
        failing.get(f"/api/v1/rka/{setup.rka.pk}/export/")
    except RuntimeError as error:
        failure = error  # kept, as a logged traceback keeps it, with every frame it holds
    outcome = {"failure": str(failure)}
    other = threading.Thread(target=lambda: outcome.update(status=_add_line(_staff_client(setup), setup).status_code))
    other.start()
    other.join()
    return outcome


def busy_database():
    """Another process holds the write lock for longer than the busy timeout: API and pages answer 503."""
    setup = _setup()
    api, page = _staff_client(setup), Client(raise_request_exception=False)
    holder = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        added = _add_line(api, setup)
        login = page.post("/masuk/", {"username": setup.staff.username, "password": DEFAULT_PASSWORD})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    return {
        "api": [added.status_code, added.get("Retry-After"), added.get("Content-Type"), added.content.decode()],
        "page": [login.status_code, login.get("Retry-After"), login.get("Content-Type"), login.content.decode()],
        "lines": RkaLine.objects.filter(rka=setup.rka).count(),
        "journal_mode": connections["default"].cursor().execute("PRAGMA journal_mode").fetchone()[0],
    }


if __name__ == "__main__":
    print(json.dumps(globals()[sys.argv[1]]()))
