import re
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from rest_framework import exceptions
from rest_framework.test import APIClient

from masterdata import api_base, services
from masterdata.models import (
    Account,
    ApiToken,
    AuditEvent,
    FiscalYear,
    FundingSource,
    Nomenclature,
    Opd,
    ReferenceVersion,
    StandardPriceItem,
    User,
)
from tests.factories import DEFAULT_PASSWORD, OpdFactory, user_with_role

pytestmark = pytest.mark.django_db

LISTS = ["nomenclature", "accounts", "funding-sources", "opds", "standard-prices"]
TOKEN_URL = "/api/v1/auth/token/"


def url(name, pk=None):
    return f"/api/v1/{name}/" + (f"{pk}/" if pk is not None else "")


def assert_error(response, status, code, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"errors"}
    assert {"code": code, "field": field} in [{"code": e["code"], "field": e["field"]} for e in body["errors"]], body
    for error in body["errors"]:
        assert set(error) == {"code", "message", "field"}
        assert error["message"]
    return body["errors"]


@pytest.fixture(autouse=True)
def _fresh_throttle_history():
    # Throttle counters live in the cache, which outlives a test's transaction.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(reference_data):
    return user_with_role(User.Role.BAPPEDA)


@pytest.fixture
def client(user):
    token = services.issue_api_token(user=user)
    api_client = APIClient()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api_client


def make_prices(fiscal_year, count, *, prefix="1.1.12.01", accounts=2, kind=StandardPriceItem.Kind.SSH):
    charged = list(
        Account.objects.filter(version=fiscal_year.reference_version, level="sub_rincian_objek").order_by("code")[
            :accounts
        ]
    )
    items = StandardPriceItem.objects.bulk_create(
        StandardPriceItem(
            fiscal_year=fiscal_year,
            kind=kind,
            code=f"{prefix}.{n:04d}",
            name=f"Kertas HVS {n}",
            unit="rim",
            price=Decimal("52500.00") + n,
            tkdn_percent=Decimal("40.00"),
        )
        for n in range(1, count + 1)
    )
    for item in items:
        item.accounts.set(charged)
    return items


@pytest.fixture
def newer_version(reference_data):
    """A second reference version (a handful of rows) used by a new fiscal year made the current one."""
    version = ReferenceVersion.objects.create(
        name="Kepmendagri uji", regulation_name="Kepmendagri uji", regulation_number="900-1/2099"
    )
    urusan = Nomenclature.objects.create(version=version, code="1", name="URUSAN BARU", level="urusan")
    Nomenclature.objects.create(version=version, code="1.02", name="KESEHATAN BARU", level="bidang", parent=urusan)
    Account.objects.create(version=version, code="5", name="BELANJA DAERAH BARU", level="akun")
    FundingSource.objects.create(version=version, code="1", name="PENDAPATAN ASLI DAERAH BARU", level="akun")
    services.set_current_fiscal_year(
        actor=None, fiscal_year=FiscalYear.objects.create(year=2099, reference_version=version, is_active=True)
    )
    return version


# --- Authentication -------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*LISTS, "me"])
def test_anonymous_gets_401_in_the_error_format(reference_data, name):
    response = APIClient().get(url(name))
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"
    assert "autentikasi" in response.json()["errors"][0]["message"]


def test_a_wrong_token_gets_401(reference_data):
    api_client = APIClient()
    api_client.credentials(HTTP_AUTHORIZATION="Token salah")
    assert_error(api_client.get(url("opds")), 401, "authentication_failed")


def test_session_authentication_works(user):
    api_client = APIClient()
    api_client.force_login(user)
    assert api_client.get(url("opds")).status_code == 200


