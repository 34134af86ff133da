"""API tokens expire; each request for one issues a new one; a user revokes their own; the administrator
issues and revokes the longer-lived integration tokens of OPD applications in admin. All audited."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from masterdata import services
from masterdata.models import ApiToken, AuditEvent, User
from tests.factories import DEFAULT_PASSWORD, user_with_role

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"


@pytest.fixture(autouse=True)
def _fresh_throttle_history():
    cache.clear()
    yield
    cache.clear()


def with_token(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def obtain(user):
    response = APIClient().post(TOKEN_URL, {"username": user.username, "password": DEFAULT_PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def error_of(response, status):
    assert response.status_code == status, response.content
    [error] = response.json()["errors"]
    return error


def test_each_request_issues_a_new_token_that_expires(reference_data):
    user = user_with_role(User.Role.OPD_STAFF)
    first, second = obtain(user), obtain(user)
    assert first["token"] != second["token"]
    expires = datetime.datetime.fromisoformat(first["expires_at"])
    expected = timezone.now() + settings.API_TOKEN_LIFETIME
    assert abs((expires - expected).total_seconds()) < 60
    assert datetime.timedelta(hours=12) == settings.API_TOKEN_LIFETIME
    for key in (first["token"], second["token"]):
        assert with_token(key).get("/api/v1/me/").json()["username"] == user.username
    events = AuditEvent.objects.filter(action="api_token.issue", actor=user)
    assert events.count() == 2
    assert not any(first["token"] in str(event.after) for event in events)
    # Only a digest of the key is stored.
    assert not ApiToken.objects.filter(key_hash=first["token"]).exists()


def test_an_expired_token_answers_401_in_the_error_shape(reference_data):
    user = user_with_role(User.Role.BAPPEDA)
    issued = obtain(user)
    ApiToken.objects.filter(pk=issued["id"]).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = with_token(issued["token"]).get("/api/v1/me/")
    error = error_of(response, 401)
    assert error["code"] == "token_expired" and "kedaluwarsa" in error["message"]
    assert response["WWW-Authenticate"] == "Token"


def test_a_user_lists_and_revokes_their_own_token(reference_data):
    user, other = user_with_role(User.Role.BAPPEDA), user_with_role(User.Role.FINANCE)
    mine, theirs = obtain(user), obtain(other)
    client = with_token(mine["token"])
    listed = client.get(TOKENS_URL).json()["results"]
    assert [token["id"] for token in listed] == [mine["id"]]
    assert listed[0]["prefix"] == mine["token"][:8] and "token" not in listed[0]

    assert error_of(client.post(f"{TOKENS_URL}{theirs['id']}/revoke/"), 404)["code"] == "not_found"
    revoked = client.post(f"{TOKENS_URL}{mine['id']}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert error_of(with_token(mine["token"]).get("/api/v1/me/"), 401)["code"] == "token_revoked"
    assert with_token(theirs["token"]).get("/api/v1/me/").status_code == 200
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.actor == user and event.object_id == str(mine["id"])


def test_session_users_revoke_their_tokens_too_and_the_owner_cannot_revoke_an_integration_token(reference_data):
    admin, app_user = user_with_role(User.Role.ADMIN), user_with_role(User.Role.OPD_STAFF)
    integration = services.issue_integration_token(actor=admin, user=app_user, name="SIMPEG Dinkes", days=30)
    client = APIClient()
    client.force_login(app_user)
    error = error_of(client.post(f"{TOKENS_URL}{integration.pk}/revoke/"), 403)
    assert error["code"] == "permission_denied"
    integration.refresh_from_db()
    assert integration.revoked_at is None


def test_the_administrator_sees_every_token(reference_data):
    admin = user_with_role(User.Role.ADMIN)
    obtain(user_with_role(User.Role.BAPPEDA))
    client = APIClient()
    client.force_login(admin)
    assert client.get(TOKENS_URL).json()["count"] == 1


def test_the_administrator_issues_an_integration_token_in_admin(client, reference_data):
    admin, app_user = user_with_role(User.Role.ADMIN, is_staff=True), user_with_role(User.Role.OPD_STAFF)
    client.force_login(admin)
    add_url = reverse("admin:masterdata_apitoken_add")
    assert client.get(add_url).status_code == 200
    response = client.post(add_url, {"user": app_user.pk, "name": "SIMPEG Dinkes", "days": 90}, follow=True)
    token = ApiToken.objects.get()
    assert (token.kind, token.name, token.user, token.issued_by) == ("integration", "SIMPEG Dinkes", app_user, admin)
    assert abs((token.expires_at - timezone.now() - datetime.timedelta(days=90)).total_seconds()) < 60
    key = re.search(r"\b([0-9a-f]{40})\b", response.content.decode()).group(1)
    assert with_token(key).get("/api/v1/me/").json()["username"] == app_user.username
    event = AuditEvent.objects.get(action="api_token.issue_integration")
    assert event.actor == admin and key not in str(event.after)

    changelist = reverse("admin:masterdata_apitoken_changelist")
    client.post(changelist, {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=admin).count() == 1


def test_only_the_administrator_issues_integration_tokens(client, reference_data):
    finance = user_with_role(User.Role.FINANCE, is_staff=True)
    client.force_login(finance)
    assert client.get(reverse("admin:masterdata_apitoken_add")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.issue_integration_token(actor=finance, user=finance, name="x", days=1)
    assert not ApiToken.objects.exists()


def test_the_administrator_does_not_revoke_someone_elses_personal_token(client, reference_data):
    admin = user_with_role(User.Role.ADMIN, is_staff=True)
    personal = obtain(user_with_role(User.Role.BAPPEDA))
    client.force_login(admin)
    client.post(
        reverse("admin:masterdata_apitoken_changelist"), {"action": "revoke", "_selected_action": [personal["id"]]}
    )
    assert ApiToken.objects.get(pk=personal["id"]).revoked_at is None


def test_the_token_operations_are_documented(client, reference_data):
    client.force_login(user_with_role(User.Role.BAPPEDA))
    paths = client.get("/api/schema/?format=json").json()["paths"]
    assert "post" in paths["/api/v1/auth/tokens/{id}/revoke/"]
    assert "get" in paths["/api/v1/auth/tokens/"]
