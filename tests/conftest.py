"""Shared fixtures. Tests needing PostgreSQL, Redis or Chromium skip without them, except in CI,
where such a skip is a failure (CI=true)."""

import datetime
import os
import shutil

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection

from masterdata import services

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API beside live_server
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _missing(requirement):
    if requirement == "postgresql":
        return None if connection.vendor == "postgresql" else "PostgreSQL tidak tersedia (set DATABASE_URL)"
    if requirement == "redis":
        return None if os.environ.get("REDIS_URL") else "Redis tidak tersedia (set REDIS_URL)"
    if requirement == "browser":
        return None if shutil.which(CHROMIUM) else f"Chromium tidak ada di {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(autouse=True)
def _required_services(request):
    for requirement in ("postgresql", "redis", "browser"):
        if request.node.get_closest_marker(requirement):
            reason = _missing(requirement)
            if reason and IN_CI:
                pytest.fail(f"CI: {reason}")
            if reason:
                pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cache outlives a test's transaction: rate limits, kept public figures and throttles of one test
    must not meet the next."""
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Each test's files (documents of jobs) in its own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the shipped reference data once per session; let test teardown flush the audit table."""
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # TransactionTestCase teardown truncates every table; the refusal itself is
                # re-enabled and tested in tests/test_audit.py.
                cursor.execute("ALTER TABLE masterdata_auditevent DISABLE TRIGGER masterdata_auditevent_no_truncate")
        services.load_reference_data()


@pytest.fixture
def reference_data(db):
    """The shipped reference data (reloaded if a transactional test flushed it)."""
    from masterdata.models import FiscalYear

    if not FiscalYear.objects.exists():
        services.load_reference_data()
    return FiscalYear.objects.get(year=2024)


@pytest.fixture
def executed(reference_data):
    """The small year adopted and published, its DPAs issued, on 15 April 2024."""
    from budgeting.services import dpa as dpa_services
    from tests.budgeting.factories import adopt, small_apbd

    with time_machine.travel(datetime.datetime(2024, 4, 15, 9, tzinfo=datetime.UTC), tick=False):
        small = small_apbd(reference_data)
        small.version = adopt(small.version, small.finance, publish=True)
        for dpa in dpa_services.prepare_dpas(actor=small.finance, version=small.version):
            dpa_services.issue_dpa(actor=small.finance, dpa=dpa, number=f"DPA/{dpa.opd.code}")
        yield small