def test_token_is_obtained_with_credentials_and_then_authenticates(reference_data):
    opd = OpdFactory()
    staff = user_with_role(User.Role.OPD_STAFF, opd=opd, first_name="Siti", last_name="Aminah")
    response = APIClient().post(TOKEN_URL, {"username": staff.username, "password": DEFAULT_PASSWORD}, format="json")
    assert response.status_code == 200
    key = response.json()["token"]
    assert ApiToken.objects.get(user=staff).prefix == key[:8]
    assert AuditEvent.objects.filter(action="api_token.issue", actor=staff).count() == 1

    api_client = APIClient()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = api_client.get(url("me")).json()
    assert me["username"] == staff.username
    assert me["full_name"] == "Siti Aminah"
    assert me["role"] == "opd_staff"
    assert me["role_label"] == "Staf OPD"
    assert me["opd"] == {"id": opd.pk, "code": opd.code, "name": opd.name}


def test_me_of_a_role_without_opd(client, user):
    me = client.get(url("me")).json()
    assert me["role"] == "bappeda"
    assert me["opd"] is None


def test_wrong_password_is_401_and_counts_toward_axes(user):
    response = APIClient().post(TOKEN_URL, {"username": user.username, "password": "bukan-ini"}, format="json")
    errors = assert_error(response, 401, "invalid_credentials")
    assert errors[0]["message"] == "Nama pengguna atau kata sandi salah."
    assert response["WWW-Authenticate"] == "Token"
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == 1
    assert not ApiToken.objects.filter(user=user).exists()


def test_repeated_failures_lock_the_account_even_for_the_right_password(user):
    api_client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_client.post(TOKEN_URL, {"username": user.username, "password": "bukan-ini"}, format="json")
    response = api_client.post(TOKEN_URL, {"username": user.username, "password": DEFAULT_PASSWORD}, format="json")
    errors = assert_error(response, 429, "locked_out")
    assert "dikunci 15 menit" in errors[0]["message"]
    assert response["Retry-After"] == "900"
    assert not ApiToken.objects.filter(user=user).exists()


def test_token_endpoint_is_throttled(user):
    api_client = APIClient()
    for _ in range(10):
        ok = api_client.post(TOKEN_URL, {"username": user.username, "password": DEFAULT_PASSWORD}, format="json")
        assert ok.status_code == 200
    response = api_client.post(TOKEN_URL, {"username": user.username, "password": DEFAULT_PASSWORD}, format="json")
    errors = assert_error(response, 429, "throttled")
    assert re.fullmatch(r"Terlalu banyak permintaan\. Coba lagi dalam \d+ detik\.", errors[0]["message"])
    assert int(response["Retry-After"]) > 0


def test_token_request_errors_name_their_fields(reference_data):
    api_client = APIClient()
    errors = assert_error(api_client.post(TOKEN_URL, {}, format="json"), 400, "required", "username")
    assert {e["field"] for e in errors} == {"username", "password"}
    assert errors[0]["message"] == "Bidang ini harus diisi."
    assert_error(api_client.post(TOKEN_URL, ["a"], format="json"), 400, "invalid", None)
    malformed = api_client.post(TOKEN_URL, "{bukan json", content_type="application/json")
    assert_error(malformed, 400, "parse_error")
    assert_error(api_client.post(TOKEN_URL, "x", content_type="text/plain"), 415, "unsupported_media_type")
    not_allowed = api_client.get(TOKEN_URL)
    errors = assert_error(not_allowed, 405, "method_not_allowed")
    assert errors[0]["message"] == "Metode GET tidak diizinkan pada alamat ini."
    assert "POST" in not_allowed["Allow"]


# --- Error format ---------------------------------------------------------------------------


def test_404_for_a_missing_id_and_a_malformed_id(client):
    errors = assert_error(client.get(url("opds", 999999999)), 404, "not_found")
    assert errors[0]["message"] == "Data tidak ditemukan."
    assert_error(client.get(url("opds", "abc")), 404, "not_found")
    assert_error(client.get(url("opds", 10**30)), 404, "not_found")


