"""Schemathesis over the whole OpenAPI schema, in-process through the WSGI application.

Every operation gets generated valid and invalid requests (coverage and fuzzing phases), sent with a
signed-in user's token, and every built-in check runs on the answer: no server error, status code,
content type, headers and body as the schema says, invalid input rejected, valid input accepted,
authentication not ignored, unsupported methods answered 405.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import ScopedRateThrottle

from bondowoso.wsgi import application
from masterdata import services
from masterdata.models import Account, ApiToken, FiscalYear, FundingSource, Nomenclature, Opd, StandardPriceItem, User
from tests.factories import DEFAULT_PASSWORD, user_with_role
from tests.test_api import make_prices

# Fuzzed cases per operation, beyond the deterministic coverage cases; raise it for a deeper run.
EXAMPLES = int(os.environ.get("API_SCHEMA_EXAMPLES", "20"))
# Loaded while tests are collected: serving the schema reads no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def _requests_share_the_test_transaction():
    """Django closes the connection when a WSGI request ends; inside a test that would end the test's
    transaction. The test client avoids this the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def _token_endpoint_not_throttled(monkeypatch):
    """Otherwise all but the first ten generated logins would only meet the throttle (tested in test_api)."""
    cache.clear()
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "auth_token", "100000/min")
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "public_api", "100000/min")  # one address asks all
    yield
    cache.clear()


@pytest.fixture
def user(reference_data, _requests_share_the_test_transaction, _token_endpoint_not_throttled):
    make_prices(reference_data, 5)
    make_prices(FiscalYear.objects.filter(is_active=True).order_by("-year").first(), 5)
    return user_with_role(User.Role.OPD_STAFF)


@pytest.fixture
def token(user):
    return services.issue_api_token(user=user).key


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"})


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("/api/v1/nomenclature/{id}/", Nomenclature),
        ("/api/v1/accounts/{id}/", Account),
        ("/api/v1/funding-sources/{id}/", FundingSource),
        ("/api/v1/opds/{id}/", Opd),
        ("/api/v1/standard-prices/{id}/", StandardPriceItem),
    ],
)
def test_existing_rows_conform_to_the_schema(token, path, model):
    """Generated ids seldom exist; fetch real ones (a root row and a child row where the kind has both)."""
    rows = [model.objects.order_by("pk").first(), model.objects.order_by("pk").last()]
    for row in rows:
        case = schema[path]["GET"].Case(path_parameters={"id": row.pk})
        response = case.call_and_validate(headers={"Authorization": f"Token {token}"})
        assert response.status_code == 200
        assert response.json()["id"] == row.pk


def test_token_success_conforms_to_the_schema(user):
    case = schema["/api/v1/auth/token/"]["POST"].Case(
        body={"username": user.username, "password": DEFAULT_PASSWORD}, media_type="application/json"
    )
    response = case.call_and_validate()
    assert response.status_code == 200
    assert ApiToken.objects.get(user=user).prefix == response.json()["token"][:8]
