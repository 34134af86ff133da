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
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.throttling import ScopedRateThrottle
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from bondowoso.wsgi import application
from masterdata import services
from masterdata.models import Account, ApiToken, FiscalYear, FundingSource, Nomenclature, Opd, StandardPriceItem, User
from tests.factories import DEFAULT_PASSWORD, user_with_role
from tests.test_api import make_prices

# Fuzzed cases per operation, beyond the deterministic coverage cases; raise it for a deeper run.
EXAMPLES = int(os.environ.get("API_SCHEMA_EXAMPLES", "20"))
WRITE_EXAMPLES = int(os.environ.get("API_SCHEMA_WRITE_EXAMPLES", "8"))  # per write operation and mode
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


def _try_writes(operation, path_parameters, mode, headers):
    """Generated requests to one write operation, each rolled back; raises what schemathesis found."""

    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    @settings(
        max_examples=WRITE_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        with transaction.atomic():
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance, negative_data_rejection])
            transaction.set_rollback(True)

    run()


def test_writes_on_a_year_with_editable_documents_conform(
    reference_data, _requests_share_the_test_transaction, _token_endpoint_not_throttled
):
    """Every write operation, on the real documents of a seeded year (a draft Renja, KUA-PPAS, RKA of a draft
    pergeseran, DPA, …) as a caller allowed to write, with valid and invalid generated data: no server error
    and answers as the schema says. Each request's writes are rolled back, so every operation meets the
    documents in their editable state. Valid-looking data may still be refused by the budget's rules, and
    schemathesis's invalid variants of nullable fields are not always invalid, so acceptance and refusal are
    asked of the corpus in tests/test_bad_input.py instead."""
    from tests.test_access_matrix import API_OBJECTS, _year
    from tests.test_bad_input import _write_operations

    users, objects = _year(reference_data)
    tokens = {}
    failures = []
    for operation_id, method, path, writer, _ in _write_operations():
        if users[writer] is None:
            continue
        token = tokens.get(writer) or services.issue_api_token(user=users[writer]).key
        tokens[writer] = token
        segment = path.removeprefix("/api/v1/").split("/")[0]
        fixed = {name: objects[API_OBJECTS[segment]] for name in ("id", "year") if "{" + name + "}" in path}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _try_writes(schema[path][method], fixed, mode, {"Authorization": f"Token {token}"})
            except Unsatisfiable:
                pass  # nothing of the request can be made invalid: its path is fixed and it takes no body
            except (Exception, BaseExceptionGroup) as error:  # every operation is tried; all failures are reported
                failures.append(f"{method} {path} ({operation_id}, {mode}): {str(error)[:600]}")
    assert not failures, "\n\n".join(failures)
