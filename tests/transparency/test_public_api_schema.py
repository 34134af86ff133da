"""Schemathesis over the public API with a published year in the database: every generated query (valid and
invalid) against real facts answers as the schema says, never a server error."""

import pytest
import schemathesis
from django.core.cache import cache
from hypothesis import HealthCheck, settings

from bondowoso.wsgi import application
from tests.budgeting.factories import adopt, small_apbd
from tests.test_api_schema import _requests_share_the_test_transaction  # noqa: F401 (a fixture)

EXAMPLES = 30
schema = schemathesis.openapi.from_wsgi("/api/schema/", application).include(path_regex=r"^/api/v1/public/")


@pytest.fixture
def published_year(reference_data, _requests_share_the_test_transaction, monkeypatch):  # noqa: F811
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "public_api", "100000/min")
    cache.clear()
    small = small_apbd(reference_data)
    adopt(small.version, small.finance, publish=True)
    yield reference_data.year
    cache.clear()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_public_api_conforms_to_its_schema_on_real_data(case, published_year):
    if "year" in (case.path_parameters or {}):
        case.path_parameters["year"] = published_year
    case.call_and_validate()