def test_unknown_api_address_answers_json_404(client):
    response = client.get("/api/v1/tidak-ada/")
    assert_error(response, 404, "not_found")
    assert "Allow" not in response
    assert_error(client.delete("/api/tidak-ada/lagi/"), 404, "not_found")
    assert client.get("/api/v1/opds").status_code == 301  # a missing slash is still redirected


def test_405_on_a_read_only_endpoint(client):
    errors = assert_error(client.post(url("opds"), {}, format="json"), 405, "method_not_allowed")
    assert errors[0]["message"] == "Metode POST tidak diizinkan pada alamat ini."
    assert_error(client.delete(url("opds", Opd.objects.first().pk)), 405, "method_not_allowed")


def test_400_names_every_bad_filter(client):
    response = client.get(url("nomenclature"), {"level": "desa", "year": "dua", "active": "ya"})
    errors = assert_error(response, 400, "invalid_choice", "level")
    assert {(e["field"], e["code"]) for e in errors} == {
        ("level", "invalid_choice"),
        ("year", "invalid"),
        ("active", "invalid"),
    }
    assert [e["message"] for e in errors if e["field"] == "year"] == ["Masukkan keseluruhan angka bilangan."]


def test_nested_errors_are_flattened_with_dotted_paths():
    exc = exceptions.ValidationError(
        {
            "non_field_errors": ["Pagu melebihi plafon."],
            "lines": [{}, {"volume": ["Harus lebih dari 0."], "item": {"code": ["Tidak dikenal."]}}],
            "notes": ["Terlalu panjang.", "Kosong."],
        }
    )
    response = api_base.exception_handler(exc, {"request": None})
    assert response.status_code == 400
    assert response.data == {
        "errors": [
            {"code": "invalid", "message": "Pagu melebihi plafon.", "field": None},
            {"code": "invalid", "message": "Harus lebih dari 0.", "field": "lines.1.volume"},
            {"code": "invalid", "message": "Tidak dikenal.", "field": "lines.1.item.code"},
            {"code": "invalid", "message": "Terlalu panjang.", "field": "notes"},
            {"code": "invalid", "message": "Kosong.", "field": "notes"},
        ]
    }


@pytest.mark.parametrize(
    ("exc", "status", "code", "message"),
    [
        (Http404("No Opd matches the given query."), 404, "not_found", "Data tidak ditemukan."),
        (PermissionDenied(), 403, "permission_denied", "Anda tidak berwenang melakukan tindakan ini."),
        (PermissionDenied("Hanya pejabat keuangan."), 403, "permission_denied", "Hanya pejabat keuangan."),
        (
            exceptions.PermissionDenied("CSRF Failed: CSRF token missing."),
            403,
            "permission_denied",
            "Token CSRF tidak ada atau tidak valid; muat ulang halaman lalu coba lagi.",
        ),
        (
            exceptions.NotAcceptable(),
            406,
            "not_acceptable",
            "Format jawaban yang diminta header Accept tidak tersedia.",
        ),
    ],
)
def test_messages_of_django_and_drf_errors_are_indonesian(exc, status, code, message):
    response = api_base.exception_handler(exc, {"request": None})
    assert response.status_code == status
    assert response.data == {"errors": [{"code": code, "message": message, "field": None}]}


def test_an_unknown_accept_header_answers_406_in_json(client):
    response = client.get(url("opds"), HTTP_ACCEPT="application/xml")
    assert_error(response, 406, "not_acceptable")


# --- Filters --------------------------------------------------------------------------------


def codes(response):
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_code_prefix_and_level(client, reference_data):
    rows = codes(client.get(url("nomenclature"), {"code_prefix": "1.02.02", "level": "kegiatan"}))
    assert rows and all(code.startswith("1.02.02.") and code.count(".") == 4 for code in rows)
    accounts = codes(client.get(url("accounts"), {"code_prefix": "5.1", "level": "kelompok"}))
    assert accounts == ["5.1"]
    sources = client.get(url("funding-sources"), {"level": "akun"}).json()
    assert (
        sources["count"] == FundingSource.objects.filter(version=reference_data.reference_version, level="akun").count()
    )


