"""Public reads go to the `replica` alias (in tests a mirror of default: one database, two connections);
writes, the private pages and the API of the staff never do. And the probes: /healthz/ without the database,
/readyz/ naming what is down."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from budgeting.models import ApbdVersion
from tests.budgeting.factories import adopt, small_apbd
from tests.factories import UserFactory
from transparency import routers

YEAR = 2024
PUBLIC_URLS = [
    "/open-data/",
    f"/open-data/apbd/{YEAR}/datapackage.json",
    f"/open-data/apbd/{YEAR}/versi/1/rincian.csv",
    f"/open-data/apbd/{YEAR}/program.xlsx",
    f"/api/v1/public/apbd/{YEAR}/facts/",
    f"/api/v1/public/apbd/{YEAR}/aggregate/?drilldown=opd",
]


def _writes(queries):
    return [query["sql"] for query in queries if query["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def replica_reads(settings):
    settings.PUBLIC_READS_ALIAS = "replica"


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, "replica"])
def test_public_reads_go_to_the_replica_and_writes_never(reference_data, replica_reads):
    small = small_apbd(reference_data)
    adopt(small.version, small.finance, publish=True)
    client = APIClient()
    for url in PUBLIC_URLS:
        with (
            CaptureQueriesContext(connections["replica"]) as replica,
            CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as default,
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert _body(response)  # a streamed body is read after the view returned, from the replica too
        assert len(replica) > 0, url
        assert [query["sql"] for query in default] == [], url

    with CaptureQueriesContext(connections["replica"]) as replica, routers.public_reads():
        version = ApbdVersion.objects.get(pk=small.version.pk)  # read from the replica ...
        version.evaluation_corrections = "Tidak ada."
        version.save(update_fields=["evaluation_corrections"])  # ... written to default
        with transaction.atomic():
            ApbdVersion.objects.get(pk=small.version.pk)  # inside a write transaction: default sees its writes
    assert len(replica) == 1 and _writes(replica) == []


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, "replica"])
def test_staff_pages_and_the_staff_api_read_default(reference_data, replica_reads):
    small = small_apbd(reference_data)
    adopt(small.version, small.finance, publish=True)
    client = APIClient()
    client.force_authenticate(UserFactory(role="finance"))
    with CaptureQueriesContext(connections["replica"]) as replica:
        assert client.get(f"/api/v1/apbd-versions/{small.version.pk}/").status_code == 200
        assert client.get(f"/anggaran/apbd/{small.version.pk}/").status_code in (200, 302)
    assert list(replica) == []


def test_without_a_replica_public_reads_use_default(db, settings):
    settings.PUBLIC_READS_ALIAS = None
    with routers.public_reads():
        assert routers.PublicReplicaRouter().db_for_read(ApbdVersion) is None
    settings.PUBLIC_READS_ALIAS = "replica"
    router = routers.PublicReplicaRouter()
    assert router.db_for_read(ApbdVersion) is None  # not a public read
    with routers.public_reads():
        assert router.db_for_write(ApbdVersion) == DEFAULT_DB_ALIAS
        assert router.db_for_read(UserFactory._meta.model) is None  # who someone is: never from a replica
    assert router.allow_migrate("replica", "budgeting") is False


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz/")  # no database fixture: a query would raise
    assert response.status_code == 200 and response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_checks_the_database_and_redis(client, settings):
    response = client.get("/readyz/")
    assert response.status_code == 200
    body = response.json()
    assert body["ready"] and body["down"] == []
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"] == ("ok" if settings.REDIS_URL else "tidak dipakai")


@pytest.mark.django_db
def test_readyz_is_503_naming_redis_when_it_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json()["down"] == ["redis"]


@pytest.mark.django_db
def test_readyz_is_503_naming_the_database_that_is_down(client, settings):
    broken = {**connections.settings[DEFAULT_DB_ALIAS], "HOST": "127.0.0.1", "PORT": "1", "NAME": "absent"}
    if broken["ENGINE"].endswith("sqlite3"):
        broken["NAME"] = "/nonexistent/folder/db.sqlite3"
    connections.settings["replica_down"] = broken
    settings.PUBLIC_READS_ALIAS = "replica_down"
    try:
        response = client.get("/readyz/")
    finally:
        connections["replica_down"].close()
        del connections.settings["replica_down"]
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["database_replica"] and body["checks"]["database"] == "ok"
