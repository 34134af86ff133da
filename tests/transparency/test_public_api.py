"""The public API: facts and aggregates of published versions, without sign-in, CORS open, limited per address;
malformed parameters are 400 in the error format; drafts answer 404 like missing versions."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from budgeting.services import apbd as apbd_services
from tests.budgeting.factories import BAPENDA, DINKES, PPKD, adopt, small_apbd
from transparency.api import PublicRateThrottle

pytestmark = pytest.mark.django_db
YEAR = 2024
BASE = f"/api/v1/public/apbd/{YEAR}"


@pytest.fixture
def api():
    return APIClient()


def test_the_published_versions_are_listed_with_their_data(api, published):
    response = api.get("/api/v1/public/apbd/")
    assert response.status_code == 200
    [entry] = response.json()
    assert (entry["tahun"], entry["versi"], entry["jenis_versi"], entry["tahap"]) == (YEAR, 1, "murni", "approved")
    assert entry["datapackage"].endswith("/open-data/apbd/2024/versi/1/datapackage.json")
    assert entry["ringkasan"] == {
        "pendapatan": "1020000000.00",
        "belanja": "1027345678.90",
        "penerimaan_pembiayaan": "50000000.00",
        "pengeluaran_pembiayaan": "42654321.10",
    }
    assert api.get(entry["facts"].removeprefix("http://testserver")).status_code == 200


def test_facts_are_paged_and_cut_by_any_classification(api, published):
    response = api.get(f"{BASE}/facts/", {"page_size": 4})
    body = response.json()
    assert body["count"] == 11 and len(body["results"]) == 4 and body["next"]
    first = body["results"][0]
    assert {"kode_opd", "nama_opd", "kode_program", "kode_kelompok", "kode_sumber_dana", "jumlah"} <= first.keys()
    belanja_dinkes = api.get(f"{BASE}/facts/", {"cut": f"akun:5|opd:{DINKES}"}).json()
    assert sorted(row["uraian"] for row in belanja_dinkes["results"]) == ["L1", "L2", "L3"]
    either = api.get(f"{BASE}/facts/", {"cut": "kelompok:5.2;5.3"}).json()
    assert sorted(row["uraian"] for row in either["results"]) == ["L1", "L6"]
    program = api.get(f"{BASE}/facts/", {"cut": "program:1.02.01"}).json()  # the X.XX program, realised
    assert [row["uraian"] for row in program["results"]] == ["L3"]
    assert program["results"][0]["jumlah"] == "250000000.00"


def test_the_aggregate_drills_down_and_sums_to_the_published_totals(api, published):
    body = api.get(f"{BASE}/aggregate/", {"drilldown": "akun"}).json()
    sums = {cell["akun"]: Decimal(cell["sum"]) for cell in body["cells"]}
    assert sums == {"4": Decimal("1020000000.00"), "5": Decimal("1027345678.90"), "6": Decimal("92654321.10")}
    assert body["summary"] == {"sum": "2140000000.00", "count": 11}
    assert body["total_cell_count"] == 3
    assert body["cells"][0]["akun_nama"]

    by_opd = api.get(f"{BASE}/aggregate/", {"drilldown": "opd", "cut": "akun:5", "order": "sum:desc"}).json()
    assert [cell["opd"] for cell in by_opd["cells"]] == [DINKES, PPKD, BAPENDA]
    assert by_opd["cells"][0]["opd_nama"] == "Dinas Kesehatan"
    assert [cell["count"] for cell in by_opd["cells"]] == [3, 2, 1]

    two = api.get(f"{BASE}/aggregate/", {"drilldown": "bidang|sumber_dana", "cut": "akun:5"}).json()
    assert sum(Decimal(cell["sum"]) for cell in two["cells"]) == Decimal("1027345678.90")
    assert all(cell["sumber_dana_nama"] for cell in two["cells"])


def test_the_aggregate_pages_orders_and_picks_aggregates(api, published):
    first = api.get(f"{BASE}/aggregate/", {"drilldown": "rincian", "pagesize": 2, "order": "rincian:desc"}).json()
    second = api.get(
        f"{BASE}/aggregate/", {"drilldown": "rincian", "pagesize": 2, "page": 2, "order": "rincian:desc"}
    ).json()
    codes = [cell["rincian"] for cell in first["cells"] + second["cells"]]
    assert codes == sorted(codes, reverse=True) and len(set(codes)) == 4
    assert first["total_cell_count"] == 10  # L2 and L10 share the rincian objek 5.1.02.01.01
    counted = api.get(f"{BASE}/aggregate/", {"drilldown": "akun", "aggregates": "count"}).json()
    assert counted["cells"][0].keys() == {"akun", "akun_nama", "count"} and counted["summary"] == {"count": 11}
    undrilled = api.get(f"{BASE}/aggregate/", {"drilldown": "akun", "order": "opd:desc|count:desc"}).json()
    assert undrilled["order"] == ["count:desc"]  # an OPD spans many cells of akun: it orders nothing
    assert [cell["count"] for cell in undrilled["cells"]] == [6, 3, 2]
    beyond = api.get(f"{BASE}/aggregate/", {"drilldown": "akun", "page": 9})
    assert beyond.status_code == 404


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("aggregate", {"drilldown": "kabupaten"}, "drilldown"),
        ("aggregate", {"drilldown": "opd||akun"}, "drilldown"),
        ("aggregate", {"cut": "akun"}, "cut"),
        ("aggregate", {"cut": "akun:5'--"}, "cut"),
        ("aggregate", {"order": "sum:sideways"}, "order"),
        ("aggregate", {"aggregates": "avg"}, "aggregates"),
        ("aggregate", {"pagesize": "0"}, "pagesize"),
        ("aggregate", {"pagesize": "1001"}, "pagesize"),
        ("aggregate", {"page": "x"}, "page"),
        ("aggregate", {"versi": "-1"}, "versi"),
        ("aggregate", {"drildown": "akun"}, "drildown"),
        ("facts", {"page_size": "501"}, "page_size"),
        ("facts", {"cut": "bogus:1"}, "cut"),
        ("facts", {"opd": DINKES}, "opd"),
    ],
)
def test_malformed_parameters_are_refused_in_the_error_format(api, published, path, params, field):
    response = api.get(f"{BASE}/{path}/", params)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] == field and error["message"]


def test_drafts_answer_as_missing_versions(api, reference_data):
    small = small_apbd(reference_data)
    assert api.get(f"{BASE}/facts/").status_code == 404
    assert api.get(f"{BASE}/aggregate/", {"versi": small.version.number}).status_code == 404
    assert api.get("/api/v1/public/apbd/").json() == []
    published = adopt(small.version, small.finance, publish=True)
    shift = apbd_services.create_shift_version(actor=small.finance, fiscal_year=reference_data)
    assert api.get(f"{BASE}/facts/", {"versi": shift.number}).status_code == 404
    assert api.get(f"{BASE}/facts/", {"versi": 99}).json()["errors"][0]["code"] == "not_found"
    assert api.get(f"{BASE}/facts/").json()["results"][0]["versi"] == published.number
    assert api.get(f"/api/v1/public/apbd/{YEAR + 50}/aggregate/").status_code == 404


def test_the_api_is_open_to_any_origin_and_nothing_else_is(api, published):
    response = api.get(f"{BASE}/aggregate/", HTTP_ORIGIN="https://data.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    preflight = api.options(
        f"{BASE}/facts/", HTTP_ORIGIN="https://data.example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert preflight.status_code == 200 and preflight["Access-Control-Allow-Origin"] == "*"
    private = api.get("/api/v1/opds/", HTTP_ORIGIN="https://data.example.org")
    assert "Access-Control-Allow-Origin" not in private


def test_the_api_reads_only(api, published):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(api, method)(f"{BASE}/facts/", {}, format="json")
        assert response.status_code == 405, method
        assert response.json()["errors"][0]["code"] == "method_not_allowed"


def test_each_address_is_limited(api, published, monkeypatch):
    monkeypatch.setattr(PublicRateThrottle, "rate", "3/min", raising=False)
    assert [api.get("/api/v1/public/apbd/").status_code for _ in range(3)] == [200] * 3
    refused = api.get(f"{BASE}/aggregate/")
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["code"] == "throttled" and int(refused["Retry-After"]) > 0
    other = APIClient(REMOTE_ADDR="10.9.8.7")
    assert other.get("/api/v1/public/apbd/").status_code == 200


def test_the_api_is_in_the_openapi_schema(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operations = {
        path: operation["get"]["operationId"] for path, operation in schema["paths"].items() if "/public/" in path
    }
    assert operations == {
        "/api/v1/public/apbd/": "v1_public_apbd_list",
        "/api/v1/public/apbd/{year}/facts/": "v1_public_apbd_facts_list",
        "/api/v1/public/apbd/{year}/aggregate/": "v1_public_apbd_aggregate_retrieve",
    }
    aggregate = schema["paths"]["/api/v1/public/apbd/{year}/aggregate/"]["get"]
    assert "401" not in aggregate["responses"]  # no sign-in: nothing to refuse
    assert {"drilldown", "cut", "order", "page", "pagesize", "versi"} <= {p["name"] for p in aggregate["parameters"]}
    assert "429" in aggregate["responses"]


def test_lists_read_in_constant_queries(api, published, reference_data, django_assert_max_num_queries):
    shift = apbd_services.create_shift_version(actor=published.finance, fiscal_year=reference_data)
    adopt(shift, published.finance, publish=True)
    with django_assert_max_num_queries(2):  # the versions, then their stored totals
        assert len(api.get("/api/v1/public/apbd/").json()) == 2
    with django_assert_max_num_queries(5):
        assert api.get(f"{BASE}/facts/", {"page_size": 500}).status_code == 200
    # The version, the summary, the cell count, the page, then the names: accounts, nomenclature, OPDs, sources.
    with django_assert_max_num_queries(8):
        assert api.get(f"{BASE}/aggregate/", {"drilldown": "opd|program|sumber_dana|objek"}).status_code == 200


def test_an_answer_is_kept_per_version_and_the_latest_follows_a_new_publication(
    api, published, reference_data, django_assert_num_queries
):
    url = f"{BASE}/aggregate/?drilldown=opd&cut=akun:5"
    first = api.get(url).json()
    with django_assert_num_queries(1):  # only the version is looked up; the answer is kept
        assert api.get(url).json() == first
    shift = apbd_services.create_shift_version(actor=published.finance, fiscal_year=reference_data)
    adopt(shift, published.finance, publish=True)
    latest = api.get(url).json()
    assert (first["versi"], latest["versi"]) == (1, shift.number)
    assert api.get(f"{url}&versi=1").json()["cells"] == first["cells"]