def test_text_search_matches_code_or_name_case_insensitively(client):
    by_name = client.get(url("opds"), {"q": "dinas kesehatan"}).json()["results"]
    assert [row["code"] for row in by_name] == ["1.02.0.00.0.00.01.00"]
    assert by_name[0]["name"].lower().startswith("dinas kesehatan")
    by_code = codes(client.get(url("accounts"), {"q": "5.1.02.01.01.0024"}))
    assert by_code == ["5.1.02.01.01.0024"]


def test_active_filter(client, reference_data):
    Nomenclature.objects.filter(version=reference_data.reference_version, code="1.02").update(is_active=False)
    assert codes(client.get(url("nomenclature"), {"code_prefix": "1.02", "level": "bidang", "active": "false"})) == [
        "1.02"
    ]
    assert codes(client.get(url("nomenclature"), {"code_prefix": "1.02", "level": "bidang", "active": "true"})) == []
    assert codes(client.get(url("nomenclature"), {"code_prefix": "1.02", "level": "bidang"})) == ["1.02"]


def test_opd_kind_filter(client):
    rows = client.get(url("opds"), {"kind": "kecamatan", "page_size": 500}).json()["results"]
    assert rows and {row["kind"] for row in rows} == {"kecamatan"}
    assert rows == sorted(rows, key=lambda row: row["code"])


def test_year_defaults_to_the_current_fiscal_year(client, reference_data, newer_version):
    assert codes(client.get(url("nomenclature"))) == ["1", "1.02"]
    assert codes(client.get(url("accounts"))) == ["5"]
    assert codes(client.get(url("funding-sources"))) == ["1"]
    older = client.get(url("nomenclature"), {"year": 2024, "level": "urusan"}).json()["results"]
    assert {row["version"] for row in older} == {reference_data.reference_version_id}
    assert "URUSAN BARU" not in [row["name"] for row in older]

    FiscalYear.objects.filter(year=2099).update(is_active=False)
    newest_active = FiscalYear.objects.filter(is_active=True).order_by("-year").first()
    rows = client.get(url("nomenclature"), {"level": "urusan"}).json()["results"]
    assert {row["version"] for row in rows} == {newest_active.reference_version_id}
    assert codes(client.get(url("nomenclature"), {"year": 2099})) == ["1", "1.02"]  # asked for, still served


def test_an_unknown_year_is_an_empty_list(client):
    assert client.get(url("accounts"), {"year": 2001}).json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }
    assert_error(client.get(url("accounts"), {"year": 1999}), 400, "min_value", "year")


def test_retrieve_by_id_serves_any_version(client, newer_version, reference_data):
    old = Nomenclature.objects.get(version=reference_data.reference_version, code="1.02.02.2.01.0001")
    row = client.get(url("nomenclature", old.pk)).json()
    assert row["code"] == old.code
    assert row["parent_code"] == "1.02.02.2.01"
    assert row["level"] == "sub_kegiatan"
    assert row["version"] == reference_data.reference_version_id


