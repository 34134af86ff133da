import pytest
from django.core.cache import cache

from tests.budgeting.factories import adopt, small_apbd


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The public API's rate limit and kept answers live in the cache, which outlives a test's transaction."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(reference_data):
    """The small year, adopted and published."""
    small = small_apbd(reference_data)
    small.version = adopt(small.version, small.finance, publish=True)
    return small
