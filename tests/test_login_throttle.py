"""Failed logins are limited per user name and address (django-axes) and per address across user names,
at the login page and the API token endpoint alike; every lockout says when to try again."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from masterdata.models import ApiToken, User
from tests.factories import DEFAULT_PASSWORD, user_with_role

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
NEIGHBOUR = "203.0.113.8"
COOL_OFF_SECONDS = 15 * 60


@pytest.fixture(autouse=True)
def _fresh_throttle_history():
    # The token endpoint's rate limit counts in the cache, which outlives a test's transaction.
    cache.clear()
    yield
    cache.clear()


def spray(client, count, address=ATTACKER):
    """Wrong passwords for `count` different user names, once each: never five for one name."""
    for index in range(count):
        client.post(reverse("login"), {"username": f"tebakan{index}", "password": "salah"}, REMOTE_ADDR=address)


def test_one_address_trying_many_user_names_is_locked_out(client, reference_data):
    victim = user_with_role(User.Role.FINANCE)
    spray(client, settings.LOGIN_FAILURES_PER_ADDRESS)
    response = client.post(
        reverse("login"), {"username": victim.username, "password": DEFAULT_PASSWORD}, REMOTE_ADDR=ATTACKER
    )
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= COOL_OFF_SECONDS
    html = response.content.decode()
    assert "Terlalu banyak percobaan masuk" in html and "dari alamat Anda" in html
    assert "_auth_user_id" not in client.session
    # Another address still signs in.
    other = client.post(
        reverse("login"), {"username": victim.username, "password": DEFAULT_PASSWORD}, REMOTE_ADDR=NEIGHBOUR
    )
    assert other.status_code == 302


def test_fewer_failures_than_the_address_limit_do_not_lock_the_address(client, reference_data):
    user = user_with_role(User.Role.BAPPEDA)
    spray(client, settings.LOGIN_FAILURES_PER_ADDRESS - 1)
    response = client.post(
        reverse("login"), {"username": user.username, "password": DEFAULT_PASSWORD}, REMOTE_ADDR=ATTACKER
    )
    assert response.status_code == 302


def test_the_token_endpoint_shares_the_address_limit(client, reference_data):
    user = user_with_role(User.Role.BAPPEDA)
    spray(client, settings.LOGIN_FAILURES_PER_ADDRESS)
    response = APIClient(REMOTE_ADDR=ATTACKER).post(
        "/api/v1/auth/token/", {"username": user.username, "password": DEFAULT_PASSWORD}, format="json"
    )
    assert response.status_code == 429
    [error] = response.json()["errors"]
    assert error["code"] == "locked_out" and "alamat" in error["message"]
    assert 0 < int(response["Retry-After"]) <= COOL_OFF_SECONDS
    assert not ApiToken.objects.filter(user=user).exists()


def test_the_per_user_lockout_page_says_when_to_try_again(client, reference_data):
    user = user_with_role(User.Role.BAPPEDA)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": user.username, "password": "salah"})
    locked = client.post(reverse("login"), {"username": user.username, "password": DEFAULT_PASSWORD})
    assert locked.status_code == 429
    assert locked["Retry-After"] == str(COOL_OFF_SECONDS)
    assert "nama pengguna ini" in locked.content.decode()