def test_standard_prices_filters_and_account_codes(client, reference_data):
    make_prices(reference_data, 3)
    make_prices(reference_data, 2, prefix="1.1.7.01", kind=StandardPriceItem.Kind.SBU, accounts=1)
    later = FiscalYear.objects.get(year=2025)
    make_prices(later, 1, prefix="9.9")

    listed = client.get(url("standard-prices"), {"year": 2024}).json()
    assert listed["count"] == 5
    by_code = {row["code"]: row for row in listed["results"]}
    charged = list(
        Account.objects.filter(version=reference_data.reference_version, level="sub_rincian_objek")
        .order_by("code")
        .values_list("code", flat=True)[:2]
    )
    assert by_code["1.1.12.01.0001"]["account_codes"] == charged
    assert by_code["1.1.7.01.0001"]["account_codes"] == charged[:1]
    assert by_code["1.1.12.01.0001"]["year"] == 2024
    assert by_code["1.1.12.01.0001"]["price"] == "52501.00"
    assert by_code["1.1.12.01.0001"]["tkdn_percent"] == "40.00"
    prices = url("standard-prices")
    assert codes(client.get(prices, {"year": 2024, "kind": "SBU"})) == ["1.1.7.01.0001", "1.1.7.01.0002"]
    assert codes(client.get(url("standard-prices"), {"year": 2024, "code_prefix": "1.1.12"})) == [
        "1.1.12.01.0001",
        "1.1.12.01.0002",
        "1.1.12.01.0003",
    ]
    assert len(codes(client.get(url("standard-prices"), {"year": 2024, "account": charged[1]}))) == 3
    assert codes(client.get(prices, {"year": 2024, "q": "hvs 2"})) == ["1.1.12.01.0002", "1.1.7.01.0002"]
    assert codes(client.get(url("standard-prices"), {"year": 2025})) == ["9.9.0001"]
    # Without a year: the newest active fiscal year, which has no catalogue yet.
    assert codes(client.get(url("standard-prices"))) == []


# --- Pagination -----------------------------------------------------------------------------


def test_pagination(client, reference_data):
    total = Account.objects.filter(version=reference_data.reference_version).count()
    first = client.get(url("accounts")).json()
    assert first["count"] == total
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert first["next"].endswith("/api/v1/accounts/?page=2")
    second = client.get(url("accounts"), {"page": 2, "page_size": 500}).json()
    assert len(second["results"]) == 500
    assert second["results"][0]["code"] > first["results"][-1]["code"]

    assert_error(client.get(url("accounts"), {"page_size": 501}), 400, "invalid", "page_size")
    assert_error(client.get(url("accounts"), {"page_size": 0}), 400, "invalid", "page_size")
    assert_error(client.get(url("accounts"), {"page": 0}), 400, "invalid", "page")
    assert_error(client.get(url("accounts"), {"page": "last"}), 400, "invalid", "page")
    errors = assert_error(client.get(url("accounts"), {"page": 10_000}), 404, "not_found")
    assert errors[0]["message"] == "Halaman 10000 tidak ada."


# --- Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", LISTS)
def test_list_query_count_does_not_grow_with_rows(client, reference_data, name):
    make_prices(reference_data, 60, accounts=3)
    FiscalYear.objects.filter(year__gt=2024).update(is_active=False)  # 2024 becomes the default year
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url(name), {"page_size": 2}).json()["results"]) == 2
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url(name), {"page_size": 50}).json()["results"]) == 50
    assert len(many) == len(few) <= 4  # token, count, page (+ accounts of the page's prices)


# --- Schema and docs ------------------------------------------------------------------------


def test_schema_and_docs_are_served_from_local_assets(reference_data):
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/standard-prices/" in schema.json()["paths"]
    page = APIClient().get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert not re.search(r"https?://|[\"'(]//", html), html  # neither absolute nor protocol-relative URLs
    assets = re.findall(r"(?:src|href)=\"([^\"]+)\"", html)
    sidecar = [asset for asset in assets if asset.startswith("/static/drf_spectacular_sidecar/")]
    assert len(sidecar) == 4 and set(assets) - set(sidecar) == {"/static/css/swagger_ui.css", "/api/docs/?script="}
    script = APIClient().get("/api/docs/?script=").content.decode()
    assert '"validatorUrl": null' in script  # the UI must not send the schema to validator.swagger.io


def test_an_empty_non_text_filter_is_an_error_not_no_filter(client):
    response = client.get(url("opds"), {"kind": "", "active": "", "q": "", "code_prefix": ""})
    errors = assert_error(response, 400, "blank", "kind")
    assert {(e["field"], e["code"]) for e in errors} == {("kind", "blank"), ("active", "blank")}
    assert_error(client.get(url("nomenclature"), {"year": ""}), 400, "blank", "year")
