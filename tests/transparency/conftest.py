import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The public API's rate limit and kept answers live in the cache, which outlives a test's transaction."""
    cache.clear()
    yield
    cache.clear()
